"""Cases as older releases left them, made from a case of this release (for migration tests)."""

from __future__ import annotations

import sqlite3

from osintdesk.store import audit, trackblocks
from osintdesk.store.migrations import m009_track_blocks
from osintdesk.store.records import RowDigest
from tests.support import adversary

def _track_points_ddl() -> str:
    """The track point rows, index and trigger as m002_flights made them (before m009)."""
    import sqlite_utils
    from osintdesk.store.migrations import MIGRATIONS, create_migrations_table
    conn = sqlite3.connect(":memory:")
    create_migrations_table(conn)
    db = sqlite_utils.Database(conn)
    for migration in MIGRATIONS[:MIGRATIONS.index(m009_track_blocks)]:
        migration(db)
    sql = [r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE tbl_name = "
                                      "'track_points' AND sql IS NOT NULL ORDER BY type = 'trigger', type = 'index'")]
    conn.close()
    return ";\n".join(sql) + ";"


def _later_tables() -> list[str]:
    """The tables made by m009 and every migration after it."""
    import sqlite_utils
    from osintdesk.store.migrations import MIGRATIONS, create_migrations_table

    def tables(migrations) -> set[str]:
        conn = sqlite3.connect(":memory:")
        create_migrations_table(conn)
        db = sqlite_utils.Database(conn)
        for migration in migrations:
            migration(db)
        found = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        conn.close()
        return found

    before = tables(MIGRATIONS[:MIGRATIONS.index(m009_track_blocks)])
    return sorted(tables(MIGRATIONS) - before)


def points_as_rows(path) -> None:
    """Turn a case of this release back into one made before m009: track points one row
    each, each import's audit entries carrying the row digest those releases logged."""
    conn = sqlite3.connect(path)
    try:
        triggers = conn.execute("SELECT name, sql, tbl_name FROM sqlite_master "
                                "WHERE type = 'trigger'").fetchall()
        for name, _, _ in triggers:
            conn.execute(f"DROP TRIGGER [{name}]")
        conn.executescript(_track_points_ddl())
        columns = ", ".join(trackblocks.ROW_COLUMNS)
        for import_id, import_uuid in conn.execute(
                "SELECT id, uuid FROM flight_imports ORDER BY id").fetchall():
            rows = list(trackblocks.import_rows(conn, import_id))
            conn.executemany(f"INSERT INTO track_points (import_id, {columns}) VALUES "
                             f"({', '.join('?' * (len(rows[0]) + 1))})" if rows else "SELECT 1",
                             [(import_id, *r) for r in rows] if rows else [])
            digest = RowDigest()
            digest.section("track_points")
            digest.add(rows)
            conn.execute("UPDATE audit_log SET object_hash = ? WHERE object_type = "
                         "'track-points' AND object_id = ?", (digest.hexdigest(), import_uuid))
        for table in _later_tables():   # m009's blocks, and what later migrations added
            conn.execute(f"DROP TABLE [{table}]")
        conn.executescript("DELETE FROM _migrations WHERE name >= 'm009'; "
                           "PRAGMA user_version = 8;")
        adversary.reseal(conn)
        for _, sql, table in triggers:
            if table not in _later_tables():
                conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def identifiers_as_records(path) -> None:
    """Turn a case of this release back into one made before m013: each identifier a
    record of its own, with its own ``find`` entry and record version, as those releases
    logged them (the capture's one ``identifiers`` entry removed)."""
    from osintdesk.store import versions
    from osintdesk.store.records import state_hash
    conn = sqlite3.connect(path)
    try:
        triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                                ).fetchall()
        for name, _ in triggers:
            conn.execute(f"DROP TRIGGER [{name}]")
        adversary.remove_entries_about(conn, "object_type = 'identifiers'")
        origin = conn.execute("SELECT value FROM case_meta WHERE key = 'uuid'").fetchone()[0]
        cursor = conn.execute("SELECT * FROM identifier_hits ORDER BY created_utc, uuid")
        names = [d[0] for d in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values))
            audit.append(conn, time_utc=row["created_utc"], examiner=row["examiner"],
                         action="find", object_type="identifier", object_id=row["uuid"],
                         object_hash=state_hash(row))
            versions.store(conn, versions.make("identifier", row["uuid"], [], row,
                                               origin_case=origin,
                                               created_utc=row["created_utc"],
                                               examiner=row["examiner"]))
        from osintdesk.store.migrations import MIGRATIONS, m013_identifiers_per_capture
        conn.executescript("DELETE FROM _migrations WHERE name >= 'm013'; PRAGMA user_version "
                           f"= {MIGRATIONS.index(m013_identifiers_per_capture)};")
        adversary.set_head(conn)
        for _, sql in triggers:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()
