"""The map after it is drawn: the point or coverage gap under the mouse, and the redraw of
what depends on the view after a pan, a zoom or a resize.

``view_request`` (GUI thread) and ``view_shapes`` (any thread) split the refresh for a
worker; ``apply_view`` then updates the artists. ``refresh_view`` does all three at once.
"""

from __future__ import annotations

import math
from typing import Callable, Hashable, NamedTuple, Sequence

import numpy as np

from .. import basemap, style
from ..projection import Projection, view_to_geo_extent
from ..tracks import TrackShape, shape_tracks
from . import decorations, layers
from .model import MapInfo, TrackHit

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


def fit_limits_to_axes(ax, *, shrink: bool = False) -> None:
    """Widen the x or the y limits so the view has the axes' shape (the map's aspect is equal).

    After a zoom to a rectangle or a resize, matplotlib would otherwise adjust the limits
    itself at the next draw and log that it ignores the fixed limits. ``shrink`` narrows
    the other limits instead, so the view shows nothing the drawn basemap does not cover
    (an exported map whose axes made room for a footer after it was drawn).
    """
    w_px, h_px = ax.bbox.width, ax.bbox.height
    if w_px <= 0 or h_px <= 0:
        return
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    w, h = x1 - x0, y1 - y0
    if w <= 0 or h <= 0 or math.isclose(w / h, w_px / h_px, rel_tol=1e-9):
        return
    if (w / h < w_px / h_px) != shrink:
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
    footer_y = [artist.get_position()[1] for artist in info._footer_artists]
    for artist in info._basemap_artists + info._footer_artists:
        artist.remove()
    info._basemap_artists = layers.draw_basemap(ax, info.projection, (x0, x1, y0, y1), geo, scale,
                                                metres_per_px)
    info._footer_artists = decorations.footer(ax.figure, scale, info.projection)
    for artist in info._footer_artists[:len(footer_y)]:   # where the line was (over a footer)
        artist.set_y(footer_y[0])
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
    layers.set_shapes(info, shapes)
    layers.update_track_artists(info)
    info.view = tuple(view)
    layers.add_arrowheads(ax, info)
    for artist in info._scale_artists:
        artist.remove()
    info._scale_artists = []
    if info.scale_bar is not None or not info.empty:
        placer = style.LabelPlacer(ax.bbox.width, ax.bbox.height)
        info.scale_bar = decorations.draw_scale_bar(ax, info.projection, info.view, info._scale_corner,
                                                    placer, info._scale_artists, info.tracks.values())
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
