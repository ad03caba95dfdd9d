"""Verify a whole case: the store's checks (artifacts, audit chain, every record's logged
state) and what each domain adds (the search index against the records it is made from,
quoted passages against their captures, citations against what they cite, signed
checkpoints, their timestamps and receipts). The command line and the window verify through here."""

from __future__ import annotations

from typing import Callable, Sequence

from .custody import checkpoints, timestamps
from .custody.keys import ExaminerKey, Keyring
from .errors import OsintdeskError
from .findings.integrity import check_quotes, check_references
from .sources.integrity import check_search_index
from .store import verify as store_verify

# Each domain's check of the case, called as check(case, report); the custody checks, which
# also need the keys the examiner recognises, are added by _checks.
CHECKS = (check_search_index, check_quotes, check_references)


def _checks(keyring: Keyring | None, receipts: Sequence[checkpoints.Receipt]) -> tuple:
    keyring = keyring if keyring is not None else Keyring.load()
    checks = list(CHECKS)
    checks.append(lambda case, report: checkpoints.check_checkpoints(case, report, keyring))
    checks.append(timestamps.check_timestamps)
    for receipt in receipts:
        checks.append(lambda case, report, r=receipt:
                      checkpoints.check_receipt(case, report, r, keyring))
    return tuple(checks)


def verify_case(case, *, progress=None, cancelled=None, keyring: Keyring | None = None,
                receipts: Sequence[checkpoints.Receipt] = ()) -> store_verify.VerifyReport:
    """Check everything and return the report; writes nothing."""
    return store_verify.verify_case(case, progress=progress, cancelled=cancelled,
                                    checks=_checks(keyring, receipts))


def verify_and_record(case, *, progress=None, cancelled=None, keyring: Keyring | None = None,
                      receipts: Sequence[checkpoints.Receipt] = (),
                      signer: Callable[[], ExaminerKey] | None = None
                      ) -> store_verify.VerifyReport:
    """Verify, then append the result to the audit log (when the case can be written).

    With a ``signer`` (it returns the examiner's unlocked key), a verification that holds
    is followed by a signed checkpoint of the head that includes its result."""
    report = store_verify.verify_and_record(case, progress=progress, cancelled=cancelled,
                                            checks=_checks(keyring, receipts))
    if signer is None or not report.recorded:
        return report
    if not report.ok:
        report.notes.append("no checkpoint was signed: a failed verification is never anchored")
        return report
    try:
        key = signer()
    except OsintdeskError as exc:
        report.notes.append(f"no checkpoint was signed: {exc}")
        return report
    row = checkpoints.create(case, key, reason="verify")
    report.notes = [n for n in report.notes if not n.startswith(checkpoints.NO_CHECKPOINT)]
    report.checkpoint = {"uuid": row["uuid"], "audit_seq": row["audit_seq"],
                         "audit_hash": row["audit_hash"], "key_id": row["key_id"]}
    return report


def verification_state(case) -> dict | None:
    """Where the case stands against its last recorded verification (None: never verified):
    ``ok``, ``seq`` (the audit entry the verification walked to), ``time_utc``, and
    ``changes``: entries written since, besides verifications and checkpoints' own."""
    last = case.last_verification()
    if last is None:
        return None
    head = (last.details or {}).get("audit_head") or {}
    seq = int(head.get("seq") or last.seq - 1)
    changes = sum(1 for entry in case.audit_entries(after_seq=seq)
                  if entry.action != "verify" and entry.object_type != "checkpoint")
    return {"ok": bool((last.details or {}).get("ok")), "seq": seq, "time_utc": last.time_utc,
            "changes": changes}
