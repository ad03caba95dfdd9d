"""File › Export…: the case (or what a tag, aircraft or dates select) in the formats other
tools open, written on the task runner with progress and cancel, logged and signed as the
command line does (``osintdesk export``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QComboBox, QDialog, QFormLayout, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QMessageBox,
                               QVBoxLayout, QWidget)

from ..custody import keys
from ..errors import OsintdeskError
from ..exports import registry
from ..exports.base import check_extension
from ..flights.queries import aircraft_names
from ..sources.queries import case_tags
from ..store.header import is_writable
from ..timefmt import parse_user_time
from .dialogs import ok_cancel, path_with_chooser, save_file_name, tag_choices


class ExportDialog(QDialog):
    """The format, the file, and what to export: the whole case, a tag's sources (and what
    they need), some aircraft, a time window."""

    def __init__(self, parent: QWidget | None, *, default_stem: str, tags: list[dict],
                 aircraft: list[dict]):
        super().__init__(parent)
        self.setObjectName("export_dialog")
        self.setWindowTitle("Export")
        self.default_stem = default_stem
        self.format_box = QComboBox(objectName="export_format")
        for fmt in registry.FORMATS:
            self.format_box.addItem(f"{fmt.title} (.{fmt.extension})", fmt.name)
        self.path_edit = QLineEdit(objectName="export_path")
        path_row = path_with_chooser(self.path_edit, self._browse)
        self.tag_box = tag_choices(tags, "Everything (no tag)", "export_tag")
        self.aircraft_list = QListWidget(objectName="export_aircraft")
        for row in aircraft:
            item = QListWidgetItem(row["label"])
            item.setData(Qt.ItemDataRole.UserRole, row["uuid"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.aircraft_list.addItem(item)
        self.aircraft_list.setMaximumHeight(110)
        self.from_edit = QLineEdit(objectName="export_from", placeholderText="2024-06-01")
        self.to_edit = QLineEdit(objectName="export_to", placeholderText="2024-06-30")
        self.problem = QLabel(objectName="export_problem")
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Format", self.format_box)
        form.addRow("File", path_row)
        form.addRow("Sources", self.tag_box)
        form.addRow("Aircraft (none ticked: all)", self.aircraft_list)
        form.addRow("From (UTC)", self.from_edit)
        form.addRow("To (UTC)", self.to_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(ok_cancel(self, "Export"))
        self.format_box.currentIndexChanged.connect(lambda _i: self._suggest_path())
        self._suggest_path()

    def _format(self):
        name = self.format_box.currentData()
        return next((f for f in registry.FORMATS if f.name == name), None)

    def _suggest_path(self) -> None:
        fmt = self._format()
        if fmt is not None:
            current = self.path_edit.text().strip()
            stem = str(Path(current).with_suffix("")) if current else self.default_stem
            self.path_edit.setText(f"{stem}.{fmt.extension}")

    def _browse(self) -> None:
        name = save_file_name(self, "Export to", self.path_edit.text())
        if name:
            self.path_edit.setText(name)

    def values(self) -> dict:
        """What was chosen; raises OsintdeskError for a file that exists or bad dates."""
        fmt = self._format()
        if fmt is None:
            raise OsintdeskError("there is no export format")
        path = self.path_edit.text().strip()
        if not path:
            raise OsintdeskError("choose where to write the export")
        if Path(path).exists():
            raise OsintdeskError("exists already; choose another name (an export is never "
                                 "overwritten)", path=path)
        check_extension(fmt, path)
        t_from = parse_user_time(self.from_edit.text(), "From") if self.from_edit.text().strip() \
            else None
        t_to = (parse_user_time(self.to_edit.text(), "To", end_of_day=True)
                if self.to_edit.text().strip() else None)
        if t_from is not None and t_to is not None and t_to < t_from:
            raise OsintdeskError("To is before From")
        ticked = [self.aircraft_list.item(i).data(Qt.ItemDataRole.UserRole)
                  for i in range(self.aircraft_list.count())
                  if self.aircraft_list.item(i).checkState() == Qt.CheckState.Checked]
        return {"format_name": fmt.name, "path": path, "tag": self.tag_box.currentData(),
                "aircraft": ticked or None, "t_from": t_from, "t_to": t_to}

    def accept(self) -> None:
        try:
            self.values()
        except OsintdeskError as exc:
            self.problem.setText(str(exc))
            return
        super().accept()


class ExportsUi(QObject):
    """File › Export…; ``MainWindow`` builds one (tests reach it as ``window.exports_ui``)."""

    exported = Signal(object)    # exports.base.ExportResult

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.dialog = None
        self.action = QAction("E&xport…", window)
        self.action.setObjectName("action_export")
        self.action.triggered.connect(lambda _checked=False: self.export_dialog())
        window.file_menu.insertAction(window.action_examiner, self.action)
        window.case_opened.connect(lambda _path: self.action.setEnabled(True))
        window.case_closed.connect(lambda: self.action.setEnabled(False))
        self.action.setEnabled(window.case is not None)

    def export_dialog(self) -> ExportDialog | None:
        case = self.window.case
        if case is None:
            self.window.show_error("Open a case first.")
            return None
        dialog = ExportDialog(self.window, default_stem=str(case.path.with_suffix("")),
                              tags=case_tags(case), aircraft=aircraft_names(case))
        dialog.accepted.connect(lambda: self.export(**dialog.values()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def export(self, *, format_name: str, path: str, tag: str | None = None, aircraft=None,
               t_from: float | None = None, t_to: float | None = None):
        """Write the export on the task runner; logged in the case when it can be written."""
        writable = is_writable(self.window.case.path)
        # The export signs a checkpoint, as the command line's does, when the key needs no
        # passphrase typed (none, the environment's, or made now, as Verify makes it on
        # first use); otherwise the checkpoint on closing the case covers it.
        signs = keys.signing_needs() in ("plain", "env", "new")
        signed: list[dict] = []

        def work(case, progress, cancelled):
            from ..custody import checkpoints
            from ..exports.base import log_export, make_scope, run_export
            from ..exports.registry import by_name
            scope = make_scope(case, tag=tag, aircraft=aircraft, t_from=t_from, t_to=t_to)
            result = run_export(case, by_name(format_name), path, scope, progress=progress,
                                cancelled=cancelled)
            if not case.readonly:
                log_export(case, result)
                if signs:
                    signed.append(checkpoints.create(case, keys.signer_with(None)(),
                                                     reason="export"))
            return result

        def done(result) -> None:
            counted = ", ".join(f"{n:,} {k}" for k, n in result.counts.items())
            text = (f"Wrote {result.path}\n{result.size:,} bytes: {counted}\n"
                    f"SHA-256 {result.sha256}"
                    + "".join(f"\n\nNote: {note}" for note in result.notes)
                    + ("" if writable else "\n\nThe case is write-protected: the export is "
                       "not logged in it.")
                    + (f"\n\nSigned a checkpoint of entry {signed[0]['audit_seq']}."
                       if signed else ""))
            box = QMessageBox(QMessageBox.Icon.Information, "Exported", text,
                              QMessageBox.StandardButton.Ok, self.window)
            box.setObjectName("export_done")
            box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.dialog = box
            box.open()
            self.window.statusBar().showMessage(f"Exported {Path(result.path).name}", 20000)
            self.exported.emit(result)
        return self.window.run_task(f"Exporting {Path(path).name}", work, on_success=done,
                                    case="write" if writable else "read")
