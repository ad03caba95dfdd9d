"""Synthetic flight data and writers for every importer's format, for the tests and the
benchmarks (never shipped). Written from the format descriptions: no real FlightRadar24 or
OpenSky data is ever used (their terms forbid redistribution), and these tracks are invented,
so they must never be mistaken for evidence.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Iterable, Iterator, Sequence
from xml.sax.saxutils import escape

from osintdesk.flights.model import TrackPoint
from osintdesk.flights.parsing import FT_PER_M

from osintdesk.demo import flightfiles
from osintdesk.demo.flightfiles import (  # noqa: F401  (moved into the app for the demo)
    OPENSKY_COLUMNS, T0, _int, _text_out, flight_time_s, fr24_squawk, iso_z, opensky_row,
    synthetic_flight, trace_row, write_fr24_csv, write_opensky_csv)

# The tests' samples describe the story the app grew from; the app's own writers take no
# defaults (a demo names its invented aircraft itself).
write_fr24_kml = partial(flightfiles.write_fr24_kml, flight_number="SU100", callsign="AFL100",
                         registration="RA-86496", type_code="IL62", type_name="Ilyushin Il-62M",
                         origin_iata="VKO", destination_iata="FNJ")
write_readsb_trace = partial(flightfiles.write_readsb_trace, hex="155abc", registration="RA-86496",
                             type_code="IL62", desc="ILYUSHIN Il-62", own_op="Rossiya")


def iter_bench_points(count: int, start_t: float = T0, *, hex: str = "155abc") -> Iterator[TrackPoint]:
    """``count`` invented points: UUWW <-> ZKPY rotations with a day on the ground between,
    generated lazily (a million points never sit in memory)."""
    produced, t, legs, flight = 0, start_t, (("UUWW", "ZKPY"), ("ZKPY", "UUWW")), 0
    while produced < count:
        origin, destination = legs[flight % 2]
        flight += 1
        for point in synthetic_flight(origin, destination, t, hex=hex):
            if produced >= count:
                return
            yield point._replace(record=produced + 1)
            produced += 1
        t = point.t + 86400.0


# --------------------------------------------------------------------------- writing helpers


# --------------------------------------------------------------------------- FlightRadar24


def fr24_playback(points: Sequence[TrackPoint], *, hex: str = "155ABC", registration: str = "RA-86496",
                  flight_number: str = "SU100", callsign: str = "AFL100",
                  origin: tuple[str, str] = ("UUWW", "VKO"), destination: tuple[str, str] = ("ZKPY", "FNJ"),
                  real: tuple[str, str] | None = None, model: tuple[str, str] = ("IL62", "Ilyushin Il-62M"),
                  airline: str = "Rossiya") -> dict:
    """A FlightRadar24 flight-playback document (``result.response.data.flight``)."""
    def airport(codes):
        return None if codes is None else {"name": codes[0], "code": {"icao": codes[0], "iata": codes[1]}}

    track = [{"latitude": p.lat, "longitude": p.lon,
              "altitude": {"feet": 0 if p.on_ground else int(p.alt_ft or 0),
                           "meters": 0 if p.on_ground else int((p.alt_ft or 0) / FT_PER_M)},
              "speed": {"kmh": round((p.gs_kt or 0) * 1.852, 1), "kts": int(p.gs_kt or 0),
                        "mph": round((p.gs_kt or 0) * 1.15078, 1)},
              "verticalSpeed": {"fpm": int(p.vrate_fpm or 0), "fps": 0, "ms": 0},
              "heading": int(p.track_deg or 0), "squawk": fr24_squawk(p.squawk),
              "timestamp": int(p.t), "ems": None} for p in points]
    flight = {"identification": {"id": "2f3a4b5c", "number": {"default": flight_number},
                                 "callsign": callsign},
              "aircraft": {"model": {"code": model[0], "text": model[1]},
                           "identification": {"modes": hex, "registration": registration}},
              "airline": {"name": airline},
              "airport": {"origin": airport(origin), "destination": airport(destination),
                          "real": airport(real)},
              "track": track}
    return {"result": {"request": {"callback": None}, "response": {"timestamp": int(T0),
                                                                    "data": {"flight": flight}}}}


def fr24_granular_time(t: float) -> str:
    """FlightRadar24 granular style: ``2024-01-02 07:41:03Z.515``."""
    moment = datetime.fromtimestamp(t, tz=timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S") + f"Z.{moment.microsecond // 1000:03d}"


GRANULAR_HEADER = ["network_time", "receiver_time", "hex", "callsign", "latitude", "longitude",
                   "altitude", "ground_speed", "track", "vertical_rate", "on_ground", "no_position"]


def granular_row(p: TrackPoint, *, no_position: bool = False, trailing: Sequence[str] = ()) -> list[str]:
    lat, lon = (0, 0) if no_position else (p.lat, p.lon)
    return [fr24_granular_time(p.t + 0.4), fr24_granular_time(p.t), f"0x{(p.hex or '').upper()}",
            (p.callsign or "").ljust(8), str(lat), str(lon), _int(p.alt_ft), _int(p.gs_kt),
            _int(p.track_deg), _int(p.vrate_fpm), "1" if p.on_ground else "0",
            "1" if no_position else "0", *trailing]


def write_fr24_granular_csv(path, points: Iterable[TrackPoint], *, compress: bool = False) -> Path:
    with _text_out(path, compress) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(GRANULAR_HEADER)
        for p in points:
            writer.writerow(granular_row(p, trailing=[f"squawk:{fr24_squawk(p.squawk)}"]))
    return Path(path)


# --------------------------------------------------------------------------- readsb


def aircraft_entry(p: TrackPoint, now: float, *, legacy: bool = False, with_db: bool = True) -> dict:
    """One aircraft of an aircraft.json snapshot, its position ``now - seen_pos`` old."""
    alt_key, gs_key, rate_key = ("altitude", "speed", "vert_rate") if legacy else ("alt_baro", "gs", "baro_rate")
    entry = {"hex": p.hex, "flight": (p.callsign or "").ljust(8),
             alt_key: "ground" if p.on_ground else p.alt_ft, gs_key: p.gs_kt, "track": p.track_deg,
             rate_key: p.vrate_fpm, "squawk": p.squawk, "lat": p.lat, "lon": p.lon,
             "seen_pos": round(now - p.t, 1), "seen": 0.1, "messages": 100, "rssi": -20.5}
    if with_db and not legacy:
        entry.update({"r": "RA-86496", "t": "IL62", "desc": "ILYUSHIN Il-62", "dbFlags": 0})
    return {k: v for k, v in entry.items() if v is not None}


def aircraft_snapshot(now: float, entries: list[dict]) -> dict:
    return {"now": now, "messages": 123456, "aircraft": entries}


# --------------------------------------------------------------------------- OpenSky


def opensky_track(points: Sequence[TrackPoint], *, hex: str = "155abc", callsign: str = "AFL100") -> dict:
    return {"icao24": hex, "callsign": callsign.ljust(8), "startTime": int(points[0].t),
            "endTime": int(points[-1].t),
            "path": [[int(p.t), p.lat, p.lon, None if p.on_ground else round((p.alt_ft or 0) / FT_PER_M),
                      p.track_deg, bool(p.on_ground)] for p in points]}


def opensky_flight(hex: str, first_seen_t: float, last_seen_t: float, origin: str | None,
                   destination: str | None, callsign: str = "AFL100") -> dict:
    return {"icao24": hex, "firstSeen": int(first_seen_t), "estDepartureAirport": origin,
            "lastSeen": int(last_seen_t), "estArrivalAirport": destination, "callsign": callsign.ljust(8),
            "estDepartureAirportHorizDistance": 1200, "estDepartureAirportVertDistance": 30,
            "estArrivalAirportHorizDistance": 900, "estArrivalAirportVertDistance": 20,
            "departureAirportCandidatesCount": 1, "arrivalAirportCandidatesCount": 2}


# --------------------------------------------------------------------------- KML gx:Track and GPX


def write_kml_gx_track(path, points: Sequence[TrackPoint], *, name: str = "AFL100",
                       description: str = "UUWW - ZKPY", altitude_mode: str = "absolute",
                       compress: bool = False) -> Path:
    with _text_out(path, compress) as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2" '
                  'xmlns:gx="http://www.google.com/kml/ext/2.2">\n<Document>\n<name>Sample</name>\n'
                  f"<Placemark>\n<name>{escape(name)}</name>\n<description>{escape(description)}</description>\n"
                  f"<gx:Track>\n<altitudeMode>{altitude_mode}</altitudeMode>\n")
        for p in points:
            out.write(f"<when>{iso_z(p.t)}</when>\n")
        for p in points:
            alt_m = 0.0 if p.on_ground else (p.alt_ft or 0) / FT_PER_M
            out.write(f"<gx:coord>{p.lon} {p.lat} {alt_m:.1f}</gx:coord>\n")
        out.write("</gx:Track>\n</Placemark>\n</Document>\n</kml>\n")
    return Path(path)


def write_gpx(path, points: Iterable[TrackPoint], *, compress: bool = False) -> Path:
    with _text_out(path, compress) as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="osintdesk samples" '
                  'xmlns="http://www.topografix.com/GPX/1/1">\n<trk><name>sample</name><trkseg>\n')
        for p in points:
            alt_m = 0.0 if p.on_ground else (p.alt_ft or 0) / FT_PER_M
            out.write(f'<trkpt lat="{p.lat}" lon="{p.lon}"><ele>{alt_m:.1f}</ele>'
                      f"<time>{iso_z(p.t)}</time></trkpt>\n")
        out.write("</trkseg></trk>\n</gpx>\n")
    return Path(path)


def write_json(path, document, *, compress: bool = False) -> Path:
    with _text_out(path, compress) as out:
        json.dump(document, out)
    return Path(path)
