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


@functools.lru_cache(maxsize=1)
def expected_schema() -> dict[str, SchemaObject]:
    """The objects a case of this version has: the migrations applied to an empty database."""
    conn = sqlite3.connect(":memory:")
    try:
        create_migrations_table(conn)
        db = sqlite_utils.Database(conn)
        for migration in MIGRATIONS:
            migration(db)
        return schema_objects(conn)
    finally:
        conn.close()


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
