"""The map: tracks on an offline basemap, coverage gaps, airports, places, legend and scale bar.

``draw_map`` fills a matplotlib Figure and returns a ``MapInfo`` the window uses for
click-to-select (``nearest_point``, ``gap_at``) and hover (``nearest_point``). Its slow part
is ``plan_map``: plain arrays (projection, view, every track reduced to what the image can
show, see ``charts.tracks``), which the window computes on a worker thread; ``draw_map``
then only makes the artists. A million positions cost little more than the basemap;
breaks (coverage gaps, missing positions) survive the reduction, and a gap is only ever
drawn as a thin dashed great circle between the last and the next position.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Hashable, Iterable, NamedTuple, Sequence

import numpy as np
from matplotlib.collections import LineCollection, PathCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import FancyBboxPatch, PathPatch, Polygon
from matplotlib.transforms import IdentityTransform

from ..errors import Cancelled
from . import basemap, style
from .data import ChartAirport, ChartFlight, ChartPlace
from .projection import (KM_PER_NM, EqualEarth, GeoExtent, Projection, choose_projection,
                         distance_km, extent_outline, great_circle, view_to_geo_extent, wrap_lon)
from .tracks import (ARROW_SECTORS, MERGED_ARROW_CELL_PX, SIMPLIFY_CELL_PX,  # noqa: F401
                     TrackPoints, TrackShape, shape_tracks, simplify_to_pixels,
                     uncovered_arrowheads, with_breaks)

# Share of the data's size added on each side, and the smallest map shown (metres).
MARGIN = 0.07
MIN_VIEW_M = 120_000.0
MAX_LEGEND_FLIGHTS = 12
# Up to this many flights, each has its own Line2D (and halo), whole even where another
# covers it; more are one picture, a LineCollection of only what shows: hundreds of
# artists cost more than all their vertices, and most of their vertices are covered.
MAX_SEPARATE_TRACKS = MAX_LEGEND_FLIGHTS
# The same for the dashed lines of coverage gaps.
MAX_SEPARATE_GAPS = 48
PLACE_MARKERS = ("D", "s", "P", "X", "p", "h")

TRACK_WIDTH = 1.7
HALO_WIDTH = 3.4
GAP_WIDTH = 1.1
GAP_DASHES = (0, (3.5, 3))
LONE_MARKER_SIZE = 3.5
GAP_END_MARKER_SIZE = 3.6


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
    """What ``draw_map`` drew, for tests, hover and click-to-select."""

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
    _artist_owner: dict = field(default_factory=dict, repr=False)
    _collection_owner: dict = field(default_factory=dict, repr=False)
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

    def flight_for_artist(self, artist, index: int | None = None) -> Hashable | None:
        """The flight id a clicked artist (track or gap line) belongs to, or None.

        For the collections of a map of many flights, ``index`` is the path index a pick
        event gives (``event.ind[0]``).
        """
        owners = self._collection_owner.get(id(artist))
        if owners is not None:
            return owners[index] if index is not None and 0 <= index < len(owners) else None
        return self._artist_owner.get(id(artist))

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


def _nice(value: float) -> float:
    """The largest 1, 2, 2.5 or 5 times a power of ten not above ``value``."""
    if value <= 0:
        return 0.0
    p = 10 ** math.floor(math.log10(value))
    for m in (5, 2.5, 2, 1):
        if m * p <= value:
            return m * p
    return p


# --------------------------------------------------------------------------- plan

def _normalise_extent(extent) -> GeoExtent:
    west, east, south, north = (float(v) for v in extent)
    while east <= west:
        east += 360.0
    return GeoExtent(west, east, min(south, north), max(south, north))


def _layout_px(width_px: float, height_px: float, dpi: float, title: str | None):
    """Axes rectangle (figure fraction) leaving room for the title and the footer."""
    w, h = width_px, height_px
    px = dpi / 100.0
    top = (34 if title else 8) * px
    bottom = 18 * px
    side = 8 * px
    return [side / w, bottom / h, 1 - 2 * side / w, 1 - (top + bottom) / h]


def _layout(fig: Figure, title: str | None):
    return _layout_px(fig.bbox.width, fig.bbox.height, fig.dpi, title)


def _fit_view(xs: np.ndarray, ys: np.ndarray, aspect: float, margin: float, proj: Projection):
    """Map-plane view (x0, x1, y0, y1) holding all points with a margin, at the axes' aspect."""
    x0, x1 = float(np.nanmin(xs)), float(np.nanmax(xs))
    y0, y1 = float(np.nanmin(ys)), float(np.nanmax(ys))
    w, h = x1 - x0, y1 - y0
    size = max(w, h, MIN_VIEW_M)
    w = max(w, 0.0) + 2 * margin * max(w, 0.35 * size)
    h = max(h, 0.0) + 2 * margin * max(h, 0.35 * size)
    w, h = max(w, MIN_VIEW_M), max(h, MIN_VIEW_M)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    if isinstance(proj, EqualEarth):
        ox, oy = proj.outline()
        ww, wh = (ox.max() - ox.min()) * 1.03, (oy.max() - oy.min()) * 1.03
        if w > ww and h > wh:
            f = max(ww / w, wh / h)
            w, h = w * f, h * f
        # Keep the world centred when the view shows most of it.
        if w >= ww * 0.9:
            cx = 0.0
        if h >= wh * 0.9:
            cy = 0.0
    return cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2


def _breaks(f: ChartFlight, gaps, proj: Projection) -> np.ndarray:
    """Where the flight's line must break: gaps, missing positions, the world map's cut."""
    brk = f.break_before(gaps)
    if proj.is_world and len(f) > 1:
        # Only a world map has its cut where data can be: never join across it.
        brk[1:] |= np.abs(np.diff(wrap_lon(f.lon, proj.lon0))) > 180.0
    return brk


def _gap_path(g, proj: Projection):
    """A coverage gap's dashed great circle in map metres (broken at a world map's cut)."""
    la, lo = great_circle(g.start_lat, g.start_lon, g.end_lat, g.end_lon, max_step_deg=0.5)
    gx, gy = proj.forward(lo, la)
    if proj.is_world:
        cut = np.concatenate([[False], np.abs(np.diff(wrap_lon(lo, proj.lon0))) > 180.0])
        gx, gy = with_breaks(gx, gy, cut | (np.arange(len(gx)) == 0))
    return gx, gy


def plan_map(flights: Iterable[ChartFlight], places: Iterable[ChartPlace] = (), *,
             size_px: tuple[float, float], dpi: float = 100.0, title: str | None = None,
             extent=None, projection: Projection | None = None,
             view: tuple[float, float, float, float] | None = None,
             cancelled: Callable[[], bool] | None = None) -> MapPlan:
    """The slow, artist-free part of ``draw_map`` for a figure of ``size_px`` (width, height
    in pixels) at ``dpi``: projection, view, and every track reduced to what the image can
    show. Pure numpy: the window runs it on a worker thread. Arguments as for ``draw_map``;
    ``cancelled`` is polled and raises ``Cancelled``.
    """
    flights = list(flights)
    places = list(places)
    width_px, height_px = (float(v) for v in size_px)
    rect = _layout_px(width_px, height_px, dpi, title)
    ax_w_px, ax_h_px = rect[2] * width_px, rect[3] * height_px

    airports: dict[str, ChartAirport] = {}
    for f in flights:
        for a in (f.departure, f.arrival):
            if a is not None and a.code not in airports:
                airports[a.code] = a
    gaps = [f.coverage_gaps() for f in flights]

    # What the map must hold: positions, gap ends, airports, places (or the given box).
    lon_parts, lat_parts = [], []
    for f, fg in zip(flights, gaps):
        lon_parts.append(f.lon)
        lat_parts.append(f.lat)
        for g in fg:
            lon_parts.append(np.array([g.start_lon, g.end_lon]))
            lat_parts.append(np.array([g.start_lat, g.end_lat]))
    extra_lon = np.array([a.lon for a in airports.values()] + [p.lon for p in places], dtype=float)
    extra_lat = np.array([a.lat for a in airports.values()] + [p.lat for p in places], dtype=float)
    lon_parts.append(extra_lon)
    lat_parts.append(extra_lat)
    all_lon = np.concatenate(lon_parts)
    all_lat = np.concatenate(lat_parts)
    finite = np.isfinite(all_lon) & np.isfinite(all_lat)
    has_content = bool(finite.any())

    box = _normalise_extent(extent) if extent is not None else None
    given_projection, given_view = projection, view
    if view is not None and projection is None:
        raise ValueError("draw_map: a view needs the projection it is in")
    if projection is not None and (view is not None or box is not None or has_content):
        proj = projection
        fit_lon, fit_lat = (extent_outline(box) if box is not None
                            else (all_lon[finite], all_lat[finite]))
    elif box is not None:
        fit_lon, fit_lat = extent_outline(box)
        proj = choose_projection(fit_lon, fit_lat)
    elif has_content:
        fit_lon, fit_lat = all_lon[finite], all_lat[finite]
        proj = choose_projection(fit_lon, fit_lat)
    else:
        proj = EqualEarth(lon0=0.0)
        fit_lon, fit_lat = extent_outline(GeoExtent(-180, 180, -90, 90), step_deg=5)
    del all_lon, all_lat, lon_parts, lat_parts
    if cancelled is not None and cancelled():
        raise Cancelled()

    # Project every track once at full resolution (kept for hover and zoom refresh): all
    # flights in one call, each track a slice of the result.
    counts = [len(f) for f in flights]
    px_all, py_all = np.empty(0), np.empty(0)
    if flights:
        px_all, py_all = proj.forward(np.concatenate([f.lon for f in flights]),
                                      np.concatenate([f.lat for f in flights]))
    bounds = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    drawn: dict[Hashable, DrawnTrack] = {}
    for i, (f, fg) in enumerate(zip(flights, gaps)):
        a, b = bounds[i], bounds[i + 1]
        x, y = px_all[a:b], py_all[a:b]
        drawn[f.id] = DrawnTrack(f, style.flight_colour(i), x, y, breaks=_breaks(f, fg, proj),
                                 has_positions=bool((np.isfinite(x) & np.isfinite(y)).any()),
                                 gaps=fg, gap_paths=[_gap_path(g, proj) for g in fg])

    aspect = ax_w_px / ax_h_px
    if view is not None:
        view = _fit_view(np.array(view[:2], dtype=float), np.array(view[2:], dtype=float), aspect, 0.0, proj)
    elif box is not None:
        fx, fy = proj.forward(fit_lon, fit_lat)
        view = _fit_view(fx, fy, aspect, 0.0, proj)
    elif has_content:
        ex, ey = proj.forward(extra_lon, extra_lat)
        xs = [px_all, ex]
        ys = [py_all, ey]
        for fg in gaps:
            for g in fg:
                la, lo = great_circle(g.start_lat, g.start_lon, g.end_lat, g.end_lon, 2.0)
                gx, gy = proj.forward(lo, la)
                xs.append(gx)
                ys.append(gy)
        view = _fit_view(np.concatenate(xs), np.concatenate(ys), aspect, MARGIN, proj)
    else:
        ox, oy = proj.outline()
        view = _fit_view(ox, oy, aspect, 0.01, proj)
    x0, x1, y0, y1 = view
    metres_per_px = (x1 - x0) / ax_w_px
    geo = view_to_geo_extent(proj, x0, x1, y0, y1)
    scale = basemap.scale_for(metres_per_px / 1000.0)

    # A view that leaves data out (a zoom, an extent): only what is in and near it is drawn.
    shapes = shape_tracks([t.points() for t in drawn.values()], proj, view, ax_w_px, ax_h_px, dpi,
                          within_view=given_view is not None or box is not None,
                          across=_merged(drawn.values()), cancelled=cancelled)
    # The basemap of a new view takes a while to cut and project: do it here, once (cached).
    basemap.basemap_paths(proj, basemap.padded_box(geo), scale)
    return MapPlan(flights, places, title, extent, given_projection, given_view, (width_px, height_px),
                   float(dpi), (ax_w_px, ax_h_px), proj, view, geo, scale, has_content, box is not None,
                   airports, drawn, shapes)


# --------------------------------------------------------------------------- drawing

def draw_map(fig: Figure, flights: Iterable[ChartFlight] = (), places: Iterable[ChartPlace] = (), *,
             extent=None, title: str | None = None, projection: Projection | None = None,
             view: tuple[float, float, float, float] | None = None,
             plan: MapPlan | None = None) -> MapInfo:
    """Draw flights and places on an offline map, filling ``fig`` (which is cleared first).

    ``extent`` is an optional (west, east, south, north) box in degrees (east < west crosses
    the antimeridian); by default the map fits every position, airport and place with a
    margin. With nothing to show, the map is a world map with a message saying so.

    ``projection`` and ``view`` (x0, x1, y0, y1 in that projection's metres, e.g. a
    previous ``MapInfo``'s after a zoom) redraw exactly that part of the same map, with
    the basemap detail for the new scale.

    ``plan`` is a ``plan_map`` result made (e.g. on a worker) for this figure's size; the
    flights, places and other arguments are then the plan's. A plan made for another size
    is made again here. A plan is drawn once: the MapInfo takes its tracks over.
    """
    if plan is not None:
        flights, places, title = plan.flights, plan.places, plan.title
        if not plan.fits(fig):
            plan = plan_map(flights, places, size_px=(fig.bbox.width, fig.bbox.height), dpi=fig.dpi,
                            title=title, extent=plan.extent, projection=plan.given_projection,
                            view=plan.given_view)
    else:
        flights, places = list(flights), list(places)
        plan = plan_map(flights, places, size_px=(fig.bbox.width, fig.bbox.height), dpi=fig.dpi,
                        title=title, extent=extent, projection=projection, view=view)
    fig.clear()
    ax = fig.add_axes(_layout(fig, title))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#9aa5ad")
        spine.set_linewidth(0.8)
    ax_w_px, ax_h_px = ax.bbox.width, ax.bbox.height
    dpi = fig.dpi
    proj, view, geo, scale = plan.projection, plan.view, plan.geo_extent, plan.basemap_scale
    airports, has_content = plan.airports, plan.has_content
    x0, x1, y0, y1 = view
    metres_per_px = (x1 - x0) / ax_w_px

    info = MapInfo(ax=ax, projection=proj, view=view, geo_extent=geo, basemap_scale=scale, tracks=plan.tracks)
    info._basemap_artists = _draw_basemap(ax, proj, view, geo, scale, metres_per_px)

    placer = style.LabelPlacer(ax_w_px, ax_h_px)

    def to_px(x, y):
        return (np.asarray(x) - x0) / metres_per_px, (np.asarray(y) - y0) / metres_per_px

    # Tracks and gaps.
    _set_shapes(info, plan.shapes)
    _draw_tracks(ax, info)
    _draw_gaps(ax, info)
    info.without_positions = [fid for fid, t in info.tracks.items() if not t.has_positions]
    line_x, line_y = _joined([t.path_x for t in info.tracks.values()], [t.path_y for t in info.tracks.values()])
    track_px = np.column_stack(to_px(line_x, line_y))
    placer.block_line(*to_px(line_x, line_y))
    gap_x, gap_y = _joined([g[0] for t in info.tracks.values() for g in t.gap_paths],
                           [g[1] for t in info.tracks.values() for g in t.gap_paths])
    placer.block_line(*to_px(gap_x, gap_y))
    _add_arrowheads(ax, info)

    # Legend and scale bar go in the emptiest corners; labels must keep out of them.
    point_px = [track_px]
    for a in airports.values():
        ax_, ay_ = proj.forward(a.lon, a.lat)
        point_px.append(np.column_stack(to_px(ax_, ay_)))
    for p in places:
        px_, py_ = proj.forward(p.lon, p.lat)
        point_px.append(np.column_stack(to_px(px_, py_)))
    occupied = np.concatenate(point_px) if point_px else np.empty((0, 2))

    legend_handles, legend_labels = _legend_entries(flights, info, places)
    corners = _corner_order(occupied, ax_w_px, ax_h_px)
    legend_corner = None
    if legend_handles:
        legend_corner = corners[0]
        lw, lh = _legend_size(legend_labels, dpi)
        placer.block(*_corner_box(legend_corner, lw, lh, ax_w_px, ax_h_px))
        info.legend = ax.legend(
            legend_handles, legend_labels, loc=legend_corner, fontsize=style.FONT_SMALL,
            frameon=True, framealpha=0.92, edgecolor="#c4c4c4", fancybox=False,
            handlelength=2.4, borderpad=0.6, labelspacing=0.45)
        info.legend.set_zorder(20)
    bar_corner = next((c for c in corners if c != legend_corner and c.startswith("lower")), "lower left")
    if has_content or plan.has_box:
        info._scale_corner = bar_corner
        info.scale_bar = _draw_scale_bar(ax, proj, view, bar_corner, placer, info._scale_artists)

    # Airports, places, then the less important country and graticule labels.
    for a in airports.values():
        ax_, ay_ = proj.forward(a.lon, a.lat)
        ax.plot([ax_], [ay_], marker="o", markersize=6.5, markerfacecolor="white",
                markeredgecolor="#1d1d1d", markeredgewidth=1.4, zorder=7.6, linestyle="none")
        ax.plot([ax_], [ay_], marker="o", markersize=2.0, color="#1d1d1d", zorder=7.7, linestyle="none")
    for a in airports.values():
        ax_, ay_ = proj.forward(a.lon, a.lat)
        placer.block(*_point_box(*to_px(ax_, ay_), 5))
    for p in places:
        px_, py_ = proj.forward(p.lon, p.lat)
        placer.block(*_point_box(*to_px(px_, py_), 5))
    for a in airports.values():
        ax_, ay_ = proj.forward(a.lon, a.lat)
        info.airport_labels[a.code] = _place_label(
            ax, placer, a.code, float(ax_), float(ay_), to_px, dpi, fontsize=style.FONT + 0.5,
            weight="bold", colour=style.TEXT, zorder=8)
    kinds = _place_kinds(places)
    for p in places:
        px_, py_ = proj.forward(p.lon, p.lat)
        marker = PLACE_MARKERS[kinds[p.kind]]
        (mk,) = ax.plot([px_], [py_], marker=marker, markersize=6, markerfacecolor="#ffd23f",
                        markeredgecolor="#222222", markeredgewidth=1.0, zorder=7.2, linestyle="none")
        text = _place_label(ax, placer, p.label, float(px_), float(py_), to_px, dpi,
                            fontsize=style.FONT_SMALL, style_="italic", colour="#3a3a3a", zorder=8)
        info.place_artists.append((p, mk, text))
    _label_gaps(ax, info, placer, to_px, dpi)
    _draw_country_labels(ax, proj, view, metres_per_px, placer, to_px, dpi)
    _draw_graticule(ax, proj, view, geo, placer, to_px, dpi)

    if not has_content:
        info.message = "No flights or places selected" if not flights else "The selected flights have no positions"
        ax.text(0.5, 0.5, info.message, transform=ax.transAxes, ha="center", va="center",
                fontsize=style.FONT_TITLE + 1, color="#444444", zorder=30,
                bbox=dict(boxstyle="round,pad=0.8", facecolor="white", edgecolor="#bbbbbb", alpha=0.95))
    elif info.without_positions:
        n = len(info.without_positions)
        ax.text(0.01, 0.99 if legend_corner != "upper left" else 0.01,
                f"{n} selected flight{'s' if n > 1 else ''} without positions",
                transform=ax.transAxes, ha="left", va="top" if legend_corner != "upper left" else "bottom",
                fontsize=style.FONT_SMALL, color=style.MUTED, zorder=30, path_effects=style.halo())

    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_autoscale_on(False)

    if title:
        fig.text(8 / fig.bbox.width * fig.dpi / 100, 1 - 9 / fig.bbox.height * fig.dpi / 100, title,
                 ha="left", va="top", fontsize=style.FONT_TITLE, fontweight="bold", color=style.TEXT)
    fx = 8 * fig.dpi / 100 / fig.bbox.width
    fy = 5 * fig.dpi / 100 / fig.bbox.height
    info._footer_artists = _footer(fig, scale, proj, fx, fy)
    return info



def _footer(fig, scale: str, proj: Projection, fx: float, fy: float) -> list:
    """Basemap credit on the left, projection on the right; shorter forms on narrow figures."""
    room = fig.bbox.width - 40 * fig.dpi / 100
    variants = [
        (f"Basemap: Natural Earth 1:{scale} (public domain); borders are de facto, not authoritative",
         proj.describe()),
        (f"Natural Earth 1:{scale}; borders de facto, not authoritative", proj.describe().split(", standard")[0]),
        (f"Natural Earth 1:{scale}; de facto borders", proj.name),
        (f"Natural Earth 1:{scale}; de facto borders", ""),
    ]
    for left, right in variants:
        width = style.text_size_px(left + right, 6.5, fig.dpi)[0]
        if width < room:
            break
    texts = [fig.text(fx, fy, left, fontsize=6.5, color="#808080", ha="left", va="bottom")]
    if right:
        texts.append(fig.text(1 - fx, fy, right, fontsize=6.5, color="#808080", ha="right", va="bottom"))
    return texts


# --------------------------------------------------------------------------- pieces

def _draw_basemap(ax, proj, view, geo, scale, metres_per_px) -> list:
    """Ocean, land, lakes, borders and coastlines for the view; returns the artists added."""
    # add_artist, not add_patch: the limits are set by hand, and add_patch would walk every
    # vertex of the basemap to update them (most of the time of an empty map).
    paths = basemap.basemap_paths(proj, basemap.padded_box(geo), scale)
    patches = []
    if isinstance(proj, EqualEarth):
        ax.set_facecolor("#fbfbfb")
        ox, oy = proj.outline()
        patches.append(Polygon(np.column_stack([ox, oy]), closed=True, facecolor=style.OCEAN,
                               edgecolor="#9aa5ad", linewidth=0.8, zorder=0.5))
    else:
        ax.set_facecolor(style.OCEAN)
    if paths.land is not None:
        patches.append(PathPatch(paths.land, facecolor=style.LAND, edgecolor="none", zorder=1))
    if paths.lakes is not None:
        patches.append(PathPatch(paths.lakes, facecolor=style.LAKE, edgecolor=style.COAST,
                                 linewidth=0.35, zorder=1.2))
    if paths.borders is not None:
        patches.append(PathPatch(paths.borders, facecolor="none", edgecolor=style.BORDER,
                                 linewidth=0.7, linestyle=(0, (5, 2.5)), zorder=2))
    if paths.disputed is not None:
        patches.append(PathPatch(paths.disputed, facecolor="none", edgecolor=style.DISPUTED,
                                 linewidth=0.8, linestyle=(0, (1, 1.8)), zorder=2))
    if paths.coast is not None:
        patches.append(PathPatch(paths.coast, facecolor="none", edgecolor=style.COAST,
                                 linewidth=0.6, zorder=2.2))
    return [ax.add_artist(p) for p in patches]



def _joined(xs: Sequence[np.ndarray], ys: Sequence[np.ndarray]):
    """Several polylines as one pair of arrays, NaN between them."""
    if not xs:
        return np.empty(0), np.empty(0)
    gap = np.array([np.nan])
    return (np.concatenate([p for x in xs for p in (x, gap)]),
            np.concatenate([p for y in ys for p in (y, gap)]))


def _set_shapes(info: MapInfo, shapes: Sequence[TrackShape]) -> None:
    """Take the lines computed for a view into the tracks (their artists follow)."""
    info._arrowheads = []
    for t, shape in zip(info.tracks.values(), shapes):
        t.path_x, t.path_y, t.vertices = shape.x, shape.y, shape.vertices
        for head in shape.arrowheads:
            info._arrowheads.append((head, t.colour))


def _drawn_tracks(info: MapInfo) -> list[DrawnTrack]:
    return [t for t in info.tracks.values() if t.has_positions]


def _merged(tracks: Iterable[DrawnTrack]) -> bool:
    """Whether the tracks are drawn as one picture (one LineCollection), where a track
    that a later one covers is cut, rather than a Line2D each that stays whole."""
    return sum(1 for t in tracks if t.has_positions) > MAX_SEPARATE_TRACKS


def _dot_collection(ax, size_pt: float, **kw) -> PathCollection:
    """Round markers at given map positions in one artist (what ``scatter`` makes)."""
    marker = MarkerStyle("o")
    path = marker.get_path().transformed(marker.get_transform())
    dots = PathCollection((path,), sizes=[size_pt ** 2], offsets=np.empty((0, 2)),
                          offset_transform=ax.transData, **kw)
    dots.set_transform(IdentityTransform())
    return ax.add_collection(dots, autolim=False)


def _draw_tracks(ax, info: MapInfo) -> None:
    """The flown tracks over their white halos: a Line2D each, or one LineCollection for many."""
    drawn = _drawn_tracks(info)
    if not _merged(drawn):
        for t in drawn:
            f = t.flight
            halo = Line2D(t.path_x, t.path_y, color="white", linewidth=HALO_WIDTH, alpha=0.75, zorder=3.9,
                          solid_capstyle="round", solid_joinstyle="round")
            ax.add_artist(halo)
            line = Line2D(t.path_x, t.path_y, color=t.colour, linewidth=TRACK_WIDTH, zorder=4, label=f.label,
                          solid_capstyle="round", solid_joinstyle="round", picker=True, pickradius=6)
            line.set_gid(f"flight:{f.id}")
            ax.add_artist(line)
            _mark_lone_points(line)
            t.line, t.halo = line, halo
            info._artist_owner[id(line)] = f.id
        return
    # All halos under all lines, as with separate artists; lines in the flights' order.
    common = dict(capstyle="round", joinstyle="round")
    halo = LineCollection([], colors="white", linewidths=HALO_WIDTH, alpha=0.75, zorder=3.9, **common)
    lines = LineCollection([], linewidths=TRACK_WIDTH, zorder=4, picker=True, pickradius=6, **common)
    lines.set_gid("flights")
    dots = _dot_collection(ax, LONE_MARKER_SIZE, linewidths=1.0, zorder=4)
    ax.add_collection(halo, autolim=False)
    ax.add_collection(lines, autolim=False)
    info.track_artists = [halo, lines, dots]
    _update_merged_tracks(info)


def _update_merged_tracks(info: MapInfo) -> None:
    """One path per flight that shows (those others cover entirely have none), in order."""
    halo, lines, dots = info.track_artists
    drawn = _drawn_tracks(info)
    shown = [t for t in drawn if t.vertices]
    segments = [np.column_stack([t.path_x, t.path_y]) for t in shown]
    halo.set_segments(segments)
    lines.set_segments(segments)
    lines.set_color([t.colour for t in shown])
    info._collection_owner[id(lines)] = [t.flight.id for t in shown]
    # A piece of one position is a dot (a line of one point is invisible).
    xs, ys, colours = [], [], []
    for t in drawn:
        x, y = t.path_x, t.path_y
        ok = np.isfinite(x)
        before = np.concatenate([[False], ok[:-1]])
        after = np.concatenate([ok[1:], [False]])
        lone = np.flatnonzero(ok & ~before & ~after)
        if len(lone):
            xs.append(x[lone])
            ys.append(y[lone])
            colours += [t.colour] * len(lone)
    dots.set_offsets(np.column_stack([np.concatenate(xs), np.concatenate(ys)]) if xs else np.empty((0, 2)))
    dots.set_facecolors(colours or "none")
    dots.set_edgecolors(colours or "none")


def _update_track_artists(info: MapInfo) -> None:
    """After ``_set_shapes``: give the artists the tracks' new lines."""
    if info.merged:
        _update_merged_tracks(info)
        return
    for t in _drawn_tracks(info):
        t.line.set_data(t.path_x, t.path_y)
        _mark_lone_points(t.line)
        if t.halo is not None:
            t.halo.set_data(t.path_x, t.path_y)


def _draw_gaps(ax, info: MapInfo) -> None:
    """Each coverage gap as a thin dashed great circle with a dot at either end."""
    gaps = [(t, gx, gy) for t in info.tracks.values() for gx, gy in t.gap_paths]
    if len(gaps) <= MAX_SEPARATE_GAPS:
        for t, gx, gy in gaps:
            gap = Line2D(gx, gy, color=t.colour, linewidth=GAP_WIDTH, linestyle=GAP_DASHES, alpha=0.95,
                         zorder=3.5, picker=True, pickradius=5)
            gap.set_gid(f"gap:{t.flight.id}")
            ax.add_artist(gap)
            ends = Line2D([gx[0], gx[-1]], [gy[0], gy[-1]], linestyle="none", marker="o",
                          markersize=GAP_END_MARKER_SIZE, markerfacecolor="white", markeredgecolor=t.colour,
                          markeredgewidth=1.1, zorder=4.2)
            ax.add_artist(ends)
            t.gap_lines.append(gap)
            info._artist_owner[id(gap)] = t.flight.id
        return
    colours = [t.colour for t, _, _ in gaps]
    lines = LineCollection([np.column_stack([gx, gy]) for _, gx, gy in gaps], colors=colours,
                           linewidths=GAP_WIDTH, linestyles=[GAP_DASHES], alpha=0.95, zorder=3.5,
                           picker=True, pickradius=5)
    lines.set_gid("gaps")
    ax.add_collection(lines, autolim=False)
    ends = _dot_collection(ax, GAP_END_MARKER_SIZE, facecolors="white", edgecolors=np.repeat(colours, 2),
                           linewidths=1.1, zorder=4.2)
    ends.set_offsets(np.array([(p[i], q[i]) for _, p, q in gaps for i in (0, -1)]))
    info.gap_artists = [lines, ends]
    info._collection_owner[id(lines)] = [t.flight.id for t, _, _ in gaps]


def _mark_lone_points(line: Line2D) -> None:
    """A dot where a piece of track is a single position (a line of one point is invisible)."""
    x = np.asarray(line.get_xdata(), dtype=float)
    ok = np.isfinite(x)
    before = np.concatenate([[False], ok[:-1]])
    after = np.concatenate([ok[1:], [False]])
    lone = np.flatnonzero(ok & ~before & ~after)
    if len(lone):
        line.set_marker("o")
        line.set_markersize(LONE_MARKER_SIZE)
        line.set_markevery(lone.tolist())
    else:
        line.set_marker("None")


def _add_arrowheads(ax, info: MapInfo) -> None:
    # All arrowheads in one artist: dozens of annotations would cost more than the tracks.
    # Of heads at the same spot (flights flown over and over), only the top one is drawn.
    if info._arrow_artist is not None:
        info._arrow_artist.remove()
        info._arrow_artist = None
    if info._arrowheads:
        x0, x1, _, _ = info.view
        mpp = (x1 - x0) / ax.bbox.width
        heads = [h for h, _ in info._arrowheads]
        keep = (uncovered_arrowheads(heads, mpp, MERGED_ARROW_CELL_PX, ARROW_SECTORS) if info.merged
                else uncovered_arrowheads(heads, mpp))
        heads = [info._arrowheads[i] for i in keep]
        arrows = PolyCollection([h for h, _ in heads], facecolors=[c for _, c in heads],
                                edgecolors="white", linewidths=0.4, zorder=4.5)
        info._arrow_artist = ax.add_collection(arrows, autolim=False)


def _legend_entries(flights: Sequence[ChartFlight], info: MapInfo, places: Sequence[ChartPlace]):
    handles, labels = [], []
    drawn = [f for f in flights if f.id in info.tracks and info.tracks[f.id].has_positions]
    limit = MAX_LEGEND_FLIGHTS if len(drawn) <= MAX_LEGEND_FLIGHTS else MAX_LEGEND_FLIGHTS - 1
    # Several aircraft on one map: say whose each track is (registration, without the type).
    several = len({f.aircraft_label for f in drawn}) > 1
    for f in drawn[:limit]:
        t = info.tracks[f.id]
        handles.append(Line2D([], [], color=t.colour, linewidth=2.2))
        who = f.aircraft_label.split(" (")[0] if several and f.aircraft_label else ""
        labels.append(f"{who}  {f.label}" if who and not f.label.startswith(who) else f.label)
    if len(drawn) > limit:
        handles.append(Line2D([], [], color="none"))
        labels.append(f"… and {len(drawn) - limit} more flights")
    if any(info.tracks[f.id].gaps for f in drawn):
        handles.append(Line2D([], [], color=style.GAP, linewidth=1.1, linestyle=(0, (3.5, 3)),
                              marker="o", markersize=3.6, markerfacecolor="white", markevery=[0]))
        labels.append("coverage gap (no positions)")
    if any(f.departure or f.arrival for f in flights):
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=6.5, markerfacecolor="white",
                              markeredgecolor="#1d1d1d", markeredgewidth=1.4))
        labels.append("airport (ICAO)")
    kinds = _place_kinds(places)
    for kind, k in kinds.items():
        handles.append(Line2D([], [], linestyle="none", marker=PLACE_MARKERS[k], markersize=6,
                              markerfacecolor="#ffd23f", markeredgecolor="#222222"))
        labels.append(kind)
    return handles, labels


def _place_kinds(places: Sequence[ChartPlace]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for p in places:
        if p.kind not in kinds:
            kinds[p.kind] = len(kinds) % len(PLACE_MARKERS)
    return kinds


def _legend_size(labels: Sequence[str], dpi: float):
    w = max(style.text_size_px(label, style.FONT_SMALL, dpi)[0] for label in labels) + 60 * dpi / 100
    h = len(labels) * style.FONT_SMALL * dpi / 72 * 1.75 + 16 * dpi / 100
    return w, h


def _corner_box(corner: str, w: float, h: float, W: float, H: float, pad: float = 6):
    x0 = W - w - pad if corner.endswith("right") else pad
    y0 = H - h - pad if corner.startswith("upper") else pad
    return x0, y0, x0 + w, y0 + h


def _corner_order(points_px: np.ndarray, W: float, H: float):
    """Corners from emptiest to fullest (upper corners first on ties)."""
    names = ("upper right", "upper left", "lower right", "lower left")
    counts = []
    for name in names:
        x0, y0, x1, y1 = _corner_box(name, 0.32 * W, 0.32 * H, W, H, pad=0)
        if len(points_px):
            inside = ((points_px[:, 0] >= x0) & (points_px[:, 0] <= x1)
                      & (points_px[:, 1] >= y0) & (points_px[:, 1] <= y1))
            counts.append(int(inside.sum()))
        else:
            counts.append(0)
    order = sorted(range(4), key=lambda i: (counts[i], i))
    return [names[i] for i in order]


def _point_box(x, y, r):
    x, y = float(np.ravel(x)[0]), float(np.ravel(y)[0])
    return x - r, y - r, x + r, y + r


def _place_label(ax, placer, text, x, y, to_px, dpi, *, fontsize, colour, zorder,
                 weight="normal", style_="normal"):
    px, py = to_px(x, y)
    px, py = float(px), float(py)
    w, h = style.text_size_px(text, fontsize, dpi)
    if weight == "bold":
        w *= 1.1
    spot = placer.place(px, py, w, h, gap=6 * dpi / 100)
    if spot is None:
        # Nothing free: still label (airports must be named), up and right.
        spot = (6, 6, "left", "bottom")
    dx, dy, ha, va = spot
    return ax.annotate(text, xy=(x, y), xytext=(dx, dy), textcoords="offset pixels", ha=ha, va=va,
                       fontsize=fontsize, fontweight=weight, fontstyle=style_, color=colour,
                       zorder=zorder, path_effects=style.halo(2.8))


def _label_gaps(ax, info: MapInfo, placer, to_px, dpi):
    """Write the length of each coverage gap along its dashed line, where it fits."""
    for t in info.tracks.values():
        for g, (gx, gy) in zip(t.gaps, t.gap_paths):
            ok = np.isfinite(gx)
            if ok.sum() < 2:
                continue
            px, py = to_px(gx[ok], gy[ok])
            length = np.hypot(np.diff(px), np.diff(py)).sum()
            text = f"no data {style.format_duration(g.duration_s)}"
            w, h = style.text_size_px(text, style.FONT_SMALL - 0.5, dpi)
            if length < w + 30:
                continue
            m = len(px) // 2
            a, b = max(0, m - 1), min(len(px) - 1, m + 1)
            angle = math.degrees(math.atan2(py[b] - py[a], px[b] - px[a]))
            if angle > 90:
                angle -= 180
            elif angle < -90:
                angle += 180
            # Offset the text off the line, perpendicular to it.
            nx, ny = -math.sin(math.radians(angle)), math.cos(math.radians(angle))
            off = 7 * dpi / 100
            cx, cy = px[m] + nx * off, py[m] + ny * off
            half = max(w, h) / 2
            box = (cx - half, cy - half, cx + half, cy + half)
            if not placer.free(box, lines=False):
                cx, cy = px[m] - nx * off, py[m] - ny * off
                box = (cx - half, cy - half, cx + half, cy + half)
                if not placer.free(box, lines=False):
                    continue
                nx, ny = -nx, -ny
            placer.block(*box)
            xm, ym = gx[ok][m], gy[ok][m]
            ax.annotate(text, xy=(xm, ym), xytext=(nx * off, ny * off), textcoords="offset pixels",
                        ha="center", va="center", rotation=angle, rotation_mode="anchor",
                        fontsize=style.FONT_SMALL - 0.5, fontstyle="italic", color="#555555",
                        zorder=8, path_effects=style.halo(2.4))


def _draw_country_labels(ax, proj, view, metres_per_px, placer, to_px, dpi):
    x0, x1, y0, y1 = view
    for name, x, y, rank in basemap.visible_country_labels(proj, x0, x1, y0, y1, metres_per_px / 1000):
        text = name.upper()
        km_per_px = metres_per_px / 1000
        size = 6.5 if km_per_px > 30 else 8.0 if rank <= 2 else 7.0
        w, h = style.text_size_px(text, size, dpi)
        px, py = to_px(x, y)
        px, py = float(px), float(py)
        # Names keep their distance from each other: a map is not a list of countries.
        pad = 12 * dpi / 100
        box = (px - w / 2 - pad, py - h / 2 - pad / 2, px + w / 2 + pad, py + h / 2 + pad / 2)
        if not placer.free(box):
            continue
        placer.block(*box)
        ax.text(x, y, text, ha="center", va="center", fontsize=size, color=style.COUNTRY_TEXT,
                zorder=2.5, path_effects=style.halo(2.0, style.LAND))


def _graticule_step(geo: GeoExtent) -> float:
    span = max(geo.north - geo.south, (geo.east - geo.west) * math.cos(math.radians(
        max(-80.0, min(80.0, (geo.north + geo.south) / 2)))))
    for step in (1, 2, 5, 10, 15, 20, 30):
        if span / step <= 7:
            return float(step)
    return 30.0


def _draw_graticule(ax, proj, view, geo: GeoExtent, placer, to_px, dpi):
    """Faint meridians and parallels, labelled where they meet the left and bottom edges."""
    step = _graticule_step(geo)
    x0, x1, y0, y1 = view
    south = max(-90.0, math.floor(geo.south / step) * step)
    north = min(90.0, math.ceil(geo.north / step) * step)
    west = math.floor(geo.west / step) * step
    east = math.ceil(geo.east / step) * step
    xs, ys = [], []
    lat_fine = np.linspace(max(south, -89.0), min(north, 89.0), 200)
    lon_fine = np.linspace(west, east, 400)
    meridians = np.arange(west, east + step / 2, step)
    parallels = [p for p in np.arange(south, north + step / 2, step) if -90 < p < 90]
    labels = []
    for lon in meridians:
        if geo.east - geo.west >= 359 and math.isclose((lon - proj.lon0 + 180) % 360, 0):
            continue
        mx, my = proj.forward(np.full_like(lat_fine, lon), lat_fine)
        xs += [mx, [np.nan]]
        ys += [my, [np.nan]]
        labels.append(("lon", lon, mx, my))
    for lat in parallels:
        px, py = proj.forward(lon_fine, np.full_like(lon_fine, lat))
        xs += [px, [np.nan]]
        ys += [py, [np.nan]]
        labels.append(("lat", lat, px, py))
    if xs:
        ax.add_artist(Line2D(np.concatenate(xs), np.concatenate(ys), color=style.GRATICULE,
                           linewidth=0.5, zorder=1.5, alpha=0.9))
    size = 6.5
    for kind, value, lx, ly in labels:
        # Where the line crosses the bottom edge (meridians) or the left edge (parallels).
        edge = ly - y0 if kind == "lon" else lx - x0
        other = lx if kind == "lon" else ly
        lo, hi = (x0, x1) if kind == "lon" else (y0, y1)
        s = np.sign(edge)
        cross = np.flatnonzero((s[:-1] * s[1:] < 0) & np.isfinite(edge[:-1]) & np.isfinite(edge[1:]))
        for c in cross[:1]:
            f = edge[c] / (edge[c] - edge[c + 1])
            pos = other[c] + f * (other[c + 1] - other[c])
            if not lo + 0.04 * (hi - lo) < pos < hi - 0.04 * (hi - lo):
                continue
            if kind == "lon":
                text = _fmt_lon_label(value)
                px_, _ = to_px(pos, y0)
                w, h = style.text_size_px(text, size, dpi)
                box = (float(px_) - w / 2, 2, float(px_) + w / 2, 2 + h)
                if placer.free(box, lines=False):
                    placer.block(*box)
                    ax.annotate(text, xy=(pos, y0), xytext=(0, 3), textcoords="offset pixels",
                                ha="center", va="bottom", fontsize=size, color="#7a8a96", zorder=9,
                                path_effects=style.halo(2.0))
            else:
                text = _fmt_lat_label(value)
                _, py_ = to_px(x0, pos)
                w, h = style.text_size_px(text, size, dpi)
                box = (2, float(py_) - h / 2, 2 + w, float(py_) + h / 2)
                if placer.free(box, lines=False):
                    placer.block(*box)
                    ax.annotate(text, xy=(x0, pos), xytext=(3, 0), textcoords="offset pixels",
                                ha="left", va="center", fontsize=size, color="#7a8a96", zorder=9,
                                path_effects=style.halo(2.0))


def _fmt_lon_label(lon: float) -> str:
    lon = float(wrap_lon(lon))
    if math.isclose(abs(lon), 180.0) or lon == -180.0:
        return "180°"
    if lon == 0:
        return "0°"
    return f"{abs(lon):g}°{'E' if lon > 0 else 'W'}"


def _fmt_lat_label(lat: float) -> str:
    if lat == 0:
        return "0°"
    return f"{abs(lat):g}°{'N' if lat > 0 else 'S'}"


def _draw_scale_bar(ax, proj: Projection, view, corner: str, placer, artists: list) -> tuple[float, float] | None:
    """Two bars, kilometres above nautical miles, true at the bar's position.

    The artists drawn are appended to ``artists`` (so a zoom can replace them).
    """
    x0, x1, y0, y1 = view
    W, H = ax.bbox.width, ax.bbox.height
    dpi = ax.figure.dpi
    k = dpi / 100.0
    pad = 14 * k
    left = corner.endswith("left")
    # Ground metres per map metre along x, where the bar is drawn.
    bx = x0 + (pad + 60 * k) / W * (x1 - x0) if left else x1 - (pad + 60 * k) / W * (x1 - x0)
    by = y0 + 24 * k / H * (y1 - y0)
    delta = (x1 - x0) * 0.01
    lon_a, lat_a = proj.inverse(np.array([bx - delta / 2]), np.array([by]))
    lon_b, lat_b = proj.inverse(np.array([bx + delta / 2]), np.array([by]))
    ground_m = float(distance_km(lat_a[0], lon_a[0], lat_b[0], lon_b[0])) * 1000.0
    if not math.isfinite(ground_m) or ground_m <= 0:
        return None
    scale = ground_m / delta  # ground metres per map metre
    # Scale varies across the view: on a world map a bar would mislead, so leave it out.
    cx, cy = np.array([x0, x1, (x0 + x1) / 2, x0, x1]), np.array([y0, y0, (y0 + y1) / 2, y1, y1])
    scales = []
    for sx, sy in zip(cx, cy):
        la_, lo_ = proj.inverse(np.array([sx - delta / 2, sx + delta / 2]), np.array([sy, sy]))[::-1]
        scales.append(float(distance_km(la_[0], lo_[0], la_[1], lo_[1])) * 1000 / delta)
    scales = np.array(scales)
    scales = scales[np.isfinite(scales) & (scales > 0)]
    variation = scales.max() / scales.min() if len(scales) else 1.0
    if variation > 1.6:
        return None
    target_px = 0.16 * W
    target_km = target_px / W * (x1 - x0) * scale / 1000.0
    km = _nice(target_km)
    nm = _nice(target_km / KM_PER_NM)
    if km <= 0 or nm <= 0:
        return None
    km_px = km * 1000.0 / scale / (x1 - x0) * W
    nm_px = nm * KM_PER_NM * 1000.0 / scale / (x1 - x0) * W
    text_km = f"{km:g} km"
    text_nm = f"{nm:g} nm"
    if variation > 1.1:
        lat_here = float(lat_a[0])
        text_km += f"  (at {abs(lat_here):.0f}°{'N' if lat_here >= 0 else 'S'})"
    tw = max(style.text_size_px(text_km, style.FONT_SMALL, dpi)[0],
             style.text_size_px(text_nm, style.FONT_SMALL, dpi)[0])
    box_w = max(km_px, nm_px) + tw + 22 * k
    box_h = 38 * k
    bx0 = pad if left else W - pad - box_w
    by0 = pad
    placer.block(bx0, by0, bx0 + box_w, by0 + box_h)
    trans = ax.transAxes

    def ax_frac(px, py):
        return px / W, py / H

    artists.append(ax.add_artist(FancyBboxPatch(
        ax_frac(bx0, by0), box_w / W, box_h / H, boxstyle="round,pad=0,rounding_size=0.004",
        transform=trans, facecolor="white", edgecolor="#c4c4c4", alpha=0.88, linewidth=0.6, zorder=19)))
    xs = bx0 + 8 * k
    tick = 4 * k
    for y_line, length, text, up in ((by0 + 24 * k, km_px, text_km, True), (by0 + 13 * k, nm_px, text_nm, False)):
        sgn = 1 if up else -1
        pts_x = [xs, xs, xs + length, xs + length]
        pts_y = [y_line + sgn * tick, y_line, y_line, y_line + sgn * tick]
        artists.append(ax.add_artist(Line2D(*zip(*[ax_frac(a, b) for a, b in zip(pts_x, pts_y)]),
                                            transform=trans, color="#222222", linewidth=1.2, zorder=20,
                                            solid_joinstyle="miter")))
        mid_x = xs + length / 2
        artists.append(ax.add_artist(Line2D(*zip(ax_frac(mid_x, y_line), ax_frac(mid_x, y_line + sgn * tick * 0.6)),
                                            transform=trans, color="#222222", linewidth=0.9, zorder=20)))
        artists.append(ax.text(*ax_frac(xs + length + 6 * k, y_line), text, transform=trans, ha="left", va="center",
                fontsize=style.FONT_SMALL, color=style.TEXT, zorder=21))
    return km, nm


# --------------------------------------------------------------------------- interaction

# Tracks closer to the mouse than the nearest one plus this (pixels) count as under it;
# of those, the one drawn on top is the one the user sees.
COVER_PX = 2.0


def nearest_point(info: MapInfo, x: float, y: float, max_distance_px: float | None = None) -> TrackHit | None:
    """The track point nearest to map coordinates (x, y) (``event.xdata``/``ydata``).

    Searches every drawn flight at full resolution. Where flights overlap, the one drawn
    on top (the one seen there) wins over ones a pixel or two nearer under it. None when
    nothing is drawn or the nearest point is further than ``max_distance_px`` on screen.
    """
    if x is None or y is None:
        return None
    found = []  # (distance², draw order, flight id, index)
    for order, (fid, t) in enumerate(info.tracks.items()):
        if not t.has_positions:
            continue
        d2 = (t.x - x) ** 2 + (t.y - y) ** 2
        i = int(np.nanargmin(d2)) if np.isfinite(d2).any() else -1
        if i >= 0:
            found.append((float(d2[i]), order, fid, i))
    if not found:
        return None
    ppm = info.pixels_per_metre()
    nearest = math.sqrt(min(f[0] for f in found)) * ppm
    if max_distance_px is not None and nearest > max_distance_px:
        return None
    d2, _, fid, i = max((f for f in found if math.sqrt(f[0]) * ppm <= nearest + COVER_PX), key=lambda f: f[1])
    f = info.tracks[fid].flight
    return TrackHit(fid, i, float(f.t_utc[i]), float(f.lat[i]), float(f.lon[i]),
                    float(f.alt_ft[i]), float(f.gs_kt[i]), math.sqrt(d2) * ppm)


def gap_at(info: MapInfo, x: float, y: float, max_distance_px: float) -> Hashable | None:
    """The flight whose coverage gap (dashed line) passes within ``max_distance_px`` of map
    coordinates (x, y), the top one where several do; None if none does."""
    if x is None or y is None:
        return None
    per_px = 1.0 / info.pixels_per_metre()
    found = []  # (distance, draw order, flight id)
    for order, (fid, t) in enumerate(info.tracks.items()):
        for gx, gy in t.gap_paths:
            d = _distance_to_polyline(gx, gy, x, y)
            if d <= max_distance_px * per_px:
                found.append((d, order, fid))
    if not found:
        return None
    nearest = min(f[0] for f in found)
    return max((f for f in found if f[0] <= nearest + COVER_PX * per_px), key=lambda f: f[1])[2]


def _distance_to_polyline(px: np.ndarray, py: np.ndarray, x: float, y: float) -> float:
    """Shortest distance from (x, y) to the legs of a NaN-broken polyline (same units)."""
    ax_, ay_, bx, by = px[:-1], py[:-1], px[1:], py[1:]
    dx, dy = bx - ax_, by - ay_
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.clip(((x - ax_) * dx + (y - ay_) * dy) / (dx * dx + dy * dy), 0.0, 1.0)
    f = np.where(np.isfinite(f), f, 0.0)
    d = np.hypot(ax_ + f * dx - x, ay_ + f * dy - y)
    d = d[np.isfinite(d)]
    return float(d.min()) if len(d) else math.inf


def fit_limits_to_axes(ax) -> None:
    """Widen the x or the y limits so the view has the axes' shape (the map's aspect is equal).

    After a zoom to a rectangle or a resize, matplotlib would otherwise adjust the limits
    itself at the next draw and log that it ignores the fixed limits.
    """
    w_px, h_px = ax.bbox.width, ax.bbox.height
    if w_px <= 0 or h_px <= 0:
        return
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    w, h = x1 - x0, y1 - y0
    if w <= 0 or h <= 0 or math.isclose(w / h, w_px / h_px, rel_tol=1e-9):
        return
    if w / h < w_px / h_px:
        w = h * w_px / h_px
    else:
        h = w * h_px / w_px
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ax.set_xlim(cx - w / 2, cx + w / 2)
    ax.set_ylim(cy - h / 2, cy + h / 2)


def refresh_basemap(info: MapInfo) -> str:
    """Draw the basemap again for the axes' current view, at the detail that view needs.

    After a pan or a zoom, when a fresh ``draw_map`` would cost too much (a million
    positions): tracks, airports and the legend stay; country and graticule labels are
    not placed again. Returns the basemap scale now drawn ("110m" or "50m").
    """
    ax = info.ax
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    metres_per_px = (x1 - x0) / ax.bbox.width
    geo = view_to_geo_extent(info.projection, x0, x1, y0, y1)
    scale = basemap.scale_for(metres_per_px / 1000.0)
    for artist in info._basemap_artists + info._footer_artists:
        artist.remove()
    info._basemap_artists = _draw_basemap(ax, info.projection, (x0, x1, y0, y1), geo, scale, metres_per_px)
    fig = ax.figure
    info._footer_artists = _footer(fig, scale, info.projection, 8 * fig.dpi / 100 / fig.bbox.width,
                                   5 * fig.dpi / 100 / fig.bbox.height)
    info.geo_extent = geo
    info.basemap_scale = scale
    return scale




class ViewRequest(NamedTuple):
    """What re-simplifying the tracks for a new view needs, taken from a MapInfo on the GUI
    thread (plain arrays and numbers), so ``view_shapes`` can run on a worker."""

    tracks: tuple                       # TrackPoints per track, in drawing order
    across: bool                        # tracks cover each other (one picture), see shape_tracks
    projection: Projection
    view: tuple[float, float, float, float]
    width_px: float
    height_px: float
    dpi: float


def view_request(info: MapInfo) -> ViewRequest:
    """The axes' current view of a drawn map (after ``fit_limits_to_axes``), for ``view_shapes``."""
    ax = info.ax
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    return ViewRequest(tuple(t.points() for t in info.tracks.values()), info.merged, info.projection,
                       (x0, x1, y0, y1), ax.bbox.width, ax.bbox.height, ax.figure.dpi)


def view_shapes(request: ViewRequest, cancelled: Callable[[], bool] | None = None) -> list[TrackShape]:
    """The tracks' lines for the requested view: only what is in and near it, at its pixel grid.

    Pure numpy, for any thread; the basemap for the view is prepared (cached) as well, so
    ``refresh_basemap`` finds it ready.
    """
    shapes = shape_tracks(request.tracks, request.projection, request.view, request.width_px,
                          request.height_px, request.dpi, within_view=True, across=request.across,
                          cancelled=cancelled)
    x0, x1, y0, y1 = request.view
    geo = view_to_geo_extent(request.projection, x0, x1, y0, y1)
    scale = basemap.scale_for((x1 - x0) / request.width_px / 1000.0)
    basemap.basemap_paths(request.projection, basemap.padded_box(geo), scale)
    return shapes


def apply_view(info: MapInfo, view: tuple[float, float, float, float], shapes: Sequence[TrackShape]) -> int:
    """Draw ``view_shapes`` results for ``view``: tracks, arrowheads and the scale bar.

    Returns the number of track vertices now drawn.
    """
    ax = info.ax
    _set_shapes(info, shapes)
    _update_track_artists(info)
    info.view = tuple(view)
    _add_arrowheads(ax, info)
    for artist in info._scale_artists:
        artist.remove()
    info._scale_artists = []
    if info.scale_bar is not None or not info.empty:
        placer = style.LabelPlacer(ax.bbox.width, ax.bbox.height)
        info.scale_bar = _draw_scale_bar(ax, info.projection, info.view, info._scale_corner, placer,
                                         info._scale_artists)
    return info.vertices_drawn


def refresh_view(info: MapInfo) -> int:
    """Redraw what depends on the zoom after the axes' limits changed (pan, zoom, resize).

    Tracks are re-simplified for the new view (only points in and near it, at its pixel
    grid), arrowheads are resized and the scale bar is measured again. The basemap stays
    as drawn; call ``draw_map`` with the new ``extent`` for a finer one. Returns the
    number of track vertices now drawn. Takes about a tenth of a second for a million
    points: the window runs ``view_shapes`` on a worker and ``apply_view`` when it is done.
    """
    fit_limits_to_axes(info.ax)
    request = view_request(info)
    return apply_view(info, request.view, view_shapes(request))
