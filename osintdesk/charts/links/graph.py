"""The link chart's graph, read from the findings: entities (aircraft are Airplane entities,
merged ids lead to the entity they became) and events as nodes, links as edges with the
number of citations behind each; optionally sources as document nodes and flights as
aircraft-to-airport edges; the whole case or one entity's neighbourhood to N steps.

Node ids are record ids (an airport with no place entity yet is ``airport:ICAO``); edge
keys are the id of the record behind the edge (a link, an event, a tie) or, for what is
aggregated (citations of one source, flights of one aircraft at one airport), a key made
of the two ends.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from ...errors import Cancelled, InputError
from ...findings import ftm, queries
from ...flights import queries as flight_queries
from ...sources import queries as source_queries

# Node groups: the shape and colour of a node, and the legend's words.
GROUPS = ("person", "organisation", "aircraft", "place", "event", "document", "other")
GROUP_NAMES = {"person": "Person", "organisation": "Organisation", "aircraft": "Aircraft",
               "place": "Airport / address", "event": "Event", "document": "Source",
               "other": "Other entity"}

MAX_DEPTH = 10


def group_of(schema: str) -> str:
    """The node group of an FtM schema (``Company`` is an organisation...)."""
    if schema == "Event":
        return "event"
    if schema == "Document":
        return "document"
    try:
        found = ftm.schema(schema)
    except (KeyError, ValueError, InputError):
        return "other"
    for ancestor, group in (("Person", "person"), ("Organization", "organisation"),
                            ("LegalEntity", "organisation"), ("Airplane", "aircraft"),
                            ("Vehicle", "aircraft"), ("Address", "place")):
        if found.is_a(ancestor):
            return group
    return "other"


@dataclass(frozen=True)
class LinkRequest:
    """What the link chart shows: around one entity (what the user typed: an id or prefix,
    a registration, a Mode-S address, an airport code of a place in the case) to ``depth``
    steps, or the whole case (``around`` None); with sources and with flights or not."""

    around: str | None = None
    depth: int = 2
    sources: bool = False
    flights: bool = False


def build_graph(case, request: LinkRequest = LinkRequest(), progress=None,
                cancelled=None) -> nx.MultiDiGraph:
    """The graph of ``request`` read from ``case``.

    Nodes: ``kind`` (entity, aircraft, event, source, airport), ``schema``, ``group``,
    ``label``. Edges (keyed by the record behind them): ``kind`` (link, event, cites, tie,
    flights), ``label``, ``record`` (the id to select), ``schema``, ``role``, ``start``,
    ``end``, ``citations``, ``flights``. Graph attributes: ``title`` (what is shown),
    ``center`` (the entity id or None) and ``depth``. InputError for an unknown ``around``
    or a depth out of range; nothing is written.
    """
    if not 0 <= request.depth <= MAX_DEPTH:
        raise InputError(f"--depth must be between 0 and {MAX_DEPTH}, not {request.depth}")
    aliases = queries.alias_targets(case)

    def now(uuid):
        return aliases.get(uuid, uuid)

    graph = nx.MultiDiGraph()
    steps = 2 + request.sources + request.flights
    _report(progress, 0, steps)
    for entity in queries.list_entities(case):
        graph.add_node(entity.id, kind=entity.kind, schema=entity.schema,
                       group=group_of(entity.schema), label=entity.caption)
    counts = queries.citation_counts(case)
    for link in queries.links(case):
        ends = now(link["source_uuid"]), now(link["target_uuid"])
        if not all(graph.has_node(n) for n in ends):
            continue   # an end was deleted: nothing to draw it to
        graph.add_edge(*ends, key=link["uuid"], kind="link", record=link["uuid"],
                       schema=link["schema"], role=link["role"],
                       label=link["role"] or link["schema"], start=link["start_date"],
                       end=link["end_date"], citations=counts.get(link["uuid"], 0))
    for event in queries.events(case):
        graph.add_node(event["uuid"], kind="event", schema="Event", group="event",
                       label=event["title"])
        for role, uuids in (("place", [event["place_uuid"]]), ("involved", event["involved"])):
            for uuid in uuids:
                if uuid and graph.has_node(now(uuid)):
                    graph.add_edge(event["uuid"], now(uuid), key=f"{event['uuid']}:{now(uuid)}",
                                   kind="event", record=event["uuid"], label=role,
                                   citations=counts.get(event["uuid"], 0))
    _report(progress, 1, steps)
    _check(cancelled)
    if request.sources:
        _add_sources(case, graph, now)
        _report(progress, 2, steps)
    if request.flights:
        _add_flights(case, graph)
    center = _center(case, graph, request.around) if request.around else None
    if center is not None:
        near = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), center,
                                                     cutoff=request.depth)
        graph = graph.subgraph(near).copy()
    graph.graph.update(center=center, depth=request.depth if center else None,
                       title=chart_title(graph, center, request.depth))
    _report(progress, steps, steps)
    return graph


def _center(case, graph: nx.MultiDiGraph, typed: str) -> str:
    """The node ``--around`` names: an entity (``resolve_entity_id``), or with flights an
    airport no entity stands for yet, by its code."""
    try:
        return queries.canonical_id(case, queries.resolve_entity_id(case, typed))
    except InputError:
        airport = f"airport:{typed.strip().upper()}"
        if airport in graph:
            return airport
        raise


def chart_title(graph: nx.MultiDiGraph, center: str | None, depth: int) -> str:
    """"Links of the whole case" or "Links around RA-86496 to 2 steps"."""
    if center is None:
        return "Links of the whole case"
    label = graph.nodes[center]["label"] if center in graph else center
    return f"Links around {label} to {depth} step{'s' if depth != 1 else ''}"


def _add_sources(case, graph: nx.MultiDiGraph, now) -> None:
    """Sources as document nodes, tied to what cites them (one edge per source and record,
    with the number of citations) and to what they are tied to by hand."""
    for source in source_queries.list_sources(case):
        graph.add_node(source["uuid"], kind="source", schema="Document", group="document",
                       label=source["title"] or source["name"])
    of_capture = queries.capture_sources(case)
    links = {link["uuid"]: link for link in queries.links(case)}
    claims = {claim["uuid"]: claim for claim in queries.claims(case)}
    cites: dict[tuple[str, str], int] = {}
    for citation in queries.all_citations(case):
        kind, target = citation["target_kind"], citation["target_uuid"]
        source = of_capture.get(target) if kind == "capture" else target if kind == "source" else None
        if source is None or not graph.has_node(source):
            continue
        owner_kind, owner = citation["owner_kind"], citation["owner_uuid"]
        if owner_kind == "link" and owner in links:
            ends = [now(links[owner]["source_uuid"]), now(links[owner]["target_uuid"])]
        elif owner_kind == "claim" and owner in claims:
            ends = [now((claims[owner]["assertion"] or {}).get("aircraft") or "")]
        else:
            ends = [now(owner)]
        for end in ends:
            if graph.has_node(end):
                cites[source, end] = cites.get((source, end), 0) + 1
    for (source, end), count in sorted(cites.items()):
        graph.add_edge(source, end, key=f"cites:{source}:{end}", kind="cites", record=source,
                       label="cited", citations=count)
    flights = {}
    for tie in queries.all_ties(case):
        target = now(tie["target_uuid"])
        if tie["target_kind"] == "flight":
            if not flights:
                flights = {f["uuid"]: f["aircraft_uuid"] for f in flight_queries.select_flights(case)}
            target = flights.get(tie["target_uuid"], "")
        if graph.has_node(tie["source_uuid"]) and graph.has_node(target):
            graph.add_edge(tie["source_uuid"], target, key=tie["uuid"], kind="tie",
                           record=tie["source_uuid"], label="tied", reason=tie["reason"],
                           citations=0)


def _add_flights(case, graph: nx.MultiDiGraph) -> None:
    """One edge per aircraft and airport it flew from or to, with the number of flights."""
    pairs: dict[tuple[str, str], int] = {}
    names: dict[str, str] = {}
    for flight in flight_queries.select_flights(case):
        for end in ("origin", "destination"):
            code = flight[end]
            if code:
                pairs[flight["aircraft_uuid"], code] = pairs.get((flight["aircraft_uuid"], code), 0) + 1
                names.setdefault(code, flight.get(f"{end}_name") or "")
    places = {}
    for code in sorted(names):
        place = queries.airport_place(case, code)
        node = place.id if place is not None else f"airport:{code}"
        places[code] = node
        if not graph.has_node(node):
            graph.add_node(node, kind="airport", schema="Address", group="place",
                           label=code if not names[code] else f"{code} {names[code]}")
    for (aircraft, code), count in sorted(pairs.items()):
        if graph.has_node(aircraft):
            graph.add_edge(aircraft, places[code], key=f"flights:{aircraft}:{code}", kind="flights",
                           record=aircraft, label=f"{count} flight{'s' if count != 1 else ''}",
                           flights=count, citations=0)


def node_order(graph: nx.Graph) -> list[str]:
    """The nodes in the order the chart places and draws them: by what they show (label,
    schema, kind), the id only between equals. Two cases holding the same findings under
    other ids (built separately) then give the same picture."""
    def key(node):
        attrs = graph.nodes[node]
        label = str(attrs.get("label", ""))
        return (label.lower(), label, attrs.get("schema", ""), attrs.get("kind", ""), node)
    return sorted(graph.nodes, key=key)


def graph_json(graph: nx.MultiDiGraph) -> dict:
    """The graph as ``osintdesk graph --json`` prints it: nodes and edges sorted by id."""
    nodes = [{"id": n, **{k: v for k, v in sorted(attrs.items())}}
             for n, attrs in sorted(graph.nodes(data=True))]
    edges = [{"id": key, "from": a, "to": b, **{k: v for k, v in sorted(attrs.items())}}
             for a, b, key, attrs in sorted(graph.edges(keys=True, data=True), key=lambda e: e[2])]
    return {"title": graph.graph.get("title"), "center": graph.graph.get("center"),
            "depth": graph.graph.get("depth"), "nodes": nodes, "edges": edges}


def _report(progress, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _check(cancelled) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled()
