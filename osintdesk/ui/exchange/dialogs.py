"""Dialogs of the exchange: export a bundle, the merge preview (before anything is
written), a bundle looked at without merging, keeping one version of a conflict."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox,
                               QFormLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QSplitter, QTextBrowser, QVBoxLayout, QWidget)

from ...exchange.layout import EXTENSION
from ..dialogs import ok_cancel, path_with_chooser, save_file_name, tag_choices
from ..pages import make_table_view
from .models import RowsModel, record_columns
from .words import contents_html, preview_html


def _html_view(text: str, name: str) -> QTextBrowser:
    view = QTextBrowser(objectName=name)
    view.setOpenLinks(False)
    view.setHtml(text)
    return view


def bundle_path(text: str) -> str:
    """The file name typed, with the bundle extension when it has none."""
    text = text.strip()
    return text if not text or text.lower().endswith(EXTENSION) else text + EXTENSION


class ExportBundleDialog(QDialog):
    """Where to write the bundle, the whole case or one tag's sources, signed or not.

    ``key`` is what the examiner key needs before it can sign: ``"plain"`` (nothing),
    ``"encrypted"`` (its passphrase), ``"new"`` (made now: an optional passphrase);
    ``"env"`` when the passphrase comes from the environment."""

    def __init__(self, parent: QWidget | None, *, default_path: str, tags: list[dict],
                 key: str, readonly: bool):
        super().__init__(parent)
        self.setObjectName("export_bundle_dialog")
        self.setWindowTitle("Export bundle")
        self.key = key
        self.path_edit = QLineEdit(default_path, objectName="bundle_path")
        path_row = path_with_chooser(self.path_edit, self._browse)
        self.tag_box = tag_choices(tags, "The whole case", "bundle_tag")
        self.sign_box = QCheckBox("Sign with my examiner key (the receiver can prove it "
                                  "comes from me, unchanged)", objectName="bundle_sign")
        self.sign_box.setChecked(True)
        self.passphrase_edit = QLineEdit(objectName="key_passphrase")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_label = QLabel("Key &passphrase:" if key == "encrypted"
                                       else "New key's &passphrase:")
        self.passphrase_label.setBuddy(self.passphrase_edit)
        if key == "new":
            self.passphrase_edit.setPlaceholderText("your key is made now; empty: not encrypted")
        form = QFormLayout()
        file_label = QLabel("&File:")
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, path_row)
        form.addRow("&What:", self.tag_box)
        form.addRow("", self.sign_box)
        form.addRow(self.passphrase_label, self.passphrase_edit)
        note = QLabel("Signing first signs a checkpoint of the case's audit log; the export is "
                      "logged in the case." if not readonly else
                      "The case is write-protected: no checkpoint is signed and the export "
                      "is not logged in it.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #555")
        self.buttons = ok_cancel(self, "Export")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        for signal in (self.path_edit.textChanged, self.passphrase_edit.textChanged):
            signal.connect(self._update)
        self.sign_box.toggled.connect(self._update)
        self.resize(640, 0)
        self._update()

    def _browse(self) -> None:
        name = save_file_name(self, "Export bundle", self.path_edit.text(),
                              f"osintdesk bundles (*{EXTENSION})")
        if name:
            self.path_edit.setText(bundle_path(name))

    def needs_passphrase(self) -> bool:
        return self.sign_box.isChecked() and self.key == "encrypted"

    def _update(self) -> None:
        asks = self.sign_box.isChecked() and self.key in ("encrypted", "new")
        self.passphrase_label.setVisible(asks)
        self.passphrase_edit.setVisible(asks)
        ok = bool(self.path_edit.text().strip()) and (
            not self.needs_passphrase() or bool(self.passphrase_edit.text()))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def values(self) -> dict:
        return {"path": bundle_path(self.path_edit.text()), "tag": self.tag_box.currentData(),
                "signed": self.sign_box.isChecked(),
                "passphrase": self.passphrase_edit.text() or None}


class MergePreviewDialog(QDialog):
    """What a merge would do, before anything is written. "Merge" is offered only when
    the bundle verifies and nothing refuses it, and, for an unsigned bundle or an
    unknown signer, once the user ticks that they know where it comes from."""

    def __init__(self, preview, case_title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("merge_preview_dialog")
        self.setWindowTitle("Merge bundle: preview")
        self.preview = preview
        self.mergeable = not preview.refusals()
        self.text = _html_view(preview_html(preview, case_title), "merge_preview")
        self.consent = QCheckBox("I know where this bundle comes from, and merge it all the same",
                                 objectName="merge_consent")
        self.consent.setVisible(self.mergeable and preview.needs_consent)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = self.buttons.addButton("Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setObjectName("merge_button")
        self.merge_button.setVisible(self.mergeable)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.consent.toggled.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.consent)
        layout.addWidget(self.buttons)
        self.resize(760, 560)
        self._update()

    def _update(self) -> None:
        self.merge_button.setEnabled(self.mergeable and (not self.preview.needs_consent
                                                         or self.consent.isChecked()))

    def accepted_signers(self) -> dict:
        """The merge's consent arguments, from the tick (only the state the bundle has)."""
        state = self.preview.report.signer.state
        ticked = self.consent.isChecked()
        return {"accept_unsigned": ticked and state == "unsigned",
                "accept_unknown_signer": ticked and state == "unknown"}


class BundleViewDialog(QDialog):
    """A bundle looked at without merging: the verification and its records per kind."""

    merge_requested = Signal(str)   # the bundle's path

    def __init__(self, contents, parent: QWidget | None = None, *, can_merge: bool = False):
        super().__init__(parent)
        self.setObjectName("bundle_view_dialog")
        self.setWindowTitle(f"Bundle {Path(contents.path).name} (read-only)")
        self.contents = contents
        self.summary = _html_view(contents_html(contents), "bundle_summary")
        self.kinds = QListWidget(objectName="bundle_kinds")
        # The kinds it holds records of (and any it cannot read), in the case's order.
        self.shown_kinds = [k for k in contents.kinds if k.count or k.problem]
        for found in self.shown_kinds:
            text = f"{found.label} ({found.count:,})"
            if found.problem:
                text += " — unreadable"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, found.kind)
            self.kinds.addItem(item)
        self.model = RowsModel(parent=self)
        self.table = make_table_view(self.model)
        self.table.setObjectName("bundle_records")
        self.note = QLabel(objectName="bundle_kind_note")
        self.note.setWordWrap(True)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.note)
        right_layout.addWidget(self.table, 1)
        split = QSplitter()
        split.addWidget(self.kinds)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([200, 760])
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.merge_button = self.buttons.addButton("Merge into the Open Case…",
                                                   QDialogButtonBox.ButtonRole.ActionRole)
        self.merge_button.setObjectName("merge_from_view")
        self.merge_button.setVisible(can_merge and contents.ok)
        self.merge_button.clicked.connect(lambda: self.merge_requested.emit(contents.path))
        outer = QSplitter(Qt.Orientation.Vertical)
        outer.addWidget(self.summary)
        outer.addWidget(split)
        outer.setSizes([200, 480])
        layout = QVBoxLayout(self)
        layout.addWidget(outer, 1)
        layout.addWidget(self.buttons)
        self.kinds.currentRowChanged.connect(self.show_kind)
        if self.shown_kinds:
            self.kinds.setCurrentRow(0)
        self.resize(1000, 700)

    def show_kind(self, row: int) -> None:
        if not 0 <= row < len(self.shown_kinds):
            self.model.set_rows([], [])
            self.note.setText("")
            return
        found = self.shown_kinds[row]
        self.model.set_rows(record_columns(found.rows), found.rows)
        self.table.resizeColumnsToContents()
        if found.problem:
            self.note.setText(f"<span style='color:#b00020'>Not shown: {html.escape(found.problem)}"
                              "</span>")
        elif found.truncated:
            self.note.setText(f"The first {len(found.rows):,} of {found.count:,} shown.")
        else:
            self.note.setText(f"{found.count:,} {found.label.lower()}, as they travel in the "
                              "bundle (all columns).")


class KeepVersionDialog(QDialog):
    """Keep one version of a record in conflict: asks why (kept in the audit log)."""

    def __init__(self, conflict: dict, head: dict, number: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("keep_version_dialog")
        self.setWindowTitle("Keep this version")
        e = html.escape
        others = len(conflict["heads"]) - 1
        what = QLabel(
            f"Keep <b>version {number}</b> (by {e(head['examiner'] or '?')}, "
            f"<code>{e(head['version'][:16])}…</code>) of {e(conflict['label'])} "
            f"<code>{e(conflict['key'])}</code>?<br>A new version replacing all "
            f"{others + 1} is written"
            + (", and the record is <b>deleted</b>" if head["deleted"] else "")
            + ". The other version" + ("s stay" if others > 1 else " stays")
            + " in the record's history; the choice and your reason are logged.")
        what.setWordWrap(True)
        what.setMinimumHeight(what.heightForWidth(520))
        self.reason_edit = QLineEdit(objectName="keep_reason")
        self.reason_edit.setPlaceholderText("e.g. the registry entry confirms Bob's alias")
        form = QFormLayout()
        form.addRow("&Reason:", self.reason_edit)
        self.buttons = ok_cancel(self, "Keep")
        self.reason_edit.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(what)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(560, 0)
        self._update()

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            bool(self.reason_edit.text().strip()))

    def reason(self) -> str:
        return self.reason_edit.text().strip()
