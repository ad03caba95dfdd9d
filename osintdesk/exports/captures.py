"""Which captures a scope selects, for the exports that carry captures (photo places in
the map formats, the WARC records of a WACZ): a tag's captures; with aircraft asked for,
the captures of sources that name one of them (registration or ICAO 24-bit address); in
a time window, by the photo's time where there is one, else the capture's."""

from __future__ import annotations

from typing import Callable

from ..sources.queries import sources_for_aircraft
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
    """A test for capture rows (with ``uuid``, ``source_uuid`` and their times): does the
    scope select it?"""
    naming: set[str] | None = None
    if scope.records is None and scope.aircraft is not None:
        naming = {row["uuid"] for aircraft in sorted(scope.aircraft)
                  for row in sources_for_aircraft(case, aircraft)}

    def selected(capture: dict) -> bool:
        return (scope.includes("capture", capture["uuid"])
                and (naming is None or capture["source_uuid"] in naming)
                and scope.overlaps(capture_time(capture)))
    return selected
