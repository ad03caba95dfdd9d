"""Table models over a case (read on the GUI thread's read connection, fetched in pages
through the query functions of the store and the domain packages)."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from .. import timefmt

Index = QModelIndex | QPersistentModelIndex


class PagedQueryModel(QAbstractTableModel):
    """Rows from a query function, fetched ``page_size`` at a time as the view scrolls.

    ``columns`` is a list of (header, key) pairs; ``fetch(offset, limit)`` returns dict rows.
    Times (``*_utc``) and durations (``duration_s``) show in timefmt's display forms in
    every table; ``display`` shows the other columns.
    """

    page_size = 500

    def __init__(self, columns: Sequence[tuple[str, str]],
                 fetch: Callable[[int, int], list[dict]] | None = None,
                 count: Callable[[], int] | None = None, parent=None):
        super().__init__(parent)
        self._columns = list(columns)
        self._fetch = fetch
        self._count = count
        self._rows: list[dict] = []
        self._total = 0
        self._fetching = False  # views may ask for more while rows are being inserted

    def set_source(self, fetch: Callable[[int, int], list[dict]] | None,
                   count: Callable[[], int] | None) -> None:
        self.beginResetModel()
        self._fetch, self._count = fetch, count
        self._rows = []
        self._total = count() if count else 0
        self.endResetModel()

    def refresh(self) -> None:
        self.set_source(self._fetch, self._count)

    @property
    def total(self) -> int:
        """How many rows the model expects, fetched or not: the count when the source was set
        (less if fetching found fewer)."""
        return self._total

    def row(self, row: int) -> dict:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._fetch is not None and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or self._fetch is None or self._fetching:
            return
        self._fetching = True
        try:
            more = self._fetch(len(self._rows), self.page_size)
            more = more[: max(0, self._total - len(self._rows))]
            if not more:
                self._total = len(self._rows)
                return
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
            self._rows.extend(more)
            self.endInsertRows()
        finally:
            self._fetching = False

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self._columns):
                return self._columns[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if not (0 <= index.column() < len(self._columns)):
            return None
        value = self._rows[index.row()].get(self._columns[index.column()][1])
        if role == Qt.ItemDataRole.DisplayRole:
            text = timefmt.display_field(self._columns[index.column()][1], value)
            return self.display(index.column(), value) if text is None else text
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(value, str) and len(value) > 40:
            return value
        if role == Qt.ItemDataRole.UserRole:
            return value
        return None

    def display(self, column: int, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, dict):
            return details_text(value)
        if isinstance(value, int) and not isinstance(value, bool) and \
                self._columns[column][1].endswith(COUNT_SUFFIXES):
            return f"{value:,}"
        return str(value)


# Columns holding sizes and counts read with thousands separators (212,279 bytes).
COUNT_SUFFIXES = ("size", "_bytes", "_count", "points", "duplicates", "skipped")


def details_text(details: dict) -> str:
    """An audit entry's details as people read them: ``file: a.csv; points: 2,834``."""
    def value_text(value) -> str:
        if isinstance(value, dict):
            return "{" + details_text(value) + "}"
        if isinstance(value, list):
            return ", ".join(value_text(v) for v in value)
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return str(value)
    return "; ".join(f"{key}: {value_text(value)}" for key, value in sorted(details.items())
                     if value not in (None, {}, []))


AUDIT_COLUMNS = [("#", "seq"), ("Time (UTC)", "time_utc"), ("Examiner", "examiner"),
                 ("Action", "action"), ("Object", "object_type"), ("Object id", "object_id"),
                 ("Details", "details"), ("Entry hash", "entry_hash")]

def audit_source(case) -> tuple[Callable, Callable]:
    def fetch(offset: int, limit: int) -> list[dict]:
        return [e.as_dict() for e in case.audit_entries(after_seq=offset, limit=limit)]
    return fetch, case.audit_count


