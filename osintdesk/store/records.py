"""Which tables hold records of the case, and how a record's state is hashed.

Every record that may be exchanged has a UUID, a creation time and an examiner; the
audit log carries the hash of each record's state after every create and edit, so
``verify`` can tell a record changed behind the app's back. New record kinds are
added to ``RECORD_KINDS`` explicitly (no discovery at run time).
"""

from __future__ import annotations

import hashlib
import io
import pickle
from dataclasses import dataclass
from typing import Callable, Iterator

from . import trackblocks
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
        RecordKind("flight-import", "flight_imports", "Flight files"),
        RecordKind("aircraft", "aircraft", "Aircraft"),
        RecordKind("source", "sources", "Sources"),
        RecordKind("capture", "captures", "Captures"),
        RecordKind("archive-resource", "archive_resources", "Archive resources"),
        RecordKind("selector", "selectors", "Selectors"),
        RecordKind("selector-hit", "selector_hits", "Selector hits"),
        RecordKind("note", "source_notes", "Notes"),
        RecordKind("tag", "source_tags", "Tags"),
        RecordKind("entity", "entities", "Entities"),
        RecordKind("entity-alias", "entity_aliases", "Merged entity ids"),
        RecordKind("link", "links", "Links"),
        RecordKind("event", "events", "Events"),
        RecordKind("claim", "claims", "Claims"),
        RecordKind("citation", "citations", "Citations"),
        RecordKind("source-tie", "source_ties", "Sources tied by hand"),
        RecordKind("checkpoint", "checkpoints", "Signed checkpoints"),
        RecordKind("timestamp", "timestamps", "Timestamps of checkpoints"),
        RecordKind("report", "reports", "Reports made"),
        RecordKind("retirement", "source_retirements", "Retired sources"),
        RecordKind("object-note", "object_notes", "Notes on flights, aircraft and evidence"),
        RecordKind("object-tag", "object_tags", "Tags on flights, aircraft and evidence"),
        RecordKind("sighting", "sightings", "Sightings without a position"),
    )
}

# Metadata keys that describe the case (hashed as the 'case' record); the rest of
# case_meta (audit_head) is bookkeeping kept consistent by the store itself.
CASE_FIELDS = ("uuid", "title", "number", "description", "created_utc", "created_by",
               "app_version")


def state_hash(row: dict) -> str:
    return record_hash(row)


@dataclass(frozen=True)
class BulkPart:
    """Rows of ``table`` that belong to a group: ``where`` takes the group id as its one
    parameter; ``ids`` lists the ids of the groups that have rows."""

    table: str
    where: str
    ids: str
    columns: tuple[str, ...]
    order_by: str
    # Rows not kept one per table row (track points, packed in blocks): (conn, group id)
    # -> the rows in digest order, instead of a SELECT with ``where`` and ``order_by``.
    rows: Callable | None = None

    @classmethod
    def by_column(cls, table: str, column: str, columns: tuple[str, ...], order_by: str):
        return cls(table, f"[{column}] = ?", f"SELECT DISTINCT [{column}] FROM [{table}]",
                   columns, order_by)


@dataclass(frozen=True)
class BulkGroup:
    """Rows too many to log one by one (track points, derived flights, identifiers found),
    hashed per group.

    The audit entry that wrote a group (object_type = ``name``, object_id = the group id)
    carries the digest of its rows; ``verify`` recomputes it.
    """

    name: str
    parts: tuple[BulkPart, ...]
    # How the group's rows are hashed (RowDigest's interface: section, add, hexdigest, count),
    # and, when they are not read row by row, (conn, group id) -> (digest, rows) from storage.
    digester: Callable = None   # type: ignore[assignment]  # RowDigest, set below
    stored_digest: Callable | None = None

    def new_digest(self):
        return (self.digester or RowDigest)()


BULK_GROUPS: dict[str, BulkGroup] = {}


def register_bulk_group(group: BulkGroup) -> BulkGroup:
    BULK_GROUPS[group.name] = group
    return group


DIGEST_CHUNK = 20000


class RowDigest:
    """SHA-256 over rows as sqlite3 returns them, in chunks of ``DIGEST_CHUNK`` rows.

    Each chunk (a list of tuples of int, float, str, bytes or None) is serialised with
    pickle protocol 4 without memo: a fixed, documented encoding (PEP 3154) that depends
    only on the values, never on object identity, and is ten times faster than repr.
    """

    def __init__(self):
        self._hash = hashlib.sha256()
        self._pending: list[tuple] = []
        self.count = 0

    def section(self, name: str) -> None:
        self._flush_all()
        self._hash.update(name.encode())

    def add(self, rows: list[tuple]) -> None:
        self.count += len(rows)
        if not self._pending and len(rows) == DIGEST_CHUNK:
            self._chunk(rows)   # a whole chunk as fetched: hashed without copying the list
            return
        self._pending.extend(rows)
        while len(self._pending) >= DIGEST_CHUNK:
            self._chunk(self._pending[:DIGEST_CHUNK])
            del self._pending[:DIGEST_CHUNK]

    def _chunk(self, rows: list[tuple]) -> None:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=4)
        pickler.fast = True  # no memo: identical values give identical bytes
        pickler.dump(rows)
        with buffer.getbuffer() as pickled:
            self._hash.update(pickled)

    def _flush_all(self) -> None:
        if self._pending:
            self._chunk(self._pending)
            self._pending = []

    def hexdigest(self) -> str:
        self._flush_all()
        return self._hash.hexdigest()


def group_digest(conn, group: BulkGroup, group_id: str) -> tuple[str, int]:
    """SHA-256 over the group's rows in a fixed order, and how many rows there are."""
    if group.stored_digest is not None:
        return group.stored_digest(conn, group_id)
    digest = RowDigest()
    for part in group.parts:
        digest.section(part.table)
        cursor = conn.execute(
            f"SELECT {', '.join(part.columns)} FROM [{part.table}] "
            f"WHERE {part.where} ORDER BY {part.order_by}", (group_id,))
        while rows := cursor.fetchmany(DIGEST_CHUNK):
            digest.add(rows)
    return digest.hexdigest(), digest.count


def group_ids(conn, group: BulkGroup) -> set[str]:
    ids: set[str] = set()
    for part in group.parts:
        ids.update(r[0] for r in conn.execute(part.ids))
    return ids


def _import_id(conn, import_uuid: str) -> int | None:
    row = conn.execute("SELECT id FROM flight_imports WHERE uuid = ?", (import_uuid,)).fetchone()
    return row[0] if row else None


def _track_point_digest(conn, import_uuid: str) -> tuple[str, int]:
    return trackblocks.import_digest(conn, _import_id(conn, import_uuid))


def _track_point_rows(conn, import_uuid: str) -> Iterator[tuple]:
    return trackblocks.import_rows(conn, _import_id(conn, import_uuid))


# An import's track points, packed in blocks (see trackblocks): exchanged as rows of
# ``columns`` under the table name track_points, hashed block by block.
TRACK_POINTS = register_bulk_group(BulkGroup("track-points", (
    BulkPart(trackblocks.SECTION, "",
             # a block of no import shows as a group of its own, never logged
             "SELECT DISTINCT coalesce(i.uuid, 'import id ' || b.import_id) FROM "
             f"{trackblocks.TABLE} b LEFT JOIN flight_imports i ON i.id = b.import_id",
             trackblocks.ROW_COLUMNS, "", rows=_track_point_rows),
), digester=trackblocks.BlockDigest, stored_digest=_track_point_digest))

FLIGHT_ANALYSIS = register_bulk_group(BulkGroup("flight-analysis", (
    BulkPart.by_column("flights", "aircraft_uuid",
             ("uuid", "first_t", "last_t", "duration_s", "distance_km", "max_alt_ft",
              "callsigns", "flight_number", "origin", "origin_distance_km", "origin_source",
              "destination", "destination_distance_km", "destination_source", "point_count",
              "gap_count"), "first_t, uuid"),
    BulkPart.by_column("coverage_gaps", "aircraft_uuid",
             ("uuid", "flight_uuid", "start_t", "end_t", "start_lat", "start_lon", "end_lat",
              "end_lon"), "start_t, uuid"),
    BulkPart.by_column("ground_times", "aircraft_uuid",
             ("uuid", "airport", "start_t", "end_t", "after_flight", "before_flight"),
             "start_t, uuid"),
)))


# The identifiers found in a capture's text and title: one group per capture, logged as
# one entry when they are found (and again, with the group as it is then, when a later
# scan adds some), never one entry per identifier (issue 16: a page dense with them
# became hundreds of thousands of entries). Their uuid travels with them.
IDENTIFIER_COLUMNS = ("uuid", "source_uuid", "field", "kind", "value", "match_key",
                      "start_offset", "end_offset", "text", "details", "created_utc",
                      "examiner")
IDENTIFIERS = register_bulk_group(BulkGroup("identifiers", (
    BulkPart.by_column("identifier_hits", "capture_uuid", IDENTIFIER_COLUMNS,
                       "field, start_offset, end_offset, kind, uuid"),
)))
# Rows of (uuid, capture_uuid, then IDENTIFIER_COLUMNS after uuid).
IDENTIFIER_INSERT = (f"INSERT INTO identifier_hits (uuid, capture_uuid, "
                     f"{', '.join(IDENTIFIER_COLUMNS[1:])}) "
                     f"VALUES ({', '.join('?' * (len(IDENTIFIER_COLUMNS) + 1))})")


def empty_digest(group: BulkGroup) -> str:
    """The digest of a group without rows (as ``group_digest`` reads its tables)."""
    digest = group.new_digest()
    for part in group.parts:
        digest.section(part.table)
    return digest.hexdigest()


def kind_rows(conn, kind: RecordKind) -> Iterator[dict]:
    """Every row of a record kind as a dict of all its columns, in key order."""
    cursor = conn.execute(f"SELECT * FROM [{kind.table}] ORDER BY [{kind.key}]")
    names = [d[0] for d in cursor.description]
    while rows := cursor.fetchmany(1000):
        for row in rows:
            yield dict(zip(names, row))


def group_part_rows(conn, part: BulkPart, group_id: str) -> Iterator[tuple]:
    """A bulk group's rows in one table, in the order its digest reads them."""
    if part.rows is not None:
        yield from part.rows(conn, group_id)
        return
    cursor = conn.execute(
        f"SELECT {', '.join(part.columns)} FROM [{part.table}] "
        f"WHERE {part.where} ORDER BY {part.order_by}", (group_id,))
    while rows := cursor.fetchmany(DIGEST_CHUNK):
        yield from rows


def artifact_rows(conn) -> Iterator[dict]:
    """The stored artifacts' metadata (sha256, uuid, size, created_utc, examiner)."""
    cursor = conn.execute("SELECT sha256, uuid, size, created_utc, examiner FROM artifacts "
                          "ORDER BY sha256")
    names = [d[0] for d in cursor.description]
    for row in cursor.fetchall():
        yield dict(zip(names, row))
