"""The schema a case must have: the tables, indexes and triggers the migrations make.

The write-once triggers, unique indexes and CHECK constraints are part of the chain of
custody: someone who drops a trigger can change evidence without the database refusing.
``verify`` compares the file's schema with the one built here from the same migrations.
"""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass

import sqlite_utils

from .migrations import MIGRATIONS, create_migrations_table

# Statistics SQLite keeps for the query planner (ANALYZE, PRAGMA optimize): not custody.
_IGNORED = "name NOT LIKE 'sqlite_stat%'"


@dataclass(frozen=True)
class SchemaObject:
    type: str        # table | index | trigger | view
    name: str
    table: str       # the table it belongs to
    sql: str | None  # as SQLite keeps it (None for the indexes SQLite makes itself)


def schema_objects(conn: sqlite3.Connection) -> dict[str, SchemaObject]:
    """The objects of ``conn``'s main database, by name."""
    return {name: SchemaObject(kind, name, table, sql) for kind, name, table, sql in conn.execute(
        f"SELECT type, name, tbl_name, sql FROM main.sqlite_master WHERE {_IGNORED}")}


@dataclass(frozen=True)
class ExpectedSchema:
    objects: dict[str, SchemaObject]
    columns: dict[str, tuple[str, ...]]             # table -> its columns, in order
    artifact_references: dict[str, tuple[str, ...]]  # table -> columns naming an artifact


@functools.lru_cache(maxsize=1)
def _expected() -> ExpectedSchema:
    """The migrations applied to an empty database, and what it then holds."""
    conn = sqlite3.connect(":memory:")
    try:
        create_migrations_table(conn)
        db = sqlite_utils.Database(conn)
        for migration in MIGRATIONS:
            migration(db)
        objects = schema_objects(conn)
        tables = [o.name for o in objects.values() if o.type == "table"]
        columns = {t: tuple(r[1] for r in conn.execute(f"PRAGMA table_info([{t}])"))
                   for t in tables}
        references = {t: tuple(r[3] for r in conn.execute(f"PRAGMA foreign_key_list([{t}])")
                               if r[2] == "artifacts") for t in tables}
        return ExpectedSchema(objects, columns, {t: c for t, c in references.items() if c})
    finally:
        conn.close()


def expected_schema() -> dict[str, SchemaObject]:
    """The objects a case of this version has: the migrations applied to an empty database."""
    return _expected().objects


def expected_columns(table: str) -> tuple[str, ...]:
    """The columns a table of this version has (empty for a table it does not have)."""
    return _expected().columns.get(table, ())


def artifact_references(table: str) -> tuple[str, ...]:
    """The columns of ``table`` that name a stored artifact by its SHA-256."""
    return _expected().artifact_references.get(table, ())


def _what_it_guards(obj: SchemaObject) -> str:
    if obj.type == "trigger":
        return f"the protection it gives table {obj.table} is off"
    if obj.type == "index" and obj.sql and "UNIQUE" in obj.sql.upper():
        return f"duplicates can be written to table {obj.table}"
    return f"part of table {obj.table}"


def schema_differences(conn: sqlite3.Connection) -> list[tuple[str, str, str | None, str | None]]:
    """What differs from the expected schema: ``(object, problem, expected, found)`` each."""
    expected = expected_schema()
    found = schema_objects(conn)
    out = []
    for name, want in expected.items():
        have = found.get(name)
        label = f"{want.type} {name}"
        if have is None:
            out.append((label, f"is missing ({_what_it_guards(want)})", want.sql, None))
        elif (have.type, have.table, have.sql) != (want.type, want.table, want.sql):
            out.append((label, "was changed: it is not the one osintdesk makes "
                        f"(table {want.table} may not be protected as it should)", want.sql,
                        have.sql if have.type == want.type else f"a {have.type}"))
    for name, have in found.items():
        if name not in expected:
            out.append((f"{have.type} {name}", f"on table {have.table} was not made by osintdesk"
                        " (it can change what is written or read)", None, have.sql))
    return out
