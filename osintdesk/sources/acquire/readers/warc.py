"""WARC files (plain or gzip per record): every HTML page served with a 2xx status becomes an
:class:`ArchivePage` (a source of its own); other served payloads (images, stylesheets...) are
spooled to disk as :class:`ArchiveResource` for the offline viewer. Every record is checked:
a damaged one is an error naming its byte offset, a digest mismatch a warning.

The record walk is shared with the WACZ reader (a WACZ is a zip of WARC files).
"""

from __future__ import annotations

import gzip
import hashlib
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
from .common import CheckCancel, Head, closed_on_error

KIND = "warc"
LABEL = "WARC"
TEXTUAL = False
EXTENSIONS = (".warc", ".warc.gz")
SERVED_TYPES = ("application/warc",)
MEDIA_TYPE = "application/warc"
# Images, stylesheets... in a WARC/WACZ larger than this are not kept for the offline viewer.
MAX_RESOURCE_BYTES = 20 * 1024 * 1024


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
        page = _page_from_record(record, offset, member, label, document)
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
    previous_offset = None
    while True:
        errors_before = iterator.err_count
        try:
            record = next(iterator)
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
                      document: ExtractedDocument) -> ArchivePage | None:
    """The record as an :class:`ArchivePage` if it is an HTML page that was served (2xx)."""
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
    try:
        content = record.content_stream().read(html.MAX_PAGE_BYTES + 1)
    except Exception as error:
        raise InputError(f"bad WARC record at byte offset {offset} ({_short(error)})", path=label) from None
    if len(content) > html.MAX_PAGE_BYTES:
        document.warnings.append(f"page {url} at byte offset {offset} is larger than "
                                 f"{html.MAX_PAGE_BYTES:,} bytes; not extracted")
        return None
    captured = record.rec_headers.get_header("WARC-Date")
    return ArchivePage(
        url=url, captured_utc=captured, status=status,
        media_type=media_type_from_content_type(content_type) or "text/html",
        record_offset=offset, member=member, record_id=record.rec_headers.get_header("WARC-Record-ID"),
        payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
        content=content, content_sha256=hashlib.sha256(content).hexdigest(),
        document=extract_html(content, url=url, declared_charset=charset_from_content_type(content_type)))


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
    if document.spool is None:
        document.spool = tempfile.TemporaryDirectory(prefix="osintdesk-archive-",
                                                     dir=document.spool_parent)
    path = Path(document.spool.name) / f"{len(document.resources):08d}"
    too_large = False
    try:
        stream = record.content_stream()
        with open(path, "wb") as out:
            kept = HashingWriter(out)
            while chunk := stream.read(CHUNK_BYTES):
                if kept.size_bytes + len(chunk) > MAX_RESOURCE_BYTES:
                    too_large = True
                    break
                kept.write(chunk)
                check_cancel()
    except (Cancelled, OSError):
        path.unlink(missing_ok=True)
        raise
    except Exception as error:
        path.unlink(missing_ok=True)
        raise InputError(f"bad WARC record at byte offset {offset} ({_short(error)})", path=label) from None
    if too_large:
        path.unlink(missing_ok=True)
        document.warnings.append(f"resource {url} at byte offset {offset} is larger than "
                                 f"{MAX_RESOURCE_BYTES:,} bytes; not kept for the offline view")
        return None
    return ArchiveResource(
        url=url, captured_utc=record.rec_headers.get_header("WARC-Date"), status=status,
        media_type=media_type, record_offset=offset, member=member,
        record_id=record.rec_headers.get_header("WARC-Record-ID"),
        payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
        sha256=kept.sha256, size=kept.size_bytes, path=path)
