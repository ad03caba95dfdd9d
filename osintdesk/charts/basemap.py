"""The offline basemap: Natural Earth land, lakes, land borders, coastline and country names.

Layers come from ``resources/basemap`` (public domain, see resources/LICENSES.md): the
1:110m files for world and continental views, 1:50m when zoomed in. GeoJSON is parsed once
per process into numpy arrays; for a view, rings are filtered by their bounding boxes,
clipped to the view's longitude/latitude box (so zoomed-in views only project what shows,
and nothing wraps across the map at the projection's cut), then projected. Borders are
Natural Earth's de facto lines, disputed ones styled apart: they are not authoritative.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from matplotlib.path import Path

from ..paths import resource
from .projection import GeoExtent, Projection, wrap_lon

SCALES = ("110m", "50m")
# Longest straight leg (degrees) left after clipping: clip edges and long border legs
# (e.g. the 49th parallel) are parallels/meridians, which most projections bend.
_DENSIFY_DEG = 0.5


@dataclass(frozen=True)
class Layer:
    """All rings or lines of one GeoJSON file as one coordinate array (lon, lat degrees)."""

    coords: np.ndarray   # (n, 2); polygon rings are closed (first vertex repeated last)
    offsets: np.ndarray  # (k + 1,) start of each part in coords
    bbox: np.ndarray     # (k, 4) west, east, south, north of each part
    kind: np.ndarray     # (k,) small int per part (0 everywhere, or 1 for disputed borders)
    polygons: bool

    def part(self, i: int) -> np.ndarray:
        return self.coords[self.offsets[i]:self.offsets[i + 1]]


@dataclass(frozen=True)
class CountryLabel:
    name: str
    lon: float
    lat: float
    rank: int  # Natural Earth LABELRANK: 1 for the largest countries


def _file(layer: str, scale: str) -> str:
    names = {
        "land": "ne_{s}_land.geojson",
        "lakes": "ne_{s}_lakes.geojson",
        "coast": "ne_{s}_coastline.geojson",
        "borders": "ne_{s}_admin_0_boundary_lines_land.geojson",
    }
    return names[layer].format(s=scale)


def _signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))


@lru_cache(maxsize=None)
def load_layer(layer: str, scale: str) -> Layer:
    """Parse one Natural Earth layer (``land``, ``lakes``, ``coast``, ``borders``) at ``110m`` or ``50m``."""
    if scale not in SCALES:
        raise ValueError(f"unknown basemap scale {scale!r}")
    with open(resource("basemap", _file(layer, scale)), encoding="utf-8") as fh:
        collection = json.load(fh)
    parts: list[np.ndarray] = []
    kinds: list[int] = []
    polygons = layer in ("land", "lakes")
    for feature in collection["features"]:
        geometry = feature["geometry"]
        kind = 0
        if layer == "borders":
            cla = (feature.get("properties") or {}).get("featurecla", "")
            kind = 0 if cla.startswith("International") else 1
        gtype, coordinates = geometry["type"], geometry["coordinates"]
        if gtype == "Polygon":
            groups = [coordinates]
        elif gtype == "MultiPolygon":
            groups = coordinates
        elif gtype == "LineString":
            groups = [[coordinates]]
        elif gtype == "MultiLineString":
            groups = [coordinates]
        else:
            continue
        for group in groups:
            for ring_no, ring in enumerate(group):
                arr = np.asarray(ring, dtype=float)[:, :2]
                if polygons:
                    # Outer rings anticlockwise, holes clockwise: the non-zero fill rule
                    # then cuts holes (the Caspian Sea) whatever order the file used.
                    area = _signed_area(arr)
                    if (ring_no == 0) != (area > 0):
                        arr = arr[::-1]
                parts.append(arr)
                kinds.append(kind)
    coords, offsets = _concat(parts)
    bbox = _bboxes(coords, offsets)
    return Layer(coords, offsets, bbox, np.asarray(kinds, dtype=np.int8), polygons)


def _concat(parts: list[np.ndarray]):
    lengths = np.array([len(p) for p in parts], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    coords = np.concatenate(parts) if parts else np.empty((0, 2))
    return coords, offsets


def _bboxes(coords: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    if len(offsets) < 2:
        return np.empty((0, 4))
    starts = offsets[:-1]
    x, y = coords[:, 0], coords[:, 1]
    return np.stack([np.minimum.reduceat(x, starts), np.maximum.reduceat(x, starts),
                     np.minimum.reduceat(y, starts), np.maximum.reduceat(y, starts)], axis=1)


@lru_cache(maxsize=None)
def country_labels() -> tuple[CountryLabel, ...]:
    """Country names and label points (Natural Earth 1:110m admin-0, v5.1)."""
    with open(resource("basemap", "ne_110m_admin_0_countries.geojson"), encoding="utf-8") as fh:
        collection = json.load(fh)
    labels = []
    for feature in collection["features"]:
        p = feature["properties"]
        if p.get("LABEL_X") is None or p.get("LABEL_Y") is None:
            continue
        labels.append(CountryLabel(p.get("NAME") or p.get("ADMIN") or "", float(p["LABEL_X"]),
                                   float(p["LABEL_Y"]), int(p.get("LABELRANK") or 9)))
    return tuple(sorted(labels, key=lambda c: c.rank))


# --------------------------------------------------------------------------- clipping

def _clip_ring_half(pts: np.ndarray, axis: int, c: float, keep_greater: bool) -> np.ndarray:
    """One Sutherland-Hodgman pass of an open ring against the line coord[axis] = c."""
    v = pts[:, axis]
    inside = v >= c if keep_greater else v <= c
    if inside.all():
        return pts
    if not inside.any():
        return pts[:0]
    nxt = np.roll(pts, -1, axis=0)
    nin = np.roll(inside, -1)
    cross = inside != nin
    dv = nxt[:, axis] - v
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(cross, (c - v) / np.where(dv == 0, 1.0, dv), 0.0)
    inter = pts + t[:, None] * (nxt - pts)
    inter[:, axis] = c
    slots = np.stack([inter, nxt], axis=1)           # per edge: crossing point, then end point
    keep = np.stack([cross, nin], axis=1)
    return slots[keep]


def clip_ring(ring: np.ndarray, box: GeoExtent) -> np.ndarray:
    """Clip a closed ring to a lon/lat box; returns a closed ring or an empty array."""
    pts = ring[:-1]
    for axis, c, greater in ((0, box.west, True), (0, box.east, False),
                             (1, box.south, True), (1, box.north, False)):
        pts = _clip_ring_half(pts, axis, c, greater)
        if len(pts) == 0:
            return pts
    if len(pts) < 3:
        return pts[:0]
    return np.concatenate([pts, pts[:1]])


def clip_lines(coords: np.ndarray, joined: np.ndarray, box: GeoExtent):
    """Clip polylines to a box (Liang-Barsky on every segment at once).

    ``joined[i]`` says whether vertex i connects to vertex i+1. Returns the clipped
    vertices (m, 2) and their ``joined`` flags.
    """
    p0, p1 = coords[:-1], coords[1:]
    d = p1 - p0
    t0 = np.zeros(len(d))
    t1 = np.ones(len(d))
    ok = joined.copy()
    for axis, lo, hi in ((0, box.west, box.east), (1, box.south, box.north)):
        dv = d[:, axis]
        v = p0[:, axis]
        with np.errstate(invalid="ignore", divide="ignore"):
            ta = (lo - v) / dv
            tb = (hi - v) / dv
        moving = dv != 0
        t_enter = np.where(moving, np.minimum(ta, tb), -np.inf)
        t_exit = np.where(moving, np.maximum(ta, tb), np.inf)
        ok &= moving | ((v >= lo) & (v <= hi))
        t0 = np.maximum(t0, t_enter)
        t1 = np.minimum(t1, t_exit)
    ok &= t0 < t1
    idx = np.flatnonzero(ok)
    if len(idx) == 0:
        return np.empty((0, 2)), np.empty(0, dtype=bool)
    a = p0[idx] + t0[idx, None] * d[idx]
    b = p0[idx] + t1[idx, None] * d[idx]
    prev_ok = np.concatenate([[False], ok[:-1]])[idx]
    prev_t1 = np.concatenate([[0.0], t1[:-1]])[idx]
    cont = prev_ok & (prev_t1 == 1.0) & (t0[idx] == 0.0)
    # Each kept segment contributes its start (unless it continues the previous one) and its end.
    n_out = np.where(cont, 1, 2)
    out = np.empty((int(n_out.sum()), 2))
    ends = np.cumsum(n_out) - 1
    out[ends] = b
    starts = ends[~cont] - 1
    out[starts] = a[~cont]
    out_joined = np.ones(len(out), dtype=bool)
    # The end of a segment is not joined to the next output vertex unless that continues it.
    next_cont = np.concatenate([cont[1:], [False]])
    out_joined[ends[~next_cont]] = False
    return out, out_joined


def _densify_linear(coords: np.ndarray, joined: np.ndarray, step: float):
    """Insert points (linearly in lon/lat) into joined legs longer than ``step`` degrees."""
    if len(coords) < 2:
        return coords, joined
    d = np.abs(np.diff(coords, axis=0)).max(axis=1)
    n_sub = np.where(joined[:-1], np.maximum(1, np.ceil(d / step)), 1).astype(np.int64)
    if (n_sub == 1).all():
        return coords, joined
    leg = np.repeat(np.arange(len(coords) - 1), n_sub)
    first = np.repeat(np.cumsum(n_sub) - n_sub, n_sub)
    f = ((np.arange(len(leg)) - first) / n_sub[leg])[:, None]
    pts = coords[leg] + f * (coords[leg + 1] - coords[leg])
    out = np.concatenate([pts, coords[-1:]])
    out_joined = np.concatenate([joined[leg], joined[-1:]])
    return out, out_joined


def _shifts(west: float, east: float, box: GeoExtent):
    """Multiples of 360° that bring a part spanning [west, east] into the box's longitudes."""
    return [k for k in (-360.0, 0.0, 360.0) if west + k <= box.east and east + k >= box.west]


def _select(layer: Layer, box: GeoExtent) -> np.ndarray:
    b = layer.bbox
    lat_ok = (b[:, 3] >= box.south) & (b[:, 2] <= box.north)
    lon_ok = np.zeros(len(b), dtype=bool)
    for k in (-360.0, 0.0, 360.0):
        lon_ok |= (b[:, 0] + k <= box.east) & (b[:, 1] + k >= box.west)
    return np.flatnonzero(lat_ok & lon_ok)


def _polygon_path(layer: Layer, box: GeoExtent, proj: Projection) -> Path | None:
    rings: list[np.ndarray] = []
    for i in _select(layer, box):
        ring = layer.part(i)
        w, e, s, n = layer.bbox[i]
        for k in _shifts(w, e, box):
            inside = (w + k >= box.west and e + k <= box.east and s >= box.south and n <= box.north)
            shifted = ring + (k, 0.0) if k else ring
            clipped = shifted if inside else clip_ring(shifted, box)
            if len(clipped) >= 4:
                rings.append(clipped)
    if not rings:
        return None
    coords, offsets = _concat(rings)
    joined = np.ones(len(coords), dtype=bool)
    joined[offsets[1:] - 1] = False
    coords, joined = _densify_linear(coords, joined, _DENSIFY_DEG)
    x, y = proj.forward(coords[:, 0], coords[:, 1])
    codes = np.full(len(coords), Path.LINETO, dtype=Path.code_type)
    starts = np.concatenate([[0], np.flatnonzero(~joined[:-1]) + 1])
    codes[starts] = Path.MOVETO
    codes[~joined] = Path.CLOSEPOLY
    return Path(np.column_stack([x, y]), codes)


def _line_path(layer: Layer, box: GeoExtent, proj: Projection, kind: int | None = None) -> Path | None:
    pieces, flags = [], []
    idx = _select(layer, box)
    if kind is not None:
        idx = idx[layer.kind[idx] == kind]
    if len(idx) == 0:
        return None
    parts = [layer.part(i) for i in idx]
    coords, offsets = _concat(parts)
    joined = np.ones(len(coords), dtype=bool)
    joined[offsets[1:] - 1] = False
    w, e = float(layer.bbox[idx, 0].min()), float(layer.bbox[idx, 1].max())
    for k in _shifts(w, e, box):
        c, j = clip_lines(coords + (k, 0.0) if k else coords, joined[:-1], box)
        if len(c):
            pieces.append(c)
            flags.append(j)
    if not pieces:
        return None
    coords = np.concatenate(pieces)
    joined = np.concatenate(flags)
    coords, joined = _densify_linear(coords, joined, _DENSIFY_DEG)
    x, y = proj.forward(coords[:, 0], coords[:, 1])
    codes = np.full(len(coords), Path.LINETO, dtype=Path.code_type)
    codes[0] = Path.MOVETO
    codes[np.flatnonzero(~joined[:-1]) + 1] = Path.MOVETO
    return Path(np.column_stack([x, y]), codes)


@dataclass(frozen=True)
class BasemapPaths:
    """Projected basemap layers for one view, ready for ``PathPatch`` (None when empty)."""

    scale: str
    land: Path | None
    lakes: Path | None
    borders: Path | None
    disputed: Path | None
    coast: Path | None


def padded_box(box: GeoExtent) -> GeoExtent:
    """The view's lon/lat box with a margin, so clip edges fall outside the picture."""
    pad_lon = max(1.0, 0.05 * (box.east - box.west))
    pad_lat = max(1.0, 0.05 * (box.north - box.south))
    west, east = box.west - pad_lon, box.east + pad_lon
    if east - west >= 360.0:
        mid = (box.west + box.east) / 2
        west, east = mid - 180.0, mid + 180.0
    south = max(-90.0, box.south - pad_lat)
    north = min(90.0, box.north + pad_lat)
    return GeoExtent(round(west, 2), round(east, 2), round(south, 2), round(north, 2))


@lru_cache(maxsize=16)
def basemap_paths(proj: Projection, box: GeoExtent, scale: str) -> BasemapPaths:
    """The basemap for a projection and a lon/lat box (already padded), cached per view."""
    # Longitudes of the box around the projection's centre, so clipping happens on the
    # side of the cut where the map is.
    # Nothing beyond the cut (180° from the centre) can be on the map, and a vertex
    # past it would wrap to the other side, so the box stops there.
    mid = float(wrap_lon((box.west + box.east) / 2, proj.lon0))
    half = (box.east - box.west) / 2
    box = GeoExtent(max(mid - half, proj.lon0 - 180.0), min(mid + half, proj.lon0 + 180.0),
                    box.south, box.north)
    borders = load_layer("borders", scale)
    return BasemapPaths(
        scale=scale,
        land=_polygon_path(load_layer("land", scale), box, proj),
        lakes=_polygon_path(load_layer("lakes", scale), box, proj),
        borders=_line_path(borders, box, proj, kind=0),
        disputed=_line_path(borders, box, proj, kind=1),
        coast=_line_path(load_layer("coast", scale), box, proj),
    )


def scale_for(km_per_px: float) -> str:
    """1:50m when a pixel covers under ~8 km (zoomed in), else 1:110m."""
    return "50m" if km_per_px < 8.0 else "110m"


def visible_country_labels(proj: Projection, x0: float, x1: float, y0: float, y1: float,
                           km_per_px: float):
    """Country labels inside the view, coarsest first, as (name, x, y, rank)."""
    # Fewer, larger countries when zoomed out.
    max_rank = 2 if km_per_px > 15 else 4 if km_per_px > 6 else 6 if km_per_px > 2 else 9
    labels = [c for c in country_labels() if c.rank <= max_rank]
    if not labels:
        return []
    lon = np.array([c.lon for c in labels])
    lat = np.array([c.lat for c in labels])
    x, y = proj.forward(lon, lat)
    out = []
    for c, xi, yi in zip(labels, x, y):
        if math.isfinite(xi) and math.isfinite(yi) and x0 <= xi <= x1 and y0 <= yi <= y1:
            out.append((c.name, float(xi), float(yi), c.rank))
    return out
