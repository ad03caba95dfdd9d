"""The chart pane: map, flight profile or activity of the selected flights, in a matplotlib canvas.

The pane hosts the Qt-free chart functions of ``osintdesk.charts``; it only decides what to
load and when. Small selections are read on the GUI thread (milliseconds); big ones on a
worker with its own read-only connection (SQLite connections belong to one thread), and the
figure is drawn when they arrive. Maps of many positions are planned on a worker too
(``plan_map``: projection and tracks reduced to what the image shows, plain arrays), and
so are their tracks after a pan or zoom (``view_shapes``); the GUI thread only makes and
updates the artists. Rapid selection changes are coalesced, and a result that arrives
after the selection (or the view) moved on is dropped.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.dates as mdates
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
from matplotlib.figure import Figure
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QFileDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton,
                               QSizePolicy, QVBoxLayout, QWidget)

from ..charts import (apply_view, basemap, case_data, draw_activity, draw_map, draw_profile,
                      fit_limits_to_axes, gap_at, nearest_point, plan_map, refresh_basemap, refresh_view,
                      save_figure, style, view_request, view_shapes)
from .. import timefmt
from ..errors import OsintdeskError
from .tasks import TaskRunner

MODES = ("map", "profile", "activity")
MODE_TITLES = {"map": "Map", "profile": "Profile", "activity": "Activity"}
EXPORT_FILTERS = "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"


@dataclass(frozen=True)
class ChartRequest:
    """What to show: flights by id or every flight of one aircraft. With neither, the map
    and profile are empty and the activity chart shows every aircraft."""

    flight_ids: tuple[str, ...] | None = None
    aircraft_uuid: str | None = None

    def load_flights(self, case, progress=None, cancelled=None) -> "ChartData":
        """Flights with their points (map and profile); runs on any thread with its own case."""
        if self.aircraft_uuid is not None:
            flights = case_data.chart_flights(case, aircraft=self.aircraft_uuid,
                                              progress=progress, cancelled=cancelled)
        else:
            flights = case_data.chart_flights(case, list(self.flight_ids or ()),
                                              progress=progress, cancelled=cancelled)
        return ChartData(flights=flights, places=case_data.places(case))

    def load_activity(self, case, progress=None, cancelled=None) -> "ChartData":
        """One row per aircraft concerned (every aircraft when nothing is selected)."""
        if self.aircraft_uuid is not None:
            planes = [self.aircraft_uuid]
        elif self.flight_ids:
            planes = case_data.aircraft_of_flights(case, self.flight_ids)
        else:
            planes = None
        rows = case_data.activity_rows(case, planes) if planes != [] else []
        return ChartData(rows=rows)

    def estimated_points(self, case) -> int:
        """Positions the flights hold (from the flights table, instantly)."""
        if self.aircraft_uuid is not None:
            return case_data.estimated_points(case, aircraft=self.aircraft_uuid)
        return case_data.estimated_points(case, list(self.flight_ids or ()))


@dataclass
class ChartData:
    """What was read for a request: flights and places (map, profile) or activity rows."""

    flights: list = field(default_factory=list)
    places: list = field(default_factory=list)
    rows: list = field(default_factory=list)


class MapToolbar(NavigationToolbar2QT):
    """Home, back, forward, pan and zoom; Home fits the selection again (a fresh map)."""

    toolitems = [t for t in NavigationToolbar2QT.toolitems if t[0] in ("Home", "Back", "Forward")]
    toolitems += [(None, None, None, None)]
    toolitems += [t for t in NavigationToolbar2QT.toolitems if t[0] in ("Pan", "Zoom")]

    def __init__(self, canvas, pane: "ChartPane"):
        self._pane = pane
        super().__init__(canvas, pane, coordinates=True)

    def home(self, *args) -> None:
        self._pane.fit()


class ChartPane(QWidget):
    """Map, profile and activity of the selected flights (or of one aircraft).

    ``set_case`` takes the window's read-only Case (GUI thread). ``show_flights`` and
    ``show_aircraft`` change what is shown; ``flight_clicked`` says which flight's track
    the user clicked on the map. ``redrawn`` (the mode) follows every completed drawing.
    """

    flight_clicked = Signal(str)
    redrawn = Signal(str)

    # Selections with up to this many points are read on the GUI thread (about 50 ms).
    SYNC_POINTS = 50_000
    # Above this many points, a pan or zoom redraws only the basemap, not the whole map.
    REDRAW_POINTS = 200_000
    # Maps of more points than this are planned on a worker (a million take ~0.15 s) and
    # their tracks re-simplified there after a pan or zoom; the GUI thread makes the artists.
    PLAN_POINTS = 50_000
    DEBOUNCE_MS = 120
    SETTLE_MS = 400        # after pan/zoom stops: a fresh basemap when the view needs one
    HOVER_PX = 12
    CLICK_PX = 8

    def __init__(self, parent=None, *, runner: TaskRunner | None = None):
        super().__init__(parent)
        self.runner = runner if runner is not None else TaskRunner(self)
        self.case = None
        self.mode = "map"
        self.request = ChartRequest()
        self.info = None               # MapInfo, ProfileInfo or ActivityInfo of the last drawing
        self.drawn_mode: str | None = None
        self.message = ""              # what the pane says about the selection
        self._generation = 0           # bumped by every change of what to show
        self._epoch = 0                # bumped when the case (or its content) changes
        self._cache: dict[str, tuple[ChartRequest, ChartData]] = {}
        self._task = None
        self._shown: tuple = (ChartData(), None, "map")  # data, problem, mode on the figure
        self._drawn_view = None
        self._user_view = False        # the user panned or zoomed the map since it was fitted
        self._button_down = False
        self._refresh_on_release = False
        self._hover_xy = None
        self._ignore_limits = False
        self._draw_serial = 0          # bumped by every drawing; a plan for an older one is dropped
        self._plan_task = None
        self._view_task = None
        self._pending_view = None      # the view whose tracks a worker is simplifying

        self.figure = Figure(dpi=100)
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setMinimumSize(240, 180)
        self.toolbar = MapToolbar(self.canvas, self)
        self.mode_box = QComboBox(objectName="chart_mode")
        for mode in MODES:
            self.mode_box.addItem(MODE_TITLES[mode], mode)
        self.mode_box.currentIndexChanged.connect(
            lambda i: self.set_mode(self.mode_box.itemData(i)))
        self.export_button = QPushButton("Export…", objectName="chart_export")
        self.export_button.setToolTip("Save this chart as PNG, SVG or PDF")
        self.export_button.clicked.connect(self.export_dialog)
        self.status = QLabel(objectName="chart_status")
        self.status.setMinimumWidth(10)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.mode_box)
        top.addWidget(self.toolbar, 1)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.status)

        self._load_timer = self._single_shot(self.DEBOUNCE_MS, self._load)
        self._resize_timer = self._single_shot(250, self._redraw_same_view)
        self._view_timer = self._single_shot(0, self._view_changed)
        self._settle_timer = self._single_shot(self.SETTLE_MS, self._view_settled)
        self._hover_timer = self._single_shot(30, self._hover)

        self.canvas.mpl_connect("motion_notify_event", self._on_motion)
        self.canvas.mpl_connect("button_press_event", self._on_press)
        self.canvas.mpl_connect("button_release_event", self._on_release)
        self.canvas.mpl_connect("figure_leave_event", lambda _e: self._show_hover(None))
        self.canvas.mpl_connect("resize_event", self._on_resize)  # the first draw, once shown

    def _single_shot(self, msecs: int, slot) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(msecs)
        timer.timeout.connect(slot)
        return timer

    # ------------------------------------------------------------ public API

    def set_case(self, case) -> None:
        """Show charts of ``case`` (the window's read-only Case, or None for none)."""
        self.case = case
        self.request = ChartRequest()
        self._invalidate()
        self._schedule()

    def show_flights(self, flight_ids) -> None:
        """Chart these flights (uuids); an empty list clears the map and profile."""
        self.request = ChartRequest(flight_ids=tuple(str(i) for i in flight_ids))
        self._schedule()

    def show_aircraft(self, aircraft_uuid: str | None) -> None:
        """Chart every flight of one aircraft (None: nothing selected)."""
        self.request = ChartRequest(aircraft_uuid=aircraft_uuid) if aircraft_uuid else ChartRequest()
        self._schedule()

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown chart mode {mode!r}")
        if self.mode_box.currentData() != mode:
            self.mode_box.setCurrentIndex(MODES.index(mode))  # comes back here through the signal
            return
        self.mode = mode
        self._schedule(delay=False)

    def refresh(self) -> None:
        """Read the case again (after an import) and redraw."""
        self._invalidate()
        self._schedule(delay=False)

    def fit(self) -> None:
        """Redraw the current chart fitted to the selection (the toolbar's Home)."""
        self._draw(*self._shown, note=self.message)

    def busy(self) -> bool:
        return (self._load_timer.isActive() or self._task is not None or self._plan_task is not None
                or self._view_task is not None)

    def wait(self, msecs: int = -1) -> bool:
        """Block until background loading is done (closing, tests)."""
        return self.runner.wait(msecs)

    def export_to(self, path) -> Path:
        """Save the chart as shown to ``path`` (.png, .svg or .pdf)."""
        return save_figure(self.figure, path)

    def export_dialog(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, "Export chart", f"{self.mode}.png", EXPORT_FILTERS)
        if not name:
            return None
        try:
            return self.export_to(name)
        except OsintdeskError as exc:
            QMessageBox.warning(self, "Cannot export the chart", str(exc))
            return None

    # ------------------------------------------------------------ loading

    def _kind(self) -> str:
        return "activity" if self.mode == "activity" else "flights"

    def _invalidate(self) -> None:
        self._cache.clear()
        self._epoch += 1  # loads started before now must not fill the cache
        self._generation += 1
        if self._task is not None:
            self._task.cancel()

    def _cached(self) -> ChartData | None:
        hit = self._cache.get(self._kind())
        return hit[1] if hit is not None and hit[0] == self.request else None

    def _schedule(self, delay: bool = True) -> None:
        self._generation += 1
        if self._task is not None:
            self._task.cancel()
        if delay:
            self._load_timer.start()
        else:
            self._load_timer.stop()
            self._load()

    def _load(self) -> None:
        data = self._cached()
        if data is not None:
            self._draw(data)
            return
        if self.case is None:
            self._draw(ChartData(), note="No case open")
            return
        request, kind, generation = self.request, self._kind(), self._generation
        load = request.load_activity if kind == "activity" else request.load_flights
        try:
            points = 0 if kind == "activity" else request.estimated_points(self.case)
            if points <= self.SYNC_POINTS:
                self._loaded(self._epoch, generation, request, kind, load(self.case))
                return
        except OsintdeskError as exc:
            self._draw(ChartData(), str(exc))
            return
        path, examiner = self.case.path, self.case.examiner

        def work(progress, cancelled):
            from ..store import Case
            with Case.open(path, examiner=examiner, readonly=True) as own:
                return load(own, progress=progress, cancelled=cancelled)

        task = self.runner.create(f"Loading the {self.mode} ({points:,} positions)", work, writes=False)
        task.chart_request = (self._epoch, generation, request, kind)
        # Bound methods of this QObject: the worker's signals are queued to the GUI thread.
        task.succeeded.connect(self._task_succeeded)
        task.failed.connect(self._task_failed)
        task.progress.connect(self._task_progress)
        task.finished.connect(self._task_finished)
        self._task = task
        self._show_status(f"Loading {points:,} positions…")
        self.runner.start(task)

    def _task_succeeded(self, data) -> None:
        self._loaded(*self.sender().chart_request, data)

    def _task_failed(self, message: str) -> None:
        _epoch, generation, _request, _kind = self.sender().chart_request
        if generation == self._generation:
            self._draw(ChartData(), message.splitlines()[0])

    def _task_progress(self, done: int, total: int) -> None:
        if self.sender().chart_request[1] == self._generation:
            self._show_status(f"Loading {done:,} of {total:,} positions…" if total else "Loading…")

    def _task_finished(self) -> None:
        if self._task is self.sender():
            self._task = None

    def _loaded(self, epoch: int, generation: int, request: ChartRequest, kind: str,
                data: ChartData) -> None:
        if epoch == self._epoch:
            self._cache[kind] = (request, data)
        if generation == self._generation:
            self._draw(data)

    # ------------------------------------------------------------ drawing

    def _big_enough(self) -> bool:
        return self.figure.bbox.width >= 120 and self.figure.bbox.height >= 90

    def _draw(self, data: ChartData, problem: str | None = None, mode: str | None = None, *,
              view=None, note: str = "") -> None:
        """Draw ``mode`` (default: the current one) from loaded data, on the GUI thread.

        ``problem`` is an error to show on the chart, ``note`` a remark for the status line,
        ``view`` a map view (x0, x1, y0, y1) to keep after a resize, pan or zoom.
        """
        mode = mode or self.mode
        self._draw_serial += 1
        self._cancel_map_work()
        self._view_timer.stop()      # pending work on the axes being replaced
        self._settle_timer.stop()
        self._user_view = view is not None
        self._hover_xy = None
        self._shown = (data, problem, mode)
        self.message = problem or note
        self._drawn_view = None
        if not self._big_enough():
            self.info, self.drawn_mode = None, None
            self._show_status(self.message)
            return
        if mode == "map":
            previous = self._map_info()
            projection = previous.projection if view is not None and previous is not None else None
            view = view if projection is not None else None
            self._user_view = view is not None
            points = sum(len(f) for f in data.flights)
            title = case_data.selection_title(data.flights)
            if points > self.PLAN_POINTS:
                self._plan_map(data, points, title, projection, view)
                return
            self.info = draw_map(self.figure, data.flights, data.places, title=title,
                                 projection=projection, view=view)
            self._watch_map(self.info)
        elif mode == "profile":
            flights = data.flights
            self.info = draw_profile(self.figure, flights[0] if flights else None)
            _utc_coordinates(self.info.ax_alt, "ft")
            _utc_coordinates(self.info.ax_gs, "kt")
            if len(flights) > 1 and not problem:
                self.message = (f"Profile of the first of {len(flights)} selected flights; "
                                "select one flight for its own.")
        else:
            planes = len(data.rows)
            who = data.rows[0].aircraft_label if planes == 1 else f"{planes} aircraft"
            self.info = draw_activity(self.figure, data.rows,
                                      title=f"Activity: {who} (UTC)" if planes else None)
            _utc_coordinates(self.info.ax, None)
        self._drawn(mode, problem)

    def _drawn(self, mode: str, problem: str | None) -> None:
        """The common end of every drawing: error text, toolbar, paint, status, signal."""
        if problem:
            self.figure.text(0.5, 0.04, problem, ha="center", va="bottom", fontsize=style.FONT,
                             color="#b00020", wrap=True)
        self.drawn_mode = mode
        self.toolbar.update()  # the old axes' zoom history no longer applies
        self.toolbar.set_message("")
        self.canvas.draw_idle()
        self._show_status(self.message)
        self.redrawn.emit(mode)

    def _plan_map(self, data: ChartData, points: int, title, projection, view) -> None:
        """Plan a big map on a worker; ``_plan_done`` draws it (the old chart stays till then)."""
        size = (self.figure.bbox.width, self.figure.bbox.height)
        dpi = self.figure.dpi
        flights, places = data.flights, data.places

        def work(_progress, cancelled):
            return plan_map(flights, places, size_px=size, dpi=dpi, title=title,
                            projection=projection, view=view, cancelled=cancelled)

        task = self.runner.create(f"Drawing the map ({points:,} positions)", work, writes=False)
        task.map_plan = (self._draw_serial, self._shown[1])
        task.succeeded.connect(self._plan_done)
        task.failed.connect(self._plan_failed)
        task.cancelled.connect(self._plan_cancelled)
        task.finished.connect(self._plan_finished)
        self._plan_task = task
        self._show_status(f"Drawing {points:,} positions…")
        self.runner.start(task)

    def _plan_done(self, plan) -> None:
        serial, problem = self.sender().map_plan
        if serial != self._draw_serial:
            return  # something else was asked for since
        if not plan.fits(self.figure):
            self._resize_timer.start()  # resized meanwhile: planned again for the new size
            return
        self.info = draw_map(self.figure, plan=plan)
        self._watch_map(self.info)
        self._drawn("map", problem)

    def _plan_failed(self, message: str) -> None:
        if self.sender().map_plan[0] == self._draw_serial:
            self._draw(ChartData(), message.splitlines()[0], "map")

    def _plan_cancelled(self) -> None:
        if self.sender().map_plan[0] == self._draw_serial:  # stopped from outside (Cancel)
            self._show_status("Drawing the map was cancelled")

    def _plan_finished(self) -> None:
        if self._plan_task is self.sender():
            self._plan_task = None

    def _cancel_map_work(self) -> None:
        for task in (self._plan_task, self._view_task):
            if task is not None:
                task.cancel()
        self._pending_view = None

    def _on_resize(self, _event) -> None:
        """Keep the map's view at the axes' new shape until it is drawn again for the size
        (else matplotlib warns that it ignores the fixed limits)."""
        info = self._map_info()
        if info is not None:
            self._ignore_limits = True
            try:
                fit_limits_to_axes(info.ax)
            finally:
                self._ignore_limits = False
        self._resize_timer.start()

    def _redraw_same_view(self) -> None:
        """After a resize: labels and legend are placed for the size, so draw again."""
        info = self._map_info()
        keep = info is not None and self._user_view
        self._draw(*self._shown, view=info.view if keep else None, note=self.message)

    # ------------------------------------------------------------ map interaction

    def _map_info(self):
        return self.info if self.drawn_mode == "map" and self.info is not None else None

    def _watch_map(self, info) -> None:
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
        info = self._map_info()
        if info is None or ax is not info.ax or self._ignore_limits:
            return
        self._view_timer.start()

    def _view_changed(self) -> None:
        """Pan or zoom: re-simplify the tracks for the new view (once the drag ends: while
        the map is dragged, the drawn lines only move)."""
        info = self._map_info()
        if info is None:
            return
        if self._button_down:
            self._refresh_on_release = True
            return
        x0, x1 = info.ax.get_xlim()
        y0, y1 = info.ax.get_ylim()
        if _same_view((x0, x1, y0, y1), info.view):
            return
        self._user_view = True
        if sum(len(f) for f in self._shown[0].flights) > self.PLAN_POINTS:
            self._simplify_view(info)
            return
        self._ignore_limits = True
        try:
            refresh_view(info)
        finally:
            self._ignore_limits = False
        self.canvas.draw_idle()
        self._settle_timer.start()

    def _simplify_view(self, info) -> None:
        """Re-simplify the tracks of a big map for the new view on a worker."""
        self._ignore_limits = True
        try:
            fit_limits_to_axes(info.ax)
        finally:
            self._ignore_limits = False
        request = view_request(info)
        if self._pending_view is not None and _same_view(request.view, self._pending_view):
            return  # already on its way
        if self._view_task is not None:
            self._view_task.cancel()
        task = self.runner.create("Redrawing the tracks", lambda _p, cancelled: view_shapes(request, cancelled),
                                  writes=False)
        task.map_view = (info, request.view)
        task.succeeded.connect(self._view_done)
        task.finished.connect(self._view_finished)
        self._view_task = task
        self._pending_view = request.view
        self.runner.start(task)

    def _view_done(self, shapes) -> None:
        info, view = self.sender().map_view
        if info is not self._map_info():
            return
        x0, x1 = info.ax.get_xlim()
        y0, y1 = info.ax.get_ylim()
        if not _same_view((x0, x1, y0, y1), view):
            return  # moved on: a newer request is running
        self._pending_view = None
        self._ignore_limits = True
        try:
            apply_view(info, view, shapes)
        finally:
            self._ignore_limits = False
        self.canvas.draw_idle()
        self._settle_timer.start()

    def _view_finished(self) -> None:
        if self._view_task is self.sender():
            self._view_task = None
            self._pending_view = None

    def _view_settled(self) -> None:
        """A fresh basemap when the view left the drawn one or needs another scale."""
        info = self._map_info()
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
        if sum(len(f) for f in self._shown[0].flights) > self.REDRAW_POINTS:
            refresh_basemap(info)
            self._drawn_view = info.view
            self.canvas.draw_idle()
            return
        self._draw(*self._shown, view=info.view, note=self.message)

    def _on_press(self, event) -> None:
        self._button_down = True
        info = self._map_info()
        if info is None or event.button != 1 or event.inaxes is not info.ax or self.toolbar.mode:
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

    def _on_motion(self, event) -> None:
        info = self._map_info()
        if info is None or event.inaxes is not info.ax or event.button is not None:
            self._hover_xy = None
            if info is not None and event.inaxes is not info.ax:
                self._show_hover(None)
            return
        self._hover_xy = (event.xdata, event.ydata)
        if not self._hover_timer.isActive():  # at most one search per 30 ms
            self._hover_timer.start()

    def _hover(self) -> None:
        info = self._map_info()
        if info is None or self._hover_xy is None:
            return
        hit = nearest_point(info, *self._hover_xy, max_distance_px=self.HOVER_PX)
        self._show_hover(hit)

    def _show_hover(self, hit) -> None:
        if hit is None:
            self._show_status(self.message)
            return
        flight = self._map_info().tracks[hit.flight_id].flight
        when = timefmt.display_time(hit.t_utc)
        parts = [f"{flight.aircraft_label} · {flight.label}", when]
        parts.append(f"{hit.alt_ft:,.0f} ft" if math.isfinite(hit.alt_ft) else "altitude unknown")
        parts.append(f"{hit.gs_kt:,.0f} kt" if math.isfinite(hit.gs_kt) else "speed unknown")
        self._show_status("  ·  ".join(parts))

    def _show_status(self, text: str) -> None:
        self.status.setText(text)


def _utc_coordinates(ax, unit: str | None) -> None:
    """The toolbar shows the UTC time under the mouse (and the value in ``unit``)."""
    if ax is None:
        return

    def format_coord(x, y):
        try:
            when = timefmt.display_time(mdates.num2date(x, tz=dt.timezone.utc))
        except (ValueError, OverflowError):
            return ""
        return f"{when}   {y:,.0f} {unit}" if unit else when

    ax.format_coord = format_coord


def _same_view(a, b, tolerance: float = 1e-9) -> bool:
    span = max(abs(b[1] - b[0]), abs(b[3] - b[2]), 1.0)
    return all(abs(p - q) <= tolerance * span for p, q in zip(a, b))
