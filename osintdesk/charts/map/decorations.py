"""What the map says about itself: legend, scale bar, graticule and its labels, labels of
airports, places, countries and coverage gaps, messages, title and attribution.

Labels are placed by a ``style.LabelPlacer`` in the room the layers and the other labels
leave; ``to_px`` maps map metres to axes pixels.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch

from ... import timefmt
from ...flights.geo import KM_PER_NM, great_circle_km
from .. import basemap, style
from ..data import ChartFlight, ChartPlace
from ..projection import GeoExtent, Projection, wrap_lon
from .layers import PLACE_MARKERS, place_kinds
from .model import MAX_LEGEND_FLIGHTS, MapInfo


def _nice(value: float) -> float:
    """The largest 1, 2, 2.5 or 5 times a power of ten not above ``value``."""
    if value <= 0:
        return 0.0
    p = 10 ** math.floor(math.log10(value))
    for m in (5, 2.5, 2, 1):
        if m * p <= value:
            return m * p
    return p


def footer(fig, scale: str, proj: Projection) -> list:
    """Basemap credit on the left, projection on the right; shorter forms on narrow figures.

    Returns the texts added (a zoom's new basemap replaces them).
    """
    fx = 8 * fig.dpi / 100 / fig.bbox.width
    fy = 5 * fig.dpi / 100 / fig.bbox.height
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
    kinds = place_kinds(places)
    for kind, k in kinds.items():
        handles.append(Line2D([], [], linestyle="none", marker=PLACE_MARKERS[k], markersize=6,
                              markerfacecolor="#ffd23f", markeredgecolor="#222222"))
        labels.append(kind)
    return handles, labels


def draw_legend(ax, info: MapInfo, flights: Sequence[ChartFlight], places: Sequence[ChartPlace],
                corner: str, placer) -> str | None:
    """The legend in ``corner`` (kept free of labels); returns the corner, None without a legend."""
    handles, labels = _legend_entries(flights, info, places)
    if not handles:
        return None
    W, H = ax.bbox.width, ax.bbox.height
    lw, lh = _legend_size(labels, ax.figure.dpi)
    placer.block(*_corner_box(corner, lw, lh, W, H))
    info.legend = ax.legend(
        handles, labels, loc=corner, fontsize=style.FONT_SMALL,
        frameon=True, framealpha=0.92, edgecolor="#c4c4c4", fancybox=False,
        handlelength=2.4, borderpad=0.6, labelspacing=0.45)
    info.legend.set_zorder(20)
    return corner


def _legend_size(labels: Sequence[str], dpi: float):
    w = max(style.text_size_px(label, style.FONT_SMALL, dpi)[0] for label in labels) + 60 * dpi / 100
    h = len(labels) * style.FONT_SMALL * dpi / 72 * 1.75 + 16 * dpi / 100
    return w, h


def _corner_box(corner: str, w: float, h: float, W: float, H: float, pad: float = 6):
    x0 = W - w - pad if corner.endswith("right") else pad
    y0 = H - h - pad if corner.startswith("upper") else pad
    return x0, y0, x0 + w, y0 + h


def corner_order(points_px: np.ndarray, W: float, H: float):
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


def label_airports_and_places(ax, info: MapInfo, airports, places: Sequence[ChartPlace], markers,
                              placer, to_px) -> None:
    """Each airport's code and each place's label beside it, where they collide least.

    Every marker is blocked first, so no label covers another point; the places'
    (place, marker, label) go to ``info.place_artists``.
    """
    dpi = ax.figure.dpi
    proj = info.projection
    for p in list(airports) + list(places):
        px_, py_ = proj.forward(p.lon, p.lat)
        placer.block(*_point_box(*to_px(px_, py_), 5))
    for a in airports:
        ax_, ay_ = proj.forward(a.lon, a.lat)
        info.airport_labels[a.code] = _place_label(
            ax, placer, a.code, float(ax_), float(ay_), to_px, dpi, fontsize=style.FONT + 0.5,
            weight="bold", colour=style.TEXT, zorder=8)
    for p, mk in zip(places, markers):
        px_, py_ = proj.forward(p.lon, p.lat)
        text = _place_label(ax, placer, p.label, float(px_), float(py_), to_px, dpi,
                            fontsize=style.FONT_SMALL, style_="italic", colour="#3a3a3a", zorder=8)
        info.place_artists.append((p, mk, text))


def label_gaps(ax, info: MapInfo, placer, to_px, dpi):
    """Write the length of each coverage gap along its dashed line, where it fits."""
    for t in info.tracks.values():
        for g, (gx, gy) in zip(t.gaps, t.gap_paths):
            ok = np.isfinite(gx)
            if ok.sum() < 2:
                continue
            px, py = to_px(gx[ok], gy[ok])
            length = np.hypot(np.diff(px), np.diff(py)).sum()
            text = f"no data {timefmt.duration(g.duration_s)}"
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


def draw_country_labels(ax, proj, view, metres_per_px, placer, to_px, dpi):
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


def draw_graticule(ax, proj, view, geo: GeoExtent, placer, to_px, dpi):
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


def measured_at(proj: Projection, view, tracks=()) -> tuple[float, float]:
    """Where a scale bar is measured, in map metres: on the view's middle meridian at the
    middle latitude of what the tracks draw in ``view`` (``DrawnTrack``s), else at the
    view's middle; never the map's edge, which on a tall pane lies far south of a route."""
    x0, x1, y0, y1 = view
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    low, high = math.inf, -math.inf
    for track in tracks:
        x, y = np.asarray(track.x), np.asarray(track.y)
        lat = np.asarray(track.flight.lat, dtype=float)
        inside = lat[(x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)]
        if len(inside):
            low, high = min(low, float(inside.min())), max(high, float(inside.max()))
    if low > high:
        return cx, cy
    lon_c = proj.inverse(np.array([cx]), np.array([cy]))[0]
    mx, my = proj.forward(lon_c, np.array([(low + high) / 2]))
    return (float(mx[0]), float(my[0])) if np.isfinite(mx[0]) and np.isfinite(my[0]) else (cx, cy)


def draw_scale_bar(ax, proj: Projection, view, corner: str, placer, artists: list,
                   tracks=()) -> tuple[float, float] | None:
    """Two bars, kilometres above nautical miles, true at the middle of what is drawn
    (``measured_at``); where the scale varies across the view the km bar names that
    latitude.

    The artists drawn are appended to ``artists`` (so a zoom can replace them).
    """
    x0, x1, y0, y1 = view
    W, H = ax.bbox.width, ax.bbox.height
    dpi = ax.figure.dpi
    k = dpi / 100.0
    pad = 14 * k
    left = corner.endswith("left")
    # Ground metres per map metre along x, at the middle of what is drawn.
    bx, by = measured_at(proj, view, tracks)
    delta = (x1 - x0) * 0.01
    lon_a, lat_a = proj.inverse(np.array([bx - delta / 2]), np.array([by]))
    lon_b, lat_b = proj.inverse(np.array([bx + delta / 2]), np.array([by]))
    ground_m = great_circle_km(lat_a[0], lon_a[0], lat_b[0], lon_b[0]) * 1000.0
    if not math.isfinite(ground_m) or ground_m <= 0:
        return None
    scale = ground_m / delta  # ground metres per map metre
    # Scale varies across the view: on a world map a bar would mislead, so leave it out.
    cx, cy = np.array([x0, x1, (x0 + x1) / 2, x0, x1]), np.array([y0, y0, (y0 + y1) / 2, y1, y1])
    scales = []
    for sx, sy in zip(cx, cy):
        la_, lo_ = proj.inverse(np.array([sx - delta / 2, sx + delta / 2]), np.array([sy, sy]))[::-1]
        scales.append(great_circle_km(la_[0], lo_[0], la_[1], lo_[1]) * 1000 / delta)
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


def draw_message(ax, info: MapInfo, flights: Sequence[ChartFlight], has_content: bool,
                 legend_corner: str | None) -> None:
    """Say why the map is empty, or how many selected flights it cannot show."""
    if not has_content:
        info.message = "No flights or places selected" if not flights else "The selected flights have no positions"
        size = style.FONT_TITLE + 1
        # Broken onto lines that fit a narrow pane, its box's padding included.
        room = ax.bbox.width - 2 * (0.8 + 1.0) * size * ax.figure.dpi / 72.0
        shown = style.wrap_text(info.message, room, size, ax.figure.dpi, max_lines=3)
        ax.text(0.5, 0.5, shown, transform=ax.transAxes, ha="center", va="center",
                multialignment="center", fontsize=size, color="#444444", zorder=30,
                bbox=dict(boxstyle="round,pad=0.8", facecolor="white", edgecolor="#bbbbbb", alpha=0.95))
    elif info.without_positions:
        n = len(info.without_positions)
        ax.text(0.01, 0.99 if legend_corner != "upper left" else 0.01,
                f"{n} selected flight{'s' if n > 1 else ''} without positions",
                transform=ax.transAxes, ha="left", va="top" if legend_corner != "upper left" else "bottom",
                fontsize=style.FONT_SMALL, color=style.MUTED, zorder=30, path_effects=style.halo())


def draw_title(fig, title: str | None) -> None:
    """The title at the figure's top left."""
    if title:
        title = style.header_title(title, fig.bbox.width, fig.dpi)   # two lines if need be
        fig.text(8 / fig.bbox.width * fig.dpi / 100, 1 - 9 / fig.bbox.height * fig.dpi / 100, title,
                 ha="left", va="top", fontsize=style.FONT_TITLE, fontweight="bold", color=style.TEXT,
                 **({"linespacing": 1.25} if "\n" in title else {}))
