"""The Entities, Events and Claims pages: a filterable table, the buttons that change what
is selected, and the selected record's detail (for a claim, its corroboration view and its
check against the tracks). Links in a detail jump to the record they name."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt, QUrl, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton,
                               QSplitter, QTextBrowser, QVBoxLayout, QWidget)

from ...findings import ftm, queries, views
from ...sources import queries as source_queries
from ..flow import FlowLayout
from ..pages import CasePage, make_table_view
from ..tables import filter_box, steady_splitter
from .detail import claim_html, entity_html, event_html, parse_anchor, parse_untie
from .models import CLAIM_COLUMNS, ENTITY_COLUMNS, EVENT_COLUMNS, FindingsModel, claim_rows, event_rows
from ...words import counted

MAX_COLUMN_PX = 340


class RecordPage(CasePage):
    """A table of one kind of finding, with its detail below. ``tools`` is the row of
    buttons the window's findings part fills; ``open_record(kind, id)`` asks it to show a
    record named by a link in the detail."""

    columns: list = []
    key = "uuid"
    placeholder = "Filter…"
    empty_detail = ""
    open_record = Signal(str, str)
    untie_requested = Signal(str)        # a tie's id, from its "remove…" link
    selection_changed = Signal(object)   # the selected row (a dict) or None
    rows_shown = Signal()                # the rows read for the last set_case are on screen
    detail_shown = Signal()              # the detail of the selected row is on screen

    def __init__(self, parent=None):
        super().__init__(parent)
        self.case = None
        # ``reader(title, work, on_success)`` runs ``work(case)`` on the window's task
        # runner with the worker's own read-only case (the window's findings part gives
        # it); without one, pages read on the calling thread (a page on its own, in tests).
        self.reader = None
        self._rows_read = 0      # which read is the latest: an older answer is dropped
        self._detail_read = 0
        self._reading = False    # rows are being read: a selection asked for waits for them
        self._wanted: str | None = None
        self.model = FindingsModel(self.columns, parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.filter_edit = filter_box(self.placeholder)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = make_table_view(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.count_label = QLabel()
        self.detail = QTextBrowser(objectName=f"{self.title.lower()}_detail")
        self.detail.setOpenLinks(False)
        self.detail.anchorClicked.connect(self._anchor_clicked)
        self.top = QHBoxLayout()
        self.top.addWidget(self.filter_edit, 1)
        # The buttons wrap onto a second line in a narrow pane rather than being cut.
        self.tools = FlowLayout()
        self.tools.addWidget(self.count_label)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addLayout(self.top)
        upper_layout.addLayout(self.tools)
        upper_layout.addWidget(self.view, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(upper)
        self.splitter.addWidget(self.detail)
        steady_splitter(self.splitter, minimums=(140, 120), stretch=(1, 1))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.set_case(None)

    def add_tool(self, widget: QWidget) -> None:
        """A button of the findings part, before the count."""
        self.tools.insertWidget(self.tools.count() - 1, widget)

    # ------------------------------------------------------------ reading

    def rows_reader(self):  # pragma: no cover - interface
        """``read(case) -> rows``, made on the GUI thread (it may take what a widget says)
        and called on a worker."""
        raise NotImplementedError

    @staticmethod
    def detail_html(case, row: dict) -> str:  # pragma: no cover - interface
        """The detail of ``row`` as HTML, read from ``case`` (called on a worker)."""
        raise NotImplementedError

    def _read(self, title: str, work, apply) -> None:
        """``work(case)`` on the task runner, ``apply(result)`` on the GUI thread."""
        if self.reader is None:
            apply(work(self.case))
        else:
            self.reader(title, work, apply)

    def set_case(self, case) -> None:
        """Re-read the records (the selection stays on the same record when it is still there).
        The rows are read on the task runner; ``rows_shown`` says when they are on screen."""
        keep = self.selected_id()
        self.case = case
        self._rows_read += 1
        if case is None:
            self._set_rows(None, [], keep)
            return
        read, number = self.rows_reader(), self._rows_read
        self._reading = self.reader is not None
        self._read(f"Reading {self.title.lower()}", lambda c: read(c),
                   lambda rows: self._set_rows(case, rows, keep) if number == self._rows_read else None)

    def _set_rows(self, case, rows: list[dict], keep: str | None) -> None:
        keep, self._wanted, self._reading = self._wanted or keep, None, False
        self.model.set_source((lambda o, n: rows[o:o + n]) if case is not None else None,
                              (lambda: len(rows)) if case is not None else None)
        while self.model.canFetchMore():
            self.model.fetchMore()
        self.view.fit_columns(MAX_COLUMN_PX)
        self.count_label.setText(f"{len(rows)} {self.title.lower()}" if case is not None else "")
        if not self.select(keep):
            self._show(None)
        self.rows_shown.emit()

    # ------------------------------------------------------------ selection

    def selected(self) -> dict | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row(self.proxy.mapToSource(rows[0]).row())

    def selected_id(self) -> str | None:
        row = self.selected()
        return row[self.key] if row else None

    def select(self, record_id: str | None) -> bool:
        """Select a record (when the rows are being read, once they are shown)."""
        if not record_id:
            return False
        if self._reading:
            self._wanted = record_id
            return True
        if self.case is not None and self.key == "id":
            record_id = queries.canonical_id(self.case, record_id)
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if self.model.row(self.proxy.mapToSource(index).row())[self.key] == record_id:
                self.view.selectionModel().select(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
                self.view.scrollTo(index)
                self._show(self.selected())
                return True
        return False

    def _selection_changed(self, *_args) -> None:
        self._show(self.selected())

    def _show(self, row: dict | None) -> None:
        """Show the row's detail (read on the task runner; a later selection wins)."""
        self._detail_read += 1
        if row is None or self.case is None:
            self._set_detail(f"<p><i>{self.empty_detail}</i></p>" if self.case is not None else "")
        else:
            number, make = self._detail_read, self.detail_html
            self._read(f"Reading the {self.title.lower()} detail", lambda c: make(c, row),
                       lambda text: self._set_detail(text) if number == self._detail_read else None)
        self.selection_changed.emit(row)

    def _set_detail(self, text: str) -> None:
        self.detail.setHtml(text)
        self.detail_shown.emit()

    def _anchor_clicked(self, url: QUrl) -> None:
        found = parse_anchor(url.toString())
        if found is not None:
            self.open_record.emit(*found)
        elif parse_untie(url.toString()):
            self.untie_requested.emit(parse_untie(url.toString()))


class EntitiesPage(RecordPage):
    title = "Entities"
    columns = ENTITY_COLUMNS
    key = "id"
    placeholder = "Filter entities by name, schema, property…"
    empty_detail = ("Select an entity to see its properties, links, events, what cites it and "
                    "the sources tied to it.")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.schema_combo = QComboBox(objectName="schema_filter")
        self.schema_combo.addItem("All schemata", None)
        for name in ftm.ENTITY_SCHEMATA:
            self.schema_combo.addItem(name, name)
        self.top.addWidget(self.schema_combo)
        self.schema_combo.currentIndexChanged.connect(lambda _i: self.set_case(self.case))

    def rows_reader(self):
        schema = self.schema_combo.currentData()
        return lambda case: views.entity_rows(case, schema)

    @staticmethod
    def detail_html(case, row: dict) -> str:
        return entity_html(case, views.entity_detail(case, row["id"]))


class EventsPage(RecordPage):
    title = "Events"
    columns = EVENT_COLUMNS
    placeholder = "Filter events by title, date, place, who was involved…"
    empty_detail = "Select an event to see when and where it was, who took part and its evidence."

    def rows_reader(self):
        return event_rows

    @staticmethod
    def detail_html(case, row: dict) -> str:
        return event_html(case, row)


class ClaimsPage(RecordPage):
    title = "Claims"
    columns = CLAIM_COLUMNS
    placeholder = "Filter claims by text, status, confidence, check result…"
    empty_detail = ("Select a claim to see its evidence, how many independent sources back it "
                    "and its check against the tracks.")

    def rows_reader(self):
        return claim_rows

    @staticmethod
    def detail_html(case, row: dict) -> str:
        return claim_html(case, views.claim_detail(case, row["uuid"]))


SUGGESTION_COLUMNS = [("", "accept"), ("Suggestion", "label"), ("Kind", "kind"),
                      ("Found in", "found_in"), ("As written", "as_written")]


class SuggestionsPage(CasePage):
    """What the sources already name that the case does not hold as an entity yet (a
    registration, a Mode-S address, an airport, a callsign or type of a known aircraft); one
    click on Accept makes it, the sources it was found in cited. ``accept(suggestion)`` is
    given by the window's findings part."""

    title = "Suggestions"
    accept_requested = Signal(object)   # a findings.suggestions.Suggestion
    rows_shown = Signal()               # the suggestions of the last refresh are on screen

    def __init__(self, parent=None):
        super().__init__(parent)
        self.case = None
        self.reader = None    # as RecordPage.reader
        self._read_number = 0
        self.suggestions: list = []
        self._stale = True
        self.model = FindingsModel(SUGGESTION_COLUMNS, parent=self)
        self.view = make_table_view(self.model)
        self.view.setObjectName("suggestions_view")
        self.view.doubleClicked.connect(lambda index: self.accept_row(index.row()))
        self.label = QLabel(objectName="suggestions_label")
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.view, 1)
        self.buttons: list = []
        self.writable = False
        self.set_case(None)

    def set_writable(self, writable: bool) -> None:
        self.writable = writable
        for button in self.buttons:
            button.setEnabled(writable)

    def set_case(self, case) -> None:
        """Re-read now if the page is on screen, else when it is next shown (suggestions read
        every identifier found in the sources)."""
        self.case = case
        self._stale = True
        if case is None or self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Read the suggestions on the task runner (they read every identifier the sources
        name); ``rows_shown`` says when they are on screen."""
        self._stale = False
        self._read_number += 1
        if self.case is None or self.reader is None:
            self._set_rows(_read_suggestions(self.case) if self.case is not None else ([], []))
            return
        number = self._read_number
        self.reader("Reading suggestions", _read_suggestions,
                    lambda found: self._set_rows(found) if number == self._read_number else None)

    def _set_rows(self, found: tuple[list, list[dict]]) -> None:
        self.suggestions, rows = found
        self.model.set_source(lambda o, n: rows[o:o + n], lambda: len(rows))
        while self.model.canFetchMore():
            self.model.fetchMore()
        self.buttons = []
        for row in range(len(rows)):
            button = QPushButton("Accept", objectName=f"accept_{row}")
            button.setToolTip("Make it an entity of the case, citing where the sources name it")
            button.clicked.connect(lambda _c=False, r=row: self.accept_row(r))
            button.setEnabled(self.writable)
            self.view.setIndexWidget(self.model.index(row, 0), button)
            self.buttons.append(button)
        self.view.resizeColumnsToContents()
        for column in range(1, self.model.columnCount()):
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), MAX_COLUMN_PX))
        if self.case is None:
            self.label.setText("")
        elif rows:
            self.label.setText(f"{counted(len(rows), 'suggestion')} from the identifiers found in the "
                               "sources. Accept one to make it an entity (or add the property), "
                               "the sources that name it cited.")
        else:
            self.label.setText("No suggestions: every registration, Mode-S address and airport "
                               "the sources name is already an entity of the case.")
        self.rows_shown.emit()

    def accept_row(self, row: int) -> None:
        if self.writable and 0 <= row < len(self.suggestions):
            self.accept_requested.emit(self.suggestions[row])


def _read_suggestions(case) -> tuple[list, list[dict]]:
    """The suggestions for the case and their rows (on a worker)."""
    from ...findings.suggestions import suggestions
    found = suggestions(case)
    return found, [_suggestion_row(case, s) for s in found]


def _suggestion_row(case, suggestion) -> dict:
    sources = [source_queries.get_source(case, uuid) or {"name": uuid}
               for uuid in dict.fromkeys(h["source"] for h in suggestion.found_at)]
    return {"label": suggestion.label, "kind": suggestion.kind,
            "found_in": "; ".join(s.get("title") or s["name"] for s in sources),
            "as_written": ", ".join(dict.fromkeys(h["text"] for h in suggestion.found_at)),
            "accept": ""}
