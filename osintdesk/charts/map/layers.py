"""The map's layers: basemap, flown tracks with their arrowheads, coverage gaps, airports, places.

Each function adds its artists to the axes (and records them in the ``MapInfo``); the
tracks' artists can take new lines after a zoom (``set_shapes``, ``update_track_artists``).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib.collections import LineCollection, PathCollection, PolyCollection
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import PathPatch, Polygon
from matplotlib.transforms import IdentityTransform

from .. import basemap, style
from ..data import ChartPlace
from ..projection import EqualEarth
from ..tracks import ARROW_SECTORS, MERGED_ARROW_CELL_PX, TrackShape, uncovered_arrowheads
from .model import DrawnTrack, MapInfo, is_merged

# The same as MAX_SEPARATE_TRACKS for the dashed lines of coverage gaps.
MAX_SEPARATE_GAPS = 48
PLACE_MARKERS = ("D", "s", "P", "X", "p", "h")

TRACK_WIDTH = 1.7
HALO_WIDTH = 3.4
GAP_WIDTH = 1.1
GAP_DASHES = (0, (3.5, 3))
LONE_MARKER_SIZE = 3.5
GAP_END_MARKER_SIZE = 3.6


def draw_basemap(ax, proj, view, geo, scale, metres_per_px) -> list:
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



def joined(xs: Sequence[np.ndarray], ys: Sequence[np.ndarray]):
    """Several polylines as one pair of arrays, NaN between them."""
    if not xs:
        return np.empty(0), np.empty(0)
    gap = np.array([np.nan])
    return (np.concatenate([p for x in xs for p in (x, gap)]),
            np.concatenate([p for y in ys for p in (y, gap)]))


def set_shapes(info: MapInfo, shapes: Sequence[TrackShape]) -> None:
    """Take the lines computed for a view into the tracks (their artists follow)."""
    info._arrowheads = []
    for t, shape in zip(info.tracks.values(), shapes):
        t.path_x, t.path_y, t.vertices = shape.x, shape.y, shape.vertices
        for head in shape.arrowheads:
            info._arrowheads.append((head, t.colour))


def _drawn_tracks(info: MapInfo) -> list[DrawnTrack]:
    return [t for t in info.tracks.values() if t.has_positions]


def _dot_collection(ax, size_pt: float, **kw) -> PathCollection:
    """Round markers at given map positions in one artist (what ``scatter`` makes)."""
    marker = MarkerStyle("o")
    path = marker.get_path().transformed(marker.get_transform())
    dots = PathCollection((path,), sizes=[size_pt ** 2], offsets=np.empty((0, 2)),
                          offset_transform=ax.transData, **kw)
    dots.set_transform(IdentityTransform())
    return ax.add_collection(dots, autolim=False)


def draw_tracks(ax, info: MapInfo) -> None:
    """The flown tracks over their white halos: a Line2D each, or one LineCollection for many."""
    drawn = _drawn_tracks(info)
    if not is_merged(drawn):
        for t in drawn:
            f = t.flight
            halo = Line2D(t.path_x, t.path_y, color="white", linewidth=HALO_WIDTH, alpha=0.75, zorder=3.9,
                          solid_capstyle="round", solid_joinstyle="round")
            ax.add_artist(halo)
            line = Line2D(t.path_x, t.path_y, color=t.colour, linewidth=TRACK_WIDTH, zorder=4, label=f.label,
                          solid_capstyle="round", solid_joinstyle="round")
            line.set_gid(f"flight:{f.id}")
            ax.add_artist(line)
            _mark_lone_points(line)
            t.line, t.halo = line, halo
        return
    # All halos under all lines, as with separate artists; lines in the flights' order.
    common = dict(capstyle="round", joinstyle="round")
    halo = LineCollection([], colors="white", linewidths=HALO_WIDTH, alpha=0.75, zorder=3.9, **common)
    lines = LineCollection([], linewidths=TRACK_WIDTH, zorder=4, **common)
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
    # A piece of one position is a dot (a line of one point is invisible).
    xs, ys, colours = [], [], []
    for t in drawn:
        x, y = t.path_x, t.path_y
        lone = _lone_points(x)
        if len(lone):
            xs.append(x[lone])
            ys.append(y[lone])
            colours += [t.colour] * len(lone)
    dots.set_offsets(np.column_stack([np.concatenate(xs), np.concatenate(ys)]) if xs else np.empty((0, 2)))
    dots.set_facecolors(colours or "none")
    dots.set_edgecolors(colours or "none")


def update_track_artists(info: MapInfo) -> None:
    """After ``set_shapes``: give the artists the tracks' new lines."""
    if info.merged:
        _update_merged_tracks(info)
        return
    for t in _drawn_tracks(info):
        t.line.set_data(t.path_x, t.path_y)
        _mark_lone_points(t.line)
        if t.halo is not None:
            t.halo.set_data(t.path_x, t.path_y)


def draw_gaps(ax, info: MapInfo) -> None:
    """Each coverage gap as a thin dashed great circle with a dot at either end."""
    gaps = [(t, gx, gy) for t in info.tracks.values() for gx, gy in t.gap_paths]
    if len(gaps) <= MAX_SEPARATE_GAPS:
        for t, gx, gy in gaps:
            gap = Line2D(gx, gy, color=t.colour, linewidth=GAP_WIDTH, linestyle=GAP_DASHES, alpha=0.95,
                         zorder=3.5)
            gap.set_gid(f"gap:{t.flight.id}")
            ax.add_artist(gap)
            ends = Line2D([gx[0], gx[-1]], [gy[0], gy[-1]], linestyle="none", marker="o",
                          markersize=GAP_END_MARKER_SIZE, markerfacecolor="white", markeredgecolor=t.colour,
                          markeredgewidth=1.1, zorder=4.2)
            ax.add_artist(ends)
            t.gap_lines.append(gap)
        return
    colours = [t.colour for t, _, _ in gaps]
    lines = LineCollection([np.column_stack([gx, gy]) for _, gx, gy in gaps], colors=colours,
                           linewidths=GAP_WIDTH, linestyles=[GAP_DASHES], alpha=0.95, zorder=3.5)
    lines.set_gid("gaps")
    ax.add_collection(lines, autolim=False)
    ends = _dot_collection(ax, GAP_END_MARKER_SIZE, facecolors="white", edgecolors=np.repeat(colours, 2),
                           linewidths=1.1, zorder=4.2)
    ends.set_offsets(np.array([(p[i], q[i]) for _, p, q in gaps for i in (0, -1)]))
    info.gap_artists = [lines, ends]


def _lone_points(x: np.ndarray) -> np.ndarray:
    """Indices of the pieces of a NaN-broken line that are a single position."""
    ok = np.isfinite(x)
    before = np.concatenate([[False], ok[:-1]])
    after = np.concatenate([ok[1:], [False]])
    return np.flatnonzero(ok & ~before & ~after)


def _mark_lone_points(line: Line2D) -> None:
    """A dot where a piece of track is a single position (a line of one point is invisible)."""
    lone = _lone_points(np.asarray(line.get_xdata(), dtype=float))
    if len(lone):
        line.set_marker("o")
        line.set_markersize(LONE_MARKER_SIZE)
        line.set_markevery(lone.tolist())
    else:
        line.set_marker("None")


def add_arrowheads(ax, info: MapInfo) -> None:
    """The direction arrowheads of the tracks as drawn now, replacing those drawn before."""
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


def draw_airports(ax, info: MapInfo, airports) -> None:
    """A white ring with a black dot at each airport (``ChartAirport`` records)."""
    for a in airports:
        ax_, ay_ = info.projection.forward(a.lon, a.lat)
        ax.plot([ax_], [ay_], marker="o", markersize=6.5, markerfacecolor="white",
                markeredgecolor="#1d1d1d", markeredgewidth=1.4, zorder=7.6, linestyle="none")
        ax.plot([ax_], [ay_], marker="o", markersize=2.0, color="#1d1d1d", zorder=7.7, linestyle="none")


def place_kinds(places: Sequence[ChartPlace]) -> dict[str, int]:
    """Each kind of place, in order of appearance, with the index of its marker."""
    kinds: dict[str, int] = {}
    for p in places:
        if p.kind not in kinds:
            kinds[p.kind] = len(kinds) % len(PLACE_MARKERS)
    return kinds


def draw_place_markers(ax, info: MapInfo, places: Sequence[ChartPlace]) -> list:
    """A yellow marker per place, its shape by kind; returns the markers in the places' order."""
    kinds = place_kinds(places)
    markers = []
    for p in places:
        px_, py_ = info.projection.forward(p.lon, p.lat)
        (mk,) = ax.plot([px_], [py_], marker=PLACE_MARKERS[kinds[p.kind]], markersize=6,
                        markerfacecolor="#ffd23f", markeredgecolor="#222222", markeredgewidth=1.0,
                        zorder=7.2, linestyle="none")
        markers.append(mk)
    return markers
