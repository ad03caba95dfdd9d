"""JSON written by ``traffic`` (the Python library): the flight table as a list of records
(pandas ``orient="records"``), one record a line (``lines=True``), or pandas' default
column form (``{"timestamp": {"0": ...}, "icao24": {"0": ...}}``); ``timestamp`` in epoch
milliseconds. Units are traffic's: feet, knots, ft/min.
"""

from __future__ import annotations

import json
import re

from ...errors import InputError
from ...filebytes import without_bom
from ..parsing import (Ticker, Validator, clock_from, load_json_whole, read_or_skip,
                       text_stream, release_text)
from ..model import Skipped
from . import traffic_records

NAME = "traffic-json"
VERSION = "1"
DESCRIPTION = ("JSON from the traffic library (records or JSON lines: timestamp in epoch ms, "
               "icao24, callsign, latitude, longitude, altitude ft, groundspeed kt, ...)")
EXTENSIONS = (".json", ".jsonl")
SINGLE_FLIGHT = False

_KEYS = re.compile(rb'"(timestamp|icao24|latitude|longitude)"\s*:')
REASON_NOT_A_RECORD = "not a JSON object with a timestamp, icao24, latitude and longitude"


def sniff(head: bytes, name: str) -> bool:
    text = without_bom(head).lstrip(b" \t\r\n")
    return text[:1] in (b"[", b"{") and len(set(_KEYS.findall(head))) == 4 \
        and b'"trace"' not in head and b'"path"' not in head


def parse(stream, name, *, options=None, progress=None, cancelled=None):
    """Yield a TrackPoint per record (Skipped for a record that cannot be read)."""
    check = Validator(name, clock_from(options))
    head = without_bom(stream.peek(HEAD)[:HEAD]).lstrip(b" \t\r\n")
    if head[:1] == b"[" or not _one_record_a_line(head):
        records = load_records(stream, name)
        ticker = Ticker(stream, progress, cancelled, total_records=len(records))
        numbered = ((index + 1, None, value) for index, value in enumerate(records))
    else:
        ticker = Ticker(stream, progress, cancelled)
        numbered = _lines(stream, name)
    for record, line, value in numbered:
        yield _read(value, record, line, name, check)
        ticker.tick()
    ticker.finish()


HEAD = 64 * 1024


def _one_record_a_line(head: bytes) -> bool:
    line = head.split(b"\n", 1)[0]
    try:
        value = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False
    return isinstance(value, dict) and not any(isinstance(v, dict) for v in value.values())


def load_records(stream, name: str) -> list:
    """The records of a whole JSON document: a list of them, or pandas' column form turned
    into one (the one place this format loads a document whole)."""
    document = load_json_whole(stream, name)
    if isinstance(document, dict) and document and all(isinstance(v, dict)
                                                       for v in document.values()):
        index = list(next(iter(document.values())))
        return [{column: values.get(key) for column, values in document.items()}
                for key in index]
    if not isinstance(document, list):
        raise InputError("not a list of traffic records", path=name)
    return document


def _lines(stream, name):
    """JSON lines: (record, line, value); a line that is not JSON is a record skipped."""
    text = text_stream(stream)
    try:
        record = 0
        for line, raw in enumerate(text, start=1):
            if not raw.strip():
                continue
            record += 1
            try:
                value = json.loads(raw)
            except json.JSONDecodeError:
                value = _NOT_JSON
            yield record, line, value
    except UnicodeDecodeError:
        raise InputError("the file is not UTF-8 text (is it a binary file?)", path=name) from None
    finally:
        release_text(text)


_NOT_JSON = object()


def _read(value, record, line, name, check):
    if value is _NOT_JSON:
        return Skipped(record, "line is not JSON", f"{name}, line {line}: not JSON")
    if not isinstance(value, dict):
        return Skipped(record, REASON_NOT_A_RECORD,
                       f"{name}: record {record}: {REASON_NOT_A_RECORD}")

    def get(column):
        found = value.get(column)
        return None if traffic_records.is_missing(found) else found

    return read_or_skip(traffic_records.point, record, get, record, name, check, line=line,
                        where=f"record {record}: ")
