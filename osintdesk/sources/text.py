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


# ----------------------------------------------------------------------------- one matching rule
#
# How a word the investigator typed is found in a text, for selectors and for placing search
# hits: case is ignored, so are punctuation and spaces between the word's letters and digits
# ("Il-62", "IL 62" and "il62" are one word), ё is е, and a type or registration typed short
# finds its variants (Il-62 finds Il-62M), as the full-text search does.

_PIECES = re.compile(r"\d+|[^\W\d_]+")
_DESIGNATION = re.compile(r"[^\W\d_]+[-/]?[0-9]+$")
_BETWEEN = r"[\W_]{0,3}"
_YO = {"е": "[её]", "ё": "[её]", "Е": "[ЕЁ]", "Ё": "[ЕЁ]"}


def is_designation(word: str) -> bool:
    """Whether a typed word reads as a type or registration (letters, perhaps a dash or
    slash, digits: ``Il-62``, ``IL62``, ``B-52``), which also finds its longer variants
    (``Il-62M``)."""
    return bool(_DESIGNATION.search(word))


def word_regex(word: str, *, case_sensitive: bool = False) -> re.Pattern | None:
    """The pattern that finds ``word`` in a text under the rule above; None when the word
    has no letter or digit (nothing to find). ``word*`` finds words that begin with it."""
    prefix = word.rstrip().endswith("*") or is_designation(word.strip())
    pieces = _PIECES.findall(word)
    if not pieces:
        return None

    def piece(p: str) -> str:
        return "".join(_YO.get(c, re.escape(c)) for c in p)
    body = _BETWEEN.join(piece(p) for p in pieces)
    tail = r"[^\W_]*" if prefix else r"(?![^\W_])"   # a prefix match takes the whole word
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<![^\W_]){body}{tail}", flags)


def find_word(text: str, word: str, *, case_sensitive: bool = False) -> list[tuple[int, int]]:
    """Where ``word`` is in ``text`` as (start, end) character offsets, under the one rule."""
    pattern = word_regex(word, case_sensitive=case_sensitive)
    if pattern is None:
        return []
    return [(m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start()]


def snippet_around(text: str, start: int, end: int, *, width: int = 60
                   ) -> tuple[str, tuple[int, int]]:
    """A one-line passage of ``text`` around ``start:end`` (about ``width`` characters each
    side, cut at spaces, "…" where it is cut) and where the match is in that passage."""
    left = max(0, start - width)
    right = min(len(text), end + width)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space >= 0 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space >= 0 else right
    head = "…" if left > 0 else ""
    tail = "…" if right < len(text) else ""
    # One line: newlines become spaces, one character for one, so offsets hold.
    passage = text[left:right].replace("\n", " ").replace("\r", " ").replace("\t", " ")
    offset = len(head) - left
    return head + passage + tail, (start + offset, end + offset)
