"""WARC files (plain or gzip per record): every HTML page served with a 2xx status becomes an
:class:`ArchivePage` (a source of its own); other served payloads (images, stylesheets...) are
spooled to disk as :class:`ArchiveResource` for the offline viewer. Every record is checked:
a damaged one is an error naming its byte offset, a digest mismatch a warning.

The record walk is shared with the WACZ reader (a WACZ is a zip of WARC files).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import io
import tempfile
import zlib
from pathlib import Path
from typing import BinaryIO, Iterator

from ....errors import Cancelled, InputError
from ....filebytes import HashingWriter
from ..artifacts import CHUNK_BYTES
from ..decoding import GZIP_MAGIC, charset_from_content_type, media_type_from_content_type
from ..documents import ArchivePage, ArchiveResource, ExtractedDocument
from ..extract import extract_html
from . import html
from .common import CheckCancel, Head, closed_on_error, cut_prefix, extract_note

KIND = "warc"
LABEL = "WARC"
TEXTUAL = False
EXTENSIONS = (".warc", ".warc.gz")
SERVED_TYPES = ("application/warc",)
MEDIA_TYPE = "application/warc"
# Images, stylesheets... in a WARC/WACZ larger than this are not kept for the offline viewer.
MAX_RESOURCE_BYTES = 20 * 1024 * 1024
# The text extracted from all the pages of one archive: past it, pages are kept without text.
MAX_ARCHIVE_TEXT_CHARS = 16 * 1024 * 1024


def served_as(media_type: str) -> bool:
    return media_type in SERVED_TYPES


def sniff(head: Head) -> bool:
    if head.data.startswith(b"WARC/"):
        return True
    return head.data.startswith(GZIP_MAGIC) and _gzip_starts_with(head.path, b"WARC/")


def _gzip_starts_with(path: Path, prefix: bytes) -> bool:
    try:
        with gzip.open(path, "rb") as stream:
            return stream.read(len(prefix)) == prefix
    except (OSError, EOFError, zlib.error):
        return False


SPOOLS = True   # resource payloads go to disk: read_document passes the folder for them


def read(path: Path, check_cancel: CheckCancel, *, spool_dir: Path | None = None
         ) -> ExtractedDocument:
    document = ExtractedDocument(kind=KIND, media_type=MEDIA_TYPE, title=path.name,
                                 spool_parent=spool_dir)
    with closed_on_error(document):
        try:
            with open(path, "rb") as stream:
                collect_pages(stream, path.name, str(path), document, check_cancel, path.stat().st_size)
        except OSError as error:
            raise InputError(f"cannot be read ({error})", path=path) from None
    return document


def collect_pages(stream: BinaryIO, member: str, label: str, document: ExtractedDocument,
                  check_cancel: CheckCancel, total_bytes: int) -> None:
    """Add the pages and resources of the WARC in ``stream`` to ``document``.

    ``member`` is the WARC's name (inside a WACZ, its path there); ``label`` names it in errors.
    """
    records = 0
    for offset, record in iter_warc_records(stream, label, document.warnings, total_bytes):
        check_cancel()
        records += 1
        page = _page_from_record(record, offset, member, label, document, check_cancel)
        if page is not None:
            document.pages.append(page)
            continue
        resource = _resource_from_record(record, offset, member, label, document, check_cancel)
        if resource is not None:
            document.resources.append(resource)
    document.metadata[f"records:{member}"] = str(records)


def iter_warc_records(stream: BinaryIO, label: str, warnings_out: list[str],
                      total_bytes: int | None = None) -> Iterator[tuple[int, object]]:
    """(byte offset, record) for each WARC record, checked.

    Raises :class:`InputError` naming ``label`` and the byte offset of the first damaged
    record (unparseable, truncated, or with a Content-Length that does not fit). With
    ``total_bytes`` (the stream's size) data left over after the last readable record is an
    error too: warcio stops quietly at a gzip member it cannot decompress. A digest
    that does not match is added to ``warnings_out`` instead: some crawlers compute payload
    digests differently (after de-chunking) and the investigator must see the file anyway.
    """
    from warcio.archiveiterator import ArchiveIterator

    iterator = ArchiveIterator(stream, check_digests=True)
    iterator.reader.__class__ = _bounded_reader_class()
    previous_offset = None
    while True:
        errors_before = iterator.err_count
        try:
            with contextlib.redirect_stderr(io.StringIO()):   # warcio prints its warnings;
                record = next(iterator)                       # err_count reports them here
        except StopIteration:
            _check_length_errors(iterator, errors_before, previous_offset, label)
            _check_consumed_all(iterator, total_bytes, label)
            return
        except Exception as error:  # warcio raises many types for a damaged record
            _check_length_errors(iterator, errors_before, previous_offset, label)
            raise _bad_record(label, iterator.offset, error) from None
        _check_length_errors(iterator, errors_before, previous_offset, label)
        # The iterator's offset is the start of the record it just parsed.
        offset = previous_offset = iterator.offset
        if record.format != "warc":
            raise InputError(f"bad WARC record at byte offset {offset} (not a WARC record)", path=label)
        if not _has_valid_length(record):
            raise InputError(f"bad WARC record at byte offset {offset} (its header block is incomplete: "
                             "no valid Content-Length)", path=label)
        yield offset, record
        _finish_record(record, offset, label, warnings_out)


# A WARC header line or HTTP header line longer than this is damage, not a header: warcio
# would otherwise gather it by repeated concatenation (quadratic time on a member of zeros).
MAX_HEADER_LINE_BYTES = 256 * 1024


@functools.cache
def _bounded_reader_class():
    """warcio's reader with a bound on the length of every line it reads (made on first use:
    warcio is imported only when a WARC is read)."""
    from warcio.bufferedreaders import DecompressingBufferedReader
    from warcio.exceptions import ArchiveLoadFailed

    class Bounded(DecompressingBufferedReader):
        def readline(self, length=None):
            """warcio's readline, gathering the pieces of a line once (not by repeated
            concatenation) and refusing a line without end past the bound."""
            if length == 0:
                return b""
            bound = MAX_HEADER_LINE_BYTES if not length or length > MAX_HEADER_LINE_BYTES else length
            pieces, size = [], 0
            while size < bound:
                self._fillbuff()
                if self.empty():
                    break
                piece = self.buff.readline(bound - size)
                pieces.append(piece)
                size += len(piece)
                if piece.endswith(b"\n"):
                    break
            line = b"".join(pieces)
            if bound == MAX_HEADER_LINE_BYTES and size >= bound and not line.endswith(b"\n"):
                raise ArchiveLoadFailed(f"a header line longer than {MAX_HEADER_LINE_BYTES:,} "
                                        "bytes: not a WARC record")
            return line
    return Bounded


def _has_valid_length(record) -> bool:
    value = record.rec_headers.get_header("Content-Length")
    return value is not None and value.strip().isdigit() and hasattr(record.raw_stream, "limit")


def _finish_record(record, offset: int, label: str, warnings_out: list[str]) -> None:
    """Read the record to its end: a short record is damaged; a digest mismatch is noted."""
    try:
        while record.raw_stream.read(CHUNK_BYTES):
            pass
    except Exception as error:
        raise _bad_record(label, offset, error) from None
    if getattr(record.raw_stream, "limit", 0) > 0:
        raise InputError(f"bad WARC record at byte offset {offset} (it ends {record.raw_stream.limit:,} "
                         "bytes before its Content-Length says; the file is truncated)", path=label)
    checker = record.digest_checker
    if checker is not None and checker.passed is False:
        url = record.rec_headers.get_header("WARC-Target-URI") or record.rec_type
        warnings_out.append(f"record at byte offset {offset} ({url}): digest does not match its content "
                            f"({'; '.join(checker.problems)})")


def _check_consumed_all(iterator, total_bytes: int | None, label: str) -> None:
    if total_bytes is not None and iterator.offset < total_bytes:
        raise InputError(f"bad WARC record at byte offset {iterator.offset} (truncated or damaged data; "
                         f"{total_bytes - iterator.offset:,} bytes could not be read)", path=label)


def _bad_record(label: str, offset: int, error: Exception) -> InputError:
    from warcio.exceptions import ArchiveLoadFailed

    if isinstance(error, ArchiveLoadFailed):
        reason = _short(error)
    elif isinstance(error, (EOFError, zlib.error, OSError)):
        reason = "truncated or damaged compressed data"
    else:
        reason = f"damaged record: {_short(error)}"
    return InputError(f"bad WARC record at byte offset {offset} ({reason})", path=label)


def _check_length_errors(iterator, errors_before: int, previous_offset, label: str) -> None:
    if iterator.err_count > errors_before and previous_offset is not None:
        raise InputError(f"bad WARC record at byte offset {previous_offset} (its Content-Length does "
                         "not match its content)", path=label)


def _short(error: Exception) -> str:
    text = " ".join(str(error).split())
    return (text[:200] + "...") if len(text) > 200 else (text or type(error).__name__)


def _page_from_record(record, offset: int, member: str, label: str,
                      document: ExtractedDocument, check_cancel) -> ArchivePage | None:
    """The record as an :class:`ArchivePage` if it is an HTML page that was served (2xx).

    The page's bytes are spooled to disk (up to :data:`html.MAX_PAGE_BYTES`); its text is
    read from their first :data:`html.EXTRACT_BYTES`, and only while the archive's text budget
    (:data:`MAX_ARCHIVE_TEXT_CHARS`) lasts: memory stays bounded per page and per archive.
    """
    if record.rec_type not in ("response", "resource"):
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    status = None
    if record.rec_type == "response":
        if record.http_headers is None:
            return None
        content_type = record.http_headers.get_header("Content-Type")
        try:
            status = int(record.http_headers.get_statuscode())
        except (TypeError, ValueError):
            status = None
        if status is None or not 200 <= status < 300:
            return None
    else:
        content_type = record.rec_headers.get_header("Content-Type")
    if media_type_from_content_type(content_type) not in html.SERVED_TYPES:
        return None
    spooled = _spool_payload(record, offset, label, document, html.MAX_PAGE_BYTES, check_cancel,
                             head_bytes=html.EXTRACT_BYTES + 1)
    if spooled is None:
        document.warnings.append(f"page {url} at byte offset {offset} is larger than "
                                 f"{html.MAX_PAGE_BYTES:,} bytes; not extracted")
        return None
    path, kept, head = spooled
    declared = charset_from_content_type(content_type)
    if document.text_chars >= MAX_ARCHIVE_TEXT_CHARS:
        note = (f"pages past the archive's text budget ({MAX_ARCHIVE_TEXT_CHARS:,} characters) "
                "are kept without their text")
        if note not in document.warnings:
            document.warnings.append(note)   # said once for the archive, and on each page
        extracted = ExtractedDocument(kind="html", media_type="text/html", warnings=[note])
    else:
        extracted = extract_html(cut_prefix(head, html.EXTRACT_BYTES), url=url,
                                 declared_charset=declared)
        if kept.size_bytes > html.EXTRACT_BYTES:
            extracted.warnings.insert(0, extract_note(html.EXTRACT_BYTES, kept.size_bytes))
        document.text_chars += len(extracted.text)
    return ArchivePage(
        url=url, captured_utc=record.rec_headers.get_header("WARC-Date"), status=status,
        media_type=media_type_from_content_type(content_type) or "text/html",
        record_offset=offset, member=member, record_id=record.rec_headers.get_header("WARC-Record-ID"),
        payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
        content=path, content_sha256=kept.sha256, document=extracted)


def _spool_payload(record, offset: int, label: str, document: ExtractedDocument, limit: int,
                   check_cancel, head_bytes: int = 0) -> tuple[Path, HashingWriter, bytes] | None:
    """The record's payload (Content-Encoding undone) spooled to a file in the document's
    spool folder: (path, its hash and size, its first ``head_bytes``), or None (nothing
    kept) when it is larger than ``limit``."""
    if document.spool is None:
        document.spool = tempfile.TemporaryDirectory(prefix="osintdesk-archive-",
                                                     dir=document.spool_parent)
    path = Path(document.spool.name) / f"{document.spooled:08d}"
    document.spooled += 1
    head = bytearray()
    try:
        stream = record.content_stream()
        with open(path, "wb") as out:
            kept = HashingWriter(out)
            while chunk := stream.read(CHUNK_BYTES):
                if kept.size_bytes + len(chunk) > limit:
                    path.unlink(missing_ok=True)
                    return None
                if len(head) < head_bytes:
                    head += chunk[:head_bytes - len(head)]
                kept.write(chunk)
                check_cancel()
    except (Cancelled, OSError):
        path.unlink(missing_ok=True)
        raise
    except Exception as error:
        path.unlink(missing_ok=True)
        raise InputError(f"bad WARC record at byte offset {offset} ({_short(error)})", path=label) from None
    return path, kept, bytes(head)


def _served(record) -> tuple[bool, int | None, str | None]:
    """(served with 2xx or a resource record, HTTP status, Content-Type) of a WARC record."""
    if record.rec_type == "resource":
        return True, None, record.rec_headers.get_header("Content-Type")
    if record.rec_type != "response" or record.http_headers is None:
        return False, None, None
    try:
        status = int(record.http_headers.get_statuscode())
    except (TypeError, ValueError):
        return False, None, None
    return 200 <= status < 300, status, record.http_headers.get_header("Content-Type")


def _resource_from_record(record, offset: int, member: str, label: str, document: ExtractedDocument,
                          check_cancel) -> ArchiveResource | None:
    """A served non-HTML payload (image, stylesheet...) spooled to a temporary file.

    Call only for records :func:`_page_from_record` did not take (their content is unread).
    A payload above :data:`MAX_RESOURCE_BYTES` is skipped with a warning, never held whole.
    """
    served, status, content_type = _served(record)
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    media_type = media_type_from_content_type(content_type)
    if not served or not url or media_type in html.SERVED_TYPES:
        return None
    spooled = _spool_payload(record, offset, label, document, MAX_RESOURCE_BYTES, check_cancel)
    if spooled is None:
        document.warnings.append(f"resource {url} at byte offset {offset} is larger than "
                                 f"{MAX_RESOURCE_BYTES:,} bytes; not kept for the offline view")
        return None
    path, kept, _ = spooled
    return ArchiveResource(
        url=url, captured_utc=record.rec_headers.get_header("WARC-Date"), status=status,
        media_type=media_type, record_offset=offset, member=member,
        record_id=record.rec_headers.get_header("WARC-Record-ID"),
        payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
        sha256=kept.sha256, size=kept.size_bytes, path=path)
