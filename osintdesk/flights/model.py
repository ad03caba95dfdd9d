"""What the flight importers produce: normalised records, in UTC, degrees, feet, knots, ft/min;
and the coverage gap, which the analysis finds and the charts draw.

An importer yields a stream of these; the case store consumes the stream in one
transaction. TrackPoint is a NamedTuple so a million of them stay cheap and go
straight into ``executemany``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .geo import great_circle_km


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
    first_seen_t: float | None = None  # UTC epoch seconds
    last_seen_t: float | None = None
    extra: dict = field(default_factory=dict)

    # The stored record form (``flight_imports.file_flights``, one JSON object a flight) keeps
    # the keys it was first written with: renaming an attribute must not change it.
    _STORED_KEYS = {"hex": "hex", "registration": "registration", "callsign": "callsign",
                    "flight_number": "flight_number", "origin": "origin",
                    "destination": "destination", "first_seen_t": "first_seen",
                    "last_seen_t": "last_seen", "extra": "extra"}

    def to_dict(self) -> dict:
        """The stored form: ``first_seen``/``last_seen`` hold the UTC epoch seconds."""
        return {key: getattr(self, name) for name, key in self._STORED_KEYS.items()}

    @classmethod
    def from_dict(cls, data: dict) -> "FileFlight":
        """A FileFlight from its stored form (``to_dict``)."""
        return cls(**{name: data[key] for name, key in cls._STORED_KEYS.items() if key in data})


class CoverageGap(NamedTuple):
    """A stretch of a flight with no positions: where the aircraft was last seen and where it
    reappeared. The fields are the ``coverage_gaps`` table's; a chart draws the gap as a
    thin dashed great circle, never as if flown."""

    start_t: float                      # UTC epoch seconds: last seen
    start_lat: float                    # degrees
    start_lon: float
    end_t: float                        # UTC epoch seconds: seen again
    end_lat: float
    end_lon: float
    start_alt_ft: float | None = None
    end_alt_ft: float | None = None

    @property
    def duration_s(self) -> float:
        return self.end_t - self.start_t

    @property
    def distance_km(self) -> float:
        """Great-circle km between the two positions (not a path flown)."""
        return great_circle_km(self.start_lat, self.start_lon, self.end_lat, self.end_lon)


@dataclass
class Skipped:
    """A record the importer did not take, and why (reported to the user, never silent)."""

    record: int | None
    reason: str
    detail: str = ""   # the record's own error (file, line, value), when it could not be read


@dataclass
class Sighting:
    """An aircraft seen without a position (a snapshot lists it, but no position was
    decoded): its address, callsign and squawk at a time. It belongs on the aircraft and
    on the timeline, never on the map."""

    t: float                    # UTC epoch seconds: when it was last heard
    hex: str | None             # ICAO 24-bit address, lower-case; "~abcdef" for non-ICAO
    callsign: str | None = None
    squawk: str | None = None
    record: int | None = None   # entry number in the file (provenance)
    extra: dict = field(default_factory=dict)  # other facts (alt_ft, category, messages...)
