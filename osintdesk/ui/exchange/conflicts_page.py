"""The Conflicts page: records changed differently in two merged cases. One row per record,
every version side by side below (who, when, from which case, the fields that differ), and
"Keep this version…" for each, which settles the conflict (``exchange.conflicts.resolve``)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QHeaderView, QHBoxLayout, QLabel, QPushButton, QSplitter, QStackedWidget,
                               QVBoxLayout, QWidget)

from ...exchange.conflicts import list_conflicts
from ...timefmt import display_time
from ..pages import CasePage, make_table_view
from ..tables import steady_splitter
from .models import RowsModel, VersionsModel
from .words import kind_label_one

CONFLICT_COLUMNS = [("Kind", "label"), ("Record", "key"), ("Versions", "count"),
                    ("Shown now", "shown_text")]


class ConflictsPage(CasePage):
    title = "Conflicts"

    keep_requested = Signal(dict, dict, int)   # the conflict, the version kept, its number
    count_changed = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.case_uuid: str | None = None
        self.conflicts: list[dict] = []
        self.empty = QLabel(objectName="no_conflicts")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty.setWordWrap(True)
        self.model = RowsModel(CONFLICT_COLUMNS, parent=self)
        self.view = make_table_view(self.model)
        self.view.setObjectName("conflicts_table")
        self.versions = VersionsModel(self)
        self.versions_view = make_table_view(self.versions)
        self.versions_view.setObjectName("conflict_versions")
        self.versions_view.verticalHeader().show()
        # The versions share the width: side by side, each as wide as the others.
        self.versions_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.versions_view.setWordWrap(True)
        self.versions_view.setSelectionBehavior(self.versions_view.SelectionBehavior.SelectItems)
        self.heading = QLabel(objectName="conflict_heading")
        self.heading.setWordWrap(True)
        self.keep_row = QHBoxLayout()
        self.keep_row.addStretch(1)   # the buttons, one per version, go on the right
        self.keep_buttons: list[QPushButton] = []
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.heading)
        detail_layout.addWidget(self.versions_view, 1)
        detail_layout.addLayout(self.keep_row)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(detail)
        steady_splitter(split, minimums=(80, 160))
        split.setSizes([160, 540])
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(split)
        intro = QLabel("Records changed differently in two cases that were merged. Every "
                       "version is kept; the record shows one of them (the same one in every "
                       "case) until you keep one.")
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #555")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addWidget(self.stack, 1)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.set_case(None)

    def set_case(self, case) -> None:
        selected = self.selected()
        self.case_uuid = case.uuid if case is not None else None
        self.conflicts = list_conflicts(case) if case is not None else []
        rows = []
        for conflict in self.conflicts:
            shown = next((h for h in conflict["heads"] if h["version"] == conflict["shown"]),
                         None)
            rows.append({**conflict, "label": kind_label_one(conflict["kind"]),
                         "count": len(conflict["heads"]),
                         "shown_text": "none (deleted)" if shown is None else
                         f"{shown['version'][:12]}… by {shown['examiner']}"})
        self.model.set_rows(CONFLICT_COLUMNS, rows)
        if case is None:
            self.empty.setText("<h3>No case open</h3>")
        else:
            self.empty.setText("<h3>No conflicts</h3><p>Every record has one latest version.</p>")
        self.stack.setCurrentIndex(1 if rows else 0)
        keys = [r["key"] for r in rows]
        if rows:
            self.view.resizeColumnsToContents()
            self.select_record(selected if selected in keys else keys[0])
        else:
            self._show_selected()
        self.count_changed.emit(len(rows))

    def selected(self) -> str | None:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        return self.model.row(rows[0].row())["key"] if rows else None

    def select_record(self, key: str) -> bool:
        for row, conflict in enumerate(self.model.rows):
            if conflict["key"] == key:
                self.view.selectRow(row)
                return True
        return False

    def current(self) -> dict | None:
        key = self.selected()
        return next((c for c in self.model.rows if c["key"] == key), None)

    def _show_selected(self) -> None:
        conflict = self.current()
        self.versions.set_conflict(conflict, self.case_uuid)
        while self.keep_buttons:
            button = self.keep_buttons.pop()
            self.keep_row.removeWidget(button)
            button.deleteLater()
        if conflict is None:
            self.heading.setText("")
            return
        self.heading.setText(
            f"<b>{conflict['label']}</b> <code>{conflict['key']}</code>: "
            f"{len(conflict['heads'])} versions; the fields that differ come first, marked.")
        for number, head in enumerate(conflict["heads"], 1):
            when = display_time(head["created_utc"], seconds=False) if head["created_utc"] else ""
            button = QPushButton(f"Keep Version {number} ({head['examiner']})…")
            button.setToolTip(f"Keep the version {head['examiner']} made {when}; you are "
                              "asked why")
            button.setObjectName(f"keep_version_{number}")
            button.clicked.connect(lambda _c=False, h=head, n=number:
                                   self.keep_requested.emit(conflict, h, n))
            self.keep_row.addWidget(button)
            button.show()   # a child added to a page already on screen is not shown by itself
            self.keep_buttons.append(button)
