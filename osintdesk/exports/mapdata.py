"""What the map exports (KML, GeoJSON) share: the flights a scope selects, each flight's
covered stretches (its points between coverage gaps, read in chunks so that a million
points keep memory flat), the airports the flights use and the photo places."""

from __future__ import annotations

import math
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


def reduction_step(scope: Scope, total: int) -> int:
    """Keep every how-many-th point: 1 (all of them) unless the user asked for at most
    ``scope.max_points`` and the flights have more."""
    if scope.max_points is None or total <= scope.max_points:
        return 1
    return math.ceil(total / scope.max_points)


def reduction_text(step: int, total: int, max_points: int | None) -> str:
    """What a reduced file says about itself (and the screen about it)."""
    return (f"reduced on request (at most about {max_points:,} points): every {step}th of "
            f"the {total:,} points kept, with the first and last of each covered stretch")


def points_of(case, flight: dict, stretch: Stretch, step: int = 1
              ) -> Iterator[tuple[int, list[tuple]]]:
    """The stretch's points in chunks of at most ``CHUNK_POINTS`` tuples ``(t, lat, lon,
    alt_ft)`` (UTC epoch seconds, degrees, feet or None when not known), each chunk with
    how many points were read for it; with ``step`` > 1 only every step-th point and the
    stretch's first and last."""
    cursor = track_points(case, flight["aircraft_uuid"], stretch.first_t, stretch.last_t,
                          columns=POINT_COLUMNS)
    index, last, last_kept = 0, None, True
    while rows := cursor.fetchmany(CHUNK_POINTS):
        if step == 1:
            yield len(rows), rows
            continue
        kept = []
        for row in rows:
            last_kept = index % step == 0
            if last_kept:
                kept.append(row)
            index += 1
        last = rows[-1]
        if not last_kept and len(rows) < CHUNK_POINTS:   # the stretch ends in this chunk
            kept.append(last)
            last_kept = True
        yield len(rows), kept
    if not last_kept:
        yield 0, [last]


def point_total(case, flights: list[dict]) -> int:
    """How many points the flights' stretches give in all (for progress and the notes)."""
    return sum(count_track_points(case, f["aircraft_uuid"], f["first_t"], f["last_t"])
               for f in flights)


class Counter:
    """Progress over the points read (``done``), how many were written (``written``), and
    the user's cancel, checked once a chunk."""

    def __init__(self, total: int, progress: Progress | None, cancelled: IsCancelled | None):
        self.total, self.done, self.written = total, 0, 0
        self.progress, self.cancelled = progress, cancelled

    def add(self, read: int, written: int) -> None:
        if self.cancelled and self.cancelled():
            raise Cancelled()
        self.done += read
        self.written += written
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


@dataclass
class MapContent:
    """What a map format writes for a scope: the flights, their points counted (``total``),
    the reduction asked for (every ``step``-th point, said in ``reduced``), the progress
    counter, and the airports and photo places."""

    flights: list[dict]
    total: int
    step: int
    reduced: str | None
    counter: Counter
    airports: list[Airport]
    places: list[dict]


def map_content(case, scope: Scope, progress: Progress | None = None,
                cancelled: IsCancelled | None = None) -> MapContent:
    flights = flights_in_scope(case, scope)
    total = point_total(case, flights)
    step = reduction_step(scope, total)
    reduced = reduction_text(step, total, scope.max_points) if step > 1 else None
    return MapContent(flights, total, step, reduced, Counter(total, progress, cancelled),
                      airports_of(flights), places_in_scope(case, scope))
