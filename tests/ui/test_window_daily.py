"""The window as a daily tool (issue 17): readable tables at 1200x780, remembered columns,
a map that shows the case, verification that says how stale it is, shortcuts and menus,
chart export at a chosen size (credited, audited), file dialogs that remember, one colour
per flight."""

import re
import shutil

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QSplitter

from tests.support import flight_samples
from tests.support.timeline_samples import article_html
from osintdesk.app import build_window
from osintdesk.charts import style
from osintdesk.charts.timeline import plan_timeline, read_timeline
from osintdesk.charts.timeline.items import TimelineFilter
from osintdesk.store import Case
from osintdesk.ui import dialogs
from osintdesk.ui.sources.models import SOURCE_DEFAULT_COLUMNS
from osintdesk.ui.tables import FILTER_MIN_PX, RecordTable
from osintdesk.verification import verification_state


@pytest.fixture
def story(timeline_case_ids, tmp_path):
    """A copy of the timeline story case (sources, flights, events) that tests may change."""
    path = tmp_path / "story.osintcase"
    shutil.copy(timeline_case_ids["path"], path)
    return path


def open_window(qtbot, path=None, size=(1200, 780)):
    win = build_window("Daily Examiner")
    qtbot.addWidget(win)
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    if path is not None:
        with qtbot.waitSignal(win.case_opened, timeout=10000):
            win.open_case(str(path))
        qtbot.waitUntil(lambda: not win.chart_pane.busy(), timeout=20000)
    return win


@pytest.fixture
def window(qtbot, story):
    win = open_window(qtbot, story)
    yield win
    win.chart_pane.wait()
    win.runner.wait()


def wait_idle(qtbot, win):
    qtbot.waitUntil(lambda: not win.runner.active and not win.chart_pane.busy(), timeout=20000)


# ----------------------------------------------------------------------------- tables


def test_sources_show_their_columns_at_1200x780(qtbot, window):
    assert window.width() == 1200
    page = window.show_page("Sources")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)
    view = page.view
    assert set(view.shown_titles()) == set(SOURCE_DEFAULT_COLUMNS)
    right = max(view.columnViewportPosition(c) + view.columnWidth(c)
                for c in range(view.model().columnCount()) if not view.isColumnHidden(c))
    assert right <= view.viewport().width()             # every default column in sight
    assert view.columnWidth(view.column_titles().index("Title")) >= 150
    assert page.search_edit.width() >= FILTER_MIN_PX     # no "S…"
    site = view.shown_titles().index("Site")
    assert view.model().index(0, site).data() in ("news.example", "")
    assert "news.example" in [view.model().index(r, site).data() for r in range(2)]
    # The list and the viewer both keep room; no splitter of the window collapses a pane.
    assert min(page.splitter.sizes()) > 150
    for splitter in window.findChildren(QSplitter):
        if splitter.isVisible():
            assert not splitter.childrenCollapsible(), splitter
    assert window.chart_dock.isVisible() and 300 <= window.chart_dock.width() <= 500
    assert window.navigator.width() >= 110


def test_every_page_fits_1200x780(qtbot, window):
    for page in window.pages:
        window.show_page(page.title)
        qtbot.wait(10)
        assert page.width() >= 400, page.title
        for table in page.findChildren(RecordTable):
            if table.isVisible():
                assert table.height() >= 60 and table.width() >= 200, page.title


def test_the_column_chooser_is_remembered(qtbot, window, story):
    page = window.show_page("Sources")
    menu = page.view.column_menu()
    by_title = {a.text(): a for a in menu.actions() if a.isCheckable()}
    assert by_title["Site"].isChecked() and not by_title["Tags"].isChecked()
    by_title["Site"].setChecked(False)     # the header's right-click menu
    by_title["Tags"].setChecked(True)
    assert "Site" not in page.view.shown_titles() and "Tags" in page.view.shown_titles()
    window.close()

    again = open_window(qtbot, story)
    view = again.sources_ui.sources_page.view
    assert "Site" not in view.shown_titles() and "Tags" in view.shown_titles()
    view.reset_columns()
    assert set(view.shown_titles()) == set(SOURCE_DEFAULT_COLUMNS)
    again.close()
    third = open_window(qtbot)
    assert set(third.sources_ui.sources_page.view.shown_titles()) == set(SOURCE_DEFAULT_COLUMNS)


def test_row_menus_copy_ids_and_offer_the_pages_actions(qtbot, window):
    flights = window.show_page("Flights")
    qtbot.waitUntil(lambda: flights.model.rowCount() == 3, timeout=5000)
    flights.view.selectRow(0)
    uuid = flights.selected_flights()[0]
    menu = flights.view.row_menu(flights.proxy.index(0, 0))
    texts = [a.text() for a in menu.actions()]
    assert {"Copy", "Copy row", "Copy Flight id", "Show on Map", "Cite in Claim…"} <= set(texts)
    next(a for a in menu.actions() if a.text() == "Copy Flight id").trigger()
    assert QApplication.clipboard().text() == uuid

    sources = window.show_page("Sources")
    sources.view.selectRow(0)
    texts = [a.text() for a in sources.view.row_menu(sources.proxy.index(0, 0)).actions()]
    assert "Export Original…" in texts and "Copy id" in texts

    # Double-click (or Enter) on an aircraft opens its flights.
    aircraft = window.show_page("Aircraft")
    row = next(r for r in range(aircraft.proxy.rowCount())
               if aircraft.proxy.index(r, 0).data() and "N7423C" in aircraft.proxy.index(r, 0).data())
    aircraft.view.selectRow(row)
    aircraft.view.open_requested.emit(aircraft.proxy.index(row, 0))
    assert window.stack.currentWidget() is window.flights_page
    assert window.flights_page.filter_edit.text() == "N7423C"
    assert window.flights_page.proxy.rowCount() == 1


# ----------------------------------------------------------------------------- the map


def flights_on_map(win):
    return {str(f.id) for f in win.chart_pane.shown_data().flights}


def test_the_map_shows_the_case_follows_the_filter_and_maps_a_sources_airports(qtbot, window,
                                                                              timeline_case_ids,
                                                                              tmp_path):
    everything = set(timeline_case_ids["flights"])
    assert flights_on_map(window) == everything          # opened: nothing selected yet
    page = window.show_page("Flights")
    page.filter_edit.setText("N7423C")
    wait_idle(qtbot, window)
    assert page.proxy.rowCount() == 1
    assert flights_on_map(window) == {window.chart_flights()[0]}   # the table's one flight
    page.filter_edit.setText("no such flight")
    wait_idle(qtbot, window)
    assert flights_on_map(window) == set()
    page.filter_edit.clear()
    wait_idle(qtbot, window)
    assert flights_on_map(window) == everything

    # A source selected: the airports its text names, on the map.
    report = tmp_path / "sighting.html"
    report.write_bytes(article_html("Sighting", None, "The jet left UUWW and landed at ZKPY."))
    task = window.add_files([str(report)])
    qtbot.waitUntil(lambda: task not in window.runner.active, timeout=20000)
    wait_idle(qtbot, window)
    sources = window.show_page("Sources")
    row = next(r for r in range(sources.model.rowCount()) if sources.model.row(r)["name"] == "sighting.html")
    sources.view.selectRow(sources.proxy.mapFromSource(sources.model.index(row, 0)).row())
    wait_idle(qtbot, window)
    places = window.chart_pane.shown_data().places
    assert {p.label for p in places} == {"UUWW", "ZKPY"}
    assert flights_on_map(window) == set()
    assert len(window.chart_pane.info.place_artists) == 2 and not window.chart_pane.info.empty
    assert sources.select_source(timeline_case_ids["note"])    # names no place: the flights
    wait_idle(qtbot, window)
    assert flights_on_map(window) == everything
    assert sources.select_source(timeline_case_ids["article"]) or True
    window.show_page("Flights")                          # back: the flights again
    wait_idle(qtbot, window)
    assert flights_on_map(window) == everything


def test_the_map_shows_imported_flights_and_the_case_reopened(qtbot, tmp_path):
    path = tmp_path / "fresh.osintcase"
    Case.create(path, title="Fresh", examiner="Daily Examiner").close()
    files = [flight_samples.write_fr24_csv(tmp_path / "A001.csv", flight_samples.synthetic_flight(
                 "UUWW", "ZKPY", callsign="XXA001")),
             flight_samples.write_fr24_csv(tmp_path / "A002.csv", flight_samples.synthetic_flight(
                 "ZKPY", "UNNT", flight_samples.T0 + 86400, callsign="XXA002"))]
    win = open_window(qtbot, path)
    assert flights_on_map(win) == set()
    task = win.import_flights([str(f) for f in files])
    qtbot.waitUntil(lambda: task not in win.runner.active, timeout=30000)
    wait_idle(qtbot, win)
    with Case.open(path, examiner="x", readonly=True) as case:
        imported = {r[0] for r in case.conn.execute("SELECT uuid FROM flights")}
    assert len(imported) == 2 and flights_on_map(win) == imported
    win.close_case()
    with qtbot.waitSignal(win.case_opened, timeout=10000):
        win.open_case(str(path))
    wait_idle(qtbot, win)
    assert flights_on_map(win) == imported
    win.close()


# ----------------------------------------------------------------------------- verification


def test_the_verification_status_says_how_stale_it_is(qtbot, window, tmp_path):
    with qtbot.waitSignal(window.verified, timeout=20000) as blocker:
        window.verify_case()
    wait_idle(qtbot, window)
    head = blocker.args[0].audit_head["seq"]
    text = window.status_verified.text()
    assert text == f"Verified OK at entry #{head}"       # the checkpoint it signed is no change
    note = tmp_path / "later.txt"
    note.write_text("a later note")
    task = window.add_files([str(note)])
    qtbot.waitUntil(lambda: task not in window.runner.active, timeout=20000)
    wait_idle(qtbot, window)
    changes = verification_state(window.case)["changes"]
    assert changes >= 1
    text = window.status_verified.text()
    assert re.search(rf"Verified OK at entry #{head}; {changes} changes? since .*Verify again", text)
    with qtbot.waitSignal(window.verified, timeout=20000) as blocker:
        window.status_verified.linkActivated.emit("verify")    # the link
    wait_idle(qtbot, window)
    assert window.status_verified.text() == f"Verified OK at entry #{blocker.args[0].audit_head['seq']}"


# ----------------------------------------------------------------------------- keyboard


def test_shortcuts_switch_pages_and_find_the_filter(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.navigator.currentRow() == 3 and window.stack.currentWidget() is window.pages[3]
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.page_filter().hasFocus(), timeout=5000)
    assert window.page_filter() is window.pages[3].filter_edit
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.pages[5]
    # The View menu: every page, the chart pane and the toolbar shown or hidden.
    texts = [a.text() for a in window.view_menu.actions()]
    assert [p.title for p in window.pages] == texts[:len(window.pages)]
    assert "&Chart Pane" in texts and "&Toolbar" in texts
    window.action_show_chart.trigger()
    assert not window.chart_dock.isVisible()
    window.action_show_chart.trigger()
    assert window.chart_dock.isVisible()


# ----------------------------------------------------------------------------- export


def test_chart_export_size_footer_and_audit(qtbot, window, tmp_path):
    dialog = window.chart_pane.export_dialog()
    assert (dialog.width_box.value(), dialog.height_box.value(), dialog.dpi_box.value()) == (1600, 1000, 100)
    out = tmp_path / "exhibit.png"
    dialog.path_edit.setText(str(out))
    before = window.case.audit_count()
    with qtbot.waitSignal(window.chart_pane.exported, timeout=30000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.case.audit_count() > before, timeout=20000)
    wait_idle(qtbot, window)
    data = out.read_bytes()
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (1600, 1000)
    entry = list(window.case.audit_entries(after_seq=before))[-1]
    assert entry.action == "export"
    import hashlib
    assert entry.details["sha256"] == hashlib.sha256(data).hexdigest()
    assert entry.details["format"] == "chart-map" and entry.details["width_px"] == 1600
    assert entry.details["counts"]["flights"] == 3
    assert str(out) in window.statusBar().currentMessage()
    assert dialogs.last_folder(window.settings) == str(tmp_path)
    # The timeline's height by default: as tall as its rows need, as the command line draws it.
    with qtbot.waitSignal(window.chart_pane.redrawn, timeout=20000):
        window.chart_pane.set_mode("timeline")
    wait_idle(qtbot, window)
    dialog = window.chart_pane.export_dialog()
    assert dialog.width_box.value() == 1600 and 300 < dialog.height_box.value() < 1000
    dialog.reject()


def test_footer_credits_the_files_and_names_the_case(story, timeline_case_ids):
    from osintdesk.charts.export import data_credit, footer_text
    assert data_credit(["fr24-csv", "opensky-json", "fr24-kml"]) == "Data: Flightradar24, OpenSky Network"
    assert data_credit([]) is None
    with Case.open(story, examiner="x") as case:
        case.update_case(number="2023-044")
        assert footer_text(case) == "Data: ADS-B (readsb)  ·  Case 2023-044"


# ----------------------------------------------------------------------------- dialogs


def test_new_case_suggests_the_file_from_the_title_and_folders_are_remembered(qtbot, tmp_path):
    settings = dialogs.window_settings()
    dialogs.remember_folder(tmp_path / "some file.osintcase", settings)
    assert dialogs.last_folder(settings) == str(tmp_path)
    dialog = dialogs.NewCaseDialog(folder=dialogs.last_folder(settings))
    qtbot.addWidget(dialog)
    dialog.title_edit.setText("Il-62M RA-86496 / Pyongyang")
    assert dialog.path_edit.text() == str(tmp_path / "Il-62M_RA-86496_Pyongyang.osintcase")
    dialog.path_edit.setText(str(tmp_path / "mine.osintcase"))    # typed: the title no longer leads
    dialog.title_edit.setText("Another title")
    assert dialog.path_edit.text() == str(tmp_path / "mine.osintcase")


# ----------------------------------------------------------------------------- colours


def test_a_flight_has_one_colour_in_every_view(qtbot, window, story, timeline_case_ids):
    flights = window.show_page("Flights")
    qtbot.waitUntil(lambda: flights.model.rowCount() == 3, timeout=5000)
    swatch = {flights.model.row(r)["uuid"]: flights.model.data(flights.model.index(r, 0),
                                                                Qt.ItemDataRole.DecorationRole).name()
              for r in range(3)}
    tracks = window.chart_pane.info.tracks
    assert {str(k): v.colour for k, v in tracks.items()} == swatch
    with Case.open(story, examiner="x", readonly=True) as case:
        timeline = read_timeline(case, TimelineFilter())
    plan = plan_timeline(timeline.items, timeline.lanes, size_px=(1400, 700))
    marks = [m for m in plan.marks if m.item.kind == "flight"]
    assert len(marks) == 3
    for mark in marks:
        bar = next(i for i, v in enumerate(plan.flight_verts)
                   if np.isclose(v[:, 0].min(), mark.x0) and np.isclose(v[:, 1].mean(), mark.y))
        assert tuple(plan.flight_colours[bar]) == to_rgba(swatch[mark.item.record_id])
    # Selecting one flight keeps its colour (not the first of the palette).
    one = timeline_case_ids["flights"][2]
    window.chart_pane.show_flights([one])
    wait_idle(qtbot, window)
    assert window.chart_pane.info.tracks[one].colour == style.colour_of_flight(one, 2) == swatch[one]
    assert len(set(swatch.values())) == 3   # three flights, three colours
    with qtbot.waitSignal(window.chart_pane.redrawn, timeout=20000):
        window.chart_pane.set_mode("profile")        # its legend: the flight's colour
    handle = window.chart_pane.figure.legends[0].legend_handles[0]
    assert tuple(handle.get_facecolor()) == to_rgba(swatch[one])


def test_an_audit_entry_opens_its_record(qtbot, window, timeline_case_ids):
    audit = window.show_page("Audit log")
    row = next(r for r in range(audit.proxy.rowCount())
               if audit.record_at(audit.proxy.index(r, 0))["object_type"] == "source"
               and audit.record_at(audit.proxy.index(r, 0))["object_id"] == timeline_case_ids["article"])
    assert "Open Record" in [a.text() for a in audit.view.row_menu(audit.proxy.index(row, 0)).actions()]
    audit.view.open_requested.emit(audit.proxy.index(row, 0))     # a double-click
    assert window.stack.currentWidget() is window.sources_ui.sources_page
    assert window.sources_ui.sources_page.current_source == timeline_case_ids["article"]
