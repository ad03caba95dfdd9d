"""The case schema, built and upgraded by ordered, named migrations applied on open.

``PRAGMA user_version`` holds how many migrations a case has had; ``_migrations``
names them. A case with more (or unknown) migrations than this version knows was
written by a newer osintdesk and is refused before anything is written.
Append new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

import json
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


def m003_sources(db: sqlite_utils.Database) -> None:
    """Sources (web pages, files, pages inside archives), their captures, what was found in
    them (identifiers, selector hits), the investigator's notes, tags and Admiralty grading,
    and a full-text index over all of it (derived data, rebuilt from the records)."""
    db.executescript(
        """
        -- One per URL (web pages, pages in archives) or per file (by SHA-256).
        CREATE TABLE sources (
            uuid         TEXT PRIMARY KEY,
            kind         TEXT NOT NULL,          -- web | file
            identity     TEXT NOT NULL UNIQUE,   -- the URL without fragment, or file:<sha256>
            url          TEXT,
            name         TEXT NOT NULL,          -- the URL or the original file name
            reliability  TEXT CHECK (reliability IS NULL OR reliability IN ('A','B','C','D','E','F')),
            credibility  INTEGER CHECK (credibility IS NULL OR credibility BETWEEN 1 AND 6),
            assessed_utc TEXT,
            assessed_by  TEXT,
            created_utc  TEXT NOT NULL,
            examiner     TEXT NOT NULL
        );
        -- Each time a source was captured or read: never changed, never removed.
        CREATE TABLE captures (
            uuid               TEXT PRIMARY KEY,
            source_uuid        TEXT NOT NULL REFERENCES sources(uuid),
            method             TEXT NOT NULL,    -- web | file | archive
            requested_url      TEXT,
            final_url          TEXT,
            redirects          TEXT,             -- JSON: [{url, status, location}]
            status             INTEGER,
            reason             TEXT,
            http_version       TEXT,
            request_headers    TEXT,             -- JSON: [[name, value], ...] as sent
            response_headers   TEXT,             -- JSON: [[name, value], ...] as received
            server_ip          TEXT,
            started_utc        TEXT,
            captured_utc       TEXT NOT NULL,    -- when we obtained it (never the page's own date)
            user_agent         TEXT,
            proxy_used         INTEGER,
            proxy              TEXT,
            tls_verified       INTEGER,
            software           TEXT,
            app_version        TEXT NOT NULL,
            media_type         TEXT,
            charset            TEXT,
            content_encoding   TEXT,
            decode_error       TEXT,
            body_sha256        TEXT REFERENCES artifacts(sha256),
            body_size          INTEGER,
            decoded_sha256     TEXT REFERENCES artifacts(sha256),
            warc_sha256        TEXT REFERENCES artifacts(sha256),
            evidence_uuid      TEXT REFERENCES evidence(uuid),
            archive_member     TEXT,
            record_offset      INTEGER,
            record_id          TEXT,
            payload_digest     TEXT,
            document_kind      TEXT,
            title              TEXT,
            author             TEXT,
            site               TEXT,
            canonical_url      TEXT,
            published_date     TEXT,             -- the page's own date, kept apart
            published_utc      TEXT,
            published_source   TEXT,
            taken_local        TEXT,
            taken_utc          TEXT,
            camera             TEXT,
            geo_lat            REAL,
            geo_lon            REAL,
            geo_alt_m          REAL,
            metadata           TEXT,             -- JSON: EXIF, PDF info, warnings...
            text_uuid          TEXT REFERENCES derived(uuid),
            text_chars         INTEGER,
            created_utc        TEXT NOT NULL,
            examiner           TEXT NOT NULL
        );
        CREATE INDEX captures_source ON captures(source_uuid, captured_utc);
        CREATE INDEX captures_final_url ON captures(final_url);
        CREATE INDEX captures_requested_url ON captures(requested_url);
        CREATE INDEX captures_evidence ON captures(evidence_uuid);
        -- Payloads other than HTML pages (images, stylesheets...) recorded in an added WARC or
        -- WACZ, stored write-once as artifacts so the offline viewer can show the pages whole.
        CREATE TABLE archive_resources (
            uuid           TEXT PRIMARY KEY,
            evidence_uuid  TEXT NOT NULL REFERENCES evidence(uuid),
            url            TEXT NOT NULL,        -- WARC-Target-URI as recorded
            url_key        TEXT NOT NULL,        -- the URL as sources identify it (no fragment)
            status         INTEGER,
            media_type     TEXT,
            sha256         TEXT NOT NULL REFERENCES artifacts(sha256),
            size           INTEGER NOT NULL,
            captured_utc   TEXT,                 -- the record's WARC-Date
            archive_member TEXT,
            record_offset  INTEGER,
            record_id      TEXT,
            payload_digest TEXT,
            created_utc    TEXT NOT NULL,
            examiner       TEXT NOT NULL
        );
        CREATE INDEX archive_resources_url ON archive_resources(url);
        CREATE INDEX archive_resources_url_key ON archive_resources(url_key);
        CREATE INDEX archive_resources_evidence ON archive_resources(evidence_uuid);
        CREATE TABLE identifier_hits (
            uuid         TEXT PRIMARY KEY,
            capture_uuid TEXT NOT NULL REFERENCES captures(uuid),
            source_uuid  TEXT NOT NULL REFERENCES sources(uuid),
            field        TEXT NOT NULL,          -- text | title
            kind         TEXT NOT NULL,
            value        TEXT NOT NULL,
            match_key    TEXT NOT NULL,          -- value in upper case without separators
            start_offset INTEGER NOT NULL,
            end_offset   INTEGER NOT NULL,
            text         TEXT NOT NULL,
            details      TEXT,
            created_utc  TEXT NOT NULL,
            examiner     TEXT NOT NULL
        );
        CREATE INDEX identifier_hits_key ON identifier_hits(kind, match_key);
        CREATE INDEX identifier_hits_capture ON identifier_hits(capture_uuid);
        CREATE INDEX identifier_hits_source ON identifier_hits(source_uuid);
        CREATE TABLE selectors (
            uuid           TEXT PRIMARY KEY,
            name           TEXT NOT NULL,
            pattern        TEXT NOT NULL,
            is_regex       INTEGER NOT NULL,
            case_sensitive INTEGER NOT NULL,
            created_utc    TEXT NOT NULL,
            examiner       TEXT NOT NULL,
            UNIQUE (pattern, is_regex, case_sensitive)
        );
        CREATE TABLE selector_hits (
            uuid          TEXT PRIMARY KEY,
            selector_uuid TEXT NOT NULL REFERENCES selectors(uuid),
            capture_uuid  TEXT NOT NULL REFERENCES captures(uuid),
            source_uuid   TEXT NOT NULL REFERENCES sources(uuid),
            field         TEXT NOT NULL,
            start_offset  INTEGER NOT NULL,
            end_offset    INTEGER NOT NULL,
            text          TEXT NOT NULL,
            created_utc   TEXT NOT NULL,
            examiner      TEXT NOT NULL
        );
        CREATE INDEX selector_hits_selector ON selector_hits(selector_uuid);
        CREATE INDEX selector_hits_capture ON selector_hits(capture_uuid);
        CREATE TABLE source_notes (
            uuid        TEXT PRIMARY KEY,
            source_uuid TEXT NOT NULL REFERENCES sources(uuid),
            text        TEXT NOT NULL,
            created_utc TEXT NOT NULL,
            examiner    TEXT NOT NULL
        );
        CREATE INDEX source_notes_source ON source_notes(source_uuid);
        CREATE TABLE source_tags (
            uuid        TEXT PRIMARY KEY,
            source_uuid TEXT NOT NULL REFERENCES sources(uuid),
            tag         TEXT NOT NULL,
            created_utc TEXT NOT NULL,
            examiner    TEXT NOT NULL,
            UNIQUE (source_uuid, tag)
        );
        -- The full-text index is derived data (not records): search_rows maps each indexed
        -- capture, note or tag to its row in source_search.
        CREATE TABLE search_rows (
            rowid       INTEGER PRIMARY KEY,
            kind        TEXT NOT NULL,           -- capture | note | tag
            object_uuid TEXT NOT NULL UNIQUE,
            source_uuid TEXT NOT NULL,
            folded      INTEGER NOT NULL DEFAULT 0  -- 1: the indexed text had ё/Ё folded to е/Е
        );
        CREATE INDEX search_rows_source ON search_rows(source_uuid);
        CREATE VIRTUAL TABLE source_search USING fts5(
            title, url, body, identifiers, tokenize = 'unicode61 remove_diacritics 2'
        );
        """
        + _write_once("captures", "a capture")
        + _write_once("archive_resources", "an archive resource")
    )


def m004_findings(db: sqlite_utils.Database) -> None:
    """What the evidence shows: entities (FollowTheMoney schemata and properties), links
    between them, events, claims, the citations that back each of them, and sources tied
    by hand to what they are about. Aircraft stay in ``aircraft`` (they are the case's
    Airplane entities); FtM properties their columns do not hold live in an ``entities``
    row with the aircraft's uuid. (No column is added to ``aircraft``: a new column would
    change the logged state of every aircraft already in a case.)"""
    db.executescript(
        """
        -- People, organisations, places (an airport: extra.icao), and the further properties
        -- of an aircraft (same uuid as its aircraft row).
        CREATE TABLE entities (
            uuid        TEXT PRIMARY KEY,
            schema      TEXT NOT NULL,
            properties  TEXT NOT NULL,           -- JSON {ftm property: [values]}, sorted
            extra       TEXT,                    -- JSON: what FtM has no property for
            created_utc TEXT NOT NULL,
            examiner    TEXT NOT NULL
        );
        CREATE INDEX entities_schema ON entities(schema);
        -- An id merged into another stays valid: it resolves to the entity it became.
        CREATE TABLE entity_aliases (
            uuid        TEXT PRIMARY KEY,        -- the merged-away id
            entity_uuid TEXT NOT NULL,
            kind        TEXT NOT NULL,           -- entity | aircraft (where the id lived)
            reason      TEXT,
            created_utc TEXT NOT NULL,
            examiner    TEXT NOT NULL
        );
        CREATE TABLE links (
            uuid        TEXT PRIMARY KEY,
            schema      TEXT NOT NULL,           -- Ownership, Membership, ... or UnknownLink
            source_uuid TEXT NOT NULL,           -- the FtM edge's source (owner, member...)
            target_uuid TEXT NOT NULL,           -- and target (asset, organization...)
            role        TEXT,
            start_date  TEXT,                    -- partial ISO date: 2023, 2023-09, 2023-09-13
            end_date    TEXT,
            created_utc TEXT NOT NULL,
            examiner    TEXT NOT NULL
        );
        CREATE TABLE events (
            uuid        TEXT PRIMARY KEY,
            title       TEXT NOT NULL,
            start_text  TEXT NOT NULL,           -- partial ISO time in the zone it was given in
            end_text    TEXT,
            zone        TEXT NOT NULL,           -- UTC, +09:00 or an IANA name
            place_uuid  TEXT,                    -- an entity (an airport is an Address)
            involved    TEXT,                    -- JSON [entity uuid]
            description TEXT,
            created_utc TEXT NOT NULL,
            examiner    TEXT NOT NULL
        );
        CREATE TABLE claims (
            uuid        TEXT PRIMARY KEY,
            text        TEXT NOT NULL,
            status      TEXT NOT NULL CHECK (status IN ('open','supported','contested','refuted')),
            confidence  TEXT,
            assertion   TEXT,                    -- JSON: a check against the flight data
            created_utc TEXT NOT NULL,
            examiner    TEXT NOT NULL
        );
        -- What backs a claim, a link, an event or an entity.
        CREATE TABLE citations (
            uuid        TEXT PRIMARY KEY,
            owner_kind  TEXT NOT NULL,           -- claim | link | event | entity
            owner_uuid  TEXT NOT NULL,
            target_kind TEXT NOT NULL,           -- capture | source | flight | ground-time | event | entity | claim | ...
            target_uuid TEXT NOT NULL,
            stance      TEXT NOT NULL CHECK (stance IN ('supports','contradicts')),
            quote       TEXT,                    -- a passage of the capture's text
            quote_start INTEGER,                 -- its character offsets in that text
            quote_end   INTEGER,
            note        TEXT,
            -- A flight or ground stay is re-derived when more data arrives (its id can
            -- change): what was cited is also kept as the aircraft and the span seen.
            target_aircraft TEXT,
            target_first_t  REAL,
            target_last_t   REAL,
            created_utc TEXT NOT NULL,
            examiner    TEXT NOT NULL
        );
        CREATE INDEX citations_owner ON citations(owner_uuid);
        CREATE INDEX citations_target ON citations(target_uuid);
        -- A source about something it never names (an article on "the Il-62M"), by hand.
        CREATE TABLE source_ties (
            uuid        TEXT PRIMARY KEY,
            source_uuid TEXT NOT NULL REFERENCES sources(uuid),
            target_kind TEXT NOT NULL,           -- aircraft | entity | flight | event
            target_uuid TEXT NOT NULL,
            reason      TEXT NOT NULL,
            created_utc TEXT NOT NULL,
            examiner    TEXT NOT NULL,
            UNIQUE (source_uuid, target_uuid)
        );
        """
    )


def create_migrations_table(conn) -> None:
    """The table that names the migrations a case has had (made before the first one)."""
    conn.execute("CREATE TABLE IF NOT EXISTS _migrations (id INTEGER PRIMARY KEY,"
                 " name TEXT NOT NULL UNIQUE, applied_utc TEXT NOT NULL,"
                 " app_version TEXT NOT NULL)")


def m005_checkpoints(db: sqlite_utils.Database) -> None:
    """Signed checkpoints: the audit chain's head (entry and hash) signed with an examiner's
    key (minisign), so a rewritten or truncated history no longer verifies. Write-once."""
    db.executescript(
        """
        CREATE TABLE checkpoints (
            uuid        TEXT PRIMARY KEY,
            audit_seq   INTEGER NOT NULL,        -- the signed head: this entry ...
            audit_hash  TEXT NOT NULL,           -- ... with this hash
            signed_utc  TEXT NOT NULL,
            reason      TEXT NOT NULL,           -- verify | checkpoint | export | report
            key_id      TEXT NOT NULL,           -- minisign key id (hex)
            public_key  TEXT NOT NULL,           -- minisign public key (base64)
            statement   TEXT NOT NULL,           -- the signed text
            signature   TEXT NOT NULL,           -- its minisign signature (.minisig text)
            created_utc TEXT NOT NULL,
            examiner    TEXT NOT NULL
        );
        CREATE INDEX checkpoints_seq ON checkpoints(audit_seq);
        """
        + _write_once("checkpoints", "a checkpoint")
    )


def m006_timestamps(db: sqlite_utils.Database) -> None:
    """RFC 3161 timestamps over checkpoints: the TSA's token (DER) over the SHA-256 of a
    checkpoint's statement, and what it says. Added beside a checkpoint, never changing
    it. Write-once."""
    db.executescript(
        """
        CREATE TABLE timestamps (
            uuid            TEXT PRIMARY KEY,
            checkpoint_uuid TEXT NOT NULL REFERENCES checkpoints(uuid),
            tsa_url         TEXT NOT NULL,       -- where it was asked
            token           BLOB NOT NULL,       -- TimeStampToken (CMS ContentInfo, DER)
            imprint_sha256  TEXT NOT NULL,       -- SHA-256 of the checkpoint's statement
            gen_time_utc    TEXT NOT NULL,       -- the TSA's time
            serial          TEXT NOT NULL,       -- the TSA's serial number of the token
            tsa_name        TEXT NOT NULL,
            cert_subject    TEXT NOT NULL,       -- the certificate that signed the token
            cert_sha256     TEXT NOT NULL,       -- ... and its fingerprint
            policy          TEXT NOT NULL,
            created_utc     TEXT NOT NULL,
            examiner        TEXT NOT NULL
        );
        CREATE INDEX timestamps_checkpoint ON timestamps(checkpoint_uuid);
        """
        + _write_once("timestamps", "a timestamp")
    )


def m007_record_versions(db: sqlite_utils.Database) -> None:
    """Record versions (docs/exchange.md): every state a record has had, naming the
    versions it replaces, so that merging cases is a union and a conflict stays visible;
    and the audit logs of merged cases. Every record already in the case gets a first
    version. Write-once."""
    from .records import RECORD_KINDS
    from .versions import make, store
    db.executescript(
        """
        CREATE TABLE record_versions (
            version     TEXT PRIMARY KEY,        -- sha256 over kind, key, parents, state hash
            kind        TEXT NOT NULL,
            key         TEXT NOT NULL,
            parents     TEXT NOT NULL,           -- JSON sorted [version]
            state       TEXT,                    -- canonical JSON of the row; NULL: deleted
            state_hash  TEXT,
            origin_case TEXT NOT NULL,           -- the case it was made in
            created_utc TEXT NOT NULL,
            examiner    TEXT NOT NULL
        );
        CREATE INDEX record_versions_key ON record_versions(kind, key);
        CREATE TABLE version_parents (
            version     TEXT NOT NULL,
            parent      TEXT NOT NULL,
            PRIMARY KEY (version, parent)
        );
        CREATE INDEX version_parents_parent ON version_parents(parent);
        -- The audit logs of the cases merged in, verbatim: each is verified as a chain,
        -- and a later bundle from the same case must extend what is held here.
        CREATE TABLE foreign_audit (
            case_uuid   TEXT NOT NULL,
            seq         INTEGER NOT NULL,
            uuid        TEXT NOT NULL,
            time_utc    TEXT NOT NULL,
            examiner    TEXT NOT NULL,
            action      TEXT NOT NULL,
            object_type TEXT,
            object_id   TEXT,
            object_hash TEXT,
            details     TEXT NOT NULL,
            prev_hash   TEXT NOT NULL,
            entry_hash  TEXT NOT NULL,
            PRIMARY KEY (case_uuid, seq)
        );
        """
        + _write_once("record_versions", "a record version")
        + _write_once("version_parents", "a record version")
        + _write_once("foreign_audit", "a merged audit log")
    )
    conn = db.conn
    row = conn.execute("SELECT value FROM case_meta WHERE key = 'uuid'").fetchone()
    origin = row[0] if row else ""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for kind in RECORD_KINDS.values():
        if kind.table not in tables:   # a kind added by a later migration: nothing to version yet
            continue
        cursor = conn.execute(f"SELECT * FROM [{kind.table}] ORDER BY [{kind.key}]")
        names = [d[0] for d in cursor.description]
        for values in cursor.fetchall():
            record = dict(zip(names, values))
            store(conn, make(kind.name, record[kind.key], [], record, origin_case=origin,
                             created_utc=record["created_utc"], examiner=record["examiner"]))


def m008_reports(db: sqlite_utils.Database) -> None:
    """The reports register: each report made from the case (file name, format, SHA-256,
    size, options), the audit entry it names as the case's head, and whether the case
    verified when it was made. Write-once: a report made stays made."""
    db.executescript(
        """
        CREATE TABLE reports (
            uuid        TEXT PRIMARY KEY,
            file_name   TEXT NOT NULL,           -- as written, without its folder
            format      TEXT NOT NULL,           -- html | pdf
            sha256      TEXT NOT NULL,           -- of the file written
            size        INTEGER NOT NULL,
            options     TEXT NOT NULL,           -- canonical JSON: title, banner, tag, claims...
            audit_seq   INTEGER NOT NULL,        -- the head the report names ...
            audit_hash  TEXT NOT NULL,           -- ... and its hash
            verified    INTEGER NOT NULL,        -- 1: the case verified just before; 0: it failed
            made_utc    TEXT NOT NULL,
            app_version TEXT NOT NULL,
            created_utc TEXT NOT NULL,
            examiner    TEXT NOT NULL
        );
        """
        + _write_once("reports", "a report register entry")
    )


def m009_track_blocks(db: sqlite_utils.Database) -> list[tuple]:
    """Track points packed in blocks (store/trackblocks.py) instead of a row each: a
    million points are then a few inserts to write, a few reads to chart, and hashed at
    hashlib speed by verify. Write-once like the rows were. Each import's points move over
    in file order; the import's new digest is logged by a ``convert`` entry naming the
    digest of the rows it came from (``from_digest``) and whether that matched the logged
    one: a point changed before the move keeps failing verify. Returns those entries
    (action, object type, id, hash, details) for ``Case._migrate`` to log."""
    from . import trackblocks
    from .records import RowDigest
    db.executescript(
        f"""
        CREATE TABLE {trackblocks.TABLE} (
            id          INTEGER PRIMARY KEY,
            import_id   INTEGER NOT NULL,
            aircraft_id INTEGER NOT NULL,
            count       INTEGER NOT NULL,       -- points in the block
            first_t     REAL NOT NULL,          -- earliest and latest time in it
            last_t      REAL NOT NULL,
            data        BLOB NOT NULL           -- the packed columns (trackblocks.pack)
        );
        CREATE INDEX track_blocks_aircraft ON {trackblocks.TABLE}(aircraft_id, first_t);
        CREATE INDEX track_blocks_import ON {trackblocks.TABLE}(import_id);
        CREATE TRIGGER track_blocks_no_update BEFORE UPDATE ON {trackblocks.TABLE}
        BEGIN SELECT RAISE(ABORT, 'track points are observations and cannot be changed'); END;
        """)
    conn = db.conn
    entries = []
    columns = ", ".join(trackblocks.ROW_COLUMNS)
    imports = conn.execute("SELECT id, uuid FROM flight_imports ORDER BY id").fetchall()
    for import_id, import_uuid in imports:
        old = RowDigest()
        old.section("track_points")
        points = trackblocks.PointColumns()
        cursor = conn.execute(f"SELECT {columns} FROM track_points WHERE import_id = ? "
                              "ORDER BY id", (import_id,))
        while rows := cursor.fetchmany(20000):
            old.add(rows)
            by_aircraft: dict[int, list[tuple]] = {}
            for row in rows:
                by_aircraft.setdefault(row[0], []).append(row[1:])
            for aircraft_id, part in by_aircraft.items():
                points.add(aircraft_id, part)
        if not old.count:
            continue
        _, new = points.write(conn, import_id)
        logged = conn.execute(
            "SELECT object_hash FROM audit_log WHERE object_type = 'track-points' AND "
            "object_id = ? ORDER BY seq DESC LIMIT 1", (import_uuid,)).fetchone()
        from_digest = old.hexdigest()
        matched = bool(logged) and logged[0] == from_digest
        entries.append(("convert", "track-points", import_uuid,
                        new.hexdigest() if matched else f"unverified:{from_digest}",
                        {"rows": new.count, "from_digest": from_digest,
                         "from_digest_matched_log": matched}))
    db.executescript("DROP TABLE track_points;")
    return entries


def m010_sightings(db: sqlite_utils.Database) -> None:
    """Aircraft heard without a position (a snapshot lists them, no position was decoded):
    address, callsign and squawk at a time, from a flight import. Shown on the aircraft
    and the timeline, never on the map. Write-once, like the points they stand beside."""
    db.executescript(
        """
        CREATE TABLE sightings (
            uuid          TEXT PRIMARY KEY,
            import_uuid   TEXT NOT NULL REFERENCES flight_imports(uuid),
            aircraft_uuid TEXT NOT NULL REFERENCES aircraft(uuid),
            t             REAL NOT NULL,          -- UTC epoch seconds: when it was heard
            hex           TEXT,
            callsign      TEXT,
            squawk        TEXT,
            record        INTEGER,                -- entry number in the file
            details       TEXT,                   -- canonical JSON: other facts the file gave
            created_utc   TEXT NOT NULL,
            examiner      TEXT NOT NULL,
            UNIQUE (import_uuid, record, hex)     -- one entry of one file: one sighting
        );
        CREATE INDEX sightings_aircraft ON sightings(aircraft_uuid, t);
        CREATE INDEX sightings_import ON sightings(import_uuid);
        """
        + _write_once("sightings", "a sighting")
    )


def m012_retire_and_annotate(db: sqlite_utils.Database) -> None:
    """Retiring a source (set aside by the investigator: kept, its evidence untouched, hidden
    from lists and searches unless asked; un-retiring deletes the retirement, both logged),
    and notes and tags on flights, aircraft and evidence files (``object_kind``), beside
    the sources' own notes and tags."""
    db.executescript(
        """
        CREATE TABLE source_retirements (
            uuid        TEXT PRIMARY KEY,
            source_uuid TEXT NOT NULL REFERENCES sources(uuid),
            reason      TEXT,
            created_utc TEXT NOT NULL,
            examiner    TEXT NOT NULL
        );
        CREATE INDEX source_retirements_source ON source_retirements(source_uuid);
        CREATE TABLE object_notes (
            uuid        TEXT PRIMARY KEY,
            object_kind TEXT NOT NULL,           -- flight | aircraft | evidence
            object_uuid TEXT NOT NULL,
            text        TEXT NOT NULL,
            created_utc TEXT NOT NULL,
            examiner    TEXT NOT NULL
        );
        CREATE INDEX object_notes_object ON object_notes(object_kind, object_uuid);
        CREATE TABLE object_tags (
            uuid        TEXT PRIMARY KEY,
            object_kind TEXT NOT NULL,
            object_uuid TEXT NOT NULL,
            tag         TEXT NOT NULL,
            created_utc TEXT NOT NULL,
            examiner    TEXT NOT NULL,
            UNIQUE (object_kind, object_uuid, tag)
        );
        """
    )


def m013_identifiers_per_capture(db: sqlite_utils.Database) -> list[tuple]:
    """Identifiers found in a capture become one bulk group per capture (records.IDENTIFIERS),
    logged as one entry with the digest of its rows instead of one entry and one record
    version per identifier (issue 16). The rows stay as they are. Each capture's group is
    logged by a ``convert`` entry; when a row of it no longer hashes to its last logged
    state, or a logged one is gone, the entry's hash is ``unverified:DIGEST`` so a change
    made before the move keeps failing verify. The per-identifier versions are removed
    (identifiers no longer travel or merge as records; the audit log keeps every entry
    that made them). Returns the entries for ``Case._migrate`` to log."""
    from .canonical import decoded
    from .records import IDENTIFIERS, group_digest, state_hash
    conn = db.conn
    logged: dict[str, tuple[str, str | None]] = {}
    for object_id, action, object_hash in conn.execute(
            "SELECT object_id, action, object_hash FROM audit_log WHERE object_type = "
            "'identifier' ORDER BY seq"):
        logged[object_id] = (action, object_hash)
    rows_of: dict[str, int] = {}
    altered: set[str] = set()
    cursor = conn.execute("SELECT * FROM identifier_hits ORDER BY capture_uuid")
    names = [d[0] for d in cursor.description]
    while chunk := cursor.fetchmany(20000):
        for values in chunk:
            row = dict(zip(names, values))
            group = row["capture_uuid"]
            rows_of[group] = rows_of.get(group, 0) + 1
            action, logged_hash = logged.pop(row["uuid"], ("", None))
            if action == "delete" or logged_hash != state_hash(row):
                altered.add(group)
    # Logged, not deleted, and gone: the capture its last version named (else its own id).
    for uuid, (action, _) in logged.items():
        if action == "delete":
            continue
        version = conn.execute("SELECT state FROM record_versions WHERE kind = 'identifier' "
                               "AND key = ? AND state IS NOT NULL LIMIT 1", (uuid,)).fetchone()
        state = decoded(json.loads(version[0])) if version else {}
        altered.add(state.get("capture_uuid") or uuid)
    entries = []
    for group in sorted(set(rows_of) | altered):
        digest, count = group_digest(conn, IDENTIFIERS, group)
        matched = group not in altered
        entries.append(("convert", IDENTIFIERS.name, group,
                        digest if matched else f"unverified:{digest}",
                        {"rows": count, "from": "one entry per identifier",
                         "matched_log": matched}))
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND "
                            "tbl_name IN ('record_versions', 'version_parents') AND "
                            "name LIKE '%_no_delete'").fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER [{name}]")
    conn.execute("DELETE FROM version_parents WHERE version IN (SELECT version FROM "
                 "record_versions WHERE kind = 'identifier')")
    conn.execute("DELETE FROM record_versions WHERE kind = 'identifier'")
    for _, sql in triggers:
        conn.execute(sql)
    return entries


Migration = Callable[[sqlite_utils.Database], list | None]

MIGRATIONS: list[Migration] = [
    m001_case_file,
    m002_flights,
    m003_sources,
    m004_findings,
    m005_checkpoints,
    m006_timestamps,
    m007_record_versions,
    m008_reports,
    m009_track_blocks,
    m010_sightings,
    m012_retire_and_annotate,
    m013_identifiers_per_capture,
]

SCHEMA_VERSION = len(MIGRATIONS)


def migration_names() -> list[str]:
    return [m.__name__ for m in MIGRATIONS]
