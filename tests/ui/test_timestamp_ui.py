"""Case › Timestamp Checkpoint…, offscreen against the local TSA: the URL is asked and
remembered, the request runs on the task runner, the verification dialog reports it."""

from __future__ import annotations

import hashlib

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from osintdesk.custody import checkpoints
from osintdesk.custody.keys import load_examiner_key
from osintdesk.store import Case
from osintdesk.ui.dialogs import TimestampDialog

from tests.ui.test_main_window import window  # noqa: F401 - the window, as the app builds it


@pytest.fixture
def case_path(tmp_path):
    path = tmp_path / "c.osintcase"
    with Case.create(path, title="Il-62M flights", examiner="Alice") as case:
        checkpoints.create(case, load_examiner_key(), reason="checkpoint")
    return path


def ask(qtbot, window, url: str | None) -> TimestampDialog:
    window.action_timestamp.trigger()
    dialog = window.timestamp_dialog_
    assert isinstance(dialog, TimestampDialog) and dialog.isVisible()
    if url is not None:
        dialog.url_edit.setText(url)
    return dialog


def ok_button(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_timestamp_then_verify(qtbot, window, case_path, tsa_server):
    assert window.open_case(str(case_path))
    dialog = ask(qtbot, window, "")
    assert not ok_button(dialog).isEnabled()
    dialog.url_edit.setText(tsa_server.url())
    dialog.grab().save("/tmp/tsa_dialog.png")
    with qtbot.waitSignal(window.timestamped, timeout=15000) as blocker:
        ok_button(dialog).click()
    row = blocker.args[0]
    assert row["cert_subject"] == "CN=Test TSA rsa,O=osintdesk tests"
    message = window.last_message
    assert message.objectName() == "timestamp_message" and message.isVisible()
    assert row["cert_sha256"] in message.text() and "2026-11-26 01:02:03 UTC" in message.text()
    message.grab().save("/tmp/tsa_message.png")
    message.close()
    assert window.settings.value("custody/tsa_url") == tsa_server.url()

    # The URL is remembered for the next time.
    again = ask(qtbot, window, None)
    assert again is not dialog and again.url_edit.text() == tsa_server.url()
    again.reject()

    with qtbot.waitSignal(window.verified, timeout=15000) as blocker:
        window.action_verify.trigger()
    report = blocker.args[0]
    assert report.ok and report.checked["timestamps"] == 1
    text = window.verify_dialog.findChild(type(window.status_case)).text()
    assert "1 RFC 3161 timestamps checked" in text and "is timestamped" in text
    window.verify_dialog.grab().save("/tmp/tsa_verify.png")


def test_a_failing_tsa_is_a_dialog_and_nothing_is_written(qtbot, window, case_path, tsa_server):
    before = hashlib.sha256(case_path.read_bytes()).hexdigest()
    assert window.open_case(str(case_path))
    count = window.case.audit_count()
    dialog = ask(qtbot, window, tsa_server.url("wrong-nonce"))
    ok_button(dialog).click()
    qtbot.waitUntil(lambda: window.last_message is not None
                    and window.last_message.objectName() == "error_message", timeout=15000)
    text = window.last_message.text()
    assert text.startswith(tsa_server.url("wrong-nonce") + ": ")
    assert "its nonce is not the one sent" in text
    window.last_message.grab().save("/tmp/tsa_error.png")
    assert window.case.audit_count() == count
    window.close_case()
    assert hashlib.sha256(case_path.read_bytes()).hexdigest() == before


def test_without_a_checkpoint_it_says_how_to_make_one(qtbot, window, tmp_path):
    path = tmp_path / "empty.osintcase"
    Case.create(path, title="T", examiner="A").close()
    assert window.open_case(str(path))
    assert window.timestamp_dialog() is None
    assert "no signed checkpoint yet" in window.last_message.text()
