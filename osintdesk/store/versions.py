"""Record versions: every state a record has had, as immutable versions that name the
versions they replace (as git's commits name their parents). Merging two cases is the
union of their versions; a record with more than one latest version (head) is in conflict.

A version's id is SHA-256 over its kind, key, parents and state hash (not its time or
examiner): the same change made independently in two cases is the same version. A
version's state is the record's row without the case's own integer ids (``portable``),
as canonical JSON; a deletion is a version without a state. See docs/exchange.md.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Iterable, Iterator

from .canonical import canonical_json, decoded, record_hash, sha256_hex

# Columns that are this case's own row numbers: never part of what travels.
LOCAL_COLUMNS = {"aircraft": ("id",), "flight-import": ("id",)}
VERSION_COLUMNS = ("version", "kind", "key", "parents", "state", "state_hash", "origin_case",
                   "created_utc", "examiner")


def portable(kind: str, row: dict) -> dict:
    """The row without the case's own integer ids."""
    drop = LOCAL_COLUMNS.get(kind, ())
    return {k: v for k, v in row.items() if k not in drop}


def portable_hash(kind: str, row: dict) -> str:
    return record_hash(portable(kind, row))


def version_id(kind: str, key: str, parents: list[str], state_hash: str | None) -> str:
    return sha256_hex(canonical_json({"kind": kind, "key": key, "parents": sorted(parents),
                                      "state": state_hash}))


@dataclass(frozen=True)
class Version:
    version: str
    kind: str
    key: str
    parents: tuple[str, ...]
    state: dict | None       # the portable row; None for a deletion
    state_hash: str | None
    origin_case: str
    created_utc: str
    examiner: str

    @property
    def deleted(self) -> bool:
        return self.state is None

    def expected_id(self) -> str:
        return version_id(self.kind, self.key, list(self.parents), self.state_hash)

    def as_row(self) -> dict:
        return {"version": self.version, "kind": self.kind, "key": self.key,
                "parents": json.dumps(sorted(self.parents)),
                "state": None if self.state is None else canonical_json(self.state).decode(),
                "state_hash": self.state_hash, "origin_case": self.origin_case,
                "created_utc": self.created_utc, "examiner": self.examiner}

    @classmethod
    def from_row(cls, row: dict) -> "Version":
        state = row["state"]
        return cls(row["version"], row["kind"], row["key"], tuple(json.loads(row["parents"])),
                   None if state is None else decoded(json.loads(state)), row["state_hash"],
                   row["origin_case"], row["created_utc"], row["examiner"])


def make(kind: str, key: str, parents: list[str], row: dict | None, *, origin_case: str,
         created_utc: str, examiner: str) -> Version:
    state = None if row is None else portable(kind, row)
    state_hash = None if state is None else record_hash(state)
    return Version(version_id(kind, key, parents, state_hash), kind, key,
                   tuple(sorted(parents)), state, state_hash, origin_case, created_utc, examiner)


def heads(conn: sqlite3.Connection, kind: str, key: str) -> list[Version]:
    """The record's latest versions (more than one: a conflict), the one its row shows
    first (``ordered_heads``)."""
    return ordered_heads(versions_of(conn, kind, key))


def ordered_heads(items: Iterable[Version]) -> list[Version]:
    """The heads among one record's versions, latest generation first (a version's
    generation is one more than its parents'), then by version id: derived from the
    graph alone, so every case that holds the same versions orders them alike, and an
    edit of what a record in conflict shows stays what it shows."""
    items = list(items)
    by_id = {v.version: v for v in items}
    generation: dict[str, int] = {}

    def gen(version_id: str) -> int:
        stack = [version_id]
        while stack:
            top = stack[-1]
            if top in generation:
                stack.pop()
                continue
            parents = [p for p in by_id[top].parents if p in by_id]
            missing = [p for p in parents if p not in generation]
            if missing:
                stack.extend(missing)
                continue
            generation[top] = 1 + max((generation[p] for p in parents), default=0)
            stack.pop()
        return generation[version_id]

    replaced = {p for v in items for p in v.parents}
    found = [v for v in items if v.version not in replaced]
    return sorted(found, key=lambda v: (-gen(v.version), v.version))


def versions_of(conn: sqlite3.Connection, kind: str, key: str) -> list[Version]:
    """Every version of one record, by version id."""
    cursor = conn.execute(f"SELECT {', '.join(VERSION_COLUMNS)} FROM record_versions "
                          "WHERE kind = ? AND key = ? ORDER BY version", (kind, key))
    return [Version.from_row(dict(zip(VERSION_COLUMNS, r))) for r in cursor]


def has_version(conn: sqlite3.Connection, version: str) -> bool:
    return conn.execute("SELECT 1 FROM record_versions WHERE version = ?",
                        (version,)).fetchone() is not None


def store(conn: sqlite3.Connection, version: Version) -> bool:
    """Keep a version (and its parent edges) unless it is held already; True if added.
    The caller holds the write transaction."""
    if has_version(conn, version.version):
        return False
    row = version.as_row()
    conn.execute(f"INSERT INTO record_versions ({', '.join(VERSION_COLUMNS)}) VALUES "
                 f"({', '.join('?' * len(VERSION_COLUMNS))})", [row[c] for c in VERSION_COLUMNS])
    conn.executemany("INSERT INTO version_parents (version, parent) VALUES (?, ?)",
                     [(version.version, p) for p in version.parents])
    return True


def record_change(conn: sqlite3.Connection, kind: str, key: str, row: dict | None, *,
                  origin_case: str, created_utc: str, examiner: str) -> Version:
    """A local write: a new version replacing the head the row holds. A record in conflict
    stays in conflict (only ``exchange.conflicts.resolve`` replaces every head): an edit
    of what the row shows must not silently drop the other version."""
    current = heads(conn, kind, key)
    shown = chosen_head(current) if len(current) > 1 else None
    parents = [shown.version] if shown is not None else [v.version for v in current]
    version = make(kind, key, parents, row, origin_case=origin_case, created_utc=created_utc,
                   examiner=examiner)
    store(conn, version)
    return version


def all_versions(conn: sqlite3.Connection) -> Iterator[Version]:
    cursor = conn.execute(f"SELECT {', '.join(VERSION_COLUMNS)} FROM record_versions "
                          "ORDER BY version")
    while rows := cursor.fetchmany(1000):
        for r in rows:
            yield Version.from_row(dict(zip(VERSION_COLUMNS, r)))


def deletions(conn: sqlite3.Connection) -> Iterator[tuple[Version, dict]]:
    """Records whose latest version is a deletion (and no other head is alive), each with
    the last state it had before."""
    cursor = conn.execute(
        f"SELECT {', '.join(VERSION_COLUMNS)} FROM record_versions v WHERE state IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM version_parents p WHERE p.parent = v.version) "
        "ORDER BY version")
    for row in cursor.fetchall():
        deletion = Version.from_row(dict(zip(VERSION_COLUMNS, row)))
        if chosen_head(heads(conn, deletion.kind, deletion.key)) is not None:
            continue
        before = [v for v in versions_of(conn, deletion.kind, deletion.key)
                  if v.version in deletion.parents and v.state is not None]
        if before:
            yield deletion, before[0].state


def versions_digest(conn: sqlite3.Connection) -> str:
    """SHA-256 over the sorted version ids: equal in two cases that hold the same versions."""
    digest = hashlib.sha256()
    for (version,) in conn.execute("SELECT version FROM record_versions ORDER BY version"):
        digest.update(version.encode("ascii") + b"\n")
    return digest.hexdigest()


def conflicts(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
    """Records with more than one head: (kind, key, number of heads)."""
    return [tuple(r) for r in conn.execute(
        "SELECT kind, key, count(*) FROM record_versions v WHERE NOT EXISTS "
        "(SELECT 1 FROM version_parents p WHERE p.parent = v.version) "
        "GROUP BY kind, key HAVING count(*) > 1 ORDER BY kind, key")]


def chosen_head(candidates: list[Version]) -> Version | None:
    """What the row holds when a record has several heads (given as ``ordered_heads``
    orders them): the first that is not a deletion (None: every head is a deletion, the
    row is absent)."""
    alive = [v for v in candidates if not v.deleted]
    return alive[0] if alive else None


def check_graph(items: Iterable[Version], fail, edges: dict[str, set[str]] | None = None
                ) -> dict[tuple[str, str], list[Version]]:
    """Check that every version's id and state hash recompute (and, given the parent
    ``edges`` a case keeps, that they match); returns each record's heads."""
    by_record: dict[tuple[str, str], list[Version]] = {}
    for version in items:
        label = f"record version {version.version[:16]} ({version.kind} {version.key})"
        if version.state is not None and record_hash(version.state) != version.state_hash:
            fail(label, "its state was altered (it no longer hashes to its state hash)",
                 version.state_hash, record_hash(version.state))
        if version.expected_id() != version.version:
            fail(label, "was altered (its id no longer matches its content)",
                 version.expected_id(), version.version)
        if edges is not None and edges.pop(version.version, set()) != set(version.parents):
            fail(label, "its parents do not match the version graph")
        by_record.setdefault((version.kind, version.key), []).append(version)
    for orphan in edges or ():
        fail(f"record version {orphan[:16]}", "has parent edges but no version")
    return {key: ordered_heads(items) for key, items in by_record.items()}


def check_rows(kind: str, key_column: str, rows: Iterable[dict],
               heads_by_record: dict[tuple[str, str], list[Version]], fail, *,
               whole: bool = True, aliases: dict[str, str] | None = None) -> None:
    """Every row of ``kind`` holds its chosen head's state (its references to ``aliases``
    resolved, as a merge writes them); with ``whole``, every record whose head is not a
    deletion has its row, or is an alias of one that has."""
    from .aliases import resolve
    present = set()
    for row in rows:
        key = row[key_column]
        present.add(key)
        candidates = heads_by_record.get((kind, key), [])
        chosen = chosen_head(candidates)
        found = portable_hash(kind, row)
        if chosen is None:
            fail(f"{kind} {key}", "has no record version (written outside osintdesk)"
                 if not candidates else "is present though its versions say it was deleted")
        elif chosen.state_hash != found and (
                not aliases or portable_hash(kind, resolve(kind, chosen.state, aliases)) != found):
            fail(f"{kind} {key}", "differs from its latest record version",
                 chosen.state_hash, found)
    if whole:
        for (name, key), candidates in heads_by_record.items():
            if (name == kind and key not in present and (not aliases or key not in aliases)
                    and chosen_head(candidates) is not None):
                fail(f"{kind} {key}", "is missing, but its latest version is not a deletion")


def check(conn: sqlite3.Connection, record_kinds, fail) -> int:
    """The case's versions (``check_graph``) and every record's row (``check_rows``).
    ``fail(object, problem, expected=None, found=None)`` reports; returns versions checked."""
    edges: dict[str, set[str]] = {}
    for version, parent in conn.execute("SELECT version, parent FROM version_parents"):
        edges.setdefault(version, set()).add(parent)
    counted = _Counted(all_versions(conn))
    heads_by_record = check_graph(counted, fail, edges)
    from .aliases import of_case
    aliases = of_case(conn)
    for kind in record_kinds:
        cursor = conn.execute(f"SELECT * FROM [{kind.table}]")
        names = [d[0] for d in cursor.description]
        check_rows(kind.name, kind.key, (dict(zip(names, v)) for v in cursor), heads_by_record,
                   fail, aliases=aliases)
    return counted.count


class _Counted:
    def __init__(self, items):
        self.items = items
        self.count = 0

    def __iter__(self):
        for item in self.items:
            self.count += 1
            yield item


def bundle_line(version: Version) -> dict:
    """A version as a bundle carries it (nested JSON, not the case's text columns)."""
    return {"version": version.version, "kind": version.kind, "key": version.key,
            "parents": list(version.parents), "state": version.state,
            "state_hash": version.state_hash, "origin_case": version.origin_case,
            "created_utc": version.created_utc, "examiner": version.examiner}


def from_bundle_line(value: dict) -> Version:
    """Raises KeyError, TypeError or ValueError for a line that is not a version."""
    state = value["state"]
    if state is not None and not isinstance(state, dict):
        raise TypeError("state")
    parents = value["parents"]
    if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
        raise TypeError("parents")
    fields = {k: value[k] for k in ("version", "kind", "key", "origin_case", "created_utc",
                                    "examiner")}
    if not all(isinstance(v, str) for v in fields.values()):
        raise TypeError("fields")
    return Version(fields["version"], fields["kind"], fields["key"], tuple(parents),
                   None if state is None else decoded(state), value["state_hash"],
                   fields["origin_case"], fields["created_utc"], fields["examiner"])
