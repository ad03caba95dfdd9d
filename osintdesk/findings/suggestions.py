"""Entity suggestions: what the sources already name that the case does not yet hold as an
entity (a registration, a Mode-S address, an airport), the callsigns and types a source
gives for the one aircraft it names, and a name the investigator selects in the viewer.
Accepting one makes the entity (or adds the property) and cites where it was found."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from ..errors import InputError
from ..flights import airports
from ..flights.identifiers import (AIRCRAFT_TYPE, AIRPORT_IATA, AIRPORT_ICAO, CALLSIGN, ICAO24,
                                   REGISTRATION)
from ..sources import queries as source_queries
from ..sources.text import match_key
from ..store import Case
from . import ftm
from .citations import add_citation
from .entities import add_entity, place_for_airport, set_properties
from .queries import (Entity, aircraft_callsigns, airport_place, citations_of, get_entity,
                      identifier_hits)

KINDS = (REGISTRATION, ICAO24, CALLSIGN, AIRCRAFT_TYPE, AIRPORT_ICAO, AIRPORT_IATA)
# Suggestions are listed aircraft first, then places, then properties of known aircraft.
_ORDER = {"aircraft": 0, "airport": 1, "property": 2}


@dataclass
class Suggestion:
    """One thing to add: a new entity (``schema``, ``name``, ``properties``) or, when
    ``entity_id`` is set, property values for an entity already in the case. ``found_at``
    lists where the sources name it: capture, source, field, start and end offsets, text."""

    kind: str                    # aircraft | airport | property | selection
    schema: str
    name: str
    properties: list[tuple[str, str]] = field(default_factory=list)
    found_at: list[dict] = field(default_factory=list)
    entity_id: str | None = None
    airport: str | None = None   # ICAO code of an airport suggestion

    @property
    def label(self) -> str:
        props = ", ".join(f"{k}={v}" for k, v in self.properties)
        if self.entity_id:
            return f"{self.name}: add {props}"
        return f"{self.schema} {self.name}" + (f" ({props})" if props else "")

    @property
    def captures(self) -> list[str]:
        return list(dict.fromkeys(p["capture"] for p in self.found_at))

    def as_dict(self) -> dict:
        found = asdict(self)
        found["properties"] = [list(p) for p in self.properties]
        return {**found, "label": self.label, "captures": self.captures}


def _hit(row: dict) -> dict:
    return {"capture": row["capture_uuid"], "source": row["source_uuid"], "field": row["field"],
            "start": row["start_offset"], "end": row["end_offset"], "text": row["text"],
            "kind": row["kind"]}


def _known_aircraft(case: Case) -> tuple[dict[str, str], dict[str, str], dict[str, dict]]:
    """Registration keys and Mode-S keys of the case's aircraft (to their ids), and each
    aircraft's type code and callsigns (from its flights and from its entity)."""
    by_reg, by_hex, facts = {}, {}, {}
    for row in aircraft_callsigns(case):
        if row["registration"]:
            by_reg[match_key(row["registration"])] = row["uuid"]
        if row["hex"]:
            by_hex[match_key(row["hex"])] = row["uuid"]
        callsigns = set()
        for text in row["flight_callsigns"]:
            callsigns |= {match_key(c) for c in (text or "").replace(";", ",").split(",") if c.strip()}
        callsigns |= {match_key(c) for c in row["named_callsigns"]}
        facts[row["uuid"]] = {"type_code": row["type_code"], "callsigns": callsigns}
    return by_reg, by_hex, facts


def _airport_code(row: dict) -> str | None:
    details = json.loads(row["details"]) if row["details"] else {}
    if details.get("icao"):
        return details["icao"]
    airport = airports.lookup(row["value"])
    return airport.code if airport else None


def suggestions(case: Case) -> list[Suggestion]:
    """Entity suggestions from the identifiers found in the case's sources, in a stable order
    (``osintdesk entity accept CASE N`` counts on it): new aircraft (a registration, with the
    Mode-S address when the capture names exactly one of each; or an address alone), airport
    places not yet made, then callsigns and types for a known aircraft when the capture names
    that aircraft and no other."""
    by_reg, by_hex, facts = _known_aircraft(case)
    rows = identifier_hits(case, KINDS)
    per_capture: dict[str, list[dict]] = {}
    for row in rows:
        per_capture.setdefault(row["capture_uuid"], []).append(row)

    new_aircraft: dict[str, dict] = {}      # registration (or lone address) key -> what we know
    hex_paired: dict[str, set[str]] = {}    # address key -> registration keys it was paired with
    airport_hits: dict[str, list[dict]] = {}
    props: dict[tuple[str, str, str], list[dict]] = {}
    for capture_rows in per_capture.values():
        regs = {}
        hexes = {}
        for row in capture_rows:
            if row["kind"] == REGISTRATION:
                regs.setdefault(row["match_key"], []).append(row)
            elif row["kind"] == ICAO24:
                hexes.setdefault(row["match_key"], []).append(row)
            elif row["kind"] in (AIRPORT_ICAO, AIRPORT_IATA):
                code = _airport_code(row)
                if code:
                    airport_hits.setdefault(code, []).append(_hit(row))
        known = {by_reg[k] for k in regs if k in by_reg} | {by_hex[k] for k in hexes if k in by_hex}
        new_regs = [k for k in regs if k not in by_reg]
        new_hexes = [k for k in hexes if k not in by_hex]
        for key in new_regs:
            entry = new_aircraft.setdefault(key, {"name": regs[key][0]["value"], "hex": set(),
                                                  "types": set(), "callsigns": set(), "hits": []})
            entry["hits"] += [_hit(r) for r in regs[key]]
        if len(new_regs) == 1 and len(new_hexes) == 1 and not known:
            # One registration and one address in one capture: clearly one aircraft.
            entry = new_aircraft[new_regs[0]]
            entry["hex"].add(hexes[new_hexes[0]][0]["value"].lower())
            entry["hits"] += [_hit(r) for r in hexes[new_hexes[0]]]
            hex_paired.setdefault(new_hexes[0], set()).add(new_regs[0])
            new_hexes = []
        for key in new_hexes:
            entry = new_aircraft.setdefault("hex:" + key, {"name": hexes[key][0]["value"].lower(),
                                                           "hex": {hexes[key][0]["value"].lower()},
                                                           "types": set(), "callsigns": set(),
                                                           "hits": []})
            entry["hits"] += [_hit(r) for r in hexes[key]]
        # Callsigns and types belong to the one aircraft the capture names, if it names one.
        named = [("known", k) for k in known] + [("new", k) for k in new_regs] + \
                [("new", "hex:" + k) for k in new_hexes]
        if len(named) != 1:
            continue
        which, key = named[0]
        for row in capture_rows:
            if row["kind"] not in (CALLSIGN, AIRCRAFT_TYPE):
                continue
            prop = "callsigns" if row["kind"] == CALLSIGN else "icaoCode"
            value = row["value"].upper()
            if which == "new":
                new_aircraft[key]["callsigns" if prop == "callsigns" else "types"].add(value)
                new_aircraft[key]["hits"].append(_hit(row))
                continue
            known_facts = facts[key]
            if prop == "callsigns" and match_key(value) in known_facts["callsigns"]:
                continue
            if prop == "icaoCode" and known_facts["type_code"]:
                continue   # already typed (the same or, if not, a conflict to judge by hand)
            props.setdefault((key, prop, value), []).append(_hit(row))

    found: list[Suggestion] = []
    for key, entry in new_aircraft.items():
        if key.startswith("hex:") and hex_paired.get(key[4:]):
            # The address was paired with a registration elsewhere: it is that aircraft.
            pairs = hex_paired[key[4:]]
            if len(pairs) == 1:
                target = new_aircraft[next(iter(pairs))]
                target["hits"] += entry["hits"]
                target["types"] |= entry["types"]
                target["callsigns"] |= entry["callsigns"]
                continue
        properties: list[tuple[str, str]] = []
        if not key.startswith("hex:"):
            properties.append(("registrationNumber", entry["name"]))
        if len(entry["hex"]) == 1:
            properties.append(("icao24", next(iter(entry["hex"]))))
        if len(entry["types"]) == 1:
            properties.append(("icaoCode", next(iter(entry["types"]))))
        properties += [("callsigns", c) for c in sorted(entry["callsigns"])]
        found.append(Suggestion("aircraft", "Airplane", entry["name"], properties,
                                _sorted_hits(entry["hits"])))
    for code, hits in airport_hits.items():
        if airport_place(case, code) is not None:
            continue
        airport = airports.lookup(code)
        if airport is None:
            continue
        found.append(Suggestion("airport", "Address", airport.name,
                                [("icao", airport.code)] + ([("iata", airport.iata_code)]
                                                            if airport.iata_code else []),
                                _sorted_hits(hits), airport=airport.code))
    for (aircraft_id, prop, value), hits in props.items():
        entity = get_entity(case, aircraft_id)
        found.append(Suggestion("property", "Airplane", entity.caption, [(prop, value)],
                                _sorted_hits(hits), entity_id=aircraft_id))
    return sorted(found, key=lambda s: (_ORDER[s.kind], s.name.lower(), s.properties))


def _sorted_hits(hits: list[dict]) -> list[dict]:
    unique = {(h["capture"], h["field"], h["start"], h["end"]): h for h in hits}
    return [unique[k] for k in sorted(unique)]


def suggest_from_selection(case: Case, capture_uuid: str, start: int, end: int,
                           schema: str = "Person") -> Suggestion:
    """A suggestion for the text an investigator selected in a capture's text (``start`` and
    ``end`` are character offsets in it): a new ``schema`` entity named by the selection."""
    found = ftm.entity_schema(schema)
    capture = source_queries.get_capture(case, capture_uuid)
    text = source_queries.capture_text(case, capture_uuid)
    if not (0 <= start < end <= len(text)):
        raise InputError(f"the selection {start}-{end} is outside the text of capture "
                         f"{capture_uuid} ({len(text)} characters)")
    selected = text[start:end]
    name = " ".join(selected.split())
    if not name:
        raise InputError("the selection holds no text to name an entity by")
    # The quote is the selection without the space around it.
    start += len(selected) - len(selected.lstrip())
    end -= len(selected) - len(selected.rstrip())
    selected = text[start:end]
    hit = {"capture": capture_uuid, "source": capture["source_uuid"], "field": "text",
           "start": start, "end": end, "text": selected, "kind": "selection"}
    return Suggestion("selection", found.name, name, [], [hit])


def accept_suggestion(case: Case, suggestion: Suggestion) -> Entity:
    """Make the suggested entity (an airport's place from the airports table, an aircraft as
    an Airplane, or the property values on the entity named) and cite, for each capture it
    was found in, that capture with the hit's text quoted. One transaction."""
    with case.transaction():
        if suggestion.entity_id:
            entity = set_properties(case, suggestion.entity_id, suggestion.properties,
                                    reason="suggested by the identifiers found in a source")
        elif suggestion.airport:
            if airport_place(case, suggestion.airport) is not None:
                raise InputError(f"airport {suggestion.airport} is already a place of the case")
            entity = place_for_airport(case, suggestion.airport)
        else:
            entity = add_entity(case, suggestion.schema, suggestion.name, suggestion.properties)
        cited = {c["target_uuid"] for c in citations_of(case, entity.id)}
        for hit in _first_per_capture(suggestion.found_at):
            if hit["capture"] not in cited:
                _cite_hit(case, entity.id, hit)
    return get_entity(case, entity.id)


def _first_per_capture(hits: list[dict]) -> list[dict]:
    """One hit per capture, one in the text preferred (its offsets are the quote's)."""
    chosen: dict[str, dict] = {}
    for hit in hits:
        current = chosen.get(hit["capture"])
        if current is None or (current["field"] != "text" and hit["field"] == "text"):
            chosen[hit["capture"]] = hit
    return list(chosen.values())


def _cite_hit(case: Case, entity_id: str, hit: dict) -> dict:
    """Cite the capture for the entity, quoting the hit at its offsets in the capture's text
    (a hit in the title is quoted where the text has it, or not quoted)."""
    note = f"{hit['kind'].replace('_', ' ')} found in the source"
    if hit["text"].strip():
        try:
            return add_citation(case, "entity", entity_id, hit["capture"], quote=hit["text"], note=note,
                                quote_start=hit["start"] if hit["field"] == "text" else None)
        except InputError:   # the text does not hold it (a hit in the title): cite unquoted
            pass
    return add_citation(case, "entity", entity_id, hit["capture"], note=note)
