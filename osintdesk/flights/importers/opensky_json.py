"""OpenSky Network REST JSON: ``/tracks/all`` (``path`` of ``[time, lat, lon, baro_altitude_m,
true_track, on_ground]``) and ``/flights/aircraft`` (a list of flights with OpenSky's
*estimated* departure and arrival airports, which become FileFlights, never positions).
"""

from __future__ import annotations

import re

from ...errors import InputError
from ...filebytes import without_bom
from ..model import AircraftInfo, FileFlight, Skipped
from ..parsing import (BadRecord, Ticker, Validator, clock_from, load_json_whole, m_to_ft, make_point,
                       normalise_hex, parse_bool, read_or_skip, stripped_text, to_float)

NAME = "opensky-json"
VERSION = "1"
DESCRIPTION = ("OpenSky Network REST JSON: /tracks/all (path of time, lat, lon, baro altitude m, "
               "track, on_ground) and /flights/aircraft (flights with estimated airports)")
EXTENSIONS = (".json",)
SINGLE_FLIGHT = True  # a /tracks/all answer is the track of one flight

REASON_NO_POSITION = "path waypoint without a position"

_TRACK_KEYS = re.compile(rb'"(icao24|startTime|path)"\s*:')
_FLIGHT_KEYS = re.compile(rb'"(icao24|firstSeen|lastSeen|estDepartureAirport)"\s*:')


def sniff(head: bytes, name: str) -> bool:
    text = without_bom(head).lstrip(b" \t\r\n")
    if text.startswith(b"{"):
        return len(set(_TRACK_KEYS.findall(head))) == 3
    if text.startswith(b"["):
        return len(set(_FLIGHT_KEYS.findall(head))) == 4 or text[1:].strip() == b"]"
    return False


def parse(stream, name, *, options=None, progress=None, cancelled=None):
    """Yield TrackPoints from a track, or AircraftInfo + FileFlights from a flight list."""
    check = Validator(name, clock_from(options))
    document = load_json_whole(stream, name)
    if isinstance(document, list):
        yield from _flights(document, name, check, Ticker(stream, progress, cancelled,
                                                          total_records=len(document)))
    elif isinstance(document, dict) and "path" in document:
        yield from _track(document, name, check, stream, progress, cancelled)
    else:
        raise InputError("not an OpenSky /tracks/all object or /flights list", path=name)


def _track(document, name, check, stream, progress, cancelled):
    hex_code = normalise_hex(document.get("icao24"), name, None, "icao24: ")
    if hex_code is None:
        raise InputError("icao24 is missing", path=name)
    path = document.get("path")
    if not isinstance(path, list):
        raise InputError('"path" is not a list', path=name)
    callsign = stripped_text(document.get("callsign"))
    yield AircraftInfo(hex=hex_code)
    start, end = document.get("startTime"), document.get("endTime")
    yield FileFlight(hex=hex_code, callsign=callsign,
                     first_seen_t=to_float(start, "startTime", name, None),
                     last_seen_t=to_float(end, "endTime", name, None))
    ticker = Ticker(stream, progress, cancelled, total_records=len(path))
    for index, waypoint in enumerate(path):
        yield read_or_skip(_waypoint, index + 1, waypoint, index + 1, hex_code, name, check)
        ticker.tick()
    ticker.finish()


def _waypoint(waypoint, record, hex_code, name, check):
    where = f"path waypoint {record}: "
    if not isinstance(waypoint, list) or len(waypoint) != 6:
        raise BadRecord(f"{where}expected [time, lat, lon, baro_altitude, true_track, on_ground]",
                        reason="path waypoint is not [time, lat, lon, baro_altitude, true_track, "
                        "on_ground]", path=name)
    time_s, lat, lon, alt_m, track, on_ground = waypoint
    if lat is None or lon is None:
        return Skipped(record, REASON_NO_POSITION)
    t = check.time(to_float(time_s, "time", name, None, where), None, where)
    lat = to_float(lat, "latitude", name, None, where)
    lon = to_float(lon, "longitude", name, None, where)
    check.position(lat, lon, None, where)
    return make_point(t, lat, lon, m_to_ft(to_float(alt_m, "baro_altitude", name, None, where)),
                      None, to_float(track, "true_track", name, None, where), None,
                      parse_bool(on_ground, "on_ground", name, None, where), None, None, hex_code,
                      False, False, record)


def _flights(document, name, check, ticker):
    announced: set[str] = set()
    for index, entry in enumerate(document):
        where = f"flight {index + 1}: "
        if not isinstance(entry, dict):
            raise InputError(f"{where}not an object", path=name)
        hex_code = normalise_hex(entry.get("icao24"), name, None, where)
        if hex_code and hex_code not in announced:
            announced.add(hex_code)
            yield AircraftInfo(hex=hex_code)
        first = to_float(entry.get("firstSeen"), "firstSeen", name, None, where)
        last = to_float(entry.get("lastSeen"), "lastSeen", name, None, where)
        for value in (first, last):
            if value is not None:
                check.time(value, None, where)
        extra = {key: entry[key] for key in (
            "estDepartureAirportHorizDistance", "estDepartureAirportVertDistance",
            "estArrivalAirportHorizDistance", "estArrivalAirportVertDistance",
            "departureAirportCandidatesCount", "arrivalAirportCandidatesCount")
            if entry.get(key) is not None}
        extra["airports"] = "estimated by OpenSky"
        yield FileFlight(hex=hex_code, callsign=stripped_text(entry.get("callsign")),
                         origin=stripped_text(entry.get("estDepartureAirport")),
                         destination=stripped_text(entry.get("estArrivalAirport")),
                         first_seen_t=first, last_seen_t=last, extra=extra)
        ticker.tick()
    ticker.finish()
