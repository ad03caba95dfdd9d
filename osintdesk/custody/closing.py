"""The checkpoint signed when the window closes a case the examiner changed.

A checkpoint says "this history existed when the key holder signed it", nothing more: a
close checkpoint is signed whether or not the case was verified, so it anchors the history
(a failed verification's entry included) and never vouches that the case is sound; that
is what ``verify`` says. The command line's writing commands do not sign on their own
(``osintdesk checkpoint`` does); the window signs when it closes a case. No Qt.
"""

from __future__ import annotations

from . import checkpoints
from .keys import ExaminerKey

CLOSE_REASON = "close"


def head_moved_since_checkpoint(case) -> bool:
    """True when the audit log holds entries after the last checkpoint's signed head other
    than checkpoints' own (their creation, a timestamp added to them); or, without any
    checkpoint, when the log holds anything at all."""
    last = checkpoints.latest(case)
    after = 0 if last is None else last["audit_seq"]
    return any(entry.object_type != "checkpoint" for entry in case.audit_entries(after_seq=after))


def sign_on_close(case, key: ExaminerKey) -> dict | None:
    """Sign the head with reason "close" when it moved since the last checkpoint (decided
    and signed in one transaction); returns the checkpoint, or None when none was due."""
    with case.transaction():
        if not head_moved_since_checkpoint(case):
            return None
        return checkpoints.create(case, key, reason=CLOSE_REASON)
