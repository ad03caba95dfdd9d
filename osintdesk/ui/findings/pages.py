"""The Entities, Events and Claims pages: a filterable table, the buttons that change what
is selected, and the selected record's detail (for a claim, its corroboration view and its
check against the tracks). Links in a detail jump to the record they name."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt, QUrl, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QSplitter, QTextBrowser, QVBoxLayout, QWidget)

from ...findings import ftm, queries, views
from ...sources import queries as source_queries
from ..pages import CasePage, make_table_view
from .detail import claim_html, entity_html, event_html, parse_anchor, parse_untie
from .models import (CLAIM_COLUMNS, ENTITY_COLUMNS, EVENT_COLUMNS, FindingsModel, claim_rows,
                     entity_rows, event_rows)

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

    def __init__(self, parent=None):
        super().__init__(parent)
        self.case = None
        self.model = FindingsModel(self.columns, parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.filter_edit = QLineEdit(placeholderText=self.placeholder)
        self.filter_edit.setClearButtonEnabled(True)
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
        self.tools = QHBoxLayout()
        self.tools.addStretch(1)
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
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.set_case(None)

    def add_tool(self, widget: QWidget) -> None:
        """A button of the findings part, before the count."""
        self.tools.insertWidget(self.tools.count() - 2, widget)

    # ------------------------------------------------------------ reading

    def rows(self, case) -> list[dict]:  # pragma: no cover - interface
        raise NotImplementedError

    def detail_html(self, row: dict) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def set_case(self, case) -> None:
        """Re-read the records (the selection stays on the same record when it is still there)."""
        keep = self.selected_id()
        self.case = case
        rows = self.rows(case) if case is not None else []
        self.model.set_source((lambda o, n: rows[o:o + n]) if case is not None else None,
                              (lambda: len(rows)) if case is not None else None)
        while self.model.canFetchMore():
            self.model.fetchMore()
        self.view.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), MAX_COLUMN_PX))
        self.count_label.setText(f"{len(rows)} {self.title.lower()}" if case is not None else "")
        if not self.select(keep):
            self._show(None)

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
        if not record_id:
            return False
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
        if row is None or self.case is None:
            self.detail.setHtml(f"<p><i>{self.empty_detail}</i></p>" if self.case is not None else "")
        else:
            self.detail.setHtml(self.detail_html(row))
        self.selection_changed.emit(row)

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

    def rows(self, case) -> list[dict]:
        return entity_rows(case, self.schema_combo.currentData())

    def detail_html(self, row: dict) -> str:
        return entity_html(self.case, views.entity_detail(self.case, row["id"]))


class EventsPage(RecordPage):
    title = "Events"
    columns = EVENT_COLUMNS
    placeholder = "Filter events by title, date, place, who was involved…"
    empty_detail = "Select an event to see when and where it was, who took part and its evidence."

    def rows(self, case) -> list[dict]:
        return event_rows(case)

    def detail_html(self, row: dict) -> str:
        return event_html(self.case, row)


class ClaimsPage(RecordPage):
    title = "Claims"
    columns = CLAIM_COLUMNS
    placeholder = "Filter claims by text, status, confidence, check result…"
    empty_detail = ("Select a claim to see its evidence, how many independent sources back it "
                    "and its check against the tracks.")

    def rows(self, case) -> list[dict]:
        return claim_rows(case)

    def detail_html(self, row: dict) -> str:
        return claim_html(self.case, views.claim_detail(self.case, row["uuid"]))


SUGGESTION_COLUMNS = [("", "accept"), ("Suggestion", "label"), ("Kind", "kind"),
                      ("Found in", "found_in"), ("As written", "as_written")]


class SuggestionsPage(CasePage):
    """What the sources already name that the case does not hold as an entity yet (a
    registration, a Mode-S address, an airport, a callsign or type of a known aircraft); one
    click on Accept makes it, the sources it was found in cited. ``accept(suggestion)`` is
    given by the window's findings part."""

    title = "Suggestions"
    accept_requested = Signal(object)   # a findings.suggestions.Suggestion

    def __init__(self, parent=None):
        super().__init__(parent)
        self.case = None
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
        self._stale = False
        self.suggestions = []
        if self.case is not None:
            from ...findings.suggestions import suggestions
            self.suggestions = suggestions(self.case)
        rows = [self._row(s) for s in self.suggestions]
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
            self.label.setText(f"{len(rows)} suggestion(s) from the identifiers found in the "
                               "sources. Accept one to make it an entity (or add the property), "
                               "the sources that name it cited.")
        else:
            self.label.setText("No suggestions: every registration, Mode-S address and airport "
                               "the sources name is already an entity of the case.")

    def _row(self, suggestion) -> dict:
        sources = [source_queries.get_source(self.case, uuid) or {"name": uuid}
                   for uuid in dict.fromkeys(h["source"] for h in suggestion.found_at)]
        return {"label": suggestion.label, "kind": suggestion.kind,
                "found_in": "; ".join(s.get("title") or s["name"] for s in sources),
                "as_written": ", ".join(dict.fromkeys(h["text"] for h in suggestion.found_at)),
                "accept": ""}

    def accept_row(self, row: int) -> None:
        if self.writable and 0 <= row < len(self.suggestions):
            self.accept_requested.emit(self.suggestions[row])
