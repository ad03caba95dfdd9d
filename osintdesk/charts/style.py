"""Shared look of the charts: colours, text sizes, halos, UTC time axes (their text: timefmt).

Charts set their styles explicitly on each artist instead of changing matplotlib's global
rcParams, so drawing a chart never changes how another one looks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

import matplotlib.dates as mdates
import numpy as np
from matplotlib import patheffects

from .. import timefmt

# Strong, distinguishable colours that read on both the pale land and the pale sea.
FLIGHT_COLOURS = (
    "#d62728", "#1f5fbf", "#2ca02c", "#8e44ad", "#ff7f0e", "#0f9fa8",
    "#c2185b", "#7f5a2a", "#5b8c00", "#e6a100", "#3949ab", "#e377c2",
)

OCEAN = "#d8e6f0"
LAND = "#f3f0e8"
LAKE = OCEAN
COAST = "#7d95a8"
BORDER = "#a39a8f"
DISPUTED = "#b5654c"
GRATICULE = "#c5d2dc"
COUNTRY_TEXT = "#9b948a"
TEXT = "#222222"
MUTED = "#6b6b6b"
GROUND = "#c9b79c"
GAP = "#9a9a9a"

FONT_SMALL = 7.5
FONT = 8.5
FONT_TITLE = 11
# A legend entry beside its text: the handle (1.8 em), the pad to the text (0.8 em) and
# the spacing to the next column (1.2 em), in ems of FONT_SMALL (``figure_header``'s legend).
LEGEND_ENTRY_EM = 1.8 + 0.8 + 1.2
LEGEND_SPACING_EM = 1.2

UTC = dt.timezone.utc


def flight_colour(i: int) -> str:
    """The ``i``-th colour of the palette (rows, legends: not a flight's own colour)."""
    return FLIGHT_COLOURS[i % len(FLIGHT_COLOURS)]


def colour_of_flight(flight_id, ordinal: int | None = None) -> str:
    """A flight's own colour, the same in every view (map, timeline, profile, the tables'
    swatches): by its ``ordinal`` among all the case's flights in time order
    (``flights.queries.select_flights`` gives it), so that neighbouring flights differ and
    selecting or filtering others never recolours it; by its id when no ordinal is known
    (a chart of flights given by hand)."""
    if ordinal is not None:
        return FLIGHT_COLOURS[int(ordinal) % len(FLIGHT_COLOURS)]
    digest = hashlib.sha256(str(flight_id).encode("utf-8")).digest()
    return FLIGHT_COLOURS[int.from_bytes(digest[:4], "big") % len(FLIGHT_COLOURS)]


def halo(width: float = 2.5, colour: str = "white"):
    """A white outline under text (or a line) so it stays readable over the map."""
    return [patheffects.withStroke(linewidth=width, foreground=colour)]


_EPOCH_DAYS = None


def mpl_days(t_utc) -> np.ndarray:
    """UTC epoch seconds as matplotlib date numbers (days since matplotlib's epoch)."""
    global _EPOCH_DAYS
    if _EPOCH_DAYS is None:
        _EPOCH_DAYS = float(mdates.date2num(dt.datetime(1970, 1, 1, tzinfo=UTC)))
    return np.asarray(t_utc, dtype=float) / 86400.0 + _EPOCH_DAYS


def time_axis(axis, zone: str = "UTC") -> None:
    """Concise date ticks in ``zone`` (years down to minutes as the range asks) on a
    matplotlib axis (``ax.xaxis``): the one place a chart's date axis is formatted
    (``timefmt.AXIS_FORMATS``: a day tick names its month)."""
    tz = timefmt.zone_info(zone)
    locator = mdates.AutoDateLocator(tz=tz, minticks=4, maxticks=9)
    formatter = mdates.ConciseDateFormatter(locator, tz=tz, show_offset=True,
                                            formats=list(timefmt.AXIS_FORMATS),
                                            zero_formats=list(timefmt.AXIS_ZERO_FORMATS),
                                            offset_formats=list(timefmt.AXIS_OFFSET_FORMATS))
    axis.set_major_locator(locator)
    axis.set_major_formatter(formatter)
    axis.get_offset_text().set_fontsize(FONT_SMALL)
    axis.get_offset_text().set_color(MUTED)


def utc_time_axis(axis) -> None:
    """``time_axis`` in UTC."""
    time_axis(axis, "UTC")


def text_size_px(text: str, fontsize_pt: float, dpi: float) -> tuple[float, float]:
    """A quick estimate of a label's width and height in pixels (DejaVu Sans)."""
    px = fontsize_pt * dpi / 72.0
    lines = text.split("\n")
    return max(len(line) for line in lines) * 0.62 * px + 2, len(lines) * 1.25 * px


def text_width_px(text: str, fontsize_pt: float, dpi: float, bold: bool = False) -> float:
    """The width in pixels of one line of ``text`` as the Agg renderer draws it in the
    charts' font (DejaVu Sans) at ``fontsize_pt`` and ``dpi``: measured by the font with
    the renderer's hinting, as ``Text.get_window_extent`` measures it. Any thread
    (matplotlib keeps a font object per thread)."""
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import get_hinting_flag
    prop = font_manager.FontProperties(weight="bold" if bold else "normal")
    font = font_manager.get_font(font_manager.findfont(prop))
    font.clear()
    font.set_size(fontsize_pt, dpi)
    font.set_text(text, 0.0, flags=get_hinting_flag())
    return font.get_width_height()[0] / 64.0 + 1.0


def fit_text(text: str, width_px: float, fontsize_pt: float, dpi: float,
             min_chars: int = 4, bold: bool = False) -> str | None:
    """``text`` whole when it fits in ``width_px``, else cut at a word (or a character) with
    "…" to fit; None when not even ``min_chars`` characters and "…" fit."""
    text = " ".join(str(text).split())

    def fits(candidate: str) -> bool:
        return text_width_px(candidate, fontsize_pt, dpi, bold) <= width_px

    if fits(text):
        return text
    lo, hi = 0, len(text)          # the longest head that fits with its "…", by halving
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(text[:mid].rstrip() + "…"):
            lo = mid
        else:
            hi = mid - 1
    cut = lo
    if cut < min(min_chars, len(text)):
        return None
    head = text[:cut]
    space = head.rfind(" ")
    if space >= max(min_chars, int(cut * 0.6)):   # a word's end, unless it wastes much room
        head = head[:space]
    return head.rstrip(" ,;:-–") + "…"


def wrap_text(text: str, width_px: float, fontsize_pt: float, dpi: float,
              max_lines: int = 2, bold: bool = False) -> str:
    """``text`` broken at spaces onto at most ``max_lines`` lines of ``width_px``; the last
    line shortened with "…" when the rest does not fit (see ``fit_text``)."""
    words = " ".join(str(text).split()).split(" ")
    lines: list[str] = []
    while words and len(lines) < max_lines - 1:
        line = words[0]
        rest = 1
        while rest < len(words) and text_width_px(f"{line} {words[rest]}", fontsize_pt, dpi,
                                                  bold) <= width_px:
            line = f"{line} {words[rest]}"
            rest += 1
        if text_width_px(line, fontsize_pt, dpi, bold) > width_px:
            break   # one word wider than the line: shortened on the last line
        lines.append(line)
        words = words[rest:]
    if words:
        last = fit_text(" ".join(words), width_px, fontsize_pt, dpi, min_chars=1, bold=bold)
        lines.append(last or "…")
    return "\n".join(lines)


class LabelPlacer:
    """Greedy placement of labels so they overlap neither each other nor the drawn tracks.

    Works in pixels from the lower-left corner of the axes. Placed labels and reserved
    areas (legend, scale bar) are boxes; lines are marked on a coarse grid.
    """

    def __init__(self, width_px: float, height_px: float, cell_px: float = 4.0):
        self.boxes: list[tuple[float, float, float, float]] = []
        self.width = width_px
        self.height = height_px
        self.cell = cell_px
        self.grid = np.zeros((int(height_px // cell_px) + 1, int(width_px // cell_px) + 1), dtype=bool)

    def block(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.boxes.append((x0, y0, x1, y1))

    def block_line(self, px: np.ndarray, py: np.ndarray) -> None:
        """Mark a polyline (NaN-separated pixel coordinates) as taken."""
        px = np.asarray(px, dtype=float)
        py = np.asarray(py, dtype=float)
        if len(px) > 1:
            # Points along long segments too, at most half a cell apart.
            seg = np.hypot(np.diff(px), np.diff(py))
            n = np.where(np.isfinite(seg), np.ceil(seg / (self.cell / 2)), 1).clip(1, 10_000).astype(np.int64)
            leg = np.repeat(np.arange(len(seg)), n)
            f = (np.arange(len(leg)) - np.repeat(np.cumsum(n) - n, n)) / n[leg]
            px = np.concatenate([px[leg] + f * (px[leg + 1] - px[leg]), px[-1:]])
            py = np.concatenate([py[leg] + f * (py[leg + 1] - py[leg]), py[-1:]])
        ok = np.isfinite(px) & np.isfinite(py) & (px >= 0) & (py >= 0) & (px < self.width) & (py < self.height)
        self.grid[(py[ok] // self.cell).astype(np.int64), (px[ok] // self.cell).astype(np.int64)] = True

    def free(self, box, lines: bool = True) -> bool:
        x0, y0, x1, y1 = box
        if x0 < 0 or y0 < 0 or x1 > self.width or y1 > self.height:
            return False
        if not all(x1 <= b0 or x0 >= b2 or y1 <= b1 or y0 >= b3 for b0, b1, b2, b3 in self.boxes):
            return False
        if lines:
            c = self.cell
            if self.grid[int(y0 // c):int(y1 // c) + 1, int(x0 // c):int(x1 // c) + 1].any():
                return False
        return True

    def place(self, x: float, y: float, w: float, h: float, gap: float = 5.0):
        """Best offset (dx, dy, ha, va) for a w x h label at pixel (x, y); None if nothing fits.

        Spots clear of lines are preferred; failing that, any spot clear of other labels.
        """
        candidates = [
            (gap, gap, "left", "bottom"), (gap, -gap, "left", "top"),
            (-gap, gap, "right", "bottom"), (-gap, -gap, "right", "top"),
            (0, gap + 2, "center", "bottom"), (0, -gap - 2, "center", "top"),
            (gap + 2, 0, "left", "center"), (-gap - 2, 0, "right", "center"),
        ]
        for lines in (True, False):
            for dx, dy, ha, va in candidates:
                x0 = x + dx - (w if ha == "right" else w / 2 if ha == "center" else 0)
                y0 = y + dy - (h if va == "top" else h / 2 if va == "center" else 0)
                box = (x0, y0, x0 + w, y0 + h)
                if self.free(box, lines):
                    self.boxes.append(box)
                    return dx, dy, ha, va
        return None


def legend_columns(entry_w: list[float], room_px: float) -> int:
    """The most columns a legend of entries ``entry_w`` px wide can have in ``room_px``,
    its entries filled down the columns (matplotlib's order); at least one."""
    n = len(entry_w)
    for ncols in range(n, 1, -1):
        rows, big = divmod(n, ncols)
        heights = [rows + 1] * big + [rows] * (ncols - big)
        if 0 in heights:
            continue
        start, width = 0, 0.0
        for h in heights:
            width += max(entry_w[start:start + h])
            start += h
        if width <= room_px:
            return ncols
    return 1


def header_title(title: str | None, width_px: float, dpi: float) -> str | None:
    """The title as the header writes it on a figure ``width_px`` wide: on one line when it
    fits, else broken onto two (the second shortened with "…" if it must be)."""
    if not title:
        return title
    room = width_px - 20 * dpi / 100.0
    if text_width_px(title, FONT_TITLE, dpi, bold=True) <= room:
        return title
    return wrap_text(title, room, FONT_TITLE, dpi, bold=True)


def header_layout(width_px: float, dpi: float, title: str | None, subtitle: str | None = None,
                  labels=()) -> tuple[float, bool, int]:
    """The header ``figure_header`` draws on a figure ``width_px`` wide, without a figure:
    (its height in pixels, whether the legend shares the title's line, legend columns)."""
    k = dpi / 100.0
    W = width_px
    used = 8 * k
    title = header_title(title, W, dpi)
    title_h, sub_h, legend_row_h = 20 * k * (title or "").count("\n") + 20 * k, 15 * k, 17 * k
    # An entry: its handle and the space around it (~40 px at 100 dpi), and its text.
    em = FONT_SMALL * dpi / 72.0
    entry_w = [text_width_px(label, FONT_SMALL, dpi) + LEGEND_ENTRY_EM * em for label in labels]
    title_w = text_size_px(title, FONT_TITLE, dpi)[0] * 1.12 if title else 0.0
    if title and "\n" in title:
        title_w = W   # a title on two lines leaves no room for the legend beside it
    same_row = bool(title) and title_w + sum(entry_w) + 30 * k < W
    ncols = len(labels)
    if title:
        used += title_h
    if subtitle:
        used += sub_h
    if labels:
        if same_row or not title:
            used = max(used, 8 * k + legend_row_h)
        else:
            # As many columns as fit (each as wide as its widest entry, filled top to bottom
            # as matplotlib fills them), rows below the subtitle.
            # (the legend starts 8 px in; its last column needs no spacing after it)
            ncols = legend_columns(entry_w, W - 10 * k + LEGEND_SPACING_EM * em)
            used += math.ceil(len(labels) / ncols) * legend_row_h
    return used + 8 * k, same_row, ncols


def figure_header(fig, title: str | None, subtitle: str | None = None, handles=(), labels=()) -> float:
    """Title, subtitle and a one-line legend across the top of a figure.

    The legend sits on the title's line when both fit, else on its own line(s) below.
    Returns the height in pixels the header takes, for placing the axes under it.
    """
    dpi = fig.dpi
    k = dpi / 100.0
    W, H = fig.bbox.width, fig.bbox.height
    height, same_row, ncols = header_layout(W, dpi, title, subtitle, labels if handles else ())
    used = 8 * k
    title = header_title(title, W, dpi)
    if title:
        fig.text(10 * k / W, 1 - used / H, title, ha="left", va="top", fontsize=FONT_TITLE,
                 fontweight="bold", color=TEXT, **({"linespacing": 1.25} if "\n" in title else {}))
        used += 20 * k * (title.count("\n") + 1)
    if subtitle:
        fig.text(10 * k / W, 1 - used / H, subtitle, ha="left", va="top", fontsize=FONT_SMALL,
                 color=MUTED)
        used += 15 * k
    if handles:
        common = dict(fontsize=FONT_SMALL, frameon=False, handlelength=1.8, columnspacing=1.2,
                      borderaxespad=0.0, borderpad=0.0)
        if same_row or not title:
            fig.legend(handles, labels, loc="upper right", bbox_to_anchor=(1 - 12 * k / W, 1 - 10 * k / H),
                       ncols=len(labels), **common)
        else:
            fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(8 * k / W, 1 - (used + 2 * k) / H),
                       ncols=ncols, **common)
    return height
