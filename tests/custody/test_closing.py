"""When closing a case calls for a checkpoint: its history moved since the last one."""

from __future__ import annotations

from osintdesk.custody import checkpoints, closing
from osintdesk.custody.keys import load_examiner_key
from osintdesk.store import Case


def test_a_checkpoint_is_due_after_changes_and_not_after_its_own_entry(tmp_path):
    key = load_examiner_key()
    with Case.create(tmp_path / "c", title="Close", examiner="Alice") as case:
        assert closing.head_moved_since_checkpoint(case)        # created, never signed
        row = closing.sign_on_close(case, key)
        assert row["reason"] == "close" and row == checkpoints.latest(case)
        assert not closing.head_moved_since_checkpoint(case)    # only the checkpoint's entry
        assert closing.sign_on_close(case, key) is None
        assert len(checkpoints.checkpoint_rows(case)) == 1
        case.update_case(number="12")
        assert closing.head_moved_since_checkpoint(case)
        second = closing.sign_on_close(case, key)
        assert second["audit_seq"] == row["audit_seq"] + 2      # its entry, then the change


def test_a_verification_signed_on_its_own_leaves_nothing_to_sign_on_closing(tmp_path):
    from osintdesk.verification import verify_and_record
    with Case.create(tmp_path / "c", title="Close", examiner="Alice") as case:
        report = verify_and_record(case, signer=load_examiner_key)
        assert report.checkpoint
        assert not closing.head_moved_since_checkpoint(case)
