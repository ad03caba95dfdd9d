"""Undoing HTTP content codings (gzip, deflate) and turning bytes into text.

Shared by web capture and file import. Decoding streams from file to file with a size
limit, so a small gzip bomb cannot fill the disk or memory.
"""

from __future__ import annotations

import codecs
import re
import zlib
from pathlib import Path
from typing import Callable

from ...filebytes import HashingWriter
from .artifacts import CHUNK_BYTES

GZIP_MAGIC = b"\x1f\x8b"
_SUPPORTED_CODINGS = {"gzip", "x-gzip", "deflate", "identity"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class UnsupportedCoding(Exception):
    """The body uses a content coding we cannot undo (e.g. br without a decoder)."""


class DecodedTooLarge(Exception):
    """Undoing the content coding produced more bytes than allowed."""


def parse_content_codings(header_value: str | None) -> list[str]:
    """The codings of a Content-Encoding header, in the order the server applied them."""
    if not header_value:
        return []
    return [part.strip().lower() for part in header_value.split(",") if part.strip()]


def needs_decoding(codings: list[str]) -> bool:
    return any(coding != "identity" for coding in codings)


def _decompressor(coding: str, first_bytes: bytes):
    if coding in ("gzip", "x-gzip"):
        return zlib.decompressobj(zlib.MAX_WBITS | 16)
    # "deflate" is meant to be zlib-wrapped, but many servers send raw deflate.
    if len(first_bytes) >= 2 and (first_bytes[0] & 0x0F) == 8 and \
            int.from_bytes(first_bytes[:2], "big") % 31 == 0:
        return zlib.decompressobj(zlib.MAX_WBITS)
    return zlib.decompressobj(-zlib.MAX_WBITS)


def _write_capped(writer: HashingWriter, data: bytes, max_bytes: int) -> None:
    writer.write(data)
    if writer.size_bytes > max_bytes:
        raise DecodedTooLarge()


def _decode_one(src: Path, dest: Path, coding: str, max_bytes: int,
                check_cancel: Callable[[], None]) -> tuple[str, int]:
    with open(src, "rb") as reader, open(dest, "wb") as raw_writer:
        writer = HashingWriter(raw_writer)
        pending = reader.read(CHUNK_BYTES)
        decompressor = _decompressor(coding, pending)
        while True:
            check_cancel()
            if not pending:
                pending = reader.read(CHUNK_BYTES)
                if not pending:
                    break
            # Cap the output of each step: the limit holds even for a tiny bomb.
            data = decompressor.decompress(pending, max_bytes + 1 - writer.size_bytes)
            pending = decompressor.unconsumed_tail
            _write_capped(writer, data, max_bytes)
            if decompressor.eof:
                rest = decompressor.unused_data + reader.read(len(GZIP_MAGIC))
                if coding in ("gzip", "x-gzip") and rest.startswith(GZIP_MAGIC):
                    decompressor, pending = _decompressor(coding, rest), rest  # next member
                    continue
                break  # trailing bytes after the end marker are ignored, as browsers do
        if not decompressor.eof:
            raise zlib.error(f"{coding} data ends before its end marker (truncated)")
        _write_capped(writer, decompressor.flush(), max_bytes)
    return writer.sha256, writer.size_bytes


def decode_content(src: Path, dest: Path, codings: list[str], *, max_bytes: int,
                   check_cancel: Callable[[], None] = lambda: None) -> tuple[str, int]:
    """Undo ``codings`` (last applied first) from ``src`` into ``dest``.

    Returns (sha256 hex, size in bytes) of ``dest``. Raises :class:`UnsupportedCoding`,
    :class:`DecodedTooLarge` or ``zlib.error`` (corrupt data).
    """
    unsupported = [c for c in codings if c not in _SUPPORTED_CODINGS]
    if unsupported:
        raise UnsupportedCoding(", ".join(unsupported))
    steps = [c for c in reversed(codings) if c != "identity"]
    current = src
    result = ("", 0)
    for index, coding in enumerate(steps):
        target = dest if index == len(steps) - 1 else dest.with_suffix(f".step{index}")
        result = _decode_one(current, target, coding, max_bytes, check_cancel)
        if current != src:
            current.unlink()
        current = target
    return result


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset=`` parameter of a Content-Type header, if it names a known codec."""
    if not content_type:
        return None
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "charset":
            return _known_codec(value.strip().strip("\"'"))
    return None


def media_type_from_content_type(content_type: str | None) -> str | None:
    """``text/html`` from ``text/html; charset=utf-8``."""
    if not content_type:
        return None
    return content_type.split(";")[0].strip().lower() or None


def _known_codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_text(data: bytes, declared_charset: str | None = None) -> tuple[str, str]:
    """Bytes to text, choosing the encoding the way a browser would.

    Order: byte-order mark, the declared charset (HTTP header), a ``<meta charset>`` in the
    first 4 KB, strict UTF-8, then charset-normalizer's best guess, then cp1252.
    Returns (text, encoding used). Never raises: undecodable bytes become U+FFFD.
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    candidates = [declared_charset]
    meta = _META_CHARSET.search(data[:4096])
    if meta:
        candidates.append(_known_codec(meta.group(1).decode("ascii", "ignore")))
    for encoding in filter(None, candidates):
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guessed = _guess_encoding(data)
    return data.decode(guessed, errors="replace"), guessed


def _guess_encoding(data: bytes) -> str:
    try:
        from charset_normalizer import from_bytes
        best = from_bytes(data[:200_000]).best()
        if best is not None:
            return best.encoding
    except ImportError:  # pragma: no cover - requests always brings charset-normalizer
        pass
    return "cp1252"
