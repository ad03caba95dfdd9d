"""Recognise a case file from its first 100 bytes, before SQLite ever opens it.

Reading the header ourselves means a foreign or damaged file is refused without
being touched: SQLite would happily turn an empty file into a database.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import CaseVersionError, NotACaseError
from .migrations import APPLICATION_ID, SCHEMA_VERSION

SQLITE_MAGIC = b"SQLite format 3\x00"


def check_case_header(path: Path) -> int:
    """Return the case's schema version, or raise a clear error naming ``path``."""
    if not path.exists():
        raise NotACaseError("no such case file", path=path)
    if path.is_dir():
        raise NotACaseError("is a folder, not a case file", path=path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except PermissionError:
        raise NotACaseError("cannot be read (permission denied)", path=path) from None
    except OSError as exc:
        raise NotACaseError(f"cannot be read ({exc.strerror or exc})", path=path) from None
    if not head:
        raise NotACaseError("is an empty file, not an osintdesk case", path=path)
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        raise NotACaseError("is not an osintdesk case (not an SQLite database)", path=path)
    app_id = int.from_bytes(head[68:72], "big")
    if app_id != APPLICATION_ID:
        raise NotACaseError("is an SQLite database of another application, not an osintdesk case",
                            path=path)
    version = int.from_bytes(head[60:64], "big")
    check_schema_version(path, version)
    return version


def check_schema_version(path: Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise CaseVersionError(
            f"was written by a newer osintdesk (case schema {version}; this version reads up to "
            f"{SCHEMA_VERSION}). Open it with a newer osintdesk; it has not been changed.",
            path=path)


def is_writable(path: Path) -> bool:
    """A case can be written when the file and its folder (for the WAL files) are writable.

    A file whose permission bits say read-only is treated as read-only even for root:
    examiners write-protect evidence on purpose.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    folder = path.parent if str(path.parent) else Path(".")
    return bool(mode & 0o222) and os.access(path, os.W_OK) and os.access(folder, os.W_OK)
