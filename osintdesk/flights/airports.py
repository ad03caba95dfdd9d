"""Airports: the OurAirports large and medium airports table, looked up by code or by
position (nearest airport within a radius, large airports preferred over medium ones that
are barely closer). A one-degree grid keeps position lookups fast for many calls.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..paths import resource
from .geo import KM_PER_NM, great_circle_km

# A large airport wins over a nearer medium one unless the medium one is more than this
# much closer (two airfields that close are one place; the big one is the likelier).
PREFER_LARGE_WITHIN_KM = 2.0


@dataclass(frozen=True)
class Airport:
    ident: str
    type: str                 # large_airport | medium_airport
    name: str
    lat: float
    lon: float
    elevation_ft: float | None
    iso_country: str
    municipality: str
    gps_code: str
    iata_code: str
    icao_code: str

    @property
    def code(self) -> str:
        """The code to show: ICAO, else GPS code, else the OurAirports ident (e.g. ``KP-0031``)."""
        return self.icao_code or self.gps_code or self.ident

    @property
    def large(self) -> bool:
        return self.type == "large_airport"


@dataclass(frozen=True)
class NearestAirport:
    airport: Airport
    distance_km: float

    @property
    def distance_nm(self) -> float:
        return self.distance_km / KM_PER_NM


def _elevation(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


@lru_cache(maxsize=1)
def all_airports() -> tuple[Airport, ...]:
    """Every airport in the bundled table (loaded once)."""
    with open(resource("reference", "airports_large_medium.csv"), encoding="utf-8", newline="") as f:
        return tuple(
            Airport(ident=row["ident"], type=row["type"], name=row["name"],
                    lat=float(row["latitude_deg"]), lon=float(row["longitude_deg"]),
                    elevation_ft=_elevation(row["elevation_ft"]), iso_country=row["iso_country"],
                    municipality=row["municipality"], gps_code=row["gps_code"],
                    iata_code=row["iata_code"], icao_code=row["icao_code"])
            for row in csv.DictReader(f))


@lru_cache(maxsize=1)
def _grid() -> dict[tuple[int, int], list[Airport]]:
    cells: dict[tuple[int, int], list[Airport]] = {}
    for airport in all_airports():
        cells.setdefault((math.floor(airport.lat), math.floor(airport.lon)), []).append(airport)
    return cells


@lru_cache(maxsize=1)
def _codes() -> dict[str, Airport]:
    """Code -> airport: the one index of codes (``lookup`` and the identifier finder use it).
    ICAO and IATA codes first, then GPS codes and idents, so that a code never points away
    from the airport that officially holds it."""
    table: dict[str, Airport] = {}
    for attribute in ("icao_code", "iata_code", "gps_code", "ident"):
        for airport in all_airports():
            code = getattr(airport, attribute).strip().upper()
            if code and code not in table:
                table[code] = airport
    return table


def lookup(code: str | None) -> Airport | None:
    """The airport with this ICAO, IATA, GPS code or ident (case-insensitive), or None."""
    if not code:
        return None
    return _codes().get(code.strip().upper())


def within(lat: float, lon: float, max_km: float) -> list[NearestAirport]:
    """Every airport within ``max_km`` of the point, nearest first."""
    grid = _grid()
    lat_span = math.ceil(max_km / 111.0) + 1
    cos_lat = max(math.cos(math.radians(min(89.0, abs(lat) + lat_span))), 0.01)
    lon_span = min(180, math.ceil(max_km / (111.32 * cos_lat)) + 1)
    base_lat, base_lon = math.floor(lat), math.floor(lon)
    nearby: list[Airport] = []
    for cell_lat in range(base_lat - lat_span, base_lat + lat_span + 1):
        if cell_lat < -90 or cell_lat > 89:
            continue
        for offset in range(-lon_span, lon_span + 1):
            nearby += grid.get((cell_lat, (base_lon + offset + 180) % 360 - 180), ())
    if not nearby:
        return []
    distances = great_circle_km(lat, lon, np.array([a.lat for a in nearby]),
                                np.array([a.lon for a in nearby])).tolist()
    found = sorted((NearestAirport(airport, distance)
                    for airport, distance in zip(nearby, distances) if distance <= max_km),
                   key=lambda hit: hit.distance_km)
    # With a very wide lon span the same cell could be visited twice; keep each airport once.
    unique, seen = [], set()
    for hit in found:
        if hit.airport.ident not in seen:
            seen.add(hit.airport.ident)
            unique.append(hit)
    return unique


def nearest(lat: float, lon: float, max_km: float = 10.0, *,
            prefer_large_within_km: float = PREFER_LARGE_WITHIN_KM) -> NearestAirport | None:
    """The airport for a position: the nearest within ``max_km``, except that a large airport
    is preferred over a medium one that is less than ``prefer_large_within_km`` nearer.
    None when no airport is that close. The distance is always reported."""
    return choose(within(lat, lon, max_km), prefer_large_within_km=prefer_large_within_km)


def choose(candidates: list[NearestAirport], *,
           prefer_large_within_km: float = PREFER_LARGE_WITHIN_KM) -> NearestAirport | None:
    """From candidates sorted nearest first: the nearest, or a large airport that is at most
    ``prefer_large_within_km`` farther than a nearer medium one."""
    if not candidates:
        return None
    best = candidates[0]
    if not best.airport.large:
        for hit in candidates:
            if hit.airport.large and hit.distance_km - best.distance_km <= prefer_large_within_km:
                return hit
    return best


@lru_cache(maxsize=1)
def country_codes() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code (upper case) -> country name, from OurAirports' countries
    table (the codes the airports' ``iso_country`` uses)."""
    with open(resource("reference", "ourairports_countries.csv"), encoding="utf-8",
              newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}
