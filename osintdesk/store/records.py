"""Which tables hold records of the case, and how a record's state is hashed.

Every record that may be exchanged has a UUID, a creation time and an examiner; the
audit log carries the hash of each record's state after every create and edit, so
``verify`` can tell a record changed behind the app's back. New record kinds are
added to ``RECORD_KINDS`` explicitly (no discovery at run time).
"""

from __future__ import annotations

from dataclasses import dataclass

from .canonical import record_hash


@dataclass(frozen=True)
class RecordKind:
    name: str          # object_type in the audit log
    table: str
    label: str         # what an investigator calls a set of them
    key: str = "uuid"


RECORD_KINDS: dict[str, RecordKind] = {
    kind.name: kind
    for kind in (
        RecordKind("evidence", "evidence", "Evidence files"),
        RecordKind("derived", "derived", "Derived data"),
    )
}

# Metadata keys that describe the case (hashed as the 'case' record); the rest of
# case_meta (audit_head) is bookkeeping kept consistent by the store itself.
CASE_FIELDS = ("uuid", "title", "number", "description", "created_utc", "created_by",
               "app_version")


def state_hash(row: dict) -> str:
    return record_hash(row)
