"""Notes and tags on one flight, aircraft or evidence file (the sources' own are in the
source viewer): what has been written, a note box and a tag box. Writes go through the
window's task runner; the panel shows the new state when the write is done."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from ..sources import queries
from ..store.header import is_writable
from ..timefmt import display_time

KIND_WORDS = {"flight": "flight", "aircraft": "aircraft", "evidence": "evidence file"}


def annotations_html(notes: list[dict], tags: list[dict]) -> str:
    e = html.escape
    tag_text = ", ".join(e(t["tag"]) for t in tags) or "<i>none</i>"
    parts = [f"<b>Tags:</b> {tag_text}"]
    for n in notes:
        parts.append(f"<br><span style='color:#555'>{e(n['examiner'])}, "
                     f"{e(display_time(n['created_utc'], seconds=False))}:</span> "
                     f"{e(n['text']).replace(chr(10), '<br>')}")
    if not notes:
        parts.append("<br><i>No notes yet.</i>")
    return "".join(parts)


class AnnotationPanel(QWidget):
    """``show_object(case, kind, uuid)``; ``show_object(None, None, None)`` clears it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.case = None
        self.kind: str | None = None
        self.uuid: str | None = None
        self.shown = QLabel(objectName="annotations_shown")
        self.shown.setTextFormat(Qt.TextFormat.RichText)
        self.shown.setWordWrap(True)
        self.shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note_edit = QLineEdit(objectName="annotation_note", placeholderText="Write a note…")
        self.note_edit.returnPressed.connect(lambda: self.add_note(self.note_edit.text()))
        self.add_note_button = QPushButton("Add note", objectName="annotation_add_note")
        self.add_note_button.clicked.connect(lambda: self.add_note(self.note_edit.text()))
        self.tag_edit = QLineEdit(objectName="annotation_tag", placeholderText="Tag")
        self.tag_edit.returnPressed.connect(lambda: self.add_tag(self.tag_edit.text()))
        self.add_tag_button = QPushButton("Tag", objectName="annotation_add_tag")
        self.add_tag_button.clicked.connect(lambda: self.add_tag(self.tag_edit.text()))
        self.remove_combo = QComboBox(objectName="annotation_tags")
        self.remove_button = QPushButton("Remove tag", objectName="annotation_remove_tag")
        self.remove_button.clicked.connect(lambda: self.remove_tag(self.remove_combo.currentText()))
        note_row = QHBoxLayout()
        note_row.addWidget(self.note_edit, 1)
        note_row.addWidget(self.add_note_button)
        tag_row = QHBoxLayout()
        tag_row.addWidget(self.tag_edit, 1)
        tag_row.addWidget(self.add_tag_button)
        tag_row.addWidget(self.remove_combo, 1)
        tag_row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.shown, 1, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(note_row)
        layout.addLayout(tag_row)
        self.show_object(None, None, None)

    def needed_height(self) -> int:
        """The least height that shows the heading, the tags line, the first note's line
        and both rows of boxes (more notes scroll out of sight: the owner may give more)."""
        layout = self.layout()
        rows = sum(layout.itemAt(i).sizeHint().height() for i in (1, 2))
        return rows + 2 * layout.spacing() + 3 * self.shown.fontMetrics().lineSpacing() + 4

    def show_object(self, case, kind: str | None, uuid: str | None) -> None:
        self.case, self.kind, self.uuid = case, kind, uuid
        enabled = case is not None and uuid is not None and is_writable(case.path)
        for widget in (self.note_edit, self.add_note_button, self.tag_edit,
                       self.add_tag_button, self.remove_combo, self.remove_button):
            widget.setEnabled(enabled)
        self.remove_combo.clear()
        if case is None or uuid is None:
            self.shown.setText("<i>Select one to see or add its notes and tags.</i>")
            return
        notes, tags = queries.notes_on(case, kind, uuid), queries.tags_on(case, kind, uuid)
        self.remove_combo.addItems([t["tag"] for t in tags])
        self.shown.setText(f"<b>Notes on this {KIND_WORDS.get(kind, kind)}</b><br>"
                           + annotations_html(notes, tags))

    def _write(self, title: str, work):
        window = self.window()
        if self.uuid is None or not hasattr(window, "run_task"):
            return None
        kind, uuid = self.kind, self.uuid
        return window.run_task(title, lambda case, _p, _c: work(case, kind, uuid), case="write",
                               on_success=lambda _r: self.show_object(window.case, kind, uuid))

    def add_note(self, text: str):
        if not text.strip():
            return None
        from ..sources.annotations import add_note_on
        self.note_edit.clear()
        return self._write("Adding note", lambda case, kind, uuid: add_note_on(case, kind, uuid, text))

    def add_tag(self, tag: str):
        if not tag.strip():
            return None
        from ..sources.annotations import add_tag_on
        self.tag_edit.clear()
        return self._write("Tagging", lambda case, kind, uuid: add_tag_on(case, kind, uuid, tag))

    def remove_tag(self, tag: str):
        if not tag:
            return None
        from ..sources.annotations import remove_tag_on
        return self._write("Removing tag",
                           lambda case, kind, uuid: remove_tag_on(case, kind, uuid, tag))
