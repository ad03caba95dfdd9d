"""Hits connect sources to the case: an article naming an aircraft is listed with that aircraft and
its flights; notes, tags and grading are audited; what changed between two captures."""

from __future__ import annotations

import pytest

from osintdesk.sources.acquire.web import CaptureSettings
from osintdesk.errors import InputError
from tests.support import flight_samples
from osintdesk.flights.ingest import import_flight_file
from osintdesk.sources.local_files import add_files
from osintdesk.sources.annotations import add_note, add_tag, edit_note, remove_tag, set_assessment
from osintdesk.sources.diff import diff_captures
from osintdesk.sources.queries import (aircraft_for_source, list_sources, notes_of, resolve_source,
                                       sources_for_aircraft, sources_for_flight, tags_of)
from osintdesk.sources.web_capture import capture
from osintdesk.store import verify_case

from tests.support import source_samples as samples
from tests.support.source_server import case_state


@pytest.fixture
def with_flights(case, tmp_path):
    out = flight_samples.synthetic_flight("UUWW", "ZKPY")
    back = flight_samples.synthetic_flight("ZKPY", "UUWW", start_t=out[-1].t + 2 * 86400)
    trace = flight_samples.write_readsb_trace(tmp_path / "trace_full_155abc.json", out + back)
    import_flight_file(case, trace)
    return case


def _article(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_article_naming_an_aircraft_is_listed_with_it_and_its_flights(with_flights, tmp_path):
    case = with_flights
    [aircraft] = list(case.db.query("SELECT * FROM aircraft"))
    named = _article(tmp_path, "named.txt",
                     "On 2 January 2024 the Il-62M RA86496 flew from Moscow to Pyongyang.")
    by_hex = _article(tmp_path, "hex.txt", "Trackers saw Mode-S hex 155ABC over the Sea of Japan.")
    other = _article(tmp_path, "other.txt", "The Tu-214 RF-64519 waited in Vladivostok.")
    outcomes = add_files(case, [named, by_hex, other])
    ids = [o.sources[0]["uuid"] for o in outcomes]

    rows = sources_for_aircraft(case, aircraft["uuid"])
    assert {r["uuid"] for r in rows} == {ids[0], ids[1]}
    first = next(r for r in rows if r["uuid"] == ids[0])
    assert [(m["kind"], m["value"], m["text"]) for m in first["mentions"]] == [
        ("registration", "RA-86496", "RA86496")]
    assert first["flight_dates"] == ["2024-01-02"]

    [linked] = aircraft_for_source(case, ids[0])
    assert linked["uuid"] == aircraft["uuid"] and len(linked["flights"]) == 2
    assert linked["flights"][0]["origin"] == "UUWW"
    assert aircraft_for_source(case, ids[2]) == []

    flights = [f["uuid"] for f in linked["flights"]]
    for_first = sources_for_flight(case, flights[0])
    assert for_first[0]["uuid"] == ids[0] and for_first[0]["flight_dates"] == ["2024-01-02"]
    assert sources_for_flight(case, flights[1])[0]["flight_dates"] == []
    assert verify_case(case).ok


def test_unknown_aircraft_or_flight(case):
    with pytest.raises(InputError, match="no such aircraft"):
        sources_for_aircraft(case, "nope")
    with pytest.raises(InputError, match="no such flight"):
        sources_for_flight(case, "nope")


# ----------------------------------------------------------------------------- annotations


@pytest.fixture
def source(case, tmp_path):
    [outcome] = add_files(case, [_article(tmp_path, "story.txt", samples.STORY_TEXT)])
    return outcome.sources[0]["uuid"]


def test_notes_tags_and_grading_are_audited(case, source):
    note = add_note(case, source, "  Check the arrival time against ADS-B.  ")
    assert note["text"] == "Check the arrival time against ADS-B."
    assert note["examiner"] == "Test Examiner" and note["created_utc"]
    edit_note(case, note["uuid"], "Arrival confirmed by ADS-B.")
    edit = [e for e in case.audit_entries() if e.action == "edit" and e.object_type == "note"][0]
    assert edit.details["changes"]["text"]["old"] == "Check the arrival time against ADS-B."
    assert [n["text"] for n in notes_of(case, source)] == ["Arrival confirmed by ADS-B."]

    tag, added = add_tag(case, source, "  Il-62   Sunan ")
    assert added and tag["tag"] == "Il-62 Sunan"
    assert add_tag(case, source, "Il-62 Sunan")[1] is False
    assert remove_tag(case, source, "Il-62 Sunan") and tags_of(case, source) == []
    assert not remove_tag(case, source, "Il-62 Sunan")

    graded = set_assessment(case, source, "b", "2", reason="state media, usually right")
    assert (graded["reliability"], graded["credibility"]) == ("B", 2)
    assert graded["assessed_by"] == "Test Examiner"
    assert list_sources(case)[0]["grading"] == "B2"
    cleared = set_assessment(case, source, None, None)
    assert cleared["reliability"] is None and list_sources(case)[0]["grading"] == ""
    assert verify_case(case).ok


@pytest.mark.parametrize("call,message", [
    (lambda c, s: add_note(c, s, "   "), "empty"),
    (lambda c, s: add_note(c, "no-such-source", "x"), "no such source"),
    (lambda c, s: add_tag(c, s, ""), "empty"),
    (lambda c, s: add_tag(c, s, "x" * 61), "at most"),
    (lambda c, s: set_assessment(c, s, "G", 1), "A, B, C, D, E, F"),
    (lambda c, s: set_assessment(c, s, "A", 7), "1 to 6"),
    (lambda c, s: set_assessment(c, s, "A", "two"), "1 to 6"),
])
def test_bad_annotations_change_nothing(case, source, call, message):
    before = case_state(case)
    with pytest.raises(InputError, match=message):
        call(case, source)
    assert case_state(case) == before


def test_resolve_source(case, source):
    assert resolve_source(case, source)["uuid"] == source
    assert resolve_source(case, source[:6])["uuid"] == source
    assert resolve_source(case, "story.txt")["uuid"] == source
    with pytest.raises(InputError, match="no source"):
        resolve_source(case, "nothing-like-it")


# ----------------------------------------------------------------------------- what changed


def test_what_changed_between_two_captures(case, page_server, session):
    page_server.changing_hits = 0
    url = page_server.base_url + "/changing"
    [first] = capture(case, [url], CaptureSettings(), session)
    [second] = capture(case, [url], CaptureSettings(), session)
    assert second.source_uuid == first.source_uuid
    result = diff_captures(case, first.capture_uuid, second.capture_uuid)
    assert not result.same_body and not result.same_text
    assert result.fields["title"] == ("Sunan arrivals", "Sunan arrivals (updated)")
    changed = [(l.op, l.text) for l in result.lines if l.op != "equal"]
    assert ("delete", "The Il-62M RA-86496 landed at Pyongyang Sunan at 18:45 local time.") in changed
    assert ("insert", "Update: a second aircraft, P-885, followed.") in changed
    words = next(l.words for l in result.lines if l.op == "insert" and "19:10" in l.text)
    assert ("insert", "19") in words
    assert "-The Il-62M RA-86496 landed at Pyongyang Sunan at 18:45" in result.unified()
    assert result.added == 2 and result.removed == 1

    [third] = capture(case, [url], CaptureSettings(), session)
    same = diff_captures(case, second.capture_uuid, third.capture_uuid)
    assert same.same_body and same.summary() == "the two captures received identical bytes"
    with pytest.raises(InputError):
        diff_captures(case, first.capture_uuid, first.capture_uuid)
