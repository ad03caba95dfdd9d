"""The chart pane: the canvas, the mode and the toolbar, and what is drawn on them when.

The pane hosts the Qt-free chart functions of ``osintdesk.charts`` (through
``charts.selection.draw_chart``); ``ChartLoader`` reads what to show, ``MapController``
draws the map and follows pan, zoom, click and hover, ``TimelineController`` lays the
timeline out on a worker and follows it, ``LinksController`` follows click and hover on
the link chart, and an export draws the chart again on a worker. The GUI thread only makes and updates the artists.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib.dates as mdates
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QSettings, QTimeZone, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QInputDialog, QLabel,
                               QMessageBox, QPushButton, QSizePolicy, QVBoxLayout, QWidget)

from ... import timefmt
from ...errors import OsintdeskError
from ...paths import config_dir
from ...charts.links import LinkRequest
from ...charts.case_data import source_places
from ...charts.export import DEFAULT_SIZE, chart_format
from ...charts.selection import (MODES, ChartData, ChartRequest, chart_footer, default_height,
                                 draw_chart, export_chart, profile_note, show_problem)
from ..dialogs import ChartExportDialog, last_folder
from ..elided import ElidedLabel
from ..flow import FlowLayout
from ..tasks import Task, TaskRunner
from .links_view import LinksController
from .loading import ChartLoader, single_shot
from .map_view import MapController, MapToolbar
from .timeline_view import TimelineController

MODE_TITLES = {"map": "Map", "profile": "Profile", "activity": "Activity", "timeline": "Timeline",
               "links": "Links"}
# The link chart's scope: the whole case, or the selected entity to so many steps.
LINK_SCOPES = (("Whole case", 0), ("Around, 1 step", 1), ("Around, 2 steps", 2),
               ("Around, 3 steps", 3))
ZONE_SETTING = "timeline/zone"     # the timeline's zone, remembered between sessions
OTHER_ZONE = "Other…"


class ChartPane(QWidget):
    """Map, profile and activity of the selected flights (or of one aircraft), and the
    timeline of the case (or of the selected aircraft).

    ``set_case`` takes the window's read-only Case (GUI thread). ``show_flights`` and
    ``show_aircraft`` change what is shown; ``flight_clicked`` says which flight's track
    the user clicked on the map. ``show_entity`` gives the entity selected in its table:
    the link chart highlights its neighbourhood (and, scoped around the selection, shows
    it); ``record_clicked`` (kind, id) says which record a click on the link chart or the
    timeline names (entity, aircraft, event, source, link, flight);
    ``highlight_records`` outlines the timeline marks of selected rows; ``set_timeline_zone``
    (or the zone box beside the mode) draws the timeline in another zone, remembered in
    ``settings`` (default: the window's settings file). ``redrawn`` (the
    mode) follows every completed drawing; ``exported`` (the path) or ``export_failed`` (a
    message) every ``export_to``.
    """

    flight_clicked = Signal(str)
    record_clicked = Signal(str, str)
    redrawn = Signal(str)
    exported = Signal(object)
    export_failed = Signal(str)

    RESIZE_MS = 250        # after a resize stops: labels and legend are placed again

    def __init__(self, parent=None, *, runner: TaskRunner | None = None,
                 settings: QSettings | None = None):
        super().__init__(parent)
        self.runner = runner if runner is not None else TaskRunner(self)
        self.settings = settings if settings is not None else QSettings(
            str(config_dir() / "window.ini"), QSettings.Format.IniFormat)
        self.zone_message: QMessageBox | None = None   # the last refused zone
        self.mode = "map"
        self.info = None               # MapInfo, ProfileInfo or ActivityInfo of the last drawing
        self.drawn_mode: str | None = None
        self.message = ""              # what the pane says about the selection
        self.export_message: QMessageBox | None = None  # the last export error shown
        self._shown: tuple = (ChartData(), None, "map")  # data, problem, mode on the figure
        self._export_task: Task | None = None
        self.last_export: dict | None = None      # what the last export wrote (see export_to)
        self._flights_request = ChartRequest()   # what the map, profile and activity show
        self.selected_entity: str | None = None  # on the Entities page: the link chart's focus

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
        # One line, shortened with "…" to the pane's width (the whole in its tooltip).
        self.status = ElidedLabel(objectName="chart_status")
        self.links_scope = QComboBox(objectName="links_scope")
        for text, depth in LINK_SCOPES:
            self.links_scope.addItem(text, depth)
        self.links_scope.setCurrentIndex(2)
        self.links_scope.setToolTip("The whole case, or the entity selected on the Entities page "
                                    "and what is linked to it to so many steps")
        self.links_sources = QCheckBox("Sources", objectName="links_sources")
        self.links_sources.setToolTip("Show sources as documents tied to what cites them")
        self.links_flights = QCheckBox("Flights", objectName="links_flights")
        self.links_flights.setToolTip("Show flights as lines from each aircraft to its airports")
        for widget in (self.links_scope, self.links_sources, self.links_flights):
            widget.setVisible(False)
        self.links_scope.currentIndexChanged.connect(lambda _i: self._links_options_changed())
        self.links_sources.toggled.connect(lambda _on: self._links_options_changed())
        self.links_flights.toggled.connect(lambda _on: self._links_options_changed())

        self.timeline_zone = QComboBox(objectName="timeline_zone")
        self.timeline_zone.setToolTip("The time zone of the timeline: its axis, what a mark says "
                                      "under the mouse and the time beside the toolbar")
        self.timeline_zone.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.timeline_zone.setVisible(False)
        self.timeline_zone.activated.connect(self._zone_chosen)
        self._event_zones: list[str] = []

        # The controls wrap onto a second line in a narrow pane (the toolbar's buttons then
        # get a line of their own) rather than being cut or hidden in its overflow menu.
        top = self.controls = FlowLayout(spacing=4)
        top.addWidget(self.mode_box)
        top.addWidget(self.timeline_zone)
        for widget in (self.links_scope, self.links_sources, self.links_flights):
            top.addWidget(widget)
        top.addWidget(self.export_button)
        top.addWidget(self.toolbar, stretch=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.status)

        self.loader = ChartLoader(self.runner, self)
        self.loader.loaded.connect(lambda data, note: self._draw(data, note=note))
        self.loader.failed.connect(lambda message: self._draw(ChartData(), message))
        self.loader.status.connect(self.show_status)
        self.map = MapController(self)
        self.map.flight_clicked.connect(self.flight_clicked)
        self.links = LinksController(self)
        self.links.record_clicked.connect(self.record_clicked)
        self.timeline = TimelineController(self)
        self.timeline.record_clicked.connect(self.record_clicked)
        self.timeline.zone = _remembered_zone(self.settings.value(ZONE_SETTING, "UTC"))
        self._fill_zones()
        self._resize_timer = single_shot(self, self.RESIZE_MS, self._redraw_same_view)
        self.canvas.mpl_connect("resize_event", self._on_resize)  # the first draw, once shown

    # ------------------------------------------------------------ public API

    def set_case(self, case) -> None:
        """Show charts of ``case`` (the window's read-only Case, or None for none)."""
        self.loader.set_case(case)
        # Nothing selected yet: the case's flights (an empty case shows an empty map).
        self._flights_request, self.selected_entity = ChartRequest(all_flights=True), None
        self._schedule()

    def show_flights(self, flight_ids) -> None:
        """Chart these flights (uuids); None charts every flight of the case, an empty
        list none (a filter that matches nothing). The timeline keeps what it shows (and
        its zoom) and outlines them."""
        if flight_ids is None:
            request = ChartRequest(all_flights=True)
            flight_ids = ()
        else:
            flight_ids = [str(i) for i in flight_ids]
            request = ChartRequest(flight_ids=tuple(flight_ids))
        self._flights_request = request
        if self.mode == "timeline" and request.timeline_filter() == self.loader.request.timeline_filter():
            self.loader.request = request  # what the map and profile show when chosen
            self.highlight_records(("flight", str(i)) for i in flight_ids)
            return
        self._schedule()

    def show_source(self, source_uuid: str | None) -> None:
        """The map of a source selected on the Sources page: the airports and places it
        names (None, or a source naming none: the case's flights). The timeline and link
        chart keep theirs."""
        case = self.loader.case
        if source_uuid and case is not None and not source_places(case, source_uuid):
            source_uuid = None
        self._flights_request = (ChartRequest(source=source_uuid) if source_uuid
                                 else ChartRequest(all_flights=True))
        if self.mode in ("map", "profile"):
            self._schedule()

    def highlight_records(self, records) -> int:
        """Outline the timeline marks of these records ((kind, id): flight, event, source,
        aircraft); returns how many marks (0 when the timeline is not shown)."""
        return self.timeline.highlight(records)

    def show_aircraft(self, aircraft_uuid: str | None) -> None:
        """Chart every flight of one aircraft (None: nothing selected, every flight)."""
        self._flights_request = (ChartRequest(aircraft=aircraft_uuid) if aircraft_uuid
                                 else ChartRequest(all_flights=True))
        self._schedule()

    def show_entity(self, entity_id: str | None, *, recentre: bool = True) -> None:
        """The entity selected in its table (None: none). The link chart highlights its
        neighbourhood; scoped around the selection it shows that neighbourhood, read and
        laid out again unless ``recentre`` is False (the click came from the chart)."""
        self.selected_entity = entity_id
        if self.mode != "links":
            return
        if recentre and self.links_scope.currentData():
            self._schedule()
        elif self.drawn_mode == "links":
            self.redraw()

    def links_request(self) -> ChartRequest:
        """What the link chart shows now: its scope, sources and flights."""
        depth = self.links_scope.currentData()
        around = self.selected_entity if depth else None
        return ChartRequest(links=LinkRequest(around=around, depth=depth or 0,
                                              sources=self.links_sources.isChecked(),
                                              flights=self.links_flights.isChecked()))

    def _links_options_changed(self) -> None:
        if self.mode == "links":
            self._schedule(delay=False)

    def _schedule(self, delay: bool = True) -> None:
        request = self.links_request() if self.mode == "links" else self._flights_request
        self.loader.schedule(self.mode, request, delay=delay)

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown chart mode {mode!r}")
        if self.mode_box.currentData() != mode:
            self.mode_box.setCurrentIndex(MODES.index(mode))  # comes back here through the signal
            return
        self.mode = mode
        for widget in (self.links_scope, self.links_sources, self.links_flights):
            widget.setVisible(mode == "links")
        self.timeline_zone.setVisible(mode == "timeline")
        self._schedule(delay=False)

    # ------------------------------------------------------------ the timeline's zone

    def set_timeline_zone(self, text: str) -> str:
        """Draw the timeline in the zone ``text`` (UTC, an offset such as +09:00 or an IANA
        name), remembered for the next session; returns the zone. OsintdeskError (nothing
        changed) when it is not a zone."""
        zone = timefmt.user_zone(text, "time zone")
        self.timeline.zone = zone
        self.settings.setValue(ZONE_SETTING, zone)
        self._fill_zones()
        if self.drawn_mode == "timeline" or (self.mode == "timeline" and self.timeline.busy()):
            self.redraw(view=self.timeline.current_view())
        return zone

    def zone_choices(self) -> list[tuple[str, str | None]]:
        """The zone box's entries (text, zone; None for "Other…"): UTC, the local zone, the
        zones the case's events were given in, the zone in use."""
        choices = [("UTC", "UTC")]
        local = local_zone()
        if local not in (None, "UTC"):
            choices.append((f"Local: {local}", local))
        for zone in sorted(set(self._event_zones) | {self.timeline.zone}):
            if zone not in (z for _, z in choices):
                choices.append((zone, zone))
        return choices + [(OTHER_ZONE, None)]

    def _fill_zones(self) -> None:
        box = self.timeline_zone
        box.blockSignals(True)
        box.clear()
        for text, zone in self.zone_choices():
            box.addItem(text, zone)
        box.setCurrentIndex(box.findData(self.timeline.zone))
        box.blockSignals(False)

    def _zone_chosen(self, index: int) -> None:
        zone = self.timeline_zone.itemData(index)
        if zone is None:   # Other…: typed
            zone, ok = QInputDialog.getText(
                self, "Time zone of the timeline",
                "UTC, an offset such as +09:00, or an IANA name such as Europe/Berlin:",
                text=self.timeline.zone)
            if not ok:
                self._fill_zones()
                return
        try:
            self.set_timeline_zone(zone)
        except OsintdeskError as exc:
            self._fill_zones()
            box = QMessageBox(QMessageBox.Icon.Warning, "Not a time zone", str(exc),
                              QMessageBox.StandardButton.Ok, self)
            box.setObjectName("zone_message")
            self.zone_message = box
            box.open()

    def refresh(self) -> None:
        """Read the case again (after an import) and redraw."""
        self.loader.invalidate()
        self.loader.schedule(self.mode, delay=False)

    def findings_changed(self) -> None:
        """After a write: the link chart shown is read again, one kept for later forgotten."""
        if self.mode == "links":
            self.refresh()
        else:
            self.loader.forget("links")

    def fit(self) -> None:
        """Redraw the current chart fitted to the selection (the toolbar's Home)."""
        if self.drawn_mode == "timeline":
            self.timeline.remember(None)
        self._draw(*self._shown, note=self.message)

    def busy(self) -> bool:
        return (self.loader.busy() or self.map.busy() or self.timeline.busy()
                or self._export_task is not None)

    def wait(self, msecs: int = -1) -> bool:
        """Block until background loading is done (closing, tests)."""
        return self.runner.wait(msecs)

    # ------------------------------------------------------------ export

    def export_to(self, path, width_px: float | None = None, height_px: float | None = None,
                  dpi: float | None = None) -> Task:
        """Save the chart as shown to ``path`` (.png, .svg or .pdf), drawn again on a worker
        on a new figure of ``width_px`` x ``height_px`` at ``dpi`` (default: the canvas'
        size), keeping the map's pan or zoom, the data credit and case number in its footer.

        ``exported`` (the path written) or ``export_failed`` (the message, also shown in
        a dialog) follow on the GUI thread; ``last_export`` then says what was written
        (mode, path, width_px, height_px, dpi, counts).
        """
        data, problem, mode = self._shown
        projection, view = self.map.current_view() if mode == "map" else (None, None)
        if mode == "timeline":
            data = self.timeline.shown_window(data)
        width_px = width_px or self.figure.bbox.width
        height_px = height_px or self.figure.bbox.height
        dpi = dpi or self.figure.dpi
        case = self.loader.case
        footer = chart_footer(case, mode, data) if case is not None else None
        selected = self.links_selection() if mode == "links" else ()
        self.last_export = None

        def work(_progress, _cancelled):
            return export_chart(path, mode, data, problem, width_px=width_px, height_px=height_px,
                                dpi=dpi, projection=projection, view=view, selected=selected,
                                footer=footer)

        def written(result) -> None:
            self.last_export = {"mode": mode, "path": result, "width_px": round(width_px),
                                "height_px": round(height_px), "dpi": dpi,
                                "counts": data.counts(mode)}
            self.exported.emit(result)

        def finished() -> None:
            if self._export_task is task:
                self._export_task = None

        task = self._export_task = self.runner.run(
            f"Exporting the {mode} to {Path(path).name}", work, context=self,
            on_success=written, on_failed=self._export_failed, on_finished=finished)
        return task

    def export_dialog(self) -> ChartExportDialog:
        """Ask where and how big (the command line's size by default); Export exports."""
        data, _problem, mode = self._shown
        if mode == "timeline":
            data = self.timeline.shown_window(data)
        width = DEFAULT_SIZE[mode][0]
        height = default_height(mode, data, width)
        screen = (round(self.figure.bbox.width), round(self.figure.bbox.height))
        dialog = self.export_dialog_ = ChartExportDialog(
            MODE_TITLES[mode].lower(), str(Path(last_folder(self.settings)) / f"{mode}.png"),
            (width, height), screen, self)
        dialog.accepted.connect(lambda: self._export_chosen(*dialog.values()))
        dialog.open()
        return dialog

    def _export_chosen(self, path: str, width: int, height: int, dpi: int) -> Task | None:
        try:
            chart_format(path)
        except OsintdeskError as exc:
            self._export_failed(str(exc))
            return None
        return self.export_to(path, width, height, dpi)

    def _export_failed(self, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Cannot export the chart", message,
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("export_message")
        self.export_message = box
        box.open()
        self.export_failed.emit(message)

    # ------------------------------------------------------------ drawing

    def shown_data(self) -> ChartData:
        """What the chart on the canvas (or the one being made) was drawn from."""
        return self._shown[0]

    def show_status(self, text: str) -> None:
        self.status.setText(text)

    def show_failure(self, message: str, mode: str | None = None) -> None:
        """An empty chart that says what went wrong."""
        self._draw(ChartData(), message, mode)

    def redraw(self, *, view=None) -> None:
        """Draw the chart shown again (keeping the map's ``view``, map metres, or the
        timeline's, UTC epoch seconds (first, last), if given)."""
        self._draw(*self._shown, view=view, note=self.message)

    def redraw_later(self) -> None:
        """Draw again once the size stops changing."""
        self._resize_timer.start()

    def _big_enough(self) -> bool:
        return self.figure.bbox.width >= 120 and self.figure.bbox.height >= 90

    def _draw(self, data: ChartData, problem: str | None = None, mode: str | None = None, *,
              view=None, note: str = "") -> None:
        """Draw ``mode`` (default: the current one) from loaded data, on the GUI thread.

        ``problem`` is an error to show on the chart, ``note`` a remark for the status line,
        ``view`` a map view (x0, x1, y0, y1) to keep after a resize, pan or zoom.
        """
        mode = mode or self.mode
        self.map.reset()             # pending work on the axes being replaced
        self.timeline.reset()
        self._shown = (data, problem, mode)
        self.message = problem or note
        if not self._big_enough():
            self.info, self.drawn_mode = None, None
            self.show_status(self.message)
            return
        if mode == "map":
            info = self.map.draw(data, problem, view)
            if info is None:
                return  # planned on a worker; drawn() follows
        elif mode == "profile":
            info = draw_chart(self.figure, mode, data, problem)
            _utc_coordinates(info.ax_alt, "ft")
            _utc_coordinates(info.ax_gs, "kt")
            if not problem:
                self.message = profile_note(data.flights) or self.message
        elif mode == "links":
            info = draw_chart(self.figure, mode, data, problem, selected=self.links_selection())
            info.ax.format_coord = lambda _x, _y: ""   # positions in a layout mean nothing
        elif mode == "timeline":
            zones = sorted({i.zone for i in (data.timeline.items if data.timeline else ())
                            if i.kind == "event"})
            if zones != self._event_zones:
                self._event_zones = zones
                self._fill_zones()
            # Planned on a worker; a zoomed or panned timeline is planned again for its
            # window (labels packed for it); Home draws the data as read.
            self.timeline.draw(data, problem, view)
            return
        else:
            info = draw_chart(self.figure, mode, data, problem)
            _utc_coordinates(info.ax, None)
        self.drawn(mode, info)

    def draw_plan(self, plan, draw, problem: str | None):
        """Draw a chart planned on a worker (``draw(figure, plan=plan)``), ``problem`` under
        it; None, and a drawing again once the size settles, when the figure was resized
        meanwhile."""
        if not plan.fits(self.figure):
            self.redraw_later()
            return None
        info = draw(self.figure, plan=plan)
        show_problem(self.figure, problem)
        return info

    def links_selection(self) -> tuple[str, ...]:
        """The nodes the link chart highlights: the selected entity, when it is there."""
        return (self.selected_entity,) if self.selected_entity else ()

    def drawn(self, mode: str, info) -> None:
        """The common end of every drawing: toolbar, paint, status, signal."""
        self.info = info
        self.drawn_mode = mode
        self.toolbar.update()  # the old axes' zoom history no longer applies
        self.toolbar.set_message("")
        self.canvas.draw_idle()
        self.show_status(self.message)
        self.redrawn.emit(mode)

    def _on_resize(self, _event) -> None:
        self.map.fit_to_axes()
        self._resize_timer.start()

    def _redraw_same_view(self) -> None:
        """After a resize: labels and legend are placed for the size, so draw again."""
        if self.drawn_mode == "timeline":
            self.redraw(view=self.timeline.current_view())
            return
        info = self.map.info()
        self.redraw(view=info.view if info is not None and self.map.user_view else None)


def local_zone() -> str | None:
    """This computer's zone (an IANA name, else its offset now), None if unknown."""
    name = bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")
    for zone in (name, timefmt.local_offset()):
        try:
            return timefmt.user_zone(zone)
        except OsintdeskError:
            continue
    return None


def _remembered_zone(value) -> str:
    """The zone kept in the settings, UTC if it is no zone (any more)."""
    try:
        return timefmt.user_zone(str(value or "UTC"))
    except OsintdeskError:
        return "UTC"


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
