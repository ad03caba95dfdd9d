"""The Evidence page: every artifact of the case (evidence files, web captures and their
WARCs, resources inside added archives) with its kind, size, SHA-256 and what it belongs
to; a preview of the selected one (an image, or its text), its notes and tags (evidence
files), and Export, which saves a copy and checks the written file against the hash."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QFontDatabase, QPixmap
from PySide6.QtWidgets import (QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QMessageBox,
                               QPlainTextEdit, QPushButton, QScrollArea,
                               QStackedWidget, QVBoxLayout, QWidget)

from ..errors import OsintdeskError
from ..sources import evidence
from .annotations_panel import AnnotationPanel
from .pages import CasePage, make_table_view
from .tables import FILTER_MIN_PX, AdaptiveSplitter
from .sources.models import RecordModel

ARTIFACT_COLUMNS = [("Name / URL", "name"), ("Kind", "kind"), ("Size (bytes)", "size"),
                    ("Belongs to", "belongs_to"), ("Type", "media_type"),
                    ("SHA-256", "sha256"), ("Added (UTC)", "created_utc"),
                    ("Examiner", "examiner")]


class EvidencePage(CasePage):
    title = "Evidence"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.case = None
        self.rows: list[dict] = []
        self.last_export: dict | None = None
        self.model = RecordModel(ARTIFACT_COLUMNS, parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.filter_edit = QLineEdit(placeholderText="Filter evidence by name, kind, hash, source…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(FILTER_MIN_PX)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = make_table_view(self.proxy)
        self.view.setObjectName("evidence_view")
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.selectionModel().selectionChanged.connect(self._selected)

        # One plain line a fact (a wrapped rich-text label above a stretching preview gets
        # squeezed to one line): what it is, its size and type, its hash, what it belongs to.
        self.facts = {key: QLabel(objectName=f"evidence_{key}") for key in
                      ("name", "kind", "size", "sha256", "belongs_to")}
        for label in self.facts.values():
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts["sha256"].setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.info = QWidget(objectName="evidence_info")
        form = QFormLayout(self.info)
        form.setContentsMargins(0, 0, 0, 0)
        for key, title in (("name", "Name / URL"), ("kind", "Kind"), ("size", "Size"),
                           ("sha256", "SHA-256"), ("belongs_to", "Belongs to")):
            form.addRow(title, self.facts[key])
        self.export_button = QPushButton("Export a copy…", objectName="evidence_export")
        self.export_button.setToolTip("Save the exact bytes; the written copy is hashed and "
                                      "checked against the case")
        self.export_button.clicked.connect(self.export_dialog)
        self.image = QLabel(objectName="evidence_image")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        image_scroll = QScrollArea(widgetResizable=True)
        image_scroll.setWidget(self.image)
        self.text = QPlainTextEdit(objectName="evidence_text", readOnly=True)
        self.preview = QStackedWidget(objectName="evidence_preview")
        self.preview.addWidget(self.text)
        self.preview.addWidget(image_scroll)
        self.annotations = AnnotationPanel()

        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 0, 0, 0)
        right_layout.addWidget(self.info)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.preview, 1)
        right_layout.addWidget(self.annotations)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter_edit)
        left_layout.addWidget(self.view, 1)
        # Side by side when the page is wide, the list above the details when not (as on
        # the Sources page): beside the chart pane, the hash's line squeezed the list to a
        # sliver of its names.
        self.splitter = AdaptiveSplitter(wide_px=1000, minimums=(240, 240), stretch=(1, 1))
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._show(None)

    def set_case(self, case) -> None:
        self.case = case
        chosen = self.selected()
        self.rows = evidence.list_artifacts(case) if case is not None else []
        rows = self.rows
        self.model.set_source((lambda o, n: rows[o:o + n]) if case is not None else None,
                              (lambda: len(rows)) if case is not None else None)
        while self.model.canFetchMore():
            self.model.fetchMore()
        self.view.resizeColumnsToContents()
        self.view.setColumnWidth(0, min(self.view.columnWidth(0), 280))
        self.view.setColumnWidth(3, min(self.view.columnWidth(3), 220))
        if not (chosen and self.select(chosen["sha256"])):
            self._show(None)

    def selected(self) -> dict | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row(self.proxy.mapToSource(rows[0]).row())

    def select(self, sha256: str) -> bool:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if self.model.row(self.proxy.mapToSource(index).row())["sha256"] == sha256:
                self.view.selectRow(row)
                self.view.scrollTo(index)
                return True
        return False

    def _selected(self, *_args) -> None:
        self._show(self.selected())

    def _show(self, row: dict | None) -> None:
        self.export_button.setEnabled(row is not None)
        if row is None or self.case is None:
            for label in self.facts.values():
                label.setText("")
            self.facts["name"].setText("Select an artifact to see it, its hash and what it belongs to.")
            self.text.setPlainText("")
            self.preview.setCurrentIndex(0)
            self.annotations.show_object(None, None, None)
            return
        uses = f" (used {row['uses']} ways)" if row["uses"] > 1 else ""
        self.facts["name"].setText(row["name"] or "")
        self.facts["kind"].setText(row["kind"] + (f", {row['detail']}" if row["detail"] else "")
                                   + uses)
        self.facts["size"].setText(f"{row['size']:,} bytes"
                                   + (f", {row['media_type']}" if row["media_type"] else ""))
        self.facts["sha256"].setText(row["sha256"])
        self.facts["sha256"].setToolTip(row["sha256"])
        self.facts["belongs_to"].setText(row["belongs_to"] or "—")
        try:
            kind, content = evidence.preview(self.case, row["sha256"], row["media_type"])
        except OsintdeskError as error:
            kind, content = "binary", str(error)
        pixmap = QPixmap()
        if kind == "image" and pixmap.loadFromData(content):
            if pixmap.width() > 900:
                pixmap = pixmap.scaledToWidth(900, Qt.TransformationMode.SmoothTransformation)
            self.image.setPixmap(pixmap)
            self.preview.setCurrentIndex(1)
        else:
            self.text.setPlainText(content if kind != "image" else "(an image Qt cannot show)")
            self.preview.setCurrentIndex(0)
        if row["evidence_uuid"]:
            self.annotations.show_object(self.case, "evidence", row["evidence_uuid"])
        else:
            self.annotations.show_object(None, None, None)
            self.annotations.shown.setText("<i>Notes on a web capture go on its source "
                                           "(Sources › Notes &amp; grading).</i>")

    # ------------------------------------------------------------ export

    def export_dialog(self) -> None:
        row = self.selected()
        if row is None:
            return
        name = (row["name"] or row["sha256"][:16]).rstrip("/").rsplit("/", 1)[-1] or row["sha256"][:16]
        dest, _ = QFileDialog.getSaveFileName(self, "Export a copy", name)
        if dest:
            self.export(dest)

    def export(self, dest: str):
        """Save a copy of the selected artifact (on the task runner; logged), then say
        where it went, its hash, and whether the written copy matches."""
        row = self.selected()
        window = self.window()
        if row is None or not hasattr(window, "run_task"):
            return None
        sha256 = row["sha256"]

        def done(result: dict) -> None:
            self.last_export = result
            verdict = ("The copy's SHA-256 matches the case." if result["matches"] else
                       "THE COPY'S SHA-256 DOES NOT MATCH: do not use it.")
            box = QMessageBox(QMessageBox.Icon.Information if result["matches"]
                              else QMessageBox.Icon.Critical, "Copy saved",
                              f"Saved to {result['path']} ({result['size']:,} bytes)\n\n"
                              f"SHA-256 in the case:\n{result['sha256']}\n"
                              f"SHA-256 of the copy:\n{result['written_sha256']}\n\n{verdict}",
                              QMessageBox.StandardButton.Ok, self)
            box.setObjectName("export_result")
            box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.result_box = box
            box.open()
        return window.run_task("Exporting a copy",
                               lambda case, _p, _c: evidence.export_copy(case, sha256, dest),
                               case="write", on_success=done)
