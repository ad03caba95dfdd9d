"""The activity chart: for each aircraft, when it flew and where it sat, on one UTC time axis.

One row per aircraft: flights are solid bars, time on the ground is a lighter bar labelled
with the airport and how long ("ZKPY 2 d 1 h"). This is the view that shows the same
aircraft flew to Pyongyang in July and again in September, and stayed two days each time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from .. import timefmt
from . import style
from .data import ActivityRow

FLIGHT_HEIGHT = 0.30   # in row units
STAY_HEIGHT = 0.14
# Muted colours for time on the ground, one per airport (the longest total stay gets the first).
STAY_COLOURS = ("#d9ccb4", "#b7d3c2", "#cbc5e3", "#ecc4b8", "#bcd3e8", "#e7d9a1", "#d7c0dc", "#c8daa8")
STAY_EDGE = "#9c8c74"
MIN_BAR_PX = 2.5       # a flight of a few hours still shows on a two-month axis


@dataclass
class ActivityInfo:
    """What ``draw_activity`` drew (for tests and the window)."""

    ax: object
    flight_bars: list = field(default_factory=list)    # (row index, Rectangle, ActivityFlight)
    stay_bars: list = field(default_factory=list)      # (row index, Rectangle, GroundStay)
    stay_labels: list = field(default_factory=list)    # (row index, Text)
    flight_labels: list = field(default_factory=list)  # (row index, Text)
    time_range: tuple[float, float] | None = None      # UTC epoch seconds shown
    stay_colours: dict = field(default_factory=dict)   # airport code -> colour
    message: str | None = None

    @property
    def empty(self) -> bool:
        return self.message is not None


def _time_range(rows: Sequence[ActivityRow]):
    times = []
    for r in rows:
        for f in r.flights:
            times += [f.start_t, f.end_t]
        for g in r.ground_stays:
            times += [v for v in (g.start_t, g.end_t) if v is not None]
    times = [float(v) for v in times if v is not None and math.isfinite(float(v))]
    if not times:
        return None
    return min(times), max(times)


def draw_activity(fig: Figure, rows: Sequence[ActivityRow], *, t_from: float | None = None,
                  t_to: float | None = None, title: str | None = None) -> ActivityInfo:
    """Draw one row per aircraft on ``fig`` (cleared first); times in UTC epoch seconds.

    ``t_from``/``t_to`` fix the time axis; by default it spans every flight and stay with a
    small margin. Stays with an open end (None) run to the edge and are labelled "UUWW …".
    """
    fig.clear()
    rows = list(rows)
    w_px, h_px = fig.bbox.width, fig.bbox.height
    k = fig.dpi / 100
    label_w = max([style.text_size_px(r.aircraft_label, style.FONT, fig.dpi)[0] for r in rows] + [60])
    left = min(0.4, (label_w + 24 * k) / w_px)
    handles = [Patch(facecolor=style.flight_colour(0)),
               Patch(facecolor=STAY_COLOURS[0], edgecolor=STAY_EDGE)]
    labels = ["flight", "on the ground (colour per airport)"]
    header_px = style.figure_header(fig, title, None, handles if rows else (), labels if rows else ())
    top = 1 - (header_px + 4 * k) / h_px
    ax = fig.add_axes([left, 40 * k / h_px, 1 - left - 20 * k / w_px, top - 40 * k / h_px])
    info = ActivityInfo(ax=ax)

    found = _time_range(rows)
    if t_from is None or t_to is None:
        if found is None:
            info.message = "No aircraft selected" if not rows else "No flights or ground time to show"
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_edgecolor("#bbbbbb")
            ax.text(0.5, 0.5, info.message, transform=ax.transAxes, ha="center", va="center",
                    fontsize=style.FONT_TITLE + 1, color="#444444")
            return info
        span = max(found[1] - found[0], 3600.0)
        t_from = found[0] - 0.03 * span if t_from is None else t_from
        t_to = found[1] + 0.03 * span if t_to is None else t_to
    info.time_range = (float(t_from), float(t_to))
    x_lo, x_hi = style.mpl_days([t_from, t_to])
    n_rows = max(1, len(rows))
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(n_rows - 0.5, -0.5)  # first aircraft at the top
    ax_w = ax.bbox.width
    days_per_px = (x_hi - x_lo) / ax_w
    row_px = ax.bbox.height / (n_rows + 0.12)
    # Label rows (in row units) that fit above the bars (stays) and below them (flights).
    text_h = style.text_size_px("Ag", style.FONT_SMALL, fig.dpi)[1] / row_px
    room = 0.5 - FLIGHT_HEIGHT / 2 - 0.02
    stay_levels = max(0, min(3, int(room * 1.1 // (text_h + 0.01))))
    flight_levels = max(0, min(2, int(room * 0.9 // (text_h + 0.01))))

    totals: dict[str, float] = {}
    for row in rows:
        # Stays with a known length are labelled first; open-ended ones only where room is left.
        ordered = sorted(row.ground_stays, key=lambda g: g.start_t is None or g.end_t is None)
        for g in ordered:
            start = t_from if g.start_t is None else max(float(g.start_t), t_from)
            end = t_to if g.end_t is None else min(float(g.end_t), t_to)
            totals[g.airport] = totals.get(g.airport, 0.0) + max(0.0, end - start)
    stay_colour = {a: STAY_COLOURS[i % len(STAY_COLOURS)]
                   for i, a in enumerate(sorted(totals, key=lambda a: -totals[a]))}
    info.stay_colours = stay_colour

    for ri, row in enumerate(rows):
        colour = style.flight_colour(ri)
        y = ri
        ax.axhline(y, color="#dddddd", linewidth=0.8, zorder=0.5)
        # Ground stays under the flights, labelled above the row.
        stay_slots: list[list[tuple[float, float]]] = [[] for _ in range(stay_levels)]
        # Stays with a known length are labelled first; open-ended ones only where room is left.
        ordered = sorted(row.ground_stays, key=lambda g: g.start_t is None or g.end_t is None)
        for g in ordered:
            start = t_from if g.start_t is None else max(float(g.start_t), t_from)
            end = t_to if g.end_t is None else min(float(g.end_t), t_to)
            if end <= start:
                continue
            x0, x1 = style.mpl_days([start, end])
            rect = Rectangle((x0, y - STAY_HEIGHT / 2), x1 - x0, STAY_HEIGHT,
                             facecolor=stay_colour.get(g.airport, STAY_COLOURS[0]),
                             edgecolor=STAY_EDGE, linewidth=0.6, zorder=1)
            ax.add_patch(rect)
            info.stay_bars.append((ri, rect, g))
            # An open end has no known length: name the airport only.
            if g.start_t is None and g.end_t is None:
                text = f"… {g.airport} …"
            elif g.start_t is None:
                text = f"… {g.airport}"
            elif g.end_t is None:
                text = f"{g.airport} …"
            else:
                # The whole stay's length, even where the time axis cuts the bar short.
                text = f"{g.airport} {timefmt.duration(float(g.end_t) - float(g.start_t))}".strip()
            tw = style.text_size_px(text, style.FONT_SMALL, fig.dpi)[0] * days_per_px
            cx = (x0 + x1) / 2
            lo = min(max(cx - tw / 2, x_lo), x_hi - tw)
            hi = lo + tw
            for level, used in enumerate(stay_slots):
                if all(hi <= a or lo >= b for a, b in used):
                    used.append((lo - 3 * days_per_px, hi + 3 * days_per_px))
                    y_bar = y - FLIGHT_HEIGHT / 2
                    y_text = y_bar - 0.02 - level * (text_h + 0.01)
                    txt = ax.text((lo + hi) / 2, y_text, text, ha="center", va="bottom",
                                  fontsize=style.FONT_SMALL, color="#5a4a33", zorder=6,
                                  path_effects=style.halo(2.2))
                    info.stay_labels.append((ri, txt))
                    if level and not x0 <= (lo + hi) / 2 <= x1:
                        # A thin leader from a label that had to move to its bar.
                        ax.plot([cx, (lo + hi) / 2], [y - STAY_HEIGHT / 2, y_text],
                                color="#b9a88f", linewidth=0.6, zorder=0.8)
                    break
        # Flights on top, labelled below the row where there is room.
        flight_slots: list[list[tuple[float, float]]] = [[] for _ in range(flight_levels)]
        for f in row.flights:
            start, end = max(float(f.start_t), t_from), min(float(f.end_t), t_to)
            if end < start:
                continue
            x0, x1 = style.mpl_days([start, end])
            width = max(x1 - x0, MIN_BAR_PX * days_per_px)
            cx = (x0 + x1) / 2
            rect = Rectangle((cx - width / 2, y - FLIGHT_HEIGHT / 2), width, FLIGHT_HEIGHT,
                             facecolor=colour, edgecolor="none", zorder=3)
            ax.add_patch(rect)
            info.flight_bars.append((ri, rect, f))
            if not f.label:
                continue
            tw = style.text_size_px(f.label, style.FONT_SMALL - 0.5, fig.dpi)[0] * days_per_px
            lo, hi = cx - tw / 2, cx + tw / 2
            if lo < x_lo or hi > x_hi:
                continue
            for level, used in enumerate(flight_slots):
                if all(hi <= a or lo >= b for a, b in used):
                    used.append((lo - 3 * days_per_px, hi + 3 * days_per_px))
                    y_text = y + FLIGHT_HEIGHT / 2 + 0.02 + level * (text_h + 0.01)
                    txt = ax.text(cx, y_text, f.label, ha="center", va="top", fontsize=style.FONT_SMALL - 0.5,
                                  color=colour, zorder=6, path_effects=style.halo(2.0))
                    info.flight_labels.append((ri, txt))
                    break

    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([r.aircraft_label for r in rows], fontsize=style.FONT, color=style.TEXT)
    ax.tick_params(axis="y", length=0, pad=8)
    ax.tick_params(axis="x", labelsize=style.FONT_SMALL, colors="#444444")
    style.utc_time_axis(ax.xaxis)
    ax.grid(True, axis="x", color="#ececec", linewidth=0.7, zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color("#999999")
    ax.set_xlabel("time (UTC)", fontsize=style.FONT, color="#444444")
    if not rows:
        info.message = "No aircraft selected"
    return info
