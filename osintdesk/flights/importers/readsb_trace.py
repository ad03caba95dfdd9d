"""readsb / tar1090 / ADS-B Exchange / adsb.lol ``trace_full_<hex>.json`` (often gzip under .json).

Top level: ``icao``, ``r`` (registration), ``t`` (type), ``desc``, ``ownOp``, ``dbFlags``, a base
``timestamp`` and ``trace``: rows of 9 (before 2022) or 14 values
``[dt, lat, lon, alt|"ground"|null, gs, track, flags, vrate, details|null, source, geom_alt,
geom_rate, ias, roll]``. ``flags & 1``: stale position; ``flags & 2``: start of a new leg;
``flags & 8``: the altitude is geometric (then ``alt_ft`` holds that value). The callsign
and squawk appear only in the details object, so only those rows carry them.

The trace is decoded one row at a time: a million-point trace does not sit in memory.
"""

from __future__ import annotations

import re

from ...errors import InputError
from ...filebytes import without_bom
from ..model import AircraftInfo
from ..parsing import (EARLIEST_T, BadRecord, JsonStream, Ticker, Validator, clock_from, make_point,
                       normalise_hex, normalise_squawk, release_text, stripped_text, text_stream,
                       skipped_record, to_float, with_line)

NAME = "readsb-trace"
VERSION = "1"
DESCRIPTION = ("readsb / tar1090 / ADS-B Exchange / adsb.lol trace_full_<hex>.json (9- and "
               "14-value rows, leg and stale flags), gzip or plain")
EXTENSIONS = (".json",)
SINGLE_FLIGHT = False

_FLAG_STALE = 1
_FLAG_NEW_LEG = 2

_KEYS = re.compile(rb'"(icao|timestamp|trace)"\s*:')


def sniff(head: bytes, name: str) -> bool:
    text = without_bom(head).lstrip(b" \t\r\n")
    return text.startswith(b"{") and len(set(_KEYS.findall(head))) == 3


def parse(stream, name, *, options=None, progress=None, cancelled=None):
    """Yield an AircraftInfo, then one TrackPoint per trace row."""
    check = Validator(name, clock_from(options))
    ticker = Ticker(stream, progress, cancelled)
    text = text_stream(stream)
    try:
        yield from _parse(JsonStream(text, name, stream_keys=("trace",)), name, check, ticker)
    finally:
        release_text(text)
    ticker.finish()


def _parse(doc: JsonStream, name, check, ticker):
    header: dict = {}
    ready = None  # (base_t, hex) once both header values have been read
    fast = None
    pending: list = []  # rows met before "icao"/"timestamp" (unusual key order)
    for key, index, value in doc.members():
        if index is None:
            header[key] = value
            continue
        if ready is None and "icao" in header and "timestamp" in header:
            ready = _header(header, name)
            fast = _fast_point(*ready, check)
            yield _aircraft(header, ready[1])
        if ready is None:
            pending.append((index, value))
            continue
        point = fast(value, index) if fast is not None else None
        if point is None:
            try:
                point = _point(value, index, *ready, name, check)
            except BadRecord as exc:
                point = skipped_record(with_line(exc, name, doc.current_line()), index + 1)
        yield point
        ticker.tick()
    if "trace" not in doc.seen_keys:
        raise InputError('no "trace" array: not a readsb trace file', path=name)
    if ready is None:
        ready = _header(header, name)
        yield _aircraft(header, ready[1])
        for index, value in pending:
            try:
                yield _point(value, index, *ready, name, check)
            except BadRecord as exc:
                yield skipped_record(exc, index + 1)
            ticker.tick()


def _header(header: dict, name: str):
    hex_code = normalise_hex(header.get("icao"), name, None, '"icao": ')
    if hex_code is None:
        raise InputError('the "icao" address is missing', path=name)
    if "timestamp" not in header:
        raise InputError('the base "timestamp" is missing', path=name)
    base_t = to_float(header["timestamp"], '"timestamp"', name, None)
    if base_t is None:
        raise InputError('the base "timestamp" is empty', path=name)
    return base_t, hex_code


def _aircraft(header: dict, hex_code: str) -> AircraftInfo:
    extra = {k: header[k] for k in ("dbFlags", "year") if header.get(k) is not None}
    return AircraftInfo(hex=hex_code, registration=stripped_text(header.get("r")),
                        type_code=stripped_text(header.get("t")),
                        type_name=stripped_text(header.get("desc")),
                        operator=stripped_text(header.get("ownOp")), extra=extra)


_NUMBER = (int, float)


def _fast_point(base_t, hex_code, check):
    """The hot path for ordinary rows; None means "parse it carefully" (``_point``), which
    also produces the exact error message for a bad row."""
    earliest, latest = EARLIEST_T, check.latest_t
    new = make_point

    def fast(row, index):
        if type(row) is not list or len(row) < 9 or row[8] is not None:
            return None  # rows with details (callsign, squawk) take the careful path
        dt, lat, lon, alt, gs, track, flags, vrate = row[:8]
        if not (type(dt) in _NUMBER and type(lat) in _NUMBER and type(lon) in _NUMBER
                and type(flags) is int and (gs is None or type(gs) in _NUMBER)
                and (track is None or type(track) in _NUMBER)
                and (vrate is None or type(vrate) in _NUMBER)):
            return None
        t = base_t + dt
        if not (earliest <= t <= latest and -90 <= lat <= 90 and -180 <= lon <= 180):
            return None
        if alt == "ground":
            alt, on_ground = None, True
        elif type(alt) in _NUMBER:
            on_ground = False
        elif alt is None:
            on_ground = None
        else:
            return None
        return new(t, lat, lon, alt, gs, track, vrate, on_ground, None, None, hex_code,
                   bool(flags & _FLAG_NEW_LEG), bool(flags & _FLAG_STALE), index + 1)

    return fast


def _point(row, index, base_t, hex_code, name, check):
    record = index + 1
    where = f"trace entry {record}: "
    if not isinstance(row, list) or len(row) < 9:
        found = f"{len(row)} values" if isinstance(row, list) else type(row).__name__
        raise BadRecord(f"{where}expected a row of 9 or 14 values, found {found}",
                        reason="trace row is not a list of 9 or 14 values", path=name)
    dt = to_float(row[0], "time offset", name, None, where)
    t = check.time(None if dt is None else base_t + dt, None, where)
    lat = to_float(row[1], "latitude", name, None, where)
    lon = to_float(row[2], "longitude", name, None, where)
    check.position(lat, lon, None, where)
    alt = row[3]
    if alt == "ground":
        alt_ft, on_ground = None, True
    else:
        alt_ft = to_float(alt, "altitude", name, None, where)
        on_ground = None if alt_ft is None else False
    flags = row[6] or 0
    if not isinstance(flags, int) or isinstance(flags, bool):
        raise BadRecord(f"{where}flags {flags!r} are not an integer",
                        reason="flags are not an integer", path=name)
    details = row[8]
    callsign = squawk = None
    if isinstance(details, dict):
        callsign = stripped_text(details.get("flight"))
        squawk = normalise_squawk(details.get("squawk"), name, None, where=where)
    elif details is not None:
        raise BadRecord(f"{where}details are not an object", reason="details are not an object",
                        path=name)
    return make_point(t, lat, lon, alt_ft,
                      to_float(row[4], "ground speed", name, None, where),
                      to_float(row[5], "track", name, None, where),
                      to_float(row[7], "vertical rate", name, None, where),
                      on_ground, callsign, squawk, hex_code,
                      bool(flags & _FLAG_NEW_LEG), bool(flags & _FLAG_STALE), record)
