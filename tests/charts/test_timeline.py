"""The timeline: its items read from a generated case one by one (partial dates, zones, gaps,
a source published in September and captured in December and January), the filters, and
what the chart draws (lanes, stacked labels, gaps never drawn as flown, the zone named)."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone

import pytest

from osintdesk.charts.export import new_figure, save_figure
from osintdesk.charts.timeline import TimelineFilter, draw_timeline, read_timeline
from osintdesk.charts.timeline.items import TimelineItem
from osintdesk.errors import OsintdeskError
from osintdesk.findings.events import add_event
from osintdesk.store import Case
from osintdesk.timefmt import parse_user_time

UTC = timezone.utc


def t(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


@pytest.fixture
def ids(timeline_case_ids):
    return timeline_case_ids


@pytest.fixture
def case(ids):
    with Case.open(ids["path"], examiner="x", readonly=True) as opened:
        yield opened


def rows_by_record(timeline):
    return {row["record_id"]: row for row in timeline.rows()}


def test_every_item_read_one_by_one(case, ids):
    timeline = read_timeline(case)
    rows = rows_by_record(timeline)
    assert len(rows) == len(timeline.items) == 11
    strip = lambda row: {k: v for k, v in row.items() if k != "record_id"}  # noqa: E731
    # A day in Asia/Vladivostok (UTC+10) is 14:00Z the day before to 14:00Z.
    assert strip(rows[ids["summit"]]) == {
        "kind": "event", "start": "2023-09-12T14:00:00Z", "end": "2023-09-13T14:00:00Z",
        "precision": "day", "zone": "Asia/Vladivostok", "label": "Summit at Vostochny",
        "lane": "Events", "record_kind": "event", "published": None,
        "published_precision": None, "captured": []}
    # "September 2023" is the whole month, not its first midnight.
    assert (rows[ids["talks"]]["start"], rows[ids["talks"]]["end"], rows[ids["talks"]]["precision"]) == (
        "2023-09-01T00:00:00Z", "2023-10-01T00:00:00Z", "month")
    # 10:00 to 11:30 Vladivostok time, each known to the minute (the end's minute included).
    assert (rows[ids["press"]]["start"], rows[ids["press"]]["end"], rows[ids["press"]]["precision"]) == (
        "2023-09-13T00:00:00Z", "2023-09-13T01:31:00Z", "minute")
    assert (rows[ids["back"]]["start"], rows[ids["back"]]["zone"]) == ("2023-09-21T09:30:00Z", "Europe/Moscow")
    out, bering, back = ids["flights"]
    assert strip(rows[out]) == {
        "kind": "flight", "start": "2023-09-19T06:05:00Z", "end": "2023-09-19T13:47:20Z",
        "precision": "second", "zone": "UTC", "label": "UUWW → ZKPY RSD061", "lane": "RA-86496 (IL62)",
        "record_kind": "flight", "published": None, "published_precision": None, "captured": []}
    assert rows[bering]["label"] == "PANC → UHPP N7423C" and rows[bering]["lane"] == "N7423C (B738)"
    assert rows[back]["label"] == "ZKPY → UUWW RSD062"
    # The coverage gap at cruise, and the stay at ZKPY between the two flights.
    (gap,) = ids["gaps"]
    assert strip(rows[gap]) == {
        "kind": "gap", "start": "2023-09-19T07:05:00Z", "end": "2023-09-19T08:35:10Z",
        "precision": "second", "zone": "UTC", "label": "no data 1 h 30 min", "lane": "RA-86496 (IL62)",
        "record_kind": "coverage-gap", "published": None, "published_precision": None,
        "captured": []}
    (stay,) = ids["stays"]
    assert (rows[stay]["kind"], rows[stay]["label"], rows[stay]["start"], rows[stay]["end"],
            rows[stay]["record_kind"]) == ("ground-stay", "ZKPY 1 d 19 h", "2023-09-19T13:47:20Z",
                                           "2023-09-21T09:05:00Z", "ground-time")
    # Published 14 September (10:30 Moscow time), captured in December and in January.
    assert strip(rows[ids["article"]]) == {
        "kind": "source", "start": "2023-09-14T07:30:00Z", "end": "2024-01-15T16:20:00Z",
        "precision": "second", "zone": "UTC", "label": "Il-62M seen in Pyongyang", "lane": "Sources",
        "record_kind": "source", "published": "2023-09-14T07:30:00Z",
        "published_precision": "second", "captured": ["2023-12-03T09:00:00Z", "2024-01-15T16:20:00Z"]}
    assert (rows[ids["note"]]["published"], rows[ids["note"]]["captured"]) == (None, ["2023-09-25T08:00:00Z"])
    assert timeline.lanes == ["Events", "N7423C (B738)", "RA-86496 (IL62)", "Sources"]
    # What a click selects: a gap its flight, a stay its aircraft.
    items = {i.record_id: i for i in timeline.items}
    assert (items[gap].select_kind, items[gap].select_id) == ("flight", out)
    assert (items[stay].select_kind, items[stay].select_id) == ("aircraft", ids["aircraft"]["RA-86496"])


def test_partial_dates_in_a_dst_zone(ids, tmp_path):
    path = tmp_path / "dst.osintcase"
    shutil.copyfile(ids["path"], path)
    with Case.open(path, examiner="x") as case:
        autumn = add_event(case, "Clocks back in Berlin", "2023-10-29", zone="Europe/Berlin")
        summer = add_event(case, "Noon in Berlin", "2023-07-01T12:00", zone="Europe/Berlin")
        winter = add_event(case, "Noon in Berlin, winter", "2023-12-01T12:00", zone="Europe/Berlin")
        rows = rows_by_record(read_timeline(case, TimelineFilter(kinds=("event",))))
    # The day the clocks go back lasts 25 hours.
    assert (rows[autumn["uuid"]]["start"], rows[autumn["uuid"]]["end"]) == (
        "2023-10-28T22:00:00Z", "2023-10-29T23:00:00Z")
    assert rows[summer["uuid"]]["start"] == "2023-07-01T10:00:00Z"   # CEST, +02:00
    assert rows[winter["uuid"]]["start"] == "2023-12-01T11:00:00Z"   # CET, +01:00
    assert rows[summer["uuid"]]["precision"] == "minute"


def test_event_certainty_faded_and_solid_parts():
    from osintdesk.charts.timeline import event_item
    day = event_item({"uuid": "e1", "title": "A day", "start_text": "2023-09-13", "end_text": None,
                      "zone": "UTC"})
    assert day.certain_t is None   # known only to the day: all of it faded
    span = event_item({"uuid": "e2", "title": "Three days", "start_text": "2023-09-13",
                       "end_text": "2023-09-15", "zone": "UTC"})
    # The 14th is surely covered; the 13th and the 15th only perhaps.
    assert span.certain_t == (t("2023-09-14T00:00:00Z"), t("2023-09-15T00:00:00Z"))
    exact = event_item({"uuid": "e3", "title": "At noon", "start_text": "2023-09-13T12:00",
                        "end_text": None, "zone": "UTC"})
    assert exact.certain_t == (t("2023-09-13T12:00:00Z"), t("2023-09-13T12:01:00Z"))


def kinds_and_ids(timeline):
    return sorted((i.kind, i.record_id) for i in timeline.items)


def test_filter_by_window_and_kind(case, ids):
    window = read_timeline(case, TimelineFilter(t_from=parse_user_time("2023-09-20"),
                                                t_to=parse_user_time("2023-09-20", end_of_day=True)))
    got = {(i.kind, i.label) for i in window.items}
    # Overlapping the 20th: the month, the stay, N7423C's flight, the article (published before,
    # captured after); not the summit (13th) nor the outbound flight (19th).
    assert got == {("event", "Talks on aircraft"), ("ground-stay", "ZKPY 1 d 19 h"),
                   ("flight", "PANC → UHPP N7423C"), ("source", "Il-62M seen in Pyongyang")}
    only = read_timeline(case, TimelineFilter(kinds=("gap", "source")))
    assert {i.kind for i in only.items} == {"gap", "source"}
    assert only.lanes == ["RA-86496 (IL62)", "Sources"]


def test_filter_by_aircraft_and_entity(case, ids):
    plane = read_timeline(case, TimelineFilter(aircraft=("RA-86496",)))
    labels = {(i.kind, i.label) for i in plane.items}
    # Its flights, stay and gap; the events involving it; the sources naming it.
    assert ("flight", "PANC → UHPP N7423C") not in labels
    assert {("flight", "UUWW → ZKPY RSD061"), ("flight", "ZKPY → UUWW RSD062"), ("gap", "no data 1 h 30 min"),
            ("ground-stay", "ZKPY 1 d 19 h"), ("event", "Talks on aircraft"), ("event", "Return reported"),
            ("source", "Il-62M seen in Pyongyang"), ("source", "Analyst note on RSD062")} == labels
    putin = read_timeline(case, TimelineFilter(entities=(ids["putin"],)))
    # The events involving him, and the source cited for (and tied to) the summit.
    assert {(i.kind, i.label) for i in putin.items} == {
        ("event", "Summit at Vostochny"), ("event", "Press conference"),
        ("source", "Il-62M seen in Pyongyang")}
    by_hex = read_timeline(case, TimelineFilter(aircraft=("a9c2f1",), kinds=("flight",)))
    assert [i.label for i in by_hex.items] == ["PANC → UHPP N7423C"]


def test_filter_by_tag_selects_its_sources_and_what_they_are_about(case, ids):
    tagged = read_timeline(case, TimelineFilter(tag="pyongyang"))
    got = {(i.kind, i.label) for i in tagged.items}
    # The tagged article; the summit it is cited for and tied to; the aircraft it names.
    assert ("source", "Il-62M seen in Pyongyang") in got
    assert ("source", "Analyst note on RSD062") not in got
    assert ("event", "Summit at Vostochny") in got and ("event", "Press conference") not in got
    assert ("flight", "UUWW → ZKPY RSD061") in got and ("flight", "PANC → UHPP N7423C") not in got


@pytest.mark.parametrize("filt, message", [
    (TimelineFilter(aircraft=("ZZ-999",)), "no aircraft 'ZZ-999' in this case"),
    (TimelineFilter(entities=("nobody",)), "no entity 'nobody' in this case"),
    (TimelineFilter(tag="nothing"), "no source is tagged 'nothing'"),
    (TimelineFilter(kinds=("meeting",)), "--kind 'meeting' is not a kind of timeline item"),
    (TimelineFilter(t_from=2.0e9, t_to=1.0e9), "is before --from"),
])
def test_bad_filters_are_refused_by_name(case, filt, message):
    with pytest.raises(OsintdeskError, match=message):
        read_timeline(case, filt)


# --------------------------------------------------------------------------- the chart


def drawn(case, width=1200, height=560, **kw):
    timeline = read_timeline(case, kw.pop("filt", TimelineFilter()))
    fig = new_figure(width, height)
    return fig, draw_timeline(fig, timeline.items, timeline.lanes, **kw), timeline


def text_boxes(fig, texts):
    renderer = fig.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in texts if t.get_visible() and t.get_text()]


def test_the_axis_names_its_zone_and_ticks_follow_it(case):
    fig, info, _ = drawn(case)
    assert info.ax.get_xlabel() == "time (UTC)"
    fig, info, _ = drawn(case, zone="Asia/Vladivostok", t_from=parse_user_time("2023-09-19T00:00Z"),
                         t_to=parse_user_time("2023-09-19T06:00Z"))
    assert info.ax.get_xlabel() == "time (Asia/Vladivostok)"
    fig.canvas.draw()
    ticks = [x.get_text() for x in info.ax.get_xticklabels()]
    # 00:00 UTC is 10:00 in Vladivostok: the ticks are local hours.
    assert "10:00" in ticks and "16:00" in ticks, ticks


def test_labels_never_overprint_and_every_item_has_a_mark(case, tmp_path):
    fig, info, timeline = drawn(case)
    assert len(info.marks) == len(timeline.items)
    boxes = text_boxes(fig, info.labels + info.counts)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), "two labels overprint"
    save_figure(fig, tmp_path / "timeline.png")


def test_a_dense_period_stacks_and_counts_what_it_cannot_label(ids, tmp_path):
    path = tmp_path / "dense.osintcase"
    shutil.copyfile(ids["path"], path)
    with Case.open(path, examiner="x") as case:
        for i in range(60):
            add_event(case, f"Sighting number {i}", f"2023-09-19T{i // 6 + 6:02d}:{(i % 6) * 10:02d}")
        timeline = read_timeline(case, TimelineFilter(kinds=("event",)))
    fig = new_figure(900, 320)
    info = draw_timeline(fig, timeline.items, timeline.lanes)
    hidden = info.hidden.get("Events", 0)
    assert hidden > 0 and len(info.marks) == 64
    assert sum(int(c.get_text()[1:]) for c in info.counts) == hidden
    assert len([m for m in info.marks if m.labelled]) == 64 - hidden
    boxes = text_boxes(fig, info.labels + info.counts)
    assert all(not a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    save_figure(fig, tmp_path / "dense.png")


def test_a_gap_is_drawn_over_its_flight_and_hit_tests_find_items(case, ids):
    fig, info, _ = drawn(case, t_from=parse_user_time("2023-09-19T05:00Z"),
                         t_to=parse_user_time("2023-09-19T15:00Z"))
    marks = {m.item.record_id: m for m in info.marks}
    gap, flight = marks[ids["gaps"][0]], marks[ids["flights"][0]]
    assert gap.y == flight.y and flight.x0 < gap.x0 < gap.x1 < flight.x1
    # Inside the gap the chart answers "gap", not the flight around it.
    middle = (gap.x0 + gap.x1) / 2
    assert info.item_at(middle, gap.y).kind == "gap"
    assert info.item_at(flight.x0 + 0.1 * (gap.x0 - flight.x0), flight.y).record_id == ids["flights"][0]
    assert info.item_at(flight.x0, flight.y + 10) is None
    assert info.highlight([("flight", ids["flights"][0])]) == 2   # the flight and its gap
    assert info.highlight([]) == 0


def test_nothing_to_show_says_so(case):
    fig, info, _ = drawn(case, filt=TimelineFilter(t_from=parse_user_time("2030-01-01")))
    assert info.empty and info.message == "Nothing to show on the timeline"


def test_describe_a_source_in_a_zone():
    item = TimelineItem("source", t("2023-09-14T07:30:00Z"), t("2023-12-03T09:00:00Z"), "second",
                        "Article", "Sources", "source", "s1", "source", "s1",
                        published_t=t("2023-09-14T07:30:00Z"), captured_t=(t("2023-12-03T09:00:00Z"),))
    assert item.describe("Europe/Berlin") == ("source · Article  ·  published 2023-09-14 09:30 +02:00 "
                                              "Europe/Berlin  ·  captured 2023-12-03 10:00 +01:00 Europe/Berlin")


def test_a_flight_label_inside_its_bar_stays_clear_of_its_gap(case, ids):
    fig, info, _ = drawn(case, t_from=parse_user_time("2023-09-19T05:00Z"),
                         t_to=parse_user_time("2023-09-19T15:00Z"))
    gap = next(m for m in info.marks if m.item.kind == "gap")
    (label,) = [t for t in info.labels if t.get_text() == "UUWW → ZKPY RSD061"]
    assert label.get_color() == "white"            # inside the bar...
    assert label.get_position()[0] >= gap.x1       # ...after the gap, not over its hatching


def test_empty_event_and_source_lanes_show_only_when_asked_for(case):
    assert read_timeline(case, TimelineFilter(kinds=("flight",))).lanes == ["N7423C (B738)",
                                                                            "RA-86496 (IL62)"]
    later = TimelineFilter(t_from=parse_user_time("2030-01-01"), kinds=("event", "source"))
    assert read_timeline(case, later).lanes == ["Events", "Sources"]
    assert read_timeline(case, TimelineFilter(t_from=parse_user_time("2030-01-01"))).lanes == []


def _add_dated_pages(ids, tmp_path) -> tuple:
    """The timeline case with two more pages: one dated by its day alone, one by a time with
    its offset. Returns (path, the day page's id, the date-time page's id)."""
    from osintdesk.sources.local_files import add_files
    path = tmp_path / "dated.osintcase"
    shutil.copyfile(ids["path"], path)
    day = tmp_path / "day.html"
    day.write_bytes(b"<html><head><title>Dated by day</title><meta name='date' content='2023-09-22'>"
                    b"</head><body><article><p>RA-86496 seen.</p></article></body></html>")
    timed = tmp_path / "timed.html"
    timed.write_bytes(b"<html><head><title>Dated to the second</title><meta property="
                      b"'article:published_time' content='2023-09-22T10:30:00+02:00'></head>"
                      b"<body><article><p>RA-86496 seen.</p></article></body></html>")
    with Case.open(path, examiner="x") as case:
        add_files(case, [day, timed])
        found = dict(case.db.execute("SELECT name, uuid FROM sources WHERE name IN (?, ?)",
                                     ["day.html", "timed.html"]).fetchall())
    return path, found["day.html"], found["timed.html"]


def test_a_publication_known_to_the_day_is_that_day(ids, tmp_path):
    path, day_id, timed_id = _add_dated_pages(ids, tmp_path)
    with Case.open(path, examiner="x", readonly=True) as case:
        timeline = read_timeline(case, TimelineFilter(kinds=("source",)))
    items = {i.record_id: i for i in timeline.items}
    rows = rows_by_record(timeline)
    # A day alone: the whole of that day (UTC, as the page gives no zone), said to be a day.
    day = items[day_id]
    assert (day.published_t, day.published_end_t, day.published_precision, day.published_text) == (
        t("2023-09-22T00:00:00Z"), t("2023-09-23T00:00:00Z"), "day", "2023-09-22")
    assert (rows[day_id]["published"], rows[day_id]["published_precision"], rows[day_id]["start"]) == (
        "2023-09-22", "day", "2023-09-22T00:00:00Z")
    assert "published 2023-09-22 (known to the day)" in day.describe("Europe/Berlin")
    # A date-time with its offset: that second, in UTC.
    timed = items[timed_id]
    assert (timed.published_t, timed.published_precision) == (t("2023-09-22T08:30:00Z"), "second")
    assert (rows[timed_id]["published"], rows[timed_id]["published_precision"]) == (
        "2023-09-22T08:30:00Z", "second")
    # Drawn: the ◇ at the day's start, and over a few days the day as a faded span.
    from osintdesk.charts.timeline import plan_timeline
    plan = plan_timeline(timeline.items, timeline.lanes, size_px=(1600, 520), dpi=100,
                         t_from=t("2023-09-20T00:00:00Z"), t_to=t("2023-09-26T00:00:00Z"))
    mark = next(m for m in plan.marks if m.item.record_id == day_id)
    import matplotlib.dates as mdates
    start = mdates.date2num(datetime(2023, 9, 22, tzinfo=UTC))
    assert any(abs(x - start) < 1e-9 and y == mark.y for x, y in plan.published_xy)
    assert any(abs(v[0][0] - start) < 1e-9 and abs(v[1][0] - start - 1) < 1e-9
               for v in plan.published_verts)


def test_a_publication_known_to_the_day_has_its_timesketch_row(ids, tmp_path):
    import json
    from osintdesk.exports import timesketch
    from osintdesk.exports.base import make_scope, run_export
    path, day_id, _ = _add_dated_pages(ids, tmp_path)
    out = tmp_path / "out.jsonl"
    with Case.open(path, examiner="x", readonly=True) as case:
        run_export(case, timesketch.FORMAT, out, make_scope(case))
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    (published,) = [r for r in rows if r["record_id"] == day_id and r["timestamp_desc"] == "Publication"]
    assert (published["datetime"], published["precision"]) == ("2023-09-22T00:00:00+00:00", "day")


def test_a_source_label_on_its_own_line_sits_on_a_white_box(case):
    """The published→captured line must not show through the label's spaces."""
    timeline = read_timeline(case, TimelineFilter(kinds=("source",)))
    fig = new_figure(760, 380)
    info = draw_timeline(fig, timeline.items, timeline.lanes)
    (label,) = [x for x in info.labels if x.get_text() == "Il-62M seen in Pyongyang"]
    patch = label.get_bbox_patch()
    assert patch is not None and tuple(patch.get_facecolor()) == (1.0, 1.0, 1.0, 1.0)
    assert label.get_zorder() > 3  # over the source lines
    (other,) = [x for x in info.labels if x.get_text() == "Analyst note on RSD062"]
    assert other.get_bbox_patch() is None  # beside its mark: nothing to hide


def test_fitting_height_leaves_no_white_under_the_lanes(case):
    from osintdesk.charts.timeline import fitting_height_px, plan_timeline
    from osintdesk.charts.timeline.plan import MAX_ROW_PX
    timeline = read_timeline(case)
    height = fitting_height_px(timeline.items, timeline.lanes, width_px=1600)
    plan = plan_timeline(timeline.items, timeline.lanes, size_px=(1600, height))
    used = plan.lanes[-1][2]
    assert plan.rows == pytest.approx(used, abs=0.1)           # the lanes fill the axes
    ax_h = plan.rect[3] * height
    assert ax_h / plan.rows == pytest.approx(MAX_ROW_PX, abs=2)  # rows at their full height
    # Nothing to show: the smallest figure.
    assert fitting_height_px([], [], width_px=1600) == 240


LONG_TITLE = "Delegation of the defence ministry lands at Sunan International Airport"


def test_a_long_label_is_whole_in_the_rows_and_cut_only_where_it_would_not_fit(ids, tmp_path):
    path = tmp_path / "long.osintcase"
    shutil.copyfile(ids["path"], path)
    with Case.open(path, examiner="x") as case:
        add_event(case, LONG_TITLE, "2023-09-19T06:00Z")
        timeline = read_timeline(case, TimelineFilter(kinds=("event",)))
    (item,) = [i for i in timeline.items if i.label.startswith("Delegation")]
    assert item.label == LONG_TITLE and item.as_row()["label"] == LONG_TITLE
    assert LONG_TITLE in item.describe()
    # The event near the axis' left end: its label goes right of it, whole when there is room.
    window = {"t_from": parse_user_time("2023-09-19T05:50Z"), "t_to": parse_user_time("2023-09-19T07:00Z")}
    wide = draw_timeline(new_figure(1000, 300), timeline.items, timeline.lanes, **window)
    assert LONG_TITLE in [x.get_text() for x in wide.labels]
    narrow = draw_timeline(new_figure(500, 300), timeline.items, timeline.lanes, **window)
    texts = [x.get_text() for x in narrow.labels]
    assert LONG_TITLE not in texts
    (cut,) = [x for x in texts if x.startswith("Delegation")]
    assert cut.endswith("…") and LONG_TITLE.startswith(cut[:-1])
