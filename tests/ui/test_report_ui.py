"""Case › Report…, offscreen: the options, the HTML preview built on the task runner and
shown with nothing loaded from outside, then the PDF written on the task runner, recorded
in the case's register and signed, as the command line does it."""

from __future__ import annotations

import hashlib

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QMessageBox

from osintdesk.custody.checkpoints import checkpoint_rows
from osintdesk.report.register import register_rows
from osintdesk.store import Case
from osintdesk.ui.report_ui import OfflineBrowser, ReportDialog
from tests.support.report_samples import CLAIMS, write_report_case

from tests.ui.test_main_window import window  # noqa: F401 - the window, as the app builds it


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    return write_report_case(tmp_path_factory.mktemp("report-ui") / "story.osintcase")


def test_preview_then_save_a_pdf(qtbot, window, story, tmp_path):
    path = tmp_path / "story.osintcase"
    path.write_bytes(story["path"].read_bytes())
    assert window.open_case(str(path))
    assert window.report_ui.action.isEnabled() and window.report_ui.action in window.case_menu.actions()
    window.report_ui.action.trigger()
    dialog = window.report_ui.dialog
    assert isinstance(dialog, ReportDialog) and dialog.isVisible()
    assert not dialog.save_pdf.isEnabled()          # nothing to save before a preview
    assert [dialog.tag_combo.itemText(i) for i in range(dialog.tag_combo.count())] == \
        ["(every claim)", "pyongyang"]
    dialog.banner_edit.setText("CONFIDENTIAL")
    dialog.zone_edit.setText("Europe/Moscow")

    with qtbot.waitSignal(window.report_ui.previewed, timeout=120000) as blocker:
        dialog.preview_button.click()
    shown = dialog.preview.toPlainText()
    assert CLAIMS["flew"] in shown and "CONFIDENTIAL" in shown and "Europe/Moscow" in shown
    assert blocker.args[0].startswith("<!DOCTYPE html>")
    assert isinstance(dialog.preview, OfflineBrowser) and not dialog.preview.openExternalLinks()
    assert dialog.save_pdf.isEnabled() and dialog.save_html.isEnabled()
    dialog.grab().save(str(tmp_path / "report_dialog.png"))

    output = tmp_path / "report.pdf"
    with qtbot.waitSignal(window.report_ui.written, timeout=120000) as blocker:
        dialog.save_requested.emit(dialog.options(), str(output))   # what Save as PDF… sends
    result = blocker.args[0]
    assert result.sha256 == hashlib.sha256(output.read_bytes()).hexdigest()
    assert result.sha256 in window.statusBar().currentMessage()
    first = " ".join(PdfReader(output).pages[0].extract_text().split())
    assert "CONFIDENTIAL" in first and "The case verified" in first
    with Case.open(path, examiner="Reader", readonly=True) as case:
        [row] = register_rows(case)
        assert row["sha256"] == result.sha256 and row["options"]["zone"] == "Europe/Moscow"
        assert checkpoint_rows(case)[-1]["reason"] == "report"


def test_a_bad_zone_is_one_clear_message_and_no_file(qtbot, window, story, tmp_path):
    path = tmp_path / "story.osintcase"
    path.write_bytes(story["path"].read_bytes())
    assert window.open_case(str(path))

    def shown():
        return [box.text() for box in window.findChildren(QMessageBox)
                if box.objectName() == "error_message" and box.isVisible()]
    dialog = window.report_ui.open_dialog()
    dialog.zone_edit.setText("Mars/Olympus")
    task = window.report_ui.save(dialog.options(), str(tmp_path / "report.html"))
    qtbot.waitUntil(lambda: task.done, timeout=60000)
    qtbot.waitUntil(lambda: bool(shown()), timeout=5000)
    assert ["'Mars/Olympus' is not a time zone" in text for text in shown()] == [True]
    assert not (tmp_path / "report.html").exists()
    with Case.open(path, examiner="Reader", readonly=True) as case:
        assert register_rows(case) == []
