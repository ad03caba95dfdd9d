"""Events: a title, a start and an optional end known to the precision they were given in
("September 2023" is the month, not its first midnight), the zone they were given in, a
place, the entities involved and the citations that back it."""

from __future__ import annotations

import json

from ..errors import InputError
from ..store import Case
from ..timefmt import check_order, parse_partial
from .citations import add_citation
from .entities import reference


def add_event(case: Case, title: str, start: str, *, end: str | None = None, zone: str | None = None,
              place: str | None = None, involved: list[str] = (), cite: list[str] = (),
              description: str | None = None) -> dict:
    """A new event; an airport code as ``place`` makes the airport's place entity."""
    if not title or not title.strip():
        raise InputError("an event needs a title (--title)")
    first = parse_partial(start, "--start", zone=zone)
    last = parse_partial(end, "--end", zone=first.zone) if end else None
    if last is not None and last.zone != first.zone:
        raise InputError(f"--start and --end must be given in one zone ({first.zone}, {last.zone})")
    if last is not None:
        check_order(first, last, start, end)
    with case.transaction():
        place_id = reference(case, place) if place else None
        involved_ids = []
        for typed in involved:
            entity_id = reference(case, typed)
            if entity_id not in involved_ids:
                involved_ids.append(entity_id)
        event = case.insert_record("event", {
            "title": title.strip(), "start_text": first.text, "end_text": last.text if last else None,
            "zone": first.zone, "place_uuid": place_id,
            "involved": json.dumps(involved_ids) if involved_ids else None,
            "description": description})
        for target in cite:
            add_citation(case, "event", event["uuid"], target)
    return event
