"""FlightRadar24 flight-playback JSON (``result.response.data.flight``).

Reads ``identification`` (flight number, callsign), ``aircraft`` (model, registration, Mode-S
hex), the ``airport`` origin and destination (``real`` when the flight diverted), and
``track[]`` with ``latitude``, ``longitude``, ``altitude.feet``, ``speed.kts``,
``verticalSpeed.fpm``, ``heading``, ``squawk`` (FlightRadar24 style: leading zeros dropped,
``0`` for none) and ``timestamp``. Altitude 0 means on the ground. One file is one flight;
its callsign is the flight's (in the FileFlight), not repeated on every point.
"""

from __future__ import annotations

import re

from ...errors import InputError
from ..model import AircraftInfo, FileFlight
from ..parsing import (BadRecord, Ticker, Validator, clock_from, load_json_whole, make_point, normalise_hex,
                       normalise_squawk, read_or_skip, stripped_text, to_float)

NAME = "fr24-json"
VERSION = "1"
DESCRIPTION = ("FlightRadar24 flight-playback JSON (result.response.data.flight: aircraft, "
               "airports, track with altitude.feet, speed.kts, verticalSpeed.fpm, squawk)")
EXTENSIONS = (".json",)
SINGLE_FLIGHT = True

_KEYS = re.compile(rb'"(result|response|data|flight)"\s*:')


def sniff(head: bytes, name: str) -> bool:
    return len(set(_KEYS.findall(head))) == 4


def parse(stream, name, *, options=None, progress=None, cancelled=None):
    """Yield AircraftInfo, FileFlight, then one TrackPoint per track entry."""
    check = Validator(name, clock_from(options))
    flight = _flight_object(load_json_whole(stream, name), name)
    aircraft = _dict(flight.get("aircraft"))
    ident = _dict(aircraft.get("identification"))
    hex_code = normalise_hex(ident.get("modes") or aircraft.get("hex"), name, None, "aircraft hex: ")
    registration = stripped_text(ident.get("registration") or aircraft.get("registration"))
    model = _dict(aircraft.get("model"))
    airline = _dict(flight.get("airline"))
    yield AircraftInfo(hex=hex_code, registration=registration,
                       type_code=stripped_text(model.get("code")),
                       type_name=stripped_text(model.get("text")),
                       operator=stripped_text(airline.get("name")))
    track = flight.get("track")
    if not isinstance(track, list):
        raise InputError('result.response.data.flight has no "track" list', path=name)
    flight_ident = _dict(flight.get("identification"))
    callsign = stripped_text(flight_ident.get("callsign"))
    yield _file_flight(flight, flight_ident, hex_code, registration, callsign, track)
    ticker = Ticker(stream, progress, cancelled, total_records=len(track))
    for index, entry in enumerate(track):
        yield read_or_skip(_point, index + 1, entry, index + 1, hex_code, name, check)
        ticker.tick()
    ticker.finish()


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _flight_object(document, name) -> dict:
    node = document
    for key in ("result", "response", "data", "flight"):
        if not isinstance(node, dict) or not isinstance(node.get(key), dict):
            raise InputError(f"not a FlightRadar24 playback file: no result.response.data.flight "
                             f"(missing {key!r})", path=name)
        node = node[key]
    return node


def _airport_code(airport) -> str | None:
    code = _dict(_dict(airport).get("code"))
    return stripped_text(code.get("icao")) or stripped_text(code.get("iata"))


def _file_flight(flight, flight_ident, hex_code, registration, callsign, track) -> FileFlight:
    airports = _dict(flight.get("airport"))
    origin = _airport_code(airports.get("origin"))
    scheduled = _airport_code(airports.get("destination"))
    real = _airport_code(airports.get("real"))
    extra = {"fr24_id": flight_ident.get("id")} if flight_ident.get("id") else {}
    if real and real != scheduled:
        extra["scheduled_destination"] = scheduled  # the flight diverted to ``real``
    times = [e.get("timestamp") for e in track if isinstance(e, dict)
             and isinstance(e.get("timestamp"), (int, float))]
    number = _dict(flight_ident.get("number"))
    return FileFlight(hex=hex_code, registration=registration, callsign=callsign,
                      flight_number=stripped_text(number.get("default")),
                      origin=origin, destination=real or scheduled,
                      first_seen_t=float(min(times)) if times else None,
                      last_seen_t=float(max(times)) if times else None, extra=extra)


def _point(entry, record, hex_code, name, check):
    where = f"track entry {record}: "
    if not isinstance(entry, dict):
        raise BadRecord(f"{where}not an object", reason="track entry is not an object", path=name)
    t = check.time(to_float(entry.get("timestamp"), "timestamp", name, None, where), None, where)
    lat = to_float(entry.get("latitude"), "latitude", name, None, where)
    lon = to_float(entry.get("longitude"), "longitude", name, None, where)
    check.position(lat, lon, None, where)
    alt_ft = to_float(_dict(entry.get("altitude")).get("feet"), "altitude.feet", name, None, where)
    return make_point(
        t, lat, lon, alt_ft,
        to_float(_dict(entry.get("speed")).get("kts"), "speed.kts", name, None, where),
        to_float(entry.get("heading"), "heading", name, None, where),
        to_float(_dict(entry.get("verticalSpeed")).get("fpm"), "verticalSpeed.fpm", name, None, where),
        None if alt_ft is None else alt_ft == 0,
        None, normalise_squawk(entry.get("squawk"), name, None, zero_is_none=True, where=where),
        hex_code, False, False, record)
