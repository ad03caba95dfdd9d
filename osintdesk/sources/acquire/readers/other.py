"""Anything osintdesk cannot read (and the containers it does not open: gzip and zip that hold
no WARC): kept as evidence, hashed, without text. Also the fallback when no reader claims a file."""

from __future__ import annotations

from pathlib import Path

from ..decoding import GZIP_MAGIC
from ..documents import ExtractedDocument
from .common import CheckCancel, Head

KIND = "other"
LABEL = "other"
TEXTUAL = False
EXTENSIONS: tuple[str, ...] = ()
MEDIA_TYPE = "application/octet-stream"
ZIP_MAGIC = b"PK\x03\x04"


def served_as(media_type: str) -> bool:
    return False


def sniff(head: Head) -> bool:
    """Binary content no reader before this one claimed (the registry's order matters)."""
    return head.data.startswith((GZIP_MAGIC, ZIP_MAGIC)) or head.binary


def read(path: Path, check_cancel: CheckCancel) -> ExtractedDocument:
    return ExtractedDocument(kind=KIND, media_type=MEDIA_TYPE,
                             warnings=["not a type osintdesk can read; kept as evidence without text"])
