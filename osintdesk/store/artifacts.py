"""Write-once, content-addressed evidence bytes kept inside the case file.

An artifact is stored once per SHA-256, in fixed-size chunks so that a file of any
size is hashed, stored, read and exported in a stream (a 200 MB file never needs
200 MB of memory, and SQLite's 1 GB blob limit never applies).
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, Union

from ..errors import InputError
from ..filebytes import HashingWriter, read_blocks, sha256_of_stream

CHUNK_SIZE = 1 << 20  # 1 MiB
CHANGED = "changed while it was being stored; nothing was stored"
ArtifactSource = Union[bytes, bytearray, memoryview, str, os.PathLike, BinaryIO]
Progress = Callable[[int, int | None], None]


class ArtifactChanged(InputError):
    """The bytes read while storing are not those the caller or the first pass hashed."""


@dataclass(frozen=True)
class Artifact:
    sha256: str
    size: int
    is_new: bool


class _Source:
    """A re-readable view of what is to be stored: bytes, a path, or a seekable stream."""

    def __init__(self, source: ArtifactSource, spool_dir: Callable[[], Path] | None = None,
                 *, once: bool = False):
        """``spool_dir()`` gives the folder for a copy of a stream that cannot be re-read
        (the case's private work folder; asked only when one is needed). ``once``: the
        stream is read once (its hash and size are known), so it is never copied; opening
        it a second time is an error."""
        self._spool = None
        self._opened = False
        if isinstance(source, (bytes, bytearray, memoryview)):
            self._open = lambda: io.BytesIO(bytes(source))
            self.name = "<bytes>"
        elif isinstance(source, (str, os.PathLike)):
            path = Path(source)
            self.name = str(path)
            self._open = lambda: open(path, "rb")
        else:
            self.name = getattr(source, "name", "<stream>")
            if once and not source.seekable():
                def read_once(stream=source):
                    if self._opened:
                        raise OSError("a stream read once cannot be read again")
                    self._opened = True
                    return _NoClose(stream)
                self._open = read_once
                return
            if not source.seekable():
                self._spool = tempfile.TemporaryFile(dir=spool_dir() if spool_dir else None)
                shutil.copyfileobj(source, self._spool, CHUNK_SIZE)
                self._spool.seek(0)   # read back from its start, not from where copying ended
                source = self._spool
            start = source.tell()

            def reopen(stream=source, start=start):
                stream.seek(start)
                return _NoClose(stream)
            self._open = reopen

    def open(self) -> BinaryIO:
        try:
            return self._open()
        except OSError as exc:
            raise InputError(f"cannot be read ({exc.strerror or exc})", path=self.name) from None

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()


class _NoClose(io.RawIOBase):
    def __init__(self, stream):
        self._s = stream

    def read(self, n=-1):
        return self._s.read(n)

    def readable(self):
        return True

    def close(self):  # the caller owns the stream
        pass


def hash_source(src: _Source, progress: Progress | None = None,
                cancelled: Callable[[], bool] | None = None, total: int | None = None
                ) -> tuple[str, int]:
    """SHA-256 and size of what ``src`` holds, read in a stream."""
    with src.open() as stream:
        return sha256_of_stream(stream, progress=progress, cancelled=cancelled, total_bytes=total)


def verify_source(src: _Source, sha256: str, size: int, progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> None:
    """Raise :class:`ArtifactChanged` unless ``src`` holds ``size`` bytes that hash to ``sha256``."""
    if hash_source(src, progress, cancelled, size) != (sha256, size):
        raise ArtifactChanged(CHANGED, path=src.name)


def write_chunks(conn: sqlite3.Connection, src: _Source, sha256: str, size: int,
                 progress: Progress | None = None,
                 cancelled: Callable[[], bool] | None = None) -> None:
    """Copy the bytes into artifact_chunks, hashing them as they go: bytes that do not hash
    to ``sha256`` (or are not ``size`` long) raise :class:`ArtifactChanged`, and the caller's
    transaction then leaves nothing written."""
    written = HashingWriter()
    with src.open() as stream:
        for seq, block in enumerate(read_blocks(stream, cancelled=cancelled, block_bytes=CHUNK_SIZE)):
            written.write(block)
            conn.execute("INSERT INTO artifact_chunks (sha256, seq, data) VALUES (?,?,?)",
                         (sha256, seq, block))
            if progress:
                progress(written.size_bytes, size)
    if written.sha256 != sha256 or written.size_bytes != size:
        raise ArtifactChanged(CHANGED, path=src.name)


def iter_chunks(conn: sqlite3.Connection, sha256: str) -> Iterator[tuple[int, bytes]]:
    for seq, data in conn.execute(
            "SELECT seq, data FROM artifact_chunks WHERE sha256 = ? ORDER BY seq", (sha256,)):
        yield seq, data


class ArtifactReader(io.RawIOBase):
    """A read-only stream over a stored artifact, one chunk in memory at a time."""

    def __init__(self, conn: sqlite3.Connection, sha256: str):
        self._it = (data for _, data in iter_chunks(conn, sha256))
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buf:
            nxt = next(self._it, None)
            if nxt is None:
                return 0
            self._buf = nxt
        n = min(len(target), len(self._buf))
        target[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n
