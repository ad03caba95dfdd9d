"""Entity suggestions from the identifiers found in sources and from a selection in the
viewer, accepted with the source cited (domain level, on the story case)."""

from __future__ import annotations

import pytest

from osintdesk.errors import InputError, OsintdeskError
from osintdesk.findings import queries
from osintdesk.findings.suggestions import accept_suggestion, suggest_from_selection, suggestions
from osintdesk.flights.ingest import import_flight_file
from osintdesk.sources import queries as source_queries
from osintdesk.sources.local_files import add_files
from osintdesk.verification import verify_case
from tests.support import flight_samples

from .conftest import OUT_T
from .test_findings import article_source, state


def add_page(case, tmp_path, name, body):
    page = tmp_path / name
    page.write_text(f"<html><body><p>{body}</p></body></html>", encoding="utf-8")
    add_files(case, [page])
    return next(s for s in source_queries.list_sources(case) if s["name"] == name)


def test_a_selection_becomes_an_entity_with_the_passage_cited(case):
    capture = article_source(case)["latest_capture"]
    text = source_queries.capture_text(case, capture)
    start = text.index("Russian Air Force")
    suggestion = suggest_from_selection(case, capture, start, start + len("Russian Air Force"),
                                        "Organization")
    assert (suggestion.schema, suggestion.name) == ("Organization", "Russian Air Force")
    entity = accept_suggestion(case, suggestion)
    [citation] = queries.citations_of(case, entity.id)
    assert (citation["target_uuid"], citation["quote"]) == (capture, "Russian Air Force")
    assert (citation["quote_start"], citation["quote_end"]) == (start, start + 17)
    assert verify_case(case).ok


def test_a_selection_is_named_without_its_surrounding_space(case):
    capture = article_source(case)["latest_capture"]
    text = source_queries.capture_text(case, capture)
    start = text.index(" Vostochny")
    suggestion = suggest_from_selection(case, capture, start, start + len(" Vostochny"), "Address")
    assert suggestion.name == "Vostochny"
    assert (suggestion.found_at[0]["text"], suggestion.found_at[0]["start"]) == ("Vostochny", start + 1)
    place = accept_suggestion(case, suggestion)
    assert place.schema == "Address" and place.caption == "Vostochny"
    assert queries.citations_of(case, place.id)[0]["quote"] == "Vostochny"
    assert verify_case(case).ok


@pytest.mark.parametrize("span, schema, message", [
    ((5, 5), "Person", "the selection 5-5 is outside the text"),
    ((0, 10_000), "Person", "is outside the text of capture"),
    ((0, 4), "Spaceship", "unknown schema 'Spaceship'"),
])
def test_a_bad_selection_is_refused(case, span, schema, message):
    capture = article_source(case)["latest_capture"]
    before = state(case)
    with pytest.raises(OsintdeskError, match=message):
        suggest_from_selection(case, capture, *span, schema)
    assert state(case) == before


def test_a_blank_selection_is_refused(case):
    capture = article_source(case)["latest_capture"]
    text = source_queries.capture_text(case, capture)
    space = text.index(" ")
    with pytest.raises(InputError, match="holds no text"):
        suggest_from_selection(case, capture, space, space + 1)


def test_a_mode_s_address_alone_becomes_an_aircraft_its_tracks_land_on(case, tmp_path):
    add_page(case, tmp_path, "sighting.html", "An aircraft with Mode S hex 15BBBB circled Vladivostok.")
    [suggestion] = [s for s in suggestions(case) if s.kind == "aircraft"]
    assert (suggestion.name, suggestion.properties) == ("15bbbb", [("icao24", "15bbbb")])
    plane = accept_suggestion(case, suggestion)
    assert plane.kind == "aircraft" and "registrationNumber" not in plane.properties
    points = flight_samples.synthetic_flight("UHWW", "UHWW", OUT_T + 86400, hex="15bbbb")
    import_flight_file(case, flight_samples.write_readsb_trace(tmp_path / "trace_full_15bbbb.json",
                                                               points, hex="15bbbb", registration=None))
    assert len(queries.list_entities(case, "Airplane")) == 2
    assert not [s for s in suggestions(case) if s.kind == "aircraft"]
    assert verify_case(case).ok


def test_callsigns_go_to_an_aircraft_only_when_the_capture_names_one(case, tmp_path):
    add_page(case, tmp_path, "two.html", "The aircraft RA-86496 and RA-86559 flew as callsign RSD077.")
    found = suggestions(case)
    assert [s.label for s in found] == ["Airplane RA-86559 (registrationNumber=RA-86559)"]
    add_page(case, tmp_path, "one.html", "The aircraft RA-86496 flew as callsign RSD077 today.")
    found = suggestions(case)
    assert [s.label for s in found][-1] == "RA-86496: add callsigns=RSD077"
    # A callsign the tracks already show is no news.
    add_page(case, tmp_path, "known.html", "The aircraft RA-86496 flew as callsign RSD001 again.")
    assert "RA-86496: add callsigns=RSD001" not in [s.label for s in suggestions(case)]


def test_accepting_twice_is_refused_and_writes_nothing(case, tmp_path):
    add_page(case, tmp_path, "registry.html", "Aircraft RA-86559 is an Il-62M of the air force.")
    [suggestion] = suggestions(case)
    accept_suggestion(case, suggestion)
    before = state(case)
    with pytest.raises(InputError, match="an aircraft with registration RA-86559 is already"):
        accept_suggestion(case, suggestion)
    assert state(case) == before
