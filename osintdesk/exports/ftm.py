"""FollowTheMoney entities as JSON lines (``.ftm``), for Aleph / OpenAleph and the
OpenSanctions tools: the case's entities (aircraft as Airplane), an Address per airport,
a Trip per flight, an Event per event, a Document per source, links as their FtM edge
schemata and a Note per claim; schema and property names from the model the case uses
(``findings/ftm.py``).

One entity a line, keys and values sorted and lines ordered by id, so the same case gives
the same bytes. The provenance is a Note of its own (``osintdesk-export-<case uuid>``).
"""

from __future__ import annotations

import hashlib
import json
import re

from ..errors import Cancelled
from ..findings import ftm
from ..findings import queries as finding_queries
from ..timefmt import PartialTime, ftm_date, record_date
from .base import ExportFormat
from .content import Content, airport, cited_source, select


class _Entities:
    """The entities of one export by id; a property is checked against the model as it is
    set (a name the model lacks is our bug, not the user's: KeyError)."""

    def __init__(self):
        self.by_id: dict[str, dict] = {}

    def add(self, entity_id: str, schema_name: str, properties: dict) -> dict:
        spec = ftm.schema(schema_name).properties()
        cleaned: dict[str, list[str]] = {}
        for prop, values in properties.items():
            if prop not in spec:
                raise KeyError(f"{schema_name} has no property {prop!r}")
            values = values if isinstance(values, (list, tuple, set)) else [values]
            texts = sorted({str(v) for v in values if v is not None and str(v) != ""})
            if texts:
                cleaned[prop] = texts
        entity = {"id": entity_id, "schema": schema_name, "properties": cleaned}
        self.by_id[entity_id] = entity
        return entity

    def lines(self):
        for entity_id in sorted(self.by_id):
            yield json.dumps(self.by_id[entity_id], sort_keys=True, ensure_ascii=False,
                             separators=(",", ":")) + "\n"


def _entity_properties(case, entity, kept: set[str]) -> dict:
    """An entity's FtM properties, its references to entities outside the export left out,
    and what FtM has no property for (a Mode-S address, an airport's codes) as keywords."""
    spec = ftm.schema(entity.schema).properties()
    properties = {}
    for prop, values in entity.properties.items():
        if prop in spec and spec[prop].type == "entity":
            values = [finding_queries.canonical_id(case, v) for v in values]
            values = [v for v in values if v in kept]
        if prop in spec:
            properties[prop] = values
    keywords = list(properties.get("keywords", []))
    keywords += [f"{key}:{value}" for key, value in entity.extra.items()
                 if isinstance(value, (str, int, float)) and not isinstance(value, bool)]
    keywords += [f"{key}:{v}" for key, value in entity.extra.items() if isinstance(value, list)
                 for v in value]
    if keywords:
        properties["keywords"] = keywords
    properties.setdefault("name", [entity.caption])
    return properties


def _partial_date(text: str | None, zone: str) -> str | None:
    """A partial time as an FtM date: a date as given, a time of day in UTC."""
    if not text:
        return None
    partial = PartialTime(text, zone)
    if partial.precision in ("year", "month", "day"):
        return text
    return ftm_date(partial.first_local())


def _published(capture: dict) -> str | None:
    """A page's own date as an FtM date: its UTC time when known, else a bare date."""
    if capture.get("published_utc"):
        return ftm_date(capture["published_utc"])
    text = capture.get("published_date") or ""
    return text if re.fullmatch(r"\d{4}(-\d{2}){0,2}", text) else None


class _Writer:
    def __init__(self, case, content: Content, cancelled=None):
        self.case = case
        self.cancelled = cancelled
        self.content = content
        self.out = _Entities()
        self.kept = content.entity_ids()
        self.places = {}        # airport code -> Address id

    def entities(self) -> None:
        for entity in self.content.entities:
            self.out.add(entity.id, entity.schema,
                         _entity_properties(self.case, entity, self.kept))
            if entity.schema == "Address":
                for key in ("icao", "iata"):
                    if entity.extra.get(key):
                        self.places[entity.extra[key]] = entity.id

    def place(self, flight: dict, end: str) -> str:
        """The Address a flight left from (``end`` "origin") or arrived at: the airport's
        place, or the first or last position seen when no airport is known."""
        code = flight[end]
        if code and code in self.places:
            return self.places[code]
        found = airport(code)
        if found is not None:
            place_id = f"osintdesk-airport-{found.code}"
            self.out.add(place_id, "Address", {
                "name": found.name, "latitude": f"{found.lat:.6f}",
                "longitude": f"{found.lon:.6f}", "country": found.iso_country.lower(),
                "full": ", ".join(p for p in (found.name, found.municipality) if p),
                "keywords": [f"icao:{found.code}"] + ([f"iata:{found.iata_code}"]
                                                      if found.iata_code else [])})
            self.places[code] = place_id
            return place_id
        first = end == "origin"
        lat, lon = flight["first_lat" if first else "last_lat"], flight["first_lon" if first
                                                                       else "last_lon"]
        place_id = f"{flight['uuid']}-{'start' if first else 'end'}"
        what = "first" if first else "last"
        self.out.add(place_id, "Address", {
            "name": f"{what} position seen ({code or 'no airport known'})",
            "latitude": None if lat is None else f"{lat:.6f}",
            "longitude": None if lon is None else f"{lon:.6f}"})
        return place_id

    def trips(self) -> None:
        for flight in self.content.flights:
            start, end = self.place(flight, "origin"), self.place(flight, "destination")
            self.out.add(flight["uuid"], "Trip", {
                "name": (f"{flight['aircraft']} {flight['origin'] or '?'} → "
                         f"{flight['destination'] or '?'} {record_date(flight['first_t'])}"),
                "startLocation": start, "endLocation": end, "vehicle": flight["aircraft_uuid"],
                "startDate": ftm_date(flight["first_t"]), "endDate": ftm_date(flight["last_t"]),
                "keywords": [f"callsign:{c}" for c in (flight["callsigns"] or "").split(",")
                             if c.strip()],
                "description": (f"{flight['point_count']} positions, {flight['gap_count']} "
                                f"coverage gaps, {flight['distance_km']:.0f} km")})

    def documents(self) -> None:
        for source in self.content.sources:    # each hashed whole: cancel between them
            if self.cancelled and self.cancelled():
                raise Cancelled()
            capture = source["capture"]
            sha256 = capture.get("evidence_sha256") or capture.get("body_sha256")
            properties = {
                "name": source["title"] or source["name"], "title": capture.get("title"),
                "fileName": capture.get("original_name") or source["name"],
                "sourceUrl": source["url"], "mimeType": capture.get("media_type"),
                "publishedAt": _published(capture),
                "retrievedAt": ftm_date(capture["captured_utc"]),
                "author": capture.get("author"),
                "keywords": [f"sha256:{sha256}"] if sha256 else [],
                "notes": f"Admiralty grading {source['grading']}" if source["grading"] else None}
            if sha256:
                properties["contentHash"] = self.sha1(sha256)
            self.out.add(source["uuid"], "Document", properties)

    def sha1(self, sha256: str) -> str:
        """FtM's contentHash is the SHA-1 of the bytes: computed from the stored artifact."""
        digest = hashlib.sha1()
        with self.case.open_artifact(sha256) as reader:
            for chunk in iter(lambda: reader.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def proof(self, owner_uuid: str) -> tuple[list[str], list[str]]:
        """The Documents a record cites (FtM's ``proof``) and the citations as notes."""
        documents, notes = [], []
        for citation in self.content.citations_of(owner_uuid):
            source = cited_source(self.case, citation)
            if source is not None and citation["stance"] == "supports":
                documents.append(source)
            kind, uuid = finding_queries.current_target(self.case, citation)
            text = f"{citation['stance']} {kind} {uuid}"
            if citation.get("quote"):
                text += f": “{citation['quote']}”"
            notes.append(text)
        return documents, notes

    def links(self) -> None:
        for link in self.content.links:
            schema = ftm.schema(link["schema"])
            documents, notes = self.proof(link["uuid"])
            # Associate and Family name the role "relationship"; the rest "role"
            role = "role" if "role" in schema.properties() else "relationship"
            self.out.add(link["uuid"], schema.name, {
                schema.edge["source"]: link["source_uuid"],
                schema.edge["target"]: link["target_uuid"],
                role: link["role"], "startDate": link["start_date"],
                "endDate": link["end_date"], "proof": documents,
                "description": notes})     # an edge is an Interval: no notes, a description

    def events(self) -> None:
        legal = [e.id for e in self.content.entities if ftm.schema(e.schema).is_a("LegalEntity")]
        addresses = [e.id for e in self.content.entities if e.schema == "Address"]
        for event in self.content.events:
            documents, notes = self.proof(event["uuid"])
            involved, place = event["involved"], event["place_uuid"]
            self.out.add(event["uuid"], "Event", {
                "name": event["title"], "description": event["description"],
                "startDate": _partial_date(event["start_text"], event["zone"]),
                "endDate": _partial_date(event["end_text"], event["zone"]),
                "addressEntity": place if place in addresses else None,
                "involved": [i for i in involved if i in legal],
                "proof": documents, "notes": notes})
            # FtM's involved are legal entities and its place an Address: others are linked
            others = [(i, "involved in") for i in involved if i not in legal]
            if place and place not in addresses:
                others.append((place, "place of"))
            for other, role in others:
                self.out.add(f"{event['uuid']}-{role.split()[0]}-{other}", "UnknownLink", {
                    "subject": other, "object": event["uuid"], "role": role})

    def notes(self) -> None:
        for claim in self.content.claims:
            documents, notes = self.proof(claim["uuid"])
            checked = (claim["assertion"] or {}).get("aircraft")
            self.out.add(claim["uuid"], "Note", {
                "name": claim["text"], "description": claim["text"],
                "entity": [checked] if checked in self.kept else [],
                "keywords": [f"status:{claim['status']}"]
                + ([f"confidence:{claim['confidence']}"] if claim["confidence"] else []),
                "summary": (json.dumps(claim["assertion"], sort_keys=True)
                            if claim["assertion"] else None),
                "proof": documents, "notes": notes, "createdAt": ftm_date(claim["created_utc"])})


def write(case, scope, provenance, out_path, progress=None, cancelled=None) -> dict:
    """The FtM entities of what ``scope`` selects, one JSON object a line."""
    content = select(case, scope)
    writer = _Writer(case, content, cancelled)
    steps = (writer.entities, writer.trips, writer.documents, writer.links, writer.events,
             writer.notes)
    for n, step in enumerate(steps):
        if cancelled and cancelled():
            raise Cancelled()
        step()
        if progress:
            progress(n + 1, len(steps))
    writer.out.add(f"osintdesk-export-{provenance.case_uuid}", "Note", {
        "name": f"osintdesk export of case {provenance.case_title}",
        "description": provenance.line(), "publisher": f"osintdesk {provenance.app_version}",
        "keywords": [f"{k}:{v}" for k, v in provenance.as_dict().items()]})
    with open(out_path, "w", encoding="utf-8", newline="\n") as handle:
        for line in writer.out.lines():
            handle.write(line)
    counts: dict[str, int] = {}
    for entity in writer.out.by_id.values():
        counts[entity["schema"]] = counts.get(entity["schema"], 0) + 1
    return dict(sorted(counts.items()))


FORMAT = ExportFormat("ftm", "ftm", "FollowTheMoney entities (Aleph, OpenSanctions)", write)
