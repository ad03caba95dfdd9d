"""Citations: what backs a claim, a link, an event or an entity. A citation of a capture
may quote a passage of its text, kept with its character offsets so ``verify`` can tell
when the quote no longer matches; a citation of a source cites its latest capture."""

from __future__ import annotations

import re

from ..errors import InputError
from ..sources import queries as source_queries
from ..store import Case
from . import queries
from .queries import resolve_target

STANCES = ("supports", "contradicts")


def find_quote(text: str, quote: str, near: int | None = None) -> tuple[int, int] | None:
    """(start, end) of ``quote`` in ``text``: exactly, else with any run of white space in
    the quote matching any run in the text (a quote copied from a page's layout). With
    ``near``, the passage found at that offset if it is there, else the first one."""
    if near is not None and text[near:near + len(quote)] == quote:
        return near, near + len(quote)
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    words = quote.split()
    if not words:
        return None
    found = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (found.start(), found.end()) if found else None


def derived_span(case: Case, kind: str, uuid: str) -> dict:
    """For a flight or a ground stay: its aircraft and the span it covers, kept with the
    citation so it still finds the flight after an import re-derives it."""
    span = queries.derived_span(case, kind, uuid)
    if span is None:
        return {}
    return {"target_aircraft": span[0], "target_first_t": span[1], "target_last_t": span[2]}


def latest_capture(case: Case, source_uuid: str) -> str:
    captures = source_queries.captures_of(case, source_uuid)
    if not captures:
        raise InputError(f"source {source_uuid} has no capture to cite")
    return max(captures, key=lambda c: (c["captured_utc"], c["uuid"]))["uuid"]


def add_citation(case: Case, owner_kind: str, owner_uuid: str, target: str, *,
                 stance: str = "supports", quote: str | None = None, note: str | None = None,
                 quote_start: int | None = None) -> dict:
    """Cite ``target`` (any record id or unique prefix, a registration...) for the owner.
    With ``quote``, the target must be a capture (or a source: its latest capture) whose text
    holds the passage; InputError naming the capture otherwise. Nothing is written on error.
    ``quote_start`` (a character offset in the capture's text) picks the occurrence the
    investigator selected when the passage is there more than once."""
    if stance not in STANCES:
        raise InputError(f"a citation supports or contradicts, not '{stance}'")
    kind, uuid = resolve_target(case, target)
    if kind == "source" and quote:
        kind, uuid = "capture", latest_capture(case, uuid)
    fields = {"owner_kind": owner_kind, "owner_uuid": owner_uuid, "target_kind": kind,
              "target_uuid": uuid, "stance": stance, "note": note, **derived_span(case, kind, uuid)}
    if quote:
        if kind != "capture":
            raise InputError(f"--quote needs a capture or a source to quote from, and '{target}' is a {kind}")
        text = source_queries.capture_text(case, uuid)
        span = find_quote(text, quote, quote_start)
        if span is None:
            raise InputError(f"the quote \"{quote[:60]}\" is not in the text of capture {uuid}")
        fields.update(quote=text[span[0]:span[1]], quote_start=span[0], quote_end=span[1])
    return case.insert_record("citation", fields)
