"""What the map exports (KML, GeoJSON) share: the flights a scope selects, each flight's
covered stretches (its points between coverage gaps, read in chunks so that a million
points keep memory flat), the airports the flights use and the photo places."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ..errors import Cancelled
from ..flights.airports import Airport, lookup
from ..flights.parsing import FT_PER_M
from ..flights.queries import count_track_points, gaps, select_flights, track_points
from ..sources.queries import located_captures
from .base import IsCancelled, Progress, Scope
from .captures import capture_filter

# Points read from the case at a time (and the most a format holds in memory at once).
CHUNK_POINTS = 5000
POINT_COLUMNS = ("t", "lat", "lon", "alt_ft")


def alt_m(alt_ft: float | None) -> float | None:
    """Feet to metres (KML and GeoJSON altitudes are metres); None stays None."""
    return None if alt_ft is None else alt_ft / FT_PER_M


def flights_in_scope(case, scope: Scope) -> list[dict]:
    """``select_flights`` rows of the scope's aircraft that overlap its window (whole
    flights: a flight that meets the window is exported with all its points)."""
    aircraft = None if scope.aircraft is None else sorted(scope.aircraft)
    return select_flights(case, aircraft_uuids=aircraft, t_from=scope.t_from, t_to=scope.t_to)


@dataclass(frozen=True)
class Stretch:
    """A covered part of a flight: the points from ``first_t`` to ``last_t`` (UTC epoch
    seconds, inclusive); consecutive stretches are separated by a coverage gap."""

    first_t: float
    last_t: float


def stretches(case, flight: dict) -> tuple[list[Stretch], list[dict]]:
    """A flight's covered stretches and its coverage gaps (``flights.queries.gaps`` rows),
    in time order: a gap's start is the last point before it, its end the first after."""
    cuts = gaps(case, flight["uuid"])
    parts, start = [], flight["first_t"]
    for gap in cuts:
        parts.append(Stretch(start, gap["start_t"]))
        start = gap["end_t"]
    parts.append(Stretch(start, flight["last_t"]))
    return parts, cuts


def points_of(case, flight: dict, stretch: Stretch) -> Iterator[list[tuple]]:
    """The stretch's points in chunks of at most ``CHUNK_POINTS`` tuples ``(t, lat, lon,
    alt_ft)``: UTC epoch seconds, degrees, feet (None when not known)."""
    cursor = track_points(case, flight["aircraft_uuid"], stretch.first_t, stretch.last_t,
                          columns=POINT_COLUMNS)
    while rows := cursor.fetchmany(CHUNK_POINTS):
        yield rows


def point_total(case, flights: list[dict]) -> int:
    """How many points the flights' stretches give in all (for progress and the notes)."""
    return sum(count_track_points(case, f["aircraft_uuid"], f["first_t"], f["last_t"])
               for f in flights)


class Counter:
    """Progress over points written, and the user's cancel, checked once a chunk."""

    def __init__(self, total: int, progress: Progress | None, cancelled: IsCancelled | None):
        self.total, self.done = total, 0
        self.progress, self.cancelled = progress, cancelled

    def add(self, n: int) -> None:
        if self.cancelled and self.cancelled():
            raise Cancelled()
        self.done += n
        if self.progress:
            self.progress(min(self.done, self.total), self.total)


def airports_of(flights: list[dict]) -> list[Airport]:
    """The airports the flights leave from and arrive at (known to the reference table),
    each once, by code."""
    found: dict[str, Airport] = {}
    for flight in flights:
        for code in (flight.get("origin"), flight.get("destination")):
            airport = lookup(code)
            if airport is not None:
                found.setdefault(airport.ident, airport)
    return sorted(found.values(), key=lambda a: a.code)


def places_in_scope(case, scope: Scope) -> list[dict]:
    """Captures with a position (``sources.queries.located_captures`` rows) the scope
    selects (``captures.capture_filter``)."""
    selected = capture_filter(case, scope)
    return [place for place in located_captures(case) if selected(place)]
