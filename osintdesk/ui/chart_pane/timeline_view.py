"""The timeline in the chart pane: what a mark is under the mouse (the status line), a click
that selects its record's row, and the marks of the rows selected in the tables outlined.

The chart itself (``charts.timeline``) answers which item is where; this only follows the
mouse and says so. Zoom and pan are the toolbar's.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

import matplotlib.dates as mdates
from PySide6.QtCore import QObject, Signal

from ... import timefmt
from .loading import single_shot
from .map_view import FollowsHover


class TimelineController(QObject, FollowsHover):
    """Hover and click on the pane's timeline. ``record_clicked`` (kind, id) names the row a
    click selects: a flight (also for a gap), an event, a source or an aircraft (a ground stay)."""

    record_clicked = Signal(str, str)
    HOVER_PX = 6.0
    CLICK_PX = 6.0
    HOVER_MS = 30

    def __init__(self, pane):
        super().__init__(pane)
        self.pane = pane
        self.highlighted: set[tuple[str, str]] = set()
        self._hover_xy = None
        self._hover_timer = single_shot(self, self.HOVER_MS, self._hover)
        canvas = pane.canvas
        canvas.mpl_connect("motion_notify_event", self._on_motion)
        canvas.mpl_connect("button_press_event", self._on_press)
        canvas.mpl_connect("figure_leave_event", lambda _e: self._show_hover(None))

    def info(self):
        return self.pane.info if self.pane.drawn_mode == "timeline" else None

    def drawn(self, info) -> None:
        """After each drawing of the timeline: the zone under the mouse, the highlight."""
        zone = info.zone

        def format_coord(x, _y):
            try:
                return timefmt.display_in_zone(mdates.num2date(x, tz=dt.timezone.utc), zone)
            except (ValueError, OverflowError):
                return ""

        info.ax.format_coord = format_coord
        info.highlight(self.highlighted)

    def highlight(self, records: Iterable[tuple[str, str]]) -> int:
        """Outline the marks of these records ((kind, id)) now and after each redraw."""
        self.highlighted = set(records)
        info = self.info()
        if info is None or info.empty:
            return 0
        count = info.highlight(self.highlighted)
        self.pane.canvas.draw_idle()
        return count

    def _on_press(self, event) -> None:
        info = self.info()
        if info is None or event.button != 1 or event.inaxes is not info.ax or self.pane.toolbar.mode:
            return
        item = info.item_at(event.xdata, event.ydata, self.CLICK_PX)
        if item is not None:
            self.record_clicked.emit(item.select_kind, item.select_id)

    def _find(self, info, x: float, y: float):
        return info.item_at(x, y, self.HOVER_PX)

    def _show_hover(self, item) -> None:
        info = self.info()
        if item is None or info is None:
            self.pane.show_status(self.pane.message)
            self.pane.canvas.setToolTip("")
            return
        text = item.describe(info.zone)
        self.pane.show_status(text)
        self.pane.canvas.setToolTip(text)
