"""Storing one capture of a source: the source record, the capture record, its extracted text,
the identifiers found in it (one bulk group per capture, one audit entry), the selector hits,
and its rows in the search index.

Called inside the caller's transaction (web capture, file import): everything here lands
together or not at all. Every record goes through the case's audited record API (the
identifiers through its bulk one, ``Case.record_bulk``).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlsplit, urlunsplit

from .. import __version__
from .acquire.documents import ExtractedDocument
from .acquire.identifiers import find_identifiers
from ..flights.identifiers import IdentifierHit
from ..store import Case
from ..store.canonical import sha256_hex
from ..store.records import IDENTIFIER_INSERT, IDENTIFIERS
from .linking import case_serials, serial_hits
from .search import index_capture
from .selectors import match_capture
from .text import extra_title, match_key

TEXT_KIND = "text"
PRODUCER = f"osintdesk/{__version__} extract"

# Identifier records kept per capture; more are counted in the capture's warnings.
MAX_IDENTIFIERS = 1000

Progress = Callable[[int, "int | None"], None]
IsCancelled = Callable[[], bool]


@dataclass
class StoredCapture:
    """What storing one capture did (for the CLI, the window and the tests)."""

    source_uuid: str
    capture_uuid: str
    new_source: bool
    name: str
    title: str | None
    identifiers: int
    selector_hits: int
    warnings: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- identities


def url_identity(url: str) -> str:
    """The identity of a web source: its URL without the fragment, scheme and host in lower case."""
    parts = urlsplit(url.strip())
    netloc = parts.netloc
    if parts.hostname:
        host = parts.hostname
        if ":" in host:
            host = f"[{host}]"
        userinfo = netloc.rpartition("@")[0]
        netloc = (userinfo + "@" if userinfo else "") + host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def file_identity(sha256: str) -> str:
    return f"file:{sha256}"


def as_json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# ----------------------------------------------------------------------------- sources


def ensure_source(case: Case, *, identity: str, kind: str, url: str | None,
                  name: str) -> tuple[dict, bool]:
    """The source with this identity, created if the case has none yet."""
    row = case.conn.execute("SELECT uuid FROM sources WHERE identity = ?", (identity,)).fetchone()
    if row:
        return case.get_record("source", row[0]), False
    record = case.insert_record("source", {"kind": kind, "identity": identity, "url": url,
                                           "name": name})
    return record, True


# ----------------------------------------------------------------------------- captures


def document_fields(document: ExtractedDocument) -> dict[str, Any]:
    """The capture columns that say what the document is and says (not how we got it)."""
    camera = " ".join(x for x in (document.camera_make, document.camera_model) if x) or None
    metadata = {k: v for k, v in (("metadata", document.metadata), ("exif", document.exif),
                                  ("warnings", document.warnings)) if v}
    geo = document.geo
    return {
        "document_kind": document.kind, "title": document.title, "author": document.author,
        "site": document.site, "canonical_url": document.url,
        "published_date": document.published_date, "published_utc": document.published_utc,
        "published_source": document.published_source, "taken_local": document.taken_local,
        "taken_utc": document.taken_utc, "camera": camera,
        "geo_lat": geo.lat_deg if geo else None, "geo_lon": geo.lon_deg if geo else None,
        "geo_alt_m": geo.alt_m if geo else None,
        "metadata": as_json(metadata) if metadata else None,
    }


def store_text(case: Case, origin_sha256: str, text: str) -> dict | None:
    """The extracted text as derived data of the artifact it came from (kept once)."""
    if not text:
        return None
    data = text.encode("utf-8")
    digest = sha256_hex(data)
    row = case.conn.execute(
        "SELECT uuid FROM derived WHERE origin_sha256 = ? AND kind = ? AND sha256 = ?",
        (origin_sha256, TEXT_KIND, digest)).fetchone()
    if row:
        return case.get_record("derived", row[0])
    return case.add_derived(origin_sha256, TEXT_KIND, text, producer=PRODUCER,
                            media_type="text/plain; charset=utf-8")


def store_capture(case: Case, *, source: dict, new_source: bool, fields: dict[str, Any],
                  document: ExtractedDocument, text_origin_sha256: str | None,
                  action: str = "capture", details: dict | None = None) -> StoredCapture:
    """Insert one capture of ``source`` with everything found in its text.

    ``fields`` are the capture columns that say how it was obtained (URLs, status, hashes,
    times...). Call inside a transaction.
    """
    text = document.text or ""
    title = extra_title(document.title, text)
    found = find_capped(text, title, serials=case_serials(case))
    if found.summary:
        document.warnings.append(found.summary)
    text_record = store_text(case, text_origin_sha256, text) if text_origin_sha256 else None
    row = {**fields, **document_fields(document), "source_uuid": source["uuid"],
           "app_version": __version__,
           "text_uuid": text_record["uuid"] if text_record else None,
           "text_chars": len(text) if text_record else 0}
    capture = case.insert_record("capture", row, action=action, details={
        "source": source["uuid"], **(details or {})})
    hits = store_identifiers(case, capture, found.kept)
    matched = match_capture(case, capture, text, title)
    index_capture(case, capture, source, text, hits)
    return StoredCapture(source_uuid=source["uuid"], capture_uuid=capture["uuid"],
                         new_source=new_source, name=source["name"], title=document.title,
                         identifiers=len(hits), selector_hits=matched,
                         warnings=list(document.warnings))


@dataclass
class FoundIdentifiers:
    """The identifiers of one capture: those kept as records (field, hit), at most
    :data:`MAX_IDENTIFIERS` of them, and when more were found, a summary saying so."""

    kept: list[tuple[str, IdentifierHit]]
    total: int
    summary: str | None


def find_capped(text: str, title: str | None, limit: int | None = None,
                serials: dict[str, str] | None = None) -> FoundIdentifiers:
    """Identifiers in the title, then the text, by position (and the serials of the
    case's military aircraft, ``linking``); past ``limit`` (default
    :data:`MAX_IDENTIFIERS`) they are counted by kind, not kept: a page dense with
    identifiers must not become hundreds of thousands of records."""
    limit = MAX_IDENTIFIERS if limit is None else limit
    kept: list[tuple[str, IdentifierHit]] = []
    by_kind: Counter = Counter()
    for field_name, content in (("title", title or ""), ("text", text)):
        if not content:
            continue
        hits = find_identifiers(content)
        if serials:
            hits += serial_hits(content, serials, hits)
        for hit in hits:
            by_kind[hit.kind] += 1
            if len(kept) < limit:
                kept.append((field_name, hit))
    total = sum(by_kind.values())
    summary = None
    if total > len(kept):
        kinds = ", ".join(f"{kind} {count:,}" for kind, count in by_kind.most_common())
        summary = (f"{total:,} identifiers found ({kinds}); only the first {len(kept):,} are "
                   "kept as records, the rest are counted here")
    return FoundIdentifiers(kept, total, summary)


def store_identifiers(case: Case, capture: dict, found: list[tuple[str, IdentifierHit]]
                      ) -> list[IdentifierHit]:
    """Keep each hit (from :func:`find_capped`) with its position: the capture's
    identifiers, written together and logged as one entry with their digest."""
    _insert_identifiers(case, capture, found)
    return [hit for _, hit in found]


def _insert_identifiers(case: Case, capture: dict,
                        found: list[tuple[str, IdentifierHit]]) -> None:
    """Insert the hits as rows of the capture's identifier group (records.IDENTIFIERS) and
    log the group as it now is: one audit entry, however many hits. Call inside the
    capture's transaction."""
    if not found:
        return
    now = case.now_stamp()
    rows = [(case.new_uuid(), capture["uuid"], capture["source_uuid"], field_name, hit.kind,
             hit.value, match_key(hit.value), hit.start, hit.end, hit.text,
             as_json(dict(hit.details)) if hit.details else None, now, case.examiner)
            for field_name, hit in found]
    with case.transaction():
        case.conn.executemany(IDENTIFIER_INSERT, rows)
        case.record_bulk("find", IDENTIFIERS.name, capture["uuid"], {
            "source": capture["source_uuid"], "added": len(rows),
            "kinds": dict(sorted(Counter(hit.kind for _, hit in found).items()))})


def store_serial_hits(case: Case, capture: dict, text_uuid: str | None, title: str | None,
                      serials: dict[str, str]) -> int:
    """Keep the hits of ``serials`` in a stored capture's text and title (those not
    overlapping an identifier it has already); returns how many."""
    text = ""
    if text_uuid:
        row = case.conn.execute("SELECT content FROM derived WHERE uuid = ?", (text_uuid,)).fetchone()
        text = bytes(row[0]).decode("utf-8") if row else ""
    found: list[tuple[str, IdentifierHit]] = []
    for field_name, content in (("text", text), ("title", extra_title(title, text) or "")):
        if not content:
            continue
        taken = [IdentifierHit(r[0], r[1], r[2], "", "", {}) for r in case.conn.execute(
            "SELECT kind, start_offset, end_offset FROM identifier_hits "
            "WHERE capture_uuid = ? AND field = ?", (capture["uuid"], field_name))]
        found += [(field_name, hit) for hit in serial_hits(content, serials, taken)]
    _insert_identifiers(case, capture, found)
    return len(found)
