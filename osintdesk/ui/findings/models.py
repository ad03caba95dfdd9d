"""The findings' table model and the rows it shows: entities (aircraft among them, as
Airplane entities), events with their dates in the precision and zone they were given in,
claims with their check against the tracks. Rows come from ``findings.views``."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ...findings import ftm, views
from ...findings.entities import EXTRA_FIELDS
from ...findings.views import property_label
from ..sources.models import RecordModel

ENTITY_COLUMNS = [("Name", "caption"), ("Schema", "schema"), ("Key properties", "identity"),
                  ("Added (UTC)", "created_utc"), ("Id", "id")]
EVENT_COLUMNS = [("Event", "title"), ("When", "when"), ("Precision", "precision"),
                 ("Place", "place"), ("Involved", "involved_text"), ("Evidence", "citations"),
                 ("Id", "uuid")]
CLAIM_COLUMNS = [("Claim", "text"), ("Status", "status"), ("Check against the tracks", "check_text"),
                 ("Confidence", "confidence"), ("Evidence", "citations"),
                 ("Added (UTC)", "created_utc"), ("Id", "uuid")]

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


def property_choices(schema_name: str) -> list[tuple[str, str]]:
    """(label, property) pairs for a schema: the common ones first, then the rest by name."""
    schema = ftm.entity_schema(schema_name)
    names = [p for p in schema.properties() if p != "name"] + list(EXTRA_FIELDS.get(schema.name, ()))
    common = [p for p in COMMON_PROPERTIES.get(schema.name, ()) if p in names]
    rest = sorted(set(names) - set(common), key=str.lower)
    return [(property_label(p) if property_label(p) == p else f"{property_label(p)} ({p})", p)
            for p in common + rest]


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
