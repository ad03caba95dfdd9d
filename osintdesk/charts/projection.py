"""Map projections in plain numpy, chosen for the extent of the data, and great-circle helpers.

Everything works on a sphere of the mean Earth radius, which is far below what a chart
can show. Longitudes are always taken relative to the projection's central meridian, so a
track that crosses the antimeridian (Alaska to Kamchatka) stays in one piece: only data
that wraps the whole globe meets the cut, which sits in the largest empty band of longitude.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..flights.geo import EARTH_RADIUS_KM

# The projections work in metres on the flights package's sphere.
EARTH_RADIUS_M = EARTH_RADIUS_KM * 1000.0

# An area whose points all lie within this angle of their centre gets a regional projection;
# anything larger is drawn on a world map.
REGIONAL_MAX_RADIUS_DEG = 75.0


def wrap_lon(lon, lon0: float = 0.0):
    """Longitudes (degrees) wrapped into [lon0 - 180, lon0 + 180)."""
    return (np.asarray(lon, dtype=float) - lon0 + 180.0) % 360.0 - 180.0 + lon0


def _relative_lon_rad(lon, lon0: float) -> np.ndarray:
    """Longitude east of the central meridian in radians, within [-pi, pi].

    Values already within 180° are left alone, so a clipped basemap ring that runs
    along the map's edge (exactly 180° from the centre) stays on its own side.
    """
    d = np.asarray(lon, dtype=float) - lon0
    d = np.where(np.abs(d) <= 180.0, d, (d + 180.0) % 360.0 - 180.0)
    return np.radians(d)


# --------------------------------------------------------------------------- projections

@dataclass(frozen=True)
class Projection:
    """A map projection: ``forward`` takes degrees to metres on the map plane, ``inverse`` back."""

    lon0: float

    name = "projection"

    def forward(self, lon, lat):  # pragma: no cover - abstract
        raise NotImplementedError

    def inverse(self, x, y):  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def is_world(self) -> bool:
        return False

    def describe(self) -> str:
        """One line for the map footer, e.g. "Lambert conformal conic, centred 48°N 80°E"."""
        return f"{self.name}, centred {_fmt_lat(getattr(self, 'lat0', 0.0))} {_fmt_lon(self.lon0)}"


@dataclass(frozen=True)
class AzimuthalEquidistant(Projection):
    """Azimuthal equidistant, any aspect: distances and directions from the centre are true.

    Used for polar and equatorial regions and for regions that straddle the equator.
    """

    lat0: float = 0.0
    name = "Azimuthal equidistant"

    def forward(self, lon, lat):
        lam = _relative_lon_rad(lon, self.lon0)
        phi = np.radians(np.asarray(lat, dtype=float))
        phi1 = math.radians(self.lat0)
        sin_p1, cos_p1 = math.sin(phi1), math.cos(phi1)
        sin_p, cos_p = np.sin(phi), np.cos(phi)
        cos_l = np.cos(lam)
        cos_c = np.clip(sin_p1 * sin_p + cos_p1 * cos_p * cos_l, -1.0, 1.0)
        c = np.arccos(cos_c)
        sin_c = np.sin(c)
        with np.errstate(invalid="ignore", divide="ignore"):
            k = np.where(c < 1e-9, 1.0, c / sin_c)
        x = EARTH_RADIUS_M * k * cos_p * np.sin(lam)
        y = EARTH_RADIUS_M * k * (cos_p1 * sin_p - sin_p1 * cos_p * cos_l)
        return x, y

    def inverse(self, x, y):
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        phi1 = math.radians(self.lat0)
        sin_p1, cos_p1 = math.sin(phi1), math.cos(phi1)
        rho = np.hypot(x, y)
        c = np.minimum(rho / EARTH_RADIUS_M, math.pi)
        sin_c, cos_c = np.sin(c), np.cos(c)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(rho > 0, y * sin_c * cos_p1 / np.where(rho > 0, rho, 1.0), 0.0)
        phi = np.arcsin(np.clip(cos_c * sin_p1 + ratio, -1.0, 1.0))
        lam = np.arctan2(x * sin_c, rho * cos_p1 * cos_c - y * sin_p1 * sin_c)
        return np.degrees(lam) + self.lon0, np.degrees(phi)


@dataclass(frozen=True)
class LambertConformalConic(Projection):
    """Lambert conformal conic: the atlas projection for mid-latitude regions, north up."""

    lat0: float = 45.0
    lat1: float = 40.0
    lat2: float = 50.0
    name = "Lambert conformal conic"

    def _constants(self):
        p1, p2, p0 = (math.radians(v) for v in (self.lat1, self.lat2, self.lat0))
        if abs(p1 - p2) < 1e-9:
            n = math.sin(p1)
        else:
            n = (math.log(math.cos(p1) / math.cos(p2))
                 / math.log(math.tan(math.pi / 4 + p2 / 2) / math.tan(math.pi / 4 + p1 / 2)))
        f = math.cos(p1) * math.tan(math.pi / 4 + p1 / 2) ** n / n
        rho0 = EARTH_RADIUS_M * f / math.tan(math.pi / 4 + p0 / 2) ** n
        return n, f, rho0

    def forward(self, lon, lat):
        n, f, rho0 = self._constants()
        # The far pole is at infinity; keep it finite so clipping and limits stay sane.
        phi = np.radians(np.clip(np.asarray(lat, dtype=float), -89.5, 89.5))
        rho = EARTH_RADIUS_M * f / np.tan(np.pi / 4 + phi / 2) ** n
        theta = n * _relative_lon_rad(lon, self.lon0)
        return rho * np.sin(theta), rho0 - rho * np.cos(theta)

    def inverse(self, x, y):
        n, f, rho0 = self._constants()
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        sign = 1.0 if n > 0 else -1.0
        rho = sign * np.hypot(x, rho0 - y)
        theta = np.arctan2(sign * x, sign * (rho0 - y))
        with np.errstate(divide="ignore"):
            phi = 2 * np.arctan((EARTH_RADIUS_M * f / rho) ** (1 / n)) - np.pi / 2
        return np.degrees(theta / n) + self.lon0, np.degrees(phi)

    def describe(self) -> str:
        return (f"{self.name}, centred {_fmt_lat(self.lat0)} {_fmt_lon(self.lon0)}, "
                f"standard parallels {self.lat1:.0f}° and {self.lat2:.0f}°")


_EE_A1, _EE_A2, _EE_A3, _EE_A4 = 1.340264, -0.081106, 0.000893, 0.003796
_EE_M = math.sqrt(3) / 2


@dataclass(frozen=True)
class EqualEarth(Projection):
    """Equal Earth (Šavrič, Patterson, Jenny 2018): the world map, areas true."""

    name = "Equal Earth"

    @property
    def is_world(self) -> bool:
        return True

    def forward(self, lon, lat):
        lam = _relative_lon_rad(lon, self.lon0)
        theta = np.arcsin(_EE_M * np.sin(np.radians(np.asarray(lat, dtype=float))))
        t2 = theta * theta
        t6 = t2 * t2 * t2
        dy = _EE_A1 + 3 * _EE_A2 * t2 + t6 * (7 * _EE_A3 + 9 * _EE_A4 * t2)
        x = 2 * math.sqrt(3) * lam * np.cos(theta) / (3 * dy)
        y = theta * (_EE_A1 + _EE_A2 * t2 + t6 * (_EE_A3 + _EE_A4 * t2))
        return EARTH_RADIUS_M * x, EARTH_RADIUS_M * y

    def inverse(self, x, y):
        x = np.asarray(x, dtype=float) / EARTH_RADIUS_M
        y = np.asarray(y, dtype=float) / EARTH_RADIUS_M
        theta = y.copy() if y.ndim else np.array(float(y))
        for _ in range(12):
            t2 = theta * theta
            t6 = t2 * t2 * t2
            fy = theta * (_EE_A1 + _EE_A2 * t2 + t6 * (_EE_A3 + _EE_A4 * t2)) - y
            dy = _EE_A1 + 3 * _EE_A2 * t2 + t6 * (7 * _EE_A3 + 9 * _EE_A4 * t2)
            theta = np.clip(theta - fy / dy, -math.pi / 3, math.pi / 3)
        t2 = theta * theta
        t6 = t2 * t2 * t2
        dy = _EE_A1 + 3 * _EE_A2 * t2 + t6 * (7 * _EE_A3 + 9 * _EE_A4 * t2)
        lam = 3 * x * dy / (2 * math.sqrt(3) * np.cos(theta))
        phi = np.arcsin(np.clip(np.sin(theta) / _EE_M, -1.0, 1.0))
        return np.degrees(lam) + self.lon0, np.degrees(phi)

    def describe(self) -> str:
        return f"{self.name}, central meridian {_fmt_lon(self.lon0)}"

    def outline(self, n: int = 181):
        """The edge of the world (x, y arrays, closed): the meridians at lon0 ± 180°."""
        lat = np.linspace(-90, 90, n)
        east = np.full(n, self.lon0 + 179.999999)
        west = np.full(n, self.lon0 - 180.0)
        x1, y1 = self.forward(east, lat)
        x2, y2 = self.forward(west, lat[::-1])
        x = np.concatenate([x1, x2, x1[:1]])
        y = np.concatenate([y1, y2, y1[:1]])
        return x, y


def _fmt_lat(lat: float) -> str:
    return f"{abs(lat):.0f}°{'N' if lat >= 0 else 'S'}"


def _fmt_lon(lon: float) -> str:
    lon = float(wrap_lon(lon))
    return f"{abs(lon):.0f}°{'E' if lon >= 0 else 'W'}"


# --------------------------------------------------------------------------- extents

class GeoExtent(NamedTuple):
    """A longitude/latitude box. ``west`` < ``east`` always; ``east`` may exceed 180
    when the box crosses the antimeridian (e.g. west=150, east=200 for 150°E..160°W)."""

    west: float
    east: float
    south: float
    north: float

    @property
    def lon_center(self) -> float:
        return float(wrap_lon((self.west + self.east) / 2))

    def contains(self, lon, lat) -> np.ndarray:
        lon = wrap_lon(lon, (self.west + self.east) / 2)
        lat = np.asarray(lat, dtype=float)
        return (lon >= self.west) & (lon <= self.east) & (lat >= self.south) & (lat <= self.north)


def geo_extent(lon, lat) -> GeoExtent | None:
    """The smallest longitude/latitude box holding every finite point, across the antimeridian.

    The longitude range is the complement of the largest empty arc on the circle, found
    on a 1° histogram so a million points cost a few milliseconds. None when no point is finite.
    """
    lon = np.asarray(lon, dtype=float).ravel()
    lat = np.asarray(lat, dtype=float).ravel()
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return None
    lon, lat = lon[ok], lat[ok]
    bins = np.floor(wrap_lon(lon, 0.0) + 180.0).astype(np.int64) % 360
    occupied = np.bincount(bins, minlength=360) > 0
    # Longest run of empty bins on the circle.
    if occupied.all():
        centre = 0.0
    else:
        doubled = np.concatenate([occupied, occupied])
        best_len, best_start, run_start = -1, 0, None
        for i, occ in enumerate(doubled):
            if not occ:
                if run_start is None:
                    run_start = i
                if i - run_start + 1 > best_len and i - run_start + 1 <= 360:
                    best_len, best_start = i - run_start + 1, run_start
            else:
                run_start = None
        empty_mid = (best_start + best_len / 2.0) - 180.0
        centre = float(wrap_lon(empty_mid + 180.0))
    unwrapped = wrap_lon(lon, centre)
    west, east = float(unwrapped.min()), float(unwrapped.max())
    shift = 360.0 * math.floor((west + 180.0) / 360.0)
    return GeoExtent(west - shift, east - shift, float(lat.min()), float(lat.max()))


def extent_outline(extent: GeoExtent, step_deg: float = 1.0):
    """Points along the edge of a lon/lat box (lon, lat arrays), for fitting and projecting."""
    nx = max(2, int(math.ceil((extent.east - extent.west) / step_deg)) + 1)
    ny = max(2, int(math.ceil((extent.north - extent.south) / step_deg)) + 1)
    lons = np.linspace(extent.west, extent.east, nx)
    lats = np.linspace(extent.south, extent.north, ny)
    lon = np.concatenate([lons, np.full(ny, extent.east), lons[::-1], np.full(ny, extent.west)])
    lat = np.concatenate([np.full(nx, extent.south), lats, np.full(nx, extent.north), lats[::-1]])
    return lon, lat


# --------------------------------------------------------------------------- sphere geometry

def to_unit_vectors(lon, lat) -> np.ndarray:
    """(n, 3) unit vectors for longitudes/latitudes in degrees."""
    lam = np.radians(np.asarray(lon, dtype=float))
    phi = np.radians(np.asarray(lat, dtype=float))
    cos_p = np.cos(phi)
    return np.stack([cos_p * np.cos(lam), cos_p * np.sin(lam), np.sin(phi)], axis=-1)


def from_unit_vectors(v: np.ndarray):
    """Longitudes, latitudes (degrees) of (n, 3) vectors (need not be unit length)."""
    v = np.asarray(v, dtype=float)
    lon = np.degrees(np.arctan2(v[..., 1], v[..., 0]))
    lat = np.degrees(np.arctan2(v[..., 2], np.hypot(v[..., 0], v[..., 1])))
    return lon, lat


def _arc(a: np.ndarray, b: np.ndarray) -> float:
    """The angle (radians) between two unit vectors."""
    return math.acos(max(-1.0, min(1.0, float(np.dot(a, b)))))


def _slerp(a: np.ndarray, b: np.ndarray, omega: float, fractions) -> np.ndarray:
    """(n, 3) vectors at ``fractions`` of the way from a to b, ``omega`` apart."""
    f = np.asarray(fractions, dtype=float).reshape(-1, 1)
    if omega < 1e-9:
        return a * (1 - f) + b * f
    return (np.sin((1 - f) * omega) * a + np.sin(f * omega) * b) / math.sin(omega)


def great_circle(lat1: float, lon1: float, lat2: float, lon2: float, max_step_deg: float = 0.5):
    """Points along the great circle from (lat1, lon1) to (lat2, lon2), endpoints included.

    Returns (lat, lon) arrays in degrees, at most ``max_step_deg`` of arc apart. Used for
    coverage gaps and for long straight legs between sparse track points.
    """
    omega = _arc(to_unit_vectors(lon1, lat1), to_unit_vectors(lon2, lat2))
    n = max(1, int(math.ceil(math.degrees(omega) / max_step_deg)))
    lat, lon = great_circle_at(lat1, lon1, lat2, lon2, np.linspace(0.0, 1.0, n + 1))
    lon[0], lat[0], lon[-1], lat[-1] = lon1, lat1, lon2, lat2
    return lat, lon


def great_circle_at(lat1: float, lon1: float, lat2: float, lon2: float, fractions):
    """Points at ``fractions`` of the way (0 = start, 1 = end) along the great circle from
    (lat1, lon1) to (lat2, lon2): (lat, lon) arrays in degrees."""
    a = to_unit_vectors(lon1, lat1)
    b = to_unit_vectors(lon2, lat2)
    lon, lat = from_unit_vectors(_slerp(a, b, _arc(a, b), fractions))
    return lat, lon


def densify(lon: np.ndarray, lat: np.ndarray, connect: np.ndarray, max_step_deg: float = 0.5,
            candidates: np.ndarray | None = None):
    """Insert great-circle points into legs longer than ``max_step_deg``.

    ``connect[i]`` says whether point i is joined to point i+1 (length n-1). ``candidates``
    (optional, like ``connect``) limits the legs looked at to those that may be long: a
    million short legs then cost next to nothing. Returns new lon, lat, connect and, for
    each output point, the index of the input point it came from (interpolated points
    carry the index of the leg's start).
    """
    n = len(lon)
    if n < 2:
        return lon, lat, connect, np.arange(n)
    legs = np.flatnonzero(connect if candidates is None else connect & candidates)
    if len(legs) == 0:
        return lon, lat, connect, np.arange(n)
    va = to_unit_vectors(lon[legs], lat[legs])
    vb = to_unit_vectors(lon[legs + 1], lat[legs + 1])
    omega = np.arccos(np.clip(np.einsum("ij,ij->i", va, vb), -1.0, 1.0))
    k = np.maximum(1, np.ceil(np.degrees(omega) / max_step_deg)).astype(np.int64)
    long = k > 1
    if not long.any():
        return lon, lat, connect, np.arange(n)
    legs, va, vb, omega, k = legs[long], va[long], vb[long], omega[long], k[long]
    steps = np.ones(n, dtype=np.int64)  # output points per input point (its own and those after it)
    steps[legs] = k
    at = np.concatenate([[0], np.cumsum(steps)[:-1]])  # where each input point lands
    total = int(at[-1]) + 1
    new_lon = np.empty(total)
    new_lat = np.empty(total)
    # The given coordinates exactly where there is no interpolation.
    new_lon[at] = lon
    new_lat[at] = lat
    inner = k - 1
    rep = np.repeat(np.arange(len(legs)), inner)
    sub = np.arange(len(rep)) - np.repeat(np.cumsum(inner) - inner, inner) + 1
    f = (sub / k[rep])[:, None]
    om = omega[rep][:, None]
    a, b = va[rep], vb[rep]
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.sin(om)
        slerp = (np.sin((1 - f) * om) * a + np.sin(f * om) * b) / np.where(s > 1e-12, s, 1.0)
    pts = np.where(om > 1e-9, slerp, a * (1 - f) + b * f)
    pos = at[legs][rep] + sub
    new_lon[pos], new_lat[pos] = from_unit_vectors(pts)
    new_connect = np.ones(total - 1, dtype=bool)
    new_connect[at[:-1]] = connect  # a long leg is joined, so its inner points are too
    source = np.repeat(np.arange(n), steps)
    return new_lon, new_lat, new_connect, source


# --------------------------------------------------------------------------- choice

def _centre_and_radius(lon: np.ndarray, lat: np.ndarray, max_points: int = 200_000):
    """Centre of the points on the sphere (degrees) and the largest angle (degrees) to it."""
    step = max(1, len(lon) // max_points)
    lon_s = np.concatenate([lon[::step], lon[-1:]])
    lat_s = np.concatenate([lat[::step], lat[-1:]])
    v = to_unit_vectors(lon_s, lat_s)
    extent = geo_extent(lon_s, lat_s)
    mean = v.mean(axis=0)
    if np.linalg.norm(mean) < 1e-6:
        return 0.0, 0.0, 180.0
    # The mean of 3-D vectors is pulled towards dense clusters; the middle of the
    # bounding box suits a map better, unless the box is useless (near a pole).
    c_lon, c_lat = from_unit_vectors(mean)
    if extent is not None and extent.east - extent.west < 300 and max(abs(extent.north), abs(extent.south)) < 80:
        c_lon = extent.lon_center
        c_lat = (extent.north + extent.south) / 2.0
    c = to_unit_vectors(c_lon, c_lat)
    radius = math.degrees(math.acos(float(np.clip(v @ c, -1.0, 1.0).min())))
    return float(c_lon), float(c_lat), radius


def choose_projection(lon, lat) -> Projection:
    """A sensible projection for points (degrees): regional when they fit in a cap, else world.

    - mid-latitudes (centre 20°..70° N or S, all on one side of the equator): Lambert
      conformal conic with standard parallels at 1/6 and 5/6 of the latitude range;
    - polar, equatorial or straddling the equator: azimuthal equidistant on the centre;
    - wider than ~75° around the centre: Equal Earth centred on the data's longitudes.
    """
    lon = np.asarray(lon, dtype=float).ravel()
    lat = np.asarray(lat, dtype=float).ravel()
    ok = np.isfinite(lon) & np.isfinite(lat)
    lon, lat = lon[ok], lat[ok]
    if len(lon) == 0:
        return EqualEarth(lon0=0.0)
    c_lon, c_lat, radius = _centre_and_radius(lon, lat)
    c_lon = round(c_lon, 1)
    c_lat = round(c_lat, 1)
    if radius > REGIONAL_MAX_RADIUS_DEG:
        extent = geo_extent(lon, lat)
        lon0 = extent.lon_center if extent and extent.east - extent.west < 340 else 0.0
        return EqualEarth(lon0=round(lon0 / 5) * 5)
    south, north = float(lat.min()), float(lat.max())
    if 20 <= abs(c_lat) <= 70 and south * north > 0 and max(abs(south), abs(north)) < 84:
        span = north - south
        lat1 = south + span / 6
        lat2 = north - span / 6
        if span < 2:
            lat1 = lat2 = c_lat
        return LambertConformalConic(lon0=c_lon, lat0=c_lat, lat1=round(lat1, 1), lat2=round(lat2, 1))
    return AzimuthalEquidistant(lon0=c_lon, lat0=c_lat)


def view_to_geo_extent(proj: Projection, x0: float, x1: float, y0: float, y1: float,
                       samples: int = 64) -> GeoExtent:
    """The lon/lat box that holds a rectangle of the map plane (longitudes around lon0)."""
    t = np.linspace(0.0, 1.0, samples)
    xs = np.concatenate([x0 + (x1 - x0) * t, np.full(samples, x1), x1 - (x1 - x0) * t, np.full(samples, x0)])
    ys = np.concatenate([np.full(samples, y0), y0 + (y1 - y0) * t, np.full(samples, y1), y1 - (y1 - y0) * t])
    lon, lat = proj.inverse(xs, ys)
    ok = np.isfinite(lon) & np.isfinite(lat)
    lon = wrap_lon(lon[ok], proj.lon0)
    lat = lat[ok]
    west, east = float(lon.min()), float(lon.max())
    south, north = float(lat.min()), float(lat.max())
    # A pole inside the rectangle: every longitude is visible.
    for pole in (90.0, -90.0):
        px, py = proj.forward(proj.lon0, pole)
        px, py = float(px), float(py)
        if np.isfinite(px) and x0 <= px <= x1 and y0 <= py <= y1:
            west, east = proj.lon0 - 180.0, proj.lon0 + 180.0
            north, south = (90.0, south) if pole > 0 else (north, -90.0)
    shift = 360.0 * math.floor((west + 180.0) / 360.0)
    return GeoExtent(west - shift, east - shift, south, north)
