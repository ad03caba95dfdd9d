"""readsb / dump1090 ``aircraft.json`` and ``history_N.json`` snapshots (one file per import;
import several to get a track).

Each aircraft's position time is ``now - seen_pos``. Legacy dump1090 key names (``altitude``,
``speed``, ``vert_rate``) are accepted; ``alt_baro: "ground"`` marks the ground; a ``~`` before
the hex marks a non-ICAO address. ``lastPosition`` (a position older than 60 s) is taken
with its own age and marked stale; ``rr_lat``/``rr_lon`` are receiver-range *estimates* and
are never imported. An aircraft without any position is kept as a ``Sighting`` (address,
callsign, squawk, heard at ``now - seen``). An entry that cannot be read is skipped and
counted by reason. A snapshot whose ``now`` is implausible is refused, naming the file:
every position time in it would be wrong. The ADS-B Exchange / adsb.lol API form
(``ac`` list, ``now`` in milliseconds) is read too.

To drop a position repeated by consecutive snapshots, import a batch of files in the order
``order_snapshots(paths)`` gives and pass them the same
``options["repeat_filter"] = RepeatFilter()``.

Memory: entries listed before ``now`` wait on disk (``ObjectSpool``); what grows with the
number of distinct aircraft (not with the file's size) is inherent: the repeat filter's last
position per address, and the import's aircraft, each a record of the case.
"""

from __future__ import annotations

import re

from ...errors import InputError
from ...filebytes import without_bom
from ..model import AircraftInfo, Sighting, Skipped
from ..parsing import (BadRecord, JsonStream, ObjectSpool, Ticker, Validator, clock_from,
                       make_point, normalise_hex, normalise_squawk, open_maybe_gzip,
                       release_text, skipped_record, stripped_text, text_stream, to_float,
                       with_line)

NAME = "readsb-aircraft"
VERSION = "1"
DESCRIPTION = ("readsb / dump1090 aircraft.json and history_N.json snapshots (position time = "
               "now - seen_pos; legacy keys; ~ non-ICAO addresses), also the ADSBx/adsb.lol API form")
EXTENSIONS = (".json",)
SINGLE_FLIGHT = False

REASON_NO_POSITION = "aircraft without a position in this snapshot"
REASON_NO_AGE = "position without seen_pos (its time is unknown)"
REASON_REPEAT = "same position as in an earlier snapshot"

_KEYS = re.compile(rb'"(now|aircraft|ac|hex)"\s*:')

# Two snapshots report one position at now - seen_pos; both are rounded to 0.1 s, so the
# same position can come out up to 0.2 s apart.
_REPEAT_TOLERANCE_S = 0.25


class RepeatFilter:
    """Remembers each aircraft's last position across the snapshots of one import batch."""

    def __init__(self):
        self.last: dict[str, tuple[float, float, float, object]] = {}

    def is_repeat(self, hex_code: str, t: float, lat: float, lon: float, alt) -> bool:
        previous = self.last.get(hex_code)
        self.last[hex_code] = (t, lat, lon, alt)
        return (previous is not None and previous[1:] == (lat, lon, alt)
                and abs(previous[0] - t) <= _REPEAT_TOLERANCE_S)


def order_snapshots(paths) -> list:
    """The snapshot files sorted by their ``now`` (history_N.json are written in a ring, so
    history_0 is not necessarily the oldest). Files whose ``now`` cannot be read keep their
    place at the end; importing them then reports why."""
    dated, undated = [], []
    for path in paths:
        now = _peek_now(path)
        (dated if now is not None else undated).append((now, path))
    dated.sort(key=lambda item: item[0])
    return [path for _, path in dated] + [path for _, path in undated]


def _peek_now(path) -> float | None:
    try:
        with open_maybe_gzip(path) as stream:
            text = text_stream(stream)
            try:
                for key, index, value in JsonStream(text, str(path), ("aircraft", "ac")).members():
                    if key == "now" and index is None:
                        return value if isinstance(value, (int, float)) else None
            finally:
                release_text(text)
    except InputError:
        return None
    return None


def sniff(head: bytes, name: str) -> bool:
    keys = set(_KEYS.findall(head))
    text = without_bom(head).lstrip(b" \t\r\n")
    return text.startswith(b"{") and b"now" in keys and bool({b"aircraft", b"ac"} & keys)


def parse(stream, name, *, options=None, progress=None, cancelled=None):
    """Yield AircraftInfo and TrackPoint per aircraft with a position, a Sighting per
    aircraft without one, and Skipped for entries that cannot be read."""
    options = options or {}
    check = Validator(name, clock_from(options))
    repeats = options.get("repeat_filter") or RepeatFilter()
    ticker = Ticker(stream, progress, cancelled)
    text = text_stream(stream)
    doc = JsonStream(text, name, stream_keys=("aircraft", "ac"))
    pending = ObjectSpool()   # "now" after the list: entries wait on disk until it comes
    try:
        header: dict = {}
        for key, index, value in doc.members():
            if index is None:
                header[key] = value
                continue
            if "now" not in header:
                pending.append((key, index, value))  # "now" after the list: keep until known
                continue
            yield from _entry(value, index, _now(header, key, name, check), name, check, repeats,
                              doc.current_line())
            ticker.tick()
        if not ({"aircraft", "ac"} & doc.seen_keys):
            raise InputError('no "aircraft" list: not a readsb aircraft.json snapshot', path=name)
        for key, index, value in pending:
            yield from _entry(value, index, _now(header, key, name, check), name, check, repeats)
            ticker.tick()
    finally:
        release_text(text)
        pending.close()
    ticker.finish()


def _now(header: dict, list_key: str, name: str, check: Validator) -> float:
    if "now" not in header:
        raise InputError('the snapshot time "now" is missing', path=name)
    try:
        now = to_float(header["now"], '"now"', name, None)
    except BadRecord as exc:
        raise InputError(f"the snapshot time: {exc.reason}", path=name) from None
    if now is None:
        raise InputError('the snapshot time "now" is empty', path=name)
    if list_key == "ac" and now > 1e11:
        now /= 1000.0  # the API form gives milliseconds
    try:
        check.time(now, None)
    except InputError:
        raise InputError(f'the snapshot time "now" = {header["now"]!r} is implausible; no position '
                         f"in this file can be dated, so none was imported", path=name) from None
    return now


def _entry(entry, index, now, name, check, repeats, line=None):
    """What one aircraft entry gives; a Skipped in place of what it could not give."""
    items = []
    try:
        for item in _aircraft(entry, index, now, name, check, repeats):
            items.append(item)
    except BadRecord as exc:
        items = [item for item in items if isinstance(item, AircraftInfo)]
        items.append(skipped_record(with_line(exc, name, line), index + 1))
    return items


def _aircraft(entry, index, now, name, check, repeats):
    record = index + 1
    where = f"aircraft entry {record}: "
    if not isinstance(entry, dict):
        raise BadRecord(f"{where}not an object", reason="aircraft entry is not an object", path=name)
    hex_code = normalise_hex(entry.get("hex"), name, None, where)
    if hex_code is None:
        raise BadRecord(f"{where}the hex address is missing", reason="the hex address is missing",
                        path=name)
    info = _info(entry, hex_code)
    if info is not None:
        yield info
    lat, lon, age, stale = entry.get("lat"), entry.get("lon"), entry.get("seen_pos"), False
    if lat is None and isinstance(entry.get("lastPosition"), dict):
        last = entry["lastPosition"]
        lat, lon, age, stale = last.get("lat"), last.get("lon"), last.get("seen_pos"), True
    if lat is None and lon is None:
        yield _sighting(entry, record, hex_code, now, name, check, where)
        return
    lat = to_float(lat, "lat", name, None, where)
    lon = to_float(lon, "lon", name, None, where)
    check.position(lat, lon, None, where)
    age = to_float(age, "seen_pos", name, None, where)
    if age is None:
        yield Skipped(record, REASON_NO_AGE)
        return
    if age < 0:
        raise BadRecord(f"{where}seen_pos {age:g} is negative", reason="seen_pos is negative",
                        path=name)
    t = check.time(round(now - age, 3), None, where)
    alt = entry.get("alt_baro", entry.get("altitude"))
    if alt == "ground":
        alt_ft, on_ground = None, True
    else:
        alt_ft = to_float(alt, "alt_baro", name, None, where)
        on_ground = None if alt_ft is None else False
    if repeats.is_repeat(hex_code, t, lat, lon, alt_ft if alt_ft is not None else on_ground):
        yield Skipped(record, REASON_REPEAT)
        return
    yield make_point(
        t, lat, lon, alt_ft,
        to_float(entry.get("gs", entry.get("speed")), "gs", name, None, where),
        to_float(entry.get("track"), "track", name, None, where),
        to_float(entry.get("baro_rate", entry.get("vert_rate")), "baro_rate", name, None, where),
        on_ground, stripped_text(entry.get("flight")),
        normalise_squawk(entry.get("squawk"), name, None, where=where),
        hex_code, False, stale, record)


def _sighting(entry: dict, record: int, hex_code: str, now: float, name, check, where) -> Sighting:
    """The aircraft as heard without a position, at ``now - seen`` (``now`` without ``seen``)."""
    seen = to_float(entry.get("seen"), "seen", name, None, where)
    if seen is not None and seen < 0:
        raise BadRecord(f"{where}seen {seen:g} is negative", reason="seen is negative", path=name)
    t = check.time(round(now - (seen or 0.0), 3), None, where)
    alt = entry.get("alt_baro", entry.get("altitude"))
    extra = {}
    if alt == "ground":
        extra["on_ground"] = True
    elif alt is not None:
        extra["alt_ft"] = to_float(alt, "alt_baro", name, None, where)
    for key in ("category", "messages", "rssi", "type"):
        if entry.get(key) is not None:
            extra[key] = entry[key]
    return Sighting(t=t, hex=hex_code, callsign=stripped_text(entry.get("flight")),
                    squawk=normalise_squawk(entry.get("squawk"), name, None, where=where),
                    record=record, extra=extra)


def _info(entry: dict, hex_code: str) -> AircraftInfo | None:
    """Registration/type/operator when the snapshot carries database fields."""
    if not any(entry.get(k) for k in ("r", "t", "desc", "ownOp")):
        return None
    extra = {"dbFlags": entry["dbFlags"]} if entry.get("dbFlags") is not None else {}
    return AircraftInfo(hex=hex_code, registration=stripped_text(entry.get("r")),
                        type_code=stripped_text(entry.get("t")),
                        type_name=stripped_text(entry.get("desc")),
                        operator=stripped_text(entry.get("ownOp")), extra=extra)
