"""Local files as evidence: hash them, tell what they are by their content, read what they say.

Supported: HTML, PDF (text via pypdf), images (EXIF via Pillow: time taken, camera, GPS),
plain text, Markdown, WARC and WACZ (each HTML page inside becomes an :class:`ArchivePage`).
Anything else is still accepted as evidence of kind ``other`` (hashed, no text). A file that
claims a type it cannot be read as, or is damaged, raises :class:`InputError` naming it.

Types are sniffed from content first and the file name second (Picard's rule).
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import tempfile
import warnings
import zipfile
import zlib
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from ... import timefmt
from ...errors import Cancelled, InputError
from .artifacts import CHUNK_BYTES
from .decoding import GZIP_MAGIC, charset_from_content_type, decode_text, media_type_from_content_type
from .documents import ArchivePage, ArchiveResource, EvidenceFile, ExtractedDocument, GeoPoint
from .extract import extract_html

Progress = Callable[[int, "int | None"], None]
IsCancelled = Callable[[], bool]

SNIFF_BYTES = 8192
MAX_PAGE_BYTES = 50 * 1024 * 1024
# Images, stylesheets... in a WARC/WACZ larger than this are not kept for the offline viewer.
MAX_RESOURCE_BYTES = 20 * 1024 * 1024
HTML_MEDIA_TYPES = ("text/html", "application/xhtml+xml")

_KIND_MEDIA_TYPES = {
    "html": "text/html", "pdf": "application/pdf", "text": "text/plain", "markdown": "text/markdown",
    "warc": "application/warc", "wacz": "application/wacz", "other": "application/octet-stream",
}
_EXTENSION_KINDS = {
    ".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf", ".txt": "text", ".text": "text",
    ".md": "markdown", ".markdown": "markdown", ".warc": "warc", ".wacz": "wacz",
    ".jpg": "image", ".jpeg": "image", ".png": "image", ".gif": "image", ".tif": "image",
    ".tiff": "image", ".webp": "image", ".bmp": "image",
}
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)[\s>]",
                         re.IGNORECASE | re.DOTALL)
_MARKDOWN_SIGNS = re.compile(r"^(?:#{1,6} \S|```|\s*[-*+] \[[ x]\] |\[[^\]]+\]\([^)]+\))", re.MULTILINE)


# ============================================================================= entry point


def read_evidence_file(path: Path, *, progress: Progress | None = None,
                       cancelled: IsCancelled | None = None) -> EvidenceFile:
    """Hash ``path`` and read what it says. Raises :class:`InputError` naming the file.

    ``progress(done_bytes, total_bytes)`` follows the hashing; ``cancelled()`` returning True
    raises :class:`Cancelled`. The file is read, never changed; if it changes while being
    read, that is an error too (the hash would not describe what was parsed).
    """
    path = Path(path)
    progress = progress or (lambda done, total: None)
    is_cancelled = cancelled or (lambda: False)
    before = _stat(path)
    sha256, size_bytes = _hash(path, before.st_size, progress, is_cancelled)
    document = read_document(path, check_cancel=lambda: _raise_if(is_cancelled))
    after = _stat(path)
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
        raise InputError("the file changed while it was being read; add it again when it is complete", path=path)
    return EvidenceFile(path=path, original_name=path.name, size_bytes=size_bytes, sha256=sha256,
                        modified_utc=timefmt.record_time(before.st_mtime), document=document)


def read_document(path: Path, *, check_cancel: Callable[[], None] = lambda: None) -> ExtractedDocument:
    """What the file says, by its sniffed kind."""
    kind, warning = sniff(path)
    reader = _READERS[kind]
    document = reader(path, check_cancel)
    if warning:
        document.warnings.insert(0, warning)
    return document


_MEDIA_TYPE_KINDS = {
    "text/html": "html", "application/xhtml+xml": "html", "application/pdf": "pdf",
    "text/plain": "text", "text/markdown": "markdown", "text/x-markdown": "markdown",
    "application/warc": "warc",
}


def kind_for_media_type(media_type: str | None) -> str | None:
    """The reader kind a served Content-Type asks for (``image/png`` -> ``image``), or None."""
    if not media_type:
        return None
    media_type = media_type.lower()
    if media_type.startswith("image/") and media_type != "image/svg+xml":
        return "image"
    return _MEDIA_TYPE_KINDS.get(media_type)


def read_document_as(path: Path, kind: str, *,
                     check_cancel: Callable[[], None] = lambda: None) -> ExtractedDocument:
    """Read ``path`` as ``kind`` (a captured body whose type the server declared).

    A declared PDF or image that cannot be read raises :class:`InputError` naming ``path``.
    """
    if kind not in _READERS:
        raise ValueError(f"unknown document kind {kind!r}")
    return _READERS[kind](Path(path), check_cancel)


def _raise_if(is_cancelled: IsCancelled) -> None:
    if is_cancelled():
        raise Cancelled()


def _stat(path: Path):
    try:
        stat = path.stat()
    except OSError as error:
        raise InputError(f"cannot be read ({error.strerror or error})", path=path) from None
    if not path.is_file():
        raise InputError("is not a regular file", path=path)
    return stat


def _hash(path: Path, total: int, progress: Progress, is_cancelled: IsCancelled) -> tuple[str, int]:
    digest = hashlib.sha256()
    done = 0
    try:
        with open(path, "rb") as stream:
            for chunk in iter(lambda: stream.read(1024 * 1024), b""):
                digest.update(chunk)
                done += len(chunk)
                progress(done, total)
                _raise_if(is_cancelled)
    except OSError as error:
        raise InputError(f"cannot be read ({error.strerror or error})", path=path) from None
    return digest.hexdigest(), done


# ============================================================================= sniffing


_TEXTUAL = ("text", "markdown", "html")


def sniff(path: Path) -> tuple[str, str | None]:
    """(kind, warning). The content decides; the name only chooses between textual kinds
    (a .md file, an HTML fragment in a .html file) and makes a contradiction an error
    (a .pdf that holds no PDF is damaged, not "other")."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(SNIFF_BYTES)
    except OSError as error:
        raise InputError(f"cannot be read ({error.strerror or error})", path=path) from None
    by_content = _kind_from_content(path, head)
    by_name = "warc" if path.name.lower().endswith(".warc.gz") else _EXTENSION_KINDS.get(path.suffix.lower())
    if by_name is None or by_name == by_content:
        return by_content, None
    if by_name in _TEXTUAL and by_content in _TEXTUAL:
        return by_name, None
    if by_content in ("other",) + _TEXTUAL:
        label = by_name.upper() if by_name in ("pdf", "html", "warc", "wacz") else by_name
        raise InputError(f"the name says {label} but the content is not a readable {label} file", path=path)
    return by_content, f"the name suggests {by_name} but the content is {by_content}; read as {by_content}"


def _kind_from_content(path: Path, head: bytes) -> str:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"WARC/"):
        return "warc"
    if head.startswith(GZIP_MAGIC):
        return "warc" if _gzip_starts_with(path, b"WARC/") else "other"
    if head.startswith(b"PK\x03\x04"):
        return "wacz" if _is_wacz(path) else "other"
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP") or _is_bmp(head):
        return "image"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "other"
    if _HTML_START.match(head.lstrip(b"\xef\xbb\xbf")):
        return "html"
    text, _ = decode_text(head)
    if text.count("\ufffd") > len(text) // 100 + 1:
        return "other"
    return "markdown" if len(_MARKDOWN_SIGNS.findall(text)) >= 2 else "text"


def _is_bmp(head: bytes) -> bool:
    # "BM" alone would claim any text that starts with "BMW"; the reserved bytes must be zero.
    return head[:2] == b"BM" and len(head) >= 14 and head[6:10] == b"\x00\x00\x00\x00"


def _gzip_starts_with(path: Path, prefix: bytes) -> bool:
    try:
        with gzip.open(path, "rb") as stream:
            return stream.read(len(prefix)) == prefix
    except (OSError, EOFError, zlib.error):
        return False


def _is_wacz(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    return "datapackage.json" in names and any(_is_warc_member(n) for n in names)


def _is_warc_member(name: str) -> bool:
    return name.startswith("archive/") and name.endswith((".warc", ".warc.gz"))


# ============================================================================= readers


def _read_html(path: Path, check_cancel) -> ExtractedDocument:
    return extract_html(path.read_bytes())


def _read_text(path: Path, check_cancel, kind: str = "text") -> ExtractedDocument:
    text, encoding = decode_text(path.read_bytes())
    title = _markdown_title(text) if kind == "markdown" else None
    if title is None:
        title = next((line.strip()[:120] for line in text.splitlines() if line.strip()), None)
    return ExtractedDocument(kind=kind, media_type=_KIND_MEDIA_TYPES[kind], title=title, text=text,
                             metadata={"encoding": encoding})


def _read_markdown(path: Path, check_cancel) -> ExtractedDocument:
    return _read_text(path, check_cancel, kind="markdown")


def _markdown_title(text: str) -> str | None:
    match = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
    return match.group(1) if match else None


def _read_other(path: Path, check_cancel) -> ExtractedDocument:
    return ExtractedDocument(kind="other", media_type=_KIND_MEDIA_TYPES["other"],
                             warnings=["not a type osintdesk can read; kept as evidence without text"])


# ----------------------------------------------------------------------------- PDF


class _ListHandler(logging.Handler):
    def __init__(self, into: list[str]):
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record.getMessage())


@contextmanager
def _collected_log(name: str, into: list[str]):
    """A library's log messages while reading, kept (for the document's warnings) not printed."""
    logger = logging.getLogger(name)
    handler = _ListHandler(into)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


MAX_READER_NOTES = 20


def _read_pdf(path: Path, check_cancel) -> ExtractedDocument:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    notes: list[str] = []
    try:
        with warnings.catch_warnings(), _collected_log("pypdf", notes):
            warnings.simplefilter("ignore")
            reader = PdfReader(path, strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise InputError("the PDF is encrypted with a password; its text cannot be read", path=path)
            texts = []
            for page in reader.pages:
                check_cancel()
                texts.append(page.extract_text() or "")
            info = reader.metadata or {}
            page_count = len(reader.pages)
    except InputError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            AssertionError, RecursionError, zlib.error, OSError) as error:
        raise InputError(f"not a readable PDF ({type(error).__name__}: {error})", path=path) from None
    metadata = {"pages": str(page_count)}
    for key, name in (("/Creator", "pdf_creator"), ("/Producer", "pdf_producer"),
                      ("/CreationDate", "pdf_creation_date"), ("/ModDate", "pdf_modification_date")):
        value = info.get(key)
        if value:
            metadata[name] = str(value)
            parsed = pdf_date_utc(str(value))
            if parsed and name.endswith("_date"):
                metadata[name + "_utc"] = parsed
    text = "\n\n".join(t.strip() for t in texts if t.strip())
    title = _pdf_str(info.get("/Title")) or next((ln.strip()[:120] for ln in text.splitlines() if ln.strip()), None)
    return ExtractedDocument(kind="pdf", media_type="application/pdf", title=title, text=text,
                             author=_pdf_str(info.get("/Author")), metadata=metadata,
                             warnings=[f"PDF reader: {note}" for note in
                                       list(dict.fromkeys(notes))[:MAX_READER_NOTES]])


def _pdf_str(value) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?")


def pdf_date_utc(value: str) -> str | None:
    """``2023-09-14T07:30:00Z`` from a PDF date such as ``D:20230914103000+03'00'``, when it has an offset."""
    match = _PDF_DATE.match(value.strip())
    if not match or not match.group(7):
        return None
    year, month, day, hour, minute, second = (int(g) if g else d for g, d in
                                              zip(match.groups()[:6], (0, 1, 1, 0, 0, 0)))
    offset = match.group(7)
    try:
        moment = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    if offset != "Z":
        digits = offset.replace("'", "")
        sign = -1 if digits[0] == "-" else 1
        moment -= sign * timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5] or 0))
    return timefmt.record_time(moment.replace(tzinfo=timezone.utc))


# ----------------------------------------------------------------------------- images


def _read_image(path: Path, check_cancel) -> ExtractedDocument:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                image.load()  # decode fully: a truncated image must fail here, not in the viewer
                media_type = Image.MIME.get(image.format or "", "application/octet-stream")
                size = image.size
                exif = image.getexif()
                document = ExtractedDocument(kind="image", media_type=media_type,
                                             metadata={"width_px": str(size[0]), "height_px": str(size[1]),
                                                       "format": image.format or ""})
                _apply_exif(document, exif)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as error:
        raise InputError(f"not a readable image ({error})", path=path) from None
    return document


# EXIF tag numbers (EXIF 2.32): IFD0, the Exif sub-IFD and the GPS sub-IFD.
_TAG_MAKE, _TAG_MODEL, _TAG_DATETIME, _TAG_DESCRIPTION = 0x010F, 0x0110, 0x0132, 0x010E
_TAG_DATETIME_ORIGINAL, _TAG_OFFSET_ORIGINAL, _TAG_MAKER_NOTE = 0x9003, 0x9011, 0x927C
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON, _GPS_ALT_REF, _GPS_ALT = 1, 2, 3, 4, 5, 6
_MAX_EXIF_VALUE_BYTES = 1024


def _apply_exif(document: ExtractedDocument, exif) -> None:
    from PIL import ExifTags

    base = dict(exif.items())
    sub = dict(exif.get_ifd(ExifTags.IFD.Exif).items())
    gps = dict(exif.get_ifd(ExifTags.IFD.GPSInfo).items())
    for tags, names, prefix in ((base, ExifTags.TAGS, ""), (sub, ExifTags.TAGS, ""), (gps, ExifTags.GPSTAGS, "GPS")):
        for tag, value in tags.items():
            if tag in (ExifTags.IFD.Exif, ExifTags.IFD.GPSInfo, _TAG_MAKER_NOTE):
                continue
            name = names.get(tag, f"0x{tag:04X}")
            document.exif[name if not prefix or name.startswith("GPS") else prefix + name] = _exif_text(value)
    document.camera_make = _clean_exif(base.get(_TAG_MAKE))
    document.camera_model = _clean_exif(base.get(_TAG_MODEL))
    document.title = _clean_exif(base.get(_TAG_DESCRIPTION))
    taken = _clean_exif(sub.get(_TAG_DATETIME_ORIGINAL)) or _clean_exif(base.get(_TAG_DATETIME))
    if taken:
        _apply_taken(document, taken, _clean_exif(sub.get(_TAG_OFFSET_ORIGINAL)))
    document.geo = _gps_point(gps, document)


def _exif_text(value) -> str:
    if isinstance(value, bytes):
        value = value[:_MAX_EXIF_VALUE_BYTES]
        printable = value.rstrip(b"\x00")
        if printable and all(32 <= byte < 127 for byte in printable):
            return printable.decode("ascii")
        return value.hex()
    if isinstance(value, tuple):
        return ", ".join(_exif_text(v) for v in value)
    return str(value).rstrip("\x00").strip()


def _clean_exif(value) -> str | None:
    if value is None:
        return None
    text = _exif_text(value).strip()
    return text or None


def _apply_taken(document: ExtractedDocument, taken: str, offset: str | None) -> None:
    """EXIF "YYYY:MM:DD HH:MM:SS" is camera-clock local time; UTC only with OffsetTimeOriginal."""
    try:
        moment = datetime.strptime(taken[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        document.warnings.append(f"EXIF time taken {taken!r} is not a valid date")
        return
    document.taken_local = moment.isoformat()
    if offset and re.fullmatch(r"[+-]\d{2}:\d{2}", offset):
        aware = timefmt.parse_iso(moment.isoformat() + offset)
        document.taken_local = aware.isoformat()
        document.taken_utc = timefmt.record_time(aware)


def _gps_point(gps: dict, document: ExtractedDocument) -> GeoPoint | None:
    if _GPS_LAT not in gps or _GPS_LON not in gps:
        return None
    try:
        lat = _degrees(gps[_GPS_LAT]) * (-1 if _clean_exif(gps.get(_GPS_LAT_REF)) == "S" else 1)
        lon = _degrees(gps[_GPS_LON]) * (-1 if _clean_exif(gps.get(_GPS_LON_REF)) == "W" else 1)
        alt = None
        if _GPS_ALT in gps:
            alt = float(gps[_GPS_ALT]) * (-1 if gps.get(_GPS_ALT_REF) in (1, b"\x01") else 1)
    except (TypeError, ValueError, ZeroDivisionError, IndexError):
        document.warnings.append("EXIF GPS position is malformed; kept in the EXIF data only")
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or lat != lat or lon != lon:
        document.warnings.append("EXIF GPS position is out of range; kept in the EXIF data only")
        return None
    return GeoPoint(lat_deg=round(lat, 7), lon_deg=round(lon, 7),
                    alt_m=None if alt is None or alt != alt else round(alt, 2))


def _degrees(dms) -> float:
    degrees, minutes, seconds = (float(part) for part in dms)
    return degrees + minutes / 60 + seconds / 3600


# ----------------------------------------------------------------------------- WARC and WACZ


def _read_warc(path: Path, check_cancel) -> ExtractedDocument:
    document = ExtractedDocument(kind="warc", media_type="application/warc", title=path.name)
    try:
        with open(path, "rb") as stream:
            _collect_pages(stream, path.name, str(path), document, check_cancel, path.stat().st_size)
    except OSError as error:
        document.close()
        raise InputError(f"cannot be read ({error})", path=path) from None
    except BaseException:
        document.close()
        raise
    return document


def _read_wacz(path: Path, check_cancel) -> ExtractedDocument:
    document = ExtractedDocument(kind="wacz", media_type="application/wacz", title=path.name)
    try:
        with zipfile.ZipFile(path) as archive:
            for name in sorted(n for n in archive.namelist() if _is_warc_member(n)):
                with archive.open(name) as stream:
                    _collect_pages(stream, name, f"{path}!{name}", document, check_cancel,
                                   archive.getinfo(name).file_size)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error) as error:
        document.close()
        raise InputError(f"not a readable WACZ (zip) file ({error})", path=path) from None
    except BaseException:
        document.close()
        raise
    return document


def _collect_pages(stream: BinaryIO, member: str, label: str, document: ExtractedDocument, check_cancel,
                   total_bytes: int) -> None:
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
    if media_type_from_content_type(content_type) not in HTML_MEDIA_TYPES:
        return None
    try:
        content = record.content_stream().read(MAX_PAGE_BYTES + 1)
    except Exception as error:
        raise InputError(f"bad WARC record at byte offset {offset} ({_short(error)})", path=label) from None
    if len(content) > MAX_PAGE_BYTES:
        document.warnings.append(f"page {url} at byte offset {offset} is larger than "
                                 f"{MAX_PAGE_BYTES:,} bytes; not extracted")
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
    if not served or not url or media_type in HTML_MEDIA_TYPES:
        return None
    if document.spool is None:
        document.spool = tempfile.TemporaryDirectory(prefix="osintdesk-archive-")
    path = Path(document.spool.name) / f"{len(document.resources):08d}"
    digest, size = hashlib.sha256(), 0
    try:
        stream = record.content_stream()
        with open(path, "wb") as out:
            while chunk := stream.read(CHUNK_BYTES):
                size += len(chunk)
                if size > MAX_RESOURCE_BYTES:
                    break
                digest.update(chunk)
                out.write(chunk)
                check_cancel()
    except (Cancelled, OSError):
        path.unlink(missing_ok=True)
        raise
    except Exception as error:
        path.unlink(missing_ok=True)
        raise InputError(f"bad WARC record at byte offset {offset} ({_short(error)})", path=label) from None
    if size > MAX_RESOURCE_BYTES:
        path.unlink(missing_ok=True)
        document.warnings.append(f"resource {url} at byte offset {offset} is larger than "
                                 f"{MAX_RESOURCE_BYTES:,} bytes; not kept for the offline view")
        return None
    return ArchiveResource(
        url=url, captured_utc=record.rec_headers.get_header("WARC-Date"), status=status,
        media_type=media_type, record_offset=offset, member=member,
        record_id=record.rec_headers.get_header("WARC-Record-ID"),
        payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
        sha256=digest.hexdigest(), size=size, path=path)


_READERS = {
    "html": _read_html, "pdf": _read_pdf, "image": _read_image, "text": _read_text,
    "markdown": _read_markdown, "warc": _read_warc, "wacz": _read_wacz, "other": _read_other,
}
