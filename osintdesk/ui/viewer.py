"""The offline source viewer: a stored page rendered without any network, its text with the
identifiers and selectors found in it, its metadata, its captures and what changed between
them, and the investigator's notes, tags and grading.

The page is rendered by ``OfflineBrowser``, a QTextBrowser whose ``loadResource`` serves only
what the case holds (other captures and the images and stylesheets recorded in added
WARC/WACZ files, keyed by URL, relative URLs resolved against the page's URL, and ``data:``
URLs inside the page) and refuses everything else. QTextBrowser has no network stack of its own; refusing in
``loadResource`` also keeps it from reading local files a page points to.
"""

from __future__ import annotations

import base64
import html
import urllib.parse
from typing import Callable

from PySide6.QtCore import QByteArray, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QImage, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QMenu, QPlainTextEdit,
                               QPushButton, QTabWidget, QTextBrowser, QTextEdit, QToolButton,
                               QVBoxLayout, QWidget)

from .. import timefmt
from ..sources.acquire.decoding import decode_text
from ..sources import queries
from ..sources.annotations import CREDIBILITY, RELIABILITY
from ..sources.diff import CaptureDiff, diff_captures
from ..sources.search import highlight_offsets
from .models import PagedQueryModel
from .pages import make_table_view

BANNER_TEXT = "Offline view: remote content blocked"
MAX_RENDER_BYTES = 5 * 1024 * 1024
EQUAL_CONTEXT_LINES = 3
IDENTIFIER_COLOUR = QColor("#fff1a8")
SELECTOR_COLOUR = QColor("#ffc98a")
SEARCH_COLOUR = QColor("#a8e6a1")

# A write from the viewer: run ``work(case)`` on the task runner with a writable case.
Writer = Callable[..., object]


# ============================================================================= the offline page


class OfflineBrowser(QTextBrowser):
    """Renders stored HTML. Resources come from ``resolver(url)`` (the case) or not at all."""

    resource_refused = Signal(str)
    resource_served = Signal(str)

    def __init__(self, parent=None, **kwargs):
        super().__init__(parent, **kwargs)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.resolver: Callable[[str], tuple[bytes, str | None] | None] | None = None
        self.refused: dict[str, None] = {}   # distinct URLs refused, in order
        self.served: dict[str, None] = {}

    def show_page(self, text: str, base_url: str | None, resolver) -> None:
        self.refused, self.served = {}, {}
        self.resolver = resolver
        self.document().setBaseUrl(QUrl(base_url) if base_url else QUrl())
        self.setHtml(text)

    def clear_page(self, message: str = "") -> None:
        self.resolver = None
        self.refused, self.served = {}, {}
        self.document().setBaseUrl(QUrl())
        self.setHtml(message)

    def loadResource(self, kind: int, url: QUrl):  # noqa: N802 - Qt's name
        base = self.document().baseUrl()
        absolute = base.resolved(url) if url.isRelative() and base.isValid() else url
        text = absolute.toString()
        found = None
        if absolute.scheme() == "data":
            found = _data_url(text)
        elif absolute.scheme() in ("http", "https") and self.resolver is not None:
            found = self.resolver(text)
        if found is None:
            if text not in self.refused:
                self.refused[text] = None
                self.resource_refused.emit(text)
            return None
        data, media_type = found
        if text not in self.served:
            self.served[text] = None
            self.resource_served.emit(text)
        if kind == QTextDocument.ResourceType.StyleSheetResource:
            return decode_text(data)[0]
        if kind == QTextDocument.ResourceType.ImageResource:
            image = QImage()
            return image if image.loadFromData(data) else None
        return QByteArray(data)


def _data_url(url: str) -> tuple[bytes, str | None] | None:
    """The bytes of a ``data:`` URL (part of the page itself, so no request is made)."""
    try:
        header, _, payload = url[5:].partition(",")
        media_type = header.split(";")[0] or None
        if header.endswith(";base64"):
            return base64.b64decode(payload), media_type
        return urllib.parse.unquote_to_bytes(payload), media_type
    except (ValueError, TypeError):
        return None


# ============================================================================= the viewer


CAPTURE_COLUMNS = [("Captured (UTC)", "captured_utc"), ("How", "method"), ("Status", "status"),
                   ("Title", "title"), ("Published", "published_date"),
                   ("Body SHA-256", "body_sha256"), ("Examiner", "examiner"),
                   ("Final URL / file", "where")]


class SourceViewer(QWidget):
    """One source, offline. ``show_source(case, source_uuid, capture_uuid=None, query=None)``."""

    def __init__(self, writer: Writer | None = None, parent=None):
        super().__init__(parent)
        self.writer = writer
        self.case = None
        self.source: dict | None = None
        self.capture: dict | None = None
        self.captures: list[dict] = []
        self.query: str | None = None
        self.last_diff: CaptureDiff | None = None

        self.heading = QLabel(objectName="source_heading")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.capture_combo = QComboBox(objectName="capture_combo")
        self.capture_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.capture_combo.setMinimumContentsLength(12)
        self.capture_combo.currentIndexChanged.connect(self._capture_chosen)
        self.export_button = QToolButton(text="Export original", objectName="export_original")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.export_button.clicked.connect(lambda: self.export_dialog("body"))
        self.export_menu = QMenu(self.export_button)
        self.export_button.setMenu(self.export_menu)
        top = QHBoxLayout()
        top.addWidget(QLabel("Capture:"))
        top.addWidget(self.capture_combo, 1)
        top.addWidget(self.export_button)

        self.tabs = QTabWidget(objectName="viewer_tabs")
        self.tabs.addTab(self._page_tab(), "Page (offline)")
        self.text_view = QPlainTextEdit(objectName="source_text", readOnly=True)
        self.tabs.addTab(self._text_tab(), "Text")
        self.metadata = OfflineBrowser(objectName="source_metadata")
        self.tabs.addTab(self.metadata, "Metadata")
        self.tabs.addTab(self._captures_tab(), "Captures")
        self.tabs.addTab(self._notes_tab(), "Notes && grading")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.show_source(None, None)

    # ------------------------------------------------------------ construction

    def _page_tab(self) -> QWidget:
        widget = QWidget()
        self.banner = QLabel(BANNER_TEXT, objectName="offline_banner")
        self.banner.setStyleSheet("background: #fff3cd; color: #5c4400; border: 1px solid #e0c36a;"
                                  " padding: 4px; font-weight: bold")
        self.banner.setWordWrap(True)
        self.browser = OfflineBrowser(objectName="offline_page")
        self.browser.resource_refused.connect(self._update_banner)
        self.browser.resource_served.connect(self._update_banner)
        self.browser.anchorClicked.connect(self._link_clicked)
        self.link_label = QLabel(objectName="link_label")
        self.link_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(widget)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.link_label)
        return widget

    def _text_tab(self) -> QWidget:
        widget = QWidget()
        legend = QLabel(
            f"<span style='background:{IDENTIFIER_COLOUR.name()}'>&nbsp;identifier&nbsp;</span> "
            f"<span style='background:{SELECTOR_COLOUR.name()}'>&nbsp;selector&nbsp;</span> "
            f"<span style='background:{SEARCH_COLOUR.name()}'>&nbsp;search&nbsp;</span>")
        layout = QVBoxLayout(widget)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(legend)
        layout.addWidget(self.text_view, 1)
        return widget

    def _captures_tab(self) -> QWidget:
        widget = QWidget()
        self.captures_model = PagedQueryModel(CAPTURE_COLUMNS, parent=self)
        self.captures_view = make_table_view(self.captures_model)
        self.captures_view.setObjectName("captures_view")
        self.captures_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.captures_view.selectionModel().selectionChanged.connect(self._captures_selected)
        self.diff_button = QPushButton("What changed?", objectName="diff_button", enabled=False)
        self.diff_button.setToolTip("Select two captures to compare them")
        self.diff_button.clicked.connect(self.compare_selected)
        self.diff_view = OfflineBrowser(objectName="diff_view")
        row = QHBoxLayout()
        row.addWidget(QLabel("Select two captures, then:"))
        row.addWidget(self.diff_button)
        row.addStretch(1)
        layout = QVBoxLayout(widget)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.captures_view, 1)
        layout.addLayout(row)
        layout.addWidget(self.diff_view, 2)
        return widget

    def _notes_tab(self) -> QWidget:
        widget = QWidget()
        self.notes_view = OfflineBrowser(objectName="notes_view")
        self.note_edit = QPlainTextEdit(objectName="note_edit", placeholderText="Write a note…")
        self.note_edit.setMaximumHeight(80)
        self.add_note_button = QPushButton("Add note", objectName="add_note")
        self.add_note_button.clicked.connect(lambda: self.add_note(self.note_edit.toPlainText()))
        self.tag_edit = QLineEdit(objectName="tag_edit", placeholderText="Tag")
        self.tag_edit.returnPressed.connect(lambda: self.add_tag(self.tag_edit.text()))
        self.add_tag_button = QPushButton("Add tag", objectName="add_tag")
        self.add_tag_button.clicked.connect(lambda: self.add_tag(self.tag_edit.text()))
        self.remove_tag_combo = QComboBox(objectName="remove_tag_combo")
        self.remove_tag_button = QPushButton("Remove tag", objectName="remove_tag")
        self.remove_tag_button.clicked.connect(
            lambda: self.remove_tag(self.remove_tag_combo.currentText()))
        self.reliability_combo = QComboBox(objectName="reliability_combo")
        self.reliability_combo.addItem("— not graded", None)
        for letter, words in RELIABILITY.items():
            self.reliability_combo.addItem(f"{letter}: {words}", letter)
        self.credibility_combo = QComboBox(objectName="credibility_combo")
        self.credibility_combo.addItem("— not graded", None)
        for number, words in CREDIBILITY.items():
            self.credibility_combo.addItem(f"{number}: {words}", number)
        self.save_grading_button = QPushButton("Save grading", objectName="save_grading")
        self.save_grading_button.clicked.connect(
            lambda: self.set_assessment(self.reliability_combo.currentData(),
                                        self.credibility_combo.currentData()))
        for combo in (self.remove_tag_combo, self.reliability_combo, self.credibility_combo):
            # Long item texts must not widen the whole viewer: the list beside it needs room.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        tags_row = QHBoxLayout()
        tags_row.addWidget(self.tag_edit, 1)
        tags_row.addWidget(self.add_tag_button)
        tags_row.addWidget(self.remove_tag_combo)
        tags_row.addWidget(self.remove_tag_button)
        grading_row = QHBoxLayout()
        grading_row.addWidget(self.reliability_combo, 1)
        grading_row.addWidget(self.credibility_combo, 1)
        grading_row.addWidget(self.save_grading_button)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("New note", self.note_edit)
        form.addRow("", self.add_note_button)
        form.addRow("Tags", tags_row)
        form.addRow("Source / information", grading_row)
        layout = QVBoxLayout(widget)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.notes_view, 1)
        layout.addLayout(form)
        return widget

    # ------------------------------------------------------------ showing

    def show_source(self, case, source_uuid: str | None, capture_uuid: str | None = None,
                    query: str | None = None) -> None:
        """Show a source (its newest capture unless ``capture_uuid``); None clears the viewer."""
        self.case = case
        self.query = query
        self.source = queries.get_source(case, source_uuid) if case and source_uuid else None
        if self.source is None:
            self.captures = []
            self.heading.setText("<i>Select a source to view it offline.</i>")
            self.capture_combo.blockSignals(True)
            self.capture_combo.clear()
            self.capture_combo.blockSignals(False)
            self.captures_model.set_source(None, None)
            self._show_capture(None)
            self._set_writable(False)
            return
        self.captures = queries.captures_of(case, source_uuid)
        for c in self.captures:
            c["where"] = c.get("final_url") or c.get("original_name") or ""
        self.captures_model.set_source(lambda o, n: self.captures[o:o + n],
                                       lambda: len(self.captures))
        if self.captures_model.canFetchMore():
            self.captures_model.fetchMore()
        self.captures_view.resizeColumnsToContents()
        self.capture_combo.blockSignals(True)
        self.capture_combo.clear()
        for c in self.captures:
            label = f"{_utc(c['captured_utc'])}  {c['method']}"
            if c.get("status") is not None:
                label += f"  HTTP {c['status']}"
            self.capture_combo.addItem(label, c["uuid"])
        index = next((i for i, c in enumerate(self.captures) if c["uuid"] == capture_uuid), 0)
        self.capture_combo.setCurrentIndex(index)
        self.capture_combo.blockSignals(False)
        self._show_heading()
        self._show_notes()
        self._set_writable(self.writer is not None and case is not None)
        self._show_capture(self.captures[index]["uuid"] if self.captures else None)

    def _set_writable(self, enabled: bool) -> None:
        for w in (self.add_note_button, self.add_tag_button, self.remove_tag_button,
                  self.save_grading_button, self.export_button, self.note_edit, self.tag_edit):
            w.setEnabled(enabled)

    def _show_heading(self) -> None:
        s = self.source
        e = html.escape
        grade = queries.grading(s)
        badge = (f" <span style='background:#e8eefc;border:1px solid #9ab;padding:1px 4px'>"
                 f"{e(grade)}</span>" if grade else "")
        where = s["url"] or s["name"]
        tags = f"<br><span style='color:#555'>Tags: {e(s['tags'])}</span>" if s["tags"] else ""
        self.heading.setText(f"<b>{e(s['title'] or '')}</b>{badge}<br>"
                             f"<span style='color:#555'>{e(where)}</span> — "
                             f"{s['captures']} capture(s){tags}")

    def _capture_chosen(self, index: int) -> None:
        if 0 <= index < len(self.captures):
            self._show_capture(self.captures[index]["uuid"])

    def _show_capture(self, capture_uuid: str | None) -> None:
        self.export_menu.clear()
        if capture_uuid is None or self.case is None:
            self.capture = None
            self.browser.clear_page()
            self.text_view.setPlainText("")
            self.text_view.setExtraSelections([])
            self.metadata.clear_page()
            self.notes_view.clear_page()
            self.diff_view.clear_page()
            self._update_banner()
            return
        case = self.case
        self.capture = queries.get_capture(case, capture_uuid)
        self._render_page()
        self._show_text()
        self.metadata.show_page(self._metadata_html(), None, None)
        for role, key, label in (("body", "body_sha256", "Body, exactly as received"),
                                 ("decoded", "decoded_sha256", "Body, decoded (gzip undone)"),
                                 ("warc", "warc_sha256", "WARC file"),
                                 ("evidence", "evidence_sha256", "Evidence file as added")):
            sha = self.capture.get(key)
            if sha and not (role == "evidence" and sha in (self.capture.get("body_sha256"),
                                                          self.capture.get("warc_sha256"))):
                action = self.export_menu.addAction(f"{label}…")
                action.triggered.connect(lambda _c=False, r=role: self.export_dialog(r))

    def _render_page(self) -> None:
        capture = self.capture
        sha = queries.viewable_sha256(capture)
        kind = capture.get("document_kind")
        resolver = lambda url, case=self.case: queries.resource_for_url(case, url)  # noqa: E731
        base = capture.get("final_url")
        if sha is None:
            self.browser.clear_page("<p><i>Nothing to show.</i></p>")
        elif kind == "html" and (capture.get("body_size") or 0) <= MAX_RENDER_BYTES:
            data = self.case.read_artifact(sha)
            text, _ = decode_text(data, capture.get("charset"))
            self.browser.show_page(text, base, resolver)
        elif kind == "image" and (capture.get("body_size") or 0) <= MAX_RENDER_BYTES:
            data = self.case.read_artifact(sha)
            uri = "data:%s;base64,%s" % (capture.get("media_type") or "image/png",
                                         base64.b64encode(data).decode("ascii"))
            self.browser.show_page(f"<img src='{uri}' style='max-width:100%'>", None, None)
        else:
            text = queries.capture_text(self.case, capture["uuid"])
            self.browser.show_page(f"<pre style='white-space:pre-wrap'>{html.escape(text)}</pre>"
                                   if text else "<p><i>No rendering for this type; see Metadata"
                                   " and Export original.</i></p>", None, None)
        self._update_banner()

    def _update_banner(self, *_args) -> None:
        refused = len(self.browser.refused)
        served = len(self.browser.served)
        text = BANNER_TEXT
        if refused:
            text += f" ({refused} request(s) refused"
            text += f"; {served} resource(s) served from the case)" if served else ")"
        elif served:
            text += f" ({served} resource(s) served from the case)"
        self.banner.setText(text)
        self.banner.setToolTip("\n".join(list(self.browser.refused)[:40]))

    def _link_clicked(self, url: QUrl) -> None:
        self.link_label.setText(f"Links are not followed in the offline view: {url.toString()}")

    def _show_text(self) -> None:
        text = queries.capture_text(self.case, self.capture["uuid"])
        self.text_view.setPlainText(text)
        ranges = []
        for hit in queries.identifier_hits(self.case, self.capture["uuid"], "text"):
            ranges.append((hit["start_offset"], hit["end_offset"], IDENTIFIER_COLOUR))
        for hit in queries.selector_hits_of(self.case, self.capture["uuid"]):
            if hit["field"] == "text":
                ranges.append((hit["start_offset"], hit["end_offset"], SELECTOR_COLOUR))
        if self.query:
            for start, end in highlight_offsets(self.case, self.capture["uuid"], self.query):
                ranges.append((start, end, SEARCH_COLOUR))
        self.text_view.setExtraSelections(_selections(self.text_view, text, ranges))
        self.text_ranges = ranges

    def _show_notes(self) -> None:
        e = html.escape
        notes = queries.notes_of(self.case, self.source["uuid"])
        tags = queries.tags_of(self.case, self.source["uuid"])
        parts = []
        for n in notes:
            parts.append(f"<p><span style='color:#555'>{e(n['examiner'])}, {_utc(n['created_utc'])}"
                         f"</span><br>{e(n['text']).replace(chr(10), '<br>')}</p>")
        if not notes:
            parts.append("<p><i>No notes yet.</i></p>")
        if tags:
            parts.append("<p><b>Tags</b>: " + ", ".join(
                f"{e(t['tag'])} <span style='color:#555'>({e(t['examiner'])}, "
                f"{_utc(t['created_utc'])})</span>" for t in tags) + "</p>")
        s = self.source
        if s["reliability"] or s["credibility"]:
            parts.append(f"<p><b>Grading</b>: {e(queries.grading(s))} — "
                         f"{e(RELIABILITY.get(s['reliability'], 'reliability not graded'))}; "
                         f"{e(CREDIBILITY.get(s['credibility'], 'credibility not graded'))} "
                         f"<span style='color:#555'>({e(s['assessed_by'] or '')}, "
                         f"{_utc(s['assessed_utc'])})</span></p>")
        self.notes_view.show_page("".join(parts), None, None)
        self.remove_tag_combo.clear()
        self.remove_tag_combo.addItems([t["tag"] for t in tags])
        self.reliability_combo.setCurrentIndex(max(0, self.reliability_combo.findData(s["reliability"])))
        self.credibility_combo.setCurrentIndex(max(0, self.credibility_combo.findData(s["credibility"])))

    def _metadata_html(self) -> str:
        return metadata_html(self.case, self.source, self.capture)

    # ------------------------------------------------------------ captures and diff

    def _captures_selected(self, *_args) -> None:
        self.diff_button.setEnabled(len(self.selected_captures()) == 2)

    def selected_captures(self) -> list[str]:
        rows = sorted({i.row() for i in self.captures_view.selectionModel().selectedRows()})
        return [self.captures_model.row(r)["uuid"] for r in rows]

    def compare_selected(self) -> CaptureDiff | None:
        chosen = self.selected_captures()
        if len(chosen) != 2:
            return None
        return self.compare(*chosen)

    def compare(self, capture_a: str, capture_b: str) -> CaptureDiff:
        """Show what changed from the older of two captures to the newer."""
        times = {c["uuid"]: (c["captured_utc"], c["created_utc"]) for c in self.captures}
        older, newer = sorted((capture_a, capture_b), key=lambda u: times.get(u, ("", "")))
        self.last_diff = diff_captures(self.case, older, newer)
        self.diff_view.show_page(diff_html(self.last_diff), None, None)
        return self.last_diff

    # ------------------------------------------------------------ writing (through the runner)

    def _write(self, title: str, work, on_success=None):
        if self.writer is None or self.source is None:
            return None
        return self.writer(title, work, on_success)

    def add_note(self, text: str):
        if not text.strip() or self.source is None:
            return None
        from ..sources import add_note
        source_uuid = self.source["uuid"]
        self.note_edit.clear()
        return self._write("Adding note", lambda case: add_note(case, source_uuid, text))

    def add_tag(self, tag: str):
        if not tag.strip() or self.source is None:
            return None
        from ..sources import add_tag
        source_uuid = self.source["uuid"]
        self.tag_edit.clear()
        return self._write("Tagging source", lambda case: add_tag(case, source_uuid, tag))

    def remove_tag(self, tag: str):
        if not tag or self.source is None:
            return None
        from ..sources import remove_tag
        source_uuid = self.source["uuid"]
        return self._write("Removing tag", lambda case: remove_tag(case, source_uuid, tag))

    def set_assessment(self, reliability, credibility):
        if self.source is None:
            return None
        from ..sources import set_assessment
        source_uuid = self.source["uuid"]
        return self._write("Grading source",
                           lambda case: set_assessment(case, source_uuid, reliability, credibility))

    def export_dialog(self, role: str = "body") -> None:
        if self.capture is None:
            return
        name = _export_name(self.capture, role)
        dest, _ = QFileDialog.getSaveFileName(self, "Export original", name)
        if dest:
            self.export(role, dest)

    def export(self, role: str, dest: str):
        """Save the exact stored bytes of this capture's body, decoded body, WARC or file."""
        key = {"body": "body_sha256", "decoded": "decoded_sha256", "warc": "warc_sha256",
               "evidence": "evidence_sha256"}[role]
        sha = self.capture.get(key) if self.capture else None
        if not sha:
            return None
        return self._write("Exporting original",
                           lambda case: str(case.export_artifact(sha, dest, overwrite=True)))


# ============================================================================= helpers


def _utc(value: str | None) -> str:
    return timefmt.display_time(value)


def _export_name(capture: dict, role: str) -> str:
    if role == "warc":
        return f"capture-{capture['uuid'][:8]}.warc.gz"
    if capture.get("original_name") and role == "evidence":
        return capture["original_name"]
    extension = {"html": ".html", "pdf": ".pdf", "text": ".txt", "markdown": ".md"}.get(
        capture.get("document_kind") or "", "")
    suffix = ".gz" if role == "body" and capture.get("decoded_sha256") else ""
    return f"capture-{capture['uuid'][:8]}-{role}{extension}{suffix}"


def _utf16_positions(text: str) -> Callable[[int], int]:
    """Python offsets to the UTF-16 positions Qt counts in (they differ after emoji)."""
    if all(ord(c) < 0x10000 for c in text):
        return lambda i: i
    positions = [0]
    for c in text:
        positions.append(positions[-1] + (2 if ord(c) >= 0x10000 else 1))
    return lambda i: positions[min(i, len(text))]


def _selections(editor: QPlainTextEdit, text: str, ranges) -> list:
    to_qt = _utf16_positions(text)
    out = []
    for start, end, colour in ranges:
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(editor.document())
        cursor.setPosition(to_qt(start))
        cursor.setPosition(to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        fmt = QTextCharFormat()
        fmt.setBackground(colour)
        selection.cursor = cursor
        selection.format = fmt
        out.append(selection)
    return out


def _row(label: str, value, *, code: bool = False) -> str:
    if value is None or value == "":
        return ""
    text = html.escape(str(value))
    if code:
        text = f"<code>{text}</code>"
    return f"<tr><td style='color:#555;padding-right:12px' valign='top'>{html.escape(label)}</td><td>{text}</td></tr>"


def _table(rows: list[str]) -> str:
    rows = [r for r in rows if r]
    return f"<table cellspacing='2'>{''.join(rows)}</table>" if rows else ""


def metadata_html(case, source: dict, capture: dict) -> str:
    """Everything known about a capture, as an HTML page (no remote references)."""
    e = html.escape
    c = capture
    published = c.get("published_date")
    if c.get("published_utc"):
        published = f"{published or ''} ({_utc(c['published_utc'])})".strip()
    when = (
        "<table border='1' cellspacing='0' cellpadding='4' style='border-color:#ccc'>"
        "<tr><th>Captured (UTC) — when it was obtained</th>"
        "<th>Published — the page's own date</th></tr>"
        f"<tr><td>{e(_utc(c.get('captured_utc')))}</td>"
        f"<td>{e(published or 'not stated')}"
        + (f"<br><span style='color:#555'>from {e(c['published_source'])}</span>"
           if c.get("published_source") else "") + "</td></tr></table>")
    redirects = " → ".join(f"{r['url']} ({r['status']})" for r in (c.get("redirects") or []))
    proxy = ("yes" + (f" ({c['proxy']})" if c.get("proxy") else "")) if c.get("proxy_used") else (
        "no" if c.get("proxy_used") is not None else None)
    tls = {1: "yes", 0: "NO (verification was turned off)"}.get(c.get("tls_verified"))
    capture_rows = [
        _row("Source", source.get("url") or source.get("name")),
        _row("How", {"web": "captured from the web", "file": "local file added",
                     "archive": "page inside a WARC/WACZ file"}.get(c["method"], c["method"])),
        _row("Requested URL", c.get("requested_url")),
        _row("Redirects", redirects),
        _row("Final URL", c.get("final_url")),
        _row("Status", f"{c['status']} {c.get('reason') or ''}".strip()
             if c.get("status") is not None else None),
        _row("Server IP", c.get("server_ip") or ("not seen (through a proxy)"
                                                 if c.get("proxy_used") else None)),
        _row("Started (UTC)", _utc(c.get("started_utc"))),
        _row("User agent", c.get("user_agent")),
        _row("Proxy used", proxy),
        _row("TLS verified", tls),
        _row("Examiner", c.get("examiner")),
        _row("Stored (UTC)", _utc(c.get("created_utc"))),
        _row("Software", c.get("software")),
        _row("osintdesk version", c.get("app_version")),
    ]
    doc_rows = [
        _row("Title", c.get("title")), _row("Author", c.get("author")), _row("Site", c.get("site")),
        _row("Canonical URL", c.get("canonical_url")), _row("Type", c.get("media_type")),
        _row("Charset", c.get("charset")), _row("Content encoding", c.get("content_encoding")),
        _row("Decoding", c.get("decode_error")), _row("Taken (camera clock)", c.get("taken_local")),
        _row("Taken (UTC)", _utc(c.get("taken_utc"))), _row("Camera", c.get("camera")),
        _row("GPS position", f"{c['geo_lat']:.6f}, {c['geo_lon']:.6f}"
             + (f", {c['geo_alt_m']} m" if c.get("geo_alt_m") is not None else "")
             if c.get("geo_lat") is not None else None),
    ]
    meta = c.get("metadata") if isinstance(c.get("metadata"), dict) else {}
    for key, value in sorted((meta.get("metadata") or {}).items()):
        doc_rows.append(_row(key, value))
    hash_rows = [
        _row("Body SHA-256", c.get("body_sha256"), code=True),
        _row("Body size", f"{c['body_size']:,} bytes" if c.get("body_size") is not None else None),
        _row("Decoded body SHA-256", c.get("decoded_sha256"), code=True),
        _row("WARC SHA-256", c.get("warc_sha256"), code=True),
        _row("Text SHA-256", c.get("text_sha256"), code=True),
        _row("Evidence file", c.get("original_name")),
        _row("Evidence SHA-256", c.get("evidence_sha256"), code=True),
        _row("Original path", c.get("original_path")),
        _row("File modified (UTC)", _utc(c.get("original_mtime_utc"))),
        _row("Archive member", c.get("archive_member")),
        _row("Record offset", c.get("record_offset")),
        _row("WARC record id", c.get("record_id")),
        _row("Payload digest", c.get("payload_digest"), code=True),
    ]
    parts = [f"<h3>When</h3>{when}", "<h3>Capture</h3>" + _table(capture_rows),
             "<h3>Document</h3>" + _table(doc_rows), "<h3>Hashes and files</h3>" + _table(hash_rows)]
    warnings = meta.get("warnings") or []
    if warnings:
        parts.append("<h3>Warnings</h3><ul>" + "".join(f"<li>{e(w)}</li>" for w in warnings)
                     + "</ul>")
    aircraft = queries.aircraft_for_source(case, source["uuid"])
    if aircraft:
        items = []
        for a in aircraft:
            flights = "".join(f"<li>{e(_utc(f['departure_utc']))} {e(f['origin'] or '?')} → "
                              f"{e(f['destination'] or '?')} {e(f['callsigns'] or '')}</li>"
                              for f in a["flights"])
            items.append(f"<li><b>{e(a['label'])}</b> — {len(a['flights'])} flight(s) in this case"
                         + (f"<ul>{flights}</ul>" if flights else "") + "</li>")
        parts.append("<h3>Aircraft in this case named here</h3><ul>" + "".join(items) + "</ul>")
    hits = queries.identifier_hits(case, c["uuid"])
    if hits:
        rows = "".join(f"<tr><td>{e(h['kind'])}</td><td><b>{e(h['value'])}</b></td>"
                       f"<td>{e(h['text'])}</td><td>{e(h['field'])} {h['start_offset']}</td></tr>"
                       for h in hits)
        parts.append("<h3>Identifiers found</h3><table cellspacing='4'><tr><th>Kind</th>"
                     "<th>Value</th><th>As written</th><th>Where</th></tr>" + rows + "</table>")
    exif = meta.get("exif") or {}
    if exif:
        parts.append("<h3>EXIF</h3>" + _table([_row(k, v) for k, v in sorted(exif.items())]))
    for key, label in (("response_headers", "Response headers"),
                       ("request_headers", "Request headers (as sent)")):
        headers = c.get(key) or []
        if headers:
            parts.append(f"<h3>{label}</h3>" + _table([_row(k, v) for k, v in headers]))
    return "".join(parts)


def diff_html(result: CaptureDiff) -> str:
    """A readable "what changed" page: facts that differ, then the text, changes marked."""
    e = html.escape
    parts = [f"<p><b>{e(_utc(result.a['captured_utc']))}</b> → "
             f"<b>{e(_utc(result.b['captured_utc']))}</b>: {e(result.summary())}</p>"]
    if result.fields:
        rows = "".join(f"<tr><td style='color:#555'>{e(name)}</td><td>{e(str(old))}</td>"
                       f"<td>{e(str(new))}</td></tr>" for name, (old, new) in result.fields.items())
        parts.append("<table cellspacing='4'><tr><th></th><th>Before</th><th>After</th></tr>"
                     + rows + "</table>")
    if result.same_text:
        return "".join(parts)
    styles = {"delete": ("#fde2e2", "− "), "insert": ("#dff5df", "+ "), "equal": ("", "  ")}
    equal_run: list[str] = []

    def flush() -> None:
        keep = equal_run if len(equal_run) <= 2 * EQUAL_CONTEXT_LINES else (
            equal_run[:EQUAL_CONTEXT_LINES] + [f"… {len(equal_run) - 2 * EQUAL_CONTEXT_LINES} "
                                               "unchanged line(s) …"]
            + equal_run[-EQUAL_CONTEXT_LINES:])
        for line in keep:
            parts.append(f"<p style='margin:0;color:#666;white-space:pre-wrap'>  {e(line)}</p>")
        equal_run.clear()

    for line in result.lines:
        if line.op == "equal":
            equal_run.append(line.text)
            continue
        flush()
        colour, mark = styles[line.op]
        if line.words:
            tag = "s" if line.op == "delete" else "b"
            body = "".join(e(text) if op == "equal" else f"<{tag}>{e(text)}</{tag}>"
                           for op, text in line.words)
        else:
            body = e(line.text)
        parts.append(f"<p style='margin:0;background:{colour};white-space:pre-wrap'>"
                     f"{mark}{body}</p>")
    flush()
    return "".join(parts)
