"""The main window: open a case, navigate its sections, run long work with progress."""

from __future__ import annotations

from contextlib import contextmanager

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QDockWidget, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QMainWindow, QMenu, QMessageBox, QProgressBar, QSplitter,
                               QStackedWidget, QToolButton, QWidget)

from ..custody import checkpoints, timestamps
from ..custody import closing
from ..custody.keys import passphrase_from_env
from ..errors import OsintdeskError
from ..settings import save_settings
from ..store import CASE_SUFFIX, SCHEMA_VERSION, Case
from ..store.header import check_case_header, is_writable
from ..timefmt import display_time
from ..verification import verification_state, verify_and_record
from .dialogs import (AboutDialog, ExaminerDialog, KeyPassphraseDialog, NewCaseDialog,
                      TimestampDialog, VerifyResultDialog, last_folder, open_file_name,
                      open_file_names, remember_folder)
from .chart_pane import ChartPane
from .exchange import ExchangeUi
from .demo_ui import DemoUi
from .exports_ui import ExportsUi
from .findings import FindingsUi
from .flight_pages import AircraftPage, FlightsPage
from .evidence_page import EvidencePage
from .pages import AuditPage, CasePage, OverviewPage
from .report_ui import ReportUi
from .sources import SourcesUi
from .tables import add_row_actions, on_open, remember_columns, steady_splitter
from .tasks import Task, TaskRunner
from ..words import counted

MAX_RECENT = 10
NAVIGATOR_PX = 120     # wide enough for the longest page name
PAGE_MIN_PX = 420      # the page beside it never shrinks below this
# The chart pane's share of the window's width when it opens, within these bounds.
CHART_SHARE, CHART_MIN_PX, CHART_MAX_PX = 0.33, 320, 620
# How long the checkpoint signed on closing waits for another process's write lock.
CLOSE_WAIT_S = 2.0


class TaskProgress(QWidget):
    """Status-bar widget: what is running, how far along, and a Cancel button."""

    def __init__(self, runner: TaskRunner, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.label = QLabel()
        self.bar = QProgressBar(maximumWidth=200, textVisible=False)
        self.cancel_button = QToolButton(text="Cancel", objectName="cancel_task")
        self.cancel_button.clicked.connect(runner.cancel_all)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        runner.started.connect(self._started)
        runner.ended.connect(self._ended)
        self.hide()

    def _started(self, task: Task) -> None:
        self.label.setText(task.title + "…")
        self.bar.setRange(0, 0)
        task.progress.connect(self._progress)
        self.show()

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            # Large byte counts overflow a 32-bit progress bar: show per mille.
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * min(done, total) / total))
        else:
            self.bar.setRange(0, 0)

    def _ended(self, _task: Task) -> None:
        if not self.runner.active:
            self.hide()
        else:
            self.label.setText(self.runner.active[-1].title + "…")


class MainWindow(QMainWindow):
    case_opened = Signal(str)
    case_open_failed = Signal(str)  # the message shown
    case_closed = Signal()
    verified = Signal(object)  # VerifyReport
    timestamped = Signal(dict)  # the stored timestamp record

    def __init__(self, *, examiner: str, settings: QSettings, runner: TaskRunner):
        super().__init__()
        self.examiner = examiner
        self.settings = settings
        self.runner = runner
        self.case: Case | None = None  # the GUI thread's own (read) connection
        self.last_message: QMessageBox | None = None
        # The examiner's key for checkpoints on closing, unlocked once for the session; a
        # passphrase is asked at most once (Skip: no more asking until the app restarts).
        self._close_key = None
        self._close_key_asked = False
        self.passphrase_dialog: KeyPassphraseDialog | None = None
        #: the checkpoint signed when the last case was closed (None: none was due or signed)
        self.close_checkpoint: dict | None = None
        self.setWindowTitle("osintdesk")
        self.setAcceptDrops(True)
        self.resize(1200, 780)

        self.navigator = QListWidget(objectName="navigator")
        self.stack = QStackedWidget()
        self.pages: list[CasePage] = []
        self.flights_page = FlightsPage()
        self.aircraft_page = AircraftPage()
        for page in (OverviewPage(), EvidencePage(), self.aircraft_page, self.flights_page,
                     AuditPage()):
            self.add_page(page)
        self.navigator.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.navigator.setCurrentRow(0)
        self.navigator.setMinimumWidth(NAVIGATOR_PX)
        self.stack.setMinimumWidth(PAGE_MIN_PX)
        splitter = self.central_splitter = steady_splitter(QSplitter())
        splitter.addWidget(self.navigator)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([NAVIGATOR_PX, 1200 - NAVIGATOR_PX])
        self.setCentralWidget(splitter)

        self._build_chart_dock()
        self._build_actions()
        self._build_status_bar()
        self.sources_ui = SourcesUi(self)   # the Sources and Selectors pages, capture
        self.findings_ui = FindingsUi(self)  # Entities, Events, Claims; citing from sources, flights
        self._connect_chart_clicks()
        self.exchange_ui = ExchangeUi(self)  # File › Export/Merge/Open Bundle; the Conflicts page
        self.demo_ui = DemoUi(self)   # File › New Demo Case…; the banner while a demo is open
        self.exports_ui = ExportsUi(self)    # File › Export…: formats other tools open
        self.report_ui = ReportUi(self)      # Case › Report…: options, preview, save
        self._build_view_menu()
        self._wire_tables()
        remember_columns(self, settings)   # every table's column choice, kept
        self._update_state()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.value("window/state")
        if state is not None:
            self.restoreState(state)

    # ------------------------------------------------------------ construction

    def add_page(self, page: CasePage) -> None:
        self.pages.append(page)
        self.stack.addWidget(page)
        self.navigator.addItem(page.title)

    def show_page(self, title: str) -> CasePage:
        for row, page in enumerate(self.pages):
            if page.title == title:
                self.navigator.setCurrentRow(row)
                return page
        raise KeyError(title)

    def _action(self, text: str, slot: Callable, shortcut=None, name: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        if name:
            action.setObjectName(name)
        return action

    def _build_actions(self) -> None:
        self.action_new = self._action("&New Case…", self.new_case, QKeySequence.StandardKey.New,
                                       "action_new")
        self.action_open = self._action("&Open Case…", self.open_case_dialog,
                                        QKeySequence.StandardKey.Open, "action_open")
        self.action_close = self._action("&Close Case", self.close_case,
                                         QKeySequence.StandardKey.Close, "action_close")
        self.action_quit = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.action_add_files = self._action("&Add Evidence Files…", self.add_files_dialog,
                                             "Ctrl+Shift+A", "action_add_files")
        self.action_import_flights = self._action("&Import Flight Files…",
                                                  self.import_flights_dialog, "Ctrl+I",
                                                  "action_import_flights")
        self.action_fetch_flights = self._action("&Fetch Flight History…",
                                                 self.fetch_flights_dialog,
                                                 name="action_fetch_flights")
        self.action_verify = self._action("&Verify Case", self.verify_case, "Ctrl+Shift+V",
                                          "action_verify")
        self.action_timestamp = self._action("&Timestamp Checkpoint…", self.timestamp_dialog,
                                             name="action_timestamp")
        self.action_examiner = self._action("&Examiner…", self.change_examiner)
        self.action_about = self._action("&About osintdesk", self.show_about)

        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.action_new)
        file_menu.addAction(self.action_open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.setObjectName("recent_menu")
        file_menu.addAction(self.action_close)
        file_menu.addSeparator()
        file_menu.addAction(self.action_examiner)
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)
        self.file_menu = file_menu
        case_menu = self.case_menu = self.menuBar().addMenu("&Case")
        case_menu.addAction(self.action_add_files)
        case_menu.addAction(self.action_import_flights)
        case_menu.addAction(self.action_fetch_flights)
        case_menu.addAction(self.action_verify)
        case_menu.addAction(self.action_timestamp)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.action_about)
        toolbar = self.toolbar = self.addToolBar("Case")
        toolbar.setObjectName("case_toolbar")
        for action in (self.action_new, self.action_open, self.action_add_files,
                       self.action_import_flights, self.action_verify):
            toolbar.addAction(action)
        self._rebuild_recent_menu()

    def _build_view_menu(self) -> None:
        """View: every page (Ctrl+1…9 for the first nine), the chart pane and the toolbar
        shown or hidden, and Ctrl+F to the current page's filter."""
        menu = self.view_menu = QMenu("&View", self)
        menu.setObjectName("view_menu")
        self.page_actions: list[QAction] = []
        for row, page in enumerate(self.pages):
            action = self._action(page.title, lambda r=row: self.navigator.setCurrentRow(r),
                                  f"Ctrl+{row + 1}" if row < 9 else None)
            self.page_actions.append(action)
            menu.addAction(action)
        menu.addSeparator()
        self.action_find = self._action("&Find in Page", self.focus_filter,
                                        QKeySequence.StandardKey.Find, "action_find")
        menu.addAction(self.action_find)
        menu.addSeparator()
        chart = self.action_show_chart = self.chart_dock.toggleViewAction()
        chart.setText("&Chart Pane")
        chart.setShortcut("Ctrl+Shift+C")
        toolbar = self.action_show_toolbar = self.toolbar.toggleViewAction()
        toolbar.setText("&Toolbar")
        menu.addAction(chart)
        menu.addAction(toolbar)
        for action in [*self.page_actions, self.action_find]:
            self.addAction(action)   # shortcuts work even with the menu bar hidden
        self.menuBar().insertMenu(self.case_menu.menuAction(), menu)

    def page_filter(self, page: QWidget | None = None) -> QLineEdit | None:
        """The filter (or search) box of ``page`` (default: the page shown), if it has one."""
        page = page if page is not None else self.stack.currentWidget()
        for name in ("filter_edit", "search_edit"):
            edit = getattr(page, name, None)
            if isinstance(edit, QLineEdit):
                return edit
        return next((e for e in page.findChildren(QLineEdit) if e.isVisibleTo(page)), None)

    def focus_filter(self) -> QLineEdit | None:
        """Ctrl+F: the cursor to the current page's filter, its text selected."""
        edit = self.page_filter()
        if edit is not None:
            edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
            edit.selectAll()
        return edit

    def _wire_tables(self) -> None:
        """Double-click and context menus of the tables the window itself knows."""
        flights = self.flights_page
        on_open(flights.view, lambda _i: self.chart_pane.show_flights(flights.selected_flights()),
                "Show on Map")
        add_row_actions(flights.view, lambda _v, rows: [
            ("Cite in Claim…", self.findings_ui.cite_flight_dialog)] if rows else [])
        aircraft = self.aircraft_page
        on_open(aircraft.view, lambda _i: self._show_aircraft_flights(), "Show Its Flights")
        audit = next(p for p in self.pages if isinstance(p, AuditPage))
        on_open(audit.view, lambda index: self._open_audit_object(audit.record_at(index)),
                "Open Record")
        sources = self.sources_ui.sources_page
        add_row_actions(sources.view, lambda _v, rows: [
            ("Export Original…", lambda: sources.viewer.export_dialog("body"))] if rows else [])

    # Audit entries whose object a page shows (findings_ui.open_record opens them).
    OPENABLE = ("entity", "link", "event", "claim", "source", "capture", "flight")

    def _open_audit_object(self, entry: dict) -> None:
        if entry.get("object_type") in self.OPENABLE and entry.get("object_id"):
            self.findings_ui.open_record(entry["object_type"], entry["object_id"])
        elif entry.get("object_type") == "aircraft" and entry.get("object_id"):
            self.show_page("Aircraft")
            self.aircraft_page.select_aircraft(entry["object_id"])

    def _show_aircraft_flights(self) -> None:
        row = self.aircraft_page.selected()
        if row is not None:
            self.show_page("Flights")
            self.flights_page.filter_edit.setText(row.get("registration") or row.get("hex") or "")

    def _build_chart_dock(self) -> None:
        """The chart pane beside the tables; it follows the flight and aircraft selection."""
        self.chart_pane = ChartPane(runner=self.runner, settings=self.settings)
        dock = self.chart_dock = QDockWidget("Chart", self)
        dock.setObjectName("chart_dock")
        dock.setWidget(self.chart_pane)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self._size_chart_dock(self.width())
        self._selecting_from_chart = False
        self.flights_page.selection_changed.connect(self._flights_selected)
        self.flights_page.filter_edit.textChanged.connect(
            lambda _t: self._flights_selected(self.flights_page.selected_flights()))
        self.aircraft_page.view.selectionModel().selectionChanged.connect(self._aircraft_selected)
        self.chart_pane.flight_clicked.connect(self._track_clicked)
        self.chart_pane.exported.connect(self._chart_exported)
        self.case_opened.connect(lambda _path: self.chart_pane.set_case(self.case))
        self.case_closed.connect(lambda: self.chart_pane.set_case(None))

    def _size_chart_dock(self, window_px: int) -> None:
        width = max(CHART_MIN_PX, min(CHART_MAX_PX, int(window_px * CHART_SHARE)))
        self.resizeDocks([self.chart_dock], [width], Qt.Orientation.Horizontal)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not getattr(self, "_dock_sized", False):
            # Once the window has its size: the chart's share of it (a kept layout wins).
            self._dock_sized = True
            if self.settings.value("window/state") is None:
                self._size_chart_dock(self.width())

    def chart_flights(self) -> list[str] | None:
        """What the map shows from the Flights page: the selected flights; with none
        selected, those the filter leaves in the table (None: no filter, every flight)."""
        page = self.flights_page
        selected = page.selected_flights()
        if selected or not page.filter_edit.text().strip():
            return selected or None
        return [page.model.row(page.proxy.mapToSource(page.proxy.index(r, 0)).row())["uuid"]
                for r in range(page.proxy.rowCount())]

    def _chart_exported(self, path) -> Task | None:
        """A chart saved from the pane: say where, and record it in the audit log as every
        export is (a read-only case: said, not recorded)."""
        done = self.chart_pane.last_export
        if self.case is None or done is None:
            return None
        where = f"Chart saved to {path} ({done['width_px']} × {done['height_px']} px)"
        if not is_writable(self.case.path):
            self.statusBar().showMessage(where + "; the case is read-only, so the export "
                                         "is not in its audit log", 15000)
            return None

        def work(case, progress, cancelled):
            from ..charts.selection import log_chart_export
            log_chart_export(case, path, done["mode"], done["width_px"], done["height_px"],
                             done["dpi"], done["counts"])
            return path
        return self.run_task("Recording the chart export", work, case="write",
                             on_success=lambda _p: self.statusBar().showMessage(
                                 where + ", recorded in the audit log", 15000))

    def _flights_selected(self, flight_ids: list[str]) -> None:
        if not self._selecting_from_chart:  # a click on a track keeps the wider map
            self.chart_pane.show_flights(flight_ids or self.chart_flights())
        else:
            self.chart_pane.highlight_records(("flight", i) for i in flight_ids)

    def _aircraft_selected(self, *_args) -> None:
        rows = self.aircraft_page.view.selectionModel().selectedRows()
        if rows and self._selecting_from_chart:  # a ground stay clicked: the timeline stays whole
            source = self.aircraft_page.proxy.mapToSource(rows[0])
            self.chart_pane.highlight_records([("aircraft", self.aircraft_page.model.row(source.row())["uuid"])])
        elif rows:
            source = self.aircraft_page.proxy.mapToSource(rows[0])
            self.chart_pane.show_aircraft(self.aircraft_page.model.row(source.row())["uuid"])

    def _track_clicked(self, flight_id: str) -> None:
        if self.navigator.currentRow() != self.pages.index(self.flights_page):
            self.show_page("Flights")
        with self._from_chart():
            self.flights_page.select_flight(flight_id)

    @contextmanager
    def _from_chart(self):
        """A row selected because of a click on the chart: the chart keeps what it shows."""
        self._selecting_from_chart = True
        try:
            yield
        finally:
            self._selecting_from_chart = False

    def _connect_chart_clicks(self) -> None:
        """A click on a chart selects its record's row; the link chart follows the Entities
        page's selection, and rows selected in the Events and Sources pages outline their
        timeline marks (flights and aircraft: see above)."""
        self.findings_ui.entities_page.selection_changed.connect(
            lambda row: self.chart_pane.show_entity(row["id"] if row else None,
                                                    recentre=not self._selecting_from_chart))
        self.chart_pane.record_clicked.connect(self._chart_record_clicked)
        events = self.findings_ui.events_page
        events.selection_changed.connect(lambda row: self.chart_pane.highlight_records(
            [("event", row[events.key])] if row else []))
        sources = self.sources_ui.sources_page
        sources.view.selectionModel().selectionChanged.connect(lambda *_a: self._source_selected())
        # Back on the Flights page, the map shows its flights again (not a source's places).
        self.navigator.currentRowChanged.connect(
            lambda row: self._flights_selected(self.flights_page.selected_flights())
            if self.case is not None and 0 <= row < len(self.pages)
            and self.pages[row] is self.flights_page else None)

    def _source_selected(self) -> None:
        """A source selected: its timeline marks outlined, its airports and places mapped."""
        current = self.sources_ui.sources_page.current_source
        self.chart_pane.highlight_records([("source", current)] if current else [])
        if not self._selecting_from_chart:
            self.chart_pane.show_source(current)

    def _chart_record_clicked(self, kind: str, record_id: str) -> None:
        """The row of what a click on a chart names: a flight (or its gap) in Flights; on
        the timeline, a ground stay's aircraft in Aircraft; an entity (an aircraft on the
        link chart is the Airplane entity it is), a link (the entity it starts from), an
        event or a source on its own page. The chart keeps its view, and highlights."""
        if kind == "flight":
            self._track_clicked(record_id)
        elif kind == "aircraft" and self.chart_pane.drawn_mode == "timeline":
            self.show_page("Aircraft")
            with self._from_chart():
                self.aircraft_page.select_aircraft(record_id)
        else:
            with self._from_chart():
                self.findings_ui.open_record(kind, record_id)

    def _build_status_bar(self) -> None:
        self.status_case = QLabel(objectName="status_case")
        self.status_examiner = QLabel(objectName="status_examiner")
        self.status_verified = QLabel(objectName="status_verified")
        self.status_verified.setTextFormat(Qt.TextFormat.RichText)
        self.status_verified.linkActivated.connect(lambda _link: self.verify_case())
        self.task_progress = TaskProgress(self.runner)
        bar = self.statusBar()
        bar.addWidget(self.status_case, 1)
        bar.addPermanentWidget(self.task_progress)
        bar.addPermanentWidget(self.status_verified)
        bar.addPermanentWidget(self.status_examiner)

    # ------------------------------------------------------------ state

    def _update_state(self) -> None:
        has_case = self.case is not None
        writable = has_case and is_writable(self.case.path)
        for action in (self.action_close, self.action_verify):
            action.setEnabled(has_case)
        self.action_add_files.setEnabled(writable)
        self.action_import_flights.setEnabled(writable)
        self.action_timestamp.setEnabled(writable)
        self.status_examiner.setText(f"Examiner: {self.examiner}")
        if not has_case:
            self.setWindowTitle("osintdesk")
            self.status_case.setText("No case open")
            self.status_verified.setText("")
            return
        title = self.case.title
        self.setWindowTitle(f"{title} — {self.case.path.name} — osintdesk")
        self.status_case.setText(f"Case: {title} ({self.case.path})"
                                 + ("" if writable else "  [read-only]"))
        state = verification_state(self.case)
        self.status_verified.setText(verification_text(state))
        self.status_verified.setToolTip(
            "" if state is None else
            f"Last verified {display_time(state['time_utc'], seconds=False)}: Case › Verify Case "
            "(Ctrl+Shift+V) checks again")

    def refresh(self) -> None:
        """Re-read the case into every page (after a write task finished)."""
        for page in self.pages:
            page.set_case(self.case)
        self._update_state()

    def _refresh_chart(self) -> None:
        if self.case is not None:
            self.chart_pane.refresh()

    # ------------------------------------------------------------ messages

    def show_error(self, message: str, title: str = "osintdesk") -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok,
                          self)
        box.setObjectName("error_message")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.last_message = box
        box.open()
        return box

    def run_task(self, title: str, work, *, case: str | None = None, writes: bool = True,
                 on_success: Callable | None = None) -> Task | None:
        """Run ``work`` in the background; a failure becomes a dialog, and the pages are
        read again after a write.

        ``case="write"`` or ``"read"``: the worker opens its own writable or read-only
        Case of the open case and calls ``work(case, progress, cancelled)`` (None, and a
        message, when no case is open). Otherwise ``work(progress, cancelled)``, on the
        writer's queue when ``writes``. ``on_success(result)`` runs on the GUI thread.
        """
        if case is not None:
            if self.case is None:
                self.show_error("Open or create a case first.")
                return None
            writes = case == "write"

        def succeeded(result) -> None:
            if writes and self.case is not None:
                self.refresh()
                self.chart_pane.findings_changed()
            if on_success is not None:
                on_success(result)

        def failed(message: str) -> None:
            self.statusBar().showMessage(f"{title} failed", 8000)
            self.show_error(message, f"{title} failed")

        def cancelled() -> None:
            self.statusBar().showMessage(f"{title}: cancelled, nothing was changed", 8000)

        return self.runner.run(title, work, writes=writes, context=self,
                               case_path=self.case.path if case is not None else None,
                               examiner=self.examiner, on_success=succeeded, on_failed=failed,
                               on_cancelled=cancelled)

    # ------------------------------------------------------------ cases

    def new_case(self) -> NewCaseDialog:
        dialog = NewCaseDialog(self, last_folder(self.settings))
        dialog.accepted.connect(lambda: self.create_case(*dialog.values()))
        dialog.open()
        return dialog

    def create_case(self, path: str, title: str, number: str | None) -> Task:
        examiner = self.examiner

        def work(progress, cancelled):
            with Case.create(path, title=title, number=number, examiner=examiner) as case:
                return str(case.path)
        return self.run_task("Creating case", work, on_success=self.open_case)

    def open_case_dialog(self) -> None:
        name = open_file_name(self, "Open case", f"osintdesk cases (*{CASE_SUFFIX});;All files (*)",
                              settings=self.settings)
        if name:
            self.open_case(name)

    def open_case(self, path: str) -> bool:
        """Open ``path`` for viewing; shows a clear message when it is not a usable case.

        A case made by an older osintdesk is upgraded first, on the task runner with
        progress; ``case_opened`` follows when it is open (at once for any other case),
        ``case_open_failed`` when it cannot be. Returns False when the case could not be
        opened, True when it is open or being upgraded.
        """
        path = str(Path(path).absolute())
        try:
            writable = is_writable(Path(path))
            if writable and check_case_header(Path(path)) < SCHEMA_VERSION:
                self._upgrade_then_open(path)
                return True
            # The window keeps a read-only connection: all writes go through the task runner.
            case = Case.open(path, examiner=self.examiner, readonly=True)
        except OsintdeskError as exc:
            self._open_failed(path, str(exc))
            return False
        self._show_case(path, case)
        return True

    def _upgrade_then_open(self, path: str) -> Task:
        """Upgrade an older case on the writer (opening it writable upgrades it, with
        progress), then open it read-only here."""
        return self.runner.run(f"Upgrading {Path(path).name} for this osintdesk",
                               lambda _case, _progress, _cancelled: path,
                               writes=True, case_path=path, examiner=self.examiner, context=self,
                               on_success=self._upgraded,
                               on_failed=lambda message: self._open_failed(path, message))

    def _upgraded(self, path: str) -> None:
        try:
            case = Case.open(path, examiner=self.examiner, readonly=True)
        except OsintdeskError as exc:
            self._open_failed(path, str(exc))
            return
        self._show_case(path, case)

    def _open_failed(self, path: str, message: str) -> None:
        self.show_error(message, "Cannot open case")
        self._forget_recent(path)
        self.case_open_failed.emit(message)

    def _show_case(self, path: str, case: Case) -> None:
        """Make ``case`` (a read-only Case of this thread) the window's case."""
        self.close_case()
        self.case = case
        self._remember_recent(path)
        remember_folder(path, self.settings)
        self.refresh()
        self.case_opened.emit(path)

    def close_case(self) -> None:
        if self.case is None:
            return
        self.chart_pane.set_case(None)  # before the connection it reads goes away
        self.runner.wait()
        self.sign_on_close()
        self.case.close()
        self.case = None
        self.refresh()
        self.case_closed.emit()

    # ------------------------------------------------------------ recent cases

    def recent_cases(self) -> list[str]:
        value = self.settings.value("recent_cases", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _remember_recent(self, path: str) -> None:
        recent = [p for p in self.recent_cases() if p != path]
        self.settings.setValue("recent_cases", [path] + recent[: MAX_RECENT - 1])
        self._rebuild_recent_menu()

    def _forget_recent(self, path: str) -> None:
        recent = self.recent_cases()
        if path in recent:
            recent.remove(path)
            self.settings.setValue("recent_cases", recent)
            self._rebuild_recent_menu()

    def _rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_cases()
        for index, path in enumerate(recent, 1):
            action = self.recent_menu.addAction(f"&{index} {Path(path).name}  ({Path(path).parent})")
            action.setData(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_case(p))
        self.recent_menu.setEnabled(bool(recent))

    # ------------------------------------------------------------ evidence

    def add_files_dialog(self) -> None:
        names = open_file_names(self, "Add evidence files", settings=self.settings)
        if names:
            self.add_files(names)

    def add_files(self, names: list[str]) -> Task | None:
        """Add files as evidence and as sources (their text, metadata and identifiers read)."""
        return self.sources_ui.add_files(names)

    # ------------------------------------------------------------ flights

    def import_flights_dialog(self) -> None:
        names = open_file_names(
            self, "Import flight files",
            "Flight data (*.csv *.json *.gz *.kml *.gpx *.txt *.parquet *.tar);;All files (*)",
            settings=self.settings)
        from ..flights.archives import is_archive
        archives = [n for n in names if is_archive(n)]
        names = [n for n in names if n not in archives]
        if archives:
            from .flight_pages import ask_archive_aircraft
            aircraft = ask_archive_aircraft(self, len(archives))
            if aircraft:
                self.import_archives(archives, aircraft)
        if names:
            self.import_flights(names)

    def fetch_flights_dialog(self):
        """Ask which aircraft and days, then fetch their history (``fetch_flights``)."""
        from ..flights.fetch import saved_credentials
        from .flight_pages import FetchFlightsDialog
        saved = saved_credentials()
        dialog = FetchFlightsDialog(self, user=saved[0] if saved else "")
        dialog.accepted.connect(lambda: self.fetch_flights(**dialog.values()))
        dialog.open()
        return dialog

    def fetch_flights(self, aircraft: str, t_from: str, t_to: str, source: str = "opensky",
                      user: str = "", password: str = "", base_url: str | None = None
                      ) -> Task | None:
        """Fetch an aircraft's history online in the background (each answer a capture)."""
        from .. import timefmt
        from ..flights.fetch import OPENSKY_API, save_credentials, saved_credentials
        from ..sources.settings import load_capture_settings
        from .flight_pages import fetch_summary
        try:
            start = timefmt.parse_user_time(t_from, "From")
            end = timefmt.parse_user_time(t_to, "To", end_of_day=True)
            settings = load_capture_settings()
        except OsintdeskError as error:
            self.show_error(str(error))
            return None
        if user and password:
            save_credentials(user, password)
        credentials = saved_credentials()

        def work(case, progress, cancelled):
            import requests

            from ..flights.fetch import fetch_flights
            with requests.Session() as session:
                if credentials:
                    session.auth = credentials
                return fetch_flights(case, aircraft, start, end, session=session,
                                     settings=settings, source=source,
                                     base_url=base_url or OPENSKY_API, progress=progress,
                                     cancelled=cancelled)

        def done(result):
            self.statusBar().showMessage(fetch_summary(result), 15000)
            self.show_page("Flights")
            self._refresh_chart()
        return self.run_task(f"Fetching flights of {aircraft}", work, case="write",
                             on_success=done)

    def import_archives(self, names: list[str], aircraft: str) -> Task | None:
        """Read one aircraft's traces from daily tar archives in the background."""
        from .flight_pages import archive_summary

        def work(case, progress, cancelled):
            from ..flights.archives import import_aircraft_from_archives
            return import_aircraft_from_archives(case, names, aircraft, progress=progress,
                                                 cancelled=cancelled)

        def done(results):
            self.last_import = results
            text, errors = archive_summary(results)
            self.statusBar().showMessage(text, 15000)
            if errors:
                self.show_error(errors)
            self.show_page("Flights")
            self._refresh_chart()
        return self.run_task(f"Reading {counted(len(names), 'archive')} for {aircraft}", work,
                             case="write", on_success=done)

    def import_flights(self, names: list[str], fmt: str | None = None,
                       options: dict | None = None) -> Task | None:
        """Import flight files in the background; each file is all or nothing."""
        def work(case, progress, cancelled):
            from ..flights.ingest import import_flight_file, import_order
            planned, shared = import_order(names, fmt, options)
            return [import_flight_file(case, name, fmt=found, options=shared,
                                       progress=progress, cancelled=cancelled)
                    for name, found in planned]

        def done(results):
            lines = []
            for r in results:
                name = Path(r.file).name
                if r.already_imported:
                    lines.append(f"{name}: {r.message}")
                else:
                    lines.append(f"{name}: {r.format}, {r.points:,} points, {counted(r.flights, 'flight')}"
                                 + (f", {r.duplicates:,} duplicates dropped" if r.duplicates else "")
                                 + (f", {r.skipped:,} records skipped" if r.skipped else "")
                                 + (f", {r.sightings:,} aircraft heard without a position"
                                    if r.sightings else ""))
                    lines += [f"{name}: warning: {warning}" for warning in r.warnings]
            self.last_import = results
            self.statusBar().showMessage("; ".join(lines), 15000)
            self.show_page("Flights")
            self._refresh_chart()
        return self.run_task(f"Importing {counted(len(names), 'flight file')}", work, case="write",
                             on_success=done)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and self.case is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        names = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if names:
            self.import_dropped(names)
            event.acceptProposedAction()

    def import_dropped(self, names: list[str]) -> None:
        """Flight files are imported as tracks; anything else is added as evidence."""
        from ..flights import importers
        flight_files, unknown_csv, other = [], [], []
        for name in names:
            try:
                importers.detect(name)
                flight_files.append(name)
            except (OsintdeskError, OSError):
                (unknown_csv if name.lower().endswith(".csv") else other).append(name)
        if flight_files:
            self.import_flights(flight_files)
        for name in unknown_csv:
            self.map_csv_columns(name)
        if other:
            self.add_files(other)

    def map_csv_columns(self, name: str):
        """Ask how to read a CSV in no known format, then import it with that mapping."""
        from .mapping_dialog import ColumnMappingDialog
        try:
            dialog = ColumnMappingDialog(name, self)
        except OsintdeskError as exc:
            self.show_error(str(exc), "Cannot import")
            return None
        dialog.accepted.connect(lambda: self.import_flights(
            [name], "csv-mapping", {"preset": dialog.preset_name.text().strip()}))
        dialog.open()
        self.mapping_dialog = dialog
        return dialog

    # ------------------------------------------------------------ verify

    def verify_case(self) -> Task | None:
        if self.case is None:
            return None

        def work(case, progress, cancelled):
            from ..custody.keys import load_examiner_key
            # A verification that holds is signed with the examiner's key (unlocked with
            # $OSINTDESK_KEY_PASSPHRASE when it is encrypted; else the report says why not).
            return verify_and_record(case, progress=progress, cancelled=cancelled,
                                     signer=load_examiner_key)

        def done(report):
            self.refresh()
            self.verify_dialog = VerifyResultDialog(report, self)
            self.verify_dialog.open()
            self.verified.emit(report)
        # A read-only file is verified all the same; the result is then not recorded.
        return self.run_task("Verifying case", work, on_success=done,
                             case="write" if is_writable(self.case.path) else "read")

    def timestamp_dialog(self) -> TimestampDialog | None:
        """Case › Timestamp Checkpoint…: an RFC 3161 token over the latest checkpoint."""
        if self.case is None:
            return None
        checkpoint = checkpoints.latest(self.case)
        if checkpoint is None:
            self.show_error("This case has no signed checkpoint yet: Verify Case signs one "
                            "when the verification holds.", "Timestamp checkpoint")
            return None
        dialog = self.timestamp_dialog_ = TimestampDialog(
            str(self.settings.value("custody/tsa_url", "")),
            f"entry #{checkpoint['audit_seq']}, signed "
            f"{display_time(checkpoint['signed_utc'], seconds=False)}", self)
        dialog.accepted.connect(lambda: self.timestamp_checkpoint(dialog.url(), checkpoint["uuid"]))
        dialog.open()
        return dialog

    def timestamp_checkpoint(self, url: str, checkpoint_uuid: str) -> Task | None:
        """Ask the TSA at ``url`` (remembered) on the task runner; the case is written only
        when its answer holds."""
        self.settings.setValue("custody/tsa_url", url)

        def work(case, progress, cancelled):
            import requests
            checkpoint = checkpoints.find(case, checkpoint_uuid)
            with requests.Session() as session:
                return timestamps.timestamp_checkpoint(case, checkpoint, url, session=session,
                                                       cancelled=cancelled)

        def done(row):
            box = QMessageBox(
                QMessageBox.Icon.Information, "Checkpoint timestamped",
                f"Timestamped at {display_time(row['gen_time_utc'])} by {row['tsa_name']}.\n\n"
                f"TSA certificate: {row['cert_subject']}\nSHA-256 {row['cert_sha256']}\n"
                "(compare it with the fingerprint the authority publishes)",
                QMessageBox.StandardButton.Ok, self)
            box.setObjectName("timestamp_message")
            box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.last_message = box
            box.open()
            self.timestamped.emit(row)
        return self.run_task("Timestamping checkpoint", work, on_success=done, case="write")
    # ------------------------------------------------------------ checkpoint on closing

    def sign_on_close(self) -> dict | None:
        """Before the open case is closed: when its history moved since its last signed
        checkpoint, sign one (reason "close") on the writer, waiting for it.

        Never stops the closing: a write-protected or busy case, a key that cannot be had,
        or a Skip leave the case unsigned with a word in the status bar.
        """
        self.close_checkpoint = None
        if self.case is None or not is_writable(self.case.path):
            return None
        try:
            if not closing.head_moved_since_checkpoint(self.case):
                return None
            key, why_not = self._key_for_closing()
        except Exception as exc:   # noqa: BLE001 - a damaged case or key never stops closing
            key, why_not = None, str(exc)
        name = self.case.path.name
        if key is None:
            self.statusBar().showMessage(f"{name} closed without a signed checkpoint: {why_not}",
                                         15000)
            return None
        path, examiner = self.case.path, self.examiner

        def work(progress, cancelled):
            with Case.open(path, examiner=examiner, wait_s=CLOSE_WAIT_S) as case:
                return closing.sign_on_close(case, key)

        # Waited for here, its outcome read from the task: the case closes right after.
        task = self.runner.run(f"Signing a checkpoint of {name}", work, writes=True,
                               context=self)
        self.runner.wait()
        if task.error is not None:
            self.statusBar().showMessage(
                f"{name} closed without a signed checkpoint: {task.error}", 15000)
        elif task.result is not None:
            self.close_checkpoint = task.result
            self.statusBar().showMessage(f"{name}: checkpoint of entry "
                                         f"#{task.result['audit_seq']} signed on closing", 15000)
        return self.close_checkpoint

    def _key_for_closing(self):
        """The examiner's key and None, or None and why not; asks the passphrase at most
        once per session, and only when the key needs one that the environment lacks."""
        from ..custody.keys import examiner_key_status, has_examiner_key, load_examiner_key
        if self._close_key is not None:
            return self._close_key, None
        if not has_examiner_key() or not examiner_key_status()["encrypted"] or \
                passphrase_from_env():
            self._close_key = load_examiner_key()   # made on first use, as Verify does
            return self._close_key, None
        if self._close_key_asked:
            return None, "its passphrase was not given in this session"
        self._close_key_asked = True
        self.passphrase_dialog = KeyPassphraseDialog(
            self.case.path.name, lambda text: load_examiner_key(lambda: text, create=False),
            self)
        if self.passphrase_dialog.exec() and self.passphrase_dialog.key is not None:
            self._close_key = self.passphrase_dialog.key
            return self._close_key, None
        return None, "signing was skipped"

    # ------------------------------------------------------------ misc

    def change_examiner(self) -> None:
        dialog = ExaminerDialog(self.examiner, self)

        def accept():
            name = dialog.name_edit.text().strip()
            if name:
                self.examiner = name
                save_settings({"examiner": name})
                self._update_state()
        dialog.accepted.connect(accept)
        dialog.open()

    def show_about(self) -> AboutDialog:
        self.about_dialog = AboutDialog(self)
        self.about_dialog.open()
        return self.about_dialog

    def closeEvent(self, event) -> None:
        self.chart_pane.wait()
        self.runner.cancel_all()
        self.runner.wait()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        if self.case is not None:
            self.chart_pane.set_case(None)
            self.sign_on_close()
            self.case.close()
            self.case = None
        super().closeEvent(event)


def verification_text(state: dict | None) -> str:
    """The status bar's word on verification (rich text): never, or the result at the entry
    it walked to, how many changes followed, and a link to verify again when any did."""
    if state is None:
        return "Not yet verified"
    word = "Verified OK" if state["ok"] else "<b style='color:#b00020'>Verification FAILED</b>"
    text = f"{word} at entry #{state['seq']}"
    changes = state["changes"]
    if changes:
        text += (f"; {changes} change{'s' if changes != 1 else ''} since "
                 "<a href='verify'>Verify again</a>")
    elif not state["ok"]:
        text += " <a href='verify'>Verify again</a>"
    return text
