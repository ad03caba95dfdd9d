"""HTML pages: title, main text, author, site and the page's own publication date (``extract``)."""

from __future__ import annotations

import re
from pathlib import Path

from ..documents import ExtractedDocument
from ..extract import extract_html
from .common import EXTRACT_BYTES, CheckCancel, Head, read_prefix

KIND = "html"
LABEL = "HTML"
TEXTUAL = True
EXTENSIONS = (".html", ".htm", ".xhtml")
SERVED_TYPES = ("text/html", "application/xhtml+xml")
# A page in a WARC/WACZ larger than this is not made a source (the archive stays evidence).
MAX_PAGE_BYTES = 50 * 1024 * 1024

_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)[\s>]",
                         re.IGNORECASE | re.DOTALL)


def served_as(media_type: str) -> bool:
    return media_type in SERVED_TYPES


def sniff(head: Head) -> bool:
    return not head.binary and _HTML_START.match(head.without_bom) is not None


def read(path: Path, check_cancel: CheckCancel) -> ExtractedDocument:
    return extract_file(path)


def extract_file(path: Path, *, url: str | None = None, declared_charset: str | None = None
                 ) -> ExtractedDocument:
    """``extract_html`` of the page at ``path``, read from a bounded prefix (:data:`EXTRACT_BYTES`):
    a page of any size costs the same memory; the document says when it was cut."""
    data, note = read_prefix(path, EXTRACT_BYTES)
    document = extract_html(data, url=url, declared_charset=declared_charset)
    if note:
        document.warnings.insert(0, note)
    return document
