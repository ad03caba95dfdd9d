"""A local file as evidence: its hash, size and time, and what it says.

What it says is read by the reader for its kind (``readers``: HTML, PDF, images with EXIF,
plain text, Markdown, WARC and WACZ; anything else is kept as ``other``), chosen by content
first and by the file name second. Nothing here writes to a case.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ... import timefmt
from ...errors import Cancelled, InputError
from ...filebytes import sha256_of_file
from .documents import EvidenceFile
from .readers import read_document

Progress = Callable[[int, "int | None"], None]
IsCancelled = Callable[[], bool]


def read_evidence_file(path: Path, *, progress: Progress | None = None,
                       cancelled: IsCancelled | None = None,
                       spool_dir: Path | None = None) -> EvidenceFile:
    """Hash ``path`` and read what it says. Raises :class:`InputError` naming the file.

    ``progress(done_bytes, total_bytes)`` follows the hashing; ``cancelled()`` returning True
    raises :class:`Cancelled`. The file is read, never changed; if it changes while being
    read, that is an error too (the hash would not describe what was parsed). An archive's
    resources are spooled into ``spool_dir`` (pass the case's private work folder), else
    into the system's temp folder.
    """
    path = Path(path)
    is_cancelled = cancelled or (lambda: False)
    before = _stat(path)
    sha256, size_bytes = sha256_of_file(path, progress=progress, cancelled=is_cancelled)
    document = read_document(path, check_cancel=lambda: _raise_if(is_cancelled),
                             spool_dir=spool_dir)
    after = _stat(path)
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
        raise InputError("the file changed while it was being read; add it again when it is complete", path=path)
    return EvidenceFile(path=path, original_name=path.name, size_bytes=size_bytes, sha256=sha256,
                        modified_utc=timefmt.record_time(before.st_mtime), document=document)


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


