"""The flight profile: altitude and ground speed against UTC time for one flight.

Two panels share the time axis. Time on the ground is shaded, coverage gaps are hatched
and labelled with their length (lines break there, nothing is drawn as if observed), and
each take-off and landing is marked with its UTC time and airport.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from .. import timefmt
from . import style
from .data import ChartFlight

# More points than this many per pixel column are reduced to each column's extremes.
_POINTS_PER_PX = 4


@dataclass
class ProfileInfo:
    """What ``draw_profile`` drew (for tests and the window)."""

    ax_alt: object
    ax_gs: object | None = None
    alt_line: Line2D | None = None
    gs_line: Line2D | None = None
    takeoffs: list = field(default_factory=list)      # UTC epoch seconds
    landings: list = field(default_factory=list)
    ground_spans: list = field(default_factory=list)  # (start, end) UTC epoch seconds
    gap_spans: list = field(default_factory=list)
    message: str | None = None

    @property
    def empty(self) -> bool:
        return self.message is not None


def _reduce_series(x_px: np.ndarray, brk: np.ndarray, *values: np.ndarray) -> np.ndarray:
    """Indices to draw for time series with many points per pixel column.

    Keeps, per column, the first and last point and each series' minimum and maximum, and
    both sides of every break, so spikes and gaps survive.
    """
    n = len(x_px)
    col = np.floor(x_px).astype(np.int64)
    keep = np.zeros(n, dtype=bool)
    starts = np.flatnonzero(np.concatenate([[True], col[1:] != col[:-1]]))
    ends = np.concatenate([starts[1:] - 1, [n - 1]])
    keep[starts] = True
    keep[ends] = True
    keep |= brk
    keep[:-1] |= brk[1:]
    bucket = np.repeat(np.arange(len(starts)), np.diff(np.concatenate([starts, [n]])))
    for v in values:
        finite = np.isfinite(v)
        keep[:-1] |= finite[:-1] != finite[1:]  # both ends of missing stretches
        keep[1:] |= finite[:-1] != finite[1:]
        # Sorted by column then value, each column's first entry is its minimum (maximum).
        lo = np.lexsort((np.where(finite, v, np.inf), bucket))
        hi = np.lexsort((-np.where(finite, v, -np.inf), bucket))
        keep[lo[starts]] = True
        keep[hi[starts]] = True
    return np.flatnonzero(keep)


def _with_breaks(x: np.ndarray, y: np.ndarray, brk: np.ndarray):
    """NaN inserted before every point that starts a new piece (not the first)."""
    cut = np.flatnonzero(brk[1:]) + 1
    return np.insert(x, cut, np.nan), np.insert(y, cut, np.nan)


def _runs(mask: np.ndarray):
    """(first, last) index pairs of the runs of True."""
    if not mask.any():
        return []
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1) - 1))


def _empty(fig: Figure, message: str, title: str | None) -> ProfileInfo:
    ax = fig.add_axes([0.07, 0.12, 0.88, 0.78])
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#bbbbbb")
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center",
            fontsize=style.FONT_TITLE + 1, color="#444444")
    style.figure_header(fig, title)
    return ProfileInfo(ax_alt=ax, message=message)


def draw_profile(fig: Figure, flight: ChartFlight | None, *, title: str | None = None) -> ProfileInfo:
    """Altitude (ft) and ground speed (kt) against UTC time for one flight, on ``fig`` (cleared first).

    ``title`` defaults to the aircraft and the flight's label. With no flight or no points,
    the chart says so instead.
    """
    fig.clear()
    if flight is None:
        return _empty(fig, "No flight selected", title)
    if title is None:
        title = f"{flight.aircraft_label} · {flight.label}" if flight.aircraft_label else flight.label
    t = flight.t_utc
    if len(t) == 0 or not np.isfinite(t).any():
        return _empty(fig, "No positions for this flight", title)

    w_px, h_px = fig.bbox.width, fig.bbox.height
    k = fig.dpi / 100
    alt_colour, gs_colour = "#1f5fbf", "#c0392b"
    handles = [Line2D([], [], color=alt_colour, linewidth=1.6), Line2D([], [], color=gs_colour, linewidth=1.4),
               Patch(facecolor=style.GROUND, alpha=0.45),
               Patch(facecolor="#f2f2f2", edgecolor="#9a9a9a", hatch="////", linewidth=0),
               Line2D([], [], color="#333333", linewidth=0.9, linestyle=(0, (4, 2)))]
    labels = ["altitude", "ground speed", "on the ground", "coverage gap (no positions)",
              "take-off / landing"]
    # The flight's own colour, as its track on the map and its bar on the timeline.
    handles.insert(0, Patch(facecolor=flight.colour))
    labels.insert(0, "this flight (map, timeline)")
    subtitle = (f"{timefmt.display_time(t[0], seconds=False)} – "
                f"{timefmt.display_time(t[-1], seconds=False)}  ·  {len(t):,} positions")
    header_px = style.figure_header(fig, title, subtitle, handles, labels)
    left, right = 70 * k / w_px, 1 - 20 * k / w_px
    top = 1 - (header_px + 4 * k) / h_px
    bottom = 40 * k / h_px
    split = bottom + (top - bottom) * 0.38
    gap = 10 * k / h_px
    ax_alt = fig.add_axes([left, split + gap, right - left, top - split - gap])
    ax_gs = fig.add_axes([left, bottom, right - left, split - bottom], sharex=ax_alt)
    info = ProfileInfo(ax_alt=ax_alt, ax_gs=ax_gs)

    x = style.mpl_days(t)
    brk = flight.break_before()
    brk[0] = False
    alt, gs = flight.alt_ft, flight.gs_kt
    n = len(t)
    span = max(x[-1] - x[0], 1e-6)
    pad = span * 0.02
    x_lo, x_hi = x[0] - pad, x[-1] + pad
    ax_width = ax_alt.bbox.width
    idx = np.arange(n)
    if n > _POINTS_PER_PX * ax_width:
        x_px = (x - x_lo) / (x_hi - x_lo) * ax_width
        idx = _reduce_series(x_px, brk, alt, gs)
    xs, brk_s = x[idx], brk[idx]  # the reduction keeps every break

    lx, ly = _with_breaks(xs, alt[idx], brk_s)
    info.alt_line, = ax_alt.plot(lx, ly, color=alt_colour, linewidth=1.4, zorder=3)
    ax_alt.fill_between(lx, 0, ly, color=alt_colour, alpha=0.10, linewidth=0, zorder=2)
    lx, ly = _with_breaks(xs, gs[idx], brk_s)
    info.gs_line, = ax_gs.plot(lx, ly, color=gs_colour, linewidth=1.2, zorder=3)

    # On the ground: shaded spans.
    for a, b in _runs(flight.on_ground):
        info.ground_spans.append((float(t[a]), float(t[b])))
        for ax in (ax_alt, ax_gs):
            ax.axvspan(x[a], max(x[b], x[a] + span * 0.002), color=style.GROUND, alpha=0.45,
                       linewidth=0, zorder=1)

    # Labels along the top of the altitude panel, in rows so they never overlap.
    alt_top = np.nanmax(alt) if np.isfinite(alt).any() else 1000.0
    alt_top = max(alt_top, 1000.0) * 1.22
    px_per_day = ax_width / (x_hi - x_lo)
    line_px = style.text_size_px("Ag", style.FONT_SMALL, fig.dpi)[1]
    line_data = line_px / ax_alt.bbox.height * alt_top
    rows: list[list[tuple[float, float]]] = []

    def text_row(lo_px: float, hi_px: float, n_lines: int) -> int:
        r = 0
        while True:
            while len(rows) < r + n_lines:
                rows.append([])
            if all(hi_px + 4 <= a or lo_px - 4 >= b for row in rows[r:r + n_lines] for a, b in row):
                for row in rows[r:r + n_lines]:
                    row.append((lo_px, hi_px))
                return r
            r += 1

    def y_of(row: int) -> float:
        return alt_top * 0.965 - row * line_data

    # Coverage gaps: hatched, labelled, never bridged.
    for g in flight.coverage_gaps():
        info.gap_spans.append((g.start_t, g.end_t))
        g0, g1 = style.mpl_days([g.start_t, g.end_t])
        for ax in (ax_alt, ax_gs):
            ax.axvspan(g0, g1, facecolor="#f2f2f2", edgecolor="#9a9a9a", hatch="////",
                       linewidth=0, zorder=1)
        if (g1 - g0) * px_per_day > 40:
            text = f"no data\n{timefmt.duration(g.duration_s)}"
            w = style.text_size_px(text, style.FONT_SMALL, fig.dpi)[0]
            c = ((g0 + g1) / 2 - x_lo) * px_per_day
            r = text_row(c - w / 2, c + w / 2, 2)
            ax_alt.text((g0 + g1) / 2, y_of(r), text, ha="center", va="top", fontsize=style.FONT_SMALL,
                        color="#555555", fontstyle="italic", zorder=6, path_effects=style.halo(2.5))

    # Take-off and landing: where on_ground changes, with the airport at either end.
    og = flight.on_ground
    changes = np.flatnonzero(og[1:] != og[:-1]) + 1
    for i in changes:
        takeoff = bool(og[i - 1]) and not og[i]
        when = float(t[i])
        if takeoff:
            info.takeoffs.append(when)
            airport = flight.departure.code if flight.departure and not info.landings else ""
        else:
            info.landings.append(when)
            airport = flight.arrival.code if flight.arrival and i == changes[-1] else ""
        text = f"{'take-off' if takeoff else 'landing'} {timefmt.display_clock(when)}"
        if airport:
            text += f" {airport}"
        if brk[i]:
            text += "\n(seen after a gap)"
        xi = x[i]
        for ax in (ax_alt, ax_gs):
            ax.axvline(xi, color="#333333", linewidth=0.9, linestyle=(0, (4, 2)), zorder=4)
        ax_alt.plot([xi], [0], marker="^" if takeoff else "v", color="#333333", markersize=7,
                    zorder=5, clip_on=False)
        # Text on the side away from the ground segment, unless it would leave the panel.
        w = style.text_size_px(text, style.FONT_SMALL, fig.dpi)[0]
        p = (xi - x_lo) * px_per_day
        right_side = p + w + 6 < ax_width if takeoff else p - w - 6 < 0
        lo, hi = (p, p + w + 4) if right_side else (p - w - 4, p)
        r = text_row(lo, hi, text.count("\n") + 1)
        ax_alt.annotate(text, xy=(xi, y_of(r)), xytext=(4 * k if right_side else -4 * k, 0),
                        textcoords="offset pixels", ha="left" if right_side else "right", va="top",
                        fontsize=style.FONT_SMALL, color=style.TEXT, zorder=6, path_effects=style.halo(2.5))

    ax_alt.set_xlim(x_lo, x_hi)
    ax_alt.set_ylim(0, alt_top)
    gs_top = np.nanmax(gs) if np.isfinite(gs).any() else 100.0
    ax_gs.set_ylim(0, max(gs_top, 50.0) * 1.12)
    ax_alt.set_ylabel("altitude (ft)", fontsize=style.FONT, color=alt_colour)
    ax_gs.set_ylabel("ground speed (kt)", fontsize=style.FONT, color=gs_colour)
    ax_alt.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    for ax in (ax_alt, ax_gs):
        ax.tick_params(labelsize=style.FONT_SMALL, colors="#444444")
        ax.grid(True, color="#e6e6e6", linewidth=0.6, zorder=0)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_color("#999999")
    ax_alt.tick_params(labelbottom=False)
    style.utc_time_axis(ax_gs.xaxis)
    ax_gs.set_xlabel("time (UTC)", fontsize=style.FONT, color="#444444")

    return info
