"""A file's bytes as every package reads them: SHA-256 in one streaming pass, and the UTF-8
byte-order mark; and the hidden file beside a name that a report or an export is written
into before it takes that name. Nothing here imports the store, sources or flights, so all
of them use it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from .errors import Cancelled, InputError

READ_BYTES = 1 << 20   # 1 MiB a read: a file of any size is hashed in constant memory
UTF8_BOM = b"\xef\xbb\xbf"
Progress = Callable[[int, "int | None"], None]
IsCancelled = Callable[[], bool]


class HashingWriter:
    """Keeps the SHA-256 and the byte count of everything written through it, passing the
    bytes on to ``stream`` when there is one (none: it only hashes)."""

    def __init__(self, stream: BinaryIO | None = None):
        self._stream = stream
        self._digest = hashlib.sha256()
        self.size_bytes = 0

    def write(self, data: bytes) -> int:
        if self._stream is not None:
            self._stream.write(data)
        self._digest.update(data)
        self.size_bytes += len(data)
        return len(data)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()


def read_blocks(stream: BinaryIO, *, cancelled: IsCancelled | None = None,
                block_bytes: int = READ_BYTES) -> Iterator[bytes]:
    """The rest of ``stream`` in blocks of ``block_bytes``; ``cancelled()`` is asked before each
    read, and True raises :class:`Cancelled`."""
    while True:
        if cancelled and cancelled():
            raise Cancelled()
        block = stream.read(block_bytes)
        if not block:
            return
        yield block


def sha256_of_stream(stream: BinaryIO, *, progress: Progress | None = None,
                     cancelled: IsCancelled | None = None, total_bytes: int | None = None,
                     block_bytes: int = READ_BYTES) -> tuple[str, int]:
    """SHA-256 (hex) and size in bytes of the rest of ``stream``; ``progress(done_bytes,
    total_bytes)`` after each block."""
    hashed = HashingWriter()
    for block in read_blocks(stream, cancelled=cancelled, block_bytes=block_bytes):
        hashed.write(block)
        if progress:
            progress(hashed.size_bytes, total_bytes)
    return hashed.sha256, hashed.size_bytes


def sha256_of_file(path: str | os.PathLike, *, progress: Progress | None = None,
                   cancelled: IsCancelled | None = None, block_bytes: int = READ_BYTES
                   ) -> tuple[str, int]:
    """SHA-256 (hex) and size in bytes of a file, read in a stream. A file that cannot be read
    raises :class:`InputError` naming it."""
    try:
        total_bytes = os.path.getsize(path)
        with open(path, "rb") as stream:
            return sha256_of_stream(stream, progress=progress, cancelled=cancelled,
                                    total_bytes=total_bytes, block_bytes=block_bytes)
    except OSError as error:
        raise InputError(f"cannot be read ({error.strerror or error})", path=path) from None



def without_bom(data: bytes) -> bytes:
    """``data`` without a leading UTF-8 byte-order mark. Only the mark as a whole goes: a
    first character whose bytes begin like it (``\\xef...``) stays."""
    return data.removeprefix(UTF8_BOM)


def partial_beside(path: str | os.PathLike) -> tuple[int, Path]:
    """(open descriptor, path) of a new hidden file beside ``path`` (``.NAME.XXXXXXXX.partial``)
    to write a report or an export into, whole, before it takes its name. Its mode is what
    any new file of the user's gets (0666 less the umask: 0644 as a rule), so every file
    made for a reader is readable alike; ``tempfile.mkstemp`` would make it 0600. OSError
    when the folder cannot take it."""
    path = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue   # another writer's: draw another name
