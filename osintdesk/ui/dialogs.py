"""Dialogs: new case, examiner, verification result, timestamp a checkpoint, the key's
passphrase, about."""

from __future__ import annotations

import html
import platform
import re
import sqlite3
from pathlib import Path

import matplotlib
import PySide6
from PySide6.QtCore import QSettings, Qt, qVersion
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout,
                               QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSpinBox,
                               QTextBrowser,
                               QVBoxLayout, QWidget)

from .. import __version__
from ..paths import config_dir, resource
from ..store import CASE_SUFFIX, case_path
from ..words import counted


# ------------------------------------------------------------ file dialogs

FOLDER_SETTING = "paths/last_folder"
CHART_FILTERS = "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"


def window_settings() -> QSettings:
    """The window's settings file (``build_window`` and the chart pane use the same one)."""
    return QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)


def last_folder(settings: QSettings | None = None) -> str:
    """The folder the last file dialog was left in (the home folder at first)."""
    settings = settings if settings is not None else window_settings()
    folder = str(settings.value(FOLDER_SETTING, "") or "")
    return folder if folder and Path(folder).is_dir() else str(Path.home())


def remember_folder(path, settings: QSettings | None = None) -> None:
    """The next file dialog opens in ``path``'s folder (``path`` a file, or a folder)."""
    if not path:
        return
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    (settings if settings is not None else window_settings()).setValue(FOLDER_SETTING, str(folder))


def _start(name: str | None, settings) -> str:
    """Where a dialog starts: ``name`` (a file name alone goes in the last folder)."""
    if not name:
        return last_folder(settings)
    return name if Path(name).parent != Path(".") else str(Path(last_folder(settings)) / name)


def open_file_name(parent, caption: str, filters: str = "", *, settings=None) -> str:
    """One file to open ("" for Cancel), starting in the last folder, which it remembers."""
    name, _ = QFileDialog.getOpenFileName(parent, caption, last_folder(settings), filters)
    remember_folder(name, settings)
    return name


def open_file_names(parent, caption: str, filters: str = "", *, settings=None) -> list[str]:
    """Files to open ([] for Cancel), as ``open_file_name``."""
    names, _ = QFileDialog.getOpenFileNames(parent, caption, last_folder(settings), filters)
    if names:
        remember_folder(names[0], settings)
    return names


def save_file_name(parent, caption: str, name: str | None = None, filters: str = "", *,
                   settings=None) -> str:
    """Where to save ("" for Cancel): ``name`` suggested (a bare file name in the last
    folder), and the folder chosen remembered."""
    chosen, _ = QFileDialog.getSaveFileName(parent, caption, _start(name, settings), filters)
    remember_folder(chosen, settings)
    return chosen


def file_name_for(title: str, suffix: str = "") -> str:
    """A file name made from a title: ``Il-62M RA-86496 flights`` -> ``Il-62M_RA-86496_flights``
    (letters, digits, dot, dash and underscore kept; at most 80 characters)."""
    stem = re.sub(r"[^\w.\-]+", "_", title.strip(), flags=re.UNICODE).strip("._")[:80]
    return (stem or "case") + suffix


def ok_cancel(dialog: QDialog, ok_text: str = "OK") -> QDialogButtonBox:
    """The dialog's OK (named ``ok_text``) and Cancel buttons, connected to it."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def path_with_chooser(edit: QLineEdit, choose) -> QHBoxLayout:
    """A file name field with its Choose… button (``choose`` opens the file dialog)."""
    browse = QPushButton("Choose…")
    browse.clicked.connect(lambda _checked=False: choose())
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(browse)
    return row


def tag_choices(tags: list[dict], everything: str, name: str) -> QComboBox:
    """Everything, or the sources carrying one tag (``tags``: ``tag``, ``sources`` counts
    as ``sources.queries.case_tags`` gives them) and what they need: the tag as data."""
    box = QComboBox(objectName=name)
    box.addItem(everything, None)
    for tag in tags:
        box.addItem(f"Sources tagged “{tag['tag']}” ({tag['sources']}) and what they need",
                    tag["tag"])
    return box


class NewCaseDialog(QDialog):
    """Ask for the case file location, title and number."""

    def __init__(self, parent: QWidget | None = None, folder: str | None = None):
        super().__init__(parent)
        self.setWindowTitle("New case")
        self.setObjectName("new_case_dialog")
        self.title_edit = QLineEdit(objectName="title")
        self.title_edit.setPlaceholderText("e.g. Il-62M RA-86496 Moscow–Pyongyang flights")
        self.number_edit = QLineEdit(objectName="number")
        self.number_edit.setPlaceholderText("optional reference number")
        self.path_edit = QLineEdit(objectName="path")
        self.path_edit.setPlaceholderText(f"file name ending in {CASE_SUFFIX}")
        self._folder = folder or last_folder()
        self._suggested = ""     # the file name last suggested from the title
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("&Title:", self.title_edit)
        form.addRow("Case &number:", self.number_edit)
        file_label = QLabel("&File:")
        file_label.setBuddy(self.path_edit)  # a row that is a layout gets no buddy: "&" showed
        form.addRow(file_label, path_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.title_edit.textChanged.connect(lambda _t: self._suggest_path())
        self.title_edit.textChanged.connect(self._update)
        self.path_edit.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(560, 0)
        self._update()

    def _browse(self) -> None:
        suggested = self.path_edit.text().strip() or str(
            Path(self._folder) / file_name_for(self.title_edit.text() or "case", CASE_SUFFIX))
        name = save_file_name(self, "New case file", suggested,
                              f"osintdesk cases (*{CASE_SUFFIX})")
        if name:
            self.path_edit.setText(str(case_path(name)))

    def _suggest_path(self) -> None:
        """The file name follows the title until the investigator types or chooses one."""
        current = self.path_edit.text().strip()
        if current and current != self._suggested:
            return
        title = self.title_edit.text().strip()
        self._suggested = (str(Path(self._folder) / file_name_for(title, CASE_SUFFIX))
                           if title else "")
        self.path_edit.setText(self._suggested)

    def _update(self) -> None:
        ok = bool(self.title_edit.text().strip() and self.path_edit.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def values(self) -> tuple[str, str, str | None]:
        return (self.path_edit.text().strip(), self.title_edit.text().strip(),
                self.number_edit.text().strip() or None)


class ExaminerDialog(QDialog):
    def __init__(self, current: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Examiner")
        self.name_edit = QLineEdit(current, objectName="examiner")
        form = QFormLayout(self)
        form.addRow(QLabel("The name recorded with every change you make to a case."))
        form.addRow("&Examiner:", self.name_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class VerifyResultDialog(QDialog):
    """Shows what verification checked and, when it failed, exactly what failed."""

    def __init__(self, report, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("verify_result_dialog")
        self.setWindowTitle("Verification passed" if report.ok else "Verification FAILED")
        checked = report.checked
        summary = QLabel(
            ("<b>Everything holds.</b>" if report.ok
             else f"<b style='color:#b00020'>{counted(len(report.failures), 'problem')} found.</b>")
            + f"<br>{checked.get('artifacts', 0)} artifacts re-hashed, "
              f"{checked.get('audit_entries', 0)} audit entries walked, "
              f"{checked.get('records', 0)} records checked, SQLite integrity checked."
            + f"<br>{checked.get('checkpoints', 0)} signed checkpoints and "
              f"{checked.get('timestamps', 0)} RFC 3161 timestamps checked (offline)."
            + f"<br>Audit head #{report.audit_head.get('seq')}: "
              f"<code>{report.audit_head.get('hash')}</code>"
            + (f"<br><i>{report.recorded_note}</i>" if report.recorded_note
               else "<br>This result was recorded in the audit log.")
            + (f"<br>Signed checkpoint of entry #{report.checkpoint['audit_seq']} with key "
               f"<code>{report.checkpoint['key_id']}</code>." if getattr(report, "checkpoint", None)
               else "")
            + "".join(f"<br><i>{html.escape(note)}</i>" for note in getattr(report, "notes", [])))
        summary.setTextFormat(Qt.TextFormat.RichText)
        summary.setWordWrap(True)
        summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        if report.failures:
            self.details = QPlainTextEdit("\n".join(str(f) for f in report.failures))
            self.details.setReadOnly(True)
            layout.addWidget(self.details, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        # A top-level window ignores height-for-width: ask the layout, or long notes (the
        # timestamps' fingerprints) are cut off.
        self.resize(720, 420 if report.failures else layout.totalHeightForWidth(720))


class TimestampDialog(QDialog):
    """Ask for the timestamping authority that stamps the latest checkpoint."""

    def __init__(self, url: str, checkpoint: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Timestamp checkpoint")
        self.setObjectName("timestamp_dialog")
        self.url_edit = QLineEdit(url, objectName="tsa_url")
        self.url_edit.setPlaceholderText("https://… (an RFC 3161 timestamping authority)")
        self.url_edit.setMinimumWidth(420)
        explain = QLabel(
            f"The latest checkpoint ({html.escape(checkpoint)}) is sent, as the SHA-256 of "
            "its signed statement only, to a timestamping authority. Its token proves that "
            "the statement existed at the authority's time; it does not say who signed it, "
            "nor that the case is unchanged since.")
        explain.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(explain)
        form.addRow("&TSA URL:", self.url_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Timestamp")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.url_edit.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            bool(self.url_edit.text().strip()))

    def url(self) -> str:
        return self.url_edit.text().strip()


def versions_html() -> str:
    return (f"osintdesk {__version__}<br>Python {platform.python_version()}, "
            f"Qt {qVersion()}, PySide6 {PySide6.__version__}, SQLite {sqlite3.sqlite_version}, "
            f"sqlite-utils {_dist_version('sqlite-utils')}, matplotlib {matplotlib.__version__}")


def _dist_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


class KeyPassphraseDialog(QDialog):
    """Asks for the passphrase of the examiner's key to sign a checkpoint, with Skip.

    ``unlock(passphrase)`` returns the key or raises an error with a message; a wrong
    passphrase is said in the dialog, which stays open for another try or Skip. The
    unlocked key is ``key`` once accepted.
    """

    def __init__(self, case_name: str, unlock, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("key_passphrase_dialog")
        self.setWindowTitle("Sign a checkpoint")
        self._unlock = unlock
        self.key = None
        intro = QLabel(
            f"“{html.escape(case_name)}” changed since its last signed checkpoint. Your key "
            "signs its history as it stands now: proof that this history existed when you "
            "signed it (not that the case is sound: Verify says that).<br>"
            "Your key is protected by a passphrase; it is asked once until osintdesk is "
            "closed. Skip closes the case without signing and asks no more.")
        intro.setTextFormat(Qt.TextFormat.RichText)
        intro.setWordWrap(True)
        self.passphrase_edit = QLineEdit(objectName="passphrase")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.problem = QLabel("", objectName="problem")
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.sign_button = buttons.addButton("Sign", QDialogButtonBox.ButtonRole.AcceptRole)
        self.skip_button = buttons.addButton("Skip", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._try_unlock)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        form = QFormLayout()
        form.addRow("Passphrase", self.passphrase_edit)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def _try_unlock(self) -> None:
        from ..errors import OsintdeskError
        try:
            self.key = self._unlock(self.passphrase_edit.text())
        except OsintdeskError as exc:
            self.problem.setText(str(exc))
            self.passphrase_edit.selectAll()
            return
        self.accept()


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("About osintdesk")
        self.setObjectName("about_dialog")
        text = QTextBrowser()
        text.setOpenExternalLinks(False)
        try:
            licences = resource("LICENSES.md").read_text(encoding="utf-8")
        except OSError:
            licences = "(resources/LICENSES.md is missing)"
        # LICENSES.md is Markdown: render it, below the program's name and versions.
        text.setMarkdown(
            "## osintdesk\n\nOffline case files for open-source investigators: evidence "
            "capture with a tamper-evident chain of custody, flight tracks, charts.\n\n"
            + versions_html().replace("<br>", "  \n") + "\n\n"
            + licences.replace("# Data bundled with osintdesk", "### Data licences", 1)
            .replace("\n## ", "\n#### "))
        text.moveCursor(QTextCursor.MoveOperation.Start)
        self.text = text
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 520)


class ChartExportDialog(QDialog):
    """Where to save a chart and at what size: the command line's size by default
    (1600 x 1000 pixels at 100 dpi for a map), or the pane's."""

    def __init__(self, mode: str, name: str, size: tuple[int, int], screen: tuple[int, int],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export chart")
        self.setObjectName("chart_export_dialog")
        self.path_edit = QLineEdit(name, objectName="chart_path")
        self.path_edit.setMinimumWidth(380)
        self.width_box = _pixels(size[0], "chart_width")
        self.height_box = _pixels(size[1], "chart_height")
        self.dpi_box = QSpinBox(objectName="chart_dpi", minimum=50, maximum=600, value=100,
                                suffix=" dpi")
        self.dpi_box.setToolTip("Text and lines grow with the dpi; 100 draws as the command line")
        as_shown = QPushButton(f"As on screen ({screen[0]} × {screen[1]})")
        as_shown.clicked.connect(lambda _c=False: (self.width_box.setValue(screen[0]),
                                                   self.height_box.setValue(screen[1])))
        size_row = QHBoxLayout()
        for widget in (self.width_box, QLabel("×"), self.height_box, self.dpi_box, as_shown):
            size_row.addWidget(widget)
        size_row.addStretch(1)
        form = QFormLayout()
        form.addRow("File:", path_with_chooser(self.path_edit, self._browse))
        form.addRow("Size:", size_row)
        note = QLabel(f"The {mode} as shown (its zoom kept), with the data credit and the case "
                      "number in the footer; the export is recorded in the audit log.")
        note.setWordWrap(True)
        self.buttons = ok_cancel(self, "Export")
        self.path_edit.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self._update()

    def _browse(self) -> None:
        name = save_file_name(self, "Export chart", self.path_edit.text(), CHART_FILTERS)
        if name:
            self.path_edit.setText(name)

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            bool(self.path_edit.text().strip()))

    def values(self) -> tuple[str, int, int, int]:
        """The file, width and height in pixels, dpi."""
        path = self.path_edit.text().strip()
        remember_folder(path)
        return path, self.width_box.value(), self.height_box.value(), self.dpi_box.value()


def _pixels(value: int, name: str) -> QSpinBox:
    return QSpinBox(objectName=name, minimum=150, maximum=20000, value=int(value), suffix=" px",
                    singleStep=100)
