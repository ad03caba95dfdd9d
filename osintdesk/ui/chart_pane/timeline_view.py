"""The timeline in the chart pane: planned on a worker, then drawn; what a mark is under the
mouse (the status line), a click that selects its record's row, and the marks of the rows
selected in the tables outlined.

Where every mark and label goes (``charts.timeline.plan_timeline``: sub-rows, labels, the
"+N" counts) is worked out on the task runner, for the whole case and again for each
window the toolbar zooms or pans to; the GUI thread only makes the artists. A plan that
arrives after the chart moved on is dropped. The chart itself answers which item is
where; this only follows the mouse and says so. The toolbar's back and forward walk through the windows drawn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Iterable

import matplotlib.dates as mdates
from PySide6.QtCore import Signal

from ... import timefmt
from ...charts import style
from ...charts.selection import ChartData
from ...charts.timeline import Timeline, draw_timeline, plan_timeline
from .hover import HoverFollower
from .loading import single_shot


class TimelineController(HoverFollower):
    """The pane's timeline: laid out on a worker and drawn, in ``zone``; hover, click, zoom
    and the windows back and forward. ``record_clicked`` (kind, id) names the row a click
    selects: a flight (also for a gap), an event, a source or an aircraft (a ground stay)."""

    record_clicked = Signal(str, str)
    HOVER_PX = 6.0
    CLICK_PX = 6.0
    VIEW_MS = 350          # after the last zoom or pan step: labels packed for the new window

    def __init__(self, pane):
        super().__init__(pane)   # follows the mouse (HoverFollower)
        self.highlighted: set[tuple[str, str]] = set()
        self._view_timer = single_shot(self, self.VIEW_MS, self._view_settled)
        self._button_down = False
        self._zoomed: tuple[float, float] | None = None   # the window drawn, when not the data's
        self.zone = "UTC"              # of the axis, hover texts and coordinates (the pane's picker)
        self._serial = 0               # bumped by every drawing; a plan for an older one is dropped
        self._plan_task = None
        # The windows the user went to (UTC epoch seconds; None: the whole), for the toolbar's
        # back and forward: each is drawn afresh, which clears matplotlib's own history.
        self.history: list[tuple[float, float] | None] = [None]
        self.position = 0
        self._history_of = None        # the data they are windows of
        canvas = pane.canvas
        canvas.mpl_connect("button_press_event", self._on_press)
        canvas.mpl_connect("button_release_event", self._on_release)
        canvas.mpl_connect("figure_leave_event", lambda _e: self._show_hover(None))

    def info(self):
        return self.pane.info if self.pane.drawn_mode == "timeline" else None

    def busy(self) -> bool:
        return self._plan_task is not None

    def reset(self) -> None:
        """Before any drawing: a plan under way is for a chart being replaced."""
        self._serial += 1
        if self._plan_task is not None:
            self._plan_task.cancel()

    def draw(self, data: ChartData, problem: str | None, view: tuple[float, float] | None) -> None:
        """Plan the timeline of ``data`` on a worker (for the zoomed or panned ``view``, UTC
        epoch seconds, if given; in ``zone``), then draw it; ``pane.drawn`` follows. The chart
        on the canvas stays until then."""
        if data is not self._history_of:   # other items: a history of their own
            self._history_of, self.history, self.position = data, [view], 0
        figure = self.pane.figure
        size, dpi = (figure.bbox.width, figure.bbox.height), figure.dpi
        timeline = data.timeline or Timeline()
        t_from, t_to = (data.t_from, data.t_to) if view is None else view
        items, lanes, zone = timeline.items, timeline.lanes, self.zone

        def work(_progress, cancelled):
            return plan_timeline(items, lanes, size_px=size, dpi=dpi, zone=zone, t_from=t_from,
                                 t_to=t_to, cancelled=cancelled)

        serial = self._serial

        def failed(message: str) -> None:
            if serial == self._serial:
                self.pane.show_failure(message.splitlines()[0], "timeline")

        def finished() -> None:
            if self._plan_task is task:
                self._plan_task = None

        what = f"{len(items):,} item{'s' if len(items) != 1 else ''}"
        self.pane.show_status(f"Laying out the timeline ({what})…")
        task = self._plan_task = self.pane.runner.run(
            f"Laying out the timeline ({what})", work, context=self,
            on_success=lambda plan: self._plan_done(serial, problem, view, plan),
            on_failed=failed, on_finished=finished)

    def _plan_done(self, serial: int, problem, view, plan) -> None:
        if serial != self._serial:
            return  # something else was asked for since
        info = self.pane.draw_plan(plan, draw_timeline, problem)
        if info is None:
            return  # resized meanwhile: planned again for the new size
        self.drawn(info, view)
        self.pane.drawn("timeline", info)

    def drawn(self, info, view: tuple[float, float] | None = None) -> None:
        """After each drawing of the timeline (for a zoomed or panned ``view``, or the
        data's own window): the zone under the mouse, the highlight, the zoom followed."""
        zone = info.zone

        def format_coord(x, _y):
            try:
                return timefmt.display_in_zone(mdates.num2date(x, tz=dt.timezone.utc), zone)
            except (ValueError, OverflowError):
                return ""

        info.ax.format_coord = format_coord
        info.highlight(self.highlighted)
        self._zoomed = view
        info.ax.callbacks.connect("xlim_changed", lambda _ax: self._view_timer.start())

    def current_view(self) -> tuple[float, float] | None:
        """The window shown (UTC epoch seconds) when the user zoomed or panned, else None."""
        info = self.info()
        if info is None or info.empty:
            return None
        x0, x1 = info.ax.get_xlim()
        epoch = float(style.mpl_days(0.0))
        view = ((x0 - epoch) * 86400.0, (x1 - epoch) * 86400.0)
        drawn = info.time_range
        if self._zoomed is None and drawn and all(abs(a - b) < 1.0 for a, b in zip(view, drawn)):
            return None
        return view

    def shown_window(self, data):
        """``data`` with the window and the zone on screen (for an export of the chart as shown)."""
        view = self.current_view()
        data = replace(data, zone=self.zone)
        return data if view is None else replace(data, t_from=view[0], t_to=view[1])

    def remember(self, view: tuple[float, float] | None) -> None:
        """A window the user went to (zoom, pan, Home): back returns here, forward is forgotten."""
        if self.history[self.position] == view:
            return
        del self.history[self.position + 1:]
        self.history.append(view)
        self.position += 1

    def steps(self) -> tuple[bool, bool]:
        """Whether there is a window to go back to, and one to go forward to."""
        return self.position > 0, self.position < len(self.history) - 1

    def step(self, by: int) -> bool:
        """Draw the window ``by`` steps back (-1) or forward (+1) in the history; False
        (nothing done) when the timeline is not shown or there is none."""
        to = self.position + by
        if self.info() is None or not 0 <= to < len(self.history):
            return False
        self.position = to
        self.pane.redraw(view=self.history[to])
        return True

    def _view_settled(self) -> None:
        """The toolbar zoomed or panned: draw the timeline again for that window."""
        if self._button_down:
            self._view_timer.start()
            return
        info = self.info()
        if info is None or info.empty:
            return
        view = self.current_view()
        if view is not None and view != info.time_range:
            self.remember(view)
            self.pane.redraw(view=view)

    def _on_release(self, _event) -> None:
        self._button_down = False

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
        self._button_down = True
        info = self.info()
        if info is None or event.button != 1 or event.inaxes is not info.ax or self.pane.toolbar.mode:
            return
        item = info.item_at(event.xdata, event.ydata, self.CLICK_PX)
        if item is not None:
            self.record_clicked.emit(item.select_kind, item.select_id)

    def hover_point(self, event):
        return event.xdata, event.ydata

    def find(self, info, x: float, y: float):
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
