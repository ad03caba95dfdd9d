"""Splitting one aircraft's track into flights, and what each flight and each stay on the
ground amounts to: times, great-circle distance, maximum altitude, callsigns, coverage
gaps, departure and arrival airports, ground time between flights.

Nothing is interpolated: every figure comes from observed points, and every split and
every inferred airport carries the reason for it. The rules, in order:

1. a leg flag in the file starts a new flight;
2. a run of ground points lasting ``min_ground_stay_s`` separates flights;
3. a gap in coverage ends a flight when the aircraft must have landed: the gap begins or
   ends near the ground and lasts longer than flying between the two positions plus a
   turnaround, or (at altitude) lasts far longer than flying that distance would take.
   Any other gap, e.g. at cruise over an ocean, is a coverage gap inside the flight;
4. inside the time span of a file that describes one flight (a FlightRadar24 export), a
   gap at altitude never ends a flight (the export says it is one flight across oceanic
   gaps); its first point starts a leg. Landings seen on the ground still split it: an
   export of a hundred flights is a hundred flights, whatever order files came in.

Points are held in compact arrays (about 45 bytes each), so a year of one aircraft fits.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from .. import timefmt
from .airports import choose, lookup, nearest, within
from .geo import KM_PER_NM, great_circle_km
from .model import CoverageGap, FileFlight

_GROUND, _AIR, _UNKNOWN = 2, 1, 0
_NO_VALUE = object()  # differs from every callsign, squawk and None
_NAN = float("nan")


@dataclass(frozen=True)
class SplitSettings:
    """Thresholds of the splitting rules (seconds, feet, knots, km)."""

    coverage_gap_s: float = 300.0       # no position for this long = a gap in coverage
    min_ground_stay_s: float = 60.0     # ground points spanning this long separate flights
    near_ground_ft: float = 3000.0      # at most this high above the nearby airport = near the ground
    turnaround_s: float = 900.0         # near-ground gap: flying time + this => it landed
    far_longer_factor: float = 3.0      # gap at altitude: factor * flying time + margin => it landed
    far_longer_margin_s: float = 4 * 3600.0
    default_speed_kt: float = 250.0     # when neither end of a gap has a ground speed
    min_speed_kt: float = 100.0         # slowest speed assumed when estimating flying time
    airport_ground_km: float = 5.0      # a ground point this close to an airport is at it
    airport_low_km: float = 25.0        # a low first/last point this close suggests the airport
    file_match_slack_s: float = 1800.0  # a file's flight matches a track flight overlapping ± this


@dataclass
class AirportRef:
    """A departure or arrival airport and where the claim comes from."""

    code: str                       # ICAO (or the code the file gave)
    name: str | None
    source: str                     # "file" | "inferred"
    distance_km: float | None       # from the flight's first/last point to the airport
    basis: str                      # why: "on the ground", "first seen at 1,200 ft", "named by the file"


@dataclass
class Flight:
    """One flight of one aircraft. Points with ``start_t <= t <= end_t`` belong to it."""

    hex: str | None
    start_t: float                  # UTC epoch s of its first point
    end_t: float                    # UTC epoch s of its last point
    duration_s: float
    point_count: int
    distance_km: float              # sum of great-circle legs between its points (straight
    distance_nm: float              #   lines across coverage gaps: a lower bound there)
    gap_distance_km: float          # the part of distance_km that crosses coverage gaps
    max_alt_ft: float | None
    callsigns: list[str]
    squawks: list[str]
    gaps: list[CoverageGap]
    departed_ground: bool           # its first point is on the ground (take-off observed)
    arrived_ground: bool            # its last point is on the ground (landing observed)
    start_reason: str
    end_reason: str
    departure: AirportRef | None = None
    arrival: AirportRef | None = None
    first_lat: float = 0.0
    first_lon: float = 0.0
    first_alt_ft: float | None = None
    last_lat: float = 0.0
    last_lon: float = 0.0
    last_alt_ft: float | None = None
    flight_number: str | None = None
    file_flight: FileFlight | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class GroundTime:
    """The aircraft on the ground between two flights."""

    airport_code: str | None
    airport_name: str | None
    start_t: float                  # UTC epoch s: end of the earlier flight
    end_t: float                    # UTC epoch s: start of the later flight
    duration_s: float
    lat: float                      # where it was (the landing point)
    lon: float
    distance_km: float | None       # from that point to the airport
    observed: bool                  # ground points were seen (else: landed at and left the same airport)
    after_flight: int               # index of the earlier flight
    before_flight: int

    def describe(self) -> str:
        """``on the ground at ZKPY from 2024-01-02 07:41 UTC to 2024-01-04 10:50 UTC, 2 d 3 h``"""
        where = f"at {self.airport_code}" if self.airport_code else f"near {self.lat:.4f}, {self.lon:.4f}"
        start, end = (timefmt.display_time(t, seconds=False) for t in (self.start_t, self.end_t))
        text = f"on the ground {where} from {start} to {end}, {timefmt.duration(self.duration_s)}"
        if not self.observed:
            text += " (not seen on the ground: landed at and next departed from this airport)"
        return text


@dataclass
class AircraftTrack:
    """The flights and ground times of one aircraft."""

    hex: str | None
    flights: list[Flight]
    ground_times: list[GroundTime]
    point_count: int                # after dropping exact repeats
    duplicates_dropped: int


# --------------------------------------------------------------------------- the track


class _Track:
    """One aircraft's points as parallel numpy arrays, sorted by time, exact repeats dropped.

    Build it from TrackPoints (``_Track(points)``) or, faster, from the case's stored
    columns (``track_of_points``).
    """

    def __init__(self, points: Iterable = ()):
        self.hex: str | None = None
        self.duplicates = 0
        self._labels: dict[str | None, int] = {None: 0}
        self._names: list[str | None] = [None]
        self._finish(*self._load(points))

    @classmethod
    def from_sorted(cls, hex_code: str | None, t, lat, lon, alt_ft, gs_kt, state, leg, *,
                    callsign_runs, squawk_runs) -> "_Track":
        """A track from columns already in the case's order (time, then position), with NaN
        for a missing altitude or speed and the callsign/squawk changes as runs."""
        track = cls.__new__(cls)
        track.hex, track.duplicates = hex_code, 0
        track._labels, track._names = {None: 0}, [None]
        track.t, track.lat, track.lon, track.alt_ft, track.gs_kt = t, lat, lon, alt_ft, gs_kt
        track.state, track.leg = state, leg
        track.callsign_runs, track.squawk_runs = callsign_runs, squawk_runs
        return track

    def tail(self, first: int) -> "_Track":
        """The points from index ``first`` on, as a track of their own (copied, so the
        rest can be freed)."""
        if first == 0:
            return self
        return _Track.from_sorted(
            self.hex, *(a[first:].copy() for a in (self.t, self.lat, self.lon, self.alt_ft,
                                                   self.gs_kt, self.state, self.leg)),
            callsign_runs=self.callsign_runs.tail(first),
            squawk_runs=self.squawk_runs.tail(first))

    def joined(self, later: "_Track") -> "_Track":
        """This track followed by ``later`` (whose points all come after these)."""
        n = len(self)
        return _Track.from_sorted(
            self.hex if self.hex is not None else later.hex,
            *(np.concatenate((a, b)) for a, b in zip(
                (self.t, self.lat, self.lon, self.alt_ft, self.gs_kt, self.state, self.leg),
                (later.t, later.lat, later.lon, later.alt_ft, later.gs_kt, later.state,
                 later.leg))),
            callsign_runs=self.callsign_runs.joined(later.callsign_runs, n),
            squawk_runs=self.squawk_runs.joined(later.squawk_runs, n))

    def _label(self, value: str | None) -> int:
        index = self._labels.get(value)
        if index is None:
            index = self._labels[value] = len(self._names)
            self._names.append(value)
        return index

    def _load(self, points: Iterable):
        t, lat, lon, alt, gs = (array("d") for _ in range(5))
        state, leg = bytearray(), bytearray()
        callsign, squawk = array("q"), array("q")
        for p in points:
            if p.hex is not None and p.hex != self.hex:
                if self.hex is not None:
                    raise ValueError(f"points of two aircraft ({self.hex}, {p.hex}); split by hex first")
                self.hex = p.hex
            t.append(p.t)
            lat.append(p.lat)
            lon.append(p.lon)
            alt.append(_NAN if p.alt_ft is None else float(p.alt_ft))
            gs.append(_NAN if p.gs_kt is None else float(p.gs_kt))
            state.append(_GROUND if p.on_ground else (_AIR if p.on_ground is False else _UNKNOWN))
            leg.append(1 if p.leg_start else 0)
            callsign.append(self._label(p.callsign))
            squawk.append(self._label(p.squawk))
        return (np.frombuffer(t, dtype=float), np.frombuffer(lat, dtype=float),
                np.frombuffer(lon, dtype=float), np.frombuffer(alt, dtype=float),
                np.frombuffer(gs, dtype=float), np.frombuffer(bytes(state), dtype=np.uint8),
                np.frombuffer(bytes(leg), dtype=np.uint8), np.frombuffer(callsign, dtype=np.int64),
                np.frombuffer(squawk, dtype=np.int64))

    def _finish(self, t, lat, lon, alt, gs, state, leg, callsign, squawk) -> None:
        """Sort by time (stable), drop exact repeats (same time, position and altitude)."""
        if len(t) and not np.all(t[1:] >= t[:-1]):
            order = np.argsort(t, kind="stable")
            t, lat, lon, alt, gs, state, leg, callsign, squawk = (
                a[order] for a in (t, lat, lon, alt, gs, state, leg, callsign, squawk))
        if len(t) > 1:
            same = ((t[1:] == t[:-1]) & (lat[1:] == lat[:-1]) & (lon[1:] == lon[:-1])
                    & ((alt[1:] == alt[:-1]) | (np.isnan(alt[1:]) & np.isnan(alt[:-1]))))
            if same.any():
                keep = np.concatenate(([True], ~same))
                self.duplicates = int(same.sum())
                t, lat, lon, alt, gs, state, leg, callsign, squawk = (
                    a[keep] for a in (t, lat, lon, alt, gs, state, leg, callsign, squawk))
        self.t, self.lat, self.lon, self.alt_ft, self.gs_kt = t, lat, lon, alt, gs
        self.state, self.leg = state, leg
        self.callsign_runs = self._runs_of(callsign)
        self.squawk_runs = self._runs_of(squawk)

    def _runs_of(self, labels) -> "_Runs":
        """Where the value changes."""
        starts = _changes(labels)
        return _Runs(starts, [self._names[i] for i in labels[starts].tolist()])

    def __len__(self) -> int:
        return len(self.t)

    def ground(self, i: int) -> bool:
        return bool(self.state[i] == _GROUND)

    def alt_ft_at(self, i: int) -> float | None:
        """Point ``i``'s altitude in feet, None when unknown."""
        value = float(self.alt_ft[i])
        return None if value != value else value

    def distance_km(self, i: int, j: int) -> float:
        return great_circle_km(float(self.lat[i]), float(self.lon[i]),
                               float(self.lat[j]), float(self.lon[j]))

    def leg_distances_km(self, a: int, b: int):
        """Great-circle km between consecutive points a..b (b - a values)."""
        return great_circle_km(self.lat[a:b], self.lon[a:b], self.lat[a + 1:b + 1],
                               self.lon[a + 1:b + 1])

    def values_in(self, runs: "_Runs", a: int, b: int) -> list[str]:
        """Distinct non-empty values of ``runs`` over points a..b, in order of appearance."""
        return runs.values_in(a, b)


def _changes(values: np.ndarray) -> np.ndarray:
    """The indexes where a column's value changes (the first point included)."""
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    return np.concatenate(([0], np.flatnonzero(values[1:] != values[:-1]) + 1))


class _Runs:
    """A callsign or squawk column as its changes: the index of each change (numpy) and
    the value from there on (a list), so that a flight costs its own changes only."""

    __slots__ = ("starts", "values")

    def __init__(self, starts, values: list):
        self.starts = np.asarray(starts, dtype=np.int64)
        self.values = values

    def values_in(self, a: int, b: int) -> list[str]:
        """Distinct non-empty values over points a..b, in order of appearance."""
        first = max(0, int(np.searchsorted(self.starts, a, side="right")) - 1)
        end = int(np.searchsorted(self.starts, b, side="right"))
        return [value for value in dict.fromkeys(self.values[first:end]) if value]

    def tail(self, first: int) -> "_Runs":
        """The runs of the points from index ``first`` on, indexed from there."""
        if not self.values:
            return self
        k = max(0, int(np.searchsorted(self.starts, first, side="right")) - 1)
        return _Runs(np.concatenate(([0], self.starts[k + 1:] - first)), self.values[k:])

    def joined(self, later: "_Runs", offset: int) -> "_Runs":
        """These runs followed by ``later``'s (of points from index ``offset`` on)."""
        skip = int(bool(self.values and later.values and self.values[-1] == later.values[0]))
        return _Runs(np.concatenate((self.starts, later.starts[skip:] + offset)),
                     self.values + later.values[skip:])


def _airport_elevation_ft(lat: float, lon: float, radius_km: float) -> float:
    hit = nearest(lat, lon, radius_km)
    return (hit.airport.elevation_ft or 0.0) if hit else 0.0


def _near_ground(track: _Track, i: int, settings: SplitSettings) -> bool:
    """On the ground, or low enough above the nearest airport (or sea level) to be landing."""
    if track.ground(i):
        return True
    alt = track.alt_ft_at(i)
    if alt is None:
        return False
    if alt <= settings.near_ground_ft:
        return True
    elevation = _airport_elevation_ft(float(track.lat[i]), float(track.lon[i]),
                                      settings.airport_low_km)
    return alt - elevation <= settings.near_ground_ft


def _flying_time_s(track: _Track, i: int, j: int, distance_km: float, settings: SplitSettings) -> float:
    speeds = [float(track.gs_kt[k]) for k in (i, j)
              if track.gs_kt[k] == track.gs_kt[k] and not track.ground(k)]
    speed_kt = sum(speeds) / len(speeds) if speeds else settings.default_speed_kt
    speed_kt = max(speed_kt, settings.min_speed_kt)
    return distance_km / (speed_kt * KM_PER_NM) * 3600.0


def _landing_gap_reason(track: _Track, i: int, settings: SplitSettings,
                        one_flight: bool = False) -> str | None:
    """Why the gap before point ``i`` must contain a landing, or None if it need not
    (``one_flight``: a file says the gap is inside one flight, so at altitude it is)."""
    j = i - 1
    duration = float(track.t[i] - track.t[j])
    if duration < settings.coverage_gap_s:
        return None
    distance = track.distance_km(j, i)
    flying = _flying_time_s(track, j, i, distance, settings)
    near_start, near_end = _near_ground(track, j, settings), _near_ground(track, i, settings)
    if near_start or near_end:
        if duration > flying + settings.turnaround_s:
            end = "began and ended" if near_start and near_end else ("began" if near_start else "ended")
            return (f"a {timefmt.duration(duration)} gap that {end} near the ground, longer than "
                    f"flying {distance:,.0f} km takes (about {timefmt.duration(flying)}) plus a turnaround")
        return None
    if not one_flight and duration > settings.far_longer_factor * flying + settings.far_longer_margin_s:
        return (f"a {timefmt.duration(duration)} gap at altitude, far longer than flying "
                f"{distance:,.0f} km takes (about {timefmt.duration(flying)}): it must have landed")
    return None


def _section_cuts(track: _Track, spans: Sequence[tuple[float, float]], settings: SplitSettings):
    """Where leg flags and landing gaps cut the track: yields (index of the first point
    after the cut, reason). ``spans``: (first t, last t) of files that each describe one
    flight. A cut depends on the two points around it only."""
    n = len(track)
    candidates = () if n < 2 else (np.flatnonzero(
        (track.leg[1:] != 0) | (np.diff(track.t) >= settings.coverage_gap_s)) + 1).tolist()
    for i in candidates:
        inside = any(a <= track.t[i - 1] and track.t[i] <= b for a, b in spans)
        reason = ("leg flag in the file" if track.leg[i] else
                  _landing_gap_reason(track, i, settings, one_flight=inside))
        if reason:
            yield i, reason


def _sections(track: _Track, spans: Sequence[tuple[float, float]], settings: SplitSettings):
    """Cut the track at leg flags and landing gaps: yields (first, last, start_reason,
    end_reason)."""
    start, start_reason = 0, "start of the data"
    for i, reason in _section_cuts(track, spans, settings):
        yield start, i - 1, start_reason, reason
        start, start_reason = i, reason
    if len(track):
        yield start, len(track) - 1, start_reason, "end of the data"


def _runs(track: _Track, a: int, b: int) -> list[tuple[bool, int, int]]:
    """Maximal runs of ground / not-ground points in a..b: (is_ground, first, last)."""
    ground = track.state[a:b + 1] == _GROUND
    if not len(ground):
        return []
    starts = np.concatenate(([0], np.flatnonzero(ground[1:] != ground[:-1]) + 1))
    ends = np.concatenate((starts[1:] - 1, [len(ground) - 1]))
    return [(bool(ground[s]), a + int(s), a + int(e)) for s, e in zip(starts, ends)]


def _flight_ranges(track: _Track, a: int, b: int, start_reason: str, end_reason: str,
                   settings: SplitSettings):
    """Flights inside one section: (first, last, start_reason, end_reason).

    A flight spans its airborne points plus the last ground point before them (where the
    take-off began) and the first ground point after them (the landing). Ground runs at the
    section's edges always bound a flight; inside it, only runs of ``min_ground_stay_s``."""
    runs = _runs(track, a, b)
    stays = [k for k, (g, first, last) in enumerate(runs) if g and (
        k == 0 or k == len(runs) - 1 or
        track.t[last] - track.t[first] >= settings.min_ground_stay_s)]
    bounds = [-1] + stays + [len(runs)]
    for left, right in zip(bounds, bounds[1:]):
        inner = runs[left + 1:right]
        if all(g for g, _, _ in inner):
            continue  # nothing airborne between these stays
        first = runs[left][2] if left >= 0 else inner[0][1]
        last = runs[right][1] if right < len(runs) else inner[-1][2]
        yield (first, last,
               "take-off seen (on the ground before)" if left >= 0 else start_reason,
               "landing seen (on the ground after)" if right < len(runs) else end_reason)


# --------------------------------------------------------------------------- summaries


def _gaps(track: _Track, a: int, b: int, settings: SplitSettings) -> tuple[list[CoverageGap], float]:
    gaps, gap_km = [], 0.0
    long_silences = np.flatnonzero(np.diff(track.t[a:b + 1]) >= settings.coverage_gap_s) + a + 1
    for i in long_silences.tolist():
        gap = CoverageGap(
            start_t=float(track.t[i - 1]), start_lat=float(track.lat[i - 1]),
            start_lon=float(track.lon[i - 1]), end_t=float(track.t[i]),
            end_lat=float(track.lat[i]), end_lon=float(track.lon[i]),
            start_alt_ft=track.alt_ft_at(i - 1), end_alt_ft=track.alt_ft_at(i))
        gaps.append(gap)
        gap_km += gap.distance_km
    return gaps, gap_km


def _infer_airport(track: _Track, i: int, first: bool, settings: SplitSettings) -> AirportRef | None:
    lat, lon, alt = float(track.lat[i]), float(track.lon[i]), track.alt_ft_at(i)
    seen = "first seen" if first else "last seen"
    if track.ground(i):
        hit = nearest(lat, lon, settings.airport_ground_km)
        basis = "on the ground there"
    else:
        if alt is None:
            return None
        # Only airports the aircraft was low enough above to be landing at or leaving.
        hit = choose([h for h in within(lat, lon, settings.airport_low_km)
                      if alt - (h.airport.elevation_ft or 0.0) <= settings.near_ground_ft])
        basis = f"{seen} at {alt:,.0f} ft"
    if hit is None:
        return None
    return AirportRef(code=hit.airport.code, name=hit.airport.name, source="inferred",
                      distance_km=hit.distance_km, basis=f"{basis}, {hit.distance_km:.1f} km away")


def _summarise(track: _Track, a: int, b: int, start_reason: str, end_reason: str,
               settings: SplitSettings) -> Flight:
    distance = float(track.leg_distances_km(a, b).sum()) if b > a else 0.0
    gaps, gap_km = _gaps(track, a, b, settings)
    altitudes = track.alt_ft[a:b + 1]
    altitudes = altitudes[~np.isnan(altitudes)]
    return Flight(
        hex=track.hex, start_t=float(track.t[a]), end_t=float(track.t[b]),
        duration_s=float(track.t[b] - track.t[a]),
        point_count=b - a + 1, distance_km=distance, distance_nm=distance / KM_PER_NM,
        gap_distance_km=gap_km, max_alt_ft=float(altitudes.max()) if len(altitudes) else None,
        callsigns=track.values_in(track.callsign_runs, a, b),
        squawks=track.values_in(track.squawk_runs, a, b), gaps=gaps,
        departed_ground=track.ground(a), arrived_ground=track.ground(b),
        start_reason=start_reason, end_reason=end_reason,
        departure=_infer_airport(track, a, True, settings),
        arrival=_infer_airport(track, b, False, settings),
        first_lat=float(track.lat[a]), first_lon=float(track.lon[a]), first_alt_ft=track.alt_ft_at(a),
        last_lat=float(track.lat[b]), last_lon=float(track.lon[b]), last_alt_ft=track.alt_ft_at(b))


def _apply_file_flight(flight: Flight, file_flight: FileFlight) -> None:
    """Keep the airports, callsign and number the file itself gives for this flight."""
    flight.file_flight = file_flight
    flight.flight_number = file_flight.flight_number
    if file_flight.callsign and file_flight.callsign not in flight.callsigns:
        flight.callsigns.append(file_flight.callsign)
    for attribute, code, lat, lon in (("departure", file_flight.origin, flight.first_lat, flight.first_lon),
                                      ("arrival", file_flight.destination, flight.last_lat, flight.last_lon)):
        if not code:
            continue
        inferred: AirportRef | None = getattr(flight, attribute)
        airport = lookup(code)
        distance = great_circle_km(lat, lon, airport.lat, airport.lon) if airport else None
        setattr(flight, attribute, AirportRef(
            # One airport, one code: a file's IATA code (FR24 KML says VKO) is shown as the
            # ICAO code the other formats and the inference use (UUWW).
            code=airport.code if airport else code, name=airport.name if airport else None,
            source="file", distance_km=distance,
            basis="named by the file" + (f" as {code}" if airport and airport.code != code
                                         else "")))
        if inferred and airport and inferred.code not in (airport.code, code):
            flight.notes.append(f"the file names {attribute} {code}; the track points to "
                                f"{inferred.code} ({inferred.basis})")


def _match_file_flights(flights: list[Flight], file_flights: Sequence[FileFlight],
                        single_flight: bool, settings: SplitSettings) -> None:
    if single_flight and len(flights) == 1 and len(file_flights) == 1:
        _apply_file_flight(flights[0], file_flights[0])
        return
    slack = settings.file_match_slack_s
    for file_flight in file_flights:
        if file_flight.first_seen_t is None or file_flight.last_seen_t is None:
            continue
        best, best_overlap = None, -1.0
        for flight in flights:
            if file_flight.hex and flight.hex and file_flight.hex != flight.hex:
                continue
            overlap = (min(flight.end_t, file_flight.last_seen_t + slack)
                       - max(flight.start_t, file_flight.first_seen_t - slack))
            if overlap >= 0 and overlap > best_overlap and flight.file_flight is None:
                best, best_overlap = flight, overlap
        if best is not None:
            _apply_file_flight(best, file_flight)


# --------------------------------------------------------------------------- ground times


def _ground_time(flights: list[Flight], k: int, observed_run: bool,
                 settings: SplitSettings) -> GroundTime | None:
    before, after = flights[k], flights[k + 1]
    arrival, departure = before.arrival, after.departure
    same_airport = arrival and departure and arrival.code == departure.code
    same_place = (before.arrived_ground and after.departed_ground and great_circle_km(
        before.last_lat, before.last_lon, after.first_lat, after.first_lon) <= settings.airport_ground_km)
    if not (observed_run or same_airport or same_place):
        return None
    if observed_run or same_place:
        hit = nearest(before.last_lat, before.last_lon, settings.airport_ground_km)
        code = hit.airport.code if hit else None
        name = hit.airport.name if hit else None
        distance = hit.distance_km if hit else None
        if arrival and arrival.source == "file" and same_airport:
            code, name, distance = arrival.code, arrival.name, arrival.distance_km
    else:
        code, name, distance = arrival.code, arrival.name, arrival.distance_km
    return GroundTime(airport_code=code, airport_name=name, start_t=before.end_t,
                      end_t=after.start_t, duration_s=after.start_t - before.end_t,
                      lat=before.last_lat, lon=before.last_lon, distance_km=distance,
                      observed=bool(observed_run or same_place), after_flight=k, before_flight=k + 1)


# --------------------------------------------------------------------------- entry point


def split_track(points: Iterable, *, file_flights: Sequence[FileFlight] = (),
                single_flight: bool = False, one_flight_spans: Sequence[tuple[float, float]] = (),
                settings: SplitSettings = SplitSettings()) -> AircraftTrack:
    """Split one aircraft's points into flights and the ground times between them.

    ``points``: TrackPoints (or anything with the same attributes) of one aircraft, in any
    order, or a track built with ``track_of_points``; exact repeats (same time,
    position and altitude) are dropped.
    ``file_flights``: the FileFlights the file(s) gave, whose airports are kept.
    ``single_flight``: the points are one file that describes one flight (a FlightRadar24
    export): its file flight names this flight when one results, and no gap at altitude
    splits it (rule 4).
    ``one_flight_spans``: (first t, last t) of each such file among several (rule 4).
    """
    track = points if isinstance(points, _Track) else _Track(points)
    flights: list[Flight] = []
    observed_between: list[bool] = []  # a ground run separates flight k-1 and k in one section
    spans = list(one_flight_spans)
    if single_flight and len(track):
        spans.append((float(track.t[0]), float(track.t[-1])))
    for a, b, start_reason, end_reason in _sections(track, spans, settings):
        first_in_section = True
        for first, last, reason_in, reason_out in _flight_ranges(
                track, a, b, start_reason, end_reason, settings):
            flights.append(_summarise(track, first, last, reason_in, reason_out, settings))
            observed_between.append(not first_in_section)
            first_in_section = False
    return _concluded(track.hex, flights, observed_between, file_flights, single_flight,
                      settings, len(track), track.duplicates)


def _concluded(hex_code: str | None, flights: list[Flight], observed_between: list[bool],
               file_flights: Sequence[FileFlight], single_flight: bool,
               settings: SplitSettings, point_count: int, duplicates: int) -> AircraftTrack:
    """The aircraft's track from its flights in time order: the file flights matched to
    them and the ground times between them."""
    _match_file_flights(flights, file_flights, single_flight, settings)
    ground_times = []
    for k in range(len(flights) - 1):
        stay = _ground_time(flights, k, observed_between[k + 1], settings)
        if stay is not None:
            ground_times.append(stay)
    return AircraftTrack(hex=hex_code, flights=flights, ground_times=ground_times,
                         point_count=point_count, duplicates_dropped=duplicates)


class TrackSplitter:
    """``split_track`` for a track given a window at a time (``add``, windows in time
    order: every point of a window comes after those of the windows before), so that
    one aircraft's points never have to sit in memory at once. ``finish`` gives exactly
    what ``split_track`` gives for the whole track.

    After each window, what later points cannot change is settled: each section that a
    leg flag or a landing gap closed (a cut depends on the two points around it only),
    and in the open section everything up to its last complete ground stay (a ground run
    of ``min_ground_stay_s`` followed by a point in the air: the flights before it land
    there and the next one takes off from it, whatever follows). The rest is carried into
    the next window. So memory holds a window plus the longest stretch without such a
    stay (one flight, or one stay on the ground), and the flights found so far (small
    summaries: the rows the caller stores).

    ``one_flight_spans``: as ``split_track`` takes them; when the points are one file that
    describes one flight (``single_flight`` in ``split_track``), its span must be among
    them."""

    def __init__(self, hex_code: str | None = None, *,
                 one_flight_spans: Sequence[tuple[float, float]] = (),
                 settings: SplitSettings = SplitSettings()):
        self.hex = hex_code
        self.settings = settings
        self._spans = list(one_flight_spans)
        self._open: _Track | None = None      # the points not settled yet
        self._open_reason = "start of the data"   # why the open section started
        self._section_flights = 0             # flights settled in the open section
        self._flights: list[Flight] = []
        self._observed_between: list[bool] = []
        self._points = 0

    def add(self, window: _Track) -> None:
        """The next points (a track built with ``track_of_points``)."""
        if not len(window):
            return
        self._points += len(window)
        self._open = window if self._open is None else self._open.joined(window)
        self._settle(final=False)

    def finish(self, *, file_flights: Sequence[FileFlight] = (),
               single_flight: bool = False) -> AircraftTrack:
        if self._open is not None:
            self._settle(final=True)
        return _concluded(self.hex, self._flights, self._observed_between, file_flights,
                          single_flight, self.settings, self._points, 0)

    def _settle(self, final: bool) -> None:
        track = self._open
        start, reason = 0, self._open_reason
        for i, cut_reason in _section_cuts(track, self._spans, self.settings):
            self._flights_of(track, start, i - 1, reason, cut_reason)
            self._section_flights = 0
            start, reason = i, cut_reason
        last = len(track) - 1
        if final:
            self._flights_of(track, start, last, reason, "end of the data")
            self._open = None
            return
        stay = self._last_stay(track, start, last)
        if stay is not None:
            # Ends on the stay: its last flight lands there (the end reason goes unused)
            self._flights_of(track, start, stay[1], reason, "")
            start = stay[0]
        self._open, self._open_reason = track.tail(start), reason

    def _last_stay(self, track: _Track, a: int, b: int) -> tuple[int, int] | None:
        """(first, last) of the last ground run in a..b after its first run that lasts a
        ground stay and is followed by a point off the ground, or None."""
        runs = _runs(track, a, b)
        for ground, first, last in reversed(runs[1:-1]):
            if ground and track.t[last] - track.t[first] >= self.settings.min_ground_stay_s:
                return first, last
        return None

    def _flights_of(self, track: _Track, a: int, b: int, start_reason: str,
                    end_reason: str) -> None:
        for first, last, reason_in, reason_out in _flight_ranges(
                track, a, b, start_reason, end_reason, self.settings):
            self._flights.append(_summarise(track, first, last, reason_in, reason_out,
                                            self.settings))
            self._observed_between.append(self._section_flights > 0)
            self._section_flights += 1


def track_of_points(hex_code: str | None, points: dict, leg_imports: Iterable[int] = ()) -> _Track:
    """A track from one aircraft's stored points (``trackblocks.read_points`` columns t,
    lat, lon, alt_ft, gs_kt, on_ground, leg_start, callsign, squawk and import_id, in
    (t, lat, lon) order): the first point of each import in ``leg_imports`` starts a leg."""
    ground = points["on_ground"]
    state = np.where(ground == 1, _GROUND, np.where(ground == 0, _AIR, _UNKNOWN)).astype(np.uint8)
    leg = np.array(points["leg_start"], dtype=np.uint8)   # a copy: leg starts are added
    imports = points["import_id"]
    for import_id in leg_imports:
        found = np.flatnonzero(imports == import_id)
        if len(found):
            leg[found[0]] = 1
    runs = []
    for name in ("callsign", "squawk"):
        values = points[name]
        starts = _changes(values)
        runs.append(_Runs(starts, values[starts].tolist()))
    return _Track.from_sorted(hex_code, np.asarray(points["t"], dtype=float),
                              np.asarray(points["lat"], dtype=float),
                              np.asarray(points["lon"], dtype=float),
                              np.asarray(points["alt_ft"], dtype=float),
                              np.asarray(points["gs_kt"], dtype=float), state, leg,
                              callsign_runs=runs[0], squawk_runs=runs[1])
