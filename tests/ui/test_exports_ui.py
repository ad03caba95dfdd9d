"""File › Export… in the window: the dialog, the export on the task runner, the audit entry,
refusals in the dialog (an existing file, dates the wrong way round)."""

import shutil

import pytest

from osintdesk.store import Case
from tests.ui.test_main_window import window  # noqa: F401  (fixture)


@pytest.fixture
def opened(qtbot, window, sample_case_file, tmp_path):  # noqa: F811
    path = tmp_path / "c.osintcase"
    shutil.copyfile(sample_case_file, path)
    assert window.open_case(str(path))
    return window, path


def test_export_from_the_window_is_written_and_logged(qtbot, opened, tmp_path):
    """The CSV tables of one ticked aircraft, read back with the csv module."""
    import csv
    import io
    import zipfile
    from PySide6.QtCore import Qt
    window, path = opened
    window.exports_ui.action.trigger()
    dialog = window.exports_ui.dialog
    assert dialog.isVisible()
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("csv"))
    assert dialog.path_edit.text().endswith(".zip")
    out = tmp_path / "tables.zip"
    dialog.path_edit.setText(str(out))
    first = dialog.aircraft_list.item(0)
    first.setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(window.exports_ui.exported, timeout=30000) as done:
        dialog.accept()
    result = done.args[0]
    with zipfile.ZipFile(out) as zf:
        flights = list(csv.DictReader(io.StringIO(zf.read("flights.csv").decode("utf-8-sig"))))
    ticked = first.data(Qt.ItemDataRole.UserRole)
    assert flights and {f["aircraft_uuid"] for f in flights} == {ticked}
    assert result.counts["flights"] == len(flights) and result.scope["aircraft"] == [ticked]
    window.runner.wait()
    with Case.open(path, examiner="x", readonly=True) as case:
        entries = list(case.audit_entries())
        from osintdesk.custody.checkpoints import latest
        checkpoint = latest(case)
    export = next(e for e in reversed(entries) if e.action == "export")
    assert export.details["sha256"] == result.sha256
    # The export signed a checkpoint (the key needs no passphrase here), after its entry.
    assert checkpoint["reason"] == "export" and checkpoint["audit_seq"] == export.seq


def test_the_dialog_refuses_an_existing_file_a_wrong_extension_and_backwards_dates(qtbot, opened, tmp_path):
    window, path = opened
    before = path.read_bytes()
    dialog = window.exports_ui.export_dialog()
    taken = tmp_path / "taken.txt"
    taken.write_text("keep me")
    dialog.path_edit.setText(str(taken))
    dialog.accept()
    assert dialog.isVisible() and "exists already" in dialog.problem.text()
    # a name without the format's extension is refused, naming the one expected
    fmt = dialog._format()
    dialog.path_edit.setText(str(tmp_path / "new.txt"))
    dialog.accept()
    assert dialog.isVisible() and f"written as .{fmt.extension}" in dialog.problem.text()
    assert f"new.{fmt.extension}" in dialog.problem.text()
    dialog.path_edit.setText(str(tmp_path / f"new.{fmt.extension}"))
    dialog.from_edit.setText("2024-02-01")
    dialog.to_edit.setText("2024-01-01")
    dialog.accept()
    assert dialog.isVisible() and "To is before From" in dialog.problem.text()
    dialog.reject()
    assert taken.read_text() == "keep me" and path.read_bytes() == before
