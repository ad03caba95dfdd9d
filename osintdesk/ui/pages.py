"""The pages the navigator switches between: overview, audit log (the Evidence page is in
``evidence_page``)."""

from __future__ import annotations

import html

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..timefmt import display_time
from .tables import add_row_actions, filter_box, make_table_view, on_open  # noqa: F401
from .models import AUDIT_COLUMNS, PagedQueryModel, audit_source


class CasePage(QWidget):
    """A page shows one section of the open case; ``set_case(None)`` clears it."""

    title = ""

    def set_case(self, case) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class OverviewPage(CasePage):
    title = "Overview"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.label = QLabel(objectName="overview")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        self.set_case(None)

    def set_case(self, case) -> None:
        if case is None:
            self.label.setText("<h2>No case open</h2><p>Create a case with <b>File › New "
                               "Case</b> or open one with <b>File › Open Case</b>.</p>")
            return
        info = case.info()
        e = html.escape
        counts = dict(info["counts"])
        last = info["last_verification"]
        if last is None:
            verified = "never"
        else:
            colour, word = ("#1b7f3b", "OK") if last["ok"] else ("#b00020", "FAILED")
            verified = (f"<span style='color:{colour}'>{word}</span> at "
                        f"{e(display_time(last['time_utc']))} by {e(last['examiner'])}")
        rows = [
            ("Case number", e(info["number"] or "—")),
            ("File", e(info["path"])),
            ("UUID", e(info["uuid"])),
            ("Created", f"{e(display_time(info['created_utc']))} by {e(info['created_by'])} "
                        f"(osintdesk {e(info['created_with'])})"),
            ("Examiners", e(", ".join(info["examiners"]))),
            ("Evidence files", str(counts.get("evidence", 0))),
            ("Artifacts", f"{counts.get('artifacts', 0)} ({info['artifact_bytes']:,} bytes)"),
            ("Audit log", f"{counts.get('audit_entries', 0)} entries; head "
                          f"#{info['audit_head']['seq']} <code>{info['audit_head']['hash'][:16]}…</code>"),
            ("Last verification", verified),
        ]
        body = "".join(f"<tr><td style='padding-right:16px;color:#555'>{k}</td><td>{v}</td></tr>"
                       for k, v in rows)
        self.label.setText(f"<h2>{e(info['title'])}</h2><table>{body}</table>")


class TablePage(CasePage):
    """A filterable, sortable table over one kind of record, fetched in pages.

    A page whose rows open (double-click, Enter, the row menu) names the menu's item in
    ``open_text`` and defines ``open_row(record)``; ``row_actions(records)`` adds (text,
    slot) items to the row menu of the selected records (see ``ui.tables``).
    """

    columns: list = []
    source = None
    placeholder = "Filter…"
    model_class = PagedQueryModel
    sort_column = 0
    open_text = ""
    hidden_columns: tuple[str, ...] = ()   # shown once chosen (the header's menu)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = self.model_class(self.columns, parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)  # numbers sort as numbers
        self.filter_edit = filter_box(self.placeholder)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = make_table_view(self.proxy, hidden=self.hidden_columns)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(self.sort_column, Qt.SortOrder.AscendingOrder)
        if self.open_text:
            on_open(self.view, lambda index: self.open_row(self.record_at(index)), self.open_text)
        add_row_actions(self.view, lambda _view, records: self.row_actions(records))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view)

    def record_at(self, index) -> dict:
        """The record of a row of the view (an index of the proxy)."""
        return self.model.row(self.proxy.mapToSource(index).row())

    def open_row(self, record: dict) -> None:
        """What opening a row does (pages with ``open_text`` define it)."""

    def row_actions(self, records: list[dict]) -> list:
        """(text, slot) items the row menu adds for the selected ``records``."""
        return []

    def set_case(self, case) -> None:
        if case is None:
            self.model.set_source(None, None)
            return
        self.model.set_source(*type(self).source(case))
        if self.model.canFetchMore():
            self.model.fetchMore()
        self.view.fit_columns()


class AuditPage(TablePage):
    title = "Audit log"
    columns = AUDIT_COLUMNS
    source = staticmethod(audit_source)
    placeholder = "Filter the audit log…"
    hidden_columns = ("Entry hash",)   # long; the row menu copies it
