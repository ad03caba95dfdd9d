"""Every stored track point of a case as rows (``trackblocks.ROW_COLUMNS``), for tests that
count or look at points whatever the storage."""

from __future__ import annotations

from typing import Iterator

from osintdesk.store import trackblocks


def point_rows(conn) -> Iterator[tuple]:
    for (import_id,) in conn.execute("SELECT id FROM flight_imports ORDER BY id").fetchall():
        yield from trackblocks.import_rows(conn, import_id)


def point_count(conn, hex_code: str | None = None) -> int:
    ids = None
    if hex_code is not None:
        ids = {r[0] for r in conn.execute("SELECT id FROM aircraft WHERE hex = ?", (hex_code,))}
    return sum(1 for row in point_rows(conn) if ids is None or row[0] in ids)
