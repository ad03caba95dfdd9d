"""Aircraft and Flights pages: sortable, filterable tables and a flight's detail."""

from __future__ import annotations

import html

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QInputDialog, QLabel, QLineEdit, QScrollArea, QSplitter,
                               QTabWidget, QVBoxLayout, QWidget)

from .. import timefmt
from ..charts import style
from ..findings import views as findings_views
from ..flights import queries
from .annotations_panel import AnnotationPanel
from .findings.detail import parse_anchor, record_link
from .models import PagedQueryModel
from .pages import TablePage, make_table_view
from .tables import steady_splitter
from ..words import counted

AIRCRAFT_COLUMNS = [("Aircraft", "label"), ("Hex", "hex"), ("Registration", "registration"),
                    ("Type", "type_code"), ("Type name", "type_name"), ("Operator", "operator"),
                    ("Registered in", "registration_country"), ("Address block", "hex_country"),
                    ("Flights", "flights"), ("Points", "points"),
                    ("First seen (UTC)", "first_seen_utc"), ("Last seen (UTC)", "last_seen_utc")]

FLIGHT_COLUMNS = [("Aircraft", "aircraft"), ("Callsigns", "callsigns"), ("From", "origin"),
                  ("To", "destination"), ("Departure (UTC)", "departure_utc"),
                  ("Arrival (UTC)", "arrival_utc"), ("Duration", "duration_s"),
                  ("Distance (km)", "distance_km"), ("Max alt (ft)", "max_alt_ft"),
                  ("Points", "point_count"), ("Gaps", "gap_count"), ("Flight id", "uuid")]

# Time is display text made once per fetched page (a table repaints often; parsing record
# text back for every cell of every repaint is what made scrolling a long flight slow).
POINT_COLUMNS = [("Time (UTC)", "time"), ("Lat", "lat"), ("Lon", "lon"),
                 ("Alt (ft)", "alt_ft"), ("GS (kt)", "gs_kt"), ("Track (°)", "track_deg"),
                 ("V/S (ft/min)", "vrate_fpm"), ("Ground", "on_ground"), ("Callsign", "callsign"),
                 ("Squawk", "squawk"), ("Stale", "stale"), ("File record", "record")]

GAP_COLUMNS = [("Last seen (UTC)", "from_utc"), ("Seen again (UTC)", "to_utc"),
               ("No data for", "duration_s"), ("Last seen at", "start_at"),
               ("Reappeared at", "end_at"), ("Straight-line km", "distance_km")]


class NumberModel(PagedQueryModel):
    """Shows floats rounded for reading; sorting still uses the raw value."""

    decimals = {"lat": 5, "lon": 5}

    def display(self, column: int, value):
        key = self._columns[column][1]
        if isinstance(value, float):
            return f"{value:.{self.decimals.get(key, 0)}f}"
        return super().display(column, value)


class FlightModel(NumberModel):
    """Flights, the first column with a swatch of the flight's colour on every chart."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DecorationRole and index.isValid() and index.column() == 0 \
                and 0 <= index.row() < self.rowCount():
            row = self.row(index.row())
            return QColor(style.colour_of_flight(row["uuid"], row.get("ordinal")))
        return super().data(index, role)


def _all_rows(rows: list[dict]):
    def fetch(offset: int, limit: int) -> list[dict]:
        return rows[offset:offset + limit]
    return fetch, lambda: len(rows)


def _detail_label(name: str, open_record: Signal) -> QLabel:
    """A detail as rich text whose ``record:KIND/ID`` links emit ``open_record``."""
    label = QLabel(objectName=name)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    label.linkActivated.connect(
        lambda url: open_record.emit(*parse_anchor(url)) if parse_anchor(url) else None)
    return label


class AircraftPage(TablePage):
    """The case's aircraft; the selected one's identity, flights and ground times below,
    and the sources naming it or tied to it by hand (a link opens the source)."""

    title = "Aircraft"
    columns = AIRCRAFT_COLUMNS
    placeholder = "Filter aircraft by registration, hex, type, operator…"
    model_class = NumberModel
    open_record = Signal(str, str)   # from a link in the detail

    def __init__(self, parent=None):
        super().__init__(parent)
        self.detail = _detail_label("aircraft_detail", self.open_record)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea(widgetResizable=True)   # many ground stays and sources: it scrolls
        scroll.setWidget(self.detail)
        layout = self.layout()
        layout.removeWidget(self.view)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(scroll)
        self.notes = AnnotationPanel()   # the investigator's notes and tags on the aircraft
        splitter.addWidget(self.notes)
        # The notes' heading, tags line and boxes whole (80 px cut the tags line at 1200x780).
        steady_splitter(splitter, minimums=(120, 100, self.notes.needed_height()),
                        stretch=(1, 1, 0))
        splitter.setSizes([400, 400])   # the detail's own size hint would leave it two lines
        layout.addWidget(splitter)
        self.view.selectionModel().selectionChanged.connect(self._show_selected)

    @staticmethod
    def source(case):
        return _all_rows(queries.aircraft(case))

    def set_case(self, case) -> None:
        self.case = case
        super().set_case(case)
        self.detail.setText("<i>Select an aircraft to see its flights and ground times.</i>"
                            if case is not None else "")
        self.notes.show_object(None, None, None)

    def selected(self) -> dict | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row(self.proxy.mapToSource(rows[0]).row())

    def _show_selected(self, *_args) -> None:
        row = self.selected()
        if row is not None and self.case is not None:
            from ..flights.sightings import sightings
            from ..sources.queries import sources_for_aircraft
            stays = [g["description"] for g in queries.ground_times(self.case, row["uuid"])]
            self.detail.setText(_aircraft_html(row, stays)
                                + _sightings_html(sightings(self.case, [row["uuid"]])) + _sources_html(
                sources_for_aircraft(self.case, row["uuid"]), "naming this aircraft")
                + _tied_html(findings_views.tie_rows(self.case, row["uuid"])))
            self.notes.show_object(self.case, "aircraft", row["uuid"])

    def select_aircraft(self, aircraft_uuid: str) -> bool:
        """Select the row of ``aircraft_uuid`` (its detail shows below)."""
        return _select_row(self, aircraft_uuid)


def _select_row(page: TablePage, uuid: str) -> bool:
    """Select (and scroll to) the row of the page's table whose record has this ``uuid``."""
    for row in range(page.proxy.rowCount()):
        index = page.proxy.index(row, 0)
        if page.model.row(page.proxy.mapToSource(index).row())["uuid"] == uuid:
            page.view.selectionModel().select(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            page.view.scrollTo(index)
            return True
    return False


def _sources_html(sources: list[dict], what: str) -> str:
    """Sources linked by identifier hits (each a link that opens the source), with the
    dates they name on which it flew."""
    e = html.escape
    if not sources:
        return f"<p><b>Sources {what}:</b> none in the case.</p>"
    items = []
    for s in sources:
        dates = s.get("flight_dates") or []
        items.append(f"<li>{record_link('source', s['uuid'], s.get('title') or s['uuid'])}"
                     + (f" <span style='color:#555'>(names {e(', '.join(dates))}, when it flew)"
                        "</span>" if dates else "") + "</li>")
    return f"<p><b>Sources {what}:</b></p><ul>{''.join(items)}</ul>"


def _tied_html(ties: list[dict]) -> str:
    """Sources tied by hand to an aircraft or a flight (``findings.views.tie_rows``), each a
    link to the source, with the reason, who tied it and when."""
    e = html.escape
    if not ties:
        return "<p><b>Sources tied to it by hand:</b> none.</p>"
    items = [f"<li>{record_link('source', t['source_uuid'], t['source'] or t['source_uuid'])}"
             f" — {e(t['reason'])} <span style='color:#555'>(by {e(t.get('examiner') or '?')}, "
             f"{e(timefmt.display_time(t.get('created_utc'), seconds=False) or '')})</span></li>"
             for t in ties]
    return f"<p><b>Sources tied to it by hand:</b></p><ul>{''.join(items)}</ul>"


def _aircraft_html(a: dict, ground_times: list[str]) -> str:
    e = html.escape
    facts = []
    if a.get("hex"):
        block = f"hex <b>{e(a['hex'])}</b>"
        if a.get("hex_country"):
            block += f" (address block of {e(a['hex_country'])}"
            block += ", military)" if a.get("hex_military") else ")"
        facts.append(block)
    if a.get("registration"):
        reg = f"registration <b>{e(a['registration'])}</b>"
        if a.get("registration_country"):
            reg += f" (registered in {e(a['registration_country'])})"
        facts.append(reg)
    for key, label in (("type_code", "type"), ("type_name", ""), ("operator", "operator")):
        if a.get(key):
            facts.append(f"{label} {e(str(a[key]))}".strip())
    stays = "".join(f"<li>{e(text)}</li>" for text in ground_times)
    return (f"<h3>{e(a['label'])}</h3><p>{'; '.join(facts)}</p>"
            f"<p>{counted(a['flights'], 'flight')}, {a['points']:,} positions, "
            f"{e(timefmt.display_time(a['first_t']) or '—')} to "
            f"{e(timefmt.display_time(a['last_t']) or '—')}</p>"
            + (f"<p><b>Ground time between flights</b></p><ul>{stays}</ul>" if stays
               else "<p>No ground time between flights recorded.</p>"))


def ask_archive_aircraft(parent, count: int) -> str | None:
    """Ask which aircraft to read from daily archives (a hex, or a registration in the case)."""
    text, ok = QInputDialog.getText(
        parent, "Read daily archives",
        f"{counted(count, 'tar archive')}: which aircraft's traces to read?\n"
        "Mode-S hex (e.g. f0beef), or a registration already in the case:")
    return text.strip() if ok and text.strip() else None


class FetchFlightsDialog(QDialog):
    """Case › Fetch Flight History: which aircraft, which days, and the OpenSky account
    (optional; kept in the user's settings, never in the case)."""

    def __init__(self, parent=None, *, user: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Fetch flight history")
        self.setObjectName("fetch_flights_dialog")
        form = QFormLayout(self)
        self.aircraft = QLineEdit(placeholderText="Mode-S hex (f0beef) or a registration in the case")
        self.t_from = QLineEdit(placeholderText="2024-01-01")
        self.t_to = QLineEdit(placeholderText="2024-01-31")
        self.source = QComboBox()
        self.source.addItem("OpenSky Network", "opensky")
        self.user = QLineEdit(user, placeholderText="optional")
        self.password = QLineEdit(placeholderText="optional, kept in your settings")
        self.password.setToolTip("Kept in your settings, never in the case or its captures")
        self.setMinimumWidth(420)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for label, widget in (("Aircraft", self.aircraft), ("From (UTC)", self.t_from),
                              ("To (UTC)", self.t_to), ("Source", self.source),
                              ("OpenSky user", self.user), ("Password", self.password)):
            form.addRow(label, widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict:
        return {"aircraft": self.aircraft.text().strip(), "t_from": self.t_from.text().strip(),
                "t_to": self.t_to.text().strip(), "source": self.source.currentData(),
                "user": self.user.text().strip(), "password": self.password.text()}


def fetch_summary(result) -> str:
    """The status line after fetching."""
    return (f"{result.aircraft_hex}: {counted(result.flights_listed, 'flight')} listed, "
            f"{counted(len(result.imports), 'track')} imported, {result.points:,} points; "
            f"{counted(len(result.captures), 'answer')} captured")


def archive_summary(results) -> tuple[str, str]:
    """The status line for archives read, and the errors (one line per archive that failed)."""
    points = sum(r.points for r in results)
    read = [r for r in results if r.error is None]
    line = f"{len(read)} of {counted(len(results), 'archive')} read: {points:,} points"
    return line, "\n".join(r.error for r in results if r.error)


def _sightings_html(rows: list[dict]) -> str:
    """The times the aircraft was heard without a position (not on the map)."""
    if not rows:
        return ""
    from ..flights.sightings import sentence
    items = "".join(f"<li>{html.escape(sentence(r))} — {html.escape(r['file'] or '')}</li>"
                    for r in rows)
    return f"<p><b>Heard without a position ({len(rows)})</b></p><ul>{items}</ul>"


class FlightsPage(TablePage):
    """The flights table; selecting flights shows the detail of the first one."""

    title = "Flights"
    columns = FLIGHT_COLUMNS
    placeholder = "Filter flights by aircraft, callsign, airport, date…"
    model_class = FlightModel
    sort_column = 4  # departure time
    selection_changed = Signal(list)  # flight uuids

    def __init__(self, parent=None):
        super().__init__(parent)
        self.case = None
        self.detail = FlightDetail()
        layout = self.layout()
        layout.removeWidget(self.view)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.detail)
        steady_splitter(self.splitter, minimums=(120, 160), stretch=(2, 3))
        layout.addWidget(self.splitter)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

    @staticmethod
    def source(case):
        return _all_rows(queries.select_flights(case))

    def set_case(self, case) -> None:
        self.case = case
        super().set_case(case)
        self.detail.show_flight(None, None)

    def selected_flights(self) -> list[str]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.row(self.proxy.mapToSource(self.proxy.index(r, 0)).row())["uuid"]
                for r in rows]

    def select_flight(self, flight_uuid: str) -> bool:
        """Select the row of ``flight_uuid`` (e.g. after a click on its track)."""
        return _select_row(self, flight_uuid)

    def _selection_changed(self, *_args) -> None:
        ids = self.selected_flights()
        self.detail.show_flight(self.case, ids[0] if ids else None)
        self.selection_changed.emit(ids)


class FlightDetail(QWidget):
    """One flight: where it went and why we think so, the sources naming its aircraft or
    tied to it by hand (a link opens the source), its coverage gaps, its points."""

    open_record = Signal(str, str)   # from a link in the summary

    def __init__(self, parent=None):
        super().__init__(parent)
        self.summary = _detail_label("flight_summary", self.open_record)
        self.points_model = NumberModel(POINT_COLUMNS, parent=self)
        self.gaps_model = NumberModel(GAP_COLUMNS, parent=self)
        self.tabs = QTabWidget()
        self.points_view = make_table_view(self.points_model)
        self.gaps_view = make_table_view(self.gaps_model)
        self.tabs.addTab(self.points_view, "Points")
        self.tabs.addTab(self.gaps_view, "Coverage gaps")
        self.notes = AnnotationPanel()   # the investigator's notes and tags on the flight
        self.tabs.addTab(self.notes, "Notes && tags")
        self.tools = QHBoxLayout()   # buttons other parts of the window add (cite this flight)
        self.tools.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.summary)
        layout.addLayout(self.tools)
        layout.addWidget(self.tabs, 1)

    def add_tool(self, widget: QWidget) -> None:
        self.tools.insertWidget(self.tools.count() - 1, widget)

    def show_flight(self, case, flight_uuid: str | None) -> None:
        flight = None
        if case is not None and flight_uuid:
            flight = next(iter(queries.select_flights(case, flight_uuids=[flight_uuid])), None)
        if flight is None:
            self.summary.setText("<i>Select a flight to see its airports, gaps and points.</i>")
            self.notes.show_object(None, None, None)
            self.points_model.set_source(None, None)
            self.gaps_model.set_source(None, None)
            return
        from ..sources.queries import sources_for_flight
        self.summary.setText(_flight_html(flight) + _sources_html(
            sources_for_flight(case, flight_uuid), "naming its aircraft")
            + _tied_html(findings_views.tie_rows(case, flight_uuid)))
        self.notes.show_object(case, "flight", flight_uuid)
        self.points_model.set_source(*_points_source(case, flight))
        if self.points_model.canFetchMore():
            self.points_model.fetchMore()
        self.points_view.resizeColumnsToContents()
        gaps = []
        for g in queries.gaps(case, flight_uuid):
            gaps.append({**g, "from_utc": timefmt.record_time(g["start_t"]),
                         "to_utc": timefmt.record_time(g["end_t"]),
                         "start_at": f"{g['start_lat']:.4f}, {g['start_lon']:.4f}",
                         "end_at": f"{g['end_lat']:.4f}, {g['end_lon']:.4f}"})
        self.gaps_model.set_source(*_all_rows(gaps))
        if self.gaps_model.canFetchMore():
            self.gaps_model.fetchMore()
        self.gaps_view.resizeColumnsToContents()
        self.tabs.setTabText(1, f"Coverage gaps ({len(gaps)})")


def _airport_text(code, name, distance_km, source, basis) -> str:
    if not code:
        return "unknown"
    e = html.escape
    text = f"<b>{e(code)}</b>" + (f" {e(name)}" if name else "")
    extra = []
    if source == "file":
        extra.append("named by the file")
    elif basis:
        extra.append(e(basis))
    if distance_km is not None and source != "file" and "km" not in (basis or ""):
        extra.append(f"{distance_km:.1f} km away")
    return text + (f" <span style='color:#555'>({'; '.join(extra)})</span>" if extra else "")


def _flight_html(f: dict) -> str:
    e = html.escape
    dep = _airport_text(f["origin"], f.get("origin_name"), f.get("origin_distance_km"),
                        f.get("origin_source"), f.get("origin_basis"))
    arr = _airport_text(f["destination"], f.get("destination_name"),
                        f.get("destination_distance_km"), f.get("destination_source"),
                        f.get("destination_basis"))
    alt = f"{f['max_alt_ft']:,.0f} ft" if f["max_alt_ft"] is not None else "unknown"
    return (f"<b>{e(f['aircraft'])}</b> {e(f['callsigns'] or '')} — "
            f"{e(timefmt.display_time(f['first_t']))} to {e(timefmt.display_time(f['last_t']))} "
            f"({e(timefmt.duration(f['duration_s']))}), "
            f"{f['distance_km']:,.0f} km flown, max {alt}, {f['point_count']:,} points<br>"
            f"From {dep}<br>To {arr}"
            + (f"<br><span style='color:#555'>{e(f['notes'])}</span>" if f.get("notes") else ""))


def _points_source(case, flight: dict):
    keys = [key for _, key in POINT_COLUMNS if key != "time"]
    span = (flight["aircraft_uuid"], flight["first_t"], flight["last_t"])

    def fetch(offset: int, limit: int) -> list[dict]:
        out = []
        for row in queries.track_points(case, *span, columns=["t"] + keys, offset=offset,
                                        limit=limit):
            d = dict(zip(["t"] + keys, row))
            d["time"] = timefmt.display_time(d["t"])
            d["on_ground"] = {1: "yes", 0: "no"}.get(d["on_ground"], "")
            d["stale"] = "stale" if d["stale"] else ""
            out.append(d)
        return out

    def count() -> int:
        return queries.count_track_points(case, *span)
    return fetch, count
