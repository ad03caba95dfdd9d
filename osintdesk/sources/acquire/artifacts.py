"""Files produced as evidence, each with its SHA-256 (hashed in a stream by ``filebytes``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...filebytes import sha256_of_file

CHUNK_BYTES = 64 * 1024   # a read from the network or a decoder


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


def artifact_for(role: str, path: Path, media_type: str) -> Artifact:
    """Hash an existing file and describe it as an :class:`Artifact`."""
    sha256, size_bytes = sha256_of_file(path, block_bytes=CHUNK_BYTES)
    return Artifact(role=role, path=path, media_type=media_type,
                    size_bytes=size_bytes, sha256=sha256)

