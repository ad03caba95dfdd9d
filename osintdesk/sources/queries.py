"""Reading sources back out of a case: lists, one capture in full, and the links to aircraft.

Plain dict rows for the CLI (``--json``), the window's models and the tests.
"""

from __future__ import annotations

import json
from typing import Any

from .acquire.identifiers import DATE
from ..flights import queries as flight_queries
from ..flights.identifiers import ICAO24, REGISTRATION
from ..errors import InputError
from ..store import Case
from ..timefmt import record_date
from .ingest import url_identity
from .text import match_key

MAX_RESOURCE_BYTES = 20 * 1024 * 1024
AIRCRAFT_KINDS = (REGISTRATION, ICAO24)
_JSON_COLUMNS = ("redirects", "request_headers", "response_headers", "metadata")

_SOURCE_ROWS = """
SELECT s.uuid, s.kind, s.name, s.url, s.reliability, s.credibility, s.assessed_utc,
       s.assessed_by, s.created_utc, s.examiner,
       c.uuid AS latest_capture, coalesce(c.title, s.name) AS title, c.status, c.method,
       c.published_date, c.document_kind, c.media_type,
       n.captures, n.first_captured_utc, n.last_captured_utc,
       (SELECT group_concat(tag, ', ') FROM (SELECT tag FROM source_tags t
            WHERE t.source_uuid = s.uuid ORDER BY tag)) AS tags,
       (SELECT count(*) FROM source_notes o WHERE o.source_uuid = s.uuid) AS notes,
       (SELECT group_concat(value, ', ') FROM (SELECT DISTINCT value FROM identifier_hits h
            WHERE h.source_uuid = s.uuid AND h.kind IN ('registration', 'icao24', 'callsign')
            ORDER BY value)) AS identifiers,
       r.created_utc AS retired_utc, r.reason AS retired_reason, r.examiner AS retired_by
FROM sources s
JOIN (SELECT source_uuid, count(*) AS captures, min(captured_utc) AS first_captured_utc,
             max(captured_utc) AS last_captured_utc FROM captures GROUP BY source_uuid) n
     ON n.source_uuid = s.uuid
JOIN captures c ON c.uuid = (SELECT uuid FROM captures WHERE source_uuid = s.uuid
                             ORDER BY captured_utc DESC, created_utc DESC LIMIT 1)
LEFT JOIN source_retirements r ON r.uuid = (SELECT uuid FROM source_retirements
                                            WHERE source_uuid = s.uuid
                                            ORDER BY created_utc DESC, uuid LIMIT 1)
"""


def grading(row: dict) -> str:
    """The Admiralty grade as written: ``B2``, ``B-``, ``-3`` or empty when not assessed."""
    if not row.get("reliability") and not row.get("credibility"):
        return ""
    return f"{row.get('reliability') or '-'}{row.get('credibility') or '-'}"


def site(url: str | None) -> str:
    """The site a web source comes from (``news.example``), empty for a file."""
    from urllib.parse import urlsplit
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.")


def _with_grading(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["grading"] = grading(row)
        row["site"] = site(row.get("url"))
    return rows


_NOT_RETIRED = "NOT EXISTS (SELECT 1 FROM source_retirements x WHERE x.source_uuid = s.uuid)"


def count_sources(case: Case, *, include_retired: bool = True) -> int:
    sql = "SELECT count(*) FROM sources s"
    return case.conn.execute(sql if include_retired else f"{sql} WHERE {_NOT_RETIRED}").fetchone()[0]


def list_sources(case: Case, *, offset: int = 0, limit: int | None = None,
                 source_uuids: list[str] | None = None, include_retired: bool = True
                 ) -> list[dict]:
    """Sources, most recently captured first, with their latest capture's title and status.

    A retired source carries ``retired_utc``, ``retired_reason`` and ``retired_by`` (else
    None); ``include_retired=False`` leaves retired sources out (the lists the investigator
    reads hide them unless asked)."""
    sql, params, where = _SOURCE_ROWS, [], []
    if source_uuids is not None:
        if not source_uuids:
            return []
        where.append(f"s.uuid IN ({', '.join('?' * len(source_uuids))})")
        params += list(source_uuids)
    if not include_retired:
        where.append(_NOT_RETIRED)
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY n.last_captured_utc DESC, s.uuid"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    return _with_grading(list(case.db.query(sql, params)))


def get_source(case: Case, source_uuid: str) -> dict | None:
    rows = list_sources(case, source_uuids=[source_uuid])
    return rows[0] if rows else None


def source_exists(case: Case, source_uuid: str) -> bool:
    return case.conn.execute("SELECT 1 FROM sources WHERE uuid = ?",
                             (source_uuid,)).fetchone() is not None


def resolve_source(case: Case, ref: str) -> dict:
    """A source by its id (or a unique start of it, 4+ characters), its URL or its file name."""
    ref = ref.strip()
    rows = case.conn.execute(
        "SELECT uuid FROM sources WHERE uuid = ? OR identity = ? OR url = ? OR name = ?",
        (ref, ref, ref, ref)).fetchall()
    if not rows and len(ref) >= 4 and all(c in "0123456789abcdef-" for c in ref.lower()):
        rows = case.conn.execute("SELECT uuid FROM sources WHERE uuid LIKE ?",
                                 (ref.lower() + "%",)).fetchall()
    if not rows:
        raise InputError("no source in the case has this id, URL or name", path=f"source {ref}")
    if len(rows) > 1:
        raise InputError(f"{len(rows)} sources match; give more of the id",
                         path=f"source {ref}")
    return get_source(case, rows[0][0])


# ----------------------------------------------------------------------------- captures


def resolve_capture(case: Case, ref: str) -> str:
    """A capture's uuid from the uuid or a unique start of it (4+ characters)."""
    ref = ref.strip().lower()
    rows = case.conn.execute("SELECT uuid FROM captures WHERE uuid = ?", (ref,)).fetchall()
    if not rows and len(ref) >= 4 and all(c in "0123456789abcdef-" for c in ref):
        rows = case.conn.execute("SELECT uuid FROM captures WHERE uuid LIKE ?",
                                 (ref + "%",)).fetchall()
    if len(rows) != 1:
        raise InputError("no capture has this id" if not rows else
                         f"{len(rows)} captures match; give more of the id",
                         path=f"capture {ref}")
    return rows[0][0]


def _decode_capture(row: dict) -> dict:
    for key in _JSON_COLUMNS:
        if row.get(key):
            try:
                row[key] = json.loads(row[key])
            except ValueError:
                pass
    return row


def capture_warnings(capture: dict) -> list[str]:
    """What the capture's reading said it could not do (text read from the first 4 MiB only,
    identifiers past the first 1,000 counted, a library's warning), from a capture row as
    ``captures_of`` or ``get_capture`` give it. These are the program's words, not notes: the
    investigator's notes are their own audited records."""
    metadata = capture.get("metadata")
    warnings = metadata.get("warnings") if isinstance(metadata, dict) else None
    return [str(w) for w in warnings or []]


def source_warnings(captures: list[dict]) -> list[tuple[dict, str]]:
    """Each warning of these captures (``captures_of``'s rows) with the capture it is about."""
    return [(c, w) for c in captures for w in capture_warnings(c)]


def captures_of(case: Case, source_uuid: str) -> list[dict]:
    """A source's captures, newest first, without their text."""
    return [_decode_capture(r) for r in case.db.query(
        "SELECT c.*, e.original_name, e.sha256 AS evidence_sha256 FROM captures c "
        "LEFT JOIN evidence e ON e.uuid = c.evidence_uuid WHERE c.source_uuid = ? "
        "ORDER BY c.captured_utc DESC, c.created_utc DESC", [source_uuid])]


def located_captures(case: Case) -> list[dict]:
    """Captures that carry a position (a photo's EXIF GPS, a file's location), in capture
    order: the source's ``name``, ``geo_lat``, ``geo_lon`` (degrees), ``geo_alt_m``,
    ``document_kind``, ``taken_utc``, ``captured_utc``, ``title`` and the capture's ``uuid``
    and ``source_uuid``."""
    return list(case.db.query(
        "SELECT s.name, c.geo_lat, c.geo_lon, c.geo_alt_m, c.document_kind, c.taken_utc, "
        "c.captured_utc, c.title, c.uuid, c.source_uuid "
        "FROM captures c JOIN sources s ON s.uuid = c.source_uuid "
        "WHERE c.geo_lat IS NOT NULL AND c.geo_lon IS NOT NULL ORDER BY c.captured_utc"))


def archived_captures(case: Case) -> list[dict]:
    """Captures whose WARC the case keeps (a web capture's own, or the WARC file a page was
    read from), in capture order: ``uuid``, ``source_uuid``, ``method``, ``requested_url``,
    ``final_url``, ``status``, ``title``, ``captured_utc``, ``warc_sha256``,
    ``warc_size`` (bytes), ``record_offset`` and ``record_id`` (where the page's record is
    in that WARC)."""
    return list(case.db.query(
        "SELECT c.uuid, c.source_uuid, c.method, c.requested_url, c.final_url, c.status, "
        "c.title, c.captured_utc, c.warc_sha256, a.size AS warc_size, c.record_offset, "
        "c.record_id FROM captures c JOIN artifacts a ON a.sha256 = c.warc_sha256 "
        "ORDER BY c.captured_utc, c.created_utc, c.uuid"))


def get_capture(case: Case, capture_uuid: str) -> dict:
    """One capture with everything known about it (JSON columns decoded, evidence file)."""
    rows = list(case.db.query(
        "SELECT c.*, e.original_name, e.original_path, e.original_mtime_utc, "
        "e.sha256 AS evidence_sha256, e.kind AS evidence_kind, d.sha256 AS text_sha256 "
        "FROM captures c LEFT JOIN evidence e ON e.uuid = c.evidence_uuid "
        "LEFT JOIN derived d ON d.uuid = c.text_uuid WHERE c.uuid = ?", [capture_uuid]))
    if not rows:
        raise InputError("no such capture in the case", path=f"capture {capture_uuid}")
    return _decode_capture(rows[0])


def capture_text(case: Case, capture_uuid: str) -> str:
    """The text extracted from a capture ("" when it has none)."""
    row = case.conn.execute(
        "SELECT d.content FROM captures c JOIN derived d ON d.uuid = c.text_uuid "
        "WHERE c.uuid = ?", (capture_uuid,)).fetchone()
    return bytes(row[0]).decode("utf-8") if row else ""


def viewable_sha256(capture: dict) -> str | None:
    """The artifact to show: the decoded body when the server encoded it, else the body."""
    return capture.get("decoded_sha256") or capture.get("body_sha256")


def identifier_hits(case: Case, capture_uuid: str, field: str | None = None) -> list[dict]:
    sql = "SELECT * FROM identifier_hits WHERE capture_uuid = ?"
    params: list[Any] = [capture_uuid]
    if field:
        sql += " AND field = ?"
        params.append(field)
    return list(case.db.query(sql + " ORDER BY field, start_offset", params))


def selector_hits_of(case: Case, capture_uuid: str) -> list[dict]:
    return list(case.db.query(
        "SELECT h.*, s.name AS selector, s.pattern FROM selector_hits h "
        "JOIN selectors s ON s.uuid = h.selector_uuid WHERE h.capture_uuid = ? "
        "ORDER BY h.field, h.start_offset", [capture_uuid]))


def notes_of(case: Case, source_uuid: str) -> list[dict]:
    return list(case.db.query("SELECT * FROM source_notes WHERE source_uuid = ? "
                              "ORDER BY created_utc, uuid", [source_uuid]))


def tags_of(case: Case, source_uuid: str) -> list[dict]:
    return list(case.db.query("SELECT * FROM source_tags WHERE source_uuid = ? ORDER BY tag",
                              [source_uuid]))


def case_tags(case: Case) -> list[dict]:
    """Every tag in the case with how many sources carry it (``tag``, ``sources``), by tag."""
    return list(case.db.query("SELECT tag, count(DISTINCT source_uuid) AS sources "
                              "FROM source_tags GROUP BY tag ORDER BY tag"))


def _url_key(url: str) -> str:
    try:
        return url_identity(url)
    except ValueError:
        return url


def resource_for_url(case: Case, url: str) -> tuple[bytes, str | None] | None:
    """The newest successful capture of ``url`` in the case, or else the newest image,
    stylesheet... recorded under that URL in an added WARC/WACZ, for the offline viewer.

    Returns (bytes as shown, media type) or None: nothing outside the case is ever fetched.
    """
    row = case.conn.execute(
        "SELECT coalesce(decoded_sha256, body_sha256), media_type, body_size FROM captures "
        "WHERE (final_url = ? OR requested_url = ?) AND body_sha256 IS NOT NULL "
        "AND (status IS NULL OR status BETWEEN 200 AND 299) "
        "ORDER BY captured_utc DESC LIMIT 1", (url, url)).fetchone()
    if row is None:
        # Images, stylesheets... recorded in an added WARC/WACZ.
        row = case.conn.execute(
            "SELECT sha256, media_type, size FROM archive_resources "
            "WHERE url = ? OR url_key = ? ORDER BY url = ? DESC, captured_utc DESC LIMIT 1",
            (url, _url_key(url), url)).fetchone()
    if row is None or (row[2] or 0) > MAX_RESOURCE_BYTES:
        return None
    return case.read_artifact(row[0]), row[1]


# ----------------------------------------------------------------------------- for the CLI


def sources_report(case: Case, *, include_retired: bool = True) -> list[dict]:
    """Every source with its captures and their hashes (``osintdesk sources --json``)."""
    out = []
    for source in list_sources(case, include_retired=include_retired):
        captures = []
        for c in captures_of(case, source["uuid"]):
            captures.append({**{k: c.get(k) for k in (
                "uuid", "method", "captured_utc", "published_date", "status", "requested_url",
                "final_url", "title", "server_ip", "body_sha256", "body_size", "decoded_sha256",
                "warc_sha256", "evidence_sha256", "original_name", "archive_member",
                "record_offset", "examiner", "app_version", "proxy_used", "user_agent")},
                             "warnings": capture_warnings(c)})
        notes = [{k: n[k] for k in ("uuid", "text", "created_utc", "examiner")}
                 for n in notes_of(case, source["uuid"])]
        out.append({**source, "tags": [t["tag"] for t in tags_of(case, source["uuid"])],
                    "notes": notes, "captures": captures,
                    "identifiers": identifiers_of_source(case, source["uuid"])})
    return out


def identifiers_of_source(case: Case, source_uuid: str) -> list[dict]:
    """Every identifier found in a source's captures: its kind, value as read, normalised
    value (what matches it elsewhere), the text as written, where it is (capture, field,
    start and end character offsets) and what the reference tables say of it."""
    found = []
    for hit in case.db.query(
            "SELECT h.* FROM identifier_hits h JOIN captures c ON c.uuid = h.capture_uuid "
            "WHERE h.source_uuid = ? ORDER BY c.captured_utc, h.capture_uuid, h.field, "
            "h.start_offset, h.kind", [source_uuid]):
        details = None
        if hit["details"]:
            try:
                details = json.loads(hit["details"])
            except ValueError:
                details = hit["details"]
        found.append({"kind": hit["kind"], "value": hit["value"], "normalised": hit["match_key"],
                      "text": hit["text"], "details": details,
                      "position": {"capture": hit["capture_uuid"], "field": hit["field"],
                                   "start": hit["start_offset"], "end": hit["end_offset"]}})
    return found


# ----------------------------------------------------------------------------- aircraft


def _aircraft_keys(aircraft: dict) -> list[tuple[str, str]]:
    keys = []
    if aircraft.get("registration"):
        keys.append((REGISTRATION, match_key(aircraft["registration"])))
    if aircraft.get("hex"):
        keys.append((ICAO24, match_key(aircraft["hex"])))
    return keys


def _flight_days(flights: list[dict]) -> set[str]:
    """The UTC dates on which these flights (``flights.queries.select_flights`` rows) took
    off or landed."""
    return {record_date(f[key]) for f in flights for key in ("first_t", "last_t")}


def sources_for_aircraft(case: Case, aircraft_uuid: str) -> list[dict]:
    """Sources that name the aircraft (its registration or its ICAO 24-bit address).

    Each row is a source (as ``list_sources``) with ``mentions``: the hits that name the
    aircraft, and ``flight_dates``: dates the source names on which the aircraft flew.
    """
    aircraft = case.get_record("aircraft", aircraft_uuid)
    if aircraft is None:
        raise InputError("no such aircraft in the case", path=f"aircraft {aircraft_uuid}")
    mentions: dict[str, list[dict]] = {}
    for kind, key in _aircraft_keys(aircraft):
        for hit in case.db.query(
                "SELECT source_uuid, capture_uuid, field, kind, value, text, start_offset, "
                "end_offset FROM identifier_hits WHERE kind = ? AND match_key = ? "
                "ORDER BY source_uuid, capture_uuid, start_offset", [kind, key]):
            mentions.setdefault(hit.pop("source_uuid"), []).append(hit)
    if not mentions:
        return []
    days = _flight_days(flight_queries.select_flights(case, aircraft_uuids=[aircraft_uuid]))
    named: dict[str, set[str]] = {}   # the dates each source names, read in one query
    for source_uuid, value in case.conn.execute(
            "SELECT DISTINCT source_uuid, value FROM identifier_hits WHERE kind = ? "
            f"AND source_uuid IN ({', '.join('?' * len(mentions))})", (DATE, *mentions)):
        named.setdefault(source_uuid, set()).add(value)
    rows = list_sources(case, source_uuids=list(mentions))
    for row in rows:
        row["mentions"] = mentions[row["uuid"]]
        row["flight_dates"] = sorted(named.get(row["uuid"], set()) & days)
    return rows


def sources_for_flight(case: Case, flight_uuid: str) -> list[dict]:
    """Sources that name the flight's aircraft; those naming the flight's date come first."""
    flights = flight_queries.select_flights(case, flight_uuids=[flight_uuid])
    if not flights:
        raise InputError("no such flight in the case", path=f"flight {flight_uuid}")
    days = _flight_days(flights)
    rows = sources_for_aircraft(case, flights[0]["aircraft_uuid"])
    for source in rows:
        source["flight_dates"] = sorted(set(source["flight_dates"]) & days)
    return sorted(rows, key=lambda s: not s["flight_dates"])


def aircraft_for_source(case: Case, source_uuid: str) -> list[dict]:
    """The case's aircraft that a source names (``flights.queries.aircraft`` rows), each
    with its ``flights`` (``flights.queries.select_flights`` rows)."""
    named = {(kind, key) for kind, key in case.conn.execute(
        "SELECT DISTINCT kind, match_key FROM identifier_hits WHERE source_uuid = ? "
        "AND kind IN (?, ?)", (source_uuid, *AIRCRAFT_KINDS))}
    if not named:
        return []
    planes = [a for a in flight_queries.aircraft(case) if named & set(_aircraft_keys(a))]
    flights: dict[str, list[dict]] = {a["uuid"]: [] for a in planes}
    if planes:
        for flight in flight_queries.select_flights(case, aircraft_uuids=list(flights)):
            flights[flight["aircraft_uuid"]].append(flight)
    return [{**a, "flights": flights[a["uuid"]]} for a in planes]


# ----------------------------------------------------------------------------- timeline


def timeline_sources(case: Case) -> list[dict]:
    """Every source with what the timeline marks: ``uuid``, ``name``, ``title`` (of its
    latest capture), ``published_date`` (the page's own text) and ``published_utc`` (its
    UTC reading) of the first capture that gave one (else ``published_date`` alone, of the
    first capture that gave a day without a time), ``captured`` (the record form of each
    capture's time, oldest first) and ``tags`` (a list), in the order of first capture."""
    rows = {}
    for row in case.db.query(
            "SELECT s.uuid, s.name, c.title, c.published_date, c.published_utc, c.captured_utc "
            "FROM sources s JOIN captures c ON c.source_uuid = s.uuid "
            "ORDER BY c.captured_utc, c.created_utc, c.uuid"):
        source = rows.setdefault(row["uuid"], {
            "uuid": row["uuid"], "name": row["name"], "title": None, "published_date": None,
            "published_utc": None, "captured": [], "tags": []})
        source["captured"].append(row["captured_utc"])
        source["title"] = row["title"] or source["title"]
        if source["published_utc"] is None and row["published_utc"]:
            source["published_date"], source["published_utc"] = row["published_date"], row["published_utc"]
        elif source["published_date"] is None and row["published_date"]:
            source["published_date"] = row["published_date"]  # a day alone: no UTC reading
    for source_uuid, tag in case.conn.execute("SELECT source_uuid, tag FROM source_tags ORDER BY tag"):
        if source_uuid in rows:
            rows[source_uuid]["tags"].append(tag)
    return list(rows.values())


def aircraft_named_by_sources(case: Case) -> dict[str, set[str]]:
    """For each source that names aircraft of the case (registration or ICAO 24-bit
    address), the uuids of those aircraft."""
    by_key: dict[tuple[str, str], list[str]] = {}
    for plane in flight_queries.aircraft_names(case):
        for key in _aircraft_keys(plane):
            by_key.setdefault(key, []).append(plane["uuid"])
    found: dict[str, set[str]] = {}
    for source_uuid, kind, key in case.conn.execute(
            "SELECT DISTINCT source_uuid, kind, match_key FROM identifier_hits WHERE kind IN (?, ?)",
            AIRCRAFT_KINDS):
        for plane in by_key.get((kind, key), ()):
            found.setdefault(source_uuid, set()).add(plane)
    return found


def sources_tagged(case: Case, tag: str) -> list[str]:
    """The ids of the sources carrying ``tag``, in id order."""
    return [r["source_uuid"] for r in case.db.query(
        "SELECT DISTINCT source_uuid FROM source_tags WHERE tag = ? ORDER BY source_uuid", [tag])]


# ----------------------------------------------------------------------------- notes and tags on anything


def notes_on(case: Case, kind: str, uuid: str) -> list[dict]:
    """The notes on a source, flight, aircraft or evidence file, oldest first (``uuid``,
    ``text``, ``created_utc``, ``examiner``)."""
    if kind == "source":
        return notes_of(case, uuid)
    return list(case.db.query("SELECT * FROM object_notes WHERE object_kind = ? AND "
                              "object_uuid = ? ORDER BY created_utc, uuid", [kind, uuid]))


def tags_on(case: Case, kind: str, uuid: str) -> list[dict]:
    """The tags on a source, flight, aircraft or evidence file, by tag."""
    if kind == "source":
        return tags_of(case, uuid)
    return list(case.db.query("SELECT * FROM object_tags WHERE object_kind = ? AND "
                              "object_uuid = ? ORDER BY tag", [kind, uuid]))


def resolve_annotated(case: Case, kind: str, ref: str) -> str:
    """The uuid of the source, flight, aircraft or evidence file the user named: a source
    by id, URL or name; a flight by id (or its start); an aircraft by registration, hex or
    id; an evidence file as ``evidence.resolve_evidence`` finds it (id, file name, SHA-256,
    or the start of the id or hash)."""
    ref = ref.strip()
    if kind == "source":
        return resolve_source(case, ref)["uuid"]
    if kind == "flight":
        return flight_queries.resolve_flights(case, [ref])[0]
    if kind == "aircraft":
        found = flight_queries.resolve_aircraft(case, ref)
        if len(found) != 1:
            raise InputError("no aircraft in the case has this registration, hex or id"
                             if not found else f"{len(found)} aircraft match; be more precise",
                             path=f"aircraft {ref}")
        return found[0]
    if kind == "evidence":
        from .evidence import resolve_evidence
        return resolve_evidence(case, ref, files_only=True).evidence_uuid
    raise InputError("notes and tags go on source, flight, aircraft or evidence",
                     path=f"{kind} {ref}")
