"""Reading findings: entities (aircraft included, as Airplane entities), links, events,
claims, citations and ties, and turning what a user typed into the record it names."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from ..errors import InputError, OsintdeskError
from ..flights import queries as flight_queries
from ..store import Case
from . import ftm

MIN_ID_PREFIX = 4

# Record kinds a citation, a tie or a reference may point at, and their tables.
TARGET_TABLES = {
    "entity": "entities", "aircraft": "aircraft", "link": "links", "event": "events",
    "claim": "claims", "capture": "captures", "source": "sources", "evidence": "evidence",
    "flight": "flights", "ground-time": "ground_times", "flight-import": "flight_imports",
}


@dataclass
class Entity:
    """An entity in FtM's shape. Aircraft are Airplane entities whose identity lives in the
    aircraft table (registration, Mode-S address, type); ``extra`` holds what FtM has no
    property for (``icao24``, an airport's ``icao``/``iata``)."""

    id: str
    schema: str
    properties: dict[str, list[str]]
    extra: dict = field(default_factory=dict)
    kind: str = "entity"           # entity | aircraft
    created_utc: str | None = None
    examiner: str | None = None

    @property
    def caption(self) -> str:
        return ftm.caption(self.schema, self.properties)

    def as_dict(self) -> dict:
        return {**asdict(self), "caption": self.caption}


def _loads(text: str | None, default):
    return json.loads(text) if text else default


def aircraft_entity(case: Case, row: dict) -> Entity:
    """The Airplane entity of an aircraft row (with the properties kept beside it)."""
    properties: dict[str, list[str]] = {}
    for prop, column in (("name", "label"), ("registrationNumber", "registration"),
                         ("icaoCode", "type_code"), ("model", "type_name")):
        if row.get(column):
            properties[prop] = [row[column]]
    beside = case.db.execute("SELECT properties, extra FROM entities WHERE uuid = ?",
                             [row["uuid"]]).fetchone()
    for prop, values in _loads(beside[0] if beside else None, {}).items():
        properties.setdefault(prop, [])
        properties[prop] += [v for v in values if v not in properties[prop]]
    extra = _loads(beside[1] if beside else None, {})   # callsigns named by sources
    extra.update({k: row[c] for k, c in (("icao24", "hex"), ("operator_name", "operator"),
                                         ("registration_country", "registration_country"),
                                         ("address_country", "hex_country"),
                                         ("address_military", "hex_military"))
                  if row.get(c) is not None})
    return Entity(row["uuid"], "Airplane", dict(sorted(properties.items())), extra, "aircraft",
                  row["created_utc"], row["examiner"])


def _entity(row: dict) -> Entity:
    return Entity(row["uuid"], row["schema"], _loads(row["properties"], {}),
                  _loads(row["extra"], {}), "entity", row["created_utc"], row["examiner"])


def canonical_id(case: Case, uuid: str) -> str:
    """The id an entity has now (a merged-away id leads to the entity it became)."""
    seen = set()
    while uuid not in seen:
        seen.add(uuid)
        row = case.db.execute("SELECT entity_uuid FROM entity_aliases WHERE uuid = ?", [uuid]).fetchone()
        if row is None:
            return uuid
        uuid = row[0]
    return uuid


def aliases_of(case: Case, uuid: str) -> list[str]:
    """Every id that was merged into this entity (directly or through another merge)."""
    found, pending = [], [uuid]
    while pending:
        current = pending.pop()
        for (alias,) in case.db.execute("SELECT uuid FROM entity_aliases WHERE entity_uuid = ?",
                                        [current]).fetchall():
            if alias not in found:
                found.append(alias)
                pending.append(alias)
    return sorted(found)


def get_entity(case: Case, uuid: str) -> Entity | None:
    """The entity with this id (or the one it was merged into), aircraft included."""
    uuid = canonical_id(case, uuid)
    rows = list(case.db.query("SELECT * FROM aircraft WHERE uuid = ?", [uuid]))
    if rows:
        return aircraft_entity(case, rows[0])
    rows = list(case.db.query("SELECT * FROM entities WHERE uuid = ?", [uuid]))
    return _entity(rows[0]) if rows else None


def list_entities(case: Case, schema: str | None = None) -> list[Entity]:
    """Every entity of the case (aircraft as Airplane entities), by schema then caption."""
    found = [aircraft_entity(case, row) for row in case.db.query("SELECT * FROM aircraft")]
    aircraft_ids = {e.id for e in found}
    found += [_entity(row) for row in case.db.query("SELECT * FROM entities")
              if row["uuid"] not in aircraft_ids]
    if schema:
        wanted = ftm.schema(schema).name
        found = [e for e in found if ftm.schema(e.schema).is_a(wanted)]
    return sorted(found, key=lambda e: (e.schema, e.caption.lower(), e.id))


def airport_place(case: Case, code: str) -> Entity | None:
    """The place entity already made for an airport (by ICAO or IATA code), or None."""
    code = code.strip().upper()
    for row in case.db.query("SELECT * FROM entities WHERE schema = 'Address' AND extra IS NOT NULL"):
        extra = _loads(row["extra"], {})
        if code in (extra.get("icao"), extra.get("iata")):
            return _entity(row)
    return None


def _by_prefix(case: Case, typed: str, kinds) -> list[tuple[str, str]]:
    """(kind, uuid) of records whose id is ``typed`` or starts with it (4+ characters),
    one pair per record. A merged-away id (or a prefix of one) counts as the entity it
    became; an aircraft's entities row shares its uuid, so that record is the aircraft."""
    text = typed.strip().lower()
    tables = [(kind, TARGET_TABLES[kind]) for kind in kinds]
    if {"entity", "aircraft"} & set(kinds):
        tables.append(("alias", "entity_aliases"))
    hits = _one_per_record(case, kinds, [(kind, uuid) for kind, table in tables for (uuid,) in
                                         case.db.execute(f"SELECT uuid FROM [{table}] WHERE uuid = ?",
                                                         [text]).fetchall()])
    if hits or len(text) < MIN_ID_PREFIX:
        return hits
    pattern = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return _one_per_record(case, kinds, [
        (kind, uuid) for kind, table in tables for (uuid,) in case.db.execute(
            f"SELECT uuid FROM [{table}] WHERE uuid LIKE ? ESCAPE '\\' LIMIT 2", [pattern]).fetchall()])


def _one_per_record(case: Case, kinds, hits: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Hits with merged-away ids turned into the entity they became, each record once: an
    aircraft (whose entities row has its uuid) is the aircraft."""
    found: dict[str, str] = {}
    for kind, uuid in hits:
        if kind == "alias":
            uuid = canonical_id(case, uuid)
            is_aircraft = case.db.execute("SELECT 1 FROM aircraft WHERE uuid = ?", [uuid]).fetchone()
            kind = "aircraft" if is_aircraft else "entity"
            if kind not in kinds:
                continue
        if found.get(uuid) != "aircraft":
            found[uuid] = kind
    return [(kind, uuid) for uuid, kind in found.items()]


def resolve_entity_id(case: Case, typed: str) -> str:
    """The entity id for what the user typed: an entity or aircraft id (or a unique prefix,
    or a merged-away id), a registration or a Mode-S address, an airport code of a place
    already in the case. InputError naming the text otherwise."""
    text = typed.strip()
    hits = _by_prefix(case, text, ("entity", "aircraft"))
    if not hits:
        try:
            rows = flight_queries.find_aircraft(case, text)
        except OsintdeskError:   # not an aircraft: try the other readings
            rows = []
        if len(rows) == 1:
            return rows[0]["uuid"]
        place = airport_place(case, text)
        if place is not None:
            return place.id
    ids = sorted({uuid for _, uuid in hits})
    if len(ids) > 1:
        raise InputError(f"entity id '{text}' is ambiguous: give more of it")
    if not ids:
        raise InputError(f"no entity '{text}' in this case (`osintdesk entity list CASE` lists them)")
    return ids[0]


def resolve_target(case: Case, typed: str, kinds=tuple(TARGET_TABLES)) -> tuple[str, str]:
    """(kind, id) of the record a citation or a tie names: any record id or unique prefix
    (a merged-away entity id names the entity it became), or an aircraft's registration or
    Mode-S address. InputError naming the text otherwise."""
    text = typed.strip()
    hits = _by_prefix(case, text, kinds)
    if not hits and "aircraft" in kinds:
        try:
            rows = flight_queries.find_aircraft(case, text)
        except OsintdeskError:   # not an aircraft either: reported below
            if tuple(kinds) == ("aircraft",):
                raise             # its message says how aircraft are named
            rows = []
        hits = [("aircraft", r["uuid"]) for r in rows]
        if len(hits) > 1:
            raise InputError(f"'{text}' names {len(hits)} aircraft: give its id")
    if len(hits) > 1:
        raise InputError(f"id '{text}' is ambiguous ({', '.join(sorted({k for k, _ in hits}))}): "
                         "give more of it")
    if not hits:
        raise InputError(f"nothing in this case has the id '{text}'")
    return hits[0]


# ----------------------------------------------------------------------------- lists


def _rows(case: Case, sql: str, params=()) -> list[dict]:
    return list(case.db.query(sql, list(params)))


def links(case: Case, entity: str | None = None) -> list[dict]:
    """Links, oldest first; with ``entity``, those at either end of it (or its merged ids)."""
    if entity is None:
        return _rows(case, "SELECT * FROM links ORDER BY created_utc, uuid")
    ids = [entity, *aliases_of(case, entity)]
    marks = ", ".join("?" * len(ids))
    return _rows(case, f"SELECT * FROM links WHERE source_uuid IN ({marks}) OR target_uuid IN "
                       f"({marks}) ORDER BY created_utc, uuid", ids + ids)


def events(case: Case) -> list[dict]:
    rows = _rows(case, "SELECT * FROM events ORDER BY created_utc, uuid")
    for row in rows:
        row["involved"] = _loads(row["involved"], [])
    return rows


def claims(case: Case) -> list[dict]:
    rows = _rows(case, "SELECT * FROM claims ORDER BY created_utc, uuid")
    for row in rows:
        row["assertion"] = _loads(row["assertion"], None)
    return rows


def get_record(case: Case, kind: str, uuid: str) -> dict | None:
    rows = _rows(case, f"SELECT * FROM [{TARGET_TABLES[kind]}] WHERE uuid = ?", [uuid])
    return rows[0] if rows else None


def citations_of(case: Case, owner_uuid: str) -> list[dict]:
    """What backs a claim, a link, an event or an entity, in the order it was cited; an
    entity's includes what backed the entities merged into it (their citations keep the id
    they were made with)."""
    ids = [owner_uuid, *aliases_of(case, owner_uuid)]
    marks = ", ".join("?" * len(ids))
    return _rows(case, f"SELECT * FROM citations WHERE owner_uuid IN ({marks}) "
                       "ORDER BY created_utc, uuid", ids)


def cited_by(case: Case, uuid: str) -> list[dict]:
    """Every record that cites, links to, involves or is tied to this one (or its merged ids):
    what a deletion would leave pointing at nothing."""
    ids = [uuid, *aliases_of(case, uuid)]
    marks = ", ".join("?" * len(ids))
    found = [{"kind": r["owner_kind"], "uuid": r["owner_uuid"], "how": f"cites it ({r['stance']})"}
             for r in _rows(case, f"SELECT * FROM citations WHERE target_uuid IN ({marks})", ids)]
    found += [{"kind": "link", "uuid": r["uuid"], "how": f"{r['schema']} link"}
              for r in _rows(case, f"SELECT * FROM links WHERE source_uuid IN ({marks}) "
                                   f"OR target_uuid IN ({marks})", ids + ids)]
    for row in events(case):
        if row["place_uuid"] in ids or set(ids) & set(row["involved"]):
            found.append({"kind": "event", "uuid": row["uuid"], "how": "names it"})
    found += [{"kind": "source-tie", "uuid": r["uuid"], "how": "ties a source to it"}
              for r in _rows(case, f"SELECT * FROM source_ties WHERE target_uuid IN ({marks}) "
                                   f"OR source_uuid IN ({marks})", ids + ids)]
    found += [{"kind": "entity", "uuid": uuid, "how": f"names it as its {', '.join(named)}"}
              for uuid, _, named in entities_naming(case, ids)]
    for row in claims(case):
        if (row["assertion"] or {}).get("aircraft") in ids:
            found.append({"kind": "claim", "uuid": row["uuid"], "how": "checks its flights"})
    return found


def entities_naming(case: Case, ids: list[str]) -> list[tuple[str, dict, list[str]]]:
    """(uuid, properties, property names) of the entities whose entity-valued properties
    (an aircraft's ``operator``, a person's ``nationality`` is not one) name one of ``ids``."""
    found = []
    for row in _rows(case, "SELECT uuid, schema, properties FROM entities"):
        if row["uuid"] in ids:
            continue
        spec = ftm.schema(row["schema"]).properties()
        properties = _loads(row["properties"], {})
        named = [p for p, values in properties.items()
                 if p in spec and spec[p].type == "entity" and set(values) & set(ids)]
        if named:
            found.append((row["uuid"], properties, named))
    return found


def ties_of(case: Case, uuid: str) -> list[dict]:
    """Sources tied by hand to this record, or (for a source) what it is tied to."""
    ids = [uuid, *aliases_of(case, uuid)]
    marks = ", ".join("?" * len(ids))
    return _rows(case, f"SELECT * FROM source_ties WHERE target_uuid IN ({marks}) OR source_uuid "
                       f"IN ({marks}) ORDER BY created_utc, uuid", ids + ids)


def get_tie(case: Case, tie_uuid: str) -> dict | None:
    """One tie by its id, or None (it was removed)."""
    rows = _rows(case, "SELECT * FROM source_ties WHERE uuid = ?", [tie_uuid])
    return rows[0] if rows else None


# ----------------------------------------------------------------------------- for reading


def events_of(case: Case, entity: str) -> list[dict]:
    """Events at a place or involving an entity (or one of its merged ids), oldest first."""
    ids = {entity, *aliases_of(case, entity)}
    return [row for row in events(case) if row["place_uuid"] in ids or ids & set(row["involved"])]


# ----------------------------------------------------------------------------- derived records

DERIVED = {"flight": ("flights", "first_t", "last_t"), "ground-time": ("ground_times", "start_t", "end_t")}


def derived_span(case: Case, kind: str, uuid: str) -> tuple[str, float, float] | None:
    """(aircraft uuid, first, last) of a flight or ground stay; None for other records."""
    if kind not in DERIVED:
        return None
    table, first, last = DERIVED[kind]
    row = case.db.execute(f"SELECT aircraft_uuid, {first}, {last} FROM {table} WHERE uuid = ?",
                          [uuid]).fetchone()
    return tuple(row) if row else None


def current_target(case: Case, citation: dict) -> tuple[str, str | None]:
    """(kind, id) of what a citation cites as the case holds it now: a merged entity leads
    to the entity it became; a flight or ground stay re-derived by a later import leads to
    the one that now covers most of the span cited (id None when nothing does)."""
    kind, uuid = citation["target_kind"], citation["target_uuid"]
    if kind in ("entity", "aircraft"):
        uuid = canonical_id(case, uuid)
    elif kind in DERIVED and derived_span(case, kind, uuid) is None:
        if citation.get("target_aircraft") is None:
            return kind, None
        table, first, last = DERIVED[kind]
        lo, hi = citation["target_first_t"], citation["target_last_t"]
        row = case.db.execute(
            f"SELECT uuid FROM {table} WHERE aircraft_uuid = ? AND {last} >= ? AND {first} <= ? "
            f"ORDER BY min({last}, ?) - max({first}, ?) DESC LIMIT 1",
            [canonical_id(case, citation["target_aircraft"]), lo, hi, hi, lo]).fetchone()
        return kind, row[0] if row else None
    if kind == "entity" and get_entity(case, uuid) is not None:
        return kind, uuid
    return kind, uuid if get_record(case, kind, uuid) is not None else None


# ----------------------------------------------------------------------------- for changing


def citations_touching(case: Case, ids: list[str]) -> list[str]:
    """Ids of the citations these records make or that cite them, oldest first."""
    marks = ", ".join("?" * len(ids))
    return [r["uuid"] for r in _rows(
        case, f"SELECT uuid FROM citations WHERE owner_uuid IN ({marks}) OR target_uuid IN ({marks}) "
              "ORDER BY created_utc, uuid", ids + ids)]


def ties_naming(case: Case, ids: list[str]) -> list[str]:
    """Ids of the source ties that tie a source to one of these records, oldest first."""
    marks = ", ".join("?" * len(ids))
    return [r["uuid"] for r in _rows(
        case, f"SELECT uuid FROM source_ties WHERE target_uuid IN ({marks}) "
              "ORDER BY created_utc, uuid", ids)]


def is_tied(case: Case, source_uuid: str, target_uuid: str) -> bool:
    return bool(_rows(case, "SELECT 1 FROM source_ties WHERE source_uuid = ? AND target_uuid = ?",
                      [source_uuid, target_uuid]))


def all_citations(case: Case) -> list[dict]:
    return _rows(case, "SELECT * FROM citations ORDER BY uuid")


def quoted_citations(case: Case) -> list[dict]:
    """Citations that quote a passage (``target_uuid`` is the capture), by id."""
    return _rows(case, "SELECT uuid, target_uuid, quote, quote_start, quote_end FROM citations "
                       "WHERE quote IS NOT NULL ORDER BY uuid")


def identifier_hits(case: Case, kinds) -> list[dict]:
    """Identifiers of these kinds found in the sources, by capture, field and offset."""
    kinds = list(kinds)
    return _rows(case, f"SELECT * FROM identifier_hits WHERE kind IN ({', '.join('?' * len(kinds))}) "
                       "ORDER BY capture_uuid, field, start_offset", kinds)


def aircraft_callsigns(case: Case) -> list[dict]:
    """Each aircraft's ``uuid``, ``registration``, ``hex``, ``type_code`` and ``callsigns``
    (the raw text of each of its flights' callsigns, and those sources named, kept beside it)."""
    found = []
    for row in _rows(case, "SELECT uuid, registration, hex, type_code FROM aircraft"):
        texts = [r["callsigns"] for r in _rows(case, "SELECT callsigns FROM flights WHERE "
                                                     "aircraft_uuid = ?", [row["uuid"]])]
        beside = _rows(case, "SELECT extra FROM entities WHERE uuid = ?", [row["uuid"]])
        named = _loads(beside[0]["extra"] if beside else None, {}).get("callsigns", [])
        found.append({**row, "flight_callsigns": texts, "named_callsigns": named})
    return found


# ----------------------------------------------------------------------------- for the link chart


def alias_targets(case: Case) -> dict[str, str]:
    """Every merged-away id and the entity it became now (merges of merges followed)."""
    direct = dict(case.db.execute("SELECT uuid, entity_uuid FROM entity_aliases").fetchall())
    found = {}
    for alias in direct:
        seen, uuid = set(), alias
        while uuid in direct and uuid not in seen:
            seen.add(uuid)
            uuid = direct[uuid]
        found[alias] = uuid
    return found


def citation_counts(case: Case) -> dict[str, int]:
    """How many citations each owner (a link, an entity, an event, a claim) has, by its id."""
    return dict(case.db.execute("SELECT owner_uuid, count(*) FROM citations GROUP BY owner_uuid")
                .fetchall())


def capture_sources(case: Case) -> dict[str, str]:
    """The source of each capture, by capture id."""
    return dict(case.db.execute("SELECT uuid, source_uuid FROM captures").fetchall())


# ----------------------------------------------------------------------------- timeline


def all_ties(case: Case) -> list[dict]:
    """Every tie of a source to a record (all its columns: ``uuid``, ``source_uuid``,
    ``target_kind``, ``target_uuid``...), in the order they were made."""
    return _rows(case, "SELECT * FROM source_ties ORDER BY created_utc, uuid")


def cited_sources(case: Case) -> list[dict]:
    """Which source each citation of a source or a capture points at, and who cites it:
    ``owner_kind``, ``owner_uuid`` (an event, a claim, a link, an entity), ``source_uuid``."""
    return _rows(case, "SELECT c.owner_kind, c.owner_uuid, coalesce(p.source_uuid, c.target_uuid) "
                       "AS source_uuid FROM citations c LEFT JOIN captures p ON "
                       "c.target_kind = 'capture' AND p.uuid = c.target_uuid "
                       "WHERE c.target_kind IN ('source', 'capture') ORDER BY c.created_utc, c.uuid")
