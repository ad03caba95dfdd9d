"""The window's part for sources: the Sources page (list, search, offline viewer), the
Selectors page, the Capture URL and Capture Settings dialogs, and adding files with extraction.

``install(window)`` adds all of it to a ``MainWindow``; the window itself knows nothing of
sources. Every write runs on the window's task runner with the worker's own ``Case``.
"""

from __future__ import annotations

import html
from typing import Callable

import requests
from PySide6.QtCore import QObject, QRectF, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QAction, QTextDocument
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QSpinBox, QSplitter, QStackedWidget, QStyle,
                               QStyledItemDelegate, QStyleOptionViewItem, QVBoxLayout, QWidget)

from ..sources.acquire.web import DEFAULT_USER_AGENT, CaptureSettings
from ..errors import InputError, OsintdeskError
from ..sources import queries
from ..sources.search import search
from ..sources.selectors import list_selectors, selector_hits
from ..sources.settings import load_capture_settings, save_capture_settings, settings_from
from ..store import Case
from .models import PagedQueryModel
from .pages import CasePage, make_table_view
from .viewer import SourceViewer

SNIPPET_HTML_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_DELAY_MS = 250
HIGHLIGHT = "#ffe066"
MIB = 1024 * 1024

SOURCE_COLUMNS = [("Title", "title"), ("Grade", "grading"), ("Captures", "captures"),
                  ("Last captured (UTC)", "last_captured_utc"), ("Published", "published_date"),
                  ("Status", "status"), ("Identifiers", "identifiers"), ("Tags", "tags"),
                  ("Notes", "notes"), ("Type", "document_kind"), ("URL / file", "name"),
                  ("Flight days named", "flight_dates")]
RESULT_COLUMNS = [("Source", "title"), ("Snippet", "snippet"), ("Found in", "kind"),
                  ("Captured (UTC)", "captured_utc"), ("Matches", "matches"), ("URL", "url")]
SNIPPET_COLUMN = 1
SELECTOR_COLUMNS = [("Name", "name"), ("Pattern", "pattern"), ("Type", "type"),
                    ("Hits", "hits"), ("Sources", "sources"), ("Added by", "examiner"),
                    ("Added (UTC)", "created_utc")]
SELECTOR_HIT_COLUMNS = [("Source", "title"), ("Matched", "text"), ("In", "field"),
                        ("At", "start_offset"), ("Captured (UTC)", "captured_utc"),
                        ("URL / file", "source_name")]


class RecordModel(PagedQueryModel):
    """Lists joined with commas (times show as every table shows them)."""

    def display(self, column: int, value):
        key = self._columns[column][1]
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, str):
            return " ".join(value.split()) if key == "snippet" else value
        return super().display(column, value)


class SearchResultsModel(RecordModel):
    """Search hits; the snippet column also offers HTML with the matched words marked."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == SNIPPET_HTML_ROLE and index.isValid() and 0 <= index.row() < self.rowCount():
            row = self.row(index.row())
            return snippet_html(row["snippet"], row["highlights"])
        return super().data(index, role)


def snippet_html(snippet: str, highlights: list) -> str:
    """The snippet as HTML, each highlighted span marked."""
    out, last = [], 0
    for start, end in highlights:
        out.append(html.escape(snippet[last:start]))
        out.append(f"<span style='background:{HIGHLIGHT};font-weight:bold'>"
                   f"{html.escape(snippet[start:end])}</span>")
        last = end
    out.append(html.escape(snippet[last:]))
    return " ".join("".join(out).split())


class SnippetDelegate(QStyledItemDelegate):
    """Paints a snippet's HTML (matched words highlighted) inside a table cell."""

    def paint(self, painter, option, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = index.data(SNIPPET_HTML_ROLE) or html.escape(opt.text)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        document = QTextDocument()
        document.setDocumentMargin(2)
        document.setDefaultFont(opt.font)
        document.setHtml(text)
        painter.save()
        painter.translate(opt.rect.topLeft())
        painter.setClipRect(QRectF(0, 0, opt.rect.width(), opt.rect.height()))
        document.drawContents(painter)
        painter.restore()


# ============================================================================= Sources page


class SourcesPage(CasePage):
    """Sources: the list (or search results), an aircraft filter, and the offline viewer."""

    title = "Sources"

    def __init__(self, writer: Callable | None = None, parent=None):
        super().__init__(parent)
        self.case = None
        self.current_source: str | None = None
        self.hits = []
        self.search_edit = QLineEdit(objectName="source_search")
        self.search_edit.setPlaceholderText("Search text, titles, URLs, notes, tags, identifiers…")
        self.search_edit.setClearButtonEnabled(True)
        self.aircraft_combo = QComboBox(objectName="aircraft_filter")
        self.aircraft_combo.setToolTip("Only sources that name this aircraft (registration or hex)")
        self.aircraft_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.aircraft_combo.setMinimumContentsLength(12)
        self.count_label = QLabel(objectName="sources_count")
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh_list)
        self.search_edit.textChanged.connect(lambda _t: self._timer.start())
        self.search_edit.returnPressed.connect(self.refresh_list)
        self.aircraft_combo.currentIndexChanged.connect(lambda _i: self.refresh_list())

        self.model = RecordModel(SOURCE_COLUMNS, parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.view = make_table_view(self.proxy)
        self.view.setObjectName("sources_view")
        self.view.setSortingEnabled(True)
        # Newest capture first (the query's order) until the investigator sorts by a column.
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.selectionModel().selectionChanged.connect(self._source_selected)
        self.results_model = SearchResultsModel(RESULT_COLUMNS, parent=self)
        self.results_view = make_table_view(self.results_model)
        self.results_view.setObjectName("search_results")
        self.snippet_delegate = SnippetDelegate(self.results_view)
        self.results_view.setItemDelegateForColumn(SNIPPET_COLUMN, self.snippet_delegate)
        self.results_view.selectionModel().selectionChanged.connect(self._result_selected)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.results_view)
        self.viewer = SourceViewer(writer)

        bar = QHBoxLayout()
        bar.addWidget(self.search_edit, 3)
        bar.addWidget(self.aircraft_combo, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(bar)
        left_layout.addWidget(self.stack, 1)
        left_layout.addWidget(self.count_label)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.viewer)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self._sized = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._sized and self.width() > 0:
            # Two fifths for the list, the rest for the viewer, once the page has its size.
            self._sized = True
            self.splitter.setSizes([self.width() * 2 // 5, self.width() * 3 // 5])

    # ------------------------------------------------------------ case

    def set_case(self, case) -> None:
        self.case = case
        self._fill_aircraft()
        self.refresh_list()

    def _fill_aircraft(self) -> None:
        chosen = self.aircraft_combo.currentData()
        self.aircraft_combo.blockSignals(True)
        self.aircraft_combo.clear()
        self.aircraft_combo.addItem("All sources", None)
        if self.case is not None:
            for uuid, label, flights in self.case.conn.execute(
                    "SELECT a.uuid, a.label, (SELECT count(*) FROM flights f "
                    "WHERE f.aircraft_uuid = a.uuid) FROM aircraft a ORDER BY a.label"):
                self.aircraft_combo.addItem(f"Naming {label} ({flights} flight(s))", uuid)
        index = self.aircraft_combo.findData(chosen) if chosen else 0
        self.aircraft_combo.setCurrentIndex(max(0, index))
        self.aircraft_combo.blockSignals(False)

    def aircraft_sources(self) -> list[dict] | None:
        aircraft = self.aircraft_combo.currentData()
        if self.case is None or not aircraft:
            return None
        return queries.sources_for_aircraft(self.case, aircraft)

    def refresh_list(self) -> None:
        """Show the sources (optionally only those naming an aircraft), or the search results."""
        self._timer.stop()
        case = self.case
        if case is None:
            self.model.set_source(None, None)
            self.results_model.set_source(None, None)
            self.stack.setCurrentWidget(self.view)
            self.count_label.setText("")
            self.viewer.show_source(None, None)
            return
        query = self.search_edit.text().strip()
        only = self.aircraft_sources()
        if query:
            self.run_search(query, only)
            return
        self.stack.setCurrentWidget(self.view)
        if only is not None:
            self.model.set_source(lambda o, n: only[o:o + n], lambda: len(only))
            total_text = f"{len(only)} source(s) name this aircraft"
        else:
            self.model.set_source(lambda o, n: queries.list_sources(case, offset=o, limit=n),
                                  lambda: queries.count_sources(case))
            total_text = f"{queries.count_sources(case)} source(s)"
        if self.model.canFetchMore():
            self.model.fetchMore()
        self.view.resizeColumnsToContents()
        self.view.setColumnWidth(0, min(self.view.columnWidth(0), 360))
        self.count_label.setText(total_text)
        if not self.select_source(self.current_source):
            self.viewer.show_source(case, self.current_source if self._exists(self.current_source)
                                    else None)

    def _exists(self, source_uuid: str | None) -> bool:
        return bool(source_uuid and self.case is not None and self.case.conn.execute(
            "SELECT 1 FROM sources WHERE uuid = ?", (source_uuid,)).fetchone())

    def run_search(self, query: str, only: list[dict] | None = None) -> list:
        """Search and show the hits; a query that cannot be searched shows why."""
        self.stack.setCurrentWidget(self.results_view)
        try:
            hits = search(self.case, query)
        except InputError as error:
            self.results_model.set_source(None, None)
            self.count_label.setText(str(error))
            return []
        if only is not None:
            allowed = {row["uuid"] for row in only}
            hits = [h for h in hits if h.source_uuid in allowed]
        self.hits = hits
        rows = [h.as_dict() for h in hits]
        self.results_model.set_source(lambda o, n: rows[o:o + n], lambda: len(rows))
        if self.results_model.canFetchMore():
            self.results_model.fetchMore()
        self.results_view.resizeColumnsToContents()
        self.results_view.setColumnWidth(0, min(self.results_view.columnWidth(0), 200))
        self.results_view.setColumnWidth(SNIPPET_COLUMN, 520)
        self.count_label.setText(f"{len(hits)} source(s) match")
        current = next((i for i, h in enumerate(hits) if h.source_uuid == self.current_source), None)
        if current is not None:
            self.results_view.selectRow(current)
        return hits

    # ------------------------------------------------------------ selection

    def select_source(self, source_uuid: str | None) -> bool:
        if not source_uuid:
            return False
        for row in range(self.proxy.rowCount()):
            source_row = self.proxy.mapToSource(self.proxy.index(row, 0)).row()
            if self.model.row(source_row)["uuid"] == source_uuid:
                self.view.selectRow(row)
                self.view.scrollTo(self.proxy.index(row, 0))
                return True
        return False

    def _source_selected(self, *_args) -> None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return
        source_uuid = self.model.row(self.proxy.mapToSource(rows[0]).row())["uuid"]
        self.current_source = source_uuid
        # The same source again (the list was re-read after a change): keep its capture.
        same = self.viewer.source is not None and self.viewer.source["uuid"] == source_uuid
        capture = self.viewer.capture["uuid"] if same and self.viewer.capture else None
        self.viewer.show_source(self.case, source_uuid, capture)

    def _result_selected(self, *_args) -> None:
        rows = self.results_view.selectionModel().selectedRows()
        if not rows:
            return
        hit = self.results_model.row(rows[0].row())
        self.current_source = hit["source_uuid"]
        self.viewer.show_source(self.case, hit["source_uuid"], hit["capture_uuid"],
                                self.search_edit.text().strip())
        if hit["kind"] == "capture":
            self.viewer.tabs.setCurrentIndex(1)   # the text, with the matches marked


# ============================================================================= Selectors page


class SelectorsPage(CasePage):
    """The selectors the investigator watches, and where each was found."""

    title = "Selectors"

    def __init__(self, writer: Callable | None = None, parent=None):
        super().__init__(parent)
        self.case = None
        self.writer = writer
        self.pattern_edit = QLineEdit(objectName="selector_pattern")
        self.pattern_edit.setPlaceholderText("A word, name or pattern to watch for in every source")
        self.pattern_edit.returnPressed.connect(self.add_from_fields)
        self.regex_check = QCheckBox("Regular expression", objectName="selector_regex")
        self.case_check = QCheckBox("Match case", objectName="selector_case")
        self.add_button = QPushButton("Add selector", objectName="add_selector")
        self.add_button.clicked.connect(self.add_from_fields)
        self.remove_button = QPushButton("Remove selected", objectName="remove_selector")
        self.remove_button.clicked.connect(self.remove_selected)
        self.model = RecordModel(SELECTOR_COLUMNS, parent=self)
        self.view = make_table_view(self.model)
        self.view.setObjectName("selectors_view")
        self.view.selectionModel().selectionChanged.connect(self._selected)
        self.hits_model = RecordModel(SELECTOR_HIT_COLUMNS, parent=self)
        self.hits_view = make_table_view(self.hits_model)
        self.hits_view.setObjectName("selector_hits_view")
        bar = QHBoxLayout()
        bar.addWidget(self.pattern_edit, 1)
        bar.addWidget(self.regex_check)
        bar.addWidget(self.case_check)
        bar.addWidget(self.add_button)
        bar.addWidget(self.remove_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(self.hits_view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

    def set_case(self, case) -> None:
        self.case = case
        if case is None:
            self.model.set_source(None, None)
            self.hits_model.set_source(None, None)
            return
        rows = list_selectors(case)
        for row in rows:
            row["type"] = "regex" if row["is_regex"] else "word"
        self.model.set_source(lambda o, n: rows[o:o + n], lambda: len(rows))
        if self.model.canFetchMore():
            self.model.fetchMore()
        self.view.resizeColumnsToContents()
        self.hits_model.set_source(None, None)

    def _selected(self, *_args) -> None:
        rows = self.view.selectionModel().selectedRows()
        if not rows or self.case is None:
            self.hits_model.set_source(None, None)
            return
        hits = selector_hits(self.case, self.model.row(rows[0].row())["uuid"])
        for hit in hits:
            hit["title"] = hit["title"] or hit["source_name"]
        self.hits_model.set_source(lambda o, n: hits[o:o + n], lambda: len(hits))
        if self.hits_model.canFetchMore():
            self.hits_model.fetchMore()
        self.hits_view.resizeColumnsToContents()

    def add_from_fields(self):
        pattern = self.pattern_edit.text()
        if not pattern.strip() or self.writer is None:
            return None
        from ..sources import add_selector
        regex, case_sensitive = self.regex_check.isChecked(), self.case_check.isChecked()
        self.pattern_edit.clear()
        return self.writer("Adding selector", lambda case: add_selector(
            case, pattern, is_regex=regex, case_sensitive=case_sensitive))

    def remove_selected(self):
        rows = self.view.selectionModel().selectedRows()
        if not rows or self.writer is None:
            return None
        from ..sources import remove_selector
        uuid = self.model.row(rows[0].row())["uuid"]
        return self.writer("Removing selector", lambda case: remove_selector(case, uuid))


# ============================================================================= dialogs


def settings_summary(settings: CaptureSettings) -> str:
    proxy = settings.proxy or "none (direct connection)"
    return (f"User agent: {settings.user_agent}\nProxy: {proxy}\n"
            f"Timeout: {settings.timeout_s:g} s; largest body: {settings.max_bytes / MIB:g} MiB; "
            f"TLS verification: {'on' if settings.verify_tls else 'OFF'}")


class CaptureSettingsDialog(QDialog):
    """User agent, proxy (http/https/socks5h), timeout, size limit and TLS verification."""

    def __init__(self, settings: CaptureSettings, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Capture settings")
        self.setObjectName("capture_settings_dialog")
        self.user_agent_edit = QLineEdit(settings.user_agent, objectName="user_agent")
        self.proxy_edit = QLineEdit(settings.proxy or "", objectName="proxy")
        self.proxy_edit.setPlaceholderText("none; e.g. socks5h://127.0.0.1:9050 for Tor")
        self.timeout_spin = QDoubleSpinBox(objectName="timeout", minimum=1, maximum=3600,
                                           decimals=0, suffix=" s")
        self.timeout_spin.setValue(settings.timeout_s)
        self.max_size_spin = QSpinBox(objectName="max_size", minimum=1, maximum=100_000,
                                      suffix=" MiB")
        self.max_size_spin.setValue(max(1, round(settings.max_bytes / MIB)))
        self.verify_check = QCheckBox("Verify TLS certificates (recommended)",
                                      objectName="verify_tls")
        self.verify_check.setChecked(settings.verify_tls)
        self.error_label = QLabel(objectName="settings_error")
        self.error_label.setStyleSheet("color: #b00020")
        self.error_label.setWordWrap(True)
        reset = QPushButton("Default user agent")
        reset.clicked.connect(lambda: self.user_agent_edit.setText(DEFAULT_USER_AGENT))
        ua_row = QHBoxLayout()
        ua_row.addWidget(self.user_agent_edit, 1)
        ua_row.addWidget(reset)
        form = QFormLayout()
        ua_label = QLabel("&User agent:")
        ua_label.setBuddy(self.user_agent_edit)  # a row that is a layout gets no buddy
        form.addRow(ua_label, ua_row)
        form.addRow("&Proxy:", self.proxy_edit)
        form.addRow("&Timeout:", self.timeout_spin)
        form.addRow("&Largest body:", self.max_size_spin)
        form.addRow("", self.verify_check)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(620, 0)
        self.settings = settings

    def values(self) -> CaptureSettings:
        return settings_from({
            "user_agent": self.user_agent_edit.text(), "proxy": self.proxy_edit.text().strip(),
            "timeout_s": self.timeout_spin.value(),
            "max_bytes": self.max_size_spin.value() * MIB,
            "verify_tls": self.verify_check.isChecked()})

    def accept(self) -> None:
        try:
            self.settings = self.values()
        except OsintdeskError as error:
            self.error_label.setText(str(error))
            return
        save_capture_settings(self.settings)
        super().accept()


class CaptureDialog(QDialog):
    """Which URLs to capture (one per line), with the settings that will be used."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Capture URLs")
        self.setObjectName("capture_dialog")
        self.urls_edit = QPlainTextEdit(objectName="capture_urls")
        self.urls_edit.setPlaceholderText("https://… (one URL per line)")
        self.settings_label = QLabel(objectName="capture_settings_summary")
        self.settings_label.setWordWrap(True)
        self.settings_label.setStyleSheet("color: #444")
        settings_button = QPushButton("Settings…")
        settings_button.clicked.connect(self.edit_settings)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Capture")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.urls_edit.textChanged.connect(self._update)
        row = QHBoxLayout()
        row.addWidget(self.settings_label, 1)
        row.addWidget(settings_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Each page is fetched once, stored byte for byte with a WARC "
                                "record, hashed, and read for its text and identifiers."))
        layout.addWidget(self.urls_edit, 1)
        layout.addLayout(row)
        layout.addWidget(self.buttons)
        self.resize(640, 360)
        self._show_settings()
        self._update()

    def _show_settings(self) -> None:
        try:
            self.settings_label.setText(settings_summary(load_capture_settings()))
        except OsintdeskError as error:
            self.settings_label.setText(f"The capture settings are not usable: {error}")

    def edit_settings(self) -> None:
        try:
            current = load_capture_settings()
        except OsintdeskError:
            current = CaptureSettings()
        self.settings_dialog = CaptureSettingsDialog(current, self)
        self.settings_dialog.accepted.connect(self._show_settings)
        self.settings_dialog.open()

    def urls(self) -> list[str]:
        return [line.strip() for line in self.urls_edit.toPlainText().splitlines() if line.strip()]

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.urls()))


# ============================================================================= installing


class SourcesUi(QObject):
    """What ``install`` adds to the window; tests reach the pages and actions through it."""

    def __init__(self, window, session_factory: Callable[[], requests.Session]):
        super().__init__(window)
        self.window = window
        self.session_factory = session_factory
        self.last_outcomes: list = []
        self.sources_page = SourcesPage(writer=self.run_write)
        self.selectors_page = SelectorsPage(writer=self.run_write)
        window.add_page(self.sources_page)
        window.add_page(self.selectors_page)

        self.action_capture = QAction("&Capture URL…", window, objectName="action_capture")
        self.action_capture.setShortcut("Ctrl+Shift+U")
        self.action_capture.triggered.connect(lambda _c=False: self.capture_dialog())
        self.action_capture_settings = QAction("Capture &Settings…", window,
                                               objectName="action_capture_settings")
        self.action_capture_settings.triggered.connect(lambda _c=False: self.settings_dialog())
        window.case_menu.addSeparator()
        window.case_menu.addAction(self.action_capture)
        window.case_menu.addAction(self.action_capture_settings)
        window.toolbar.addAction(self.action_capture)
        # Adding files now also reads them: the window's menu action, drops and callers
        # all go through window.add_files, so this one replacement covers them all.
        window.add_files = self.add_files
        window.case_opened.connect(lambda _path: self._update_actions())
        window.case_closed.connect(self._update_actions)
        self._update_actions()
        if window.case is not None:
            self.sources_page.set_case(window.case)
            self.selectors_page.set_case(window.case)

    def _update_actions(self) -> None:
        from ..store.header import is_writable
        case = self.window.case
        self.action_capture.setEnabled(case is not None and is_writable(case.path))

    # ------------------------------------------------------------ writing

    def run_write(self, title: str, work: Callable[[Case], object],
                  on_success: Callable | None = None):
        """Run ``work(case)`` on the task runner with the worker's own writable case."""
        window = self.window
        if window.case is None:
            window.show_error("Open or create a case first.")
            return None
        path, examiner = window.case.path, window.examiner

        def task(progress, cancelled):
            with Case.open(path, examiner=examiner) as case:
                return work(case)
        return window.run_task(title, task, on_success=on_success)

    def add_files(self, names: list[str]):
        """Add files as evidence and sources (text, metadata, identifiers), all or nothing."""
        window = self.window
        if window.case is None:
            window.show_error("Open or create a case first.")
            return None
        path, examiner = window.case.path, window.examiner
        names = [str(n) for n in names]

        def work(progress, cancelled):
            from ..sources import add_files
            with Case.open(path, examiner=examiner) as case:
                return add_files(case, names, progress, cancelled)

        def done(outcomes):
            self.last_outcomes = outcomes
            added = [o for o in outcomes if o.added]
            sources = sum(len(o.sources) for o in added)
            message = f"Added {len(added)} file(s), {sources} source(s)"
            if len(outcomes) - len(added):
                message += f"; {len(outcomes) - len(added)} already in the case"
            window.statusBar().showMessage(message, 8000)
            if added and added[-1].sources:
                self.show_source(added[-1].sources[0]["uuid"])
        return window.run_task(f"Adding {len(names)} file(s)", work, on_success=done)

    def capture_urls(self, urls: list[str], settings: CaptureSettings | None = None):
        """Capture URLs in the background (progress and Cancel in the status bar)."""
        window = self.window
        if window.case is None:
            window.show_error("Open or create a case first.")
            return None
        if settings is None:
            try:
                settings = load_capture_settings()
            except OsintdeskError as error:
                window.show_error(str(error), "Capture settings")
                return None
        path, examiner, session_factory = window.case.path, window.examiner, self.session_factory

        def work(progress, cancelled):
            from ..sources import capture
            with Case.open(path, examiner=examiner) as case, session_factory() as session:
                return capture(case, urls, settings, session, progress, cancelled)

        def done(outcomes):
            self.last_outcomes = outcomes
            good = [o for o in outcomes if o.ok]
            failed = [o for o in outcomes if not o.ok]
            window.statusBar().showMessage(
                f"Captured {len(good)} of {len(outcomes)} URL(s)", 8000)
            if good:
                self.show_source(good[-1].source_uuid)
                window.show_page(SourcesPage.title)
            if failed:
                window.show_error("\n".join(o.error for o in failed),
                                  f"{len(failed)} URL(s) could not be captured")
        return window.run_task(f"Capturing {len(urls)} URL(s)", work, on_success=done)

    def show_source(self, source_uuid: str) -> None:
        """Select a source in the Sources page (the page was re-read when the task ended)."""
        page = self.sources_page
        page.current_source = source_uuid
        if not page.select_source(source_uuid):
            page.viewer.show_source(self.window.case, source_uuid)

    # ------------------------------------------------------------ dialogs

    def capture_dialog(self) -> CaptureDialog:
        dialog = CaptureDialog(self.window)
        dialog.accepted.connect(lambda: self.capture_urls(dialog.urls()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def settings_dialog(self) -> CaptureSettingsDialog:
        try:
            current = load_capture_settings()
        except OsintdeskError:
            current = CaptureSettings()
        dialog = CaptureSettingsDialog(current, self.window)
        self.dialog = dialog
        dialog.open()
        return dialog


def install(window, *, session_factory: Callable[[], requests.Session] | None = None
            ) -> SourcesUi:
    """Add the Sources and Selectors pages, Capture URL and Capture Settings, and file
    extraction to ``window`` (a MainWindow). Calling it again returns the same object."""
    existing = getattr(window, "sources_ui", None)
    if existing is not None:
        return existing
    ui = SourcesUi(window, session_factory or requests.Session)
    window.sources_ui = ui
    return ui
