"""Table models of the exchange views: rows given as dicts (a bundle's records, the records
in conflict) and the versions of one conflicted record side by side."""

from __future__ import annotations

import json
from typing import Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ...exchange.conflicts import differing_fields, flat_state
from ...timefmt import display_field

Index = QModelIndex
DIFFERS = QColor("#fff2c2")


def cell_text(key: str, value: Any) -> str:
    """A record's field as a table shows it: times through timefmt, JSON as compact text."""
    if value is None:
        return ""
    shown = display_field(key, value)
    if shown is not None:
        return shown
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


class RowsModel(QAbstractTableModel):
    """Read-only rows of dicts under ``columns`` (header, key); UserRole is the raw value."""

    def __init__(self, columns: Sequence[tuple[str, str]] = (), rows: Sequence[dict] = (),
                 parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self.rows = list(rows)

    def set_rows(self, columns: Sequence[tuple[str, str]], rows: Sequence[dict]) -> None:
        self.beginResetModel()
        self.columns = list(columns)
        self.rows = list(rows)
        self.endResetModel()

    def row(self, row: int) -> dict:
        return self.rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.columns)):
            return self.columns[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key = self.columns[index.column()][1]
        value = self.rows[index.row()].get(key)
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(key, value)
        if role == Qt.ItemDataRole.UserRole:
            return value if isinstance(value, (int, float, str)) else cell_text(key, value)
        return None


def record_columns(rows: Sequence[dict]) -> list[tuple[str, str]]:
    """Every key the rows hold, the record's id first, then in the order the rows give them."""
    keys: dict[str, None] = {}
    for row in rows[:200]:
        keys.update(dict.fromkeys(row))
    first = [k for k in ("uuid", "id") if k in keys]   # what names the record, first
    return [(key, key) for key in first + [k for k in keys if k not in first]]


# Rows of a conflicted record's detail that describe a version, before its fields.
ABOUT_ROWS = (("Version", "version"), ("Examiner", "examiner"), ("Made", "created_utc"),
              ("In case", "origin"), ("Shown now", "shown"))
# Fields every version of a record has that say nothing about the disagreement.


def origin_words(head: dict, case_uuid: str | None) -> str:
    """The case a version was made in: "this case", else its title and the version's
    examiner when the case knows the title (merges record it), else its short id."""
    origin = head["origin_case"]
    if origin == case_uuid:
        return "this case"
    if head.get("origin_title"):
        return f"“{head['origin_title']}” ({head['examiner']})"
    return f"case {origin[:8]}… ({head['examiner']})"


class VersionsModel(QAbstractTableModel):
    """One conflicted record: a column per version, a row per field; the fields that
    differ first, highlighted, then the ones all versions agree on."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.heads: list[dict] = []
        self.fields: list[str] = []
        self.differing: set[str] = set()

    def set_conflict(self, conflict: dict | None, case_uuid: str | None = None) -> None:
        self.beginResetModel()
        self.heads = []
        self.fields, self.differing = [], set()
        if conflict is not None:
            for head in conflict["heads"]:
                origin = head["origin_case"]
                self.heads.append({**head, "shown": "yes" if head["version"] == conflict["shown"]
                                   else "", "origin": origin_words(head, case_uuid),
                                   "flat": flat_state(head["state"]) or {}})
            self.fields, self.differing = differing_fields(conflict["heads"])
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(ABOUT_ROWS) + len(self.fields)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.heads)

    def field_of(self, row: int) -> str | None:
        """The record field a row shows (None for the rows about the version)."""
        return None if row < len(ABOUT_ROWS) else self.fields[row - len(ABOUT_ROWS)]

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            if (role == Qt.ItemDataRole.FontRole and orientation == Qt.Orientation.Vertical
                    and self._differs(section)):
                font = QFont()
                font.setBold(True)
                return font
            return None
        if orientation == Qt.Orientation.Horizontal:
            return f"Version {section + 1}" if 0 <= section < len(self.heads) else None
        if section < len(ABOUT_ROWS):
            return ABOUT_ROWS[section][0]
        if section - len(ABOUT_ROWS) < len(self.fields):
            field = self.fields[section - len(ABOUT_ROWS)]
            return f"{field} (differs)" if field in self.differing else field
        return None

    def _differs(self, row: int) -> bool:
        field = self.field_of(row) if 0 <= row < self.rowCount() else None
        return field is not None and field in self.differing

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        head = self.heads[index.column()]
        field = self.field_of(index.row())
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(DIFFERS) if field in self.differing else None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if field is None:
            key = ABOUT_ROWS[index.row()][1]
            value = head[key]
            if key == "version" and role == Qt.ItemDataRole.DisplayRole:
                return value[:16] + "…"
            if key == "origin" and role == Qt.ItemDataRole.ToolTipRole:
                return f"case {head['origin_case']}"
            return cell_text(key, value)
        if head["deleted"]:
            return "(deleted)"
        value = head["flat"].get(field)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return "; ".join(value)   # an FtM property's values
        return cell_text(field, value)
