"""What is shown of the findings, as plain dicts for the CLI (and ``--json``) and the window:
rows of entities, links, events and claims with the names of what they point at, one entity
with everything that concerns it, one claim with its corroboration and its check."""

from __future__ import annotations

import json
import re

from ..flights import queries as flight_queries
from ..sources import queries as source_queries
from ..store import Case
from ..timefmt import PartialTime, display_time
from . import ftm, queries
from .queries import Entity
from .ties import TIE_KINDS


def caption_of(case: Case, uuid: str | None) -> str | None:
    """What to call the entity with this id (a merged-away id names the one it became)."""
    if not uuid:
        return None
    entity = queries.get_entity(case, uuid)
    return entity.caption if entity else f"(deleted {uuid[:8]})"


def record_label(case: Case, kind: str, uuid: str) -> str:
    """A short label for a finding or anything that points at one: "Person Kim Jong Un",
    "UnknownLink link Russian Air Force → RA-86496 (operator)", "claim "RA-86496 flew..."",
    "source article.html tied: its photo shows the tail", "source Il-62M seen in Pyongyang",
    "capture of Il-62M seen in Pyongyang, 2023-09-20 08:00 UTC", "flight RA-86496 UUWW →
    ZKPY, 2023-09-19 06:05 UTC", "ground stay of RA-86496 at ZKPY, ... to ..."."""
    if kind in ("entity", "aircraft"):
        entity = queries.get_entity(case, uuid)
        return f"{entity.schema} {entity.caption}" if entity else f"{kind} {uuid}"
    if kind in ("source", "capture", "flight", "ground-time"):
        return _evidence_label(case, kind, uuid) or f"{kind} {uuid}"
    row = (case.get_record(kind, uuid) if kind == "source-tie" else
           queries.get_record(case, kind, uuid) if kind in queries.TARGET_TABLES else None)
    if row is None:
        return f"{kind} {uuid}"
    if kind in ("evidence", "flight-import"):
        return f"file {row.get('original_name') or uuid}"
    if kind == "link":
        return (f"{row['schema']} link {caption_of(case, row['source_uuid'])} → "
                f"{caption_of(case, row['target_uuid'])}" + (f" ({row['role']})" if row["role"] else ""))
    if kind == "event":
        return f"event {row['title']} ({PartialTime(row['start_text'], row['zone']).display()})"
    if kind == "claim":
        text = row["text"] if len(row["text"]) <= 60 else row["text"][:59] + "…"
        return f"claim \"{text}\""
    if kind == "source-tie":
        source = source_queries.get_source(case, row["source_uuid"]) or {}
        return f"source {source.get('name') or row['source_uuid']} tied: {row['reason']}"
    return f"{kind} {uuid}"


def _evidence_label(case: Case, kind: str, uuid: str) -> str | None:
    """The label of a source, a capture, a flight or a ground stay; None when it is gone."""
    if kind == "source":
        source = source_queries.get_source(case, uuid)
        return f"source {source.get('title') or source['name']}" if source else None
    if kind == "capture":
        capture = queries.get_record(case, "capture", uuid)
        source = source_queries.get_source(case, capture["source_uuid"]) if capture else None
        if source is None:
            return None
        return (f"capture of {capture.get('title') or source.get('title') or source['name']}, "
                f"{display_time(capture['captured_utc'], seconds=False)}")
    if kind == "flight":
        rows = flight_queries.select_flights(case, flight_uuids=[uuid])
        if not rows:
            return None
        row = rows[0]
        return (f"flight {caption_of(case, row['aircraft_uuid'])} {row['origin'] or '?'} → "
                f"{row['destination'] or '?'}, {display_time(row['first_t'], seconds=False)}")
    row = queries.get_record(case, "ground-time", uuid)
    if row is None:
        return None
    return (f"ground stay of {caption_of(case, row['aircraft_uuid'])} at {row['airport'] or '?'}, "
            f"{display_time(row['start_t'], seconds=False)} to "
            f"{display_time(row['end_t'], seconds=False)}")


def citable(case: Case, kinds=("source", "flight", "ground-time", "event", "claim", "entity",
                                "aircraft")) -> list[dict]:
    """What a citation may point at, as ``kind``, ``uuid`` and ``label`` rows: sources (a
    quote comes from their latest capture), flights, ground stays, events, claims, entities
    (aircraft included); ``kinds`` keeps some of them."""
    found = []
    if "source" in kinds:
        found += [("source", s["uuid"]) for s in source_queries.list_sources(case)]
    if "flight" in kinds:
        found += [("flight", f["uuid"]) for f in flight_queries.select_flights(case)]
    if "ground-time" in kinds:
        found += [("ground-time", g["uuid"]) for g in flight_queries.ground_times(case)]
    if "event" in kinds:
        found += [("event", e["uuid"]) for e in queries.events(case)]
    if "claim" in kinds:
        found += [("claim", c["uuid"]) for c in queries.claims(case)]
    found += [(e.kind, e.id) for e in queries.list_entities(case) if e.kind in kinds]
    return [{"kind": kind, "uuid": uuid, "label": record_label(case, kind, uuid)}
            for kind, uuid in found]


def tie_targets(case: Case) -> list[dict]:
    """What a source may be tied to by hand (``kind``, ``uuid``, ``label`` rows): aircraft,
    flights, events and entities."""
    return citable(case, TIE_KINDS)


def tie_target_label(case: Case, kind: str, uuid: str) -> str:
    """What a source is tied to, in words: "RA-86496 (aircraft)", "Kim Jong Un (Person)",
    "flight RA-86496 UUWW → ZKPY, 2023-09-19 06:05 UTC", "event ..."."""
    if kind in ("entity", "aircraft"):
        entity = queries.get_entity(case, uuid)
        if entity is None:
            return f"(deleted {kind} {uuid[:8]})"
        return f"{entity.caption} ({'aircraft' if entity.kind == 'aircraft' else entity.schema})"
    return record_label(case, kind, uuid)


def tie_rows(case: Case, uuid: str) -> list[dict]:
    """The ties of a record, seen from either side: the sources tied to an aircraft, a
    flight, an event or an entity (or its merged ids), or what a source is tied to, as
    ``tie_row`` shows them."""
    return [tie_row(case, tie) for tie in queries.ties_of(case, uuid)]


def tie_row(case: Case, tie: dict) -> dict:
    """A tie with ``source`` (the source's title or name) and ``target`` (``tie_target_label``)."""
    source = source_queries.get_source(case, tie["source_uuid"]) or {}
    return {**tie, "source": source.get("title") or source.get("name"),
            "target": tie_target_label(case, tie["target_kind"], tie["target_uuid"])}


def partial(text: str | None, zone: str) -> dict | None:
    """A partial time as ``PartialTime.as_dict`` plus its display text ("September 2023")."""
    if not text:
        return None
    found = PartialTime(text, zone)
    return {**found.as_dict(), "display": found.display()}


# Our own fields (what FtM has no property for) and a few FtM names, as the investigator
# reads them.
EXTRA_LABELS = {"registrationNumber": "registration", "icaoCode": "ICAO type code",
                "icao24": "Mode-S address", "icao": "ICAO code", "iata": "IATA code",
                "operator_name": "operator", "registration_country": "registered in",
                "address_country": "address block of", "address_military": "military address block"}
HIDDEN_IN_SUMMARY = {"name"}


def property_label(name: str) -> str:
    """``registrationNumber`` as ``registration number``; our own fields by their meaning."""
    if name in EXTRA_LABELS:
        return EXTRA_LABELS[name]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


def value_text(case: Case, schema_name: str, prop: str, values: list[str]) -> str:
    """Property values as text; an entity-valued property shows the captions it names."""
    found = ftm.schema(schema_name).properties().get(prop)
    if found is not None and found.type == "entity" and case is not None:
        return ", ".join(caption_of(case, v) or v for v in values)
    return ", ".join(values)


def identity_text(case: Case, entity: Entity) -> str:
    """Everything an entity is known by beyond its caption, in one line, identifiers first
    (a Mode-S address, an airport's codes): the CLI's Identifiers and the window's Key
    properties."""
    parts = []
    for key, value in entity.extra.items():
        if key == "address_military":
            if value:
                parts.append("military address block")
            continue
        shown = ", ".join(value) if isinstance(value, list) else value
        parts.append(f"{property_label(key)}: {shown}")
    for prop, values in entity.properties.items():
        shown = [v for v in values if v != entity.caption]
        if prop in HIDDEN_IN_SUMMARY or not shown:
            continue
        parts.append(f"{property_label(prop)}: {value_text(case, entity.schema, prop, shown)}")
    return " · ".join(parts)


def shown_properties(case: Case, entity: Entity) -> dict[str, list[str]]:
    """The entity's property values as people read them: an entity-valued property (an
    aircraft's ``operator``) shows the caption of the entity it names, not its id."""
    spec = ftm.schema(entity.schema).properties()
    return {prop: ([caption_of(case, v) for v in values]
                   if prop in spec and spec[prop].type == "entity" else values)
            for prop, values in entity.properties.items()}


def shown_extra(entity: Entity) -> dict[str, str]:
    """The entity's own fields as people read them: lists joined, flags as yes/no."""
    shown = {}
    for key, value in entity.extra.items():
        if key == "address_military":
            value = "yes" if value else "no"
        shown[property_label(key)] = "; ".join(value) if isinstance(value, list) else str(value)
    return shown


def entity_rows(case: Case, schema: str | None = None) -> list[dict]:
    return [{**e.as_dict(), "identity": identity_text(case, e), "shown": shown_properties(case, e),
             "citations": len(queries.citations_of(case, e.id))}
            for e in queries.list_entities(case, schema)]


def link_row(case: Case, row: dict) -> dict:
    return {**row, "from": caption_of(case, row["source_uuid"]),
            "to": caption_of(case, row["target_uuid"]),
            "citations": len(queries.citations_of(case, row["uuid"]))}


def link_rows(case: Case, entity: str | None = None) -> list[dict]:
    return [link_row(case, r) for r in queries.links(case, entity)]


def event_row(case: Case, row: dict) -> dict:
    involved = row["involved"] if isinstance(row["involved"], list) else json.loads(row["involved"] or "[]")
    start, end = partial(row["start_text"], row["zone"]), partial(row["end_text"], row["zone"])
    when = start["display"] if not end else f"{PartialTime(row['start_text']).display()} to {end['display']}"
    return {**row, "involved": involved, "start": start, "end": end, "when": when,
            "place": caption_of(case, row["place_uuid"]),
            "involved_names": [caption_of(case, e) for e in involved],
            "citations": len(queries.citations_of(case, row["uuid"]))}


def event_rows(case: Case) -> list[dict]:
    rows = [event_row(case, r) for r in queries.events(case)]
    return sorted(rows, key=lambda r: (r["start"]["first_utc"], r["created_utc"], r["uuid"]))


def describe_assertion(case: Case, assertion: dict | None) -> str | None:
    """The flight assertion in words: "RA-86496 flew UUWW → ZKPY on 2023-09-19"."""
    if not assertion:
        return None
    plane = caption_of(case, assertion.get("aircraft"))
    check = assertion.get("check")
    if check == "flew":
        when = (f"on {PartialTime(assertion['date'], assertion.get('zone') or 'UTC').display()}"
                if assertion.get("date") else
                f"between {display_time(assertion['between'][0])} and {display_time(assertion['between'][1])}")
        return f"{plane} flew {assertion['from']} → {assertion['to']} {when}"
    if check == "on-ground":
        return (f"{plane} was on the ground at {assertion['at']} between "
                f"{display_time(assertion['between'][0])} and {display_time(assertion['between'][1])}")
    if check == "airborne":
        return f"{plane} was in the air at {display_time(assertion['time'])}"
    return str(assertion)


def claim_rows(case: Case) -> list[dict]:
    """Claims with their citation counts and, when they carry an assertion, its check result."""
    from .checks import evaluate_claim
    rows = []
    for row in queries.claims(case):
        check = evaluate_claim(case, row)
        citations = queries.citations_of(case, row["uuid"])
        rows.append({**row, "check": check.as_dict() if check else None,
                     "check_result": check.result if check else None,
                     "assertion_text": describe_assertion(case, row["assertion"]),
                     "supporting": sum(c["stance"] == "supports" for c in citations),
                     "contradicting": sum(c["stance"] == "contradicts" for c in citations)})
    return rows


def claim_detail(case: Case, claim_uuid: str) -> dict:
    """One claim: its fields, its assertion in words, the check result with what it rests
    on, and the corroboration view (each citation with its source's Admiralty grade, and the
    number of independent sources)."""
    from .checks import corroboration
    row = queries.get_record(case, "claim", claim_uuid)
    row["assertion"] = json.loads(row["assertion"]) if row["assertion"] else None
    view = corroboration(case, claim_uuid)
    check = view.pop("check")   # evaluated once, shown once
    return {"claim": row, "assertion_text": describe_assertion(case, row["assertion"]),
            "check": check, "corroboration": view,
            "cited_by": queries.cited_by(case, claim_uuid)}


def entity_detail(case: Case, entity_id: str) -> dict:
    """One entity with its aliases, links, the events naming it, what backs it, what cites
    it, the sources tied to it and, for an aircraft, how many flights the case holds."""
    entity = queries.get_entity(case, entity_id)
    events = [event_row(case, e) for e in queries.events_of(case, entity.id)]
    cited_by = [{**c, "label": record_label(case, c["kind"], c["uuid"])}
                for c in queries.cited_by(case, entity.id)]
    return {"entity": {**entity.as_dict(), "identity": identity_text(case, entity),
                       "shown": shown_properties(case, entity), "shown_extra": shown_extra(entity)},
            "aliases": queries.aliases_of(case, entity.id),
            "links": link_rows(case, entity.id),
            "events": events,
            "citations": [citation_row(case, c) for c in queries.citations_of(case, entity.id)],
            "cited_by": cited_by,
            "ties": tie_rows(case, entity.id),
            "flights": (len(flight_queries.select_flights(case, aircraft_uuids=[entity.id]))
                        if entity.kind == "aircraft" else None)}


def citation_row(case: Case, row: dict) -> dict:
    """A citation with a label for what it cites (``record_label``'s)."""
    return {**row, "label": record_label(case, row["target_kind"], row["target_uuid"])}
