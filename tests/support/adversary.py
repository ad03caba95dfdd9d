"""Someone with the case file, the sqlite3 shell and osintdesk's own code, rewriting history.

Each helper works on the file directly as such a person would: drop the write-once
triggers first, edit rows, then log the new states and re-seal the audit chain with the
store's own functions so that the chain, the head and every logged state agree again.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

from osintdesk.store import audit
from osintdesk.store.records import BULK_GROUPS, RECORD_KINDS, group_digest, state_hash


@contextmanager
def opened(path):
    """The file with every trigger dropped while it is edited, and put back exactly as it
    was before committing (verify checks the triggers, so a careful adversary restores them)."""
    conn = sqlite3.connect(path)
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER [{name}]")
    try:
        yield conn
        reversion(conn)
        for _, sql in triggers:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def reversion(conn) -> None:
    """Give the rows as they now are fresh record versions, as the store's migration does:
    the versions live in the file too, so a careful adversary makes them agree."""
    from osintdesk.store import versions
    conn.execute("DELETE FROM version_parents")
    conn.execute("DELETE FROM record_versions")
    origin = conn.execute("SELECT value FROM case_meta WHERE key = 'uuid'").fetchone()[0]
    for kind in RECORD_KINDS.values():
        cursor = conn.execute(f"SELECT * FROM [{kind.table}]")
        names = [d[0] for d in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values))
            versions.store(conn, versions.make(kind.name, row[kind.key], [], row,
                                               origin_case=origin, created_utc=row["created_utc"],
                                               examiner=row["examiner"]))


def row_state(conn, kind: str, key: str) -> str:
    table = RECORD_KINDS[kind].table
    cursor = conn.execute(f"SELECT * FROM [{table}] WHERE uuid = ?", (key,))
    names = [d[0] for d in cursor.description]
    return state_hash(dict(zip(names, cursor.fetchone())))


def relog(conn, object_type: str, object_id: str, new_hash: str) -> None:
    """Make the last entry about an object carry ``new_hash`` (re-seal afterwards)."""
    conn.execute("UPDATE audit_log SET object_hash = ? WHERE seq = (SELECT max(seq) FROM "
                 "audit_log WHERE object_type = ? AND object_id = ? AND action != 'verify')",
                 (new_hash, object_type, object_id))


def relog_record(conn, kind: str, key: str) -> None:
    relog(conn, kind, key, row_state(conn, kind, key))


def relog_group(conn, group: str, group_id: str) -> None:
    relog(conn, group, group_id, group_digest(conn, BULK_GROUPS[group], group_id)[0])


def reindex_identifiers(conn, capture_uuid: str) -> None:
    """Make the search index's identifiers column of a capture say what its identifier rows
    now say (the index is checked against them), with the store's own functions."""
    from osintdesk.sources.search import _clean, identifier_terms
    hits = [{"value": v, "text": t} for v, t in conn.execute(
        "SELECT value, text FROM identifier_hits WHERE capture_uuid = ? "
        "ORDER BY field, start_offset", (capture_uuid,))]
    conn.execute("UPDATE source_search SET identifiers = ? WHERE rowid = (SELECT rowid FROM "
                 "search_rows WHERE object_uuid = ?)", (_clean(identifier_terms(hits)),
                                                        capture_uuid))


def reseal(conn) -> None:
    """Recompute every entry's hashes from the first one and set the recorded head."""
    prev = audit.GENESIS_HASH
    for entry in list(audit.entries(conn)):
        digest = audit.recompute(entry, prev)
        conn.execute("UPDATE audit_log SET prev_hash = ?, entry_hash = ? WHERE seq = ?",
                     (prev, digest, entry.seq))
        prev = digest
    set_head(conn)


def reseal_foreign(conn) -> None:
    """Recompute the hashes of every merged case's log from its first entry."""
    from osintdesk.store import foreign
    for case_uuid in foreign.case_uuids(conn):
        prev = audit.GENESIS_HASH
        for entry in list(foreign.entries(conn, case_uuid)):
            digest = audit.recompute(entry, prev)
            conn.execute("UPDATE foreign_audit SET prev_hash = ?, entry_hash = ? WHERE "
                         "case_uuid = ? AND seq = ?", (prev, digest, case_uuid, entry.seq))
            prev = digest


def set_head(conn) -> None:
    seq, digest = audit.head(conn)
    conn.execute("UPDATE case_meta SET value = ? WHERE key = 'audit_head'", (f"{seq}:{digest}",))


def remove_entries_from(conn, seq: int) -> list[audit.AuditEntry]:
    """Remove entry ``seq`` and every later one; reset the head. Returns what was removed."""
    removed = list(audit.entries(conn, after_seq=seq - 1))
    conn.execute("DELETE FROM audit_log WHERE seq >= ?", (seq,))
    set_head(conn)
    return removed


def remove_rows_logged_by(conn, entries) -> None:
    """Delete the records (and artifacts, index rows) the given entries created."""
    for entry in entries:
        if not entry.object_id or entry.action in ("verify", "export"):
            continue
        if entry.object_type == "artifact":
            conn.execute("DELETE FROM artifact_chunks WHERE sha256 = ?", (entry.object_id,))
            conn.execute("DELETE FROM artifacts WHERE sha256 = ?", (entry.object_id,))
        elif entry.object_type == "identifiers":   # a capture's identifiers (a bulk group)
            conn.execute("DELETE FROM identifier_hits WHERE capture_uuid = ?", (entry.object_id,))
        elif entry.object_type in RECORD_KINDS:
            kind = RECORD_KINDS[entry.object_type]
            conn.execute(f"DELETE FROM [{kind.table}] WHERE [{kind.key}] = ?", (entry.object_id,))
            for (rowid,) in conn.execute("SELECT rowid FROM search_rows WHERE object_uuid = ?",
                                         (entry.object_id,)).fetchall():
                conn.execute("DELETE FROM source_search WHERE rowid = ?", (rowid,))
                conn.execute("DELETE FROM search_rows WHERE rowid = ?", (rowid,))


def remove_entries_about(conn, where: str, params=()) -> list[audit.AuditEntry]:
    """Remove the entries matching ``where`` from anywhere in the chain, number the rest
    again and re-seal it. Returns what was removed."""
    removed = [audit.AuditEntry.from_row(r) for r in conn.execute(
        f"SELECT {', '.join(audit.AUDIT_COLUMNS)} FROM audit_log WHERE {where} ORDER BY seq",
        params)]
    conn.execute(f"DELETE FROM audit_log WHERE {where}", params)
    rows = conn.execute("SELECT seq FROM audit_log ORDER BY seq").fetchall()
    for new, (old,) in enumerate(rows, start=1):
        if new != old:
            conn.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (new, old))
    reseal(conn)
    return removed


def remove_checkpoints(conn) -> None:
    """What an adversary who knows about checkpoints does: remove them and their entries."""
    conn.execute("DELETE FROM checkpoints")
    remove_entries_about(conn, "object_type = 'checkpoint'")


def move_point(conn, offset: int, dlat: float = 0.5) -> str:
    """Move the ``offset``-th stored track point (in block order) north by ``dlat``
    degrees, rewriting its packed block with the store's own code; returns its import's
    uuid. Triggers must be out of the way (``opened``)."""
    from osintdesk.store import trackblocks
    for block_id, count, data, import_uuid in conn.execute(
            "SELECT b.id, b.count, b.data, i.uuid FROM track_blocks b "
            "JOIN flight_imports i ON i.id = b.import_id ORDER BY b.id").fetchall():
        if offset < count:
            columns = {k: v.copy() for k, v in trackblocks.unpack(data).items()}
            columns["lat"][offset] += dlat
            conn.execute("UPDATE track_blocks SET data = ? WHERE id = ?",
                         (trackblocks.pack(columns), block_id))
            return import_uuid
        offset -= count
    raise IndexError("the case holds fewer points")
