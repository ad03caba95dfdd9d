"""The sources' table models: sources, captures, selectors and their hits, search results (whose
snippet column is painted as HTML, the matched words marked)."""

from __future__ import annotations

import html

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ...sources.viewer_html import snippet_html
from ..models import PagedQueryModel

SNIPPET_HTML_ROLE = Qt.ItemDataRole.UserRole + 1

SOURCE_COLUMNS = [("Title", "title"), ("Site", "site"), ("Grade", "grading"), ("Captures", "captures"),
                  ("Last captured (UTC)", "last_captured_utc"), ("Published", "published_date"),
                  ("Status", "status"), ("Identifiers", "identifiers"), ("Tags", "tags"),
                  ("Notes", "notes"), ("Type", "document_kind"), ("URL / file", "name"),
                  ("Flight days named", "flight_dates")]
RESULT_COLUMNS = [("Source", "title"), ("Snippet", "snippet"), ("Found in", "kind"),
                  ("Captured (UTC)", "captured_utc"), ("Matches", "matches"), ("URL", "url")]
SNIPPET_COLUMN = 1
# What the sources list shows until the investigator chooses other columns (header menu).
SOURCE_DEFAULT_COLUMNS = ("Title", "Site", "Published", "Last captured (UTC)", "Grade", "Status")
CAPTURE_COLUMNS = [("Captured (UTC)", "captured_utc"), ("How", "method"), ("Status", "status"),
                   ("Title", "title"), ("Published", "published_date"),
                   ("Body SHA-256", "body_sha256"), ("Examiner", "examiner"),
                   ("Final URL / file", "where")]
SELECTOR_COLUMNS = [("Name", "name"), ("Pattern", "pattern"), ("Type", "type"),
                    ("Hits", "hits"), ("Sources", "sources"), ("Added by", "examiner"),
                    ("Added (UTC)", "created_utc")]
SELECTOR_HIT_COLUMNS = [("Source", "title"), ("Passage", "snippet"), ("Matched", "text"),
                        ("In", "field"), ("Captured (UTC)", "captured_utc"),
                        ("URL / file", "source_name")]
SELECTOR_HIT_SNIPPET_COLUMN = 1


class RecordModel(PagedQueryModel):
    """Lists joined with commas (times show as every table shows them); a retired source's
    row is struck through."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.FontRole and index.isValid() and index.row() < self.rowCount():
            if self.row(index.row()).get("retired_utc"):
                font = QFont()
                font.setStrikeOut(True)
                return font
            return None
        return super().data(index, role)

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
