"""What a map is made of: its plan (plain arrays), each flight as drawn, and what was drawn.

``MapPlan`` is what ``plan_map`` computes (on any thread); ``MapInfo`` is what ``draw_map``
drew, kept for hover, click-to-select and the refresh after a zoom.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Hashable, Iterable, NamedTuple

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..data import ChartFlight
from ..projection import GeoExtent, Projection
from ..tracks import TrackPoints

MAX_LEGEND_FLIGHTS = 12
# Up to this many flights, each has its own Line2D (and halo), whole even where another
# covers it; more are one picture, a LineCollection of only what shows: hundreds of
# artists cost more than all their vertices, and most of their vertices are covered.
MAX_SEPARATE_TRACKS = MAX_LEGEND_FLIGHTS


class TrackHit(NamedTuple):
    """The track point nearest to the mouse: which flight, which point, and its values."""

    flight_id: Hashable
    index: int          # index into the flight's arrays
    t_utc: float
    lat: float
    lon: float
    alt_ft: float       # NaN when unknown
    gs_kt: float        # NaN when unknown
    distance_px: float


@dataclass
class DrawnTrack:
    """One flight as drawn: its positions projected at full resolution, its line as drawn
    for the current view, and its artists."""

    flight: ChartFlight
    colour: str
    x: np.ndarray                      # map metres, one per point of the flight
    y: np.ndarray
    breaks: np.ndarray | None = None   # per point: not joined to the one before
    has_positions: bool = False        # any finite position (drawn, even if others cover it)
    # The flown track and the white casing under it, on maps of up to MAX_SEPARATE_TRACKS
    # flights; on busier maps all tracks are in MapInfo.track_artists and these are None.
    line: Line2D | None = None
    halo: Line2D | None = None
    gaps: list = field(default_factory=list)       # CoverageGap, one per path in gap_paths
    gap_paths: list = field(default_factory=list)  # (x, y) map metres of each dashed great circle
    gap_lines: list[Line2D] = field(default_factory=list)  # their Line2D, on maps of few gaps
    path_x: np.ndarray = field(default_factory=lambda: np.empty(0))  # the line as drawn,
    path_y: np.ndarray = field(default_factory=lambda: np.empty(0))  # NaN between pieces
    vertices: int = 0                  # vertices actually drawn after simplification

    def points(self) -> TrackPoints:
        return TrackPoints(self.x, self.y, self.flight.lon, self.flight.lat, self.breaks)


@dataclass
class MapInfo:
    """What ``draw_map`` drew, for hover, click-to-select (``interaction``) and tests."""

    ax: object
    projection: Projection
    view: tuple[float, float, float, float]     # x0, x1, y0, y1 in map metres
    geo_extent: GeoExtent                        # lon/lat box of the view
    basemap_scale: str                           # "110m" or "50m"
    tracks: dict = field(default_factory=dict)   # flight id -> DrawnTrack, in drawing order
    airport_labels: dict = field(default_factory=dict)  # ICAO code -> Text
    place_artists: list = field(default_factory=list)
    legend: object = None
    scale_bar: tuple[float, float] | None = None  # (km, nm) lengths of the bars
    message: str | None = None                    # the text shown on an empty map
    without_positions: list = field(default_factory=list)  # ids of flights with nothing to draw
    track_artists: list = field(default_factory=list)  # halo, lines, dots when merged
    gap_artists: list = field(default_factory=list)    # dashed lines, end dots when merged
    _arrowheads: list = field(default_factory=list, repr=False)
    _arrow_artist: object = field(default=None, repr=False)
    _scale_artists: list = field(default_factory=list, repr=False)
    _scale_corner: str = field(default="lower left", repr=False)
    _basemap_artists: list = field(default_factory=list, repr=False)
    _footer_artists: list = field(default_factory=list, repr=False)

    @property
    def empty(self) -> bool:
        return self.message is not None

    @property
    def vertices_drawn(self) -> int:
        return sum(t.vertices for t in self.tracks.values())

    @property
    def merged(self) -> bool:
        """True when the tracks are drawn as one LineCollection rather than a Line2D each."""
        return bool(self.track_artists)

    def pixels_per_metre(self) -> float:
        x0, x1, _, _ = self.view
        return self.ax.bbox.width / (x1 - x0)


@dataclass
class MapPlan:
    """Everything ``draw_map`` computes before it makes artists, for one figure size.

    Plain arrays and records (no matplotlib artists), so ``plan_map`` can run on a worker
    thread; ``draw_map(fig, plan=plan)`` then draws it on a figure of that size.
    """

    flights: list
    places: list
    title: str | None
    extent: object                      # the arguments it was made with
    given_projection: Projection | None
    given_view: tuple | None
    size_px: tuple[float, float]        # figure width, height in pixels
    dpi: float
    axes_px: tuple[float, float]        # axes width, height in pixels
    projection: Projection
    view: tuple[float, float, float, float]
    geo_extent: GeoExtent
    basemap_scale: str
    has_content: bool
    has_box: bool
    airports: dict                      # ICAO code -> ChartAirport
    tracks: dict                        # flight id -> DrawnTrack (no artists yet)
    shapes: list                        # TrackShape per track, in drawing order

    def fits(self, fig: Figure) -> bool:
        """Whether the plan was made for this figure's size."""
        w, h = self.size_px
        return (abs(fig.bbox.width - w) < 0.5 and abs(fig.bbox.height - h) < 0.5
                and math.isclose(fig.dpi, self.dpi))


def is_merged(tracks: Iterable[DrawnTrack]) -> bool:
    """Whether the tracks are drawn as one picture (one LineCollection), where a track
    that a later one covers is cut, rather than a Line2D each that stays whole."""
    return sum(1 for t in tracks if t.has_positions) > MAX_SEPARATE_TRACKS
