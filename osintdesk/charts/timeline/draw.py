"""The timeline chart: events, flights, ground stays, coverage gaps and sources on one time
axis, in UTC or a chosen zone (the axis label names it), drawn on a matplotlib Figure.

Lanes top to bottom: events, one per aircraft (flights, stays, gaps), sources. Items that
would overprint one another are stacked into sub-rows; where a lane has no room left, a
mark is still drawn but its label is counted in a "+N" under the lane (zoom in to read
them). A coverage gap is hatched and outlined dashed over its flight: never drawn as
flown. An event known only to a day, a month or a year is a faded span over all of it;
a source is its publication (◇) joined to its captures (●).

Where everything goes is planned first (``plan.plan_timeline``: no Figure, any thread);
``draw_timeline`` then makes the artists of a plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

import matplotlib.dates as mdates
import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ... import timefmt
from .. import style
from .items import TimelineItem
from .plan import (BAR, EVENT, GAP_EDGE, HIGHLIGHT, SIGHTING, SOURCE, SOURCE_LINE, STAY, STAY_EDGE, Mark,
                   TimelinePlan, box, default_title, legend_labels, plan_timeline)

__all__ = ["Mark", "TimelineInfo", "TimelinePlan", "default_title", "draw_timeline", "plan_timeline",
           "time_axis"]


@dataclass
class TimelineInfo:
    """What ``draw_timeline`` drew: the axes, one Mark per item (hit tests, highlights),
    the lanes (name, first row, last row), the labels, how many labels each lane had no
    room for, the zone and the UTC time range shown."""

    ax: object
    zone: str = "UTC"
    marks: list[Mark] = field(default_factory=list)
    lanes: list[tuple[str, float, float]] = field(default_factory=list)
    labels: list = field(default_factory=list)
    hidden: dict[str, int] = field(default_factory=dict)
    counts: list = field(default_factory=list)          # the "+N" texts
    time_range: tuple[float, float] | None = None
    message: str | None = None
    highlighted: list[Mark] = field(default_factory=list)
    _highlight_artist: object = None
    _boxes: np.ndarray | None = None

    @property
    def empty(self) -> bool:
        return self.message is not None

    def item_at(self, x: float, y: float, max_distance_px: float = 5.0) -> TimelineItem | None:
        """The item whose mark is under (or nearest within ``max_distance_px`` of) the point
        (x in date numbers, y in rows: ``event.xdata``/``ydata``); None if none is."""
        if not self.marks or x is None or y is None:
            return None
        if self._boxes is None:
            self._boxes = np.array([(m.x0, m.x1, m.y) for m in self.marks], dtype=float)
        x_lo, x_hi = self.ax.get_xlim()
        y_lo, y_hi = self.ax.get_ylim()
        bbox = self.ax.bbox
        px_x = bbox.width / abs(x_hi - x_lo)
        px_y = bbox.height / abs(y_hi - y_lo)
        b = self._boxes
        dx = np.maximum(0.0, np.maximum(b[:, 0] - x, x - b[:, 1])) * px_x
        dy = np.maximum(0.0, np.abs(b[:, 2] - y) - BAR / 2) * px_y
        dist = np.hypot(dx, dy)
        i = int(np.argmin(dist + 1e-6 * (b[:, 1] - b[:, 0]) * px_x))  # the narrower of two overlapping
        return self.marks[i].item if dist[i] <= max_distance_px else None

    def highlight(self, records: Iterable[tuple[str, str]]) -> int:
        """Outline the marks of these records ((kind, id): what a click selects, or the
        record itself); replaces the previous highlight. Returns how many marks."""
        wanted = set(records)
        if self._highlight_artist is not None:
            self._highlight_artist.remove()
            self._highlight_artist = None
        self.highlighted = [m for m in self.marks if (m.item.select_kind, m.item.select_id) in wanted
                            or (m.item.record_kind, m.item.record_id) in wanted]
        if self.highlighted:
            px = _days_per_px(self.ax)
            verts = [box(m.x0 - 3 * px, m.x1 + 3 * px, m.y, BAR + 0.22) for m in self.highlighted]
            self._highlight_artist = self.ax.add_collection(PolyCollection(
                verts, facecolors="none", edgecolors=HIGHLIGHT, linewidths=2.2, zorder=9))
        return len(self.highlighted)


def _days_per_px(ax) -> float:
    x_lo, x_hi = ax.get_xlim()
    return abs(x_hi - x_lo) / max(ax.bbox.width, 1.0)


def _legend(kinds):
    """The legend's handles and texts for these kinds of item."""
    handles = []
    if "event" in kinds:
        handles.append(Patch(facecolor=EVENT, alpha=0.28))
    if "flight" in kinds:
        handles.append(Patch(facecolor=style.MUTED))   # each flight has its own colour
    if "ground-stay" in kinds:
        handles.append(Patch(facecolor=STAY, edgecolor=STAY_EDGE))
    if "gap" in kinds:
        handles.append(Patch(facecolor="white", edgecolor=GAP_EDGE, hatch="////", linestyle="--"))
    if "source" in kinds:
        handles.append(Line2D([], [], marker="D", markersize=5, markerfacecolor="white",
                              markeredgecolor=SOURCE, linestyle="none"))
        handles.append(Line2D([], [], marker="o", markersize=5, color=SOURCE, linestyle="none"))
    if "sighting" in kinds:
        handles.append(Line2D([], [], marker="x", markersize=5, color=SIGHTING, linestyle="none"))
    return handles, legend_labels(kinds)


def time_axis(axis, zone: str) -> None:
    """Concise date ticks in ``zone`` (``style.time_axis``)."""
    style.time_axis(axis, zone)


def draw_timeline(fig: Figure, items: Sequence[TimelineItem] = (), lanes: Sequence[str] | None = None, *,
                  zone: str = "UTC", t_from: float | None = None, t_to: float | None = None,
                  title: str | None = None, plan: TimelinePlan | None = None) -> TimelineInfo:
    """Draw ``items`` (see ``items.read_timeline``) on ``fig`` (cleared first).

    ``lanes``: their order top to bottom (default: as they come); ``zone``: the zone of the
    axis (``UTC``, an offset or an IANA name; the axis label names it); ``t_from``/``t_to``
    (UTC epoch seconds) fix the time axis, which otherwise spans the items with a margin.
    With ``plan`` (``plan_timeline`` for this figure's size, made on any thread), only the
    artists are made and the other arguments are ignored.
    """
    if plan is None:
        plan = plan_timeline(items, lanes, size_px=(fig.bbox.width, fig.bbox.height), dpi=fig.dpi,
                             zone=zone, t_from=t_from, t_to=t_to, title=title)
    fig.clear()
    handles, labels = _legend(plan.kinds)
    style.figure_header(fig, plan.title, None, handles, labels)
    ax = fig.add_axes(list(plan.rect))
    info = TimelineInfo(ax=ax, zone=plan.zone)
    ax.set_xlabel(f"time ({plan.zone})", fontsize=style.FONT, color="#444444")
    ax.tick_params(axis="x", labelsize=style.FONT_SMALL, colors="#444444")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color("#999999")
    if plan.message is not None:
        info.message = plan.message
        ax.set_yticks([])
        ax.set_xticks([])
        ax.text(0.5, 0.5, info.message, transform=ax.transAxes, ha="center", va="center",
                fontsize=style.FONT_TITLE + 1, color="#444444")
        return info
    info.time_range = plan.time_range
    info.marks, info.lanes, info.hidden = plan.marks, plan.lanes, plan.hidden
    ax.set_xlim(*plan.xlim)
    ax.set_ylim(plan.rows, 0)
    small = plan.label_size
    # A label over its own mark (a source's published→captured line) sits on a white box:
    # a halo alone leaves the line showing through the spaces between words.
    on_box = {"bbox": {"boxstyle": "square,pad=0.2", "facecolor": "white", "edgecolor": "none"}}
    info.labels = [ax.text(x, y, text, ha=ha, va="center", fontsize=small, zorder=7, clip_on=True,
                           color=colour, **(on_box if boxed else {}))
                   for x, y, text, ha, colour, boxed in plan.labels]

    # Stays under flights, gaps over them; events' certain part over their faded span. The
    # limits are the plan's: no data limits to work out (autolim) for thousands of boxes.
    if len(plan.stay_verts):
        ax.add_collection(PolyCollection(plan.stay_verts, facecolors=STAY, edgecolors=STAY_EDGE,
                                         linewidths=0.6, zorder=2), autolim=False)
    if len(plan.flight_verts):
        ax.add_collection(PolyCollection(plan.flight_verts, facecolors=plan.flight_colours,
                                         edgecolors="none", zorder=3), autolim=False)
    if len(plan.narrow_gap_verts):
        ax.add_collection(PolyCollection(plan.narrow_gap_verts, facecolors="white", edgecolors="none",
                                         zorder=4), autolim=False)
    if len(plan.wide_gap_verts):
        ax.add_collection(PolyCollection(plan.wide_gap_verts, facecolors="white", edgecolors=GAP_EDGE,
                                         linewidths=0.8, linestyles="--", hatch="////", zorder=4),
                          autolim=False)
    if len(plan.faded_verts):
        ax.add_collection(PolyCollection(plan.faded_verts, facecolors=EVENT, alpha=0.28,
                                         edgecolors="none", zorder=3), autolim=False)
    if len(plan.solid_verts):
        ax.add_collection(PolyCollection(plan.solid_verts, facecolors=EVENT, edgecolors="none", zorder=4),
                          autolim=False)
    if plan.point_xy:
        xs, ys = zip(*plan.point_xy)
        ax.plot(xs, ys, linestyle="none", marker="s", markersize=5.5, color=EVENT, zorder=8)
    if len(plan.published_verts):
        ax.add_collection(PolyCollection(plan.published_verts, facecolors=SOURCE, alpha=0.25,
                                         edgecolors="none", zorder=3), autolim=False)
    if len(plan.source_lines):
        ax.add_collection(LineCollection(plan.source_lines, colors=SOURCE_LINE, linewidths=1.2, zorder=3),
                          autolim=False)
    if plan.sighting_xy:
        xs, ys = zip(*plan.sighting_xy)
        ax.plot(xs, ys, linestyle="none", marker="x", markersize=5.5, markeredgewidth=1.4,
                color=SIGHTING, zorder=8)
    if plan.captured_xy:
        xs, ys = zip(*plan.captured_xy)
        ax.plot(xs, ys, linestyle="none", marker="o", markersize=5, color=SOURCE, zorder=8)
    if plan.published_xy:
        xs, ys = zip(*plan.published_xy)
        ax.plot(xs, ys, linestyle="none", marker="D", markersize=5.5, markerfacecolor="white",
                markeredgecolor=SOURCE, markeredgewidth=1.3, zorder=8)
    info.counts = [ax.text(x, y, text, ha="center", va="center", fontsize=small, color=style.MUTED,
                           zorder=7, clip_on=True) for x, y, text in plan.counts]

    # Lanes: names on the left, a rule between them.
    ticks, names = [], []
    for name, y0, y1 in info.lanes:
        ticks.append((y0 + y1) / 2)
        names.append(plan.lane_texts.get(name, name))
        if y0 > 0:
            ax.axhline(y0, color="#d5d5d5", linewidth=0.8, zorder=0.5)
    ax.set_yticks(ticks)
    ax.set_yticklabels(names, fontsize=style.FONT, color=style.TEXT)
    ax.tick_params(axis="y", length=0, pad=6)
    time_axis(ax.xaxis, plan.zone)
    ax.grid(True, axis="x", color="#ececec", linewidth=0.7, zorder=0)
    ax.set_axisbelow(True)
    return info
