"""The window, offscreen: create a case, reopen it from Recent, verify, add files, cancel."""

import hashlib
import threading

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from tests.support.store_samples import first_release_case
from osintdesk.app import build_window
from osintdesk.store import Case
from osintdesk.ui.dialogs import AboutDialog, NewCaseDialog
from osintdesk.ui.models import PagedQueryModel, audit_source


@pytest.fixture
def window(qtbot):
    win = build_window("Window Examiner")
    qtbot.addWidget(win)
    win.show()
    yield win
    win.runner.wait()


def wait_for(qtbot, window, task):
    """Until the window has handled the task's outcome (results arrive as queued signals)."""
    qtbot.waitUntil(lambda: task not in window.runner.active, timeout=10000)


def create_through_dialog(qtbot, window, path, title):
    window.action_new.trigger()
    dialog = window.findChild(NewCaseDialog)
    assert dialog is not None and dialog.isVisible()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # nothing typed yet
    dialog.title_edit.setText(title)
    dialog.number_edit.setText("2024-17")
    dialog.path_edit.setText(str(path))
    assert ok.isEnabled()
    with qtbot.waitSignal(window.case_opened, timeout=10000):
        ok.click()


def test_create_case_through_the_window(qtbot, window, tmp_path):
    create_through_dialog(qtbot, window, tmp_path / "il62", "Il-62M flights")
    path = tmp_path / "il62.osintcase"
    assert path.exists()
    assert window.case is not None and window.case.title == "Il-62M flights"
    assert "Il-62M flights" in window.status_case.text()
    assert "Window Examiner" in window.status_examiner.text()
    assert window.status_verified.text() == "Not yet verified"
    with Case.open(path, examiner="x", readonly=True) as case:
        assert case.case_record()["created_by"] == "Window Examiner"
        assert case.case_record()["number"] == "2024-17"


def test_reopen_from_recent_then_verify(qtbot, window, tmp_path):
    create_through_dialog(qtbot, window, tmp_path / "c1", "First")
    window.close_case()
    assert window.case is None and window.status_case.text() == "No case open"

    # A new window (the app started again) finds the case in Open Recent.
    second = build_window("Window Examiner")
    qtbot.addWidget(second)
    actions = second.recent_menu.actions()
    assert actions and actions[0].data() == str(tmp_path / "c1.osintcase")
    with qtbot.waitSignal(second.case_opened, timeout=5000):
        actions[0].trigger()
    assert second.case.title == "First"

    with qtbot.waitSignal(second.verified, timeout=10000) as blocker:
        second.action_verify.trigger()
    report = blocker.args[0]
    assert report.ok and report.recorded
    assert second.verify_dialog.isVisible()
    assert f"Verified OK at entry #{report.audit_head['seq']}" in second.status_verified.text()
    # The window signs a verification that holds, as the command line does.
    # It signs the head holding the verification's result; the checkpoint is the next entry.
    assert report.checkpoint and report.checkpoint["audit_seq"] == second.case.audit_count() - 1
    assert [e.object_type for e in second.case.audit_entries()][-1] == "checkpoint"
    second.runner.wait()


def test_verify_failure_is_shown(qtbot, window, tmp_path):
    path = tmp_path / "c.osintcase"
    (tmp_path / "f.txt").write_text("evidence")
    with Case.create(path, title="T", examiner="A") as case:
        case.add_evidence_file(tmp_path / "f.txt")
    import sqlite3
    conn = sqlite3.connect(path)
    conn.execute("UPDATE evidence SET original_name='x'")
    conn.commit()
    conn.close()
    assert window.open_case(str(path))
    with qtbot.waitSignal(window.verified, timeout=10000) as blocker:
        window.verify_case()
    assert not blocker.args[0].ok
    assert "FAILED" in window.status_verified.text()
    assert "changed outside osintdesk" in window.verify_dialog.details.toPlainText()


def test_not_a_case_shows_message_and_file_is_untouched(qtbot, window, tmp_path):
    path = tmp_path / "notes.osintcase"
    path.write_bytes(b"just some notes, not a database" * 10)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert not window.open_case(str(path))
    box = window.last_message
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert str(path) in box.text() and "not an SQLite database" in box.text()
    assert window.case is None
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_add_files_in_background_fills_evidence_table(qtbot, window, tmp_path):
    create_through_dialog(qtbot, window, tmp_path / "c", "T")
    files = []
    for i in range(3):
        f = tmp_path / f"doc{i}.txt"
        f.write_text(f"document {i}")
        files.append(str(f))
    task = window.add_files(files)
    wait_for(qtbot, window, task)
    page = window.show_page("Evidence")
    assert page.model.rowCount() == 3
    names = {page.model.row(r)["original_name"] for r in range(3)}
    assert names == {"doc0.txt", "doc1.txt", "doc2.txt"}
    page.filter_edit.setText("doc1")
    assert page.proxy.rowCount() == 1


def test_task_can_be_cancelled(qtbot, window):
    started = threading.Event()

    def work(progress, cancelled):
        started.set()
        i = 0
        while True:  # runs until the user cancels
            progress(i, None)
            i += 1
            threading.Event().wait(0.01)

    task = window.run_task("Endless work", work, writes=False)
    assert started.wait(5)
    qtbot.waitUntil(lambda: window.task_progress.isVisible(), timeout=5000)
    window.task_progress.cancel_button.click()
    wait_for(qtbot, window, task)
    assert task.done and task.result is None and task.error is None
    assert "cancelled" in window.statusBar().currentMessage()
    assert not window.task_progress.isVisible()


def test_failed_task_shows_one_clear_message(qtbot, window, tmp_path):
    create_through_dialog(qtbot, window, tmp_path / "c", "T")
    task = window.add_files([str(tmp_path / "missing.pdf")])
    wait_for(qtbot, window, task)
    assert "missing.pdf: no such file" in window.last_message.text()


def test_about_lists_versions_and_data_licences(qtbot, window):
    dialog = window.show_about()
    assert isinstance(dialog, AboutDialog)
    text = dialog.text.toPlainText()
    assert "Natural Earth" in text and "OurAirports" in text and "CC0" in text
    assert "SQLite" in text and "Qt" in text
    # The heading comes first, the licences after it (they were once inserted above it).
    assert text.lstrip().startswith("osintdesk")
    assert text.index("Data licences") < text.index("Natural Earth")


def test_every_form_label_with_a_mnemonic_has_a_buddy(qtbot, window):
    # A label left without a buddy shows its "&" literally ("&File:").
    from PySide6.QtWidgets import QLabel
    from osintdesk.ui.sources.capture_dialogs import CaptureSettingsDialog
    from osintdesk.sources.settings import load_capture_settings
    dialogs = [NewCaseDialog(window, None), CaptureSettingsDialog(load_capture_settings(), window)]
    for dialog in dialogs:
        labels = [label for label in dialog.findChildren(QLabel) if "&" in label.text()]
        assert labels
        for label in labels:
            assert label.buddy() is not None, label.text()


def test_audit_model_passes_modeltester(qtmodeltester, tmp_path):
    with Case.create(tmp_path / "c", title="T", examiner="A") as case:
        for i in range(7):
            case.put_artifact(f"artifact {i}".encode())
        model = PagedQueryModel([("#", "seq"), ("Action", "action")])
        model.page_size = 3
        model.set_source(*audit_source(case))
        assert model.canFetchMore()
        qtmodeltester.check(model)
        while model.canFetchMore():
            model.fetchMore()
        assert model.rowCount() == case.audit_count() == 8, [e.action for e in case.audit_entries()]


def test_an_older_case_is_upgraded_on_a_worker_then_opened(qtbot, window, tmp_path, monkeypatch):
    from osintdesk.store import SCHEMA_VERSION
    path = first_release_case(tmp_path / "old")
    opened_on = []  # (thread, readonly) of every Case.open
    real_open = Case.open.__func__

    def recording(cls, *args, **kw):
        opened_on.append((threading.current_thread(), kw.get("readonly", False)))
        return real_open(cls, *args, **kw)

    monkeypatch.setattr(Case, "open", classmethod(recording))
    progress = []
    window.runner.started.connect(lambda task: task.progress.connect(lambda *p: progress.append(p)))
    with qtbot.waitSignal(window.runner.started) as started, \
            qtbot.waitSignal(window.case_opened, timeout=20000) as opened:
        assert window.open_case(str(path))
        assert window.case is None  # not before the upgrade is done
    task = started.args[0]
    assert task.writes and task.title.startswith("Upgrading old.osintcase")
    assert opened.args == [str(path)]
    steps = SCHEMA_VERSION - 1
    assert progress[-1] == (steps, steps)
    # Upgraded with a writable connection on the writer thread, then opened read-only here;
    # after that only read-only connections of workers (the findings pages read on them).
    where = [(thread is threading.main_thread(), readonly) for thread, readonly in opened_on]
    assert where[:2] == [(False, False), (True, True)]
    assert all(where_ == (False, True) for where_ in where[2:]), where
    assert window.case.readonly and window.case.title == "First release"
    assert window.case.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [e.action for e in window.case.audit_entries()][-steps:] == ["migrate"] * steps
    assert "First release" in window.status_case.text()


def test_a_failed_upgrade_is_shown_and_no_case_is_opened(qtbot, window, tmp_path, monkeypatch):
    import sqlite3
    import osintdesk.store.case as case_module
    from osintdesk.store.migrations import MIGRATIONS
    path = first_release_case(tmp_path / "old")

    def m002_flights(db):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(case_module, "MIGRATIONS", [MIGRATIONS[0], m002_flights, *MIGRATIONS[2:]])
    with qtbot.assertNotEmitted(window.case_opened), \
            qtbot.waitSignal(window.case_open_failed, timeout=20000) as failed:
        assert window.open_case(str(path))
    assert str(path) in failed.args[0] and "disk I/O error" in failed.args[0]
    box = window.last_message
    assert box.isVisible() and box.windowTitle() == "Cannot open case" and "disk I/O error" in box.text()
    assert window.case is None and str(path) not in window.recent_cases()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1  # the failed step left nothing
    conn.close()
