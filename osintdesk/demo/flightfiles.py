"""Invented flights and the files investigators receive them in (FlightRadar24 CSV and KML,
a readsb ``trace_full`` JSON, OpenSky state vectors), written from the format descriptions.

The demo cases and the classroom use them, and so do the tests. Never third-party data:
every track here is synthetic and must never be mistaken for evidence.
"""

from __future__ import annotations

import csv
import gzip
import json
import math
import os
import random
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from ..charts.projection import great_circle_at
from ..flights.airports import lookup
from ..flights.geo import great_circle_km
from ..flights.model import TrackPoint
from ..flights.parsing import FT_PER_M, KT_PER_MS, FPM_PER_MS
from ..timefmt import offset_time, record_time

T0 = 1704181263.0  # 2024-01-02T07:41:03Z, a fixed start for reproducible samples


def _bearing(lat1, lon1, lat2, lon2):
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return (math.degrees(math.atan2(y, x)) + 360) % 360


def _place(where):
    if isinstance(where, str):
        airport = lookup(where)
        if airport is None:
            raise ValueError(f"unknown airport {where}")
        return airport.lat, airport.lon
    return where


def _legs(origin, destination, via: Sequence = ()) -> tuple[list[tuple[float, float]], list[float]]:
    """The route's places (lat, lon) and the great-circle km of each leg between them."""
    places = [_place(origin), *map(_place, via), _place(destination)]
    return places, [great_circle_km(*a, *b) for a, b in zip(places[:-1], places[1:])]


def flight_time_s(origin, destination, *, via: Sequence = (), speed_kt: float = 450.0) -> float:
    """Seconds airborne from ``origin`` to ``destination`` (through ``via``) at ``speed_kt``,
    as ``synthetic_flight`` flies it."""
    return sum(_legs(origin, destination, via)[1]) / (speed_kt * 1.852) * 3600.0


def _along(places, legs_km, fractions):
    """Positions (lat, lon arrays) and the end of their leg, at ``fractions`` of the route."""
    f = np.asarray(fractions, dtype=float)
    if not len(f):
        return f, f, []
    total = sum(legs_km)
    bounds = [0.0]
    for km in legs_km:
        bounds.append(bounds[-1] + km / total)
    bounds[-1] = 1.0
    leg = np.clip(np.searchsorted(bounds, f, side="right") - 1, 0, len(legs_km) - 1)
    lat, lon = np.empty(len(f)), np.empty(len(f))
    for i in range(len(legs_km)):
        on = leg == i
        if on.any():
            (lat1, lon1), (lat2, lon2) = places[i], places[i + 1]
            lat[on], lon[on] = great_circle_at(lat1, lon1, lat2, lon2,
                                               (f[on] - bounds[i]) / (bounds[i + 1] - bounds[i]))
    return lat, lon, [places[i + 1] for i in leg]


def synthetic_flight(origin, destination, start_t: float = T0, *, hex: str = "155abc",
                     callsign: str | None = "RSD001", squawk: str | None = "1000",
                     cruise_ft: float = 35000.0, speed_kt: float = 450.0, step_s: float = 10.0,
                     taxi_s: float = 300.0, climb_fpm: float = 2500.0, descent_fpm: float = 2000.0,
                     gaps: Sequence[tuple[float, float]] = (), leg_flag: bool = False,
                     via: Sequence = (), missing_speed: float = 0.0,
                     seed: int = 0) -> list[TrackPoint]:
    """An invented flight from ``origin`` to ``destination`` (ICAO codes or (lat, lon)).

    ``taxi_s`` of ground points at each end (on_ground True, altitude 0), then a
    great-circle flight (through the places ``via``, if any) at constant ground speed with
    a climb and descent profile, one point every ``step_s``. ``gaps``: (from_s, to_s) after
    take-off with no points (coverage gaps). ``leg_flag`` marks the first point as the
    start of a leg. ``missing_speed``: the share of airborne points without a ground speed
    (chosen by ``seed``), as receivers leave it out.
    """
    places, legs_km = _legs(origin, destination, via)
    (lat1, lon1), (lat2, lon2) = places[0], places[-1]
    airborne_s = sum(legs_km) / (speed_kt * 1.852) * 3600.0
    heading = _bearing(lat1, lon1, *places[1])
    rng = random.Random(seed)
    points: list[TrackPoint] = []

    def add(t, lat, lon, alt, gs, track, vrate, ground):
        points.append(TrackPoint(round(t, 3), round(lat, 6), round(lon, 6), alt, gs, track, vrate,
                                 ground, callsign, squawk, hex, leg_flag and not points, False,
                                 len(points) + 1))

    t = start_t
    for k in range(int(taxi_s // step_s) + 1):  # taxi out (stationary in this sample)
        add(t + k * step_s, lat1, lon1, 0.0, 12.0, heading, 0.0, True)
    takeoff_t = t + (int(taxi_s // step_s) + 1) * step_s
    steps = max(1, int(airborne_s // step_s))
    route_lat, route_lon, leg_ends = _along(places, legs_km,
                                            [k * step_s / airborne_s for k in range(1, steps)])
    for k in range(1, steps):
        elapsed = k * step_s
        if any(a <= elapsed < b for a, b in gaps):
            continue
        lat, lon = float(route_lat[k - 1]), float(route_lon[k - 1])
        climb = climb_fpm * elapsed / 60.0
        descent = descent_fpm * (airborne_s - elapsed) / 60.0
        alt = round(min(cruise_ft, climb, descent) / 25.0) * 25.0
        vrate = climb_fpm if alt == round(climb / 25.0) * 25.0 and alt < cruise_ft else (
            -descent_fpm if alt < cruise_ft else 0.0)
        gs = None if missing_speed and rng.random() < missing_speed else speed_kt
        add(takeoff_t + elapsed, lat, lon, max(alt, 25.0), gs,
            round(_bearing(lat, lon, *leg_ends[k - 1]), 1), vrate, False)
    landing_t = takeoff_t + steps * step_s
    for k in range(int(taxi_s // step_s) + 1):  # taxi in
        add(landing_t + k * step_s, lat2, lon2, 0.0, 12.0, heading, 0.0, True)
    return points


def iso_z(t: float) -> str:
    """``2024-01-02T07:41:03Z`` (seconds truncated), as the CSV formats write times."""
    return record_time(t)


@contextmanager
def _text_out(path: str | os.PathLike, compress: bool):
    if compress:
        with gzip.open(path, "wt", encoding="utf-8", newline="") as out:
            yield out
    else:
        with open(path, "w", encoding="utf-8", newline="") as out:
            yield out


def _int(value):
    return "" if value is None else str(int(round(value)))


def fr24_squawk(squawk: str | None) -> str:
    """FlightRadar24 style: leading zeros dropped, ``0`` for none."""
    return str(int(squawk)) if squawk else "0"


def write_fr24_csv(path, points: Iterable[TrackPoint], *, with_utc: bool = True,
                   compress: bool = False) -> Path:
    """FlightRadar24 per-flight CSV (``Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction``)."""
    header = ["Timestamp", "UTC", "Callsign", "Position", "Altitude", "Speed", "Direction"]
    if not with_utc:
        header.remove("UTC")
    with _text_out(path, compress) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for p in points:
            alt = 0 if p.on_ground else p.alt_ft
            row = [str(int(p.t)), iso_z(p.t), p.callsign or "", f"{p.lat:.6f},{p.lon:.6f}",
                   _int(alt), _int(p.gs_kt), _int(p.track_deg)]
            if not with_utc:
                del row[1]
            writer.writerow(row)
    return Path(path)


def write_fr24_kml(path, points: Iterable[TrackPoint], *, flight_number: str, callsign: str,
                   registration: str | None, type_code: str | None, type_name: str,
                   origin_iata: str | None, destination_iata: str | None,
                   compress: bool = False) -> Path:
    """FlightRadar24 KML: Route folder placemarks with an HTML description, and a Trail folder."""
    points = list(points)
    doc_description = "<div>"
    if origin_iata:
        doc_description += (f'<a href="https://www.flightradar24.com/airport/{origin_iata.lower()}/'
                            f'departures"><h3>{origin_iata}</h3></a>')
    if destination_iata:
        doc_description += (f'<a href="https://www.flightradar24.com/airport/{destination_iata.lower()}/'
                            f'arrivals"><h3>{destination_iata}</h3></a>')
    if type_code:
        doc_description += (f'<td>\nAircraft<span style="float: right;">({type_code})</span><br>\n'
                            f'<span style="font-weight: bold;">{type_name}</span>\n</td>')
    if registration:
        doc_description += (f'<td>Registration<br><span><a href="https://www.flightradar24.com/reg/'
                            f'{registration.lower()}" style="color: #333;">{registration}</a></span></td>')
    doc_description += "</div>"
    with _text_out(path, compress) as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n'
                  f"<Document>\n<name>{flight_number}/{callsign}</name>\n"
                  f"<description><![CDATA[{doc_description}]]></description>\n"
                  "<Folder>\n<name>Route</name>\n")
        for p in points:
            alt_ft = 0 if p.on_ground else (p.alt_ft or 0)
            description = (
                f"<div><div><span><b>Altitude:</b></span> <span>{alt_ft:,.0f} ft</span></div>\n"
                f"<div><span><b>Speed:</b></span> <span>{_int(p.gs_kt) or 0} kt</span></div>\n"
                f"<div><span><b>Heading:</b></span> <span>{_int(p.track_deg) or 0}&deg;</span></div>\n"
                "</div>")
            when = offset_time(float(int(p.t)))   # 2024-01-02T07:41:03+00:00
            out.write(f"<Placemark>\n<name>{when}</name>\n"
                      f"<description><![CDATA[{description}]]></description>\n"
                      f"<TimeStamp><when>{when}</when></TimeStamp>\n"
                      f"<Point><altitudeMode>absolute</altitudeMode><coordinates>"
                      f"{p.lon},{p.lat},{alt_ft / FT_PER_M:.1f}</coordinates></Point>\n</Placemark>\n")
        out.write("</Folder>\n<Folder>\n<name>Trail</name>\n")
        for k, (a, b) in enumerate(zip(points, points[1:])):
            out.write(f"<Placemark><name>P-{k + 1}</name><MultiGeometry><LineString><coordinates>"
                      f"{a.lon},{a.lat},0 {b.lon},{b.lat},0</coordinates></LineString></MultiGeometry>"
                      "<description><![CDATA[<div><span><b>Altitude:</b></span> <span>0 ft</span></div>]]>"
                      "</description></Placemark>\n")
        out.write("</Folder>\n</Document>\n</kml>\n")
    return Path(path)


def trace_row(p: TrackPoint, base_t: float, *, legacy: bool = False, details: bool = False) -> list:
    """One trace_full row: 14 values, or 9 with ``legacy`` (before 2022)."""
    flags = (2 if p.leg_start else 0) | (1 if p.stale else 0)
    detail = {"type": "adsb_icao", "flight": (p.callsign or "").ljust(8), "squawk": p.squawk,
              "alt_geom": None} if details else None
    alt = "ground" if p.on_ground else (None if p.alt_ft is None else int(p.alt_ft))
    row = [round(p.t - base_t, 2), p.lat, p.lon, alt, p.gs_kt, p.track_deg, flags,
           None if p.vrate_fpm is None else int(p.vrate_fpm), detail]
    if not legacy:
        row += ["adsb_icao", None if p.alt_ft is None else int(p.alt_ft) + 150, None, None, None]
    return row


def write_readsb_trace(path, points: Iterable[TrackPoint], *, hex: str,
                       registration: str | None, type_code: str | None,
                       desc: str | None, own_op: str | None,
                       base_t: float | None = None, legacy: bool = False, details_every: int = 30,
                       compress: bool = True) -> Path:
    """A readsb ``trace_full_<hex>.json`` (gzip by default, as readsb writes it), one row per
    line so that a million points are written without holding them."""
    iterator = iter(points)
    first = next(iterator, None)
    base = base_t if base_t is not None else (first.t if first else T0)
    head = {"icao": hex, "r": registration, "t": type_code, "desc": desc, "ownOp": own_op,
            "dbFlags": 0, "timestamp": base}
    head = {k: v for k, v in head.items() if v is not None}
    with _text_out(path, compress) as out:
        out.write(json.dumps(head)[:-1] + ',\n"trace":[\n')
        last_callsign = None
        for index, p in enumerate(_chain(first, iterator)):
            details = index % details_every == 0 or p.callsign != last_callsign
            last_callsign = p.callsign
            out.write(("" if index == 0 else ",\n") + json.dumps(trace_row(p, base, legacy=legacy,
                                                                           details=details),
                                                                 separators=(",", ":")))
        out.write("\n]}\n")
    return Path(path)


def _chain(first, rest):
    if first is not None:
        yield first
        yield from rest


OPENSKY_COLUMNS = ["time", "icao24", "lat", "lon", "velocity", "heading", "vertrate", "callsign",
                   "onground", "alert", "spi", "squawk", "baroaltitude", "geoaltitude",
                   "lastposupdate", "lastcontact"]


def opensky_row(p: TrackPoint, *, vector_t: float | None = None) -> list[str]:
    """A state vector reporting ``p`` (metres, m/s); written at ``vector_t`` (default p.t + 1)."""
    def m(value):
        return "" if value is None else f"{value / FT_PER_M:.2f}"

    return [str(int(vector_t if vector_t is not None else p.t + 1)), p.hex or "", str(p.lat), str(p.lon),
            "" if p.gs_kt is None else f"{p.gs_kt / KT_PER_MS:.3f}",
            "" if p.track_deg is None else str(p.track_deg),
            "" if p.vrate_fpm is None else f"{p.vrate_fpm / FPM_PER_MS:.3f}",
            (p.callsign or "").ljust(8), "true" if p.on_ground else "false", "false", "false",
            p.squawk or "", "" if p.on_ground else m(p.alt_ft), m(p.alt_ft), f"{p.t:.3f}", f"{p.t + 0.5:.3f}"]


def write_opensky_csv(path, points: Iterable[TrackPoint], *, repeats_after_last: int = 3,
                      compress: bool = False) -> Path:
    """State vectors; after the last position, ``repeats_after_last`` rows repeat it every 10 s."""
    with _text_out(path, compress) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(OPENSKY_COLUMNS)
        last = None
        for p in points:
            writer.writerow(opensky_row(p))
            last = p
        for k in range(repeats_after_last):
            if last is not None:
                writer.writerow(opensky_row(last, vector_t=last.t + 10 * (k + 1)))
    return Path(path)
