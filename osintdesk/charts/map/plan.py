"""Planning a map: what to draw and where, before any artist exists.

The projection, the view (the data's extent with a margin, or the one asked for) and
every track reduced to what the image can show (see ``charts.tracks``). Plain numpy, so
the window runs ``plan_map`` on a worker thread; ``draw_map`` then only makes the artists.
"""

from __future__ import annotations

from typing import Callable, Hashable, Iterable

import numpy as np
from matplotlib.figure import Figure

from ...errors import Cancelled
from .. import basemap, style
from ..data import ChartAirport, ChartFlight, ChartPlace
from ..projection import (EqualEarth, GeoExtent, Projection, choose_projection, extent_outline,
                          great_circle, view_to_geo_extent, wrap_lon)
from ..tracks import shape_tracks, with_breaks
from .model import DrawnTrack, MapPlan, is_merged

# Share of the data's size added on each side, and the smallest map shown (metres).
MARGIN = 0.07
MIN_VIEW_M = 120_000.0


def _normalise_extent(extent) -> GeoExtent:
    west, east, south, north = (float(v) for v in extent)
    while east <= west:
        east += 360.0
    return GeoExtent(west, east, min(south, north), max(south, north))


def layout_px(width_px: float, height_px: float, dpi: float, title: str | None):
    """Axes rectangle (figure fraction) leaving room for the title and the footer."""
    w, h = width_px, height_px
    px = dpi / 100.0
    # A title too long for the width takes two lines (``style.header_title``).
    lines = (style.header_title(title, w, dpi) or "").count("\n")
    top = (34 + 20 * lines if title else 8) * px
    bottom = 18 * px
    side = 8 * px
    return [side / w, bottom / h, 1 - 2 * side / w, 1 - (top + bottom) / h]


def axes_rect(fig: Figure, title: str | None):
    """``layout_px`` for a figure."""
    return layout_px(fig.bbox.width, fig.bbox.height, fig.dpi, title)


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
    rect = layout_px(width_px, height_px, dpi, title)
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
        drawn[f.id] = DrawnTrack(f, f.colour, x, y, breaks=_breaks(f, fg, proj),
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
                          across=is_merged(drawn.values()), cancelled=cancelled)
    # The basemap of a new view takes a while to cut and project: do it here, once (cached).
    basemap.basemap_paths(proj, basemap.padded_box(geo), scale)
    return MapPlan(flights, places, title, extent, given_projection, given_view, (width_px, height_px),
                   float(dpi), (ax_w_px, ax_h_px), proj, view, geo, scale, has_content, box is not None,
                   airports, drawn, shapes)
