"""What the charts draw: plain records with numpy arrays, independent of the case store.

The window, the command line and the tests build these (the case adapter lives with the
store); the chart functions only read them. Units are in the names: ``t_utc`` in UTC
epoch seconds, ``lat``/``lon`` in degrees, ``alt_ft`` in feet, ``gs_kt`` in knots.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Hashable, NamedTuple, Sequence

import numpy as np

from ..flights.model import CoverageGap


class ChartAirport(NamedTuple):
    """An airport as drawn on a chart: ICAO code and position in degrees."""

    code: str
    lat: float
    lon: float
    name: str = ""


# A silence longer than this (seconds) is a coverage gap even if the caller did not say so.
IMPLICIT_GAP_S = 900.0


def _float_array(values, n: int | None, name: str) -> np.ndarray:
    arr = np.asarray(values if values is not None else np.full(n or 0, np.nan), dtype=float).ravel()
    if n is not None and len(arr) != n:
        raise ValueError(f"{name} has {len(arr)} values, t_utc has {n}")
    return arr


@dataclass(eq=False)
class ChartFlight:
    """One flight's track, in time order, with its coverage gaps and airports.

    ``alt_ft`` and ``gs_kt`` may hold NaN where the source gave nothing; ``on_ground`` is
    True where the aircraft was reported on the ground (unknown counts as airborne).
    """

    id: Hashable
    label: str                      # legend text, e.g. "UUWW → ZKPY  2025-07-12"
    aircraft_label: str             # e.g. "RA-64504 (Tu-204)"
    t_utc: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    alt_ft: np.ndarray | None = None
    gs_kt: np.ndarray | None = None
    on_ground: np.ndarray | None = None
    gaps: Sequence[CoverageGap] = ()
    departure: ChartAirport | None = None
    arrival: ChartAirport | None = None
    ordinal: int | None = None      # among the case's flights in time order: its colour

    @property
    def colour(self) -> str:
        from .style import colour_of_flight
        return colour_of_flight(self.id, self.ordinal)

    def __post_init__(self):
        self.t_utc = np.asarray(self.t_utc, dtype=float).ravel()
        n = len(self.t_utc)
        self.lat = _float_array(self.lat, n, "lat")
        self.lon = _float_array(self.lon, n, "lon")
        self.alt_ft = _float_array(self.alt_ft, n, "alt_ft")
        self.gs_kt = _float_array(self.gs_kt, n, "gs_kt")
        if self.on_ground is None:
            self.on_ground = np.zeros(n, dtype=bool)
        else:
            og = np.asarray(self.on_ground)
            if og.dtype != bool:  # None/NaN for unknown counts as airborne
                og = np.array([bool(v) if v is not None and v == v else False for v in og.ravel()])
            self.on_ground = og.ravel()
            if len(self.on_ground) != n:
                raise ValueError(f"on_ground has {len(self.on_ground)} values, t_utc has {n}")
        self.gaps = [g if isinstance(g, CoverageGap) else CoverageGap(*g) for g in self.gaps]
        if n > 1 and not (np.diff(self.t_utc) >= 0).all():
            order = np.argsort(self.t_utc, kind="stable")
            for name in ("t_utc", "lat", "lon", "alt_ft", "gs_kt", "on_ground"):
                setattr(self, name, getattr(self, name)[order])
        if self.departure is not None and not isinstance(self.departure, ChartAirport):
            self.departure = ChartAirport(*self.departure)
        if self.arrival is not None and not isinstance(self.arrival, ChartAirport):
            self.arrival = ChartAirport(*self.arrival)

    def __len__(self) -> int:
        return len(self.t_utc)

    def coverage_gaps(self) -> list[CoverageGap]:
        """The declared gaps, plus any silence longer than ``IMPLICIT_GAP_S`` they miss.

        A chart must never draw a long silence as if flown, even when the caller's
        segmentation did not call it a gap.
        """
        declared = list(self.gaps)
        found = find_gaps(self.t_utc, self.lat, self.lon, min_gap_s=IMPLICIT_GAP_S)
        extra = [g for g in found
                 if not any(d.start_t - 1e-6 <= g.start_t and g.end_t <= d.end_t + 1e-6 for d in declared)]
        return sorted(declared + extra, key=lambda g: g.start_t)

    def break_before(self, gaps: Sequence[CoverageGap] | None = None) -> np.ndarray:
        """Bool per point: True where the track must not be joined to the previous point.

        That is the first point, every point after (or inside) a coverage gap, and any point
        next to a missing position (NaN latitude or longitude). ``gaps`` saves finding the
        coverage gaps again when the caller has them (``coverage_gaps()``).
        """
        t = self.t_utc
        n = len(t)
        brk = np.zeros(n, dtype=bool)
        if n == 0:
            return brk
        brk[0] = True
        for gap in (self.coverage_gaps() if gaps is None else gaps):
            # Every leg whose time overlaps the gap, so an imprecise gap still breaks the line.
            lo = max(1, int(np.searchsorted(t, gap.start_t + 1e-6, side="right")))
            hi = int(np.searchsorted(t, gap.end_t - 1e-6, side="left"))
            brk[lo:min(hi, n - 1) + 1] = True
        bad = ~(np.isfinite(self.lat) & np.isfinite(self.lon))
        if bad.any():
            brk[1:] |= bad[:-1]
            brk |= bad
        return brk


@dataclass(frozen=True)
class ChartPlace:
    """A place with coordinates to mark on the map (e.g. where a photo was taken, from EXIF)."""

    label: str
    lat: float
    lon: float
    kind: str = "place"  # legend group, e.g. "photo (EXIF)", "witness report"


class ActivityFlight(NamedTuple):
    """A flight on the activity chart: UTC epoch seconds and a short label ("UUWW → ZKPY")."""

    start_t: float
    end_t: float
    label: str = ""


class GroundStay(NamedTuple):
    """Time on the ground at one airport (UTC epoch seconds). ``start_t``/``end_t`` may be
    None when the stay runs past the edge of what was observed."""

    start_t: float | None
    end_t: float | None
    airport: str = ""


@dataclass
class ActivityRow:
    """One aircraft on the activity chart: when it flew and where it sat."""

    aircraft_label: str
    flights: Sequence[ActivityFlight] = field(default_factory=list)
    ground_stays: Sequence[GroundStay] = field(default_factory=list)

    def __post_init__(self):
        self.flights = [f if isinstance(f, ActivityFlight) else ActivityFlight(*f) for f in self.flights]
        self.ground_stays = [g if isinstance(g, GroundStay) else GroundStay(*g) for g in self.ground_stays]


def find_gaps(t_utc, lat, lon, *, min_gap_s: float = 600.0) -> list[CoverageGap]:
    """Coverage gaps in a time-ordered track: consecutive positions more than ``min_gap_s`` apart.

    A helper for callers that have no segmentation of their own (samples, quick imports).
    """
    t = np.asarray(t_utc, dtype=float)
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    ok = np.isfinite(t) & np.isfinite(lat) & np.isfinite(lon)
    idx = np.flatnonzero(ok)
    if len(idx) < 2:
        return []
    dt = np.diff(t[idx])
    gaps = []
    for k in np.flatnonzero(dt > min_gap_s):
        a, b = idx[k], idx[k + 1]
        gaps.append(CoverageGap(float(t[a]), float(lat[a]), float(lon[a]),
                                float(t[b]), float(lat[b]), float(lon[b])))
    return gaps
