"""The Selectors page: the words and patterns the investigator watches, and where each was found."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLineEdit, QPushButton, QSplitter,
                               QVBoxLayout)

from ...sources.selectors import list_selectors, selector_hits
from ..pages import CasePage, make_table_view
from .models import (SELECTOR_COLUMNS, SELECTOR_HIT_COLUMNS, SELECTOR_HIT_SNIPPET_COLUMN,
                     RecordModel, SearchResultsModel, SnippetDelegate)
from .viewer import CaseRunner


class SelectorsPage(CasePage):
    """The selectors the investigator watches, and where each was found."""

    title = "Selectors"
    # A hit was double-clicked: its row (source_uuid, capture_uuid, field, start_offset,
    # end_offset...); the window opens the source's text there.
    hit_activated = Signal(dict)

    def __init__(self, writer: CaseRunner | None = None, parent=None):
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
        self.hits_model = SearchResultsModel(SELECTOR_HIT_COLUMNS, parent=self)
        self.hits_view = make_table_view(self.hits_model)
        self.hits_view.setObjectName("selector_hits_view")
        self.hits_view.setToolTip("Double-click a hit to read it in the source's text")
        self.hits_view.setItemDelegateForColumn(SELECTOR_HIT_SNIPPET_COLUMN,
                                                SnippetDelegate(self.hits_view))
        self.hits_view.doubleClicked.connect(self._hit_double_clicked)
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
        self.hits_view.resizeColumnsToContents()   # empty: each column as wide as its title

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
        self.hits_view.setColumnWidth(0, min(self.hits_view.columnWidth(0), 220))
        self.hits_view.setColumnWidth(SELECTOR_HIT_SNIPPET_COLUMN, 460)

    def _hit_double_clicked(self, index) -> None:
        if index.isValid():
            self.hit_activated.emit(dict(self.hits_model.row(index.row())))

    def add_from_fields(self):
        pattern = self.pattern_edit.text()
        if not pattern.strip() or self.writer is None:
            return None
        from ...sources.selectors import add_selector
        regex, case_sensitive = self.regex_check.isChecked(), self.case_check.isChecked()
        self.pattern_edit.clear()
        return self.writer("Adding selector", lambda case: add_selector(
            case, pattern, is_regex=regex, case_sensitive=case_sensitive))

    def remove_selected(self):
        rows = self.view.selectionModel().selectedRows()
        if not rows or self.writer is None:
            return None
        from ...sources.selectors import remove_selector
        uuid = self.model.row(rows[0].row())["uuid"]
        return self.writer("Removing selector", lambda case: remove_selector(case, uuid))
