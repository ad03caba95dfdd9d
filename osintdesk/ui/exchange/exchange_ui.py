"""What exchange bundles add to the main window: File › Export Bundle…, Merge Bundle…
(a preview before anything is written), Open Bundle… (a read-only look), and the
Conflicts page with its count in the navigator.

Verifying, planning, exporting, merging and settling run on the window's task runner
with progress and cancel; what they do is the domain's (``osintdesk.exchange``), as the
command line does it: the same consent for unsigned bundles and unknown signers, the same
checkpoint before a signed export, the same log entries.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from ...custody import keys
from ...exchange.layout import EXTENSION
from ...sources.queries import case_tags
from ...store.header import is_writable
from .conflicts_page import ConflictsPage
from ..dialogs import open_file_name
from .dialogs import BundleViewDialog, ExportBundleDialog, KeepVersionDialog, MergePreviewDialog
from .words import export_result_text
from ...words import counted

BUNDLE_FILTER = f"osintdesk bundles (*{EXTENSION});;All files (*)"


class ExchangeUi(QObject):
    """The window's exchange part; ``MainWindow`` builds one, tests reach its actions,
    dialogs and page through ``window.exchange_ui``."""

    exported = Signal(object)        # ExportResult
    preview_shown = Signal(object)   # MergePreviewDialog, open
    merged = Signal(object)          # MergeResult
    bundle_shown = Signal(object)    # BundleViewDialog, open
    resolved = Signal(dict)          # what exchange.conflicts.resolve returned

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.dialog = None
        self.conflicts_page = ConflictsPage()
        window.add_page(self.conflicts_page)
        self.conflicts_page.count_changed.connect(self._show_count)
        self.conflicts_page.keep_requested.connect(self.keep_dialog)

        self.action_export = self._action("&Export Bundle…", self.export_dialog,
                                          "action_export_bundle")
        self.action_merge = self._action("&Merge Bundle…", self.merge_dialog,
                                         "action_merge_bundle")
        self.action_open = self._action("Open &Bundle…", self.open_dialog, "action_open_bundle")
        menu = window.file_menu
        before = window.action_examiner   # after Close Case, in a group of their own
        for action in (self.action_export, self.action_merge, self.action_open):
            menu.insertAction(before, action)
        menu.insertSeparator(before)
        window.case_opened.connect(lambda _path: self._update())
        window.case_closed.connect(self._update)
        self._update()

    def _action(self, text: str, slot, name: str) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _writable(self) -> bool:
        case = self.window.case
        return case is not None and is_writable(case.path)

    def _update(self) -> None:
        self.action_export.setEnabled(self.window.case is not None)
        self.action_merge.setEnabled(self._writable())

    def _show_count(self, count: int) -> None:
        row = self.window.pages.index(self.conflicts_page)
        title = self.conflicts_page.title
        self.window.navigator.item(row).setText(f"{title} ({count})" if count else title)

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 20000)

    # ------------------------------------------------------------ export

    def export_dialog(self) -> ExportBundleDialog | None:
        case = self.window.case
        if case is None:
            self.window.show_error("Open a case first.")
            return None
        default = str(case.path.with_suffix(EXTENSION))
        dialog = ExportBundleDialog(self.window, default_path=default, tags=case_tags(case),
                                    key=keys.signing_needs(), readonly=not self._writable())
        dialog.accepted.connect(lambda: self.export(**dialog.values()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def export(self, path: str, tag: str | None = None, signed: bool = True,
               passphrase: str | None = None):
        """Export the open case to ``path`` on the task runner: with ``signed``, a
        checkpoint signed first; the export logged (unless the case is write-protected)."""
        signer = keys.signer_with(passphrase) if signed else None

        def work(case, progress, cancelled):
            from ...custody import checkpoints
            from ...exchange.export import export_bundle, log_export
            key = signer() if signer is not None else None   # before anything is written
            if case.readonly:
                return export_bundle(case, path, signer=key, tag=tag, progress=progress,
                                     cancelled=cancelled), False
            # One transaction: an export cancelled or failed leaves no checkpoint and no
            # entry behind (and no file: export_bundle removes its partial bundle), and
            # the bundle holds the checkpoint it was made after.
            with case.transaction():
                if key is not None:
                    checkpoints.create(case, key, reason="export")
                result = export_bundle(case, path, signer=key, tag=tag, progress=progress,
                                       cancelled=cancelled)
                log_export(case, result)
            return result, True

        def done(outcome) -> None:
            result, logged = outcome
            self._status(f"Exported {Path(result.path).name} ({result.size:,} bytes, "
                         + (f"signed with key {result.signed_by})" if result.signed_by
                            else "unsigned)"))
            box = QMessageBox(QMessageBox.Icon.Information, "Bundle exported",
                              export_result_text(result, logged=logged),
                              QMessageBox.StandardButton.Ok, self.window)
            box.setObjectName("export_result")
            box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.dialog = box
            box.open()
            self.exported.emit(result)
        return self.window.run_task("Exporting bundle", work, on_success=done,
                                    case="write" if self._writable() else "read")

    # ------------------------------------------------------------ merge

    def merge_dialog(self) -> None:
        name = open_file_name(self.window, "Merge bundle", BUNDLE_FILTER,
                              settings=self.window.settings)
        if name:
            self.preview(name)

    def preview(self, path: str):
        """Verify the bundle and plan its merge on a worker, then show the preview; nothing
        is written until the user accepts it."""
        if not self._writable():
            self.window.show_error("Open a case you can write to first: a merge adds to it.")
            return None

        def work(case, progress, cancelled):
            from ...exchange.merge import preview_merge
            return preview_merge(case, path, progress=progress, cancelled=cancelled)

        def done(preview) -> None:
            if self.window.case is None:
                return
            dialog = MergePreviewDialog(preview, self.window.case.title, self.window)
            dialog.accepted.connect(lambda: self.merge(preview, **dialog.accepted_signers()))
            self.dialog = dialog
            dialog.open()
            self.preview_shown.emit(dialog)
        return self.window.run_task(f"Checking {Path(path).name}", work, case="read",
                                    on_success=done)

    def merge(self, preview, *, accept_unsigned: bool = False,
              accept_unknown_signer: bool = False):
        """Merge the previewed bundle (all or nothing; refused if the file changed since)."""
        sha256 = preview.plan.sha256

        def work(case, progress, cancelled):
            from ...exchange.merge import merge_bundle
            return merge_bundle(case, preview.path, accept_unsigned=accept_unsigned,
                                accept_unknown_signer=accept_unknown_signer, progress=progress,
                                cancelled=cancelled, expected_sha256=sha256)

        def done(result) -> None:
            plan = result.plan
            title = plan.report.case.get("title")
            conflicts = len(plan.conflicts)
            if not result.merged:
                self._status(f"Nothing new: the case already holds everything in "
                             f"{Path(plan.bundle).name} (nothing was written or logged)")
                self.merged.emit(result)
                return
            self._status(f"Merged {Path(plan.bundle).name} from “{title}”: "
                         f"{counted(len(plan.changes), 'record')} added or changed, "
                         f"{counted(len(plan.new_evidence), 'evidence file')}, "
                         f"{counted(len(plan.new_imports), 'flight file')}"
                         + (f"; {counted(conflicts, 'conflict')}: see the Conflicts page" if conflicts
                            else "") + f" (audit entry {result.audit_seq})")
            if self.window.case is not None:
                self.window.chart_pane.refresh()
            self.merged.emit(result)
        return self.window.run_task(f"Merging {Path(preview.path).name}", work, case="write",
                                    on_success=done)

    # ------------------------------------------------------------ open (read-only)

    def open_dialog(self) -> None:
        name = open_file_name(self.window, "Open bundle (read-only)", BUNDLE_FILTER,
                              settings=self.window.settings)
        if name:
            self.open_bundle(name)

    def open_bundle(self, path: str):
        """Verify the bundle and read its records on a worker; show them, merge nothing."""
        def work(progress, cancelled):
            from ...exchange.contents import read_contents
            return read_contents(path, progress=progress, cancelled=cancelled)

        def done(contents) -> None:
            dialog = BundleViewDialog(contents, self.window, can_merge=self._writable())
            dialog.merge_requested.connect(lambda p: (dialog.close(), self.preview(p)))
            self.dialog = dialog
            dialog.open()
            self.bundle_shown.emit(dialog)
        return self.window.run_task(f"Opening {Path(path).name}", work, writes=False,
                                    on_success=done)

    # ------------------------------------------------------------ conflicts

    def keep_dialog(self, conflict: dict, head: dict, number: int) -> KeepVersionDialog:
        dialog = KeepVersionDialog(conflict, head, number, self.window)
        dialog.accepted.connect(lambda: self.keep(conflict["key"], head["version"],
                                                  dialog.reason()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def keep(self, key: str, version: str, reason: str):
        """Settle the conflict of record ``key`` by keeping ``version`` (audited)."""
        def work(case, progress, cancelled):
            from ...exchange.conflicts import resolve
            return resolve(case, key, version, reason=reason)

        def done(result: dict) -> None:
            self._status(f"Settled {result['kind']} {result['key']}: kept version "
                         f"{result['kept'][:12]}… (new version {result['version'][:12]}…)")
            self.resolved.emit(result)
        return self.window.run_task("Settling a conflict", work, case="write", on_success=done)
