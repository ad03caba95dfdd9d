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


def utc_time_axis(axis) -> None:
    """Concise UTC date ticks on a matplotlib axis (``ax.xaxis``)."""
    locator = mdates.AutoDateLocator(tz=UTC, minticks=4, maxticks=9)
    formatter = mdates.ConciseDateFormatter(locator, tz=UTC, show_offset=True,
                                            offset_formats=list(timefmt.AXIS_OFFSET_FORMATS))
    axis.set_major_locator(locator)
    axis.set_major_formatter(formatter)
    axis.get_offset_text().set_fontsize(FONT_SMALL)
    axis.get_offset_text().set_color(MUTED)


def shortened(text: str, chars: int) -> str:
    """``text`` on one line, cut to at most ``chars`` characters with "…": for drawing only
    (the records, tables and JSON keep the whole label)."""
    text = " ".join(str(text).split())
    return text if len(text) <= chars else text[:chars - 1] + "…"


def text_size_px(text: str, fontsize_pt: float, dpi: float) -> tuple[float, float]:
    """A quick estimate of a label's width and height in pixels (DejaVu Sans)."""
    px = fontsize_pt * dpi / 72.0
    lines = text.split("\n")
    return max(len(line) for line in lines) * 0.62 * px + 2, len(lines) * 1.25 * px


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


def header_layout(width_px: float, dpi: float, title: str | None, subtitle: str | None = None,
                  labels=()) -> tuple[float, bool, int]:
    """The header ``figure_header`` draws on a figure ``width_px`` wide, without a figure:
    (its height in pixels, whether the legend shares the title's line, legend columns)."""
    k = dpi / 100.0
    W = width_px
    used = 8 * k
    title_h, sub_h, legend_row_h = 20 * k, 15 * k, 17 * k
    entry_w = [text_size_px(label, FONT_SMALL, dpi)[0] + 40 * k for label in labels]
    title_w = text_size_px(title, FONT_TITLE, dpi)[0] * 1.12 if title else 0.0
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
            # As many entries per row as fit, rows below the subtitle.
            ncols, width = 0, 0.0
            for w in entry_w:
                if width + w > W - 20 * k and ncols:
                    break
                width += w
                ncols += 1
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
    if title:
        fig.text(10 * k / W, 1 - used / H, title, ha="left", va="top", fontsize=FONT_TITLE,
                 fontweight="bold", color=TEXT)
        used += 20 * k
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
