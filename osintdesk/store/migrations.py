"""The case schema, built and upgraded by ordered, named migrations applied on open.

``PRAGMA user_version`` holds how many migrations a case has had; ``_migrations``
names them. A case with more (or unknown) migrations than this version knows was
written by a newer osintdesk and is refused before anything is written.
Append new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

from typing import Callable

import sqlite_utils

# 'OSND' — identifies an osintdesk case among SQLite files (PRAGMA application_id).
APPLICATION_ID = 0x4F534E44


def _write_once(table: str, what: str) -> str:
    return f"""
    CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
    BEGIN SELECT RAISE(ABORT, '{what} is write-once and cannot be changed'); END;
    CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
    BEGIN SELECT RAISE(ABORT, '{what} is write-once and cannot be deleted'); END;
    """


def m001_case_file(db: sqlite_utils.Database) -> None:
    """Case metadata, the write-once evidence store, derived data and the audit log."""
    db.executescript(
        """
        CREATE TABLE case_meta (
            key   TEXT PRIMARY KEY,
            value TEXT
        );
        CREATE TABLE artifacts (
            sha256      TEXT PRIMARY KEY,
            uuid        TEXT NOT NULL UNIQUE,
            size        INTEGER NOT NULL,
            chunk_size  INTEGER NOT NULL,
            created_utc TEXT NOT NULL,
            examiner    TEXT NOT NULL
        );
        CREATE TABLE artifact_chunks (
            sha256 TEXT NOT NULL REFERENCES artifacts(sha256),
            seq    INTEGER NOT NULL,
            data   BLOB NOT NULL,
            UNIQUE (sha256, seq)
        );
        CREATE TABLE evidence (
            uuid               TEXT PRIMARY KEY,
            sha256             TEXT NOT NULL REFERENCES artifacts(sha256),
            kind               TEXT NOT NULL,
            original_name      TEXT,
            original_path      TEXT,
            original_mtime_utc TEXT,
            media_type         TEXT,
            size               INTEGER NOT NULL,
            details            TEXT,
            created_utc        TEXT NOT NULL,
            examiner           TEXT NOT NULL
        );
        CREATE INDEX evidence_sha256 ON evidence(sha256);
        CREATE TABLE derived (
            uuid          TEXT PRIMARY KEY,
            origin_sha256 TEXT NOT NULL REFERENCES artifacts(sha256),
            kind          TEXT NOT NULL,
            producer      TEXT NOT NULL,
            media_type    TEXT,
            content       BLOB NOT NULL,
            sha256        TEXT NOT NULL,
            created_utc   TEXT NOT NULL,
            examiner      TEXT NOT NULL
        );
        CREATE INDEX derived_origin ON derived(origin_sha256);
        CREATE TABLE audit_log (
            seq         INTEGER PRIMARY KEY,
            uuid        TEXT NOT NULL UNIQUE,
            time_utc    TEXT NOT NULL,
            examiner    TEXT NOT NULL,
            action      TEXT NOT NULL,
            object_type TEXT,
            object_id   TEXT,
            object_hash TEXT,
            details     TEXT NOT NULL,
            prev_hash   TEXT NOT NULL,
            entry_hash  TEXT NOT NULL UNIQUE
        );
        CREATE INDEX audit_object ON audit_log(object_type, object_id);
        """
        + _write_once("artifacts", "evidence")
        + _write_once("artifact_chunks", "evidence")
        + _write_once("audit_log", "the audit log")
    )


Migration = Callable[[sqlite_utils.Database], None]

MIGRATIONS: list[Migration] = [
    m001_case_file,
]

SCHEMA_VERSION = len(MIGRATIONS)


def migration_names() -> list[str]:
    return [m.__name__ for m in MIGRATIONS]
