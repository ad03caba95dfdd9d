"""The window signs a checkpoint when it closes a case whose history moved since the last
one: without asking when the key has no passphrase, asking once per session (with Skip)
when it has one, and never stopping the closing."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest
from PySide6.QtCore import QTimer

from osintdesk.app import build_window
from osintdesk.custody import checkpoints
from osintdesk.custody.keys import PASSPHRASE_ENV, create_examiner_key, load_examiner_key
from osintdesk.store import Case
from osintdesk.ui.dialogs import KeyPassphraseDialog


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    win = build_window("Window Examiner")
    qtbot.addWidget(win)
    win.show()
    yield win
    win.runner.wait()


def make_case(folder, name="c") -> str:
    with Case.create(folder / name, title=name, examiner="Alice") as case:
        return str(case.path)


def checkpoint_rows(path) -> list[dict]:
    with Case.open(path, examiner="Reader", readonly=True) as case:
        return checkpoints.checkpoint_rows(case)


def answer_dialog(qtbot, window, answers: list):
    """Type each answer in the passphrase dialog once it shows (None: press Skip)."""
    seen = []

    def step():
        dialog = window.passphrase_dialog
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(10, step)
            return
        answer = answers.pop(0)
        seen.append(dialog.problem.text())
        if answer is None:
            dialog.skip_button.click()
            return
        dialog.passphrase_edit.setText(answer)
        dialog.sign_button.click()
        if answers:
            QTimer.singleShot(10, step)
    QTimer.singleShot(0, step)
    return seen


def test_closing_a_changed_case_signs_without_asking_when_the_key_has_no_passphrase(
        qtbot, window, tmp_path):
    path = make_case(tmp_path)
    assert window.open_case(path)
    window.close_case()
    assert window.case is None and window.passphrase_dialog is None
    rows = checkpoint_rows(path)
    assert [r["reason"] for r in rows] == ["close"]
    assert window.close_checkpoint["uuid"] == rows[0]["uuid"]
    assert "signed on closing" in window.statusBar().currentMessage()
    # Opened and closed again without a change: nothing more to sign.
    assert window.open_case(path)
    window.close_case()
    assert len(checkpoint_rows(path)) == 1 and window.close_checkpoint is None


def test_opening_another_case_and_quitting_sign_the_one_closed(qtbot, window, tmp_path):
    first, second = make_case(tmp_path, "first"), make_case(tmp_path, "second")
    assert window.open_case(first)
    assert window.open_case(second)
    assert [r["reason"] for r in checkpoint_rows(first)] == ["close"]
    assert checkpoint_rows(second) == []
    window.close()
    assert [r["reason"] for r in checkpoint_rows(second)] == ["close"]


def test_a_passphrase_is_asked_once_a_wrong_one_is_said_and_the_key_kept_for_the_session(
        qtbot, window, tmp_path):
    create_examiner_key("correct horse")
    first, second = make_case(tmp_path, "first"), make_case(tmp_path, "second")
    assert window.open_case(first)
    problems = answer_dialog(qtbot, window, ["wrong", "correct horse"])
    window.close_case()
    assert problems[0] == "" and "cannot unlock the examiner key" in problems[1]
    assert [r["reason"] for r in checkpoint_rows(first)] == ["close"]
    asked = window.passphrase_dialog
    assert window.open_case(second)
    window.close_case()                       # no dialog this time: the key is unlocked
    assert window.passphrase_dialog is asked
    rows = checkpoint_rows(second)
    assert [r["reason"] for r in rows] == ["close"]
    assert rows[0]["key_id"] == load_examiner_key(lambda: "correct horse").public.key_id_hex


def test_skip_closes_without_signing_and_is_not_asked_again(qtbot, window, tmp_path):
    create_examiner_key("correct horse")
    first, second = make_case(tmp_path, "first"), make_case(tmp_path, "second")
    assert window.open_case(first)
    answer_dialog(qtbot, window, [None])
    window.close_case()
    assert window.case is None and checkpoint_rows(first) == []
    assert "without a signed checkpoint: signing was skipped" in \
        window.statusBar().currentMessage()
    asked = window.passphrase_dialog
    assert window.open_case(second)
    window.close_case()
    assert window.passphrase_dialog is asked and checkpoint_rows(second) == []
    assert "not given in this session" in window.statusBar().currentMessage()


def test_a_busy_or_write_protected_case_closes_unsigned(qtbot, window, tmp_path):
    busy, protected = make_case(tmp_path, "busy"), make_case(tmp_path, "protected")
    assert window.open_case(busy)
    holder = sqlite3.connect(busy, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")          # another process holds the write lock
    try:
        window.close_case()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert window.case is None and checkpoint_rows(busy) == []
    assert "busy.osintcase closed without a signed checkpoint" in \
        window.statusBar().currentMessage()

    os.chmod(protected, stat.S_IRUSR | stat.S_IRGRP)
    try:
        assert window.open_case(protected)
        window.close_case()
        assert window.case is None and window.close_checkpoint is None
        assert checkpoint_rows(protected) == []
    finally:
        os.chmod(protected, stat.S_IRUSR | stat.S_IWUSR)
