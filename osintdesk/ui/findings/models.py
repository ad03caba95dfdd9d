"""The findings' table model and the rows it shows: entities (aircraft among them, as
Airplane entities), events with their dates in the precision and zone they were given in,
claims with their check against the tracks. Rows come from ``findings.views``."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from ...findings import ftm, views
from ...findings.entities import EXTRA_FIELDS
from ..sources.models import RecordModel

ENTITY_COLUMNS = [("Name", "caption"), ("Schema", "schema"), ("Key properties", "key_properties"),
                  ("Added (UTC)", "created_utc"), ("Id", "id")]
EVENT_COLUMNS = [("Event", "title"), ("When", "when"), ("Precision", "precision"),
                 ("Place", "place"), ("Involved", "involved_text"), ("Evidence", "citations"),
                 ("Id", "uuid")]
CLAIM_COLUMNS = [("Claim", "text"), ("Status", "status"), ("Check against the tracks", "check_text"),
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
HIDDEN_IN_SUMMARY = {"name"}


def property_label(name: str) -> str:
    """``registrationNumber`` as ``registration number``; our own fields by their meaning."""
    if name in EXTRA_LABELS:
        return EXTRA_LABELS[name]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


def property_choices(schema_name: str) -> list[tuple[str, str]]:
    """(label, property) pairs for a schema: the common ones first, then the rest by name."""
    schema = ftm.entity_schema(schema_name)
    names = [p for p in schema.properties() if p != "name"] + list(EXTRA_FIELDS.get(schema.name, ()))
    common = [p for p in COMMON_PROPERTIES.get(schema.name, ()) if p in names]
    rest = sorted(set(names) - set(common), key=str.lower)
    return [(property_label(p) if property_label(p) == p else f"{property_label(p)} ({p})", p)
            for p in common + rest]


def value_text(case, schema_name: str, prop: str, values: list[str]) -> str:
    """Property values as text; an entity-valued property shows the captions it names."""
    found = ftm.schema(schema_name).properties().get(prop)
    if found is not None and found.type == "entity" and case is not None:
        return ", ".join(views.caption_of(case, v) or v for v in values)
    return ", ".join(values)


def key_properties(case, entity: dict) -> str:
    """Everything an entity (a row of ``views.entity_rows``) is known by beyond its caption,
    in one line."""
    parts = []
    for key, value in entity["extra"].items():   # identifiers first: a Mode-S address, codes
        if key == "address_military":
            if value:
                parts.append("military address block")
            continue
        shown = ", ".join(value) if isinstance(value, list) else value
        parts.append(f"{property_label(key)}: {shown}")
    for prop, values in entity["properties"].items():
        shown = [v for v in values if v != entity["caption"]]
        if prop in HIDDEN_IN_SUMMARY or not shown:
            continue
        parts.append(f"{property_label(prop)}: {value_text(case, entity['schema'], prop, shown)}")
    return " · ".join(parts)


def entity_rows(case, schema: str | None = None) -> list[dict]:
    return [{**row, "key_properties": key_properties(case, row)}
            for row in views.entity_rows(case, schema)]


def event_rows(case) -> list[dict]:
    """Events with their dates as given (``September 2023``, ``2023-09-13 (Asia/Vladivostok)``),
    sorted by the first moment they mean."""
    return [{**row, "first_utc": row["start"]["first_utc"], "precision": row["start"]["precision"],
             "place": row["place"] or "", "involved_text": ", ".join(row["involved_names"])}
            for row in views.event_rows(case)]


def check_words(result: str) -> str:
    """``supported``, ``contradicted`` or ``not covered`` (a check's result in words)."""
    return {"not_covered": "not covered"}.get(result, result)


def claim_rows(case) -> list[dict]:
    """Claims with their check against the tracks in a word (``flew: supported``), and its
    reason as the cell's tooltip."""
    return [{**row, "check_text": f"{row['assertion']['check']}: {check_words(row['check']['result'])}"
             if row["check"] else "", "check_reason": row["check"]["reason"] if row["check"] else None,
             "citations": row["supporting"] + row["contradicting"]}
            for row in views.claim_rows(case)]


class FindingsModel(RecordModel):
    """Rows of findings; a column may sort by another key (a date shown as ``September 2023``
    sorts by the first moment it means) and show a longer text as its tooltip."""

    sort_keys: dict[str, str] = {"when": "first_utc"}
    tooltip_keys: dict[str, str] = {"check_text": "check_reason"}

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
