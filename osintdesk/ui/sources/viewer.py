"""The offline source viewer: a stored page rendered without any network (``OfflineBrowser``),
its text with the identifiers and selectors found in it, its metadata, its captures and what
changed between them, and the investigator's notes, tags and grading.

The HTML it shows is written by ``sources.viewer_html``; this module only holds the widget.
Reads that can take long (comparing two captures) and every write run on the window's task
runner, each with the worker's own ``Case``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QColor, QTextBlockFormat, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFormLayout,
                               QHBoxLayout, QInputDialog, QLabel, QLineEdit, QMenu,
                               QPlainTextEdit, QPushButton, QTabWidget, QTextEdit, QToolButton, QVBoxLayout,
                               QWidget)

from ...sources import queries
from ..dialogs import save_file_name
from ...sources.acquire.decoding import decode_text
from ...sources.annotations import CREDIBILITY, RELIABILITY
from ...sources.diff import CaptureDiff, diff_captures
from ...sources.search import highlight_offsets
from ...sources.viewer_html import (CURRENT_HIT_COLOUR, IDENTIFIER_COLOUR, SEARCH_COLOUR,
                                    SELECTOR_COLOUR,
                                    capture_label, diff_html, heading_html, image_html,
                                    legend_html, metadata_html, notes_html, text_page_html)
from ..flow import FlowLayout
from ..pages import make_table_view
from .models import CAPTURE_COLUMNS, RecordModel
from .offline_browser import OfflineBrowser
from ...words import counted

BANNER_TEXT = "Offline view: remote content blocked"
MAX_RENDER_BYTES = 5 * 1024 * 1024

# Run ``work(case)`` on the task runner with the worker's own case, then
# ``on_success(result)`` on the GUI thread; returns the task (None when nothing ran).
CaseRunner = Callable[..., object]


@dataclass(frozen=True)
class TextSelection:
    """A passage selected in a capture's text: ``start`` and ``end`` are character offsets
    in that text (as ``sources.queries.capture_text`` returns it), ``text`` the passage."""

    source_uuid: str
    capture_uuid: str
    text: str
    start: int
    end: int


class SourceViewer(QWidget):
    """One source, offline. ``show_source(case, source_uuid, capture_uuid=None, query=None)``.

    ``writer`` runs a change on a writable case, ``reader`` a long read on a read-only one;
    without them the viewer only shows.
    """

    diff_shown = Signal(object)   # CaptureDiff, once its page is in the diff view
    link_activated = Signal(str)  # a link in the details (under the heading, in Metadata)

    def __init__(self, writer: CaseRunner | None = None, reader: CaseRunner | None = None,
                 parent=None):
        super().__init__(parent)
        self.writer = writer
        self.reader = reader
        self.case = None
        self.source: dict | None = None
        self.capture: dict | None = None
        self.captures: list[dict] = []
        self.query: str | None = None
        self.last_diff: CaptureDiff | None = None
        self._diff_generation = 0      # bumped when another source is shown
        self.details_provider: Callable[[object, str], str] | None = None
        self.source_actions: list[QAction] = []

        self.heading = QLabel(objectName="source_heading")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.capture_combo = QComboBox(objectName="capture_combo")
        # Asks for the room its longest capture needs; the row wraps to give it that room
        # and, narrower still, the combo box elides rather than being cut.
        self.capture_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.capture_combo.setMinimumContentsLength(12)
        self.capture_combo.setMinimumWidth(120)
        self.capture_combo.currentIndexChanged.connect(self._capture_chosen)
        self.export_button = QToolButton(text="Export original", objectName="export_original")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.export_button.clicked.connect(lambda: self.export_dialog("body"))
        self.export_menu = QMenu(self.export_button)
        self.export_button.setMenu(self.export_menu)
        # What other parts of the window say about the source (what it is tied to); their
        # actions on the whole source go at the end of the capture row (``source_bar``).
        self.details = QLabel(objectName="source_details")
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.details.linkActivated.connect(self.link_activated)
        self.details.setVisible(False)
        # The capture row wraps in a narrow viewer: its buttons go onto the next line
        # rather than out of sight (the label stays with its combo box).
        capture = QWidget(objectName="capture_box")
        capture_layout = QHBoxLayout(capture)
        capture_layout.setContentsMargins(0, 0, 0, 0)
        capture_layout.addWidget(QLabel("Capture:"))
        capture_layout.addWidget(self.capture_combo, 1)
        top = self.source_bar = FlowLayout()
        top.addWidget(capture, stretch=True)
        top.addWidget(self.export_button)
        self.retire_button = QPushButton("Retire…", objectName="retire_source")
        self.retire_button.setToolTip("Set this source aside: kept with its evidence, hidden "
                                      "from the list and searches unless Show retired is on")
        self.retire_button.clicked.connect(self.retire_dialog)
        top.addWidget(self.retire_button)

        self.tabs = QTabWidget(objectName="viewer_tabs")
        self.tabs.addTab(self._page_tab(), "Page (offline)")
        # A QTextEdit (not QPlainTextEdit, which ignores block margins): each line of the
        # extracted text is a paragraph, shown with space after it.
        self.text_view = QTextEdit(objectName="source_text", readOnly=True)
        self.text_view.setAcceptRichText(False)
        self.marked_passage: tuple[int, int] | None = None
        self.text_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.text_view.customContextMenuRequested.connect(self._text_menu)
        self.text_view.selectionChanged.connect(self._text_selection_changed)
        self.selection_actions: list[QAction] = []
        self._text = ""
        self.tabs.addTab(self._text_tab(), "Text")
        self.metadata = OfflineBrowser(objectName="source_metadata")
        self.metadata.anchorClicked.connect(lambda url: self.link_activated.emit(url.toString()))
        self.tabs.addTab(self.metadata, "Metadata")
        self.tabs.addTab(self._captures_tab(), "Captures")
        self.tabs.addTab(self._notes_tab(), "Notes && grading")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.details)
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
        legend = QLabel(legend_html())
        self.selection_bar = QHBoxLayout()
        self.selection_bar.addWidget(legend, 1)
        layout = QVBoxLayout(widget)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(self.selection_bar)
        layout.addWidget(self.text_view, 1)
        return widget

    # ------------------------------------------------------------ selected text

    def add_selection_action(self, text: str, handler: Callable[[TextSelection], object],
                             name: str | None = None) -> QAction:
        """An action on the passage selected in the Text tab (a button above the text and an
        entry of its context menu), enabled while a passage is selected in a capture that
        can be written to."""
        action = QAction(text, self)
        # A tool button drops an action's "…" unless its icon text is set: keep the "…"
        # that says a dialog follows (and that the word is not cut).
        action.setIconText(text)
        if name:
            action.setObjectName(name)
        action.triggered.connect(lambda _c=False: self._run_selection_action(handler))
        self.selection_actions.append(action)
        button = QToolButton()
        button.setDefaultAction(action)
        self.selection_bar.addWidget(button)
        self._text_selection_changed()
        return action

    def add_source_action(self, text: str, handler: Callable[[str], object],
                          name: str | None = None) -> QAction:
        """An action on the source shown (``handler(source_uuid)``): a button in the capture
        row and an entry of the Text tab's context menu, enabled while a source is shown
        and can be written to."""
        action = QAction(text, self)
        # A tool button drops an action's "…" unless its icon text is set: keep the "…"
        # that says a dialog follows (and that the word is not cut).
        action.setIconText(text)
        if name:
            action.setObjectName(name)
        action.triggered.connect(
            lambda _c=False: handler(self.source["uuid"]) if self.source is not None else None)
        self.source_actions.append(action)
        button = QToolButton()
        button.setDefaultAction(action)
        self.source_bar.addWidget(button)
        action.setEnabled(self.writer is not None and self.source is not None)
        return action

    def set_details_provider(self, provider: Callable[[object, str], str] | None) -> None:
        """``provider(case, source_uuid)`` gives HTML shown under the heading and at the top
        of the Metadata tab (links there emit ``link_activated``)."""
        self.details_provider = provider
        self.show_source(self.case, self.source["uuid"] if self.source else None,
                         self.capture["uuid"] if self.capture else None, self.query)

    def details_html(self) -> str:
        if self.details_provider is None or self.case is None or self.source is None:
            return ""
        return self.details_provider(self.case, self.source["uuid"])

    def _show_details(self, text: str) -> None:
        self.details.setText(text)
        self.details.setVisible(bool(text))

    def _run_selection_action(self, handler) -> None:
        selection = self.text_selection()
        if selection is not None:
            handler(selection)

    def text_selection(self) -> TextSelection | None:
        """The passage selected in the Text tab, with its offsets in the capture's text."""
        cursor = self.text_view.textCursor()
        if self.capture is None or self.source is None or not cursor.hasSelection():
            return None
        to_python = _python_offsets(self._text)
        start, end = to_python(cursor.selectionStart()), to_python(cursor.selectionEnd())
        passage = self._text[start:end]
        # Leading and trailing white space is not part of what the passage says.
        start += len(passage) - len(passage.lstrip())
        end -= len(passage) - len(passage.rstrip())
        if end <= start:
            return None
        return TextSelection(self.source["uuid"], self.capture["uuid"], self._text[start:end],
                             start, end)

    def select_text(self, start: int, end: int) -> None:
        """Select the passage at these offsets of the capture's text (Python characters)."""
        to_qt = _utf16_positions(self._text)
        cursor = self.text_view.textCursor()
        cursor.setPosition(to_qt(start))
        cursor.setPosition(to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.text_view.setTextCursor(cursor)

    def _text_selection_changed(self) -> None:
        enabled = self.writer is not None and self.text_selection() is not None
        for action in self.selection_actions:
            action.setEnabled(enabled)

    def text_menu(self) -> QMenu:
        """The Text tab's context menu: copy and select, then the actions on the selected
        passage, then those on the whole source."""
        menu = self.text_view.createStandardContextMenu()
        for actions in (self.selection_actions, self.source_actions):
            if actions:
                menu.addSeparator()
                for action in actions:
                    menu.addAction(action)
        self._menu = menu
        return menu

    def _text_menu(self, position) -> None:
        self.text_menu().popup(self.text_view.viewport().mapToGlobal(position))

    def _captures_tab(self) -> QWidget:
        widget = QWidget()
        self.captures_model = RecordModel(CAPTURE_COLUMNS, parent=self)
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
        if self.source is None or self.source["uuid"] != source_uuid:
            self._diff_generation += 1   # a comparison still running is for another source
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
            self._show_details("")
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
            self.capture_combo.addItem(capture_label(c), c["uuid"])
        index = next((i for i, c in enumerate(self.captures) if c["uuid"] == capture_uuid), 0)
        self.capture_combo.setCurrentIndex(index)
        self.capture_combo.blockSignals(False)
        self.heading.setText(heading_html(self.source))
        self._show_details(self.details_html())
        self._show_notes()
        self._set_writable(self.writer is not None and case is not None)
        self._show_capture(self.captures[index]["uuid"] if self.captures else None)

    def _set_writable(self, enabled: bool) -> None:
        for w in (self.add_note_button, self.add_tag_button, self.remove_tag_button,
                  self.save_grading_button, self.export_button, self.note_edit, self.tag_edit,
                  self.retire_button, *self.source_actions):
            w.setEnabled(enabled)
        retired = bool(self.source and self.source.get("retired_utc"))
        self.retire_button.setText("Un-retire" if retired else "Retire…")

    def _capture_chosen(self, index: int) -> None:
        if 0 <= index < len(self.captures):
            self._show_capture(self.captures[index]["uuid"])

    def _show_capture(self, capture_uuid: str | None) -> None:
        self.export_menu.clear()
        if capture_uuid is None or self.case is None:
            self.capture = None
            self.browser.clear_page()
            self._text = ""
            self.text_view.setPlainText("")
            self.text_view.setExtraSelections([])
            self.metadata.clear_page()
            self.notes_view.clear_page()
            self.diff_view.clear_page()
            self._update_banner()
            return
        case = self.case
        self.capture = queries.get_capture(case, capture_uuid)
        text = queries.capture_text(case, capture_uuid)   # read once: the page and the text tab
        self._render_page(text)
        self._show_text(text)
        self.metadata.show_page(self.details_html() + metadata_html(self.case, self.source, self.capture),
                                None, None)
        for role, key, label in (("body", "body_sha256", "Body, exactly as received"),
                                 ("decoded", "decoded_sha256", "Body, decoded (gzip undone)"),
                                 ("warc", "warc_sha256", "WARC file"),
                                 ("evidence", "evidence_sha256", "Evidence file as added")):
            sha = self.capture.get(key)
            if sha and not (role == "evidence" and sha in (self.capture.get("body_sha256"),
                                                          self.capture.get("warc_sha256"))):
                action = self.export_menu.addAction(f"{label}…")
                action.triggered.connect(lambda _c=False, r=role: self.export_dialog(r))

    def _render_page(self, text: str) -> None:
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
            self.browser.show_page(image_html(data, capture.get("media_type")), None, None)
        else:
            self.browser.show_page(text_page_html(text), None, None)
        self._update_banner()

    def _update_banner(self, *_args) -> None:
        refused = len(self.browser.refused)
        served = len(self.browser.served)
        text = BANNER_TEXT
        if refused:
            text += f" ({counted(refused, 'request')} refused"
            text += f"; {counted(served, 'resource')} served from the case)" if served else ")"
        elif served:
            text += f" ({counted(served, 'resource')} served from the case)"
        self.banner.setText(text)
        self.banner.setToolTip("\n".join(list(self.browser.refused)[:40]))

    def _link_clicked(self, url: QUrl) -> None:
        self.link_label.setText(f"Links are not followed in the offline view: {url.toString()}")

    def _show_text(self, text: str) -> None:
        self._text = text
        self.marked_passage = None
        self.text_view.setPlainText(text)
        if "\n\n" not in text:   # one paragraph a line (extracted from HTML): space them
            _space_paragraphs(self.text_view)
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

    def mark_passage(self, start: int, end: int) -> None:
        """Show the Text tab with the passage at these offsets (Python characters in the
        capture's text) marked in the current-hit colour and scrolled into view."""
        self.tabs.setCurrentIndex(1)
        self.marked_passage = (start, end)
        ranges = [*getattr(self, "text_ranges", []), (start, end, CURRENT_HIT_COLOUR)]
        self.text_view.setExtraSelections(_selections(self.text_view, self._text, ranges))
        to_qt = _utf16_positions(self._text)
        cursor = self.text_view.textCursor()
        cursor.setPosition(to_qt(start))
        self.text_view.setTextCursor(cursor)
        self.text_view.ensureCursorVisible()

    def _show_notes(self) -> None:
        notes = queries.notes_of(self.case, self.source["uuid"])
        tags = queries.tags_of(self.case, self.source["uuid"])
        s = self.source
        self.notes_view.show_page(notes_html(s, notes, tags, queries.source_warnings(self.captures)),
                                  None, None)
        self.remove_tag_combo.clear()
        self.remove_tag_combo.addItems([t["tag"] for t in tags])
        self.reliability_combo.setCurrentIndex(max(0, self.reliability_combo.findData(s["reliability"])))
        self.credibility_combo.setCurrentIndex(max(0, self.credibility_combo.findData(s["credibility"])))

    # ------------------------------------------------------------ captures and diff

    def _captures_selected(self, *_args) -> None:
        self.diff_button.setEnabled(len(self.selected_captures()) == 2)

    def selected_captures(self) -> list[str]:
        rows = sorted({i.row() for i in self.captures_view.selectionModel().selectedRows()})
        return [self.captures_model.row(r)["uuid"] for r in rows]

    def compare_selected(self):
        chosen = self.selected_captures()
        if len(chosen) != 2:
            return None
        return self.compare(*chosen)

    def compare(self, capture_a: str, capture_b: str):
        """Show what changed from the older of two captures to the newer.

        The comparison (quadratic in the lines) runs on the task runner; the page is shown,
        and ``diff_shown`` emitted, when it is done and the same source is still shown.
        Returns the task, or None without a reader.
        """
        if self.reader is None:
            return None
        times = {c["uuid"]: (c["captured_utc"], c["created_utc"]) for c in self.captures}
        older, newer = sorted((capture_a, capture_b), key=lambda u: times.get(u, ("", "")))
        generation = self._diff_generation

        def work(case):
            result = diff_captures(case, older, newer)
            return result, diff_html(result)

        def done(outcome) -> None:
            if generation != self._diff_generation:
                return
            self.last_diff, page = outcome
            self.diff_view.show_page(page, None, None)
            self.diff_shown.emit(self.last_diff)
        return self.reader("Comparing captures", work, done)

    # ------------------------------------------------------------ writing (through the runner)

    def _write(self, title: str, work, on_success=None):
        if self.writer is None or self.source is None:
            return None
        return self.writer(title, work, on_success)

    def add_note(self, text: str):
        if not text.strip() or self.source is None:
            return None
        from ...sources.annotations import add_note
        source_uuid = self.source["uuid"]
        self.note_edit.clear()
        return self._write("Adding note", lambda case: add_note(case, source_uuid, text))

    def add_tag(self, tag: str):
        if not tag.strip() or self.source is None:
            return None
        from ...sources.annotations import add_tag
        source_uuid = self.source["uuid"]
        self.tag_edit.clear()
        return self._write("Tagging source", lambda case: add_tag(case, source_uuid, tag))

    def remove_tag(self, tag: str):
        if not tag or self.source is None:
            return None
        from ...sources.annotations import remove_tag
        source_uuid = self.source["uuid"]
        return self._write("Removing tag", lambda case: remove_tag(case, source_uuid, tag))

    def set_assessment(self, reliability, credibility):
        if self.source is None:
            return None
        from ...sources.annotations import set_assessment
        source_uuid = self.source["uuid"]
        return self._write("Grading source",
                           lambda case: set_assessment(case, source_uuid, reliability, credibility))

    def retire_dialog(self):
        """Retire the source (asking why) or, if it is retired, bring it back."""
        if self.source is None:
            return None
        if self.source.get("retired_utc"):
            return self.unretire()
        reason, ok = QInputDialog.getText(
            self, "Retire source", "Why is this source set aside? (kept in the audit log; "
            "the source and its evidence stay in the case)")
        if not ok:
            return None
        return self.retire(reason)

    def retire(self, reason: str | None = None):
        if self.source is None:
            return None
        from ...sources.retirement import retire_source
        source_uuid = self.source["uuid"]
        return self._write("Retiring source",
                           lambda case: retire_source(case, source_uuid, reason=reason))

    def unretire(self, reason: str | None = None):
        if self.source is None:
            return None
        from ...sources.retirement import unretire_source
        source_uuid = self.source["uuid"]
        return self._write("Bringing back a retired source",
                           lambda case: unretire_source(case, source_uuid, reason=reason))

    def export_dialog(self, role: str = "body") -> None:
        if self.capture is None:
            return
        name = _export_name(self.capture, role)
        dest = save_file_name(self, "Export original", name)
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


def _python_offsets(text: str) -> Callable[[int], int]:
    """Qt's UTF-16 positions back to Python offsets in ``text`` (the inverse of
    ``_utf16_positions``)."""
    if all(ord(c) < 0x10000 for c in text):
        return lambda i: min(i, len(text))
    back: dict[int, int] = {}
    position = 0
    for index, c in enumerate(text):
        back[position] = index
        position += 2 if ord(c) >= 0x10000 else 1
    back[position] = len(text)
    return lambda i: back.get(i, back.get(i - 1, len(text)))


def _space_paragraphs(editor: QTextEdit) -> None:
    """Space after every line of the text: extracted text has one paragraph per line, and
    without the space they run together (the offsets are those of the text, unchanged)."""
    cursor = QTextCursor(editor.document())
    cursor.select(QTextCursor.SelectionType.Document)
    spaced = QTextBlockFormat()
    spaced.setBottomMargin(editor.fontMetrics().height() * 0.6)
    cursor.mergeBlockFormat(spaced)


def _selections(editor: QTextEdit, text: str, ranges) -> list:
    """Marks for ``ranges`` of (start, end, colour as ``#rrggbb``), in Python offsets."""
    to_qt = _utf16_positions(text)
    out = []
    for start, end, colour in ranges:
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(editor.document())
        cursor.setPosition(to_qt(start))
        cursor.setPosition(to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(colour))
        selection.cursor = cursor
        selection.format = fmt
        out.append(selection)
    return out
