"""Timesketch's own import rules for CSV and JSON lines, as its server applies them
(``timesketch/lib/utils.py``: ``read_and_validate_csv``, ``read_and_validate_jsonl``; the
"Import from JSON or CSV" guide), written from those and not from our writer. Its CSV
reader is pandas, which the tests do not install: the csv module reads the same RFC 4180
quoting, and pandas' empty-value strings are listed here.

Each checker returns the rows as Timesketch would index them and raises ``Rejected`` where
Timesketch refuses the file, or would silently drop a row or a field.
"""

from __future__ import annotations

import csv
import io
import json

from dateutil import parser

# Mandatory in every file (utils.TIMESKETCH_FIELDS).
MANDATORY = ("message", "datetime", "timestamp_desc")
# Removed from every row before indexing (utils.FIELDS_TO_REMOVE): data there would be lost.
SCRUBBED = {"_id", "_type", "_index", "_source", "__ts_timeline_id"}
# pandas.read_csv's default missing values: a cell with one of these is dropped from the row.
PANDAS_NA = {"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
             "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"}


class Rejected(AssertionError):
    pass


def _moment_us(text, where: str) -> int:
    """What Timesketch makes of a ``datetime``: parsed (dateutil, as pandas and the JSONL
    reader do), and it must say its offset (the issue's rule: ISO 8601 with offset)."""
    if not isinstance(text, str) or not text.strip():
        raise Rejected(f"{where}: no datetime (the row is skipped)")
    try:
        moment = parser.isoparse(text)
    except ValueError as error:
        raise Rejected(f"{where}: datetime {text!r} is not ISO 8601 ({error})") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise Rejected(f"{where}: datetime {text!r} has no offset")
    return round(moment.timestamp() * 1_000_000)


def _common(row: dict, where: str) -> dict:
    missing = [f for f in MANDATORY if f not in row]
    if missing:
        raise Rejected(f"{where}: missing field(s) {','.join(missing)}")
    lost = SCRUBBED & set(row)
    if lost:
        raise Rejected(f"{where}: Timesketch removes {sorted(lost)}")
    if "tag" in row:
        raise Rejected(f"{where}: 'tag' is parsed by Timesketch into its own tags")
    for field in ("message", "timestamp_desc"):
        if not isinstance(row[field], str) or not row[field].strip():
            raise Rejected(f"{where}: empty {field}")
    return row


def check_jsonl(text: str) -> list[dict]:
    """``read_and_validate_jsonl``: every line one JSON object with the mandatory fields;
    a ``timestamp`` given is kept as is (so it must be the datetime's, in microseconds).
    Lines are cut as ``str.splitlines`` cuts them (also at U+2028, U+0085...), the
    strictest of the readers a server may use."""
    rows = []
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        where = f"line {number}"
        try:
            row = json.loads(line)
        except ValueError as error:
            raise Rejected(f"{where}: not JSON ({error})") from None
        if not isinstance(row, dict):
            raise Rejected(f"{where}: not an object")
        _common(row, where)
        micro = _moment_us(row["datetime"], where)
        if "timestamp" in row and row["timestamp"] != micro:
            raise Rejected(f"{where}: timestamp {row['timestamp']} is not the datetime's "
                           f"{micro} (microseconds)")
        rows.append(row)
    return rows


def check_csv(text: str) -> list[dict]:
    """``read_and_validate_csv``: a header naming the mandatory columns; a row whose
    datetime is empty or unreadable is dropped; ``timestamp`` is recomputed from the
    datetime; empty (NA) cells are dropped from the row."""
    if text.startswith("\ufeff"):
        raise Rejected("a byte order mark: the first column would be '\\ufeffmessage'")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    if len(set(header)) != len(header):
        raise Rejected(f"duplicate columns in {header}")
    missing = [f for f in MANDATORY if f not in header]
    if missing:
        raise Rejected(f"Missing mandatory CSV headers: {', '.join(missing)}")
    rows = []
    for number, row in enumerate(reader, 2):
        where = f"row {number}"
        if None in row or any(v is None for v in row.values()):
            raise Rejected(f"{where}: not as many cells as the header has columns")
        for field in MANDATORY:
            if row[field] in PANDAS_NA:
                raise Rejected(f"{where}: {field} reads as missing ({row[field]!r})")
        _common(row, where)
        micro = _moment_us(row["datetime"], where)
        if "timestamp" in row and int(row["timestamp"]) != micro:
            raise Rejected(f"{where}: timestamp {row['timestamp']} is not the datetime's")
        indexed = {k: v for k, v in row.items() if v not in PANDAS_NA}
        indexed["timestamp"] = micro
        rows.append(indexed)
    return rows
