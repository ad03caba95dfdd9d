"""What an export holds: the records a scope selects, read through the query modules, the
one answer every format gives (FtM, GraphML and CSV write these records; Timesketch keeps
the timeline's items of them; KML, GeoJSON and WACZ the flights and the captures of the
sources).

The rules, so that a filtered export holds exactly what the filter selects and what that
cites:

- ``--tag``: the records the tagged selection holds (``exchange.selection``: the tagged
  sources, what cites them, what that cites), nothing else.
- ``--aircraft``: only those aircraft, their flights and points; a finding that names
  aircraft (a link's end, an event's involved, a claim's check) is kept only when one
  of them is selected; a source only when it names one of them or is tied to or cited
  by one of them, their flights or a kept finding naming one of them; any other entity only
  when it is tied directly to what is kept (a link to a chosen aircraft, a kept event
  involving it or held at it), so no entity is left hanging alone.
- ``--from``/``--to``: things with a time are kept when their span overlaps the window
  (``Spans``: flights, track points, events, links with dates, a source from its
  publication to its last capture, a claim by its check's time, else by what it cites);
  undated things stay.
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


def event_span(event: dict) -> tuple[float | None, float | None]:
    """An event's span: from the start of its start's span to the end of its end's (or of
    its start's, when it has no end), as the timeline draws it."""
    return _span_of_partials(event["start_text"], event["end_text"], event["zone"])


def source_span(row: dict) -> tuple[float | None, float | None]:
    """A source's span (a ``sources.queries.timeline_sources`` row): from its publication
    (or its first capture, when it is earlier or the page gives no date) to its last
    capture, as the timeline draws it; (None, None) when nothing reads as a time."""
    times = []
    for record in [row.get("published_utc"), *row.get("captured", ())]:
        if record:
            try:
                times.append(parse_record(record).timestamp())
            except ValueError:
                continue    # a date the page gave that cannot be read is not a time
    return (min(times), max(times)) if times else (None, None)


def _assertion_span(claim: dict) -> tuple[float | None, float | None]:
    assertion = claim.get("assertion") or {}
    if assertion.get("between"):
        first, last = assertion["between"]
        return parse_record(first).timestamp(), parse_record(last).timestamp()
    if assertion.get("time"):
        moment = parse_record(assertion["time"]).timestamp()
        return moment, moment
    return None, None


def _union(spans) -> tuple[float | None, float | None]:
    dated = [s for s in spans if s[0] is not None]
    if not dated:
        return None, None
    return min(s[0] for s in dated), max(s[1] for s in dated)


class Spans:
    """The one answer, for every format, to "when is this record?" (UTC epoch seconds,
    (None, None) for undated things, which every window keeps): a source from its
    publication to its last capture, an event over the span its dates mean, a link over
    its dates (open-ended), a claim over its assertion's time, else over what it cites."""

    def __init__(self, case):
        self.case = case
        self.sources = {row["uuid"]: source_span(row)
                        for row in source_queries.timeline_sources(case)}
        self.events = {e["uuid"]: event_span(e) for e in finding_queries.events(case)}
        self.flights = {f["uuid"]: (f["first_t"], f["last_t"])
                        for f in flight_queries.select_flights(case)}
        self.cites: dict[str, list[tuple[str, str]]] = {}
        for citation in finding_queries.all_citations(case):
            self.cites.setdefault(citation["owner_uuid"], []).append(
                (citation["target_kind"], citation["target_uuid"]))

    def source(self, uuid: str) -> tuple[float | None, float | None]:
        return self.sources.get(uuid, (None, None))

    def event(self, uuid: str) -> tuple[float | None, float | None]:
        return self.events.get(uuid, (None, None))

    def link(self, link: dict) -> tuple[float | None, float | None]:
        return _span_of_partials(link["start_date"], link["end_date"], open_ended=True)

    def claim(self, claim: dict) -> tuple[float | None, float | None]:
        own = _assertion_span(claim)
        if own[0] is not None:
            return own
        spans = []
        for kind, uuid in self.cites.get(claim["uuid"], ()):
            if kind == "capture":
                kind, uuid = "source", source_queries.get_capture(self.case, uuid)["source_uuid"]
            if kind == "source":
                spans.append(self.source(uuid))
            elif kind == "event":
                spans.append(self.event(uuid))
            elif kind == "flight":
                spans.append(self.flights.get(uuid, (None, None)))
        return _union(spans)


def select(case, scope) -> Content:
    """The records ``scope`` selects (see the module's rules)."""
    found = Content()
    spans = Spans(case)
    every_aircraft = {row["uuid"] for row in flight_queries.aircraft(case)}
    chosen_aircraft = {a for a in every_aircraft if scope.includes_aircraft(a)
                       and scope.includes("aircraft", a)}
    asked = scope.asked_aircraft

    def names_kept_aircraft(ids) -> bool:
        """False when --aircraft was given, the ids name aircraft and none of them is
        chosen (a tag's findings are its selection's, whatever aircraft they name)."""
        if asked is None:
            return True
        named = [i for i in ids if i in every_aircraft]
        return not named or any(i in chosen_aircraft for i in named)

    events = []
    for event in finding_queries.events(case):
        involved = [finding_queries.canonical_id(case, i) for i in event["involved"]]
        place = (finding_queries.canonical_id(case, event["place_uuid"])
                 if event["place_uuid"] else None)
        if (scope.includes("event", event["uuid"]) and names_kept_aircraft(involved)
                and scope.overlaps(*spans.event(event["uuid"]))):
            events.append((event, involved, place))
    links = []
    for link in finding_queries.links(case):
        ends = [finding_queries.canonical_id(case, link["source_uuid"]),
                finding_queries.canonical_id(case, link["target_uuid"])]
        if scope.includes("link", link["uuid"]) and scope.overlaps(*spans.link(link)):
            links.append((link, ends))

    # With --aircraft, an entity other than an aircraft is kept only when it is tied
    # directly to what is kept: an end of a link to a chosen aircraft, or involved in (or
    # the place of) a kept event. So no entity is left without a link in the export.
    anchored: set[str] | None = None
    if asked is not None:
        anchored = set(chosen_aircraft)
        for _event, involved, place in events:
            anchored.update(involved)
            anchored.add(place)
        for _link, ends in links:
            if any(e in chosen_aircraft for e in ends):
                anchored.update(ends)
    for entity in finding_queries.list_entities(case):
        if entity.kind == "aircraft":
            if entity.id in chosen_aircraft:
                found.entities.append(entity)
        elif scope.includes("entity", entity.id) and (anchored is None or entity.id in anchored):
            found.entities.append(entity)
    kept = found.entity_ids()

    for link, ends in links:
        if all(e in kept for e in ends):
            found.links.append({**link, "source_uuid": ends[0], "target_uuid": ends[1]})
    for event, involved, place in events:
        found.events.append({**event, "place_uuid": place if place in kept else None,
                             "involved": [i for i in involved if i in kept]})
    for claim in finding_queries.claims(case):
        checked = (claim["assertion"] or {}).get("aircraft")
        if (scope.includes("claim", claim["uuid"])
                and names_kept_aircraft([checked] if checked else [])
                and scope.overlaps(*spans.claim(claim))):
            found.claims.append(claim)

    found.flights = [f for f in flight_queries.select_flights(
        case, aircraft_uuids=sorted(chosen_aircraft), t_from=scope.t_from, t_to=scope.t_to)
        if scope.includes_aircraft(f["aircraft_uuid"])]

    about = None if asked is None else _sources_about(case, found, chosen_aircraft)
    for source in source_queries.list_sources(case):
        if (scope.includes("source", source["uuid"])
                and (about is None or source["uuid"] in about)
                and scope.overlaps(*spans.source(source["uuid"]))):
            source = {**source, "capture": source_queries.captures_of(case, source["uuid"])[0]}
            found.sources.append(source)
    found.sources.sort(key=lambda s: s["uuid"])

    held = _kept_ids(found)
    found.citations = [c for c in finding_queries.all_citations(case)
                       if scope.includes("citation", c["uuid"]) and _cited(case, held, c)]
    return found


def _sources_about(case, found: Content, chosen_aircraft: set[str]) -> set[str]:
    """With --aircraft, the sources about the chosen aircraft: those naming one of them
    (registration or ICAO 24-bit address), and those tied to or cited by one of them, one
    of their flights, or a kept finding that names one of them (a link's end, an event's
    involved or place, a claim's check). A source about other aircraft only is left out,
    even when a finding naming no aircraft cites it (that citation is left out with it)."""
    about_them = set(chosen_aircraft) | {f["uuid"] for f in found.flights}
    about_them |= {link["uuid"] for link in found.links
                   if {link["source_uuid"], link["target_uuid"]} & chosen_aircraft}
    about_them |= {e["uuid"] for e in found.events
                   if (set(e["involved"]) | {e["place_uuid"]}) & chosen_aircraft}
    about_them |= {c["uuid"] for c in found.claims
                   if (c["assertion"] or {}).get("aircraft") in chosen_aircraft}
    about = {source for source, named in source_queries.aircraft_named_by_sources(case).items()
             if named & chosen_aircraft}
    about |= {tie["source_uuid"] for tie in finding_queries.all_ties(case)
              if tie["target_uuid"] in about_them}
    about |= {c["source_uuid"] for c in finding_queries.cited_sources(case)
              if finding_queries.canonical_id(case, c["owner_uuid"]) in about_them}
    return about


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
