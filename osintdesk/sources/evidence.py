"""Every artifact the case holds, for the Evidence page and ``osintdesk evidence``: files
added as evidence (flight files, documents, WARC/WACZ), web captures (the body as received,
the body decoded, the WARC), resources inside added archives; each with what it is, its
size and SHA-256, and what it belongs to. Also a preview of one artifact (an image, or text:
HTML, WARC and JSON shown as text) and a checked copy (``export_copy``).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..store import Case
from .acquire.decoding import decode_text

PREVIEW_TEXT_CHARS = 200_000
PREVIEW_IMAGE_BYTES = 8 * 1024 * 1024
_READ_CHUNK = 1 << 20

# Each use of an artifact, most telling first: an artifact used twice (a page body that is
# also an evidence file) is listed once, as its first use, with the others in ``uses``.
_USES = """
SELECT e.sha256, 'evidence file' AS kind, e.kind AS detail, e.original_name AS name,
       e.media_type, coalesce(fi.uuid, c.source_uuid) AS owner_uuid,
       CASE WHEN fi.uuid IS NOT NULL THEN 'flight import'
            WHEN c.source_uuid IS NOT NULL THEN 'source' END AS owner_kind,
       coalesce(fi.original_name, coalesce(c.title, s.name)) AS owner_label,
       e.uuid AS evidence_uuid, 1 AS rank
FROM evidence e
LEFT JOIN flight_imports fi ON fi.evidence_uuid = e.uuid
LEFT JOIN captures c ON c.uuid = (SELECT uuid FROM captures WHERE evidence_uuid = e.uuid LIMIT 1)
LEFT JOIN sources s ON s.uuid = c.source_uuid
UNION ALL
SELECT c.body_sha256, 'web capture body', 'HTTP ' || coalesce(c.status, '?'),
       c.requested_url, c.media_type, c.source_uuid, 'source', coalesce(c.title, s.name),
       NULL, 2
FROM captures c JOIN sources s ON s.uuid = c.source_uuid
WHERE c.method = 'web' AND c.body_sha256 IS NOT NULL
UNION ALL
SELECT c.decoded_sha256, 'web capture body, decoded', c.content_encoding, c.requested_url,
       c.media_type, c.source_uuid, 'source', coalesce(c.title, s.name), NULL, 3
FROM captures c JOIN sources s ON s.uuid = c.source_uuid WHERE c.decoded_sha256 IS NOT NULL
UNION ALL
SELECT c.warc_sha256, 'WARC of a web capture', NULL, c.requested_url, 'application/warc',
       c.source_uuid, 'source', coalesce(c.title, s.name), NULL, 4
FROM captures c JOIN sources s ON s.uuid = c.source_uuid
WHERE c.method = 'web' AND c.warc_sha256 IS NOT NULL
UNION ALL
SELECT r.sha256, 'archived resource', 'HTTP ' || coalesce(r.status, '?'), r.url, r.media_type,
       r.evidence_uuid, 'evidence file', e.original_name, NULL, 5
FROM archive_resources r JOIN evidence e ON e.uuid = r.evidence_uuid
"""


def list_artifacts(case: Case) -> list[dict]:
    """Every artifact of the case, oldest first: ``sha256``, ``size`` (bytes), ``kind``
    (evidence file, web capture body, ... WARC of a web capture, archived resource),
    ``detail`` (the evidence kind, the HTTP status...), ``name`` (file name or URL),
    ``media_type``, ``belongs_to`` ("source: title", "flight import: file"...),
    ``owner_kind`` and ``owner_uuid`` (what it belongs to), ``evidence_uuid`` and
    ``original_name`` (for an evidence file), ``uses`` (how many uses it has), ``created_utc`` and ``examiner``."""
    uses: dict[str, list[dict]] = {}
    for row in case.db.query(f"SELECT * FROM ({_USES}) ORDER BY rank"):
        uses.setdefault(row["sha256"], []).append(row)
    out = []
    for sha256, size, created_utc, examiner in case.conn.execute(
            "SELECT sha256, size, created_utc, examiner FROM artifacts ORDER BY created_utc, uuid"):
        found = uses.get(sha256) or [{
            "kind": "other artifact", "detail": None, "name": None, "media_type": None,
            "owner_kind": None, "owner_uuid": None, "owner_label": None, "evidence_uuid": None}]
        first = found[0]
        owner = (f"{first['owner_kind']}: {first['owner_label'] or first['owner_uuid']}"
                 if first["owner_kind"] else "")
        out.append({"sha256": sha256, "size": size, "kind": first["kind"],
                    "detail": first["detail"], "name": first["name"],
                    "media_type": first["media_type"], "belongs_to": owner,
                    "owner_kind": first["owner_kind"], "owner_uuid": first["owner_uuid"],
                    "evidence_uuid": first["evidence_uuid"], "uses": len(found),
                    "original_name": first["name"] if first["evidence_uuid"] else None,
                    "created_utc": created_utc, "examiner": examiner})
    return out


SHA256_PREFIX_MIN = 8     # a hash's start names an artifact from this many characters
ID_PREFIX_MIN = 4         # an evidence id's start, from this many
CANDIDATES_SHOWN = 8
HEX = "0123456789abcdef"


@dataclass(frozen=True)
class EvidenceMatch:
    """What a reference the user typed names: an artifact (``sha256``) and, when it is an
    evidence file, that file (``evidence_uuid``, ``name``)."""

    sha256: str
    evidence_uuid: str | None = None
    name: str | None = None

    def describe(self) -> str:
        named = f" ({self.name})" if self.name else ""
        if self.evidence_uuid:
            return f"evidence {self.evidence_uuid[:8]} {self.sha256[:12]}…{named}"
        return f"artifact {self.sha256[:12]}…{named}"


def resolve_evidence(case: Case, ref: str, *, files_only: bool = False) -> EvidenceMatch:
    """The one resolver from what the user typed to an artifact or evidence file: an
    artifact's SHA-256 (or its start, ``SHA256_PREFIX_MIN`` hex characters or more), an
    evidence file's id (or its start, ``ID_PREFIX_MIN`` or more) or its file name. Whole
    references win over starts. ``files_only``: only evidence files (what notes and tags go
    on), so a web capture's body is not one. InputError naming the reference when nothing
    matches; when several do, one line listing them."""
    text = ref.strip()
    low = text.lower()
    matches = _evidence_matches(case, "e.uuid = ? OR e.original_name = ? OR e.sha256 = ?",
                                (text, text, low))
    if not files_only:
        matches += _artifact_matches(case, "a.sha256 = ?", (low,))
    if not matches:
        # Starts are hex (and an id's dashes): no LIKE wildcard can come through.
        if len(low) >= ID_PREFIX_MIN and set(low) <= set(HEX + "-"):
            matches += _evidence_matches(case, "e.uuid LIKE ?", (low + "%",))
        if len(low) >= SHA256_PREFIX_MIN and set(low) <= set(HEX):
            matches += (_evidence_matches(case, "e.sha256 LIKE ?", (low + "%",)) if files_only
                        else _artifact_matches(case, "a.sha256 LIKE ?", (low + "%",)))
    found = _distinct(matches, by_file=files_only)
    what = "evidence file" if files_only else "artifact"
    if not found:
        raise InputError(f"no {what} has this hash, id or name", path=f"evidence {text}")
    if len(found) > 1:
        shown = "; ".join(m.describe() for m in found[:CANDIDATES_SHOWN])
        more = f"; and {len(found) - CANDIDATES_SHOWN} more" if len(found) > CANDIDATES_SHOWN else ""
        raise InputError(f"{len(found)} {what}s match: {shown}{more}; give more of it",
                         path=f"evidence {text}")
    return found[0]


def _evidence_matches(case: Case, where: str, params: tuple) -> list[EvidenceMatch]:
    return [EvidenceMatch(sha, uuid, name) for sha, uuid, name in case.conn.execute(
        f"SELECT e.sha256, e.uuid, e.original_name FROM evidence e WHERE {where} "
        "ORDER BY e.created_utc, e.uuid", params)]


def _artifact_matches(case: Case, where: str, params: tuple) -> list[EvidenceMatch]:
    # An artifact that is an evidence file is named as that file (its first, if several).
    return [EvidenceMatch(sha, uuid, name) for sha, uuid, name in case.conn.execute(
        "SELECT a.sha256, e.uuid, e.original_name FROM artifacts a LEFT JOIN evidence e "
        "ON e.uuid = (SELECT uuid FROM evidence WHERE sha256 = a.sha256 "
        "ORDER BY created_utc, uuid LIMIT 1) "
        f"WHERE {where} ORDER BY a.created_utc, a.uuid", params)]


def _distinct(matches: list[EvidenceMatch], *, by_file: bool) -> list[EvidenceMatch]:
    """One match per evidence file (``by_file``) or per artifact (a copy needs only the
    bytes: two files with the same bytes are one artifact)."""
    seen: dict[str, EvidenceMatch] = {}
    for match in matches:
        seen.setdefault(match.evidence_uuid if by_file else match.sha256, match)
    return list(seen.values())


def preview(case: Case, sha256: str, media_type: str | None = None) -> tuple[str, object]:
    """What to show of an artifact: ``("image", bytes)`` for an image; ``("text", str)``
    for text, HTML (its extracted text when the case has it), JSON, CSV and WARC (gzip
    undone), at most ``PREVIEW_TEXT_CHARS``; ``("binary", hex dump of its first bytes)``."""
    size = case.conn.execute("SELECT size FROM artifacts WHERE sha256 = ?", (sha256,)).fetchone()
    if size is None:
        raise InputError("no such artifact in the case", path=f"artifact {sha256}")
    media = (media_type or "").lower()
    head = _head(case, sha256, PREVIEW_IMAGE_BYTES if media.startswith("image/") else 1 << 20)
    if media.startswith("image/") and size[0] <= PREVIEW_IMAGE_BYTES:
        return "image", head
    derived = case.conn.execute(
        "SELECT content FROM derived WHERE origin_sha256 = ? AND kind = 'text' LIMIT 1",
        (sha256,)).fetchone()
    if derived is not None:
        return "text", bytes(derived[0]).decode("utf-8")[:PREVIEW_TEXT_CHARS]
    data = _gunzip_head(head) if head[:2] == b"\x1f\x8b" else head
    if _looks_like_text(data):
        text, _ = decode_text(data, None)
        return "text", text[:PREVIEW_TEXT_CHARS]
    return "binary", _hex_dump(head[:512])


def _head(case: Case, sha256: str, limit: int) -> bytes:
    parts, total = [], 0
    with case.open_artifact(sha256) as reader:
        while total < limit and (block := reader.read(min(_READ_CHUNK, limit - total))):
            parts.append(block)
            total += len(block)
    return b"".join(parts)


def _gunzip_head(data: bytes) -> bytes:
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, PREVIEW_TEXT_CHARS * 4)
    except zlib.error:
        try:
            return gzip.GzipFile(fileobj=io.BytesIO(data)).read(PREVIEW_TEXT_CHARS)
        except (OSError, EOFError):
            return data


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    return bool(sample) and b"\x00" not in sample


def _hex_dump(data: bytes) -> str:
    lines = []
    for offset in range(0, len(data), 16):
        chunk = data[offset:offset + 16]
        shown = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{offset:08x}  {chunk.hex(' '):<47}  {shown}")
    return "\n".join(lines)


def export_copy(case: Case, sha256: str, dest: str | Path) -> dict:
    """Save a copy of an artifact's exact bytes (logged), then read the written file back
    and hash it: ``path``, ``sha256`` (expected), ``written_sha256``, ``size`` (bytes) and
    ``matches``. An existing file is not overwritten (InputError naming it)."""
    dest = Path(dest)
    if dest.exists():
        raise InputError("already exists; not overwritten", path=dest)
    case.export_artifact(sha256, dest)
    digest, size = hashlib.sha256(), 0
    with open(dest, "rb") as stream:
        while block := stream.read(_READ_CHUNK):
            digest.update(block)
            size += len(block)
    written = digest.hexdigest()
    return {"path": str(dest), "sha256": sha256, "written_sha256": written, "size": size,
            "matches": written == sha256}
