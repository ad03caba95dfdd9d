"""File › Export… in the window: the dialog, the export on the task runner, the audit entry,
refusals in the dialog (an existing file, dates the wrong way round)."""

import shutil

import pytest

from osintdesk.exports import registry
from osintdesk.store import Case
from tests.exports.test_base import LINES
from tests.ui.test_main_window import wait_for, window  # noqa: F401  (fixture)


@pytest.fixture
def lines_format():
    """A format written for these tests (one flight id per line), listed while they run."""
    registry.FORMATS.append(LINES)
    yield LINES
    registry.FORMATS.remove(LINES)


@pytest.fixture
def opened(qtbot, window, sample_case_file, tmp_path):  # noqa: F811
    path = tmp_path / "c.osintcase"
    shutil.copyfile(sample_case_file, path)
    assert window.open_case(str(path))
    return window, path


def test_export_from_the_window_is_written_and_logged(qtbot, opened, lines_format, tmp_path):
    window, path = opened
    window.exports_ui.action.trigger()
    dialog = window.exports_ui.dialog
    assert dialog.isVisible() and dialog.format_box.currentData() == "lines"
    assert dialog.path_edit.text().endswith(".txt")
    out = tmp_path / "flights.txt"
    dialog.path_edit.setText(str(out))
    first = dialog.aircraft_list.item(0)
    from PySide6.QtCore import Qt
    first.setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(window.exports_ui.exported, timeout=20000) as done:
        dialog.accept()
    result = done.args[0]
    assert out.exists() and result.counts["flights"] == len(out.read_text().splitlines()) - 1
    assert result.scope["aircraft"] == [first.data(Qt.ItemDataRole.UserRole)]
    window.runner.wait()
    with Case.open(path, examiner="x", readonly=True) as case:
        entry = list(case.audit_entries())[-1]
    assert entry.action == "export" and entry.details["sha256"] == result.sha256


def test_the_dialog_refuses_an_existing_file_and_backwards_dates(qtbot, opened, lines_format,
                                                                 tmp_path):
    window, path = opened
    before = path.read_bytes()
    dialog = window.exports_ui.export_dialog()
    taken = tmp_path / "taken.txt"
    taken.write_text("keep me")
    dialog.path_edit.setText(str(taken))
    dialog.accept()
    assert dialog.isVisible() and "exists already" in dialog.problem.text()
    dialog.path_edit.setText(str(tmp_path / "new.txt"))
    dialog.from_edit.setText("2024-02-01")
    dialog.to_edit.setText("2024-01-01")
    dialog.accept()
    assert dialog.isVisible() and "To is before From" in dialog.problem.text()
    dialog.reject()
    assert taken.read_text() == "keep me" and path.read_bytes() == before
