"""The map in the chart pane: planning big maps on a worker, pan and zoom, click and hover.

Maps of many positions are planned on a worker (``plan_map``: projection and tracks
reduced to what the image shows, plain arrays), and so are their tracks after a pan or
zoom (``view_shapes``); the GUI thread only makes and updates the artists. A result that
arrives after the map (or the view) moved on is dropped.
"""

from __future__ import annotations

import math

from matplotlib.backends.backend_qtagg import NavigationToolbar2QT
from PySide6.QtCore import Signal

from ... import timefmt
from ...charts import (apply_view, basemap, case_data, draw_map, fit_limits_to_axes, gap_at,
                       nearest_point, plan_map, refresh_basemap, refresh_view, view_request,
                       view_shapes)
from ...charts.selection import ChartData, draw_chart
from .hover import HoverFollower
from .loading import single_shot


class MapToolbar(NavigationToolbar2QT):
    """Home, back, forward, pan and zoom; Home fits the selection again (a fresh map); on
    the timeline, back and forward go through the windows drawn (``TimelineController``)."""

    toolitems = [t for t in NavigationToolbar2QT.toolitems if t[0] in ("Home", "Back", "Forward")]
    toolitems += [(None, None, None, None)]
    toolitems += [t for t in NavigationToolbar2QT.toolitems if t[0] in ("Pan", "Zoom")]

    def __init__(self, canvas, pane):
        self._pane = pane
        super().__init__(canvas, pane, coordinates=True)

    def home(self, *args) -> None:
        self._pane.fit()

    # A timeline is drawn afresh for each window (matplotlib's history goes with the old
    # axes): back and forward walk through the windows it remembers.

    def _timeline_shown(self) -> bool:
        return getattr(self._pane, "drawn_mode", None) == "timeline"

    def back(self, *args) -> None:
        if not (self._timeline_shown() and self._pane.timeline.step(-1)):
            super().back(*args)

    def forward(self, *args) -> None:
        if not (self._timeline_shown() and self._pane.timeline.step(+1)):
            super().forward(*args)

    def set_history_buttons(self) -> None:
        super().set_history_buttons()
        if self._timeline_shown():
            back, forward = self._pane.timeline.steps()
            for name, can in (("back", back), ("forward", forward)):
                if can and name in self._actions:
                    self._actions[name].setEnabled(True)


class MapController(HoverFollower):
    """Draws the pane's map and follows what the user does with it.

    ``pane`` is the ChartPane hosting the canvas: the controller draws on its figure,
    runs work on its task runner, and hands finished drawings back to it (``drawn``,
    ``redraw``). ``flight_clicked`` says which flight's track or gap was clicked.
    """

    flight_clicked = Signal(str)

    # Above this many points, a pan or zoom redraws only the basemap, not the whole map.
    REDRAW_POINTS = 200_000
    # Maps of more points than this are planned on a worker (a million take ~0.15 s) and
    # their tracks re-simplified there after a pan or zoom; the GUI thread makes the artists.
    PLAN_POINTS = 50_000
    SETTLE_MS = 400        # after pan/zoom stops: a fresh basemap when the view needs one
    HOVER_PX = 12
    CLICK_PX = 8

    def __init__(self, pane):
        super().__init__(pane)
        self.user_view = False         # the user panned or zoomed the map since it was fitted
        self._drawn_view = None
        self._button_down = False
        self._refresh_on_release = False
        self._ignore_limits = False
        self._draw_serial = 0          # bumped by every drawing; a plan for an older one is dropped
        self._plan_task = None
        self._view_task = None
        self._pending_view = None      # the view whose tracks a worker is simplifying

        self._view_timer = single_shot(self, 0, self._view_changed)
        self._settle_timer = single_shot(self, self.SETTLE_MS, self._view_settled)

        canvas = pane.canvas
        canvas.mpl_connect("button_press_event", self._on_press)
        canvas.mpl_connect("button_release_event", self._on_release)
        canvas.mpl_connect("figure_leave_event", lambda _e: self._show_hover(None))

    def info(self):
        """The MapInfo on the canvas, None when it shows another chart."""
        return self.pane.info if self.pane.drawn_mode == "map" and self.pane.info is not None else None

    def busy(self) -> bool:
        return self._plan_task is not None or self._view_task is not None

    def settling(self) -> bool:
        """Whether a fresh basemap may still follow the last pan or zoom."""
        return self._settle_timer.isActive()

    def reset(self) -> None:
        """Before any drawing: drop the work and the state of the chart being replaced."""
        self._draw_serial += 1
        for task in (self._plan_task, self._view_task):
            if task is not None:
                task.cancel()
        self._pending_view = None
        self._view_timer.stop()
        self._settle_timer.stop()
        self.user_view = False
        self._hover_xy = None
        self._drawn_view = None

    def current_view(self):
        """(projection, view) to keep in a fresh drawing of the map as shown: the user's
        pan or zoom; (None, None) when the map is fitted to the selection."""
        info = self.info()
        if info is None or not self.user_view:
            return None, None
        x0, x1 = info.ax.get_xlim()
        y0, y1 = info.ax.get_ylim()
        return info.projection, (x0, x1, y0, y1)

    def draw(self, data: ChartData, problem: str | None, view=None):
        """Draw the map of ``data`` (keeping ``view``, map metres, after a resize, pan or
        zoom); returns its MapInfo, or None when a worker plans it (``pane.drawn`` follows)."""
        previous = self.info()
        projection = previous.projection if view is not None and previous is not None else None
        view = view if projection is not None else None
        self.user_view = view is not None
        if data.points > self.PLAN_POINTS:
            self._plan(data, problem, projection, view)
            return None
        info = draw_chart(self.pane.figure, "map", data, problem, projection=projection, view=view)
        self._watch(info)
        return info

    def fit_to_axes(self) -> None:
        """Keep the map's view at the axes' new shape until it is drawn again for the size
        (else matplotlib warns that it ignores the fixed limits)."""
        info = self.info()
        if info is not None:
            self._without_limit_events(fit_limits_to_axes, info.ax)

    # ------------------------------------------------------------ planning on a worker

    def _plan(self, data: ChartData, problem, projection, view) -> None:
        """Plan a big map on a worker; ``_plan_done`` draws it (the old chart stays till then)."""
        figure = self.pane.figure
        size = (figure.bbox.width, figure.bbox.height)
        dpi = figure.dpi
        flights, places = data.flights, data.places
        title = case_data.selection_title(flights)

        def work(_progress, cancelled):
            return plan_map(flights, places, size_px=size, dpi=dpi, title=title,
                            projection=projection, view=view, cancelled=cancelled)

        serial = self._draw_serial

        def failed(message: str) -> None:
            if serial == self._draw_serial:
                self.pane.show_failure(message.splitlines()[0], "map")

        def cancelled() -> None:
            if serial == self._draw_serial:  # stopped from outside (Cancel)
                self.pane.show_status("Drawing the map was cancelled")

        def finished() -> None:
            if self._plan_task is task:
                self._plan_task = None

        self.pane.show_status(f"Drawing {data.points:,} positions…")
        task = self._plan_task = self.pane.runner.run(
            f"Drawing the map ({data.points:,} positions)", work, context=self,
            on_success=lambda plan: self._plan_done(serial, problem, plan),
            on_failed=failed, on_cancelled=cancelled, on_finished=finished)

    def _plan_done(self, serial: int, problem, plan) -> None:
        if serial != self._draw_serial:
            return  # something else was asked for since
        info = self.pane.draw_plan(plan, draw_map, problem)
        if info is None:
            return  # resized meanwhile: planned again for the new size
        self._watch(info)
        self.pane.drawn("map", info)

    # ------------------------------------------------------------ pan and zoom

    def _without_limit_events(self, change, *args):
        """Change the axes' limits without taking it for the user's pan or zoom."""
        self._ignore_limits = True
        try:
            return change(*args)
        finally:
            self._ignore_limits = False

    def _watch(self, info) -> None:
        self._drawn_view = info.view
        ax = info.ax
        proj = info.projection

        def format_coord(x, y):
            lon, lat = proj.inverse(x, y)
            lon, lat = float(lon), float(lat)
            if not (math.isfinite(lon) and math.isfinite(lat)):
                return ""
            lon = (lon + 180.0) % 360.0 - 180.0
            return f"{abs(lat):.4f}°{'N' if lat >= 0 else 'S'} {abs(lon):.4f}°{'E' if lon >= 0 else 'W'}"

        ax.format_coord = format_coord
        ax.callbacks.connect("xlim_changed", self._limits_changed)
        ax.callbacks.connect("ylim_changed", self._limits_changed)

    def _limits_changed(self, ax) -> None:
        info = self.info()
        if info is None or ax is not info.ax or self._ignore_limits:
            return
        self._view_timer.start()

    def _view_changed(self) -> None:
        """Pan or zoom: re-simplify the tracks for the new view (once the drag ends: while
        the map is dragged, the drawn lines only move)."""
        info = self.info()
        if info is None:
            return
        if self._button_down:
            self._refresh_on_release = True
            return
        x0, x1 = info.ax.get_xlim()
        y0, y1 = info.ax.get_ylim()
        if _same_view((x0, x1, y0, y1), info.view):
            return
        self.user_view = True
        if self.pane.shown_data().points > self.PLAN_POINTS:
            self._simplify_view(info)
            return
        self._without_limit_events(refresh_view, info)
        self.pane.canvas.draw_idle()
        self._settle_timer.start()

    def _simplify_view(self, info) -> None:
        """Re-simplify the tracks of a big map for the new view on a worker."""
        self._without_limit_events(fit_limits_to_axes, info.ax)
        request = view_request(info)
        if self._pending_view is not None and _same_view(request.view, self._pending_view):
            return  # already on its way
        if self._view_task is not None:
            self._view_task.cancel()

        def finished() -> None:
            if self._view_task is task:
                self._view_task = None
                self._pending_view = None

        self._pending_view = view = request.view
        task = self._view_task = self.pane.runner.run(
            "Redrawing the tracks", lambda _p, cancelled: view_shapes(request, cancelled),
            context=self, on_success=lambda shapes: self._view_done(info, view, shapes),
            on_finished=finished)

    def _view_done(self, info, view, shapes) -> None:
        if info is not self.info():
            return
        x0, x1 = info.ax.get_xlim()
        y0, y1 = info.ax.get_ylim()
        if not _same_view((x0, x1, y0, y1), view):
            return  # moved on: a newer request is running
        self._pending_view = None
        self._without_limit_events(apply_view, info, view, shapes)
        self.pane.canvas.draw_idle()
        self._settle_timer.start()

    def _view_settled(self) -> None:
        """A fresh basemap when the view left the drawn one or needs another scale."""
        info = self.info()
        if info is None:
            return
        if self._button_down:
            self._settle_timer.start()
            return
        x0, x1, y0, y1 = info.view
        km_per_px = (x1 - x0) / info.ax.bbox.width / 1000.0
        d0, d1, e0, e1 = self._drawn_view or info.view
        inside = x0 >= d0 - 1 and x1 <= d1 + 1 and y0 >= e0 - 1 and y1 <= e1 + 1
        if inside and basemap.scale_for(km_per_px) == info.basemap_scale:
            return
        if self.pane.shown_data().points > self.REDRAW_POINTS:
            refresh_basemap(info)
            self._drawn_view = info.view
            self.pane.canvas.draw_idle()
            return
        self.pane.redraw(view=info.view)

    # ------------------------------------------------------------ click and hover

    def _on_press(self, event) -> None:
        self._button_down = True
        info = self.info()
        if info is None or event.button != 1 or event.inaxes is not info.ax or self.pane.toolbar.mode:
            return
        hit = nearest_point(info, event.xdata, event.ydata, max_distance_px=self.CLICK_PX)
        if hit is not None:
            self.flight_clicked.emit(str(hit.flight_id))
            return
        flight_id = gap_at(info, event.xdata, event.ydata, max_distance_px=self.CLICK_PX)
        if flight_id is not None:  # a click on a coverage gap's dashed line
            self.flight_clicked.emit(str(flight_id))

    def _on_release(self, _event) -> None:
        self._button_down = False
        if self._refresh_on_release:
            self._refresh_on_release = False
            self._view_timer.start()

    def hover_point(self, event):
        return event.xdata, event.ydata

    def find(self, info, x, y):
        return nearest_point(info, x, y, max_distance_px=self.HOVER_PX)

    def _show_hover(self, hit) -> None:
        if hit is None:
            self.pane.show_status(self.pane.message)
            return
        flight = self.info().tracks[hit.flight_id].flight
        when = timefmt.display_time(hit.t_utc)
        parts = [f"{flight.aircraft_label} · {flight.label}", when]
        parts.append(f"{hit.alt_ft:,.0f} ft" if math.isfinite(hit.alt_ft) else "altitude unknown")
        parts.append(f"{hit.gs_kt:,.0f} kt" if math.isfinite(hit.gs_kt) else "speed unknown")
        self.pane.show_status("  ·  ".join(parts))


def _same_view(a, b, tolerance: float = 1e-9) -> bool:
    span = max(abs(b[1] - b[0]), abs(b[3] - b[2]), 1.0)
    return all(abs(p - q) <= tolerance * span for p, q in zip(a, b))
