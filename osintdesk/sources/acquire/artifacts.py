"""Files produced or read as evidence, each with its SHA-256, and the helpers that hash them.

Hashing always streams: an artifact of any size is read in fixed-size chunks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable

from ...errors import Cancelled

CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class Artifact:
    """One file of evidence on disk: where it is, what it is, and its hash.

    ``role`` says what the file is within a capture: ``"warc"``, ``"body"`` (the response
    body exactly as the server sent it, after HTTP transfer decoding) or ``"decoded_body"``
    (the body with its Content-Encoding such as gzip undone, for viewing).
    """

    role: str
    path: Path
    media_type: str
    size_bytes: int
    sha256: str


def sha256_file(path: Path, *, progress: Callable[[int, "int | None"], None] | None = None,
                cancelled: Callable[[], bool] | None = None, total_bytes: int | None = None,
                chunk_bytes: int = CHUNK_BYTES) -> tuple[str, int]:
    """SHA-256 (hex) and size in bytes of a file, read in chunks of ``chunk_bytes``.

    After each chunk ``progress(done_bytes, total_bytes)`` is called, then ``cancelled()``:
    True raises :class:`Cancelled`. An unreadable file raises the ``OSError``.
    """
    digest = hashlib.sha256()
    size_bytes = 0
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(chunk_bytes), b""):
            digest.update(chunk)
            size_bytes += len(chunk)
            if progress:
                progress(size_bytes, total_bytes)
            if cancelled and cancelled():
                raise Cancelled()
    return digest.hexdigest(), size_bytes


def artifact_for(role: str, path: Path, media_type: str) -> Artifact:
    """Hash an existing file and describe it as an :class:`Artifact`."""
    sha256, size_bytes = sha256_file(path)
    return Artifact(role=role, path=path, media_type=media_type,
                    size_bytes=size_bytes, sha256=sha256)


class HashingWriter:
    """Writes to a binary file while keeping the SHA-256 and byte count of what was written."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self._digest = hashlib.sha256()
        self.size_bytes = 0

    def write(self, data: bytes) -> int:
        self._stream.write(data)
        self._digest.update(data)
        self.size_bytes += len(data)
        return len(data)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()
