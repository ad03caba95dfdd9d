"""Sources tied by hand to what they are about when their text never names it (the
article about "the Il-62M" gives no tail number), with the reason; shown from both sides.
A tie taken back is deleted with its content kept in the audit log."""

from __future__ import annotations

from ..errors import InputError
from ..sources import queries as source_queries
from ..store import Case
from .queries import canonical_id, is_tied, resolve_target

TIE_KINDS = ("aircraft", "entity", "flight", "event")


def tie_source(case: Case, source: str, target: str, reason: str) -> dict:
    """Tie a source (id, prefix or URL) to an aircraft, a flight, an event or any entity."""
    if not reason or not reason.strip():
        raise InputError("a tie needs a reason (--reason): why is this source about it?")
    source_uuid = source_queries.resolve_source(case, source)["uuid"]
    kind, uuid = resolve_target(case, target, TIE_KINDS)
    uuid = canonical_id(case, uuid)
    if is_tied(case, source_uuid, uuid):
        raise InputError(f"source {source_uuid} is already tied to {kind} {uuid}")
    return case.insert_record("source-tie", {"source_uuid": source_uuid, "target_kind": kind,
                                             "target_uuid": uuid, "reason": reason.strip()})


def untie(case: Case, tie_uuid: str, reason: str | None = None) -> dict:
    """Take back a tie (its id): the record is deleted and its content kept in the audit
    log, with ``reason``. Returns the tie as it was."""
    tie = case.get_record("source-tie", tie_uuid.strip())
    if tie is None:
        raise InputError(f"no tie '{tie_uuid}' in this case (it may have been removed already)")
    case.delete_record("source-tie", tie["uuid"], reason=reason or "tie taken back")
    return tie
