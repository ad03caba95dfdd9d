"""The plain results of reading evidence: what a page or file says, ready for the store.

No behaviour here, only data: :class:`ExtractedDocument` (one readable document),
:class:`ArchivePage` (one page inside a WARC/WACZ) and :class:`EvidenceFile` (a local file
with its hash and times). Times are ISO 8601 strings; ``*_utc`` ones end in ``Z``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class GeoPoint:
    """A position in WGS84 decimal degrees (south and west negative)."""

    lat_deg: float
    lon_deg: float
    alt_m: float | None = None


@dataclass
class ExtractedDocument:
    """What one document says, apart from when and how we obtained it.

    ``published_date`` / ``published_utc`` are the document's *own* publication date, never
    the capture time: ``published_date`` is the day as the page states it; ``published_utc``
    is set only when the page gives a time with a UTC offset. ``published_source`` says where
    the date was found ("json-ld datePublished", "meta article:published_time", or
    "htmldate (inferred)" when only a heuristic found one).
    """

    kind: str                              # html, pdf, image, text, markdown, warc, wacz, other
    media_type: str
    title: str | None = None
    text: str = ""
    author: str | None = None
    site: str | None = None
    published_date: str | None = None
    published_utc: str | None = None
    published_source: str | None = None
    url: str | None = None                 # the page's own canonical URL, when it declares one
    taken_local: str | None = None         # images: when the photo was taken, camera clock
    taken_utc: str | None = None           # images: the same in UTC, when EXIF gives the offset
    camera_make: str | None = None
    camera_model: str | None = None
    geo: GeoPoint | None = None
    exif: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)   # other facts: PDF info, encoding...
    pages: list["ArchivePage"] = field(default_factory=list)  # WARC/WACZ: the HTML pages inside
    # WARC/WACZ: the other payloads recorded (images, stylesheets...), spooled to ``spool``
    resources: list["ArchiveResource"] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    spool: Any = field(default=None, repr=False, compare=False)   # a TemporaryDirectory
    # Where ``spool`` is made: the caller's private folder (beside the case); None: the
    # system's temp folder, for use without a case.
    spool_parent: Path | None = field(default=None, repr=False, compare=False)
    spooled: int = field(default=0, repr=False, compare=False)      # files in ``spool`` so far
    text_chars: int = field(default=0, repr=False, compare=False)   # archives: text extracted so far

    def close(self) -> None:
        """Remove the spooled resource payloads (also done when the document is collected)."""
        if self.spool is not None:
            self.spool.cleanup()
            self.spool = None


@dataclass
class ArchivePage:
    """One HTML page found in a WARC or WACZ: a source of its own.

    ``record_offset`` is the byte offset of its response record in ``member`` (the WARC
    file itself, or the WARC's path inside the WACZ). ``content`` is the HTML with any
    Content-Encoding undone (a file in the archive document's spool); ``payload_digest`` is the record's own WARC-Payload-Digest
    (checked while reading: a mismatch is reported in the archive document's warnings).
    """

    url: str
    captured_utc: str | None               # the record's WARC-Date
    status: int | None
    media_type: str
    record_offset: int
    member: str
    record_id: str | None
    payload_digest: str | None
    content: Path | bytes                  # the page's bytes, spooled to disk by the readers
    content_sha256: str
    document: ExtractedDocument


@dataclass
class ArchiveResource:
    """A payload other than an HTML page (image, stylesheet, script, font...) served with a
    2xx status in a WARC or WACZ, kept so the offline viewer can show the pages with it.

    The payload (Content-Encoding undone) is spooled to ``path`` on disk while reading, so
    memory stays bounded; ``sha256`` and ``size`` are of those bytes.
    """

    url: str
    captured_utc: str | None
    status: int | None
    media_type: str | None
    record_offset: int
    member: str
    record_id: str | None
    payload_digest: str | None
    sha256: str
    size: int
    path: Path


@dataclass
class EvidenceFile:
    """A local file offered as evidence: its identity and what it says."""

    path: Path
    original_name: str
    size_bytes: int
    sha256: str
    modified_utc: str
    document: ExtractedDocument
