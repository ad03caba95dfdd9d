"""Small rules about text shared by storing, matching and searching (no imports from siblings)."""

from __future__ import annotations

import re

_KEY_JUNK = re.compile(r"[^0-9A-Z]")


def match_key(value: str) -> str:
    """The form identifiers are compared in: upper case, letters and digits only
    (``RA-86496``, ``ra 86496`` and ``RA86496`` are one registration)."""
    return _KEY_JUNK.sub("", value.upper())


def extra_title(title: str | None, text: str) -> str | None:
    """The title, when it says something the text does not (else its hits would count twice)."""
    if not title or " ".join(title.split()) in " ".join(text.split()):
        return None
    return title
