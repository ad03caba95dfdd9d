"""The Timesketch timelines (JSON lines and CSV), checked by Timesketch's own import rules
(``timesketch_rules``) and read back with the json and csv modules: every moment of the
timeline, hostile text unchanged, the filters."""

from __future__ import annotations

import io
import json

import pytest

from osintdesk.charts.timeline.items import read_timeline
from osintdesk.exports import registry, timesketch
from osintdesk.exports.base import make_scope, run_export
from osintdesk.exports.content import select
from osintdesk.findings import queries as finding_queries
from osintdesk.flights import queries as flight_queries
from osintdesk.sources import queries as source_queries
from osintdesk.timefmt import parse_user_time

from .timesketch_rules import Rejected, check_csv, check_jsonl

TITLE = '=HYPERLINK("x"), Refit,\r\n Minsk "\u2028 -2+3'
BOTH = [(timesketch.FORMAT, check_jsonl), (timesketch.CSV_FORMAT, check_csv)]


def export(case, tmp_path, fmt=timesketch.FORMAT, **filters):
    out = tmp_path / f"out.{fmt.extension}"
    result = run_export(case, fmt, out, make_scope(case, **filters))
    check = check_jsonl if fmt is timesketch.FORMAT else check_csv
    # Timesketch reads its uploads as UTF-8; the CSV module needs the file's own newlines
    return result, check(out.read_bytes().decode("utf-8"))


def moments(rows, record_id) -> list[tuple[str, str]]:
    return [(r["timestamp_desc"], r["datetime"]) for r in rows if r["record_id"] == record_id]


@pytest.mark.parametrize("fmt, check", BOTH, ids=["jsonl", "csv"])
def test_every_moment_of_the_timeline_passes_timesketchs_rules(story, tmp_path, fmt, check):
    case, ids, hostile = story
    result, rows = export(case, tmp_path, fmt)
    assert result.counts == {"items": 9, "rows": len(rows), "event": 2, "flight": 3,
                             "gap": 1, "ground-stay": 1, "source": 2}
    assert [r["timestamp"] for r in rows] == sorted(r["timestamp"] for r in rows)
    for flight in flight_queries.select_flights(case):
        assert moments(rows, flight["uuid"]) == [
            ("Flight departure", flight["departure_utc"].replace("Z", "+00:00")),
            ("Flight arrival", flight["arrival_utc"].replace("Z", "+00:00"))]
    stays = [r for r in rows if r["record_kind"] == "ground-time"]
    assert [r["timestamp_desc"] for r in stays] == ["Arrival at airport", "Departure from airport"]
    gaps = [r for r in rows if r["record_kind"] == "coverage-gap"]
    assert [r["timestamp_desc"] for r in gaps] == ["Coverage lost", "Coverage regained"]
    # a day-precise event says so; the crossing, given to the minute in Kamchatka time,
    # is at its UTC moment
    [landing] = [r for r in rows if r["record_id"] == ids["landing"]]
    assert (landing["timestamp_desc"], landing["datetime"], landing["precision"]) == \
        ("Event start", "2024-01-02T00:00:00+00:00", "day")
    assert landing["message"].endswith("(known to the day: 2024-01-02)")
    assert moments(rows, ids["crossing"]) == [("Event start", "2024-01-02T22:00:00+00:00")]
    # each capture of a source is a row
    captures = {s["uuid"]: s["captured"] for s in source_queries.timeline_sources(case)}
    for key in ("article", "caption"):
        assert [d for d, _ in moments(rows, ids[key])] == ["Capture"] * len(captures[ids[key]])
    # the record and where the file comes from, on every row
    assert all(r["case_uuid"] == ids["case_uuid"] and r["app"].startswith("osintdesk ")
               and r["audit_head"].split(":")[0].isdigit() for r in rows)
    # text as stored, whatever it holds (quotes, newlines, commas, formula prefixes, RTL)
    titles = {e["uuid"]: e["title"] for e in finding_queries.events(case)}
    assert landing["name"] == titles[ids["landing"]]
    assert landing["message"].startswith(f"Event start: {titles[ids['landing']]}")
    if hostile:
        assert landing["name"][0] == "+" and "\n" in landing["name"]
        assert all(not r["message"].startswith(("=", "+", "-", "@")) for r in rows)


def test_jsonl_and_csv_hold_the_same_rows(plain_story, tmp_path):
    case, _ = plain_story
    _, lines = export(case, tmp_path)
    _, table = export(case, tmp_path, timesketch.CSV_FORMAT)
    assert len(lines) == len(table)
    for line, row in zip(lines, table):
        assert {k: str(v) for k, v in line.items() if v != ""} == {k: str(v) for k, v in row.items()}


def test_an_event_with_an_end_and_a_published_page_give_their_rows(plain_story, tmp_path):
    """Rows built from timeline items the story lacks: an event known to the month with an
    end, a page with its publication date and two captures."""
    from osintdesk.charts.timeline.items import TimelineItem
    from osintdesk.exports.base import Provenance
    case, ids = plain_story
    rows = timesketch._Rows(case, Provenance.of(case))
    rows.events["e"] = {"title": TITLE, "start_text": "2023-09", "end_text":
                        "2023-10-20T10:30", "zone": "Europe/Minsk"}
    event = TimelineItem("event", 0.0, 1.0, "month", "Refit", "Events", "event", "e", "event", "e",
                         zone="Europe/Minsk")
    got = [(r["timestamp_desc"], r["datetime"], r["precision"]) for r in rows.of(event)]
    assert got == [("Event start", "2023-08-31T21:00:00+00:00", "month"),
                   ("Event end", "2023-10-20T07:30:00+00:00", "minute")]
    assert rows.of(event)[0]["message"] == \
        f"Event start: {TITLE} (known to the month: September 2023 (Europe/Minsk))"
    rows.sources["s"] = {"title": "", "name": "page.html", "published_date": "2023-09-13"}
    page = TimelineItem("source", 0.0, 1.0, "day", "page", "Sources", "source", "s", "source", "s",
                        published_t=1694563200.0, published_precision="day",
                        captured_t=(1700000000.0, 1700086400.5))
    got = [(r["timestamp_desc"], r["datetime"], r["timestamp"]) for r in rows.of(page)]
    assert got == [("Capture", "2023-11-14T22:13:20+00:00", 1700000000000000),
                   ("Capture", "2023-11-15T22:13:20.500000+00:00", 1700086400500000),
                   ("Publication", "2023-09-13T00:00:00+00:00", 1694563200000000)]
    assert rows.of(page)[2]["message"] == "Publication: page.html (known to the day: 2023-09-13)"
    every = rows.of(event) + rows.of(page)
    assert check_jsonl("".join(json.dumps(r) + "\n" for r in every)) == every
    table = io.StringIO(newline="")
    timesketch.write_csv_rows(table, every)
    read = check_csv(table.getvalue())
    assert [r["name"] for r in read] == [TITLE, TITLE, "page.html", "page.html", "page.html"]


@pytest.mark.parametrize("bad, message", [
    ('{"datetime": "2024-01-02T00:00:00+00:00", "timestamp_desc": "x"}\n', "missing field"),
    ('{"message": "m", "datetime": "2024-01-02T00:00:00", "timestamp_desc": "x"}\n', "no offset"),
    ('{"message": "m", "datetime": "2 Jan", "timestamp_desc": "x"}\n', "not ISO 8601"),
    ('{"message": "m", "datetime": "2024-01-02T00:00:00Z", "timestamp_desc": "x", '
     '"timestamp": 1704153600}\n', "microseconds"),
    ('{"message": "m", "datetime": "2024-01-02T00:00:00Z", "timestamp_desc": "x", '
     '"_index": "i"}\n', "removes"),
    ('{"message": "a\u2028b", "datetime": "2024-01-02T00:00:00Z", "timestamp_desc": "x"}\n',
     "not JSON"),
])
def test_the_jsonl_rules_refuse_what_timesketch_refuses(bad, message):
    with pytest.raises(Rejected, match=message):
        check_jsonl(bad)


@pytest.mark.parametrize("bad, message", [
    ("message,datetime\r\nm,2024-01-02T00:00:00+00:00\r\n", "Missing mandatory"),
    ("\ufeffmessage,datetime,timestamp_desc\r\nm,2024-01-02T00:00:00+00:00,x\r\n", "byte order"),
    ("message,datetime,timestamp_desc\r\nm,,x\r\n", "datetime reads as missing"),
    ("message,datetime,timestamp_desc\r\nNA,2024-01-02T00:00:00+00:00,x\r\n", "missing"),
    ('message,datetime,timestamp_desc\r\n"a\nb",2024-01-02T00:00:00+00:00\r\n', "cells"),
])
def test_the_csv_rules_refuse_what_timesketch_refuses(bad, message):
    with pytest.raises(Rejected, match=message):
        check_csv(bad)


def test_filters_choose_the_rows(plain_story, tmp_path):
    case, ids = plain_story
    _, rows = export(case, tmp_path, aircraft=["N7423C"])
    flights = {f["uuid"] for f in flight_queries.select_flights(case, aircraft_uuids=[ids["b738"]])}
    assert {r["record_id"] for r in rows if r["record_kind"] == "flight"} == flights
    assert {r["aircraft_uuid"] for r in rows if r["aircraft_uuid"]} == {ids["b738"]}
    assert ids["crossing"] in {r["record_id"] for r in rows}
    assert ids["landing"] not in {r["record_id"] for r in rows}

    # a tag: the tagged article, the landing that cites it, the flights of the aircraft
    # its citing link names; not the caption, not the Bering crossing
    (tmp_path / "tag").mkdir()
    _, rows = export(case, tmp_path / "tag", tag="pyongyang")
    kept = {r["record_id"] for r in rows}
    assert {ids["article"], ids["landing"]} <= kept
    assert not {ids["caption"], ids["crossing"]} & kept
    assert {r["aircraft_uuid"] for r in rows if r["aircraft_uuid"]} == {ids["il62"]}

    # a window: only what overlaps it
    start = parse_user_time("2024-01-04", "--from")
    end = parse_user_time("2024-01-04", "--to", end_of_day=True)
    (tmp_path / "day").mkdir()
    _, rows = export(case, tmp_path / "day", t_from=start, t_to=end)
    held = select(case, make_scope(case, t_from=start, t_to=end))
    timeline = read_timeline(case, timesketch.timeline_filter(make_scope(case)))
    overlapping = {i.record_id for i in timeline.items
                   if i.end_t >= start and i.start_t <= end}
    chosen = {r["uuid"] for r in held.events + held.sources + held.flights}
    kept = {r["record_id"] for r in rows}
    assert chosen <= kept <= overlapping and kept   # the records every format holds


def test_both_formats_are_listed_with_their_extensions():
    listed = {f.name: f.extension for f in registry.FORMATS}
    assert listed["timesketch"] == "jsonl" and listed["timesketch-csv"] == "csv"
