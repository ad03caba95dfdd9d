"""GPX tracks (``trk/trkseg/trkpt``): latitude, longitude, ``ele`` (metres above sea level),
``time``; ``speed`` (m/s) and ``course`` (degrees) when present, directly (GPX 1.0) or in
extensions. Waypoints and routes are plans, not observations, and are ignored.
"""

from __future__ import annotations

import re

from ...errors import InputError
from ..model import Skipped
from ..parsing import (Ticker, read_or_skip, Validator, clock_from, local_name, m_to_ft, make_point, ms_to_kt,
                       options_hex, parse_iso_time, to_float, xml_events, xml_text)

NAME = "gpx"
VERSION = "1"
DESCRIPTION = "GPX tracks (trkpt with time; ele in metres; speed m/s and course when present)"
EXTENSIONS = (".gpx",)
SINGLE_FLIGHT = False

REASON_NO_TIME = "track point without a time"


def sniff(head: bytes, name: str) -> bool:
    return re.search(rb"<(\w+:)?gpx[\s>]", head) is not None


def parse(stream, name, *, options=None, progress=None, cancelled=None):
    """Yield one TrackPoint per timed trkpt (Skipped for a trkpt without a time)."""
    hex_code = options_hex(options, name)
    check = Validator(name, clock_from(options))
    ticker = Ticker(stream, progress, cancelled)
    record = 0
    parents: list = []
    seen_gpx = False
    for event, element in xml_events(stream, name):
        if event == "start":
            parents.append(element)
            seen_gpx = seen_gpx or local_name(element.tag) == "gpx"
            continue
        parents.pop()
        if local_name(element.tag) != "trkpt":
            continue
        record += 1
        yield read_or_skip(_trackpoint, record, element, record, hex_code, name, check)
        ticker.tick()
        if parents:
            del parents[-1][:]  # the segment keeps nothing it has yielded
    if not seen_gpx:
        raise InputError("no <gpx> element: not a GPX file", path=name)
    ticker.finish()


def _trackpoint(element, record, hex_code, name, check):
    where = f"track point {record}: "
    values: dict[str, str] = {}
    for child in element.iter():
        tag = local_name(child.tag)
        if tag in ("ele", "time", "speed", "course") and tag not in values:
            values[tag] = xml_text(child)
    if not values.get("time"):
        return Skipped(record, REASON_NO_TIME)
    lat = to_float(element.get("lat"), "lat", name, None, where)
    lon = to_float(element.get("lon"), "lon", name, None, where)
    check.position(lat, lon, None, where)
    t = check.time(parse_iso_time(values["time"], name, None, where=where), None, where)
    return make_point(t, lat, lon,
                      m_to_ft(to_float(values.get("ele"), "ele", name, None, where)),
                      ms_to_kt(to_float(values.get("speed"), "speed", name, None, where)),
                      to_float(values.get("course"), "course", name, None, where),
                      None, None, None, None, hex_code, False, False, record)
