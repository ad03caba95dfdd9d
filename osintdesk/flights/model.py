"""What the flight importers produce: normalised records, in UTC, degrees, feet, knots, ft/min.

An importer yields a stream of these; the case store consumes the stream in one
transaction. TrackPoint is a NamedTuple so a million of them stay cheap and go
straight into ``executemany``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class TrackPoint(NamedTuple):
    """One observed position of one aircraft, exactly as the file gave it (after unit conversion)."""

    t: float                    # UTC epoch seconds (may carry milliseconds)
    lat: float                  # degrees, -90..90
    lon: float                  # degrees, -180..180
    alt_ft: float | None        # barometric altitude in feet; None when unknown
    gs_kt: float | None         # ground speed, knots
    track_deg: float | None     # true track / heading, degrees
    vrate_fpm: float | None     # vertical rate, ft/min
    on_ground: bool | None      # True on the ground, False airborne, None unknown
    callsign: str | None        # stripped; None when absent
    squawk: str | None          # 4 octal digits ("0412"), None when absent
    hex: str | None             # ICAO 24-bit address, lower-case; "~abcdef" for non-ICAO
    leg_start: bool = False     # the file marks this point as the start of a new leg
    stale: bool = False         # the file marks this position as stale / not fresh
    record: int | None = None   # line or record number in the file (provenance)


@dataclass
class AircraftInfo:
    """What a file says about an aircraft (any field may be missing)."""

    hex: str | None = None
    registration: str | None = None
    type_code: str | None = None
    type_name: str | None = None
    operator: str | None = None
    extra: dict = field(default_factory=dict)  # other facts the file states (e.g. readsb dbFlags)


@dataclass
class FileFlight:
    """A flight as the file itself describes it (FlightRadar24 playback, OpenSky /flights)."""

    hex: str | None = None
    registration: str | None = None
    callsign: str | None = None
    flight_number: str | None = None
    origin: str | None = None        # ICAO (preferred) or IATA code as given
    destination: str | None = None
    first_seen: float | None = None  # UTC epoch seconds
    last_seen: float | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class Skipped:
    """A record the importer did not take, and why (reported to the user, never silent)."""

    record: int | None
    reason: str
