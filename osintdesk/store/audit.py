"""The append-only audit log: each entry is chained to the previous one by SHA-256.

``entry_hash = sha256(prev_hash || canonical_json(entry without its hashes))``; the
sequence number is inside the hashed part, so removing, reordering or editing an
entry breaks the chain. Only the store (``Case``) appends; nothing ever updates.
"""

from __future__ import annotations

import json
import sqlite3
import uuid as uuidlib
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from .canonical import canonical_json, sha256_hex

GENESIS_HASH = "0" * 64
AUDIT_COLUMNS = ("seq", "uuid", "time_utc", "examiner", "action", "object_type", "object_id",
                 "object_hash", "details", "prev_hash", "entry_hash")


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    uuid: str
    time_utc: str
    examiner: str
    action: str
    object_type: str | None
    object_id: str | None
    object_hash: str | None
    details: dict
    prev_hash: str
    entry_hash: str

    @classmethod
    def from_row(cls, row: tuple) -> "AuditEntry":
        values = dict(zip(AUDIT_COLUMNS, row))
        try:
            values["details"] = json.loads(values["details"])
        except (TypeError, ValueError):
            values["details"] = {"$unparsable": values["details"]}
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in AUDIT_COLUMNS}


def entry_hash(prev_hash: str, body: dict) -> str:
    return sha256_hex(prev_hash.encode("ascii") + canonical_json(body))


def hashed_body(seq: int, uuid: str, time_utc: str, examiner: str, action: str,
                object_type: str | None, object_id: str | None, object_hash: str | None,
                details: dict) -> dict:
    return {"seq": seq, "uuid": uuid, "time_utc": time_utc, "examiner": examiner,
            "action": action, "object_type": object_type, "object_id": object_id,
            "object_hash": object_hash, "details": details}


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    row = conn.execute("SELECT seq, entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


def append(conn: sqlite3.Connection, *, time_utc: str, examiner: str, action: str,
           object_type: str | None = None, object_id: str | None = None,
           object_hash: str | None = None, details: dict | None = None,
           entry_uuid: str | None = None) -> AuditEntry:
    """Append one entry (the caller holds the write transaction); ``entry_uuid`` from the
    case's id source (random unless a demo seeds it)."""
    details = details or {}
    last_seq, prev = head(conn)
    seq = last_seq + 1
    entry_uuid = entry_uuid or str(uuidlib.uuid4())
    body = hashed_body(seq, entry_uuid, time_utc, examiner, action, object_type, object_id,
                       object_hash, details)
    digest = entry_hash(prev, body)
    conn.execute(
        "INSERT INTO audit_log (seq, uuid, time_utc, examiner, action, object_type, object_id,"
        " object_hash, details, prev_hash, entry_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (seq, entry_uuid, time_utc, examiner, action, object_type, object_id, object_hash,
         canonical_json(details).decode("utf-8"), prev, digest))
    conn.execute("INSERT OR REPLACE INTO case_meta (key, value) VALUES ('audit_head', ?)",
                 (f"{seq}:{digest}",))
    return AuditEntry(seq, entry_uuid, time_utc, examiner, action, object_type, object_id,
                      object_hash, details, prev, digest)


def entries(conn: sqlite3.Connection, *, after_seq: int = 0, limit: int | None = None
            ) -> Iterator[AuditEntry]:
    sql = f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_log WHERE seq > ? ORDER BY seq"
    params: tuple = (after_seq,)
    if limit is not None:
        sql += " LIMIT ?"
        params += (limit,)
    for row in conn.execute(sql, params):
        yield AuditEntry.from_row(row)


def recompute(entry: AuditEntry, prev_hash: str) -> str:
    """The hash ``entry`` should carry if it follows an entry whose hash is ``prev_hash``."""
    body = hashed_body(entry.seq, entry.uuid, entry.time_utc, entry.examiner, entry.action,
                       entry.object_type, entry.object_id, entry.object_hash, entry.details)
    return entry_hash(prev_hash, body)


@dataclass
class ChainWalk:
    """What walking a chain found: the last logged state of every object (action, hash,
    seq), the head reached, and each problem as (entry label, problem, expected, found)."""

    states: dict = field(default_factory=dict)
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    count: int = 0
    problems: list = field(default_factory=list)


def walk_chain(entries: Iterable[AuditEntry], event_actions: frozenset[str]) -> ChainWalk:
    """Check that ``entries`` (in order, from the first) form one unbroken chain, and
    collect the last logged state of every object; entries whose action is in
    ``event_actions`` report on an object without changing it."""
    walk = ChainWalk()
    prev = GENESIS_HASH
    expected_seq = 1
    for entry in entries:
        name = f"audit entry {entry.seq}"
        if entry.seq != expected_seq:
            walk.problems.append((name, "sequence is broken (an entry was removed or inserted)",
                                  f"entry {expected_seq}", f"entry {entry.seq}"))
        if entry.prev_hash != prev:
            walk.problems.append((name, "does not follow the previous entry (an entry before "
                                  "it was removed, reordered or altered)", prev, entry.prev_hash))
        recomputed = recompute(entry, entry.prev_hash)
        if recomputed != entry.entry_hash:
            what = f"{entry.action} {entry.object_type or ''} {entry.object_id or ''}".rstrip()
            walk.problems.append((name, f"content was altered ({what})", recomputed,
                                  entry.entry_hash))
        if entry.object_type and entry.object_id and entry.action not in event_actions:
            walk.states[(entry.object_type, entry.object_id)] = (entry.action, entry.object_hash,
                                                                 entry.seq)
        prev = entry.entry_hash
        expected_seq = entry.seq + 1
        walk.count += 1
    walk.head_seq, walk.head_hash = expected_seq - 1, prev
    return walk
