"""HTML pages: title, main text, author, site and the page's own publication date (``extract``)."""

from __future__ import annotations

import re
from pathlib import Path

from ..documents import ExtractedDocument
from ..extract import extract_html
from .common import CheckCancel, Head

KIND = "html"
LABEL = "HTML"
TEXTUAL = True
EXTENSIONS = (".html", ".htm", ".xhtml")
SERVED_TYPES = ("text/html", "application/xhtml+xml")
# A page larger than this is kept as evidence but its text is not extracted.
MAX_PAGE_BYTES = 50 * 1024 * 1024

_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)[\s>]",
                         re.IGNORECASE | re.DOTALL)


def served_as(media_type: str) -> bool:
    return media_type in SERVED_TYPES


def sniff(head: Head) -> bool:
    return not head.binary and _HTML_START.match(head.without_bom) is not None


def read(path: Path, check_cancel: CheckCancel) -> ExtractedDocument:
    return extract_html(path.read_bytes())
