"""What every table of the window shares: read-only rows, a column chooser on the header
(its choice remembered per table in the window's settings), a context menu on rows (copy a
cell, the row, an id or a hash; what the page adds: open, export, cite...), double-click to
open the row's record, filter boxes that stay readable, and splitters whose panes cannot be
collapsed to nothing.

Pages make their tables with ``make_table_view`` and say which columns show by default
(``set_default_columns``), what opens a row (``view.open_requested``) and what else a row's
menu offers (``add_row_actions``); the window calls ``remember_columns`` once all its pages
are built.
"""

from __future__ import annotations

from typing import Callable, Iterable

from PySide6.QtCore import QModelIndex, QSettings, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLineEdit, QMenu, QSplitter,
                               QTableView, QWidget)

# Widest a column is made by fitting its contents (a long title or URL would push the rest
# of the columns out of sight); the investigator can still drag it wider.
MAX_FIT_PX = 320
MIN_SQUEEZE_PX = 120   # narrowest a column is made so that the others fit beside it
# Filter boxes never shrink below this (a narrow pane showed only "S…" of the placeholder).
FILTER_MIN_PX = 180
# Columns whose value is worth copying on its own: the record's id and hashes.
COPY_KEYS = ("uuid", "sha256", "hash", "_id", "url")

# A row action: (text, slot taking the selected rows' source-model rows as dicts) or None for
# a separator. Providers get the view and the selected rows and return a list of them.
RowAction = tuple[str, Callable[[], None]] | None
RowActionProvider = Callable[["RecordTable", list[dict]], Iterable[RowAction]]


class RecordTable(QTableView):
    """A read-only table of records; see the module's docstring."""

    #: the proxy (or model) index of the row double-clicked or opened with Enter
    open_requested = Signal(QModelIndex)
    #: the columns shown changed (by the chooser or the settings)
    columns_changed = Signal()

    def __init__(self, model, parent=None):
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(22)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setDefaultSectionSize(80)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.setToolTip("Right-click to choose the columns shown")
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._row_menu)
        self.doubleClicked.connect(self.open_requested)
        self.default_hidden: set[str] = set()   # column titles hidden until chosen
        self.row_actions: list[RowActionProvider] = []
        self.open_text = ""   # the row menu's item that opens the row (see ``on_open``)
        self.squeeze_column: int | None = None   # see ``fit_columns``
        self.settings: QSettings | None = None
        self.settings_key: str | None = None
        self.last_menu: QMenu | None = None    # the last menu shown (tests look at it)

    # ------------------------------------------------------------ columns

    def column_titles(self) -> list[str]:
        model = self.model()
        return [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in
                range(model.columnCount())]

    def column_key(self, column: int) -> str | None:
        """The record key behind a column (models of ``ui.models`` know it), else None."""
        model = self.model()
        while hasattr(model, "sourceModel"):
            model = model.sourceModel()
        columns = getattr(model, "_columns", None)
        return columns[column][1] if columns and 0 <= column < len(columns) else None

    def shown_titles(self) -> list[str]:
        titles = self.column_titles()
        return [t for c, t in enumerate(titles) if not self.isColumnHidden(c)]

    def show_columns(self, hidden: Iterable[str]) -> None:
        """Hide the columns titled in ``hidden``, show the others (one stays shown)."""
        hidden = set(hidden)
        titles = self.column_titles()
        if titles and all(t in hidden for t in titles):
            hidden.discard(titles[0])
        for column, title in enumerate(titles):
            self.setColumnHidden(column, title in hidden)
        self.columns_changed.emit()

    def set_column_shown(self, title: str, shown: bool) -> None:
        hidden = {t for t in self.column_titles() if t not in self.shown_titles()}
        (hidden.discard if shown else hidden.add)(title)
        self.show_columns(hidden)
        self._save_columns()

    def reset_columns(self) -> None:
        self.show_columns(self.default_hidden)
        self._save_columns()

    def remember(self, settings: QSettings, key: str) -> None:
        """Keep the columns chosen under ``key`` in ``settings``; show those kept before."""
        self.settings, self.settings_key = settings, key
        kept = settings.value(self._setting_name())
        if kept is not None:
            if isinstance(kept, str):
                kept = [kept] if kept else []
            self.show_columns(str(k) for k in kept)

    def _setting_name(self) -> str:
        return f"tables/{self.settings_key}/hidden"

    def _save_columns(self) -> None:
        if self.settings is not None and self.settings_key:
            hidden = [t for t in self.column_titles() if t not in self.shown_titles()]
            # An empty list reads back as None from an INI file: keep a marker instead.
            self.settings.setValue(self._setting_name(), hidden or "")

    def column_menu(self) -> QMenu:
        """A check per column, and back to the default columns."""
        menu = QMenu(self)
        menu.setObjectName("column_menu")
        shown = self.shown_titles()
        for title in self.column_titles():
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(title in shown)
            action.setEnabled(not (title in shown and len(shown) == 1))
            action.toggled.connect(lambda on, t=title: self.set_column_shown(t, on))
        menu.addSeparator()
        menu.addAction("Default columns").triggered.connect(lambda _c=False: self.reset_columns())
        return menu

    def _header_menu(self, pos) -> None:
        self.last_menu = self.column_menu()
        self.last_menu.popup(self.horizontalHeader().mapToGlobal(pos))

    def fit_columns(self, max_px: int = MAX_FIT_PX) -> None:
        """Columns as wide as their contents, none wider than ``max_px``; the column
        ``squeeze_column`` names (a long text such as a title), when set, is narrowed
        (down to MIN_SQUEEZE_PX) so that the columns shown fit the table's width."""
        self.resizeColumnsToContents()
        for column in range(self.model().columnCount()):
            if self.columnWidth(column) > max_px:
                self.setColumnWidth(column, max_px)
        self._squeeze_pending = True
        if self.isVisible():
            self.squeeze_columns()

    def squeeze_columns(self) -> None:
        shown = [c for c in range(self.model().columnCount()) if not self.isColumnHidden(c)]
        if self.squeeze_column is None or self.squeeze_column not in shown:
            self._squeeze_pending = False
            return
        room = self.viewport().width()
        header = self.horizontalHeader()
        # The last column stretches to the edge: what it needs is its contents, not that.
        # (at least the default section size, which it keeps when the others overflow).
        needs = [max(header.sectionSizeHint(c), header.defaultSectionSize())
                 if c == shown[-1] and header.stretchLastSection()
                 else self.columnWidth(c) for c in shown] if shown else []
        over = sum(needs) - room
        if not shown or room < 200:
            return        # not laid out yet: when it is (resizeEvent)
        self._squeeze_pending = False
        if over <= 0:
            return
        column = self.squeeze_column
        self.setColumnWidth(column, max(MIN_SQUEEZE_PX, self.columnWidth(column) - over))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if getattr(self, "_squeeze_pending", False) and self.isVisible():
            self.squeeze_columns()   # fitted before its layout: fit now

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if getattr(self, "_squeeze_pending", False):
            self.squeeze_columns()   # fitted while hidden: fit now

    # ------------------------------------------------------------ rows

    def selected_records(self) -> list[dict]:
        """The selected rows as their models' dicts (rows of a ``PagedQueryModel``)."""
        out = []
        for index in sorted(self.selectionModel().selectedRows(), key=lambda i: i.row()):
            model, index = self.model(), index
            while hasattr(model, "mapToSource"):
                index = model.mapToSource(index)
                model = model.sourceModel()
            if hasattr(model, "row") and 0 <= index.row() < model.rowCount():
                out.append(model.row(index.row()))
        return out

    def row_menu(self, index: QModelIndex) -> QMenu:
        """Copy the cell, the row, the id and hashes; Open; what the page adds."""
        menu = QMenu(self)
        menu.setObjectName("row_menu")
        if index.isValid():
            text = str(index.data() or "")
            menu.addAction("Copy").triggered.connect(lambda _c=False: copy_text(text))
            menu.addAction("Copy row").triggered.connect(
                lambda _c=False: copy_text(self._row_text(index.row())))
            record = self.selected_records()[:1]
            if record:
                for column, title in enumerate(self.column_titles()):
                    key = self.column_key(column) or ""
                    value = record[0].get(key)
                    if value and any(key == k or key.endswith(k) for k in COPY_KEYS):
                        menu.addAction(f"Copy {title}").triggered.connect(
                            lambda _c=False, v=str(value): copy_text(v))
                if "uuid" in record[0] and not any(self.column_key(c) == "uuid" for c in
                                                    range(len(self.column_titles()))):
                    menu.addAction("Copy id").triggered.connect(
                        lambda _c=False, v=str(record[0]["uuid"]): copy_text(v))
            if self.open_text:
                menu.addSeparator()
                menu.addAction(self.open_text).triggered.connect(
                    lambda _c=False: self.open_requested.emit(index))
            records = self.selected_records()
            for provider in self.row_actions:
                actions = [a for a in provider(self, records)]
                if actions:
                    menu.addSeparator()
                for action in actions:
                    if action is None:
                        menu.addSeparator()
                    else:
                        menu.addAction(action[0]).triggered.connect(
                            lambda _c=False, slot=action[1]: slot())
        menu.addSeparator()
        menu.addMenu(self.column_menu()).setText("Columns")
        return menu

    def _row_menu(self, pos) -> None:
        index = self.indexAt(pos)
        if index.isValid() and not self.selectionModel().isRowSelected(index.row(), QModelIndex()):
            self.selectRow(index.row())
        self.last_menu = self.row_menu(index)
        self.last_menu.popup(self.viewport().mapToGlobal(pos))

    def _row_text(self, row: int) -> str:
        model = self.model()
        return "\t".join(str(model.index(row, c).data() or "") for c in range(model.columnCount())
                         if not self.isColumnHidden(c))

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


def copy_text(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


def make_table_view(model, *, hidden: Iterable[str] = ()) -> RecordTable:
    """A read-only table of ``model`` with the habits every table here shares (the columns
    titled in ``hidden`` show only once chosen)."""
    view = RecordTable(model)
    if hidden:
        set_default_columns(view, hidden=hidden)
    return view


def set_default_columns(view: RecordTable, *, shown: Iterable[str] | None = None,
                        hidden: Iterable[str] = ()) -> None:
    """The columns a table shows until the investigator chooses: those titled in ``shown``
    (all others hidden), or all but those in ``hidden``."""
    titles = view.column_titles()
    if shown is not None:
        shown = set(shown)
        view.default_hidden = {t for t in titles if t not in shown}
    else:
        view.default_hidden = set(hidden) & set(titles)
    view.show_columns(view.default_hidden)


def on_open(view: RecordTable, slot: Callable[[QModelIndex], None], text: str = "Open") -> None:
    """What a double-click, Enter or the row menu's ``text`` item does with a row:
    ``slot(index)`` (an index of the view's model)."""
    view.open_text = text
    view.open_requested.connect(slot)


def add_row_actions(view: RecordTable, provider: RowActionProvider) -> None:
    """What else a row's context menu offers: ``provider(view, records)`` returns
    (text, slot) pairs (None: a separator) for the selected records."""
    view.row_actions.append(provider)


def remember_columns(root: QWidget, settings: QSettings) -> list[RecordTable]:
    """Every table under ``root`` keeps its column choice in ``settings``, under the name of
    the page (or dialog) holding it and the table's own name or place."""
    tables = root.findChildren(RecordTable)
    seen: dict[str, int] = {}
    for table in tables:
        key = _table_key(table)
        seen[key] = seen.get(key, 0) + 1
        table.remember(settings, key if seen[key] == 1 else f"{key}{seen[key]}")
    return tables


def _table_key(table: RecordTable) -> str:
    holder = table.parentWidget()
    while holder is not None and not getattr(holder, "title", None) and holder.parentWidget():
        holder = holder.parentWidget()
    page = getattr(holder, "title", None) or type(holder).__name__
    name = table.objectName() or "table"
    return f"{page}/{name}".replace(" ", "_")


def filter_box(placeholder: str, name: str | None = None) -> QLineEdit:
    """A filter field with a clear button that never shrinks to an elided placeholder."""
    edit = QLineEdit(placeholderText=placeholder)
    if name:
        edit.setObjectName(name)
    edit.setClearButtonEnabled(True)
    edit.setMinimumWidth(FILTER_MIN_PX)
    edit.setToolTip(placeholder)
    return edit


def steady_splitter(splitter: QSplitter, minimums: Iterable[int] = (),
                    stretch: Iterable[int] = ()) -> QSplitter:
    """Panes that cannot be collapsed to nothing: each at least its ``minimums`` (pixels
    along the splitter), shared by ``stretch`` factors when the window grows."""
    splitter.setChildrenCollapsible(False)
    horizontal = splitter.orientation() == Qt.Orientation.Horizontal
    for index, px in enumerate(minimums):
        widget = splitter.widget(index)
        if widget is not None and px:
            (widget.setMinimumWidth if horizontal else widget.setMinimumHeight)(px)
    for index, factor in enumerate(stretch):
        splitter.setStretchFactor(index, factor)
    return splitter


class AdaptiveSplitter(QSplitter):
    """Two panes side by side when the splitter is at least ``wide_px`` wide, one above the
    other when not; neither collapses (``minimums`` in pixels along the splitter), and they
    share the room by ``stretch`` whenever the orientation changes."""

    def __init__(self, *, wide_px: int, minimums=(200, 200), stretch=(1, 1), parent=None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.wide_px = wide_px
        self.minimums = tuple(minimums)
        self.stretch = tuple(stretch)
        self.setChildrenCollapsible(False)

    def addWidget(self, widget) -> None:  # noqa: N802 - Qt's name
        super().addWidget(widget)
        index = self.count() - 1
        if index < len(self.stretch):
            self.setStretchFactor(index, self.stretch[index])
        self._apply_minimums()

    def _apply_minimums(self) -> None:
        horizontal = self.orientation() == Qt.Orientation.Horizontal
        for index in range(self.count()):
            widget, px = self.widget(index), (self.minimums[index] if index < len(self.minimums)
                                              else 0)
            widget.setMinimumWidth(px if horizontal else 0)
            widget.setMinimumHeight(0 if horizontal else min(px, 160))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        wanted = (Qt.Orientation.Horizontal if event.size().width() >= self.wide_px
                  else Qt.Orientation.Vertical)
        if wanted != self.orientation() or not getattr(self, "_sized", False):
            self._sized = True
            self.setOrientation(wanted)
            self._apply_minimums()
            length = (event.size().width() if wanted == Qt.Orientation.Horizontal
                      else event.size().height())
            total = sum(self.stretch[:self.count()]) or 1
            self.setSizes([length * f // total for f in self.stretch[:self.count()]])
        super().resizeEvent(event)
