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
