"""Case › Report…: the report's options, a preview of its HTML (built on the task runner,
shown with nothing fetched), then the file written, recorded and signed on the task runner
as ``osintdesk report`` does it (``osintdesk.report.register.make_report``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox,
                               QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QTextBrowser, QVBoxLayout, QWidget)

from ..errors import OsintdeskError
from ..report.model import ReportOptions
from ..sources.queries import case_tags
from ..store.header import is_writable
from .dialogs import save_file_name

EVERY_CLAIM = "(every claim)"


class OfflineBrowser(QTextBrowser):
    """A QTextBrowser that loads nothing: the report holds everything it shows, and a
    preview must never reach the network or the disk."""

    def loadResource(self, kind, url):   # noqa: N802 - Qt's name
        return None


class ReportDialog(QDialog):
    """The options, the preview and Save…; the window does the work."""

    preview_requested = Signal(object)        # ReportOptions
    save_requested = Signal(object, str)      # ReportOptions, path

    def __init__(self, parent: QWidget, *, title: str, tags: list[str], folder: str):
        super().__init__(parent)
        self.setWindowTitle("Report")
        self.setObjectName("report_dialog")
        self.folder = folder
        self.title_edit = QLineEdit(title, objectName="report_title")
        self.banner_edit = QLineEdit(objectName="report_banner")
        self.banner_edit.setPlaceholderText("e.g. OFFICIAL-SENSITIVE (on every page)")
        self.tag_combo = QComboBox(objectName="report_tag")
        self.tag_combo.addItems([EVERY_CLAIM, *tags])
        self.claims_edit = QLineEdit(objectName="report_claims")
        self.claims_edit.setPlaceholderText("claim ids or prefixes, separated by commas")
        self.zone_edit = QLineEdit("UTC", objectName="report_zone")
        self.appendix_box = QCheckBox("Append the full audit log", objectName="report_appendix")
        form = QFormLayout()
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Banner:", self.banner_edit)
        form.addRow("Claims citing sources &tagged:", self.tag_combo)
        form.addRow("Or these &claims:", self.claims_edit)
        form.addRow("Times in &zone:", self.zone_edit)
        form.addRow(self.appendix_box)
        self.preview_button = QPushButton("&Preview", objectName="report_preview_button")
        self.preview_button.clicked.connect(lambda: self.preview_requested.emit(self.options()))
        self.status = QLabel("The case is verified first; the preview shows the report as it "
                             "will be written (charts appear in the saved file).")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.preview = OfflineBrowser(objectName="report_preview")
        self.preview.setOpenExternalLinks(False)
        self.preview.setMinimumSize(640, 420)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_html = self.buttons.addButton("Save as &HTML…", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_pdf = self.buttons.addButton("Save as P&DF…", QDialogButtonBox.ButtonRole.ActionRole)
        for button in (self.save_html, self.save_pdf):
            button.setEnabled(False)
        self.save_html.clicked.connect(lambda: self.ask_path(".html"))
        self.save_pdf.clicked.connect(lambda: self.ask_path(".pdf"))
        self.buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addWidget(self.preview_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.buttons)

    def options(self) -> ReportOptions:
        tag = self.tag_combo.currentText()
        claims = tuple(c.strip() for c in self.claims_edit.text().split(",") if c.strip())
        return ReportOptions(title=self.title_edit.text().strip() or None,
                             banner=self.banner_edit.text().strip() or None,
                             tag=None if tag == EVERY_CLAIM else tag, claims=claims,
                             appendix=self.appendix_box.isChecked(),
                             zone=self.zone_edit.text().strip() or "UTC")

    def show_preview(self, text: str) -> None:
        self.preview.setHtml(text)
        self.status.setText("Preview of the report. Save it as HTML or PDF: the case is "
                            "verified again and the report recorded in its register.")
        for button in (self.save_html, self.save_pdf):
            button.setEnabled(True)

    def ask_path(self, suffix: str) -> None:
        path = save_file_name(self, "Save the report", str(Path(self.folder) / f"report{suffix}"),
                              f"Report (*{suffix})")
        if path:
            self.save_requested.emit(self.options(), path)


class ReportUi(QObject):
    """The window's report part: Case › Report…; tests reach it as ``window.report_ui``."""

    previewed = Signal(str)      # the HTML shown
    written = Signal(object)     # ReportResult

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.dialog: ReportDialog | None = None
        self.action = QAction("&Report…", window)
        self.action.setObjectName("action_report")
        self.action.triggered.connect(lambda _checked=False: self.open_dialog())
        window.case_menu.addAction(self.action)
        window.case_opened.connect(lambda _path: self._update())
        window.case_closed.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.action.setEnabled(self.window.case is not None)

    def open_dialog(self) -> ReportDialog | None:
        case = self.window.case
        if case is None:
            self.window.show_error("Open a case first.")
            return None
        self.dialog = ReportDialog(self.window, title=case.title,
                                   tags=[t["tag"] for t in case_tags(case)],
                                   folder=str(case.path.parent))
        self.dialog.preview_requested.connect(self.preview)
        self.dialog.save_requested.connect(self.save)
        self.dialog.open()
        return self.dialog

    def preview(self, options: ReportOptions):
        """Build the report and its HTML on the task runner (reading only)."""
        def work(case, progress, cancelled):
            from ..report.html import render_html
            from ..report.model import build_report
            return render_html(build_report(case, options, progress=progress, cancelled=cancelled))

        def done(text: str) -> None:
            if self.dialog is not None:
                self.dialog.show_preview(text)
            self.previewed.emit(text)
        return self.window.run_task("Previewing the report", work, on_success=done, case="read")

    def save(self, options: ReportOptions, path: str):
        """Write the report to ``path`` on the task runner, record it and sign a checkpoint
        (reason: report) when the case verified, as the command line does."""
        def work(case, progress, cancelled):
            from ..custody import checkpoints
            from ..custody.keys import load_examiner_key
            from ..report.register import make_report
            result = make_report(case, path, options, progress=progress, cancelled=cancelled)
            note = ""
            if result.recorded and result.verified:
                try:
                    checkpoints.create(case, load_examiner_key(), reason="report")
                except OsintdeskError as exc:
                    note = f" No checkpoint was signed: {exc}"
            return result, note

        def done(outcome) -> None:
            result, note = outcome
            verdict = ("" if result.verified else
                       " THE CASE FAILED VERIFICATION: the report says so on its first page.")
            recorded = " Recorded in the case's reports register." if result.recorded else \
                " The case is write-protected: the report is not recorded in it."
            text = (f"Wrote {Path(result.path).name}, SHA-256 {result.sha256}.{recorded}"
                    f"{verdict}{note}")
            self.window.statusBar().showMessage(text, 30000)
            if self.dialog is not None:
                self.dialog.status.setText(text)
            self.written.emit(result)
        writes = "write" if is_writable(self.window.case.path) else "read"
        return self.window.run_task("Writing the report", work, on_success=done, case=writes)
