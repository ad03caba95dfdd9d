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


def m002_flights(db: sqlite_utils.Database) -> None:
    """Flight files, aircraft, track points and the flights, gaps and ground times derived from them."""
    db.executescript(
        """
        CREATE TABLE flight_imports (
            id               INTEGER PRIMARY KEY,
            uuid             TEXT NOT NULL UNIQUE,
            evidence_uuid    TEXT NOT NULL REFERENCES evidence(uuid),
            sha256           TEXT NOT NULL UNIQUE REFERENCES artifacts(sha256),
            original_name    TEXT,
            importer         TEXT NOT NULL,
            importer_version TEXT NOT NULL,
            points           INTEGER NOT NULL,
            duplicates       INTEGER NOT NULL,
            skipped          INTEGER NOT NULL,
            skipped_reasons  TEXT,
            file_flights     TEXT,
            aircraft_uuids   TEXT,
            created_utc      TEXT NOT NULL,
            examiner         TEXT NOT NULL
        );
        CREATE TABLE aircraft (
            id                   INTEGER PRIMARY KEY,
            uuid                 TEXT NOT NULL UNIQUE,
            hex                  TEXT UNIQUE,
            registration         TEXT,
            type_code            TEXT,
            type_name            TEXT,
            operator             TEXT,
            hex_country          TEXT,
            hex_military         INTEGER,
            registration_country TEXT,
            label                TEXT NOT NULL,
            created_utc          TEXT NOT NULL,
            examiner             TEXT NOT NULL
        );
        CREATE INDEX aircraft_registration ON aircraft(registration);
        -- Observed positions; never edited (a trigger refuses), removed only with their import.
        -- Integer references keep a million points small (half the size of uuid text).
        CREATE TABLE track_points (
            id            INTEGER PRIMARY KEY,
            import_id     INTEGER NOT NULL,
            aircraft_id   INTEGER NOT NULL,
            t             REAL NOT NULL,
            lat           REAL NOT NULL,
            lon           REAL NOT NULL,
            alt_ft        REAL,
            gs_kt         REAL,
            track_deg     REAL,
            vrate_fpm     REAL,
            on_ground     INTEGER,
            callsign      TEXT,
            squawk        TEXT,
            leg_start     INTEGER NOT NULL DEFAULT 0,
            stale         INTEGER NOT NULL DEFAULT 0,
            record        INTEGER
        );
        CREATE UNIQUE INDEX track_points_position ON track_points(aircraft_id, t, lat, lon);
        CREATE INDEX track_points_import ON track_points(import_id);
        CREATE TRIGGER track_points_no_update BEFORE UPDATE ON track_points
        BEGIN SELECT RAISE(ABORT, 'track points are observations and cannot be changed'); END;
        -- Derived from the points: recomputed for an aircraft when its points change.
        CREATE TABLE flights (
            uuid                    TEXT PRIMARY KEY,
            aircraft_uuid           TEXT NOT NULL REFERENCES aircraft(uuid),
            first_t                 REAL NOT NULL,
            last_t                  REAL NOT NULL,
            duration_s              REAL NOT NULL,
            distance_km             REAL NOT NULL,
            max_alt_ft              REAL,
            callsigns               TEXT,
            flight_number           TEXT,
            origin                  TEXT,
            origin_distance_km      REAL,
            origin_source           TEXT,
            destination             TEXT,
            destination_distance_km REAL,
            destination_source      TEXT,
            point_count             INTEGER NOT NULL,
            gap_count               INTEGER NOT NULL,
            gap_distance_km         REAL,
            squawks                 TEXT,
            origin_name             TEXT,
            origin_basis            TEXT,
            destination_name        TEXT,
            destination_basis       TEXT,
            departed_ground         INTEGER,
            arrived_ground          INTEGER,
            start_reason            TEXT,
            end_reason              TEXT,
            notes                   TEXT,
            first_lat REAL, first_lon REAL, first_alt_ft REAL,
            last_lat REAL, last_lon REAL, last_alt_ft REAL
        );
        CREATE INDEX flights_aircraft ON flights(aircraft_uuid, first_t);
        CREATE TABLE coverage_gaps (
            uuid          TEXT PRIMARY KEY,
            flight_uuid   TEXT NOT NULL REFERENCES flights(uuid),
            aircraft_uuid TEXT NOT NULL,
            start_t       REAL NOT NULL,
            end_t         REAL NOT NULL,
            duration_s    REAL NOT NULL,
            start_lat REAL, start_lon REAL, start_alt_ft REAL,
            end_lat REAL, end_lon REAL, end_alt_ft REAL,
            distance_km   REAL
        );
        CREATE INDEX coverage_gaps_flight ON coverage_gaps(flight_uuid);
        CREATE TABLE ground_times (
            uuid          TEXT PRIMARY KEY,
            aircraft_uuid TEXT NOT NULL REFERENCES aircraft(uuid),
            airport       TEXT,
            airport_name  TEXT,
            start_t       REAL NOT NULL,
            end_t         REAL NOT NULL,
            duration_s    REAL NOT NULL,
            lat           REAL,
            lon           REAL,
            distance_km   REAL,
            observed      INTEGER,
            description   TEXT,
            after_flight  TEXT,
            before_flight TEXT
        );
        CREATE INDEX ground_times_aircraft ON ground_times(aircraft_uuid, start_t);
        """
    )


Migration = Callable[[sqlite_utils.Database], None]

MIGRATIONS: list[Migration] = [
    m001_case_file,
    m002_flights,
]

SCHEMA_VERSION = len(MIGRATIONS)


def migration_names() -> list[str]:
    return [m.__name__ for m in MIGRATIONS]
