"""Plain text in any common encoding: the text itself, its first line as the title."""

from __future__ import annotations

from pathlib import Path

from ..decoding import decode_text
from ..documents import ExtractedDocument
from .common import CheckCancel, Head, first_line, read_prefix

KIND = "text"
LABEL = "text"
TEXTUAL = True
EXTENSIONS = (".txt", ".text")
SERVED_TYPES = ("text/plain",)
MEDIA_TYPE = "text/plain"


def served_as(media_type: str) -> bool:
    return media_type in SERVED_TYPES


def sniff(head: Head) -> bool:
    return not head.binary and head.readable


def read(path: Path, check_cancel: CheckCancel) -> ExtractedDocument:
    data, note = read_prefix(path)
    text, encoding = decode_text(data)
    return noted(document(text, encoding), note)


def noted(document: ExtractedDocument, note: str | None) -> ExtractedDocument:
    """``document`` with ``note`` (read from a prefix only) first among its warnings."""
    if note:
        document.warnings.insert(0, note)
    return document


def document(text: str, encoding: str, *, kind: str = KIND, media_type: str = MEDIA_TYPE,
             title: str | None = None) -> ExtractedDocument:
    """A text document (plain or Markdown); ``title`` defaults to the first non-blank line."""
    if title is None:
        title = first_line(text)
    return ExtractedDocument(kind=kind, media_type=media_type, title=title, text=text,
                             metadata={"encoding": encoding})
