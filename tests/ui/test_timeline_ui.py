"""The timeline in the window, offscreen: read on the task runner, hover says what a mark is,
a click on a mark selects its row (flight, event, source, a stay's aircraft), and rows
selected in the tables outline their marks."""

from __future__ import annotations

import shutil
import threading
from datetime import datetime, timezone

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer

from osintdesk.app import build_window
from osintdesk.charts import style
from osintdesk.charts.selection import ChartData
from osintdesk.charts.timeline import Timeline, TimelineInfo, TimelineItem
from osintdesk.store import Case
from tests.support.pane_samples import shown_pane


@pytest.fixture
def ids(timeline_case_ids):
    return timeline_case_ids


def canvas_point(pane, x, y):
    """Data coordinates to a widget position on the canvas (Qt's origin is top left)."""
    px, py = pane.info.ax.transData.transform((x, y))
    ratio = pane.canvas.device_pixel_ratio
    return QPoint(round(px / ratio), round(pane.canvas.height() - py / ratio))


def mark_of(pane, record_id):
    return next(m for m in pane.info.marks if m.item.record_id == record_id)


def click_mark(qtbot, pane, mark, signal, at=0.5):
    x = mark.x0 + at * (mark.x1 - mark.x0)
    with qtbot.waitSignal(signal, timeout=5000) as blocker:
        qtbot.mouseClick(pane.canvas, Qt.MouseButton.LeftButton, pos=canvas_point(pane, x, mark.y))
    return blocker.args


def show_timeline(qtbot, pane):
    with qtbot.waitSignal(pane.redrawn, timeout=20000, check_params_cb=lambda mode: mode == "timeline"):
        pane.set_mode("timeline")
    qtbot.waitUntil(lambda: not pane.busy() and not pane._resize_timer.isActive(), timeout=20000)
    assert isinstance(pane.info, TimelineInfo) and not pane.info.empty
    return pane.info


@pytest.fixture
def pane(qtbot, ids):
    with Case.open(ids["path"], examiner="x", readonly=True) as case:
        widget = shown_pane(qtbot, case, 1300, 640)
        yield widget
        widget.wait()
        widget.set_case(None)


def test_the_timeline_is_read_on_the_task_runner(qtbot, pane):
    titles = []
    pane.runner.started.connect(lambda task: titles.append(task.title))
    show_timeline(qtbot, pane)
    assert "Loading the timeline" in titles


def big_timeline(events: int = 4000):
    """A timeline of ``events`` one-hour events, a day apart (made in memory, not read)."""
    start = datetime(2020, 1, 1, tzinfo=timezone.utc).timestamp()
    items = [TimelineItem("event", start + i * 86400, start + i * 86400 + 3600, "minute", f"event {i}",
                          "Events", "event", f"e{i}", "event", f"e{i}",
                          certain_t=(start + i * 86400, start + i * 86400 + 3600))
             for i in range(events)]
    return ChartData(timeline=Timeline(items, ["Events"]))


def test_a_big_timeline_is_laid_out_on_the_task_runner_while_the_window_goes_on(qtbot, pane, monkeypatch):
    """Stacking, labels and the "+N" counts are planned on a worker; the GUI thread only
    makes the artists. The layout waits for the GUI thread to run an event of its own
    first: it finishes only because the window is not blocked by it."""
    from osintdesk.ui.chart_pane import timeline_view

    show_timeline(qtbot, pane)
    gui = threading.current_thread()
    threads, titles = [], []
    gui_ran = threading.Event()
    real_plan = timeline_view.plan_timeline

    def plan(*args, **kwargs):
        threads.append(threading.current_thread())
        QTimer.singleShot(0, pane, gui_ran.set)   # queued to the GUI thread's event loop
        assert gui_ran.wait(20)
        return real_plan(*args, **kwargs)

    monkeypatch.setattr(timeline_view, "plan_timeline", plan)
    pane.runner.started.connect(lambda task: titles.append(task.title))
    with qtbot.waitSignal(pane.redrawn, timeout=30000):
        pane.loader.loaded.emit(big_timeline(), "")
    assert titles == ["Laying out the timeline (4,000 items)"]
    assert threads and threads[0] is not gui
    assert len(pane.info.marks) == 4000 and sum(pane.info.hidden.values()) > 0
    # A zoom is laid out there too.
    x_lo, x_hi = pane.info.ax.get_xlim()
    with qtbot.waitSignal(pane.redrawn, timeout=30000):
        pane.info.ax.set_xlim(x_lo, x_lo + (x_hi - x_lo) / 50)
    assert titles[-1] == "Laying out the timeline (4,000 items)" and len(threads) == 2
    assert threads[1] is not gui


def test_clicks_name_the_row_of_each_mark_and_hover_tells(qtbot, pane, ids):
    info = show_timeline(qtbot, pane)
    # A flight at a scale of months is a few pixels: zoom on 19-21 September first.
    out, _bering, back = ids["flights"]
    assert click_mark(qtbot, pane, mark_of(pane, ids["summit"]), pane.record_clicked) == ["event", ids["summit"]]
    assert click_mark(qtbot, pane, mark_of(pane, ids["article"]), pane.record_clicked, at=0.9) == [
        "source", ids["article"]]
    stay = mark_of(pane, ids["stays"][0])
    assert click_mark(qtbot, pane, stay, pane.record_clicked) == ["aircraft", ids["aircraft"]["RA-86496"]]
    flight = mark_of(pane, back)
    assert click_mark(qtbot, pane, flight, pane.record_clicked) == ["flight", back]
    # The gap selects its flight.
    gap = mark_of(pane, ids["gaps"][0])
    assert click_mark(qtbot, pane, gap, pane.record_clicked) == ["flight", out]
    # Far from every mark: nothing.
    x_lo, _ = info.ax.get_xlim()
    with qtbot.assertNotEmitted(pane.record_clicked, wait=200):
        qtbot.mouseClick(pane.canvas, Qt.MouseButton.LeftButton,
                         pos=canvas_point(pane, x_lo + 0.99 * (info.ax.get_xlim()[1] - x_lo), 0.2))
    # Hover: what the mark is, its times in the chart's zone.
    summit = mark_of(pane, ids["summit"])
    qtbot.mouseMove(pane.canvas, canvas_point(pane, (summit.x0 + summit.x1) / 2, summit.y))
    qtbot.waitUntil(lambda: "Summit at Vostochny" in pane.status.text(), timeout=3000)
    assert pane.status.text() == ("event · Summit at Vostochny  ·  2023-09-12 14:00 UTC – "
                                  "2023-09-13 14:00 UTC (known to the day)")


def test_highlighting_outlines_the_marks_and_survives_a_redraw(qtbot, pane, ids):
    show_timeline(qtbot, pane)
    out = ids["flights"][0]
    assert pane.highlight_records([("flight", out)]) == 2   # the flight and its gap
    assert {m.item.record_id for m in pane.info.highlighted} == {out, ids["gaps"][0]}
    with qtbot.waitSignal(pane.redrawn, timeout=10000):
        pane.fit()
    assert {m.item.record_id for m in pane.info.highlighted} == {out, ids["gaps"][0]}
    # Selecting flights keeps the timeline (no new read) and outlines them.
    with qtbot.assertNotEmitted(pane.redrawn, wait=300):
        pane.show_flights([ids["flights"][2]])
    assert {m.item.record_id for m in pane.info.highlighted} == {ids["flights"][2]}


# --------------------------------------------------------------------------- the window


@pytest.fixture
def window(qtbot, ids, tmp_path):
    path = tmp_path / "timeline.osintcase"
    shutil.copyfile(ids["path"], path)
    win = build_window("Window Examiner")
    qtbot.addWidget(win)
    win.resize(1500, 900)
    win.show()
    assert win.open_case(str(path))
    qtbot.waitUntil(lambda: not win.runner.active, timeout=30000)
    yield win
    win.runner.wait()


def test_a_click_on_a_mark_selects_its_row_and_a_selected_row_outlines_its_mark(qtbot, window, ids):
    pane = window.chart_pane
    show_timeline(qtbot, pane)
    qtbot.waitUntil(lambda: not window.runner.active, timeout=30000)
    # An event: the Events page, its row selected; the mark outlined in return.
    events = window.findings_ui.events_page
    click_mark(qtbot, pane, mark_of(pane, ids["press"]), pane.record_clicked)
    qtbot.waitUntil(lambda: events.selected_id() == ids["press"], timeout=10000)
    assert window.stack.currentWidget() is events
    qtbot.waitUntil(lambda: [m.item.record_id for m in pane.info.highlighted] == [ids["press"]], timeout=5000)
    # A flight: the Flights page; the timeline keeps its view and outlines the flight.
    back = ids["flights"][2]
    click_mark(qtbot, pane, mark_of(pane, back), pane.record_clicked)
    qtbot.waitUntil(lambda: window.flights_page.selected_flights() == [back], timeout=10000)
    assert window.stack.currentWidget() is window.flights_page
    assert pane.drawn_mode == "timeline"
    assert [m.item.record_id for m in pane.info.highlighted] == [back]
    # A source: the Sources page with it selected.
    click_mark(qtbot, pane, mark_of(pane, ids["note"]), pane.record_clicked)
    qtbot.waitUntil(lambda: window.sources_ui.sources_page.current_source == ids["note"], timeout=10000)
    qtbot.waitUntil(lambda: [m.item.record_id for m in pane.info.highlighted] == [ids["note"]], timeout=5000)
    # A ground stay: its aircraft's row; the timeline stays whole (not narrowed to it).
    drawn = len(pane.info.marks)
    click_mark(qtbot, pane, mark_of(pane, ids["stays"][0]), pane.record_clicked)
    page = window.aircraft_page
    qtbot.waitUntil(lambda: (page.selected() or {}).get("uuid") == ids["aircraft"]["RA-86496"], timeout=10000)
    qtbot.waitUntil(lambda: not pane.busy(), timeout=10000)
    assert len(pane.info.marks) == drawn
    # A row selected in a table outlines its mark: an event chosen in the Events page.
    with qtbot.waitSignal(events.detail_shown, timeout=20000):
        assert events.select(ids["summit"])
    assert [m.item.record_id for m in pane.info.highlighted] == [ids["summit"]]


def test_a_zoom_draws_the_window_again_and_home_the_whole(qtbot, pane, ids):
    info = show_timeline(qtbot, pane)
    whole = info.time_range
    hidden_before = sum(info.hidden.values())
    # Zoom on 19-22 September as the toolbar does (the limits change; the view settles).
    start = datetime(2023, 9, 19, tzinfo=timezone.utc).timestamp()
    end = datetime(2023, 9, 22, tzinfo=timezone.utc).timestamp()
    with qtbot.waitSignal(pane.redrawn, timeout=5000):
        info.ax.set_xlim(*style.mpl_days([start, end]))
    zoomed = pane.info
    assert zoomed is not info and zoomed.time_range == pytest.approx((start, end), abs=1)
    # Drawn for the window: the axis, and labels packed for it (nothing hidden there now).
    assert sum(zoomed.hidden.values()) <= hidden_before
    assert {m.item.record_id for m in zoomed.marks if m.labelled} >= {ids["flights"][0], ids["flights"][2]}
    assert pane.timeline.current_view() == pytest.approx((start, end), abs=1)
    with qtbot.waitSignal(pane.redrawn, timeout=5000):
        pane.toolbar.home()
    assert pane.info.time_range == pytest.approx(whole)
    assert pane.timeline.current_view() is None


# --------------------------------------------------------------------------- the zone


def choose_zone(qtbot, pane, text):
    """Pick an entry of the zone box as the user does; waits for the timeline drawn in it."""
    box = pane.timeline_zone
    index = box.findText(text)
    assert index >= 0, [box.itemText(i) for i in range(box.count())]
    with qtbot.waitSignal(pane.redrawn, timeout=10000):
        box.setCurrentIndex(index)
        box.activated.emit(index)
    qtbot.waitUntil(lambda: not pane.busy(), timeout=10000)
    return pane.info


def test_the_zone_box_draws_the_timeline_in_a_zone_and_remembers_it(qtbot, pane, ids):
    assert not pane.timeline_zone.isVisible()
    show_timeline(qtbot, pane)
    box = pane.timeline_zone
    assert box.isVisible() and box.currentText() == "UTC"
    texts = [box.itemText(i) for i in range(box.count())]
    # UTC, the events' own zones, Other… (and this computer's zone when it is not UTC)
    assert texts[0] == "UTC" and texts[-1] == "Other…"
    assert {"Asia/Vladivostok", "Europe/Moscow"} <= set(texts)
    assert pane.info.ax.get_xlabel() == "time (UTC)"

    info = choose_zone(qtbot, pane, "Asia/Vladivostok")
    assert info.zone == "Asia/Vladivostok" and info.ax.get_xlabel() == "time (Asia/Vladivostok)"
    # Hover and the toolbar's coordinates speak the zone too.
    summit = mark_of(pane, ids["summit"])
    qtbot.mouseMove(pane.canvas, QPoint(1, 1))   # (where an earlier test may have left it)
    qtbot.mouseMove(pane.canvas, canvas_point(pane, (summit.x0 + summit.x1) / 2, summit.y))
    qtbot.waitUntil(lambda: "Summit at Vostochny" in pane.status.text(), timeout=3000)
    assert pane.status.text() == ("event · Summit at Vostochny  ·  2023-09-13 00:00 +10:00 Asia/Vladivostok – "
                                  "2023-09-14 00:00 +10:00 Asia/Vladivostok (known to the day)")
    at_two_utc = style.mpl_days(datetime(2023, 9, 13, 2, 0, tzinfo=timezone.utc).timestamp())
    assert info.ax.format_coord(float(at_two_utc), 0.5) == "2023-09-13 12:00 +10:00 Asia/Vladivostok"
    # Remembered: a new pane starts in it.
    assert pane.settings.value("timeline/zone") == "Asia/Vladivostok"
    from osintdesk.ui.chart_pane import ChartPane
    other = ChartPane(settings=pane.settings)
    qtbot.addWidget(other)
    assert other.timeline_zone.currentText() == "Asia/Vladivostok" and other.timeline.zone == "Asia/Vladivostok"


def test_a_zone_typed_under_other_is_checked(qtbot, pane, monkeypatch):
    from osintdesk.ui.chart_pane import pane as pane_module

    show_timeline(qtbot, pane)
    start = datetime(2023, 9, 19, tzinfo=timezone.utc).timestamp()
    end = datetime(2023, 9, 22, tzinfo=timezone.utc).timestamp()
    with qtbot.waitSignal(pane.redrawn, timeout=5000):   # zoomed: the zone keeps the window
        pane.info.ax.set_xlim(*style.mpl_days([start, end]))
    typed = iter([("+09:00", True), ("Mars/Olympus_Mons", True)])
    monkeypatch.setattr(pane_module.QInputDialog, "getText", lambda *a, **k: next(typed))
    info = choose_zone(qtbot, pane, "Other…")
    assert info.zone == "+09:00" and info.ax.get_xlabel() == "time (+09:00)"
    assert info.time_range == pytest.approx((start, end), abs=1)
    assert pane.timeline_zone.currentText() == "+09:00"
    # Not a zone: said in a dialog, nothing changes.
    with qtbot.assertNotEmitted(pane.redrawn, wait=300):
        index = pane.timeline_zone.findText("Other…")
        pane.timeline_zone.activated.emit(index)
    assert "'Mars/Olympus_Mons' is not a time zone" in pane.zone_message.text()
    assert pane.info.zone == "+09:00" and pane.timeline_zone.currentText() == "+09:00"
    assert pane.settings.value("timeline/zone") == "+09:00"
    pane.zone_message.close()


# --------------------------------------------------------------------------- back and forward


def test_back_and_forward_walk_through_the_windows_drawn(qtbot, pane):
    """Each zoom draws the timeline afresh (new axes, matplotlib's history gone): back and
    forward go through the windows the user went to."""
    whole = show_timeline(qtbot, pane).time_range
    toolbar = pane.toolbar
    back, forward = toolbar._actions["back"], toolbar._actions["forward"]
    assert not back.isEnabled() and not forward.isEnabled()
    days = [datetime(2023, 9, d, tzinfo=timezone.utc).timestamp() for d in (10, 25, 19, 22)]
    first, second = (days[0], days[1]), (days[2], days[3])
    for window in (first, second):
        with qtbot.waitSignal(pane.redrawn, timeout=10000):
            pane.info.ax.set_xlim(*style.mpl_days(window))
        assert pane.info.time_range == pytest.approx(window, abs=1)
    assert back.isEnabled() and not forward.isEnabled()

    with qtbot.waitSignal(pane.redrawn, timeout=10000):
        back.trigger()
    assert pane.info.time_range == pytest.approx(first, abs=1)
    assert back.isEnabled() and forward.isEnabled()
    with qtbot.waitSignal(pane.redrawn, timeout=10000):
        back.trigger()
    assert pane.info.time_range == pytest.approx(whole) and pane.timeline.current_view() is None
    assert not back.isEnabled() and forward.isEnabled()
    with qtbot.waitSignal(pane.redrawn, timeout=10000):
        forward.trigger()
    assert pane.info.time_range == pytest.approx(first, abs=1)
    # A new zoom from there forgets the window ahead; Home is a window too.
    with qtbot.waitSignal(pane.redrawn, timeout=10000):
        pane.info.ax.set_xlim(*style.mpl_days(second))
    assert not forward.isEnabled()
    with qtbot.waitSignal(pane.redrawn, timeout=10000):
        toolbar.home()
    assert pane.info.time_range == pytest.approx(whole)
    with qtbot.waitSignal(pane.redrawn, timeout=10000):
        back.trigger()
    assert pane.info.time_range == pytest.approx(second, abs=1)
    assert pane.timeline.history == [None, pytest.approx(first, abs=1), pytest.approx(second, abs=1), None]
