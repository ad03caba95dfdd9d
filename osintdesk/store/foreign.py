"""The audit logs of cases merged in, kept verbatim (docs/exchange.md): each is checked as
a chain from its first entry, and a later bundle from the same case must extend it."""

from __future__ import annotations

import sqlite3
from typing import Iterable, Iterator

from . import audit
from .canonical import canonical_json

COLUMNS = ("case_uuid",) + audit.AUDIT_COLUMNS


def case_uuids(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT case_uuid FROM foreign_audit ORDER BY 1")]


def entries(conn: sqlite3.Connection, case_uuid: str) -> Iterator[audit.AuditEntry]:
    cursor = conn.execute(f"SELECT {', '.join(audit.AUDIT_COLUMNS)} FROM foreign_audit "
                          "WHERE case_uuid = ? ORDER BY seq", (case_uuid,))
    for row in cursor:
        yield audit.AuditEntry.from_row(row)


def head(conn: sqlite3.Connection, case_uuid: str) -> tuple[int, str]:
    row = conn.execute("SELECT seq, entry_hash FROM foreign_audit WHERE case_uuid = ? "
                       "ORDER BY seq DESC LIMIT 1", (case_uuid,)).fetchone()
    return (row[0], row[1]) if row else (0, audit.GENESIS_HASH)


def hash_at(conn: sqlite3.Connection, case_uuid: str, seq: int) -> str | None:
    row = conn.execute("SELECT entry_hash FROM foreign_audit WHERE case_uuid = ? AND seq = ?",
                       (case_uuid, seq)).fetchone()
    return row[0] if row else None


def fork(conn: sqlite3.Connection, case_uuid: str, incoming: list[audit.AuditEntry]) -> str | None:
    """Why ``incoming`` (a whole chain, from entry 1) does not extend what is held of that
    case's log, or None when it does (or nothing is held)."""
    held_seq, held_hash = head(conn, case_uuid)
    if held_seq == 0 or not incoming:
        return None
    if len(incoming) < held_seq:
        # An older copy of that history (from a bundle made earlier, or passed on by a
        # colleague who has not merged the later one): fine if it is a prefix of ours.
        last = incoming[-1]
        if hash_at(conn, case_uuid, last.seq) == last.entry_hash:
            return None
        return (f"its entry {last.seq} differs from the one an earlier bundle of the same case "
                "showed (its history was rewritten)")
    if incoming[held_seq - 1].entry_hash != held_hash:
        return (f"its entry {held_seq} differs from the one an earlier bundle of the same case "
                "showed (its history was rewritten)")
    return None


def append(conn: sqlite3.Connection, case_uuid: str, incoming: Iterable[audit.AuditEntry]) -> int:
    """Keep the entries past what is held (the caller checked ``fork``); returns how many."""
    held_seq, _ = head(conn, case_uuid)
    added = 0
    for entry in incoming:
        if entry.seq <= held_seq:
            continue
        values = entry.as_dict()
        values["details"] = canonical_json(values["details"]).decode("utf-8")
        conn.execute(f"INSERT INTO foreign_audit ({', '.join(COLUMNS)}) VALUES "
                     f"({', '.join('?' * len(COLUMNS))})",
                     (case_uuid, *(values[c] for c in audit.AUDIT_COLUMNS)))
        added += 1
    return added


def check(conn: sqlite3.Connection, event_actions, fail) -> int:
    """Walk every held foreign chain from its first entry; returns the entries checked."""
    count = 0
    for case_uuid in case_uuids(conn):
        walk = audit.walk_chain(entries(conn, case_uuid), event_actions)
        count += walk.count
        for label, problem, expected, found in walk.problems:
            fail(f"merged log of case {case_uuid}, {label}", problem, expected, found)
    return count


def as_lines(conn: sqlite3.Connection, case_uuid: str) -> Iterator[dict]:
    for entry in entries(conn, case_uuid):
        yield entry.as_dict()
