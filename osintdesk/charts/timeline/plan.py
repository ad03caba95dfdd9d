"""Planning a timeline: where every mark and label goes, before any artist exists.

The axes' place under the header, the lanes packed into sub-rows, which labels fit and
where, the "+N" counts and the vertices of every mark: plain numbers and arrays, no
Figure, so the window runs ``plan_timeline`` on a worker thread (as the map's
``plan_map``); ``draw.draw_timeline`` then only makes the artists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
from matplotlib.colors import to_rgba_array

from ... import timefmt
from ...errors import Cancelled
from .. import style
from .items import LABEL_CHARS, TimelineItem

EVENT = "#6a3d9a"
SOURCE = "#2b6f8f"
SOURCE_LINE = "#8fb3c4"
STAY = "#d9ccb4"
STAY_EDGE = "#9c8c74"
GAP_EDGE = "#555555"
HIGHLIGHT = "#ffb000"
SIGHTING = "#555555"
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
CANCEL_EVERY = 2000      # items between two looks at ``cancelled``


@dataclass
class Mark:
    """Where an item was drawn: x in matplotlib date numbers, y the centre of its sub-row."""

    item: TimelineItem
    x0: float
    x1: float
    y: float
    labelled: bool


class PlannedLabel(tuple):
    """(x in date numbers, y in rows, text, ha, colour, boxed): one label to write;
    ``boxed``: on a white box (a label over its own source line)."""

    __slots__ = ()

    def __new__(cls, x: float, y: float, text: str, ha: str, colour: str, boxed: bool):
        return super().__new__(cls, (x, y, text, ha, colour, boxed))


def _no_verts() -> np.ndarray:
    return np.empty((0, 4, 2))


@dataclass
class TimelinePlan:
    """Everything ``draw_timeline`` computes before it makes artists, for one figure size.

    Plain numbers, strings and numpy arrays (``verts`` are (n, 4, 2) boxes in date numbers
    and rows), so ``plan_timeline`` can run on a worker thread; ``draw_timeline(fig,
    plan=plan)`` draws it on a figure of that size. ``message`` is set when there is
    nothing to show.
    """

    size_px: tuple[float, float]
    dpi: float
    zone: str
    title: str
    kinds: frozenset[str]
    rect: tuple[float, float, float, float]           # the axes, in figure fractions
    message: str | None = None
    time_range: tuple[float, float] | None = None     # UTC epoch seconds
    xlim: tuple[float, float] = (0.0, 1.0)            # date numbers
    rows: float = 1.0                                 # the y axis, top to bottom
    lanes: list[tuple[str, float, float]] = field(default_factory=list)
    label_size: float = style.FONT_SMALL
    flight_verts: np.ndarray = field(default_factory=_no_verts)
    flight_colours: np.ndarray = field(default_factory=lambda: np.empty((0, 4)))
    stay_verts: np.ndarray = field(default_factory=_no_verts)
    narrow_gap_verts: np.ndarray = field(default_factory=_no_verts)
    wide_gap_verts: np.ndarray = field(default_factory=_no_verts)
    faded_verts: np.ndarray = field(default_factory=_no_verts)
    solid_verts: np.ndarray = field(default_factory=_no_verts)
    point_xy: list[tuple[float, float]] = field(default_factory=list)
    sighting_xy: list[tuple[float, float]] = field(default_factory=list)   # heard, no position
    source_lines: np.ndarray = field(default_factory=lambda: np.empty((0, 2, 2)))
    captured_xy: list[tuple[float, float]] = field(default_factory=list)
    published_xy: list[tuple[float, float]] = field(default_factory=list)
    published_verts: np.ndarray = field(default_factory=_no_verts)   # a day's span, faded
    labels: list[PlannedLabel] = field(default_factory=list)
    counts: list[tuple[float, float, str]] = field(default_factory=list)   # the "+N" texts
    marks: list[Mark] = field(default_factory=list)
    hidden: dict[str, int] = field(default_factory=dict)

    def fits(self, fig) -> bool:
        """Whether the plan was made for this figure's size."""
        w, h = self.size_px
        return (abs(fig.bbox.width - w) < 0.5 and abs(fig.bbox.height - h) < 0.5
                and math.isclose(fig.dpi, self.dpi))


def box(x0: float, x1: float, y: float, height: float):
    """A bar's four corners."""
    return [(x0, y - height / 2), (x1, y - height / 2), (x1, y + height / 2), (x0, y + height / 2)]


def _verts(boxes: list) -> np.ndarray:
    return np.array(boxes, dtype=float).reshape(-1, 4, 2)


def time_range(items: Sequence[TimelineItem]) -> tuple[float, float] | None:
    if not items:
        return None
    return min(i.start_t for i in items), max(i.end_t for i in items)


def default_title(items: Sequence[TimelineItem], zone: str,
                  window: tuple[float, float] | None = None) -> str:
    """``Timeline: 12 items, 2023-09-13 – 2023-12-02 (UTC)``: the span of the items, or the
    ``window`` (UTC epoch seconds) when the axis is fixed."""
    found = window or time_range(items)
    count = f"{len(items):,} item{'s' if len(items) != 1 else ''}"
    if found is None:
        return f"Timeline ({zone})"
    first = timefmt.display_in_zone(found[0], zone)[:10]
    last = timefmt.display_in_zone(found[1], zone)[:10]
    span = first if first == last else f"{first} – {last}"
    return f"Timeline: {count}, {span} ({zone})"


def legend_labels(kinds) -> list[str]:
    """The legend's texts for these kinds of item, in the order it shows them."""
    texts = []
    if "event" in kinds:
        texts.append("event (faded: the span its date means)")
    if "flight" in kinds:
        texts.append("flight")
    if "ground-stay" in kinds:
        texts.append("on the ground")
    if "gap" in kinds:
        texts.append("coverage gap (not seen)")
    if "source" in kinds:
        texts += ["published", "captured"]
    if "sighting" in kinds:
        texts.append("heard without a position")
    return texts


class _Lane:
    """One lane's items packed into sub-rows, in pixels from the left of the axes."""

    def __init__(self, name: str, width_px: float):
        self.name = name
        self.width = width_px
        # item, x0, x1, the label's texts to try (whole, then cut) with their widths in px
        self.entries: list[tuple[TimelineItem, float, float, list[tuple[str, float]]]] = []
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
        for item, x0, x1, texts in self.entries:
            holes = self.holes.get(item.record_id, ())
            tries = [(text, list(self._label_spots(x0, x1, label_px, item.kind, holes)))
                     for text, label_px in texts]
            row = spot = None
            for r in range(min(cap, len(ends) + 1)):
                end = ends[r] if r < len(ends) else -math.inf
                last = last_label[r] if r < len(last_label) else -math.inf
                # The whole label where it fits, else cut; the same sub-rows either way.
                spot = next(((*s, text) for text, spots in tries for s in spots
                             if s[0] >= end and s[2] - last >= spacing), None)
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


def fitting_height_px(items: Sequence[TimelineItem], lanes: Sequence[str] | None = None, *,
                      width_px: float, dpi: float = 100.0, zone: str = "UTC",
                      t_from: float | None = None, t_to: float | None = None,
                      title: str | None = None, lowest: float = 240.0,
                      highest: float = 2400.0) -> int:
    """The figure height (pixels) at which the lanes fill the axes with rows of MAX_ROW_PX:
    no white strip under a few lanes, no squeezed rows for many (within ``lowest`` and
    ``highest``). Packed as for the tallest figure, so the rows counted are those shown."""
    plan = plan_timeline(items, lanes, size_px=(width_px, highest), dpi=dpi, zone=zone,
                         t_from=t_from, t_to=t_to, title=title)
    if plan.message is not None or not plan.lanes:
        return int(lowest)
    rows = plan.lanes[-1][2]
    k = dpi / 100
    # Around the axes: what plan_timeline leaves (the header above, the time axis below).
    outside = highest * (1 - plan.rect[3])
    return int(round(min(highest, max(lowest, outside + rows * MAX_ROW_PX * k))))


def plan_timeline(items: Sequence[TimelineItem], lanes: Sequence[str] | None = None, *,
                  size_px: tuple[float, float], dpi: float = 100.0, zone: str = "UTC",
                  t_from: float | None = None, t_to: float | None = None,
                  title: str | None = None,
                  cancelled: Callable[[], bool] | None = None) -> TimelinePlan:
    """The slow, artist-free part of ``draw_timeline`` for a figure of ``size_px`` (width,
    height in pixels) at ``dpi``: lanes packed into sub-rows, labels placed, "+N" counted,
    every mark's vertices. Arguments as for ``draw_timeline``; ``cancelled`` is polled
    and raises ``Cancelled``.
    """
    def check() -> None:
        if cancelled is not None and cancelled():
            raise Cancelled()

    items = list(items)
    lanes = list(lanes) if lanes is not None else list(dict.fromkeys(i.lane for i in items))
    lanes += [lane for lane in dict.fromkeys(i.lane for i in items) if lane not in lanes]
    w_px, h_px = (float(v) for v in size_px)
    k = dpi / 100
    kinds = frozenset(i.kind for i in items)
    if title is None:
        title = default_title(items, zone, (t_from, t_to) if t_from is not None and t_to is not None else None)
    header_px = style.header_layout(w_px, dpi, title, None, legend_labels(kinds))[0]
    label_w = max([style.text_size_px(lane, style.FONT, dpi)[0] for lane in lanes] + [60])
    left = min(0.35, (label_w + 20 * k) / w_px)
    bottom = 46 * k / h_px
    top = 1 - (header_px + 4 * k) / h_px
    rect = (left, bottom, 1 - left - 16 * k / w_px, max(0.05, top - bottom))
    plan = TimelinePlan(size_px=(w_px, h_px), dpi=float(dpi), zone=zone, title=title, kinds=kinds,
                        rect=rect)

    found = time_range(items)
    if found is None and (t_from is None or t_to is None):
        plan.message = "Nothing to show on the timeline"
        return plan
    if t_from is None or t_to is None:
        span = max(found[1] - found[0], 600.0)
        lo = found[0] - 0.03 * span if t_from is None else t_from
        hi = found[1] + 0.03 * span if t_to is None else t_to
        t_from, t_to = lo, hi
    plan.time_range = (float(t_from), float(t_to))
    x_lo, x_hi = (float(v) for v in style.mpl_days([t_from, t_to]))
    plan.xlim = (x_lo, x_hi)
    # The axes' size as matplotlib's transforms make it from the rectangle.
    ax_w = (rect[0] + rect[2]) * w_px - rect[0] * w_px
    ax_h = (rect[1] + rect[3]) * h_px - rect[1] * h_px
    px_per_day = ax_w / (x_hi - x_lo)

    def px(t: float) -> float:
        return (float(style.mpl_days(t)) - x_lo) * px_per_day

    # Pack each lane's items into sub-rows.
    packs = {name: _Lane(name, ax_w) for name in lanes}
    flights_shown = {i.record_id for i in items if i.kind == "flight"}
    for n, item in enumerate(items):
        if n % CANCEL_EVERY == 0:
            check()
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
        texts = dict.fromkeys((item.label, style.shortened(item.label, LABEL_CHARS)))
        lane.entries.append((item, x0, x1, [(text, style.text_size_px(text, style.FONT_SMALL, dpi)[0])
                                            for text in texts]))
    budget = max(len(lanes), int(ax_h / (MIN_ROW_PX * k) - COUNT_ROW * len(lanes)))
    wanted = {}
    for name, lane in packs.items():
        check()
        wanted[name] = min(MAX_SUBROWS, lane.pack(MAX_SUBROWS))
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
            check()
            lane.pack(caps[name], spacing=spacing)

    # Lanes top to bottom, in rows (y grows downwards).
    y = 0.0
    lane_top: dict[str, float] = {}
    for name in lanes:
        lane = packs[name]
        lane_top[name] = y
        height = lane.rows + (COUNT_ROW if lane.hidden_at else 0.0)
        plan.lanes.append((name, y, y + height))
        y += height
    # Rows no taller than MAX_ROW_PX: a few lanes stay at the top rather than swell.
    total = max(y, 1.0, ax_h / (MAX_ROW_PX * k))
    plan.rows = total
    row_px = ax_h / total
    plan.label_size = (style.FONT_SMALL if row_px >= 15 * k
                       else max(5.0, style.FONT_SMALL * row_px / (15 * k)))
    check()
    _place_marks(plan, packs, lanes, lane_top, px_per_day)
    _place_counts(plan, packs, lanes, lane_top, ax_w, px_per_day, k)
    return plan


def _place_marks(plan: TimelinePlan, packs: dict, lanes: list[str], lane_top: dict[str, float],
                 px_per_day: float) -> None:
    """Every mark's vertices, its label's place and its Mark, lane by lane."""
    x_lo = plan.xlim[0]
    flight_verts, flight_colours, stay_verts, gap_verts = [], [], [], []
    faded_verts, solid_verts, source_lines, published_verts = [], [], [], []
    days = float(style.mpl_days(0.0))

    def d(t: float) -> float:
        return t / 86400.0 + days

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
                flight_verts.append(box(x0, x1, yc, bar))
                flight_colours.append(style.colour_of_flight(item.record_id, item.ordinal))
                row_of_flight[item.record_id] = (yc, bar)
            elif item.kind == "ground-stay":
                x1 = max(x1, x0 + min_days)
                stay_verts.append(box(x0, x1, yc, STAY_BAR * bar / BAR))
            elif item.kind == "gap":
                x1 = max(x1, x0 + min_days)
                gap_verts.append(box(x0, x1, yc, bar))
            elif item.kind == "event":
                c = item.certain_t
                if c is not None and c[0] == item.start_t and (x1 - x0) * px_per_day < 2 * POINT_PX:
                    plan.point_xy.append((x0, yc))
                    x0, x1 = x0 - POINT_PX / px_per_day, x0 + POINT_PX / px_per_day
                else:
                    faded_verts.append(box(x0, max(x1, x0 + min_days), yc, bar))
                    if c is not None:
                        solid_verts.append(box(d(c[0]), d(c[1]), yc, bar))
            elif item.kind == "sighting":
                plan.sighting_xy.append((x0, yc))
                x0, x1 = x0 - POINT_PX / px_per_day, x0 + POINT_PX / px_per_day
            elif item.kind == "source":
                xs = [d(t) for t in item.captured_t]
                if item.published_t is not None:
                    plan.published_xy.append((d(item.published_t), yc))
                    xs.append(d(item.published_t))
                    end = item.published_end_t
                    if (item.published_precision not in (None, "second") and end is not None
                            and (d(end) - xs[-1]) * px_per_day >= 2 * POINT_PX):
                        # Known to the day: the ◇ at its start, the day a faded span.
                        published_verts.append(box(xs[-1], d(end), yc, STAY_BAR))
                        xs.append(d(end))
                plan.captured_xy += [(x, yc) for x in xs[:len(item.captured_t)]]
                if len(xs) > 1:
                    source_lines.append([(min(xs), yc), (max(xs), yc)])
                x0, x1 = min(xs) - POINT_PX / px_per_day, max(xs) + POINT_PX / px_per_day
            plan.marks.append(Mark(item, x0, x1, yc, spot is not None))
            if spot is not None:
                inside = spot[2]
                plan.labels.append(PlannedLabel(
                    x_lo + spot[0] / px_per_day, yc, spot[3], spot[1],
                    "white" if inside and item.kind == "flight" else _label_colour(item),
                    inside and item.kind == "source"))
        for item in lane.attached:
            yc, bar = row_of_flight.get(item.select_id, (lane_top[name] + 0.5, BAR))
            # At its true width (no minimum): a gap must not hide the flight around it.
            x0, x1 = d(item.start_t), d(item.end_t)
            gap_verts.append(box(x0, x1, yc, bar))
            plan.marks.append(Mark(item, x0, x1, yc, False))
    plan.flight_verts = _verts(flight_verts)
    plan.flight_colours = to_rgba_array(flight_colours) if flight_colours else np.empty((0, 4))
    plan.stay_verts = _verts(stay_verts)
    # Hatching costs per polygon: only gaps wide enough to show it are hatched; a narrower
    # one is a white notch in its flight's bar (never drawn as flown either way).
    plan.wide_gap_verts = _verts([v for v in gap_verts if (v[1][0] - v[0][0]) * px_per_day >= HATCH_MIN_PX])
    plan.narrow_gap_verts = _verts([v for v in gap_verts if (v[1][0] - v[0][0]) * px_per_day < HATCH_MIN_PX])
    plan.source_lines = np.array(source_lines, dtype=float).reshape(-1, 2, 2)
    plan.faded_verts = _verts(faded_verts)
    plan.published_verts = _verts(published_verts)
    plan.solid_verts = _verts(solid_verts)


def _place_counts(plan: TimelinePlan, packs: dict, lanes: list[str], lane_top: dict[str, float],
                  ax_w: float, px_per_day: float, k: float) -> None:
    """"+N" under a lane: how many of its labels had no room, by stretch of the axis."""
    x_lo = plan.xlim[0]
    bin_px = max(90.0 * k, style.text_size_px("+99999", style.FONT_SMALL, plan.dpi)[0] + 8)
    for name in lanes:
        lane = packs[name]
        if not lane.hidden_at:
            continue
        plan.hidden[name] = len(lane.hidden_at)
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
        plan.counts += [(x_lo + cx / px_per_day, yc, f"+{n}") for cx, n in placed]


def _label_colour(item: TimelineItem) -> str:
    if item.kind == "event":
        return EVENT
    if item.kind == "source":
        return SOURCE
    if item.kind == "ground-stay":
        return "#5a4a33"
    return (style.colour_of_flight(item.record_id, item.ordinal) if item.kind == "flight"
            else style.TEXT)
