"""Markdown: read as text, titled by its first ``#`` heading. Recognised by its content too
(two or more headings, fences, task-list items or links), not only by a ``.md`` name."""

from __future__ import annotations

import re
from pathlib import Path

from ..decoding import decode_text
from ..documents import ExtractedDocument
from . import text as plain_text
from .common import CheckCancel, Head, read_prefix

KIND = "markdown"
LABEL = "markdown"
TEXTUAL = True
EXTENSIONS = (".md", ".markdown")
SERVED_TYPES = ("text/markdown", "text/x-markdown")
MEDIA_TYPE = "text/markdown"

_MARKDOWN_SIGNS = re.compile(r"^(?:#{1,6} \S|```|\s*[-*+] \[[ x]\] |\[[^\]]+\]\([^)]+\))", re.MULTILINE)
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def served_as(media_type: str) -> bool:
    return media_type in SERVED_TYPES


def sniff(head: Head) -> bool:
    return not head.binary and head.readable and len(_MARKDOWN_SIGNS.findall(head.text)) >= 2


def read(path: Path, check_cancel: CheckCancel) -> ExtractedDocument:
    data, note = read_prefix(path)
    text, encoding = decode_text(data)
    return plain_text.noted(plain_text.document(text, encoding, kind=KIND, media_type=MEDIA_TYPE,
                                                title=_title(text)), note)


def _title(text: str) -> str | None:
    match = _HEADING.search(text)
    return match.group(1) if match else None
