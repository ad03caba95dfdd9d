"""What every file reader shares: the head of a file that sniffing looks at, and small helpers.

A reader module never opens the case; it gets a path and returns an
:class:`~osintdesk.sources.acquire.documents.ExtractedDocument`.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator

from ....filebytes import without_bom
from ..decoding import decode_text
from ..documents import ExtractedDocument

# How much of a file sniffing reads.
SNIFF_BYTES = 8192
# How much of a textual file (HTML, text, Markdown) is read for its text: memory stays
# bounded by a constant whatever the file's size (the HTML parsers need about forty times
# what they read; finding identifiers about three seconds a MB); the whole file is kept as
# evidence.
EXTRACT_BYTES = 4 * 1024 * 1024
_CUT_AT = (b"\n", b">", b" ")
CheckCancel = Callable[[], None]
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass
class Head:
    """The first :data:`SNIFF_BYTES` of the file at ``path``, as every reader's ``sniff`` sees it."""

    path: Path
    data: bytes

    @property
    def binary(self) -> bool:
        """A NUL byte outside UTF-16 text: no text reader can read it."""
        return b"\x00" in self.data and not self.data.startswith(_UTF16_BOMS)

    @property
    def without_bom(self) -> bytes:
        return without_bom(self.data)

    @cached_property
    def text(self) -> str:
        """The head decoded as text (decoded once, whichever reader asks first)."""
        return decode_text(self.data)[0]

    @property
    def readable(self) -> bool:
        """Whether the head decodes as text with at most one bad character in a hundred."""
        return self.text.count("\ufffd") <= len(self.text) // 100 + 1


def read_prefix(path: Path, limit: int = EXTRACT_BYTES) -> tuple[bytes, str | None]:
    """(the first ``limit`` bytes of ``path``, a note saying so when the file is longer, else
    None). The cut falls after the last line break, tag end or space in the last 64 KiB, so
    no character or tag is cut in two when the text allows it."""
    with open(path, "rb") as stream:
        data = stream.read(limit + 1)
        if len(data) <= limit:
            return data, None
        size = stream.seek(0, 2)
    return cut_prefix(data, limit), extract_note(limit, size)


def cut_prefix(data: bytes, limit: int = EXTRACT_BYTES) -> bytes:
    """``data`` cut to at most ``limit`` bytes at a line break, tag end or space when one is
    near the end."""
    data = data[:limit]
    if data.startswith(_UTF16_BOMS):   # two bytes a character: cut between two of them
        return data[:len(data) - len(data) % 2]
    floor = max(0, len(data) - 65536)
    cut = max(data.rfind(sep, floor) for sep in _CUT_AT)
    return data[:cut + 1] if cut >= 0 else data


def extract_note(limit: int, size: int) -> str:
    """The note a document carries when its text was read from a prefix only."""
    return (f"the text was read from the first {limit / 2**20:g} MiB of {size:,} bytes only "
            "(a bounded prefix); the whole file is kept as evidence")


def first_line(text: str) -> str | None:
    """The first non-blank line of ``text``, stripped and cut to 120 characters: a title of last resort."""
    return next((line.strip()[:120] for line in text.splitlines() if line.strip()), None)


@contextmanager
def closed_on_error(document: ExtractedDocument) -> Iterator[ExtractedDocument]:
    """Remove what ``document`` spooled to disk if reading it fails, then let the error go on."""
    try:
        yield document
    except BaseException:
        document.close()
        raise
