"""The findings' table model and the rows it shows: entities (aircraft among them, as
Airplane entities), events with their dates in the precision and zone they were given in,
claims with their check against the tracks. Rows are read through ``findings.queries``."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from ...findings import ftm, queries
from ...timefmt import PartialTime
from ..sources.models import RecordModel

ENTITY_COLUMNS = [("Name", "caption"), ("Schema", "schema"), ("Key properties", "key_properties"),
                  ("Added (UTC)", "created_utc"), ("Id", "id")]
EVENT_COLUMNS = [("Event", "title"), ("When", "when"), ("Precision", "precision"),
                 ("Place", "place"), ("Involved", "involved_names"), ("Evidence", "citations"),
                 ("Id", "uuid")]
CLAIM_COLUMNS = [("Claim", "text"), ("Status", "status"), ("Check against the tracks", "check"),
                 ("Confidence", "confidence"), ("Evidence", "citations"),
                 ("Added (UTC)", "created_utc"), ("Id", "uuid")]

# Our own fields (what FtM has no property for) and a few FtM names, as the investigator
# reads them.
EXTRA_LABELS = {"registrationNumber": "registration", "icaoCode": "ICAO type code",
                "icao24": "Mode-S address", "icao": "ICAO code", "iata": "IATA code",
                "operator_name": "operator", "registration_country": "registered in",
                "address_country": "address block of", "address_military": "military address block"}
# Properties an investigator gives most often, offered first in the add-entity dialog.
COMMON_PROPERTIES = {
    "Person": ("alias", "nationality", "birthDate", "position", "country", "idNumber"),
    "Organization": ("alias", "country", "jurisdiction", "registrationNumber", "website"),
    "Company": ("alias", "country", "jurisdiction", "registrationNumber", "incorporationDate"),
    "PublicBody": ("alias", "country", "jurisdiction", "website"),
    "LegalEntity": ("alias", "country", "registrationNumber"),
    "Airplane": ("registrationNumber", "model", "icaoCode", "icao24", "manufacturer",
                 "serialNumber", "operator", "country"),
    "Vehicle": ("registrationNumber", "model", "operator", "country"),
    "Address": ("full", "city", "country", "latitude", "longitude"),
    "Event": ("date", "startDate", "endDate", "location", "country", "summary"),
}
EXTRA_PROPERTIES = {"Airplane": ("icao24",), "Address": ("icao", "iata")}
HIDDEN_IN_SUMMARY = {"name"}


def property_label(name: str) -> str:
    """``registrationNumber`` as ``registration number``; our own fields by their meaning."""
    if name in EXTRA_LABELS:
        return EXTRA_LABELS[name]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


def property_choices(schema_name: str) -> list[tuple[str, str]]:
    """(label, property) pairs for a schema: the common ones first, then the rest by name."""
    schema = ftm.entity_schema(schema_name)
    names = [p for p in schema.properties() if p != "name"] + list(EXTRA_PROPERTIES.get(schema.name, ()))
    common = [p for p in COMMON_PROPERTIES.get(schema.name, ()) if p in names]
    rest = sorted(set(names) - set(common), key=str.lower)
    return [(property_label(p) if property_label(p) == p else f"{property_label(p)} ({p})", p)
            for p in common + rest]


def value_text(case, schema_name: str, prop: str, values: list[str]) -> str:
    """Property values as text; an entity-valued property shows the captions it names."""
    found = ftm.schema(schema_name).properties().get(prop)
    if found is not None and found.type == "entity" and case is not None:
        return ", ".join(queries.record_label(case, "entity", v) for v in values)
    return ", ".join(values)


def key_properties(case, entity: queries.Entity) -> str:
    """Everything an entity is known by beyond its caption, in one line."""
    parts = []
    for prop, values in entity.properties.items():
        shown = [v for v in values if v != entity.caption]
        if prop in HIDDEN_IN_SUMMARY or not shown:
            continue
        parts.append(f"{property_label(prop)}: {value_text(case, entity.schema, prop, shown)}")
    for key, value in entity.extra.items():
        if key == "address_military":
            if value:
                parts.append("military address block")
            continue
        parts.append(f"{property_label(key)}: {value}")
    return " · ".join(parts)


def entity_rows(case, schema: str | None = None) -> list[dict]:
    return [{"id": e.id, "caption": e.caption, "schema": e.schema, "kind": e.kind,
             "key_properties": key_properties(case, e), "created_utc": e.created_utc}
            for e in queries.list_entities(case, schema)]


def when_text(start: str, end: str | None, zone: str) -> str:
    """An event's dates in the precision they were given in, then their zone:
    ``September 2023``, ``2023-09-13 (Asia/Vladivostok)``, ``2023-09-12 – 2023-09-14``."""
    first = PartialTime(start, "UTC").display()
    text = first if not end else f"{first} – {PartialTime(end, 'UTC').display()}"
    return text if zone == "UTC" else f"{text} ({zone})"


def event_rows(case) -> list[dict]:
    rows = []
    for event in queries.events(case):
        start = PartialTime(event["start_text"], event["zone"])
        place = queries.get_entity(case, event["place_uuid"]) if event["place_uuid"] else None
        involved = [queries.get_entity(case, uuid) for uuid in event["involved"]]
        rows.append({**event, "when": when_text(event["start_text"], event["end_text"], event["zone"]),
                     "first_t": start.span_utc()[0], "precision": start.precision,
                     "place": place.caption if place else "",
                     "involved_names": ", ".join(e.caption for e in involved if e),
                     "citations": len(queries.citations_of(case, event["uuid"]))})
    return rows


def check_words(result) -> str:
    """``supported``, ``contradicted`` or ``not covered`` (a CheckResult's result in words)."""
    return {"not_covered": "not covered"}.get(result.result, result.result)


def claim_rows(case) -> list[dict]:
    from ...findings import checks
    rows = []
    for claim in queries.claims(case):
        result = checks.evaluate_claim(case, claim)
        rows.append({**claim, "check": "" if result is None else
                     f"{claim['assertion']['check']}: {check_words(result)}",
                     "check_reason": None if result is None else result.reason,
                     "check_result": result,
                     "citations": len(queries.citations_of(case, claim["uuid"]))})
    return rows


class FindingsModel(RecordModel):
    """Rows of findings; a column may sort by another key (a date shown as ``September 2023``
    sorts by the first moment it means) and show a longer text as its tooltip."""

    sort_keys: dict[str, str] = {"when": "first_t"}
    tooltip_keys: dict[str, str] = {"check": "check_reason"}

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and 0 <= index.row() < self.rowCount() and \
                0 <= index.column() < self.columnCount():
            key = self._columns[index.column()][1]
            row = self.row(index.row())
            if role == Qt.ItemDataRole.UserRole and key in self.sort_keys:
                return row.get(self.sort_keys[key])
            if role == Qt.ItemDataRole.ToolTipRole and row.get(self.tooltip_keys.get(key, "")):
                return row[self.tooltip_keys[key]]
        return super().data(index, role)
