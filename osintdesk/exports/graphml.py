"""GraphML for Gephi, yEd and Cytoscape: the case's entities (aircraft included), the
airports its flights used and its events as nodes; links, flights (origin airport to
destination airport) and what an event involves as edges, each with typed attributes.

Every key's id is its attribute name and says what it is ``for`` (node, edge, graph);
``label`` holds what a viewer shows. The provenance is the graph's own data. Text is XML
escaped; a character XML 1.0 cannot hold (a control character) is replaced by U+FFFD and
the export says so.
"""

from __future__ import annotations

import re

from ..errors import Cancelled
from ..findings import ftm
from ..timefmt import PartialTime, record_date, record_time
from .base import ExportFormat
from .content import airport, select

# (name, type) of each attribute, by what it is for
KEYS = {
    "graph": [("case_uuid", "string"), ("case_title", "string"), ("app", "string"),
              ("audit_head", "string"), ("scope", "string")],
    "node": [("label", "string"), ("kind", "string"), ("schema", "string"),
             ("country", "string"), ("registration", "string"), ("icao24", "string"),
             ("icao", "string"), ("latitude", "double"), ("longitude", "double"),
             ("start_utc", "string"), ("end_utc", "string"), ("citations", "int")],
    "edge": [("label", "string"), ("kind", "string"), ("schema", "string"), ("role", "string"),
             ("start", "string"), ("end", "string"), ("aircraft", "string"),
             ("departure_utc", "string"), ("arrival_utc", "string"),
             ("duration_s", "double"), ("distance_km", "double"), ("points", "int"),
             ("citations", "int")],
}
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class _Text:
    """XML text, counting the characters XML 1.0 cannot hold (replaced)."""

    def __init__(self):
        self.replaced = 0

    def __call__(self, value) -> str:
        text = str(value)
        text, n = _NOT_XML.subn("\ufffd", text)
        self.replaced += n
        return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace('"', "&quot;").replace("\r", "&#13;"))


def _value(kind: str, value) -> str:
    if kind == "double":
        return repr(float(value))
    if kind == "int":
        return str(int(value))
    return value


def _element(tag: str, attrs: dict, data: dict, text: _Text, kind: str) -> str:
    types = dict(KEYS[kind])
    head = " ".join(f'{k}="{text(v)}"' for k, v in attrs.items())
    cells = "".join(f'<data key="{k}">{text(_value(types[k], v))}</data>'
                    for k, v in data.items() if v is not None and v != "")
    return f"  <{tag} {head}>{cells}</{tag}>\n"


def _event_span(event: dict) -> tuple[str, str | None]:
    first, end = PartialTime(event["start_text"], event["zone"]).span_utc()
    if event["end_text"]:
        end = PartialTime(event["end_text"], event["zone"]).span_utc()[1]
    return record_time(first), record_time(end - 1)


def write(case, scope, provenance, out_path, progress=None, cancelled=None) -> dict:
    """The graph of what ``scope`` selects, as GraphML."""
    content = select(case, scope)
    text = _Text()
    cited = {}
    for citation in content.citations:
        cited[citation["owner_uuid"]] = cited.get(citation["owner_uuid"], 0) + 1
    nodes: dict[str, dict] = {}
    edges: list[tuple[str, str, str, dict]] = []
    places = {}
    for entity in content.entities:
        lat, lon = entity.properties.get("latitude"), entity.properties.get("longitude")
        nodes[entity.id] = {
            "label": entity.caption, "kind": entity.kind, "schema": entity.schema,
            "country": ", ".join(entity.properties.get("country", [])),
            "registration": ", ".join(entity.properties.get("registrationNumber", [])),
            "icao24": entity.extra.get("icao24"), "icao": entity.extra.get("icao"),
            "latitude": lat[0] if lat else None, "longitude": lon[0] if lon else None,
            "citations": cited.get(entity.id, 0)}
        if entity.extra.get("icao"):
            places[entity.extra["icao"]] = entity.id
    for link in content.links:
        schema = ftm.schema(link["schema"])
        edges.append((link["uuid"], link["source_uuid"], link["target_uuid"], {
            "label": link["role"] or schema.edge.get("label") or schema.name, "kind": "link",
            "schema": schema.name, "role": link["role"], "start": link["start_date"],
            "end": link["end_date"], "citations": cited.get(link["uuid"], 0)}))
    for n, flight in enumerate(content.flights):
        if cancelled and cancelled():
            raise Cancelled()
        ends = []
        for end in ("origin", "destination"):
            code = flight[end]
            node = places.get(code) or f"airport-{code or 'unknown'}"
            found = airport(code)
            nodes.setdefault(node, {
                "label": f"{code} {found.name}" if found else (code or "unknown airport"),
                "kind": "airport", "schema": "Address", "icao": code,
                "latitude": found.lat if found else None,
                "longitude": found.lon if found else None})
            ends.append(node)
        edges.append((flight["uuid"], ends[0], ends[1], {
            "label": f"{flight['aircraft']} {record_date(flight['first_t'])}", "kind": "flight",
            "schema": "Trip", "aircraft": flight["aircraft_uuid"],
            "departure_utc": flight["departure_utc"], "arrival_utc": flight["arrival_utc"],
            "duration_s": flight["duration_s"], "distance_km": flight["distance_km"],
            "points": flight["point_count"]}))
        if progress:
            progress(n + 1, len(content.flights))
    for event in content.events:
        start, end = _event_span(event)
        nodes[event["uuid"]] = {"label": event["title"], "kind": "event", "schema": "Event",
                                "start_utc": start, "end_utc": end,
                                "citations": cited.get(event["uuid"], 0)}
        named = [(i, "involved") for i in event["involved"]]
        named += [(event["place_uuid"], "place")] if event["place_uuid"] else []
        for entity_id, how in named:
            edges.append((f"{event['uuid']}-{how}-{entity_id}", entity_id, event["uuid"],
                          {"label": how, "kind": how}))
    graph_data = {**provenance.as_dict(), "scope": repr(scope.describe())}
    with open(out_path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                     '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                     'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                     'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                     'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
        for kind, keys in KEYS.items():
            for name, type_name in keys:
                handle.write(f'  <key id="{name}" for="{kind}" attr.name="{name}" '
                             f'attr.type="{type_name}"/>\n')
        handle.write('  <graph id="case" edgedefault="directed">\n')
        handle.write("".join(f'  <data key="{k}">{text(v)}</data>\n'
                             for k, v in graph_data.items() if k in dict(KEYS["graph"])))
        for node_id in sorted(nodes):
            handle.write(_element("node", {"id": node_id}, nodes[node_id], text, "node"))
        for edge_id, source, target, data in sorted(edges):
            handle.write(_element("edge", {"id": edge_id, "source": source, "target": target},
                                  data, text, "edge"))
        handle.write("  </graph>\n</graphml>\n")
    counts = {"nodes": len(nodes), "edges": len(edges)}
    if text.replaced:
        counts["notes"] = [f"control characters XML cannot hold, replaced by U+FFFD: "
                           f"{text.replaced}"]
    return counts


FORMAT = ExportFormat("graphml", "graphml", "GraphML network (Gephi, yEd, Cytoscape)", write)
