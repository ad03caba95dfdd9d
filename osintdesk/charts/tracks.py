"""Track geometry for the map: every flight's line reduced to what the image can show.

Plain numpy, no matplotlib: the window computes this on a worker thread and only makes
the artists on the GUI thread. Each flight is first reduced to the pixel grid on its own
(one vertex per pixel it passes, every break kept); then, because flights are drawn one
over the other, the runs of vertices that later lines cover are dropped, so hundreds of
overlapping flights cost about as many vertices as one. A dropped run breaks the line
like a gap does: nothing is ever joined that was not flown.
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple, Sequence

import numpy as np

from ..errors import Cancelled
from .projection import EARTH_RADIUS_M, Projection, densify

# Grid (pixels) the tracks are reduced to before drawing.
SIMPLIFY_CELL_PX = 1.0
# Share of the view's size around it in which tracks are kept after a pan or zoom.
VIEW_MARGIN = 0.1
# Arrowheads whose middles fall in the same square of this many pixels show as one; on a
# map of many flights, those in a square of MERGED_ARROW_CELL_PX pointing the same way.
ARROW_CELL_PX = 4.0
MERGED_ARROW_CELL_PX = 40.0
ARROW_SECTORS = 8


class TrackPoints(NamedTuple):
    """One flight's positions as the map needs them: map metres, degrees, and breaks."""

    x: np.ndarray           # map metres, full resolution
    y: np.ndarray
    lon: np.ndarray         # degrees (legs between sparse points are bent along great circles)
    lat: np.ndarray
    breaks: np.ndarray      # bool per point: not joined to the point before


class TrackShape(NamedTuple):
    """One flight's line as drawn for one view: vertices with NaN between pieces."""

    x: np.ndarray           # map metres, NaN before each piece but the first
    y: np.ndarray
    vertices: int           # vertices drawn (not counting the NaN separators)
    arrowheads: list        # (3, 2) triangles in map metres, showing the direction of flight


EMPTY_SHAPE = TrackShape(np.empty(0), np.empty(0), 0, [])


def simplify_to_pixels(px: np.ndarray, py: np.ndarray, break_before: np.ndarray,
                       cell: float = SIMPLIFY_CELL_PX, visible: np.ndarray | None = None):
    """Keep one point per run of points in the same ``cell``-pixel square, and every run's ends.

    ``break_before[i]`` marks a point not joined to the one before (a gap). Non-finite
    points are dropped and break the line. ``visible`` (optional) marks points worth
    drawing; runs of invisible points are dropped except next to visible ones.
    Returns (indices kept, starts) where ``starts[k]`` says kept point k begins a new run.
    """
    n = len(px)
    valid = np.isfinite(px) & np.isfinite(py)
    if visible is not None:
        near = visible.copy()
        near[1:] |= visible[:-1]
        near[:-1] |= visible[1:]
        valid &= near
    start = valid.copy()
    if n > 1:
        start[1:] &= break_before[1:] | ~valid[:-1]
    end = valid.copy()
    if n > 1:
        end[:-1] &= break_before[1:] | ~valid[1:]
    with np.errstate(invalid="ignore"):
        qx = np.floor(px / cell)
        qy = np.floor(py / cell)
    changed = np.ones(n, dtype=bool)
    if n > 1:
        changed[1:] = (qx[1:] != qx[:-1]) | (qy[1:] != qy[:-1])
    keep = valid & (start | end | changed)
    idx = np.flatnonzero(keep)
    return idx, start[idx]


def with_breaks(vx: np.ndarray, vy: np.ndarray, starts: np.ndarray):
    """Vertex arrays with a NaN before every run start but the first (matplotlib's line break)."""
    if len(vx) == 0:
        return vx, vy
    shift = np.cumsum(starts) - (1 if starts[0] else 0)
    out_x = np.full(len(vx) + int(shift[-1]), np.nan)
    out_y = out_x.copy()
    pos = np.arange(len(vx)) + shift
    out_x[pos] = vx
    out_y[pos] = vy
    return out_x, out_y


def hide_overdrawn(vx: np.ndarray, vy: np.ndarray, starts: np.ndarray, owner: np.ndarray,
                   x0: float, y0: float, metres_per_px: float, width_px: float, height_px: float,
                   *, margin: float = 0.0, across: bool = True):
    """Which vertices still show once every line is drawn over the ones before it.

    ``vx``, ``vy`` are the vertices of all lines in drawing order (each already reduced to
    the pixel grid), ``starts`` marks the first vertex of each piece and ``owner`` the line
    each vertex belongs to (ascending). A vertex shows when no later vertex falls in its
    pixel (but the next one of its own piece: a piece's end shares the pixel of the vertex
    before). With ``across`` False, only a later part of the same line hides a vertex (a
    flight that circles): each line stays whole on its own. Kept are the vertices that
    show and their neighbours along the line, so a line still reaches the edge of what
    covers it. Vertices off the view (x0, y0, width_px, height_px) and a ``margin`` (share
    of its size) around it are kept. Returns (keep, starts) with the pieces' starts after
    the cut.
    """
    n = len(vx)
    if n == 0:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    cont = np.zeros(n, dtype=bool)  # vertex i is joined to vertex i + 1
    if n > 1:
        cont[:-1] = (owner[1:] == owner[:-1]) & ~starts[1:]
    mx, my = math.ceil(margin * width_px), math.ceil(margin * height_px)
    with np.errstate(invalid="ignore"):
        qx = np.floor((vx - x0) / metres_per_px) + mx
        qy = np.floor((vy - y0) / metres_per_px) + my
    gw, gh = int(math.ceil(width_px)) + 2 * mx, int(math.ceil(height_px)) + 2 * my
    on = (qx >= 0) & (qx < gw) & (qy >= 0) & (qy < gh)
    serial = np.flatnonzero(on)
    cell = qx[on].astype(np.int64) * gh + qy[on].astype(np.int64)
    index_type = np.int32 if n < 2**31 - 1 else np.int64
    serial_i = serial.astype(index_type)
    last = np.full(gw * gh, -1, dtype=index_type)
    top = np.empty(len(serial), dtype=index_type)
    # One pass over all lines, or one per line on a grid cleared after each.
    if across:
        groups = [(0, len(serial))]
    else:
        edges = np.searchsorted(owner[serial], np.arange(int(owner[-1]) + 2))
        groups = zip(edges[:-1], edges[1:])
    for a, b in groups:
        np.maximum.at(last, cell[a:b], serial_i[a:b])
        top[a:b] = last[cell[a:b]]
        if not across:
            last[cell[a:b]] = -1
    shows = np.ones(n, dtype=bool)
    shows[serial] = (top == serial) | ((top == serial + 1) & cont[serial])
    keep = shows.copy()
    keep[:-1] |= shows[1:] & cont[:-1]
    keep[1:] |= shows[:-1] & cont[:-1]
    new_starts = np.ones(n, dtype=bool)
    new_starts[1:] = ~(keep[:-1] & cont[:-1])
    return keep, new_starts


def _arrowheads(vx, vy, starts, bounds, wanted, metres_per_px, dpi_scale=1.0) -> list[list]:
    """Arrowheads (triangles in map coordinates, (3, 2) arrays) half-way along each track,
    and at a quarter and three quarters when it is long: track k is vx[bounds[k]:bounds[k+1]],
    and only tracks with ``wanted[k]`` get arrows. Returns a list of heads per track."""
    heads: list[list] = [[] for _ in range(len(bounds) - 1)]
    n = len(vx)
    if n < 2:
        return heads
    joined = ~starts[1:]
    cum = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(vx), np.diff(vy)) * joined)])
    first_v, end_v = bounds[:-1], bounds[1:]
    has_two = end_v - first_v > 1
    total = np.where(has_two, cum[np.maximum(end_v - 1, 0)] - cum[np.minimum(first_v, n - 1)], 0.0)
    total_px = total / metres_per_px
    length = 9.0 * dpi_scale * metres_per_px
    half_width = 3.4 * dpi_scale * metres_per_px
    # Only where the track runs on for a while both ways: not on a gap's end or an airport.
    piece = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    last = np.concatenate([first[1:] - 1, [n - 1]])
    clear = 20.0 * dpi_scale * metres_per_px
    ok = (cum - cum[first][piece] >= clear) & (cum[last][piece] - cum >= clear)
    ok[first_v[has_two]] = False
    candidates = np.flatnonzero(ok)
    if len(candidates) == 0:
        return heads
    cum_c = cum[candidates]
    tracks, targets = [], []
    for k in np.flatnonzero(wanted & has_two & (total_px >= 60)):
        for frac in ((0.5,) if total_px[k] < 700 else (0.25, 0.5, 0.75)):
            tracks.append(k)
            targets.append(cum[first_v[k]] + frac * total[k])
    if not tracks:
        return heads
    tracks = np.array(tracks)
    targets = np.array(targets)
    # The candidate nearest each target within its own track (candidates are in cum order;
    # on a tie the earlier one).
    right = np.searchsorted(cum_c, targets)
    lo, hi = first_v[tracks], end_v[tracks]

    def usable(c):
        inside = (c >= 0) & (c < len(candidates))
        cc = candidates[np.clip(c, 0, len(candidates) - 1)]
        return inside & (cc >= lo) & (cc < hi)

    before, after = right - 1, right
    ok_before, ok_after = usable(before), usable(after)
    d_before = np.abs(cum_c[np.clip(before, 0, None)] - targets)
    d_after = np.abs(cum_c[np.clip(after, None, len(candidates) - 1)] - targets)
    take_after = ok_after & (~ok_before | (d_after < d_before))
    found = ok_before | ok_after
    j = candidates[np.where(take_after, after, before)[found]]
    tracks = tracks[found]
    keep = joined[j - 1]
    j, tracks = j[keep], tracks[keep]
    if len(j) == 0:
        return heads
    # Direction over a few pixels of track around the spot: from the vertex before to the
    # first one at least an arrowhead's length away (or the end of the piece).
    a = j - 1
    joined_ext = np.append(joined, False)
    window = 32
    b = np.minimum(j[:, None] + np.arange(window), n - 1)
    far = np.hypot(vx[b] - vx[a, None], vy[b] - vy[a, None]) >= length
    stop = far | ~joined_ext[b]
    b = np.where(stop.any(axis=1), b[np.arange(len(j)), stop.argmax(axis=1)], -1)
    for i in np.flatnonzero(b < 0):  # more than a window of tiny legs: walk on
        bi = int(j[i]) + window - 1
        while bi < n - 1 and joined[bi] and math.hypot(vx[bi] - vx[a[i]], vy[bi] - vy[a[i]]) < length:
            bi += 1
        b[i] = bi
    dx, dy = vx[b] - vx[a], vy[b] - vy[a]
    norm = np.hypot(dx, dy)
    good = norm > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        dx, dy = dx / norm, dy / norm
    cx, cy = (vx[a] + vx[b]) / 2, (vy[a] + vy[b]) / 2
    tip = np.column_stack([cx + dx * length / 2, cy + dy * length / 2])
    bx, by = cx - dx * length / 2, cy - dy * length / 2
    left = np.column_stack([bx - dy * half_width, by + dx * half_width])
    right_ = np.column_stack([bx + dy * half_width, by - dx * half_width])
    triangles = np.stack([tip, left, right_], axis=1)
    for k, tri, g in zip(tracks, triangles, good):
        if g:
            heads[k].append(tri)
    return heads


def uncovered_arrowheads(heads: Sequence[np.ndarray], metres_per_px: float,
                         cell_px: float = ARROW_CELL_PX, sectors: int = 0) -> np.ndarray:
    """Indices of the arrowheads (in drawing order) that no later one covers: the last of
    those whose middles share a ``cell_px`` square (and, with ``sectors``, point the same
    way within 360/sectors degrees). Many flights over one route then show one arrow each
    way every so often instead of a swarm."""
    if len(heads) == 0:
        return np.empty(0, dtype=np.int64)
    tri = np.asarray(heads)
    mid = tri.mean(axis=1) / (cell_px * metres_per_px)
    keys = [np.floor(mid[:, 0]), np.floor(mid[:, 1])]
    if sectors:
        tip = tri[:, 0] - tri.mean(axis=1)
        angle = np.arctan2(tip[:, 1], tip[:, 0])
        keys.append(np.floor((angle + math.pi) / (2 * math.pi) * sectors) % sectors)
    cells = np.column_stack(keys).astype(np.int64)
    # The last head in each cell: unique over the reversed order finds first occurrences.
    _, first_rev = np.unique(cells[::-1], axis=0, return_index=True)
    return np.sort(len(heads) - 1 - first_rev)


def shape_tracks(tracks: Sequence[TrackPoints], projection: Projection, view, width_px: float,
                 height_px: float, dpi: float = 100.0, *, within_view: bool = False,
                 across: bool = True, cancelled: Callable[[], bool] | None = None) -> list[TrackShape]:
    """The lines to draw for ``tracks`` (in drawing order) on a ``width_px`` x ``height_px``
    view (x0, x1, y0, y1 in map metres): never more vertices than the image can show.

    Each track is reduced to the pixel grid with its breaks kept, legs longer than a few
    pixels are bent along the great circle (as flown), then the runs that later tracks
    cover are dropped (with ``across`` False, only the runs the same track covers again).
    ``within_view`` drops the runs beyond the view and a margin around it (after a pan or
    zoom). Arrowheads come from each whole track, before the cut. Pure numpy: safe on any
    thread. ``cancelled`` is polled; Cancelled is raised.
    """
    def check():
        if cancelled is not None and cancelled():
            raise Cancelled()

    x0, x1, y0, y1 = view
    mpp = (x1 - x0) / width_px
    counts = np.array([len(t.x) for t in tracks], dtype=np.int64)
    if counts.sum() == 0:
        return [EMPTY_SHAPE] * len(tracks)
    x = np.concatenate([t.x for t in tracks])
    y = np.concatenate([t.y for t in tracks])
    brk = np.concatenate([t.breaks for t in tracks])
    starts_at = np.cumsum(counts) - counts
    brk[starts_at[counts > 0]] = True  # every track is a line of its own
    visible = None
    if within_view:
        mx, my = VIEW_MARGIN * (x1 - x0), VIEW_MARGIN * (y1 - y0)
        visible = (x >= x0 - mx) & (x <= x1 + mx) & (y >= y0 - my) & (y <= y1 + my)
    check()
    idx, starts = simplify_to_pixels((x - x0) / mpp, (y - y0) / mpp, brk, visible=visible)
    vx, vy = x[idx], y[idx]
    del x, y, brk, visible
    owner = np.repeat(np.arange(len(tracks)), counts)[idx]
    check()
    # Legs longer than a few pixels (sparse sources) are drawn as great circles, as flown.
    # Only legs a pixel or more long on the map can be (no projection shrinks 8 pixels' worth
    # of arc to one), and there are none in dense data.
    with np.errstate(invalid="ignore"):
        maybe_long = ~(np.hypot(np.diff(vx), np.diff(vy)) <= 1.5 * mpp)
    lon = np.concatenate([t.lon for t in tracks])[idx]
    lat = np.concatenate([t.lat for t in tracks])[idx]
    deg_per_px = mpp / (EARTH_RADIUS_M * math.pi / 180.0)
    lon_d, lat_d, connect, source = densify(lon, lat, ~starts[1:], max_step_deg=8 * deg_per_px,
                                            candidates=maybe_long)
    if len(lon_d) != len(idx):
        vx, vy = projection.forward(lon_d, lat_d)
        starts = np.concatenate([[True], ~connect])
        owner = owner[source]
    check()
    bounds = np.searchsorted(owner, np.arange(len(tracks) + 1))
    scale = dpi / 100.0
    inside = (vx >= x0) & (vx <= x1) & (vy >= y0) & (vy <= y1)
    inside_before = np.concatenate([[0], np.cumsum(inside)])
    in_view = inside_before[bounds[1:]] > inside_before[bounds[:-1]]
    heads = _arrowheads(vx, vy, starts, bounds, in_view, mpp, scale)
    check()
    keep, starts = hide_overdrawn(vx, vy, starts, owner, x0, y0, mpp, width_px, height_px,
                                  margin=VIEW_MARGIN, across=across)
    shapes = []
    for k, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
        kept = keep[a:b]
        sx, sy, ss = vx[a:b][kept], vy[a:b][kept], starts[a:b][kept]
        lx, ly = with_breaks(sx, sy, ss)
        shapes.append(TrackShape(lx, ly, len(sx), heads[k]))
    return shapes
