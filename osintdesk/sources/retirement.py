"""Setting a source aside: a mistyped URL that answered 404, a page that turned out to be
irrelevant. Retiring is a record of its own (who, when, why), never an edit of the source
or its evidence: the captures, files and hashes stay as they were and ``verify`` still
covers them. Retired sources are left out of the sources list, ``osintdesk sources`` and
searches unless asked for; un-retiring deletes the retirement record (logged, with the
reason), so the audit log keeps both steps.
"""

from __future__ import annotations

from ..errors import InputError
from ..store import Case


def retirement_of(case: Case, source_uuid: str) -> dict | None:
    """The retirement record of a source (the newest), or None when it is not retired."""
    rows = list(case.db.query(
        "SELECT * FROM source_retirements WHERE source_uuid = ? "
        "ORDER BY created_utc DESC, uuid LIMIT 1", [source_uuid]))
    return rows[0] if rows else None


def retired_sources(case: Case) -> set[str]:
    """The uuids of the retired sources."""
    return {r[0] for r in case.conn.execute("SELECT DISTINCT source_uuid FROM source_retirements")}


def retire_source(case: Case, source_uuid: str, *, reason: str | None = None) -> dict:
    """Retire a source (audited); an :class:`InputError` if it is unknown or retired already."""
    if case.get_record("source", source_uuid) is None:
        raise InputError("no such source in the case", path=f"source {source_uuid}")
    if retirement_of(case, source_uuid) is not None:
        raise InputError("is retired already; nothing was changed", path=f"source {source_uuid}")
    reason = " ".join((reason or "").split()) or None
    with case.transaction():
        return case.insert_record("retirement", {"source_uuid": source_uuid, "reason": reason},
                                  action="retire", details={"source": source_uuid,
                                                            "reason": reason})


def unretire_source(case: Case, source_uuid: str, *, reason: str | None = None) -> dict:
    """Bring a retired source back (its retirement record is deleted, logged with
    ``reason``); returns the retirement that was undone. :class:`InputError` if it is not
    retired."""
    if case.get_record("source", source_uuid) is None:
        raise InputError("no such source in the case", path=f"source {source_uuid}")
    rows = list(case.db.query("SELECT * FROM source_retirements WHERE source_uuid = ?",
                              [source_uuid]))
    if not rows:
        raise InputError("is not retired; nothing was changed", path=f"source {source_uuid}")
    with case.transaction():
        for row in rows:
            case.delete_record("retirement", row["uuid"], reason=reason)
    return rows[0]
