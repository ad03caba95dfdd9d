"""Selectors: words or patterns the investigator watches for in every source, defined, matched
and kept in the case here (a selector belongs to the case; reading files never needs one).

A new selector is matched against the text of every capture already in the case; captures
that arrive later are matched as they are stored (``match_capture``). Each hit is a record
with its position, so the viewer can highlight it and ``verify`` can vouch for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from ..errors import Cancelled, InputError
from ..flights.identifiers import plain_dashes
from ..store import Case
from .text import extra_title, snippet_around, word_regex


@dataclass(frozen=True)
class Selector:
    """A word or pattern the investigator watches for.

    A word matches as the search finds it (``text.word_regex``): a whole word (``Sunan``
    does not match ``Sunanville``), punctuation between its letters and digits ignored, a
    designation typed short finding its variants (``Il-62`` matches ``IL-62M``); a regex is a
    Python regular expression. Matching ignores case unless ``case_sensitive``.
    """

    name: str
    pattern: str
    is_regex: bool = False
    case_sensitive: bool = False


@dataclass(frozen=True)
class SelectorHit:
    selector: str   # the selector's name
    start: int
    end: int
    text: str


def compile_selector(selector: Selector) -> re.Pattern:
    """The compiled pattern; :class:`InputError` naming the selector if it is empty or invalid."""
    if not selector.pattern.strip():
        raise InputError("the selector is empty", path=f"selector {selector.name!r}")
    flags = 0 if selector.case_sensitive else re.IGNORECASE
    if not selector.is_regex:
        pattern = word_regex(plain_dashes(selector.pattern.strip()),
                             case_sensitive=selector.case_sensitive)
        if pattern is None:   # no letter or digit: the characters as typed
            pattern = re.compile(re.escape(plain_dashes(selector.pattern.strip())), flags)
        return pattern
    try:
        return re.compile(selector.pattern, flags)
    except re.error as error:
        raise InputError(f"not a valid regular expression: {error}", path=f"selector {selector.name!r}") from None


def match_selectors(text: str, selectors: Iterable[Selector | str]) -> list[SelectorHit]:
    """Every match of every selector in ``text``, ordered by position.

    Plain strings are taken as words named after themselves. Empty matches are skipped.
    Dash look-alikes in the text match "-" in a selector.
    """
    norm = plain_dashes(text)
    hits = []
    for selector in selectors:
        if isinstance(selector, str):
            selector = Selector(name=selector, pattern=selector)
        for match in compile_selector(selector).finditer(norm):
            if match.end() > match.start():
                hits.append(SelectorHit(selector.name, match.start(), match.end(), text[match.start():match.end()]))
    return sorted(hits, key=lambda h: (h.start, h.end, h.selector))


def _selector_of(row: dict) -> Selector:
    return Selector(name=row["uuid"], pattern=row["pattern"], is_regex=bool(row["is_regex"]),
                    case_sensitive=bool(row["case_sensitive"]))


def add_selector(case: Case, pattern: str, *, name: str | None = None, is_regex: bool = False,
                 case_sensitive: bool = False, progress=None, cancelled=None) -> dict:
    """Watch ``pattern``; it is matched against every capture in the case straight away.

    Returns the selector record with ``hits`` and ``sources`` (how many of each it found).
    Raises :class:`InputError` for an empty or invalid pattern, or one already watched.
    """
    pattern = pattern.strip() if not is_regex else pattern
    name = (name or pattern).strip()
    compile_selector(Selector(name=name, pattern=pattern, is_regex=is_regex,
                              case_sensitive=case_sensitive))
    existing = case.conn.execute(
        "SELECT uuid FROM selectors WHERE pattern = ? AND is_regex = ? AND case_sensitive = ?",
        (pattern, int(is_regex), int(case_sensitive))).fetchone()
    if existing:
        raise InputError("is already a selector in this case; nothing was changed",
                         path=f"selector {pattern!r}")
    captures = case.conn.execute(
        "SELECT uuid, source_uuid, title, text_uuid FROM captures ORDER BY created_utc, uuid"
    ).fetchall()
    with case.transaction():
        record = case.insert_record("selector", {
            "name": name, "pattern": pattern, "is_regex": int(is_regex),
            "case_sensitive": int(case_sensitive)})
        hits, sources = 0, set()
        for done, (capture_uuid, source_uuid, title, text_uuid) in enumerate(captures, 1):
            if cancelled and cancelled():
                raise Cancelled()
            text = _text(case, text_uuid)
            found = _store_hits(case, [record], {"uuid": capture_uuid, "source_uuid": source_uuid},
                                text, extra_title(title, text))
            if found:
                hits += found
                sources.add(source_uuid)
            if progress:
                progress(done, len(captures))
    return {**record, "hits": hits, "sources": len(sources)}


def _text(case: Case, text_uuid: str | None) -> str:
    """One capture's text at a time: a case's texts together may not fit in memory."""
    if text_uuid is None:
        return ""
    row = case.conn.execute("SELECT content FROM derived WHERE uuid = ?", (text_uuid,)).fetchone()
    return bytes(row[0]).decode("utf-8") if row else ""


def match_capture(case: Case, capture: dict, text: str, title: str | None) -> int:
    """Match every selector against a capture being stored; returns the number of hits."""
    rows = list(case.db.query("SELECT * FROM selectors ORDER BY created_utc, uuid"))
    return _store_hits(case, rows, capture, text, title) if rows else 0


def _store_hits(case: Case, rows: list[dict], capture: dict, text: str, title: str | None) -> int:
    count = 0
    for row in rows:
        selector = _selector_of(row)
        for field_name, content in (("text", text), ("title", title or "")):
            if not content:
                continue
            for hit in match_selectors(content, [selector]):
                case.insert_record("selector-hit", {
                    "selector_uuid": row["uuid"], "capture_uuid": capture["uuid"],
                    "source_uuid": capture["source_uuid"], "field": field_name,
                    "start_offset": hit.start, "end_offset": hit.end, "text": hit.text,
                }, action="match")
                count += 1
    return count


def resolve_selector(case: Case, ref: str) -> dict:
    """A selector by uuid (or a unique prefix of it), name or pattern."""
    rows = list(case.db.query(
        "SELECT * FROM selectors WHERE uuid = ? OR name = ? OR pattern = ? OR uuid LIKE ?",
        [ref, ref, ref, ref.replace("%", "") + "%" if len(ref) >= 4 else ref]))
    if not rows:
        raise InputError("no selector matches this", path=f"selector {ref!r}")
    if len(rows) > 1:
        raise InputError(f"{len(rows)} selectors match this; give more of the id",
                         path=f"selector {ref!r}")
    return rows[0]


def remove_selector(case: Case, ref: str, *, reason: str | None = None) -> dict:
    """Stop watching a selector; its hits are removed with it (each removal is logged)."""
    row = resolve_selector(case, ref)
    with case.transaction():
        for (hit_uuid,) in case.conn.execute(
                "SELECT uuid FROM selector_hits WHERE selector_uuid = ?", (row["uuid"],)).fetchall():
            case.delete_record("selector-hit", hit_uuid, reason=reason)
        case.delete_record("selector", row["uuid"], reason=reason)
    return row


def list_selectors(case: Case) -> list[dict]:
    """Every selector with how many hits and sources it has."""
    return list(case.db.query(
        "SELECT s.*, count(h.uuid) AS hits, count(DISTINCT h.source_uuid) AS sources "
        "FROM selectors s LEFT JOIN selector_hits h ON h.selector_uuid = s.uuid "
        "GROUP BY s.uuid ORDER BY s.created_utc, s.uuid"))


def selector_hits(case: Case, selector_uuid: str) -> list[dict]:
    """The hits of one selector with the source they are in, newest capture first; each
    with ``snippet`` (the passage around it, on one line) and ``highlights`` (where the hit
    is in the snippet, a list of one [start, end])."""
    rows = list(case.db.query(
        "SELECT h.*, c.title, c.captured_utc, s.name AS source_name, s.url "
        "FROM selector_hits h JOIN captures c ON c.uuid = h.capture_uuid "
        "JOIN sources s ON s.uuid = h.source_uuid WHERE h.selector_uuid = ? "
        "ORDER BY c.captured_utc DESC, h.start_offset", [selector_uuid]))
    texts: dict[str, str] = {}
    for row in rows:
        if row["field"] == "title":
            content = row["title"] or ""
        else:
            if row["capture_uuid"] not in texts:
                texts.clear()   # hits come grouped by capture: keep one text at a time
                texts[row["capture_uuid"]] = _capture_text(case, row["capture_uuid"])
            content = texts[row["capture_uuid"]]
        snippet, span = snippet_around(content, row["start_offset"], row["end_offset"])
        row["snippet"], row["highlights"] = snippet, [list(span)]
    return rows


def _capture_text(case: Case, capture_uuid: str) -> str:
    row = case.conn.execute("SELECT text_uuid FROM captures WHERE uuid = ?",
                            (capture_uuid,)).fetchone()
    return _text(case, row[0] if row else None)
