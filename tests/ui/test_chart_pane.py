"""The chart pane offscreen: selection redraws, clicks select, hover tells, zoom refreshes, export."""

import threading

import numpy as np
import pytest
from matplotlib.testing.compare import compare_images
from PySide6.QtCore import QPoint, Qt
from pytestqt.wait_signal import SignalEmittedError

from tests.support.chart_samples import write_sample_case
from tests.support.pane_samples import shown_pane
from osintdesk.charts import ActivityInfo, MapInfo, ProfileInfo, save_figure, selection, style
from osintdesk.charts import export as export_module
from osintdesk.charts.selection import ChartRequest
from osintdesk.store import Case
from osintdesk.ui.chart_pane import ChartPane
from osintdesk.ui.chart_pane import map_view


@pytest.fixture
def flight_ids(sample_case):
    return [r[0] for r in sample_case.conn.execute("SELECT uuid FROM flights ORDER BY first_t")]


@pytest.fixture
def pane(qtbot, sample_case):
    widget = shown_pane(qtbot, sample_case)
    yield widget
    widget.wait()


def show(qtbot, pane, ids):
    """Select flights and wait until the figure is drawn on the canvas."""
    painted = []
    cid = pane.canvas.mpl_connect("draw_event", lambda _e: painted.append(pane.info))
    with qtbot.waitSignal(pane.redrawn, timeout=10000):
        pane.show_flights(ids)
    qtbot.waitUntil(lambda: pane.info in painted, timeout=5000)
    pane.canvas.mpl_disconnect(cid)
    return pane.info


def canvas_point(pane, x, y):
    """Map coordinates to a widget position on the canvas (Qt's origin is top left)."""
    px, py = pane.info.ax.transData.transform((x, y))
    ratio = pane.canvas.device_pixel_ratio
    return QPoint(round(px / ratio), round(pane.canvas.height() - py / ratio))


def track_point(info, flight_id, fraction=0.5):
    track = info.tracks[flight_id]
    i = int(len(track.x) * fraction)
    return float(track.x[i]), float(track.y[i]), i


def test_selecting_flights_redraws_the_map(qtbot, pane, flight_ids):
    # Nothing selected yet: the case's flights, each in its own colour.
    assert isinstance(pane.info, MapInfo) and set(pane.info.tracks) == set(flight_ids)
    # (by their place among the case's flights in time order: neighbours differ)
    assert [t.colour for t in pane.info.tracks.values()] == [
        style.colour_of_flight(i, n) for n, i in enumerate(pane.info.tracks)]
    assert len({t.colour for t in pane.info.tracks.values()}) == len(pane.info.tracks)
    assert show(qtbot, pane, []).empty          # a filter that leaves no flight: none
    info = show(qtbot, pane, flight_ids[:1])
    assert list(info.tracks) == flight_ids[:1]
    info = show(qtbot, pane, flight_ids)
    assert isinstance(info, MapInfo) and set(info.tracks) == set(flight_ids)
    assert all(t.line is not None for t in info.tracks.values())
    info = show(qtbot, pane, None)               # nothing selected again: every flight
    assert set(info.tracks) == set(flight_ids)
    info = show(qtbot, pane, [])
    assert info.tracks == {} and info.empty


def test_rapid_selection_changes_draw_once_the_last(qtbot, pane, flight_ids):
    drawn = []
    pane.redrawn.connect(drawn.append)
    settle = 5 * pane.loader.DEBOUNCE_MS  # a debounced draw comes well within this
    with qtbot.waitSignal(pane.redrawn, timeout=5000):
        pane.show_flights(flight_ids[:1])
        pane.show_flights(flight_ids[1:2])
        pane.show_aircraft(None)
        pane.show_flights(flight_ids[2:])
    with qtbot.assertNotEmitted(pane.redrawn, wait=settle):
        pass  # no drawing of an earlier selection follows
    assert drawn == ["map"]
    assert list(pane.info.tracks) == flight_ids[2:]
    # The same wait does catch a debounced drawing: the check above can fail.
    with pytest.raises(SignalEmittedError):
        with qtbot.assertNotEmitted(pane.redrawn, wait=settle):
            pane.show_flights(flight_ids[:1])


def test_a_selection_reads_its_flights_once(qtbot, pane, flight_ids, monkeypatch):
    from osintdesk.flights import queries
    reads = []
    select = queries.select_flights
    monkeypatch.setattr(queries, "select_flights", lambda *a, **kw: reads.append(1) or select(*a, **kw))
    info = show(qtbot, pane, flight_ids[:2])
    assert set(info.tracks) == set(flight_ids[:2])
    assert len(reads) == 1  # the same rows size the load and are loaded


def test_big_selections_load_on_a_worker(qtbot, pane, flight_ids):
    pane.loader.SYNC_POINTS = 0  # every selection counts as big
    started = []
    pane.runner.started.connect(started.append)
    info = show(qtbot, pane, flight_ids[:2])
    assert len(started) == 1 and not started[0].writes
    assert set(info.tracks) == set(flight_ids[:2])
    assert threading.current_thread() is threading.main_thread()


def test_a_newer_selection_wins_over_a_slow_load(qtbot, pane, flight_ids, monkeypatch):
    pane.loader.SYNC_POINTS = 0
    gate = threading.Event()
    load = ChartRequest.load_flights
    threads = []

    def slow(request, case, progress=None, cancelled=None, rows=None):
        threads.append(threading.current_thread())
        if request.flight_ids == tuple(flight_ids[:1]):
            gate.wait(10)
        return load(request, case, progress, cancelled, rows)

    monkeypatch.setattr(ChartRequest, "load_flights", slow)
    with qtbot.waitSignal(pane.runner.started, timeout=5000) as first:
        pane.show_flights(flight_ids[:1])
    old = first.args[0]
    cancelled = []
    old.cancelled.connect(lambda: cancelled.append(True))
    info = show(qtbot, pane, flight_ids[1:])
    assert list(info.tracks) == flight_ids[1:]
    gate.set()
    with qtbot.assertNotEmitted(pane.redrawn):
        # Until every signal of the old load reached the GUI thread (the runner drops a
        # task when its last one, finished, is handled).
        qtbot.waitUntil(lambda: old not in pane.runner.active, timeout=10000)
    assert cancelled == [True]  # the old load stopped at its next chunk, nothing drawn
    assert list(pane.info.tracks) == flight_ids[1:]
    assert threading.main_thread() not in threads  # the case was read on workers


def test_clicking_a_track_selects_its_flight(qtbot, pane, flight_ids):
    info = show(qtbot, pane, flight_ids)
    x, y, _ = track_point(info, flight_ids[1], 0.3)
    with qtbot.waitSignal(pane.flight_clicked, timeout=2000) as blocker:
        qtbot.mouseClick(pane.canvas, Qt.MouseButton.LeftButton, pos=canvas_point(pane, x, y))
    assert blocker.args == [flight_ids[1]]
    # Far from every track (the map's top left corner): no selection.
    x0, _, _, y1 = info.view
    with qtbot.assertNotEmitted(pane.flight_clicked, wait=100):
        qtbot.mouseClick(pane.canvas, Qt.MouseButton.LeftButton,
                         pos=canvas_point(pane, x0 + 0.01 * (info.view[1] - x0), y1 - 0.02 * (y1 - info.view[2])))


def test_clicking_a_coverage_gap_selects_its_flight(qtbot, pane, flight_ids):
    info = show(qtbot, pane, flight_ids[:1])
    (gap,) = info.tracks[flight_ids[0]].gap_lines
    gx, gy = (np.asarray(v, dtype=float) for v in gap.get_data())
    middle = len(gx) // 2
    with qtbot.waitSignal(pane.flight_clicked, timeout=2000) as blocker:
        qtbot.mouseClick(pane.canvas, Qt.MouseButton.LeftButton,
                         pos=canvas_point(pane, gx[middle], gy[middle]))
    assert blocker.args == [flight_ids[0]]


def test_hover_shows_time_altitude_and_speed(qtbot, pane, flight_ids):
    info = show(qtbot, pane, flight_ids[:1])
    x, y, i = track_point(info, flight_ids[0], 0.6)
    flight = info.tracks[flight_ids[0]].flight
    qtbot.mouseMove(pane.canvas, canvas_point(pane, x, y))
    qtbot.waitUntil(lambda: " ft" in pane.status.text(), timeout=2000)
    text = pane.status.text()
    assert "RA-86496" in text and "UUWW → ZKPY" in text
    assert "35,000 ft" in text and "450 kt" in text
    assert "2024-01-02 " in text and " UTC" in text
    assert flight.alt_ft[i] == 35000


def test_zoom_refreshes_the_tracks_and_the_basemap(qtbot, pane, flight_ids):
    info = show(qtbot, pane, flight_ids)  # Moscow to Alaska: the 1:110m basemap
    assert info.basemap_scale == "110m"
    x, y, _ = track_point(info, flight_ids[0], 0.2)
    vertices = info.vertices_drawn
    half = 60_000.0  # a 120 km high view: the 1:50m coastline
    with qtbot.waitSignal(pane.redrawn, timeout=5000):  # the basemap is drawn again once settled
        # As a zoom to a square rectangle does: the view is widened to the axes' shape.
        info.ax.set_xlim(x - half, x + half)
        info.ax.set_ylim(y - half, y + half)
        qtbot.waitUntil(lambda: info.view[3] - info.view[2] == pytest.approx(2 * half), timeout=2000)
        aspect = info.ax.bbox.width / info.ax.bbox.height
        assert info.view[1] - info.view[0] == pytest.approx(2 * half * aspect)
        assert info.vertices_drawn < vertices  # the tracks were simplified for the new view
    assert pane.info is not info and pane.info.basemap_scale == "50m"
    assert pane.info.view[0] <= x <= pane.info.view[1]
    # Home fits the selection again.
    with qtbot.waitSignal(pane.redrawn, timeout=5000):
        pane.toolbar.home()
    assert pane.info.basemap_scale == "110m"


def zoom_in(info, x, y, half_m=60_000.0):
    """As a zoom to a square around (x, y) does (a 120 km high view: the 1:50m basemap)."""
    info.ax.set_xlim(x - half_m, x + half_m)
    info.ax.set_ylim(y - half_m, y + half_m)


def test_with_many_points_a_zoom_redraws_only_the_basemap(qtbot, pane, flight_ids):
    pane.map.REDRAW_POINTS = 0  # as if the selection held a million positions
    info = show(qtbot, pane, flight_ids)
    x, y, _ = track_point(info, flight_ids[0], 0.2)
    # Long enough for the redraw the settled view would otherwise get.
    with qtbot.assertNotEmitted(pane.redrawn, wait=3 * pane.map.SETTLE_MS):
        zoom_in(info, x, y)
        qtbot.waitUntil(lambda: info.basemap_scale == "50m", timeout=3000)
    assert pane.info is info
    # With fewer points than that, the same zoom is drawn afresh within the same wait.
    pane.map.REDRAW_POINTS = 10 ** 9
    x, y, _ = track_point(info, flight_ids[0], 0.4)
    with pytest.raises(SignalEmittedError):
        with qtbot.assertNotEmitted(pane.redrawn, wait=3 * pane.map.SETTLE_MS):
            zoom_in(info, x, y, 30_000.0)
    assert pane.info is not info


def test_dragging_the_map_moves_it_and_refreshes_the_tracks_on_release(qtbot, pane, flight_ids):
    info = show(qtbot, pane, flight_ids[:1])
    before = info.view
    pane.toolbar.pan()
    centre = QPoint(pane.canvas.width() // 2, pane.canvas.height() // 2)
    qtbot.mousePress(pane.canvas, Qt.MouseButton.LeftButton, pos=centre)
    # The pan changes the limits, and the pane handles that change (after a 0 ms timer).
    with qtbot.waitSignal(pane.map._view_timer.timeout, timeout=2000):
        qtbot.mouseMove(pane.canvas, centre + QPoint(120, 40))
    assert info.ax.get_xlim()[0] < before[0]
    assert info.view == before  # while dragging, the drawn lines only move
    qtbot.mouseRelease(pane.canvas, Qt.MouseButton.LeftButton, pos=centre + QPoint(120, 40))
    qtbot.waitUntil(lambda: info.view != before, timeout=2000)
    assert info.view[0] == pytest.approx(info.ax.get_xlim()[0])
    pane.toolbar.pan()  # off again


def test_profile_and_activity_modes(qtbot, pane, flight_ids):
    show(qtbot, pane, flight_ids[:1])
    with qtbot.waitSignal(pane.redrawn, timeout=5000):
        pane.mode_box.setCurrentIndex(1)
    assert pane.mode == "profile" and isinstance(pane.info, ProfileInfo)
    assert len(pane.info.takeoffs) == 1 and len(pane.info.landings) == 1
    with qtbot.waitSignal(pane.redrawn, timeout=5000):
        pane.show_flights(flight_ids)
    assert "first of 3 selected flights" in pane.status.text()
    with qtbot.waitSignal(pane.redrawn, timeout=5000):
        pane.set_mode("activity")
    assert isinstance(pane.info, ActivityInfo)
    assert len(pane.info.flight_bars) == 3 and len(pane.info.stay_bars) == 1


def test_an_unknown_flight_is_said_not_raised(qtbot, pane):
    show(qtbot, pane, ["0000ffff-gone"])
    assert "no flight '0000ffff-gone' in this case" in pane.status.text()
    assert pane.info.empty


def test_closing_the_case_clears_the_chart(qtbot, pane, flight_ids):
    show(qtbot, pane, flight_ids)
    with qtbot.waitSignal(pane.redrawn, timeout=5000):
        pane.set_case(None)
    assert pane.info.tracks == {} and pane.status.text() == "No case open"


def export(qtbot, pane, path):
    """Export on the runner and wait for the path it reports."""
    with qtbot.waitSignal(pane.exported, timeout=20000) as blocker:
        task = pane.export_to(path)
    assert not task.writes  # a reader: never queued behind the case's writes
    return blocker.args[0]


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF-")])
def test_export(qtbot, pane, flight_ids, tmp_path, suffix, magic):
    show(qtbot, pane, flight_ids)
    path = export(qtbot, pane, tmp_path / f"chart{suffix}")
    assert path == tmp_path / f"chart{suffix}"
    data = path.read_bytes()
    assert data.startswith(magic) and len(data) > 10_000
    if suffix == ".png":
        width = int.from_bytes(data[16:20], "big")
        assert width == round(pane.figure.bbox.width)


def test_refresh_after_an_import_shows_the_new_flight(qtbot, tmp_path):
    from tests.support import flight_samples
    from osintdesk.flights.ingest import import_flight_file

    path = write_sample_case(tmp_path / "growing.osintcase")
    with Case.open(path, examiner="Test Examiner", readonly=True) as case:
        pane = ChartPane()
        qtbot.addWidget(pane)
        pane.resize(900, 600)
        pane.show()
        qtbot.waitExposed(pane)
        pane.set_case(case)
        (aircraft,) = case.conn.execute("SELECT uuid FROM aircraft WHERE registration = 'N7423C'").fetchone()
        with qtbot.waitSignal(pane.redrawn, timeout=5000):
            pane.show_aircraft(aircraft)
        qtbot.waitUntil(lambda: pane.info is not None and len(pane.info.tracks) == 1, timeout=5000)
        # Another connection (the window's writer) imports a second flight of N7423C.
        points = flight_samples.synthetic_flight("UHPP", "UHWW", flight_samples.T0 + 3 * 86400,
                                                 hex="a9c2f1", step_s=30)
        flight_samples.write_readsb_trace(tmp_path / "more.json", points, hex="a9c2f1",
                                          registration="N7423C", type_code="B738")
        with Case.open(path, examiner="Test Examiner") as writer:
            import_flight_file(writer, tmp_path / "more.json")
        with qtbot.waitSignal(pane.redrawn, timeout=5000):
            pane.refresh()
        assert len(pane.info.tracks) == 2
        pane.wait()


def test_big_maps_are_planned_on_a_worker(qtbot, pane, flight_ids, monkeypatch):
    pane.map.PLAN_POINTS = 0  # every map counts as big
    planned_on = []
    plan_map = map_view.plan_map

    def recording(*args, **kw):
        planned_on.append(threading.current_thread())
        return plan_map(*args, **kw)

    monkeypatch.setattr(map_view, "plan_map", recording)
    info = show(qtbot, pane, flight_ids)
    assert set(info.tracks) == set(flight_ids) and all(t.line is not None for t in info.tracks.values())
    assert planned_on and threading.main_thread() not in planned_on
    assert not pane.busy()


def test_a_plan_for_an_older_selection_is_dropped(qtbot, pane, flight_ids, monkeypatch):
    pane.map.PLAN_POINTS = 0
    gate = threading.Event()
    plan_map = map_view.plan_map

    def slow(flights, *args, **kw):
        if [f.id for f in flights] == flight_ids[:1]:
            gate.wait(10)
        return plan_map(flights, *args, **kw)

    monkeypatch.setattr(map_view, "plan_map", slow)
    before = pane.info
    with qtbot.waitSignal(pane.runner.started, timeout=5000,
                          check_params_cb=lambda task: task.title.startswith("Drawing the map")):
        pane.show_flights(flight_ids[:1])
    assert pane.info is before  # the old chart stays while the new one is planned
    assert "Drawing" in pane.status.text()
    info = show(qtbot, pane, flight_ids[1:])
    assert list(info.tracks) == flight_ids[1:]
    gate.set()
    with qtbot.assertNotEmitted(pane.redrawn, wait=300):
        pane.wait()
    assert list(pane.info.tracks) == flight_ids[1:]


def test_a_big_map_is_simplified_again_on_a_worker_after_a_zoom(qtbot, pane, flight_ids, monkeypatch):
    pane.map.PLAN_POINTS = 0
    pane.map.REDRAW_POINTS = 0  # as if a million: the settled view redraws only the basemap
    simplified_on = []
    view_shapes = map_view.view_shapes

    def recording(request, cancelled=None):
        simplified_on.append(threading.current_thread())
        return view_shapes(request, cancelled)

    monkeypatch.setattr(map_view, "view_shapes", recording)
    info = show(qtbot, pane, flight_ids)
    vertices = info.vertices_drawn
    x, y, _ = track_point(info, flight_ids[0], 0.2)
    with qtbot.assertNotEmitted(pane.redrawn, wait=3 * pane.map.SETTLE_MS):
        zoom_in(info, x, y)
        qtbot.waitUntil(lambda: info.view[3] - info.view[2] == pytest.approx(120_000), timeout=3000)
        qtbot.waitUntil(lambda: info.basemap_scale == "50m", timeout=3000)
    assert info.vertices_drawn < vertices
    assert simplified_on and threading.main_thread() not in simplified_on
    assert pane.info is info


def test_clicks_on_a_map_drawn_as_one_collection(qtbot, pane, flight_ids, monkeypatch):
    from osintdesk.charts.map import layers, model
    monkeypatch.setattr(model, "MAX_SEPARATE_TRACKS", 1)  # as with hundreds of flights
    monkeypatch.setattr(layers, "MAX_SEPARATE_GAPS", 0)
    info = show(qtbot, pane, flight_ids)
    assert info.merged and all(t.line is None and t.gap_lines == [] for t in info.tracks.values())
    x, y, _ = track_point(info, flight_ids[1], 0.3)
    with qtbot.waitSignal(pane.flight_clicked, timeout=2000) as blocker:
        qtbot.mouseClick(pane.canvas, Qt.MouseButton.LeftButton, pos=canvas_point(pane, x, y))
    assert blocker.args == [flight_ids[1]]
    gx, gy = info.tracks[flight_ids[0]].gap_paths[0]
    middle = len(gx) // 2
    with qtbot.waitSignal(pane.flight_clicked, timeout=2000) as blocker:
        qtbot.mouseClick(pane.canvas, Qt.MouseButton.LeftButton, pos=canvas_point(pane, gx[middle], gy[middle]))
    assert blocker.args == [flight_ids[0]]
    qtbot.mouseMove(pane.canvas, canvas_point(pane, x, y))
    qtbot.waitUntil(lambda: " ft" in pane.status.text(), timeout=2000)


@pytest.mark.parametrize("mode", ["map", "profile", "activity"])
def test_export_draws_a_new_figure_on_a_worker_that_looks_like_the_pane(qtbot, pane, flight_ids, tmp_path,
                                                                          monkeypatch, mode):
    drawn_on = []
    draw_chart = selection.draw_chart

    def recording(fig, *args, **kw):
        drawn_on.append((threading.current_thread(), fig))
        return draw_chart(fig, *args, **kw)

    monkeypatch.setattr(selection, "draw_chart", recording)  # the export's, not the pane's
    show(qtbot, pane, flight_ids[:1])
    if mode != "map":
        with qtbot.waitSignal(pane.redrawn, timeout=5000):
            pane.set_mode(mode)
    path = export(qtbot, pane, tmp_path / f"{mode}.png")
    assert [fig is pane.figure for _, fig in drawn_on] == [False]
    assert drawn_on[0][0] is not threading.main_thread()
    # The export is the pane's chart with a footer: the credit of the flights' files.
    footer = selection.chart_footer(pane.loader.case, mode, pane.shown_data())
    assert footer.startswith("Data: Flightradar24")
    export_module.add_footer(pane.figure, footer)
    screen = save_figure(pane.figure, tmp_path / f"{mode}-screen.png")
    assert compare_images(str(screen), str(path), tol=1) is None


def test_export_keeps_the_zoom(qtbot, pane, flight_ids, tmp_path, monkeypatch):
    asked = []
    draw_chart = selection.draw_chart
    monkeypatch.setattr(selection, "draw_chart", lambda *a, **kw: asked.append(kw) or draw_chart(*a, **kw))
    info = show(qtbot, pane, flight_ids)
    export(qtbot, pane, tmp_path / "fitted.png")
    assert asked[-1]["view"] is None  # fitted to the selection, as on screen
    x, y, _ = track_point(info, flight_ids[0], 0.2)
    with qtbot.waitSignal(pane.redrawn, timeout=5000):  # the settled zoom is drawn again
        zoom_in(info, x, y)
    export(qtbot, pane, tmp_path / "zoomed.png")
    x0, x1 = pane.info.ax.get_xlim()
    y0, y1 = pane.info.ax.get_ylim()
    assert asked[-1]["projection"] is pane.info.projection
    assert asked[-1]["view"] == pytest.approx((x0, x1, y0, y1))
    assert y1 - y0 == pytest.approx(120_000)


def test_an_export_error_is_reported_and_writes_nothing(qtbot, pane, flight_ids, tmp_path):
    show(qtbot, pane, flight_ids[:1])
    with qtbot.assertNotEmitted(pane.exported), qtbot.waitSignal(pane.export_failed, timeout=10000) as blocker:
        pane.export_to(tmp_path / "chart.jpg")
    assert "chart.jpg" in blocker.args[0] and "use a file name ending in .png, .svg or .pdf" in blocker.args[0]
    assert pane.export_message.isVisible() and "chart.jpg" in pane.export_message.text()
    assert list(tmp_path.iterdir()) == []
    pane.export_message.close()
