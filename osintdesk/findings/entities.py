"""Entities: add one by hand (an aircraft before any track exists is an Airplane), make the
place entity of an airport when something refers to it, merge two that turn out to be one.
Every change is a record written through the case, so it is audited."""

from __future__ import annotations

import json
from typing import Iterable

from ..errors import InputError
from ..flights import airports
from ..flights.identifiers import find_registrations
from ..flights.ingest import describe_aircraft, identity_taken, with_learned_facts
from ..flights.queries import has_track_points
from ..sources.text import match_key
from ..store import Case
from ..timefmt import parse_partial_date
from . import ftm
from .queries import Entity, airport_place, get_entity, resolve_entity_id

# Airplane properties that are columns of the aircraft row (the rest are kept beside it).
AIRCRAFT_COLUMNS = {"registrationNumber": "registration", "icaoCode": "type_code",
                    "model": "type_name"}
# Our own fields, for what FtM has no property for (``callsigns`` is a list: an aircraft
# flies under several).
EXTRA_FIELDS = {"Airplane": ("icao24", "callsigns"), "Address": ("icao", "iata")}
LIST_FIELDS = ("callsigns",)


def dumps(value) -> str:
    """An entity's properties or extra fields as stored: canonical JSON."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def parse_props(pairs: Iterable[str]) -> list[tuple[str, str]]:
    """``key=value`` texts as (key, value) pairs; InputError naming a pair without ``=``."""
    found = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InputError(f"--prop '{pair}' is not key=value")
        found.append((key.strip(), value.strip()))
    return found


def check_properties(case: Case, schema: ftm.Schema, pairs: Iterable[tuple[str, str]]
                     ) -> tuple[dict[str, list[str]], dict]:
    """FtM properties (values as sorted lists) and our own fields, checked against the schema:
    an unknown property, an entity that is not in the case or of the wrong kind, a date
    that does not parse or a number that is not one is an InputError naming it."""
    properties: dict[str, list[str]] = {}
    extra: dict = {}
    for key, value in pairs:
        if key in EXTRA_FIELDS.get(schema.name, ()):
            value = value.lower() if key == "icao24" else value.upper()
            if key in LIST_FIELDS:
                extra[key] = sorted(set(extra.get(key, [])) | {value})
            else:
                extra[key] = value
            continue
        prop = ftm.property_of(schema, key)
        if prop.type == "entity":
            value = resolve_entity_id(case, value)
            target = get_entity(case, value)
            if prop.range and not ftm.schema(target.schema).is_a(prop.range):
                raise InputError(f"{schema.name}.{key} must name a {prop.range}, and "
                                 f"'{target.caption}' is a {target.schema}")
        elif prop.type == "date":
            value = parse_partial_date(value, f"--prop {key}").text
        elif prop.type == "number":
            try:
                float(value)
            except ValueError:
                raise InputError(f"--prop {key}={value}: not a number") from None
        elif prop.type == "country":
            if value.upper() not in airports.country_codes():
                raise InputError(f"--prop {key}={value}: not an ISO 3166-1 alpha-2 country code "
                                 "(two letters, such as ru, kp, us; `osintdesk entity countries` "
                                 "lists them)")
            value = value.lower()
        properties.setdefault(key, [])
        if value not in properties[key]:
            properties[key].append(value)
    return {k: sorted(v) for k, v in sorted(properties.items())}, extra


def add_entity(case: Case, schema: str, name: str, props: Iterable[tuple[str, str]] = ()) -> Entity:
    """A new entity. An Airplane becomes an aircraft of the case (a later import of its
    tracks, naming its registration or Mode-S address, lands on it)."""
    found = ftm.entity_schema(schema)
    if not name or not name.strip():
        raise InputError("an entity needs a name (--name)")
    properties, extra = check_properties(case, found, [("name", name.strip()), *props])
    if found.name == "Airplane":
        return _add_aircraft(case, properties, extra)
    missing = [p for p in found.required if not properties.get(p)]
    if missing:
        raise InputError(f"a {found.name} needs {', '.join(missing)}")
    with case.transaction():
        record = case.insert_record("entity", {"schema": found.name, "properties": dumps(properties),
                                               "extra": dumps(extra) if extra else None})
    return get_entity(case, record["uuid"])


def _add_aircraft(case: Case, properties: dict[str, list[str]], extra: dict) -> Entity:
    columns = {column: properties.pop(prop)[0] for prop, column in AIRCRAFT_COLUMNS.items()
               if properties.get(prop)}
    name = properties.pop("name")[0]
    hex_code = extra.pop("icao24", None)
    # The name is the registration only when it is one ("Putin's Il-96" is not; an aircraft
    # known only by its Mode-S address is named by it, and that is no registration either).
    registration = columns.get("registration") or (
        _registration_named(name) if name.lower() != hex_code else None)
    registration = registration.upper() if registration else None
    taken = identity_taken(case, registration=registration, hex_code=hex_code)
    if taken:
        raise InputError(taken)
    facts = describe_aircraft(hex_code, registration, columns.get("type_code"))
    with case.transaction():
        record = case.insert_record("aircraft", {
            "hex": hex_code, "registration": registration, "type_code": columns.get("type_code"),
            "type_name": columns.get("type_name") or facts.get("type_name"), "operator": None,
            "hex_country": facts.get("hex_country"), "hex_military": facts.get("hex_military"),
            "registration_country": facts.get("registration_country"), "label": name})
        if properties or extra:
            case.insert_record("entity", {"uuid": record["uuid"], "schema": "Airplane",
                                          "properties": dumps(properties),
                                          "extra": dumps(extra) if extra else None})
    return get_entity(case, record["uuid"])


def _registration_named(name: str) -> str | None:
    """The registration (standard form) a name is, when the whole name is one."""
    text = name.strip().upper()
    whole = [m for m in find_registrations(text) if (m.start, m.end) == (0, len(text))]
    return whole[0].registration if whole else None


def place_for_airport(case: Case, code: str) -> Entity:
    """The place entity of an airport (an FtM Address with its position, and its ICAO and
    IATA codes in our own fields), made from the airports table the first time it is needed."""
    existing = airport_place(case, code)
    if existing is not None:
        return existing
    airport = airports.lookup(code)
    if airport is None:
        raise InputError(f"no airport '{code}' in the airports table (give an ICAO or IATA code)")
    existing = airport_place(case, airport.code)
    if existing is not None:
        return existing
    properties = {"name": [airport.name], "latitude": [f"{airport.lat:.6f}"],
                  "longitude": [f"{airport.lon:.6f}"], "country": [airport.iso_country.lower()],
                  "full": [", ".join(p for p in (airport.name, airport.municipality) if p)]}
    extra = {k: v for k, v in (("icao", airport.code), ("iata", airport.iata_code)) if v}
    with case.transaction():
        record = case.insert_record("entity", {"schema": "Address", "properties": dumps(properties),
                                               "extra": dumps(extra)})
    return get_entity(case, record["uuid"])


def reference(case: Case, typed: str) -> str:
    """The entity id for what a user typed where an entity is wanted (a place, an involved
    party): an entity, an aircraft, or an airport code (its place is made when needed)."""
    try:
        return resolve_entity_id(case, typed)
    except InputError:
        if airports.lookup(typed) is None:
            raise InputError(f"'{typed}' is neither an entity of this case nor an airport code "
                             "(`osintdesk entity list CASE` lists the entities)") from None
        return place_for_airport(case, typed).id


def set_properties(case: Case, entity_id: str, props: Iterable[tuple[str, str]],
                   reason: str | None = None) -> Entity:
    """Add property values to an entity; values are added, never replaced, except an
    aircraft's own columns: its name (label), type and model are replaced (audited, with
    the reason); its registration and Mode-S address are its identity, set once (refused
    when it has another, or another aircraft has them: ``entity merge`` joins two records
    of one aircraft). What the reference tables say about them is recomputed."""
    entity = get_entity(case, resolve_entity_id(case, entity_id))
    found = ftm.schema(entity.schema)
    properties, extra = check_properties(case, found, props)
    with case.transaction():
        if entity.kind == "aircraft":
            columns = {AIRCRAFT_COLUMNS[p]: properties.pop(p)[0] for p in list(properties)
                       if p in AIRCRAFT_COLUMNS}
            if "name" in properties:
                columns["label"] = properties.pop("name")[0]
            if extra.get("icao24"):
                columns["hex"] = extra.pop("icao24")
            if columns:
                _set_aircraft_columns(case, entity, columns, reason)
        _merge_beside(case, entity, properties, extra, reason)
    return get_entity(case, entity.id)


def _set_aircraft_columns(case: Case, entity: Entity, columns: dict, reason: str | None) -> None:
    row = case.get_record("aircraft", entity.id)
    if columns.get("registration"):
        columns["registration"] = columns["registration"].upper()
    for column, words, key in (("registration", "registration", match_key),
                               ("hex", "Mode-S address", str.lower)):
        if columns.get(column) and row[column] and key(row[column]) != key(columns[column]):
            raise InputError(f"{entity.caption} already has the {words} {row[column]}: an aircraft's "
                             f"registration and Mode-S address are not replaced (if {columns[column]} "
                             "is another aircraft, add it and `osintdesk entity merge` the two)")
    taken = identity_taken(case, registration=columns.get("registration"),
                           hex_code=columns.get("hex"), other_than=entity.id)
    if taken:
        raise InputError(f"{taken}: `osintdesk entity merge` joins two records of one aircraft")
    changes = {k: v for k, v in columns.items() if row.get(k) != v}
    if changes:
        case.update_record("aircraft", entity.id, with_learned_facts(row, changes),
                           reason=reason or "identity set by hand")


def _merge_beside(case: Case, entity: Entity, properties: dict, extra: dict, reason) -> None:
    """Add values to the entities row of ``entity`` (made for an aircraft when needed)."""
    if not properties and not extra:
        return
    row = case.get_record("entity", entity.id)
    if row is None:
        case.insert_record("entity", {"uuid": entity.id, "schema": entity.schema,
                                      "properties": dumps(properties),
                                      "extra": dumps(extra) if extra else None})
        return
    current = json.loads(row["properties"])
    for prop, values in properties.items():
        current[prop] = sorted(set(current.get(prop, [])) | set(values))
    merged_extra = {**json.loads(row["extra"] or "{}")}
    for key, value in extra.items():
        merged_extra[key] = (sorted(set(merged_extra.get(key, [])) | set(value))
                             if key in LIST_FIELDS else value)
    case.update_record("entity", entity.id, {"properties": dumps(dict(sorted(current.items()))),
                                             "extra": dumps(merged_extra) if merged_extra else None},
                       reason=reason)


def merge_entities(case: Case, keep_id: str, other_id: str, reason: str | None = None) -> Entity:
    """Merge ``other`` into ``keep``: its properties are added to ``keep``, it is deleted
    (its content stays in the audit log) and its id stays valid as an alias of ``keep``, so
    nothing that cited it breaks. Two aircraft merge when at most one has flight data."""
    keep = get_entity(case, resolve_entity_id(case, keep_id))
    other = get_entity(case, resolve_entity_id(case, other_id))
    if keep.id == other.id:
        raise InputError(f"'{keep_id}' and '{other_id}' are already one entity ({keep.caption})")
    keep_schema, other_schema = ftm.schema(keep.schema), ftm.schema(other.schema)
    if not (keep_schema.is_a(other.schema) or other_schema.is_a(keep.schema)):
        raise InputError(f"cannot merge {with_article(other.schema)} ({other.caption}) into "
                         f"{with_article(keep.schema)} ({keep.caption})")
    if other.kind == "aircraft" and keep.kind != "aircraft":
        raise InputError(f"{other.caption} is an aircraft of the case and {keep.caption} is "
                         f"{with_article(keep.schema)}: an aircraft merges only into another aircraft")
    if other.kind == "aircraft" and has_track_points(case, other.id):
        if keep.kind != "aircraft" or not has_track_points(case, keep.id):
            raise InputError(f"{other.caption} has flight data and {keep.caption} has none: merge "
                             f"{keep.caption} into {other.caption} instead")
        raise InputError(f"both {keep.caption} and {other.caption} have flight data: they cannot "
                         "be merged (their tracks would mix)")
    if keep.kind == "aircraft" and other.kind != "aircraft":
        raise InputError(f"{other.caption} is not an aircraft of the case")
    detail = reason or f"merged into {keep.caption}"
    with case.transaction():
        if other.kind == "aircraft":
            _merge_aircraft_rows(case, keep, other, detail)
        if keep.kind == "entity" and other.schema != keep.schema and other_schema.is_a(keep.schema):
            case.update_record("entity", keep.id, {"schema": other.schema}, reason=detail)
            keep = get_entity(case, keep.id)
        # The other's names become aliases; an aircraft's identity columns were merged above.
        props = [("alias" if p == "name" else p, v) for p, values in other.properties.items()
                 for v in values
                 if not (p == "name" and v in keep.properties.get("name", []))
                 and not (other.kind == "aircraft" and p in AIRCRAFT_COLUMNS)]
        properties, _ = check_properties(case, ftm.schema(keep.schema), props)
        # An aircraft's identity fields were merged with its row; lists (callsigns) always merge.
        extra = {k: v for k, v in other.extra.items()
                 if k in LIST_FIELDS or (other.kind != "aircraft" and k not in keep.extra)}
        _merge_beside(case, keep, properties, extra, detail)
        if case.get_record("entity", other.id) is not None:
            case.delete_record("entity", other.id, reason=detail)
        case.insert_record("entity-alias", {"uuid": other.id, "entity_uuid": keep.id,
                                            "kind": other.kind, "reason": detail})
    return get_entity(case, keep.id)


def with_article(noun: str) -> str:
    """"an Airplane", "a Vehicle"."""
    return ("an " if noun[0] in "AEIOU" else "a ") + noun



def _merge_aircraft_rows(case: Case, keep: Entity, other: Entity, reason: str) -> None:
    """Fill what the kept aircraft does not know from the other one, then delete the other."""
    keep_row = case.get_record("aircraft", keep.id)
    other_row = case.get_record("aircraft", other.id)
    changes = {c: other_row[c] for c in ("hex", "registration", "type_code", "type_name", "operator",
                                         "hex_country", "hex_military", "registration_country")
               if other_row.get(c) is not None and keep_row.get(c) is None}
    case.delete_record("aircraft", other.id, reason=reason)  # first: hex is UNIQUE
    if changes:
        case.update_record("aircraft", keep.id, changes, reason=reason)
