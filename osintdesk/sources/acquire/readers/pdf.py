"""PDF documents: the text of every page (pypdf), the document info (title, author, creator,
producer, dates) and the reader's own complaints about a damaged file, as warnings."""

from __future__ import annotations

import logging
import re
import warnings
import zlib
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .... import timefmt
from ....errors import InputError
from ..documents import ExtractedDocument
from .common import EXTRACT_BYTES, CheckCancel, Head, first_line

KIND = "pdf"
LABEL = "PDF"
TEXTUAL = False
EXTENSIONS = (".pdf",)
SERVED_TYPES = ("application/pdf",)
MAX_READER_NOTES = 20
# Text read from one PDF, as much as the textual readers' prefix: the pages after it are not
# read (memory and time stay bounded).
MAX_TEXT_CHARS = EXTRACT_BYTES
# A PDF declaring more pages than this is not read for text: pypdf builds all the pages'
# objects before the first is read, memory growing with their number.
MAX_PAGES = 10_000


def served_as(media_type: str) -> bool:
    return media_type in SERVED_TYPES


def sniff(head: Head) -> bool:
    return head.data.startswith(b"%PDF-")


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


def read(path: Path, check_cancel: CheckCancel) -> ExtractedDocument:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    notes: list[str] = []
    try:
        # An open file, not the path: given a path pypdf reads the whole file into memory.
        with warnings.catch_warnings(), _collected_log("pypdf", notes), open(path, "rb") as stream:
            warnings.simplefilter("ignore")
            reader = PdfReader(stream, strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise InputError("the PDF is encrypted with a password; its text cannot be read", path=path)
            texts, chars, cut = [], 0, []
            declared = _declared_pages(reader)
            if declared > MAX_PAGES:   # pypdf would build every page's object first
                page_count = declared
                cut.append(f"the PDF declares {declared:,} pages, more than the {MAX_PAGES:,} "
                           "osintdesk reads text from (bounded work); kept as evidence without text")
            else:
                page_count = len(reader.pages)
            for page in (reader.pages if not cut else ()):
                check_cancel()
                if chars >= MAX_TEXT_CHARS:
                    cut.append(f"the text was read from the first {len(texts):,} of "
                               f"{page_count:,} pages only (a bounded {MAX_TEXT_CHARS:,} "
                               "characters); the whole file is kept as evidence")
                    break
                texts.append(page.extract_text() or "")
                chars += len(texts[-1])
            meta = reader.metadata or {}   # read now: the file closes after this block
            info = {key: meta[key] for key in _INFO_KEYS if key in meta}
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
    title = _pdf_str(info.get("/Title")) or first_line(text)
    return ExtractedDocument(kind="pdf", media_type="application/pdf", title=title, text=text,
                             author=_pdf_str(info.get("/Author")), metadata=metadata,
                             warnings=cut + [f"PDF reader: {note}" for note in
                                             list(dict.fromkeys(notes))[:MAX_READER_NOTES]])


def _declared_pages(reader) -> int:
    """The page count the document's page tree declares (``/Count``), read without building
    the pages; 0 when it cannot be read (then the pages themselves are counted)."""
    try:
        count = reader.trailer["/Root"]["/Pages"]["/Count"]
        return int(count) if isinstance(count, int) else 0
    except (KeyError, TypeError, ValueError, AttributeError):
        return 0


_INFO_KEYS = ("/Title", "/Author", "/Creator", "/Producer", "/CreationDate", "/ModDate")


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


