"""Same thing, two ids (docs/exchange.md, section 3): two cases can make the same
real-world record independently (the same aircraft, the same URL, the same flight file...).
Merging keeps both records' versions, but the case holds one row: the one it held first.
The other id is an **alias** of it, derived from the versions whenever it is needed (never
stored, so two cases merged in either order hold the same versions and no alias record
can conflict), and the rows that refer to it are written with the reference resolved.

``verify`` derives the same aliases and compares each row with its head's state after
resolving the same references; a record whose row is held under its alias partner's id is
not missing.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Iterable, Iterator

from .records import RECORD_KINDS

# What makes two records with different ids the same thing: a UNIQUE constraint in the case.
IDENTITY: dict[str, tuple[str, ...]] = {
    "flight-import": ("sha256",),
    "aircraft": ("hex",),
    "source": ("identity",),
    "selector": ("pattern", "is_regex", "case_sensitive"),
    "tag": ("source_uuid", "tag"),
    "source-tie": ("source_uuid", "target_uuid"),
    "object-tag": ("object_kind", "object_uuid", "tag"),
    "sighting": ("import_uuid", "record", "hex"),
}
# Columns that hold the id of another record (``aircraft_uuids``: a JSON list of ids).
REFERENCES: dict[str, tuple[str, ...]] = {
    "flight-import": ("aircraft_uuids",),
    "capture": ("source_uuid",),
    "selector-hit": ("selector_uuid", "capture_uuid", "source_uuid"),
    "note": ("source_uuid",),
    "tag": ("source_uuid",),
    "entity-alias": ("entity_uuid",),
    "link": ("source_uuid", "target_uuid"),
    "event": ("place_uuid",),
    "citation": ("owner_uuid", "target_uuid", "target_aircraft"),
    "source-tie": ("source_uuid", "target_uuid"),
    "retirement": ("source_uuid",),
    "object-note": ("object_uuid",),
    "object-tag": ("object_uuid",),
    "sighting": ("import_uuid", "aircraft_uuid"),
}
ID_LISTS = {"aircraft_uuids"}

Aliases = dict[str, str]   # an id -> the id of the row that stands for it


def resolve(kind: str, state: dict | None, aliases: Aliases) -> dict | None:
    """``state`` with every reference to an alias replaced by the id that stands for it
    (the same dict when nothing refers to one)."""
    if not aliases or state is None:
        return state
    changed = {}
    for column in REFERENCES.get(kind, ()):
        value = state.get(column)
        if value is None:
            continue
        if column in ID_LISTS:
            ids = json.loads(value)
            resolved = list(dict.fromkeys(aliases.get(i, i) for i in ids))
            if resolved != ids:
                changed[column] = json.dumps(resolved)
        elif value in aliases:
            changed[column] = aliases[value]
    return {**state, **changed} if changed else state


def referenced(kind: str, state: dict | None) -> set[str]:
    """The ids of other records that ``state`` refers to."""
    out: set[str] = set()
    for column in REFERENCES.get(kind, ()):
        value = (state or {}).get(column)
        if value is None:
            continue
        out.update(json.loads(value) if column in ID_LISTS else [value])
    return out


def identity(kind: str, state: dict | None) -> tuple | None:
    """The values that make the record the same thing as another of its kind (None: the
    kind has none, or the record leaves one of them empty)."""
    columns = IDENTITY.get(kind)
    if not columns or state is None:
        return None
    values = tuple(state.get(c) for c in columns)
    return None if any(v is None for v in values) else values


def describe(kind: str, state: dict) -> str:
    if kind == "aircraft":
        return ", ".join(f"{c} {state[c]}" for c in ("hex", "registration") if state.get(c))
    return ", ".join(f"{c} {v}" for c, v in zip(IDENTITY[kind], identity(kind, state) or ()))


def _registration(value: str | None) -> str:
    from ..sources.text import match_key   # RA-86496, ra 86496 and RA86496 are one
    return match_key(value) if value else ""


class Holders:
    """Which row holds the same thing as a record: by its identity columns, and for an
    aircraft by its Mode-S address, or by its registration when one of the two has no
    address (as ``flights.ingest.identity_taken`` judges): two aircraft with different
    addresses are two airframes whatever their registrations say."""

    def __init__(self):
        self._by_identity: dict[tuple[str, tuple], str] = {}
        self._by_hex: dict[str, str] = {}
        self._by_registration: dict[str, tuple[str, bool]] = {}

    def add(self, kind: str, key: str, row: dict) -> None:
        if kind == "aircraft":
            if row.get("hex"):
                self._by_hex.setdefault(row["hex"].lower(), key)
            if _registration(row.get("registration")):
                self._by_registration.setdefault(_registration(row["registration"]),
                                                 (key, bool(row.get("hex"))))
            return
        values = identity(kind, row)
        if values is not None:
            self._by_identity.setdefault((kind, values), key)

    def find(self, kind: str, state: dict | None) -> str | None:
        if state is None:
            return None
        if kind == "aircraft":
            hex_code = (state.get("hex") or "").lower()
            if hex_code and hex_code in self._by_hex:
                return self._by_hex[hex_code]
            held = self._by_registration.get(_registration(state.get("registration")))
            if held is not None and not (hex_code and held[1]):
                return held[0]
            return None
        values = identity(kind, state)
        return None if values is None else self._by_identity.get((kind, values))

    @classmethod
    def of_case(cls, conn: sqlite3.Connection) -> "Holders":
        holders = cls()
        for name in KINDS:
            kind = RECORD_KINDS[name]
            columns = ("hex", "registration") if name == "aircraft" else IDENTITY[name]
            cursor = conn.execute(f"SELECT [{kind.key}], {', '.join(f'[{c}]' for c in columns)} "
                                  f"FROM [{kind.table}]")
            for key, *values in cursor:
                holders.add(name, key, dict(zip(columns, values)))
        return holders


def derive(candidates: Iterable[tuple[str, str, dict]], holders: Holders) -> Aliases:
    """The aliases among ``candidates`` (kind, id, chosen state) of records that have no
    row, given in ``order`` (what is referred to first): each whose
    identity (its references resolved) is held by a row under another id."""
    aliases: Aliases = {}
    for kind, key, state in candidates:
        held = holders.find(kind, resolve(kind, state, aliases))
        if held is not None and held != key:
            aliases[key] = held
    return aliases


def order(kind: str) -> tuple[int, int]:
    """The order in which aliases are derived and references resolved: the kinds others
    refer to by their identity (a flight file's aircraft, a tag's source) first, then the
    order of RECORD_KINDS."""
    kinds = list(RECORD_KINDS)
    return (0 if kind in ("aircraft", "source", "selector") else 1,
            kinds.index(kind) if kind in kinds else len(kinds))


KINDS = sorted(IDENTITY, key=order)


def of_case(conn: sqlite3.Connection, holders: Holders | None = None) -> Aliases:
    """The case's aliases: records of a kind with an identity that have a live version
    but no row, each held under another id as the same thing."""
    from . import versions

    def candidates() -> Iterator[tuple[str, str, dict]]:
        for name in KINDS:
            kind = RECORD_KINDS[name]
            keys = [r[0] for r in conn.execute(
                f"SELECT DISTINCT key FROM record_versions WHERE kind = ? AND key NOT IN "
                f"(SELECT [{kind.key}] FROM [{kind.table}])", (name,))]
            for key in keys:
                head = versions.chosen_head(versions.heads(conn, name, key))
                if head is not None:
                    yield name, key, head.state

    return derive(candidates(), holders or Holders.of_case(conn))


def of_rows(rows_of: dict[str, list[dict]], heads_by_record: dict) -> Aliases:
    """The aliases among records given as rows per kind and heads per (kind, id) (a
    bundle's records, checked before anything is written)."""
    from . import versions
    holders = Holders()
    present: set[tuple[str, str]] = set()
    for name in KINDS:
        key_column = RECORD_KINDS[name].key
        for row in rows_of.get(name, ()):
            present.add((name, row[key_column]))
            holders.add(name, row[key_column], row)
    candidates = []
    for (name, key), heads in heads_by_record.items():
        if name in IDENTITY and (name, key) not in present:
            head = versions.chosen_head(heads)
            if head is not None:
                candidates.append((order(name), key, name, head.state))
    candidates.sort(key=lambda c: c[:2])
    return derive(((name, key, state) for _, key, name, state in candidates), holders)
