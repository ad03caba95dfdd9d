"""What an export holds: the records a scope selects, read through the query modules, for
the formats that write them (FtM, GraphML, CSV) to share one answer.

The rules, so that a filtered export holds exactly what the filter selects and what that
cites:

- ``--tag``: the records the tagged selection holds (``exchange.selection``: the tagged
  sources, what cites them, what that cites), nothing else.
- ``--aircraft``: only those aircraft, their flights and points; a finding that names
  aircraft (a link's end, an event's involved, a claim's check) is kept only when one
  of them is selected; other entities stay (a filter on aircraft says nothing of people).
- ``--from``/``--to``: things with a time are kept when they overlap the window (flights,
  track points, events, links with dates, claims whose check has a window, sources by
  their publication date); undated things stay.
- Links are kept only when both their ends are; citations only when their owner and
  their target are (a citation of something outside the export would point nowhere).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..findings import queries as finding_queries
from ..findings.queries import Entity
from ..flights import airports
from ..flights import queries as flight_queries
from ..sources import queries as source_queries
from ..timefmt import PartialTime, parse_record

EVERYTHING = (float("-inf"), float("inf"))


@dataclass
class Content:
    """The records of one export, each list in a stable order (by id or by time)."""

    entities: list[Entity] = field(default_factory=list)    # aircraft as Airplane ones
    links: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)
    citations: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)       # with ``capture`` (the latest)
    flights: list[dict] = field(default_factory=list)

    def entity_ids(self) -> set[str]:
        return {e.id for e in self.entities}

    def aircraft_ids(self) -> list[str]:
        return [e.id for e in self.entities if e.kind == "aircraft"]

    def citations_of(self, owner_uuid: str) -> list[dict]:
        return [c for c in self.citations if c["owner_uuid"] == owner_uuid]


def _span_of_partials(start: str | None, end: str | None, zone: str = "UTC", *,
                      open_ended: bool = False) -> tuple[float | None, float | None]:
    """UTC epoch seconds from a partial start and end (each the whole span it means);
    ``open_ended``: a missing end or start is open (a link from 2010 still holds)."""
    if not start and not (open_ended and end):
        return None, None
    first = PartialTime(start, zone).span_utc()[0] if start else EVERYTHING[0]
    if end:
        last = PartialTime(end, zone).span_utc()[1]
    else:
        last = EVERYTHING[1] if open_ended else PartialTime(start, zone).span_utc()[1]
    return first, last


def _claim_span(claim: dict) -> tuple[float | None, float | None]:
    assertion = claim.get("assertion") or {}
    if assertion.get("between"):
        first, last = assertion["between"]
        return parse_record(first).timestamp(), parse_record(last).timestamp()
    if assertion.get("time"):
        moment = parse_record(assertion["time"]).timestamp()
        return moment, moment
    return None, None


def _source_time(source: dict) -> float | None:
    published = (source.get("capture") or {}).get("published_utc")
    return parse_record(published).timestamp() if published else None


def select(case, scope) -> Content:
    """The records ``scope`` selects (see the module's rules)."""
    found = Content()
    every_aircraft = {row["uuid"] for row in flight_queries.aircraft(case)}
    chosen_aircraft = {a for a in every_aircraft if scope.includes_aircraft(a)
                       and scope.includes("aircraft", a)}
    for entity in finding_queries.list_entities(case):
        if entity.kind == "aircraft":
            if entity.id in chosen_aircraft:
                found.entities.append(entity)
        elif scope.includes("entity", entity.id):
            found.entities.append(entity)
    kept = found.entity_ids()

    def names_kept_aircraft(ids) -> bool:
        """False when the ids name aircraft and none of them is selected."""
        named = [i for i in ids if i in every_aircraft]
        return not named or any(i in chosen_aircraft for i in named)

    for link in finding_queries.links(case):
        ends = [finding_queries.canonical_id(case, link["source_uuid"]),
                finding_queries.canonical_id(case, link["target_uuid"])]
        if (scope.includes("link", link["uuid"]) and all(e in kept for e in ends)
                and scope.overlaps(*_span_of_partials(link["start_date"], link["end_date"],
                                                      open_ended=True))):
            found.links.append({**link, "source_uuid": ends[0], "target_uuid": ends[1]})
    for event in finding_queries.events(case):
        involved = [finding_queries.canonical_id(case, i) for i in event["involved"]]
        if (scope.includes("event", event["uuid"]) and names_kept_aircraft(involved)
                and scope.overlaps(*_span_of_partials(event["start_text"], event["end_text"],
                                                      event["zone"]))):
            place = (finding_queries.canonical_id(case, event["place_uuid"])
                     if event["place_uuid"] else None)
            found.events.append({**event, "place_uuid": place if place in kept else None,
                                 "involved": [i for i in involved if i in kept]})
    for claim in finding_queries.claims(case):
        checked = (claim["assertion"] or {}).get("aircraft")
        if (scope.includes("claim", claim["uuid"])
                and names_kept_aircraft([checked] if checked else [])
                and scope.overlaps(*_claim_span(claim))):
            found.claims.append(claim)

    for source in source_queries.list_sources(case):
        if scope.includes("source", source["uuid"]):
            source = {**source, "capture": source_queries.captures_of(case, source["uuid"])[0]}
            if scope.overlaps(_source_time(source)):
                found.sources.append(source)
    found.sources.sort(key=lambda s: s["uuid"])

    found.flights = [f for f in flight_queries.select_flights(
        case, aircraft_uuids=sorted(chosen_aircraft), t_from=scope.t_from, t_to=scope.t_to)
        if scope.includes_aircraft(f["aircraft_uuid"])]
    held = _kept_ids(found)
    found.citations = [c for c in finding_queries.all_citations(case)
                       if scope.includes("citation", c["uuid"]) and _cited(case, held, c)]
    return found


def _kept_ids(found: Content) -> dict[str, set[str]]:
    """The ids held, by the kind a citation names them with."""
    held = {kind: {r["uuid"] for r in rows} for kind, rows in (
        ("claim", found.claims), ("link", found.links), ("event", found.events),
        ("flight", found.flights), ("source", found.sources))}
    held["entity"] = held["aircraft"] = found.entity_ids()
    return held


def _cited(case, held: dict[str, set[str]], citation: dict) -> bool:
    """Whether a citation's owner and its target are both in the export."""
    owner = citation["owner_uuid"]
    if citation["owner_kind"] == "entity":     # cited before a merge: the id it became
        owner = finding_queries.canonical_id(case, owner)
    if owner not in held.get(citation["owner_kind"], ()):
        return False
    kind, uuid = finding_queries.current_target(case, citation)
    if uuid is None:
        return False
    if kind == "capture":
        kind, uuid = "source", source_queries.get_capture(case, uuid)["source_uuid"]
    elif kind in ("entity", "aircraft"):
        uuid = finding_queries.canonical_id(case, uuid)
    return uuid in held.get(kind, ())


def cited_source(case, citation: dict) -> str | None:
    """The source a citation's target is (or whose capture it is), else None."""
    kind, uuid = finding_queries.current_target(case, citation)
    if kind == "source":
        return uuid
    if kind == "capture" and uuid:
        return source_queries.get_capture(case, uuid)["source_uuid"]
    return None


def point_window(scope) -> tuple[float, float]:
    """The UTC epoch seconds (first, last) of the track points a scope selects."""
    return (EVERYTHING[0] if scope.t_from is None else scope.t_from,
            EVERYTHING[1] if scope.t_to is None else scope.t_to)


def count_points(case, content: Content, scope) -> int:
    first, last = point_window(scope)
    return sum(flight_queries.count_track_points(case, a, first, last)
               for a in content.aircraft_ids())


def airport(code: str | None) -> airports.Airport | None:
    return airports.lookup(code) if code else None
