"""The Sources page: the list of sources (or the search results), an aircraft filter, and the
offline viewer beside them.

The search runs on the task runner a moment after the investigator stops typing; results of
a query that is no longer the one in the box are dropped.
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit,
                               QStackedWidget, QVBoxLayout, QWidget)

from ...errors import InputError
from ...flights import queries as flight_queries
from ...sources import queries
from ...sources.retirement import retired_sources
from ...sources.search import search
from ..pages import CasePage, make_table_view
from ..tables import FILTER_MIN_PX, AdaptiveSplitter, set_default_columns
from .models import (RESULT_COLUMNS, SNIPPET_COLUMN, SOURCE_COLUMNS, SOURCE_DEFAULT_COLUMNS,
                     RecordModel,
                     SearchResultsModel, SnippetDelegate)
from .viewer import CaseRunner, SourceViewer
from ...words import counted

SEARCH_DELAY_MS = 250


class SourcesPage(CasePage):
    """Sources: the list (or search results), an aircraft filter, and the offline viewer."""

    title = "Sources"
    search_finished = Signal(str)   # the query whose results (or error) the page now shows

    def __init__(self, writer: CaseRunner | None = None, reader: CaseRunner | None = None,
                 parent=None):
        super().__init__(parent)
        self.case = None
        self.reader = reader
        self.current_source: str | None = None
        self.hits = []
        self._search_generation = 0    # bumped by every search and every change of list
        self.search_edit = QLineEdit(objectName="source_search")
        self.search_edit.setPlaceholderText("Search text, titles, URLs, notes, tags, identifiers…")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(FILTER_MIN_PX)
        self.aircraft_combo = QComboBox(objectName="aircraft_filter")
        self.aircraft_combo.setToolTip("Only sources that name this aircraft (registration or hex)")
        self.aircraft_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.aircraft_combo.setMinimumContentsLength(12)
        self.count_label = QLabel(objectName="sources_count")
        self.retired_check = QCheckBox("Show retired", objectName="show_retired")
        self.retired_check.setToolTip("Also list and search the sources set aside (struck through)")
        self.retired_check.toggled.connect(lambda _on: self.refresh_list())
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
        set_default_columns(self.view, shown=SOURCE_DEFAULT_COLUMNS)
        self.view.squeeze_column = 0   # the title gives way so the other columns show
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
        self.viewer = SourceViewer(writer, reader)

        bar = QHBoxLayout()
        bar.addWidget(self.search_edit, 3)
        bar.addWidget(self.aircraft_combo, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(bar)
        left_layout.addWidget(self.stack, 1)
        foot = QHBoxLayout()
        foot.addWidget(self.count_label, 1)
        foot.addWidget(self.retired_check)
        left_layout.addLayout(foot)
        # Side by side when the page is wide, the list above the viewer when not: the list
        # keeps room for its columns either way, and neither pane collapses.
        self.splitter = AdaptiveSplitter(wide_px=1100, minimums=(240, 240), stretch=(2, 3))
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.viewer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

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
            for aircraft in flight_queries.aircraft(self.case):
                self.aircraft_combo.addItem(
                    f"Naming {aircraft['label']} ({counted(aircraft['flights'], 'flight')})",
                    aircraft["uuid"])
        index = self.aircraft_combo.findData(chosen) if chosen else 0
        self.aircraft_combo.setCurrentIndex(max(0, index))
        self.aircraft_combo.blockSignals(False)

    def aircraft_sources(self) -> list[dict] | None:
        aircraft = self.aircraft_combo.currentData()
        if self.case is None or not aircraft:
            return None
        return queries.sources_for_aircraft(self.case, aircraft)

    def refresh_list(self) -> None:
        """Show the sources (optionally only those naming an aircraft), or search for them."""
        self._timer.stop()
        self._search_generation += 1   # whatever a running search finds is not wanted now
        case = self.case
        if case is None:
            self.model.set_source(None, None)
            self.results_model.set_source(None, None)
            self.stack.setCurrentWidget(self.view)
            self.count_label.setText("")
            self.viewer.show_source(None, None)
            return
        query = self.search_edit.text().strip()
        if query:
            self.run_search(query, self.aircraft_combo.currentData())
            return
        self.stack.setCurrentWidget(self.view)
        only = self.aircraft_sources()
        retired = self.retired_check.isChecked()
        if only is not None and not retired:
            only = [row for row in only if not row.get("retired_utc")]
        if only is not None:
            self.model.set_source(lambda o, n: only[o:o + n], lambda: len(only))
            verb = "names" if len(only) == 1 else "name"
            total_text = f"{counted(len(only), 'source')} {verb} this aircraft"
        else:
            self.model.set_source(
                lambda o, n: queries.list_sources(case, offset=o, limit=n,
                                                  include_retired=retired),
                lambda: queries.count_sources(case, include_retired=retired))
            total_text = f"{counted(self.model.total, 'source')}"
        if self.model.canFetchMore():
            self.model.fetchMore()
        self.view.fit_columns()
        self.count_label.setText(total_text)
        if not self.select_source(self.current_source):
            exists = bool(self.current_source) and queries.source_exists(case, self.current_source)
            self.viewer.show_source(case, self.current_source if exists else None)

    # ------------------------------------------------------------ search

    def run_search(self, query: str, aircraft_uuid: str | None = None):
        """Search on the task runner (only sources naming ``aircraft_uuid``, when given) and
        show the hits (a query that cannot be searched shows why); ``search_finished`` says
        when. Returns the task, or None without a reader."""
        self.stack.setCurrentWidget(self.results_view)
        if self.reader is None:
            return None
        self._search_generation += 1
        generation = self._search_generation
        retired = self.retired_check.isChecked()

        def work(case):
            try:
                hits = (search(case, query, include_retired=True) if retired
                        else search(case, query))
            except InputError as error:
                return [], str(error)
            set_aside = retired_sources(case) if retired else set()
            for hit in hits:
                hit.retired = hit.source_uuid in set_aside
            if aircraft_uuid:
                naming = {row["uuid"] for row in queries.sources_for_aircraft(case, aircraft_uuid)}
                hits = [hit for hit in hits if hit.source_uuid in naming]
            return hits, None

        def done(outcome) -> None:
            if generation == self._search_generation:   # else the box says something else now
                self._show_hits(query, *outcome)
        return self.reader("Searching sources", work, done)

    def _show_hits(self, query: str, hits: list, error: str | None) -> None:
        if error is not None:
            self.results_model.set_source(None, None)
            self.count_label.setText(error)
            self.search_finished.emit(query)
            return
        self.hits = hits
        rows = [{**h.as_dict(), "retired_utc": getattr(h, "retired", False) or None}
                for h in hits]
        self.results_model.set_source(lambda o, n: rows[o:o + n], lambda: len(rows))
        if self.results_model.canFetchMore():
            self.results_model.fetchMore()
        self.results_view.fit_columns(200)
        self.results_view.setColumnWidth(SNIPPET_COLUMN, 520)
        self.count_label.setText(f"{counted(len(hits), 'source')} {'matches' if len(hits) == 1 else 'match'}")
        current = next((i for i, h in enumerate(hits) if h.source_uuid == self.current_source), None)
        if current is not None:
            self.results_view.selectRow(current)
        self.search_finished.emit(query)

    # ------------------------------------------------------------ selection

    def open_hit(self, hit: dict) -> None:
        """Show a selector hit's source at its capture, in the Text tab with the hit marked
        and scrolled to (a hit in the title shows the text from the top)."""
        self.current_source = hit["source_uuid"]
        if not self.select_source(hit["source_uuid"]) or (
                self.viewer.capture or {}).get("uuid") != hit["capture_uuid"]:
            self.viewer.show_source(self.case, hit["source_uuid"], hit["capture_uuid"])
        if hit.get("field") == "text":
            self.viewer.mark_passage(hit["start_offset"], hit["end_offset"])
        else:
            self.viewer.tabs.setCurrentIndex(1)

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
