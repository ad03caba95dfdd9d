"""The timeline chart: events, flights, ground stays, coverage gaps and sources on one time
axis, in UTC or a chosen zone (the axis label names it), drawn on a matplotlib Figure.

Lanes top to bottom: events, one per aircraft (flights, stays, gaps), sources. Items that
would overprint one another are stacked into sub-rows; where a lane has no room left, a
mark is still drawn but its label is counted in a "+N" under the lane (zoom in to read
them). A coverage gap is hatched and outlined dashed over its flight: never drawn as
flown. An event known only to a day, a month or a year is a faded span over all of it;
a source is its publication (◇) joined to its captures (●).
"""

from __future__ import annotations

import math
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
from .items import EVENTS_LANE, SOURCES_LANE, TimelineItem

EVENT = "#6a3d9a"
SOURCE = "#2b6f8f"
SOURCE_LINE = "#8fb3c4"
STAY = "#d9ccb4"
STAY_EDGE = "#9c8c74"
GAP_EDGE = "#555555"
HIGHLIGHT = "#ffb000"
HATCH_MIN_PX = 6.0       # narrower gaps are a plain white notch
MIN_MARK_PX = 3.0        # a flight of minutes still shows on a year's axis
POINT_PX = 4.0           # half the width of a point mark
LABEL_GAP_PX = 4.0
MAX_SUBROWS = 4
LABEL_CELL_PX2 = 260 * 48   # at most one label per this much of the axes (at 100 dpi),
MIN_LABELS = 40             # but always this many where they fit
MIN_ROW_PX = 19.0        # at 100 dpi: a mark and its label
MAX_ROW_PX = 44.0
COUNT_ROW = 1.2          # the overflow strip under a lane (marks, then "+N"), in rows
OVERFLOW_Y = 0.32        # where its marks sit in it
OVERFLOW_BAR = 0.55      # their height, as a share of a bar
BAR = 0.42               # bar height, in rows
STAY_BAR = 0.26


@dataclass
class Mark:
    """Where an item was drawn: x in matplotlib date numbers, y the centre of its sub-row."""

    item: TimelineItem
    x0: float
    x1: float
    y: float
    labelled: bool


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
            verts = [_box(m.x0 - 3 * px, m.x1 + 3 * px, m.y, BAR + 0.22) for m in self.highlighted]
            self._highlight_artist = self.ax.add_collection(PolyCollection(
                verts, facecolors="none", edgecolors=HIGHLIGHT, linewidths=2.2, zorder=9))
        return len(self.highlighted)


def _days_per_px(ax) -> float:
    x_lo, x_hi = ax.get_xlim()
    return abs(x_hi - x_lo) / max(ax.bbox.width, 1.0)


def _box(x0: float, x1: float, y: float, height: float):
    return [(x0, y - height / 2), (x1, y - height / 2), (x1, y + height / 2), (x0, y + height / 2)]


def _time_range(items: Sequence[TimelineItem]) -> tuple[float, float] | None:
    if not items:
        return None
    return min(i.start_t for i in items), max(i.end_t for i in items)


def _legend(items: Sequence[TimelineItem]):
    kinds = {i.kind for i in items}
    entries = []
    if "event" in kinds:
        entries.append((Patch(facecolor=EVENT, alpha=0.28), "event (faded: the span its date means)"))
    if "flight" in kinds:
        entries.append((Patch(facecolor=style.flight_colour(0)), "flight"))
    if "ground-stay" in kinds:
        entries.append((Patch(facecolor=STAY, edgecolor=STAY_EDGE), "on the ground"))
    if "gap" in kinds:
        entries.append((Patch(facecolor="white", edgecolor=GAP_EDGE, hatch="////", linestyle="--"),
                        "coverage gap (not seen)"))
    if "source" in kinds:
        entries.append((Line2D([], [], marker="D", markersize=5, markerfacecolor="white",
                               markeredgecolor=SOURCE, linestyle="none"), "published"))
        entries.append((Line2D([], [], marker="o", markersize=5, color=SOURCE, linestyle="none"),
                        "captured"))
    return [h for h, _ in entries], [t for _, t in entries]


def default_title(items: Sequence[TimelineItem], zone: str,
                  window: tuple[float, float] | None = None) -> str:
    """``Timeline: 12 items, 2023-09-13 – 2023-12-02 (UTC)``: the span of the items, or the
    ``window`` (UTC epoch seconds) when the axis is fixed."""
    found = window or _time_range(items)
    count = f"{len(items):,} item{'s' if len(items) != 1 else ''}"
    if found is None:
        return f"Timeline ({zone})"
    first = timefmt.display_in_zone(found[0], zone)[:10]
    last = timefmt.display_in_zone(found[1], zone)[:10]
    span = first if first == last else f"{first} – {last}"
    return f"Timeline: {count}, {span} ({zone})"


def time_axis(axis, zone: str) -> None:
    """Concise date ticks in ``zone`` (years down to minutes as the range asks)."""
    tz = timefmt.zone_info(zone)
    locator = mdates.AutoDateLocator(tz=tz, minticks=4, maxticks=9)
    formatter = mdates.ConciseDateFormatter(locator, tz=tz, show_offset=True,
                                            offset_formats=list(timefmt.AXIS_OFFSET_FORMATS))
    axis.set_major_locator(locator)
    axis.set_major_formatter(formatter)
    axis.get_offset_text().set_fontsize(style.FONT_SMALL)
    axis.get_offset_text().set_color(style.MUTED)


class _Lane:
    """One lane's items packed into sub-rows, in pixels from the left of the axes."""

    def __init__(self, name: str, width_px: float):
        self.name = name
        self.width = width_px
        self.entries: list[tuple[TimelineItem, float, float, float]] = []  # item, x0, x1, label px
        self.attached: list[TimelineItem] = []                              # gaps over their flight
        self.holes: dict[str, list[tuple[float, float]]] = {}               # flight id -> gaps, px
        self.placed: list[tuple[TimelineItem, int, tuple | None]] = []      # item, sub-row, label
        self.rows = 1
        self.hidden_at: list[float] = []                                    # px of unlabelled items

    def _label_spots(self, x0: float, x1: float, label_px: float, kind: str, holes=()):
        """(occupied from, occupied to, label x px, ha, inside): inside a long bar (in a
        stretch without ``holes``: a flight's gaps), right of the mark, left of it; only
        spots inside the axes."""
        vx0, vx1 = max(x0, 0.0), min(x1, self.width)
        lead = 2 * POINT_PX if kind == "source" else 0.0   # past a source's first mark
        cuts = sorted((max(a, vx0), min(b, vx1)) for a, b in holes if b > vx0 and a < vx1)
        edges = [vx0] + [v for cut in cuts for v in cut] + [vx1]
        for a, b in zip(edges[::2], edges[1::2]):   # the stretches between gaps
            if b - a >= lead + label_px + 2 * LABEL_GAP_PX + lead:
                yield x0, x1, a + lead + LABEL_GAP_PX, "left", True
                break
        if vx1 + LABEL_GAP_PX + label_px <= self.width:
            yield x0, vx1 + 2 * LABEL_GAP_PX + label_px, vx1 + LABEL_GAP_PX, "left", False
        if vx0 - LABEL_GAP_PX - label_px >= 0:
            yield vx0 - 2 * LABEL_GAP_PX - label_px, x1, vx0 - LABEL_GAP_PX, "right", False

    def pack(self, cap: int, spacing: float = 0.0) -> int:
        """Place every item in one of at most ``cap`` sub-rows, labels at least ``spacing``
        px apart in a sub-row; returns the sub-rows used."""
        ends: list[float] = []
        last_label: list[float] = []
        self.placed, self.hidden_at = [], []
        for item, x0, x1, label_px in self.entries:
            spots = list(self._label_spots(x0, x1, label_px, item.kind,
                                           self.holes.get(item.record_id, ())))
            row = None
            for r in range(min(cap, len(ends) + 1)):
                end = ends[r] if r < len(ends) else -math.inf
                last = last_label[r] if r < len(last_label) else -math.inf
                spot = next((s for s in spots if s[0] >= end and s[2] - last >= spacing), None)
                if spot is not None:
                    row = r
                    break
            if row is None:
                # No room for its label: the mark alone in a sub-row where it fits, else in the
                # lane's overflow strip (never over a label); counted in the lane's "+N".
                row = next((r for r in range(len(ends)) if ends[r] <= x0), None)
                if row is None and len(ends) < cap:
                    row = len(ends)
                spot = None
            if row is not None and row == len(ends):
                ends.append(-math.inf)
                last_label.append(-math.inf)
            if spot is not None:
                ends[row] = spot[1]
                last_label[row] = spot[2]
                self.placed.append((item, row, spot[2:]))
                continue
            if row is not None:
                ends[row] = x1 + 1
            self.placed.append((item, -1 if row is None else row, None))
            self.hidden_at.append(min(max(x0 + POINT_PX, 0.0), self.width))
        self.rows = max(1, len(ends))
        return self.rows

    @property
    def labelled(self) -> int:
        return sum(1 for _, _, spot in self.placed if spot is not None)


def draw_timeline(fig: Figure, items: Sequence[TimelineItem], lanes: Sequence[str] | None = None, *,
                  zone: str = "UTC", t_from: float | None = None, t_to: float | None = None,
                  title: str | None = None) -> TimelineInfo:
    """Draw ``items`` (see ``items.read_timeline``) on ``fig`` (cleared first).

    ``lanes``: their order top to bottom (default: as they come); ``zone``: the zone of the
    axis (``UTC``, an offset or an IANA name; the axis label names it); ``t_from``/``t_to``
    (UTC epoch seconds) fix the time axis, which otherwise spans the items with a margin.
    """
    fig.clear()
    items = list(items)
    lanes = list(lanes) if lanes is not None else list(dict.fromkeys(i.lane for i in items))
    lanes += [lane for lane in dict.fromkeys(i.lane for i in items) if lane not in lanes]
    w_px, h_px = fig.bbox.width, fig.bbox.height
    k = fig.dpi / 100
    handles, labels = _legend(items)
    header_px = style.figure_header(fig, title if title is not None else default_title(
                                        items, zone, (t_from, t_to) if t_from is not None and t_to is not None else None),
                                    None, handles, labels)
    label_w = max([style.text_size_px(lane, style.FONT, fig.dpi)[0] for lane in lanes] + [60])
    left = min(0.35, (label_w + 20 * k) / w_px)
    bottom = 46 * k / h_px
    top = 1 - (header_px + 4 * k) / h_px
    ax = fig.add_axes([left, bottom, 1 - left - 16 * k / w_px, max(0.05, top - bottom)])
    info = TimelineInfo(ax=ax, zone=zone)
    ax.set_xlabel(f"time ({zone})", fontsize=style.FONT, color="#444444")
    ax.tick_params(axis="x", labelsize=style.FONT_SMALL, colors="#444444")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color("#999999")

    found = _time_range(items)
    if found is None and (t_from is None or t_to is None):
        info.message = "Nothing to show on the timeline"
        ax.set_yticks([])
        ax.set_xticks([])
        ax.text(0.5, 0.5, info.message, transform=ax.transAxes, ha="center", va="center",
                fontsize=style.FONT_TITLE + 1, color="#444444")
        return info
    if t_from is None or t_to is None:
        span = max(found[1] - found[0], 600.0)
        lo = found[0] - 0.03 * span if t_from is None else t_from
        hi = found[1] + 0.03 * span if t_to is None else t_to
        t_from, t_to = lo, hi
    info.time_range = (float(t_from), float(t_to))
    x_lo, x_hi = (float(v) for v in style.mpl_days([t_from, t_to]))
    ax.set_xlim(x_lo, x_hi)
    ax_w, ax_h = ax.bbox.width, ax.bbox.height
    px_per_day = ax_w / (x_hi - x_lo)

    def px(t: float) -> float:
        return (float(style.mpl_days(t)) - x_lo) * px_per_day

    # Pack each lane's items into sub-rows.
    packs = {name: _Lane(name, ax_w) for name in lanes}
    flights_shown = {i.record_id for i in items if i.kind == "flight"}
    for item in items:
        lane = packs[item.lane]
        if item.kind == "gap" and item.select_id in flights_shown:
            lane.attached.append(item)
            lane.holes.setdefault(item.select_id, []).append((px(item.start_t), px(item.end_t)))
            continue
        x0, x1 = px(item.start_t), px(item.end_t)
        if item.kind == "event" and item.certain_t is not None and item.certain_t[0] == item.start_t \
                and x1 - x0 < 2 * POINT_PX:
            x0, x1 = x0 - POINT_PX, x0 + POINT_PX      # an event at a known moment: a point
        elif item.kind == "source":
            x0, x1 = x0 - POINT_PX, x1 + POINT_PX
        else:
            x1 = max(x1, x0 + MIN_MARK_PX)
        if x1 < -50 or x0 > ax_w + 50:
            continue  # outside a fixed window
        label_px = style.text_size_px(item.label, style.FONT_SMALL, fig.dpi)[0]
        lane.entries.append((item, x0, x1, label_px))
    budget = max(len(lanes), int(ax_h / (MIN_ROW_PX * k) - COUNT_ROW * len(lanes)))
    wanted = {name: min(MAX_SUBROWS, lane.pack(MAX_SUBROWS)) for name, lane in packs.items()}
    caps = dict(wanted)
    if sum(wanted.values()) > budget:
        caps = {name: 1 for name in lanes}
        spare = budget - len(lanes)
        while spare > 0:
            grown = False
            for name in lanes:
                if spare > 0 and caps[name] < wanted[name]:
                    caps[name] += 1
                    spare -= 1
                    grown = True
            if not grown:
                break
    # More labels than a reader can take in (and than draw quickly): space them out evenly
    # in time, one per LABEL_CELL_PX2 of the axes; the rest are counted in the "+N".
    most = max(MIN_LABELS, int(ax_w * ax_h / (LABEL_CELL_PX2 * k * k)))
    spacing = 0.0
    if sum(lane.labelled for lane in packs.values()) > most:
        spacing = ax_w * sum(caps.values()) / most
    for name, lane in packs.items():
        if spacing or caps[name] != lane.rows:
            lane.pack(caps[name], spacing=spacing)

    # Lanes top to bottom, in rows (y grows downwards).
    y = 0.0
    lane_top: dict[str, float] = {}
    for name in lanes:
        lane = packs[name]
        lane_top[name] = y
        height = lane.rows + (COUNT_ROW if lane.hidden_at else 0.0)
        info.lanes.append((name, y, y + height))
        y += height
    # Rows no taller than MAX_ROW_PX: a few lanes stay at the top rather than swell.
    total = max(y, 1.0, ax_h / (MAX_ROW_PX * k))
    ax.set_ylim(total, 0)
    row_px = ax_h / total
    small = style.FONT_SMALL if row_px >= 15 * k else max(5.0, style.FONT_SMALL * row_px / (15 * k))

    flight_verts, flight_colours, stay_verts, gap_verts = [], [], [], []
    faded_verts, solid_verts, point_xy = [], [], []
    source_lines, published_xy, captured_xy = [], [], []
    days = float(style.mpl_days(0.0))

    def d(t: float) -> float:
        return t / 86400.0 + days

    colour_of = {name: style.flight_colour(i) for i, name in
                 enumerate(n for n in lanes if n not in (EVENTS_LANE, SOURCES_LANE))}
    row_of_flight: dict[str, tuple[float, float]] = {}
    min_days = MIN_MARK_PX / px_per_day
    for name in lanes:
        lane = packs[name]
        for item, row, spot in lane.placed:
            if row < 0:
                yc, bar = lane_top[name] + lane.rows + OVERFLOW_Y, BAR * OVERFLOW_BAR
            else:
                yc, bar = lane_top[name] + row + 0.5, BAR
            x0, x1 = d(item.start_t), d(item.end_t)
            if item.kind == "flight":
                x1 = max(x1, x0 + min_days)
                flight_verts.append(_box(x0, x1, yc, bar))
                flight_colours.append(colour_of.get(name, style.flight_colour(0)))
                row_of_flight[item.record_id] = (yc, bar)
            elif item.kind == "ground-stay":
                x1 = max(x1, x0 + min_days)
                stay_verts.append(_box(x0, x1, yc, STAY_BAR * bar / BAR))
            elif item.kind == "gap":
                x1 = max(x1, x0 + min_days)
                gap_verts.append(_box(x0, x1, yc, bar))
            elif item.kind == "event":
                c = item.certain_t
                if c is not None and c[0] == item.start_t and (x1 - x0) * px_per_day < 2 * POINT_PX:
                    point_xy.append((x0, yc))
                    x0, x1 = x0 - POINT_PX / px_per_day, x0 + POINT_PX / px_per_day
                else:
                    faded_verts.append(_box(x0, max(x1, x0 + min_days), yc, bar))
                    if c is not None:
                        solid_verts.append(_box(d(c[0]), d(c[1]), yc, bar))
            elif item.kind == "source":
                xs = [d(t) for t in item.captured_t]
                if item.published_t is not None:
                    published_xy.append((d(item.published_t), yc))
                    xs.append(d(item.published_t))
                captured_xy += [(x, yc) for x in xs[:len(item.captured_t)]]
                if len(xs) > 1:
                    source_lines.append([(min(xs), yc), (max(xs), yc)])
                x0, x1 = min(xs) - POINT_PX / px_per_day, max(xs) + POINT_PX / px_per_day
            info.marks.append(Mark(item, x0, x1, yc, spot is not None))
            if spot is not None:
                info.labels.append(ax.text(
                    x_lo + spot[0] / px_per_day, yc, item.label, ha=spot[1], va="center",
                    fontsize=small, zorder=7, clip_on=True,
                    **_label_look(item, colour_of, inside=spot[2])))
        for item in lane.attached:
            yc, bar = row_of_flight.get(item.select_id, (lane_top[name] + 0.5, BAR))
            # At its true width (no minimum): a gap must not hide the flight around it.
            x0, x1 = d(item.start_t), d(item.end_t)
            gap_verts.append(_box(x0, x1, yc, bar))
            info.marks.append(Mark(item, x0, x1, yc, False))

    # Stays under flights, gaps over them; events' certain part over their faded span.
    if stay_verts:
        ax.add_collection(PolyCollection(stay_verts, facecolors=STAY, edgecolors=STAY_EDGE,
                                         linewidths=0.6, zorder=2))
    if flight_verts:
        ax.add_collection(PolyCollection(flight_verts, facecolors=flight_colours, edgecolors="none",
                                         zorder=3))
    if gap_verts:
        # Hatching costs per polygon: only gaps wide enough to show it are hatched; a narrower
        # one is a white notch in its flight's bar (never drawn as flown either way).
        wide = [v for v in gap_verts if (v[1][0] - v[0][0]) * px_per_day >= HATCH_MIN_PX]
        narrow = [v for v in gap_verts if (v[1][0] - v[0][0]) * px_per_day < HATCH_MIN_PX]
        if narrow:
            ax.add_collection(PolyCollection(narrow, facecolors="white", edgecolors="none", zorder=4))
        if wide:
            ax.add_collection(PolyCollection(wide, facecolors="white", edgecolors=GAP_EDGE,
                                             linewidths=0.8, linestyles="--", hatch="////", zorder=4))
    if faded_verts:
        ax.add_collection(PolyCollection(faded_verts, facecolors=EVENT, alpha=0.28, edgecolors="none",
                                         zorder=3))
    if solid_verts:
        ax.add_collection(PolyCollection(solid_verts, facecolors=EVENT, edgecolors="none", zorder=4))
    if point_xy:
        xs, ys = zip(*point_xy)
        ax.plot(xs, ys, linestyle="none", marker="s", markersize=5.5, color=EVENT, zorder=8)
    if source_lines:
        ax.add_collection(LineCollection(source_lines, colors=SOURCE_LINE, linewidths=1.2, zorder=3))
    if captured_xy:
        xs, ys = zip(*captured_xy)
        ax.plot(xs, ys, linestyle="none", marker="o", markersize=5, color=SOURCE, zorder=8)
    if published_xy:
        xs, ys = zip(*published_xy)
        ax.plot(xs, ys, linestyle="none", marker="D", markersize=5.5, markerfacecolor="white",
                markeredgecolor=SOURCE, markeredgewidth=1.3, zorder=8)

    # "+N" under a lane: how many of its labels had no room, by stretch of the axis.
    bin_px = max(90.0 * k, style.text_size_px("+99999", style.FONT_SMALL, fig.dpi)[0] + 8)
    for name in lanes:
        lane = packs[name]
        if not lane.hidden_at:
            continue
        info.hidden[name] = len(lane.hidden_at)
        # Clusters of hidden marks, each at least a count's width from the next.
        clusters: list[list[float]] = []            # [sum of x, count]
        for x in sorted(min(max(x, 0.0), ax_w) for x in lane.hidden_at):
            if clusters and x - clusters[-1][0] / clusters[-1][1] < bin_px:
                clusters[-1][0] += x
                clusters[-1][1] += 1
            else:
                clusters.append([x, 1])
        placed: list[tuple[float, int]] = []
        for total_x, n in clusters:
            cx = min(max(total_x / n, bin_px / 2), ax_w - bin_px / 2)
            if placed and cx - placed[-1][0] < bin_px:   # too close to the last count: one count
                px0, n0 = placed.pop()
                placed.append(((px0 * n0 + cx * n) / (n0 + n), n0 + n))
            else:
                placed.append((cx, n))
        yc = lane_top[name] + lane.rows + (OVERFLOW_Y + BAR * OVERFLOW_BAR / 2 + COUNT_ROW) / 2
        for cx, n in placed:
            info.counts.append(ax.text(x_lo + cx / px_per_day, yc, f"+{n}", ha="center", va="center",
                                       fontsize=small, color=style.MUTED, zorder=7, clip_on=True))

    # Lanes: names on the left, a rule between them.
    ticks, names = [], []
    for name, y0, y1 in info.lanes:
        ticks.append((y0 + y1) / 2)
        names.append(name)
        if y0 > 0:
            ax.axhline(y0, color="#d5d5d5", linewidth=0.8, zorder=0.5)
    ax.set_yticks(ticks)
    ax.set_yticklabels(names, fontsize=style.FONT, color=style.TEXT)
    ax.tick_params(axis="y", length=0, pad=6)
    time_axis(ax.xaxis, zone)
    ax.grid(True, axis="x", color="#ececec", linewidth=0.7, zorder=0)
    ax.set_axisbelow(True)
    return info


def _label_look(item: TimelineItem, colour_of: dict, inside: bool) -> dict:
    """White on a flight's own bar; over a source's line, a white halo; elsewhere the item's
    colour alone (labels are packed clear of other marks: a halo costs milliseconds a label)."""
    if inside and item.kind == "flight":
        return {"color": "white"}
    if inside and item.kind == "source":
        return {"color": SOURCE, "path_effects": style.halo(3.0)}
    return {"color": _label_colour(item, colour_of)}


def _label_colour(item: TimelineItem, colour_of: dict) -> str:
    if item.kind == "event":
        return EVENT
    if item.kind == "source":
        return SOURCE
    if item.kind == "ground-stay":
        return "#5a4a33"
    return colour_of.get(item.lane, style.TEXT)
