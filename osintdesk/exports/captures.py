"""Which captures a scope selects, for the exports that carry captures (photo places in
the map formats, the WARC records of a WACZ): a tag's captures; with aircraft asked for,
the captures of the sources about them; in a time window, the captures of the sources
whose span overlaps it: the sources every format keeps (``content.select``)."""

from __future__ import annotations

from typing import Callable

from ..timefmt import parse_record
from .base import Scope


def capture_time(capture: dict) -> float | None:
    """When a capture saw its subject: the photo's time (``taken_utc``), else the
    capture's (``captured_utc``), in UTC epoch seconds; None when neither reads."""
    for key in ("taken_utc", "captured_utc"):
        if capture.get(key):
            try:
                return parse_record(capture[key]).timestamp()
            except ValueError:
                continue
    return None


def capture_filter(case, scope: Scope) -> Callable[[dict], bool]:
    """A test for capture rows (with ``uuid`` and ``source_uuid``): does the scope select
    it? A capture goes with its source, when the scope selects the source as every format
    does (``content.select``: a tag's, the chosen aircraft's, or overlapping the window),
    and with a tag only the captures the tag's selection holds."""
    from .content import select
    sources = {s["uuid"] for s in select(case, scope).sources}

    def selected(capture: dict) -> bool:
        return capture["source_uuid"] in sources and scope.includes("capture", capture["uuid"])
    return selected
