"""Importing flights from the window (menu and drop), the Aircraft and Flights pages."""

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from osintdesk import timefmt
from osintdesk.app import build_window
from tests.support import flight_samples as samples
from osintdesk.store import Case

DAY = 86400.0


@pytest.fixture
def window(qtbot, tmp_path):
    with Case.create(tmp_path / "c", title="Il-62M", examiner="A"):
        pass
    win = build_window("Window Examiner")
    qtbot.addWidget(win)
    win.show()
    assert win.open_case(str(tmp_path / "c.osintcase"))
    yield win
    win.runner.wait()


@pytest.fixture
def trace(tmp_path):
    out = samples.synthetic_flight("UUWW", "ZKPY", gaps=[(3600, 2 * 3600)])
    back = samples.synthetic_flight("ZKPY", "UUWW", start_t=out[-1].t + 2 * DAY + 3 * 3600)
    return samples.write_readsb_trace(tmp_path / "trace_full_155abc.json", out + back)


def wait_for(qtbot, window, task):
    qtbot.waitUntil(lambda: task not in window.runner.active, timeout=20000)


def test_import_fills_aircraft_and_flights_pages(qtbot, window, trace):
    task = window.import_flights([str(trace)])
    wait_for(qtbot, window, task)
    assert task.error is None, task.error
    assert "2 flights" in window.statusBar().currentMessage()
    flights = window.show_page("Flights")
    assert flights.model.rowCount() == 2
    first = flights.model.row(0)
    assert (first["origin"], first["destination"]) == ("UUWW", "ZKPY")
    aircraft = window.show_page("Aircraft")
    assert aircraft.model.rowCount() == 1
    assert aircraft.model.row(0)["registration"] == "RA-86496"

    assert flights.select_flight(first["uuid"])
    assert flights.selected_flights() == [first["uuid"]]
    assert "UUWW" in flights.detail.summary.text()
    assert flights.detail.points_model.rowCount() > 0
    # The time is display text made when the page of points was fetched, not on each paint.
    point = flights.detail.points_model.row(0)
    assert point["time"] == timefmt.display_time(point["t"])
    assert flights.detail.points_model.data(flights.detail.points_model.index(0, 0)) == point["time"]
    assert flights.detail.gaps_model.rowCount() == 1
    flights.filter_edit.setText("ZKPY")
    assert flights.proxy.rowCount() == 2
    flights.filter_edit.setText("nowhere")
    assert flights.proxy.rowCount() == 0


def test_dropping_files_imports_tracks_and_adds_other_files(qtbot, window, trace, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Il-62M RA-86496 seen at Sunan")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(trace)), QUrl.fromLocalFile(str(note))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: not window.runner.active, timeout=20000)
    assert window.show_page("Flights").model.rowCount() == 2
    evidence = window.show_page("Evidence")
    names = {evidence.model.row(r)["original_name"] for r in range(evidence.model.rowCount())}
    assert names == {"trace_full_155abc.json", "note.txt"}


def test_bad_flight_file_shows_message_and_changes_nothing(qtbot, window, tmp_path):
    bad = tmp_path / "broken.csv"
    bad.write_text("Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction\n"
                   "1704181563,2024-01-02T07:46:03Z,RSD001,\"95.59,37.26\",0,0,0\n")
    before = window.case.audit_count()
    task = window.import_flights([str(bad)])
    wait_for(qtbot, window, task)
    assert "broken.csv" in window.last_message.text()
    assert "no track positions: latitude is outside -90..90" in window.last_message.text()
    assert window.case.audit_count() == before


def test_unknown_csv_asks_for_a_column_mapping_then_imports(qtbot, window, tmp_path):
    from osintdesk.flights.mapping import list_presets
    own = tmp_path / "tracker.csv"
    own.write_text("Timestamp;Latitude;Longitude;Alt_m\n2024-09-17T06:05:00Z;55.59;37.26;100\n"
                   "2024-09-17T06:06:00Z;55.65;37.50;1200\n")
    window.import_dropped([str(own)])
    dialog = window.mapping_dialog
    assert dialog.isVisible()
    # the columns were guessed from the header; only the unit and a name are left
    assert dialog.combos["lat"].currentText() == "Latitude"
    dialog.buttons.accepted.emit()
    assert "name" in dialog.error.text() and dialog.isVisible()
    dialog.alt_unit.setCurrentText("m")
    dialog.preset_name.setText("tracker")
    dialog.buttons.accepted.emit()
    assert "tracker" in list_presets()
    qtbot.waitUntil(lambda: not window.runner.active, timeout=20000)
    assert window.last_import[0].points == 2


def test_csv_with_a_byte_order_mark_maps_its_first_column_then_imports(qtbot, window, tmp_path):
    """Excel starts a UTF-8 CSV with a byte-order mark: the dialog must see the first
    column by the name the importer reads, or the mapping cannot name it."""
    own = tmp_path / "excel.csv"
    own.write_bytes(b"\xef\xbb\xbfTimestamp,Latitude,Longitude\n"
                    b"2024-09-17T06:05:00Z,55.59,37.26\n2024-09-17T06:06:00Z,55.65,37.50\n")
    window.import_dropped([str(own)])
    dialog = window.mapping_dialog
    assert dialog.isVisible()
    assert dialog.columns == ["Timestamp", "Latitude", "Longitude"]
    assert dialog.combos["time"].currentText() == "Timestamp"  # guessed from its name
    dialog.preset_name.setText("excel")
    dialog.buttons.accepted.emit()
    assert not dialog.error.text()
    qtbot.waitUntil(lambda: not window.runner.active, timeout=20000)
    assert window.last_import[0].points == 2


def test_aircraft_detail_lists_ground_time(qtbot, window, trace):
    task = window.import_flights([str(trace)])
    wait_for(qtbot, window, task)
    page = window.show_page("Aircraft")
    page.view.selectRow(0)
    text = page.detail.text()
    assert "RA-86496" in text and "Russia" in text
    assert "on the ground at ZKPY" in text and "2 d 3 h" in text


def test_article_naming_the_aircraft_is_listed_with_it_and_its_flights(qtbot, window, trace,
                                                                       tmp_path):
    article = tmp_path / "article.html"
    article.write_text("<html><head><title>Il-62M back in Pyongyang</title></head><body><p>"
                       "The Russian Air Force Il-62M RA-86496 landed at Pyongyang Sunan on "
                       "2 January 2024.</p></body></html>")
    wait_for(qtbot, window, window.import_flights([str(trace)]))
    wait_for(qtbot, window, window.add_files([str(article)]))
    page = window.show_page("Aircraft")
    page.view.selectRow(0)
    assert "Il-62M back in Pyongyang" in page.detail.text()
    assert "2024-01-02" in page.detail.text()  # the article names a day it flew
    flights = window.show_page("Flights")
    assert flights.select_flight(flights.model.row(0)["uuid"])
    assert "Il-62M back in Pyongyang" in flights.detail.summary.text()


def test_chart_follows_the_table_and_a_click_selects_the_flight(qtbot, window, trace):
    from PySide6.QtCore import QPoint, Qt
    wait_for(qtbot, window, window.import_flights([str(trace)]))
    page = window.show_page("Flights")
    pane = window.chart_pane
    ids = [page.model.row(r)["uuid"] for r in range(page.model.rowCount())]
    with qtbot.waitSignal(pane.redrawn, timeout=10000):
        page.view.selectAll()
    qtbot.waitUntil(lambda: set(pane.info.tracks) == set(ids), timeout=10000)
    pane.canvas.draw()
    # click on the middle of the second flight's track on the map
    track = pane.info.tracks[ids[1]]
    i = len(track.x) // 3
    px, py = pane.info.ax.transData.transform((float(track.x[i]), float(track.y[i])))
    ratio = pane.canvas.device_pixel_ratio
    pos = QPoint(round(px / ratio), round(pane.canvas.height() - py / ratio))
    with qtbot.waitSignal(pane.flight_clicked, timeout=5000):
        qtbot.mouseClick(pane.canvas, Qt.MouseButton.LeftButton, pos=pos)
    assert page.selected_flights() == [ids[1]]
    # the map keeps both flights: a click selects, it does not narrow the view
    assert set(pane.info.tracks) == set(ids)
