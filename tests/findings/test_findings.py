"""Entities, links, events, claims and citations on a real case file."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from osintdesk.errors import InputError, OsintdeskError
from osintdesk.findings import queries, views
from osintdesk.findings.citations import find_quote
from osintdesk.findings.claims import add_claim, make_assertion
from osintdesk.findings.entities import add_entity, merge_entities, place_for_airport, set_properties
from osintdesk.findings.events import add_event
from osintdesk.findings.links import add_link
from osintdesk.findings.ties import tie_source, untie
from osintdesk.flights.ingest import import_flight_file
from osintdesk.sources import queries as source_queries
from osintdesk.verification import verify_case
from tests.support import flight_samples

from .conftest import OUT_T


def state(case):
    """What must not move when a change is refused: the file's bytes and the audit count."""
    case.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return hashlib.sha256(case.path.read_bytes()).hexdigest(), case.audit_count()


def article_source(case):
    return next(s for s in source_queries.list_sources(case) if s["name"] == "article.html")


def test_aircraft_are_airplane_entities(case):
    [plane] = queries.list_entities(case, "Airplane")
    assert plane.kind == "aircraft" and plane.properties["registrationNumber"] == ["RA-86496"]
    assert plane.extra["icao24"] == "155abc"
    assert queries.resolve_entity_id(case, "ra-86496") == plane.id
    assert queries.resolve_entity_id(case, "155ABC") == plane.id


def test_entity_with_ftm_properties_is_audited_and_verified(case):
    air_force = add_entity(case, "Organization", "Russian Air Force", [("country", "RU")])
    assert air_force.properties == {"country": ["ru"], "name": ["Russian Air Force"]}
    last = list(case.audit_entries())[-1]
    assert (last.action, last.object_type, last.object_id) == ("create", "entity", air_force.id)
    assert verify_case(case).ok


@pytest.mark.parametrize("schema, props, message", [
    ("Spaceship", [], "unknown schema 'Spaceship'"),
    ("Person", [("tailNumber", "x")], "Person has no property 'tailNumber'"),
    ("Person", [("birthDate", "sometime")], "--prop birthDate 'sometime' is not a date"),
    ("Ownership", [], "'Ownership' is not an entity schema"),
    ("Event", [], "an event is not added as an entity: `osintdesk event add`"),
])
def test_bad_entity_is_refused_and_nothing_written(case, schema, props, message):
    before = state(case)
    with pytest.raises(OsintdeskError, match=message):
        add_entity(case, schema, "X", props)
    assert state(case) == before


def test_aircraft_added_by_hand_receives_its_later_tracks(case, tmp_path):
    hand = add_entity(case, "Airplane", "RA-86559", [("model", "Il-62M"), ("icaoCode", "IL62")])
    assert hand.kind == "aircraft" and hand.properties["model"] == ["Il-62M"]
    points = flight_samples.synthetic_flight("UUWW", "UHWW", OUT_T + 30 * 86400, hex="15aaaa")
    path = flight_samples.write_readsb_trace(tmp_path / "trace_full_15aaaa.json", points,
                                             hex="15aaaa", registration="RA-86559")
    import_flight_file(case, path)
    plane = queries.get_entity(case, hand.id)
    assert plane.extra["icao24"] == "15aaaa"
    assert len(queries.list_entities(case, "Airplane")) == 2
    assert verify_case(case).ok


def test_airport_place_is_made_once(case):
    first = place_for_airport(case, "ZKPY")
    assert first.schema == "Address" and first.extra == {"iata": "FNJ", "icao": "ZKPY"}
    assert float(first.properties["latitude"][0]) == pytest.approx(39.22, abs=0.1)
    assert place_for_airport(case, "FNJ").id == first.id
    with pytest.raises(InputError, match="no airport 'ZZZZ'"):
        place_for_airport(case, "ZZZZ")


def test_merge_keeps_the_merged_id_valid(case):
    shoigu = add_entity(case, "Person", "Sergei Shoigu")
    again = add_entity(case, "Person", "S. K. Shoigu", [("nationality", "ru")])
    claim = add_claim(case, "Shoigu visited Pyongyang in July 2023.", cite=[again.id])
    merged = merge_entities(case, shoigu.id, again.id)
    assert merged.properties["alias"] == ["S. K. Shoigu"] and merged.properties["nationality"] == ["ru"]
    assert queries.get_entity(case, again.id).id == shoigu.id
    assert queries.resolve_entity_id(case, again.id) == shoigu.id
    assert {c["kind"] for c in queries.cited_by(case, shoigu.id)} == {"claim"}
    assert queries.citations_of(case, claim["uuid"])[0]["target_uuid"] == again.id
    actions = [(e.action, e.object_type) for e in case.audit_entries()][-3:]
    assert actions == [("edit", "entity"), ("delete", "entity"), ("create", "entity-alias")]
    assert verify_case(case).ok


def test_merge_keeps_what_backed_the_merged_entity(case):
    """The merged entity's citations keep its id: the one it became lists them as its own."""
    from osintdesk.findings import views
    from osintdesk.findings.citations import add_citation
    shoigu = add_entity(case, "Person", "Sergei Shoigu")
    again = add_entity(case, "Person", "S. K. Shoigu")
    add_citation(case, "entity", again.id, article_source(case)["uuid"], quote="Il-62M landed")
    merge_entities(case, shoigu.id, again.id)
    [row] = [r for r in views.entity_rows(case, "Person") if r["id"] == shoigu.id]
    assert row["citations"] == 1
    [backed] = views.entity_detail(case, shoigu.id)["citations"]
    assert backed["owner_uuid"] == again.id and backed["quote"] == "Il-62M landed"


def test_hand_aircraft_merges_into_the_tracked_one(case):
    tracked = queries.resolve_entity_id(case, "155abc")
    hand = add_entity(case, "Airplane", "RF-86496", [("model", "Il-62M")])
    with pytest.raises(InputError, match="merge RF-86496 into RA-86496 instead"):
        merge_entities(case, hand.id, tracked)
    merged = merge_entities(case, tracked, hand.id)
    assert merged.id == tracked and queries.resolve_entity_id(case, hand.id) == tracked
    assert verify_case(case).ok


def test_link_checks_the_ends_of_the_edge(case):
    air_force = add_entity(case, "Organization", "Russian Air Force")
    plane = queries.resolve_entity_id(case, "RA-86496")
    link = add_link(case, air_force.id, plane, "operator", start="2010", cite=[plane])
    assert (link["schema"], link["role"], link["start_date"]) == ("UnknownLink", "operator", "2010")
    before = state(case)
    with pytest.raises(InputError, match="Ownership link's owner must be a LegalEntity"):
        add_link(case, plane, air_force.id, "Ownership")
    with pytest.raises(InputError, match="'nobody' is neither an entity of this case nor an airport"):
        add_link(case, "nobody", plane, "Associate")
    with pytest.raises(InputError, match="an Ownership link's asset must be an Asset, and '.*Sunan.*' is an Address"):
        add_link(case, air_force.id, "ZKPY", "Ownership")   # the place made for it goes again
    assert state(case) == before
    assert [r["uuid"] for r in queries.links(case, plane)] == [link["uuid"]]


def test_event_keeps_its_precision_and_zone(case):
    kim = add_entity(case, "Person", "Kim Jong Un")
    event = add_event(case, "Kim-Putin summit at Vostochny", "2023-09-13", zone="Asia/Vladivostok",
                      place="UHWW", involved=[kim.id])
    assert (event["start_text"], event["zone"]) == ("2023-09-13", "Asia/Vladivostok")
    place = queries.get_entity(case, event["place_uuid"])
    assert place.extra["icao"] == "UHWW"
    month = add_event(case, "Defence minister's visit", "July 2023")
    assert month["start_text"] == "2023-07"
    with pytest.raises(OsintdeskError, match="--start 'last autumn' is not a date"):
        add_event(case, "x", "last autumn")


def test_claim_quotes_a_capture_and_verify_catches_an_edited_quote(case):
    source = article_source(case)
    claim = add_claim(case, "An Il-62M landed at Sunan on 19 September 2023.",
                      confidence="very likely", cite=[source["uuid"]],
                      quote="landed at Pyongyang  Sunan on 19 September")
    [citation] = queries.citations_of(case, claim["uuid"])
    text = source_queries.capture_text(case, citation["target_uuid"])
    assert text[citation["quote_start"]:citation["quote_end"]] == citation["quote"]
    assert citation["quote"] == "landed at Pyongyang Sunan on 19 September"
    assert verify_case(case).ok
    # A careful edit: change the quote and re-hash nothing (the record check also fires),
    # then only the offsets, as an adversary who knows the record format might.
    with sqlite3.connect(case.path) as raw:
        raw.execute("UPDATE citations SET quote_start = quote_start + 3, quote_end = quote_end + 3")
    report = verify_case(case)
    assert not report.ok
    assert any("quoted passage no longer matches" in str(f) for f in report.failures)


def test_quote_not_in_the_capture_is_refused(case):
    before = state(case)
    with pytest.raises(InputError, match='the quote "landed in Wonsan" is not in the text'):
        add_claim(case, "It landed in Wonsan.", cite=[article_source(case)["uuid"]],
                  quote="landed in Wonsan")
    assert state(case) == before


def test_tie_shows_from_both_sides(case):
    source = article_source(case)
    plane = queries.resolve_entity_id(case, "RA-86496")
    tie = tie_source(case, source["uuid"], "RA-86496", "the article's photo shows this tail")
    assert [t["uuid"] for t in queries.ties_of(case, plane)] == [tie["uuid"]]
    assert [t["uuid"] for t in queries.ties_of(case, source["uuid"])] == [tie["uuid"]]
    with pytest.raises(InputError, match="a tie needs a reason"):
        tie_source(case, source["uuid"], plane, " ")
    [from_plane] = views.tie_rows(case, plane)
    [from_source] = views.tie_rows(case, source["uuid"])
    assert from_plane == from_source and from_plane["target"] == "RA-86496 (aircraft)"
    assert from_plane["source"] == (source.get("title") or source["name"])
    assert {t["kind"] for t in views.tie_targets(case)} == {"aircraft", "flight"}


def test_untie_keeps_the_tie_in_the_audit_log(case):
    source = article_source(case)
    tie = tie_source(case, source["uuid"], "RA-86496", "the article's photo shows this tail")
    before = state(case)
    with pytest.raises(InputError, match="no tie 'nosuchtie' in this case"):
        untie(case, "nosuchtie")
    assert state(case) == before
    untie(case, tie["uuid"], "the photo shows another tail")
    assert queries.ties_of(case, source["uuid"]) == []
    last = list(case.audit_entries())[-1]
    assert (last.action, last.object_type, last.object_id) == ("delete", "source-tie", tie["uuid"])
    assert last.details["record"]["reason"] == "the article's photo shows this tail"
    assert last.details["reason"] == "the photo shows another tail"
    assert verify_case(case).ok


def test_find_quote_matches_across_layout_whitespace():
    assert find_quote("a  b\nc", "a b c") == (0, 6)
    assert find_quote("abc", "x") is None


def test_merging_aircraft_keeps_the_callsigns_sources_named(case):
    tracked = queries.resolve_entity_id(case, "155abc")
    hand = add_entity(case, "Airplane", "RF-86496", [("callsigns", "RSD062")])
    merged = merge_entities(case, tracked, hand.id)
    assert merged.extra["callsigns"] == ["RSD062"]
    with pytest.raises(InputError, match=r"cannot merge an Organization \(Rosaviatsiya\) into an Airplane"):
        merge_entities(case, tracked, add_entity(case, "Organization", "Rosaviatsiya").id)
    with pytest.raises(InputError, match="'ZZZZ' is neither an entity of this case nor an airport code"):
        add_event(case, "Somewhere", "2023", place="ZZZZ")


def test_aircraft_with_properties_beside_it_is_one_record(case):
    """An aircraft's entities row shares its uuid: its id (or a prefix) names the aircraft."""
    plane = queries.resolve_entity_id(case, "RA-86496")
    set_properties(case, plane, [("notes", "seen at Sunan")])
    assert queries.resolve_target(case, plane) == ("aircraft", plane)
    assert queries.resolve_target(case, plane[:8].upper()) == ("aircraft", plane)
    claim = add_claim(case, "The Il-62M was at Sunan.", cite=[plane])
    assert queries.citations_of(case, claim["uuid"])[0]["target_kind"] == "aircraft"
    tie = tie_source(case, article_source(case)["uuid"], plane, "its photo shows the tail")
    assert tie["target_kind"] == "aircraft"


def test_merged_id_and_its_prefix_stay_valid_everywhere(case):
    tracked = queries.resolve_entity_id(case, "155abc")
    hand = add_entity(case, "Airplane", "RF-86496")
    merge_entities(case, tracked, hand.id)
    shoigu = add_entity(case, "Person", "Sergei Shoigu")
    again = add_entity(case, "Person", "S. K. Shoigu")
    merge_entities(case, shoigu.id, again.id)
    assert queries.resolve_target(case, hand.id) == ("aircraft", tracked)
    assert queries.resolve_target(case, hand.id[:10]) == ("aircraft", tracked)
    assert queries.resolve_target(case, again.id[:10]) == ("entity", shoigu.id)
    assert queries.resolve_entity_id(case, again.id[:10]) == shoigu.id
    claim = add_claim(case, "Shoigu flew on it.", cite=[again.id, hand.id[:10]])
    assert {c["target_uuid"] for c in queries.citations_of(case, claim["uuid"])} == {shoigu.id, tracked}
    assert tie_source(case, article_source(case)["uuid"], again.id, "names him")["target_uuid"] == shoigu.id
    assertion = make_assertion(case, "airborne", aircraft=hand.id, time="2023-09-19T08:00Z")
    assert assertion["aircraft"] == tracked
    assert make_assertion(case, "airborne", aircraft=hand.id[:10], time="2023-09-19T08:00Z") == assertion


def test_link_and_property_dates_are_dates(case):
    air_force = add_entity(case, "Organization", "Russian Air Force")
    plane = queries.resolve_entity_id(case, "RA-86496")
    before = state(case)
    with pytest.raises(OsintdeskError, match="--start '2023-09-13T23:30-05:00' is a date, without a time"):
        add_link(case, air_force.id, plane, "operator", start="2023-09-13T23:30-05:00")
    with pytest.raises(OsintdeskError, match="--end 2009 is before --start 2010-05"):
        add_link(case, air_force.id, plane, "operator", start="2010-05", end="2009")
    with pytest.raises(OsintdeskError, match="--prop birthDate '1952-10-07T10:00' is a date"):
        add_entity(case, "Person", "Vladimir Putin", [("birthDate", "1952-10-07T10:00")])
    assert state(case) == before
    link = add_link(case, air_force.id, plane, "operator", start="2010-05", end="2010")
    assert (link["start_date"], link["end_date"]) == ("2010-05", "2010")


def test_setting_an_aircraft_identity(case):
    tracked = queries.resolve_entity_id(case, "155abc")
    hand = add_entity(case, "Airplane", "15AAAA", [("icao24", "15aaaa"), ("model", "Il-62M")])
    before = state(case)
    with pytest.raises(InputError, match="an aircraft with registration RA-86496 is already in the case: "
                                         "`osintdesk entity merge`"):
        set_properties(case, hand.id, [("registrationNumber", "ra86496")])
    with pytest.raises(InputError, match="15AAAA already has the Mode-S address 15aaaa"):
        set_properties(case, hand.id, [("icao24", "155ABC")])
    with pytest.raises(InputError, match="RA-86496 already has the registration RA-86496: an aircraft's "
                                         "registration and Mode-S address are not replaced"):
        set_properties(case, tracked, [("registrationNumber", "RA-86559")])
    assert state(case) == before
    plane = set_properties(case, hand.id, [("registrationNumber", "ra-86559")])
    assert plane.properties["registrationNumber"] == ["RA-86559"]
    assert case.get_record("aircraft", hand.id)["registration_country"] == "Russia"
    assert queries.resolve_entity_id(case, "RA-86559") == hand.id
    other = add_entity(case, "Airplane", "RA-86560")
    before = state(case)
    with pytest.raises(InputError, match="an aircraft with Mode-S address 155abc is already in the case"):
        set_properties(case, other.id, [("icao24", "155ABC")])
    assert state(case) == before
    # The type is replaced, audited, and its name follows it.
    set_properties(case, tracked, [("icaoCode", "IL76")], reason="photo shows an Il-76")
    assert "76" in case.get_record("aircraft", tracked)["type_name"]
    assert list(case.audit_entries())[-1].details["reason"] == "photo shows an Il-76"
    assert verify_case(case).ok


def test_an_aircraft_is_not_merged_into_a_vehicle(case):
    vehicle = add_entity(case, "Vehicle", "The Il-62M")
    hand = add_entity(case, "Airplane", "RA-86560")
    before = state(case)
    with pytest.raises(InputError, match="RA-86560 is an aircraft of the case and The Il-62M is a "
                                         "Vehicle: an aircraft merges only into another aircraft"):
        merge_entities(case, vehicle.id, hand.id)
    assert state(case) == before


def test_hand_aircraft_takes_its_registration_from_a_registration(case, tmp_path):
    putin = add_entity(case, "Airplane", "Putin's Il-96")
    assert case.get_record("aircraft", putin.id)["registration"] is None
    assert putin.caption == "Putin's Il-96"
    named = add_entity(case, "Airplane", "Il-62M of the ministry", [("registrationNumber", "RA86559")])
    assert case.get_record("aircraft", named.id)["registration"] == "RA86559"
    # The file spells it RA-86559: one aircraft, which receives the tracks and the hex.
    points = flight_samples.synthetic_flight("UUWW", "UHWW", OUT_T + 30 * 86400, hex="15aaaa")
    import_flight_file(case, flight_samples.write_readsb_trace(
        tmp_path / "trace_full_15aaaa.json", points, hex="15aaaa", registration="RA-86559"))
    assert len(queries.list_entities(case, "Airplane")) == 3
    assert queries.get_entity(case, named.id).extra["icao24"] == "15aaaa"
    with pytest.raises(InputError, match="an aircraft with registration RA-86496 is already in the case"):
        add_entity(case, "Airplane", "ra86496")


def test_country_codes_military_flag_and_airport_ends(case):
    before = state(case)
    with pytest.raises(InputError, match=r"--prop country=Russia: not an ISO 3166-1 alpha-2 country code"):
        add_entity(case, "Organization", "Russian Air Force", [("country", "Russia")])
    assert state(case) == before
    air_force = add_entity(case, "Organization", "Russian Air Force", [("country", "RU")])
    assert air_force.properties["country"] == ["ru"]
    link = add_link(case, air_force.id, "UUWW", "linked", role="based at")
    assert queries.get_entity(case, link["target_uuid"]).extra["icao"] == "UUWW"
    plane = queries.get_entity(case, queries.resolve_entity_id(case, "RA-86496"))
    assert views.shown_extra(plane)["military address block"] in ("yes", "no")


def test_one_label_for_a_cited_record(case):
    """A citation's label is record_label's: a flight says whose, from where to where."""
    from osintdesk.findings import views
    from osintdesk.findings.citations import add_citation
    from osintdesk.flights import queries as flight_queries
    claim = add_claim(case, "RA-86496 flew to Pyongyang.")
    flight = flight_queries.select_flights(case)[0]
    add_citation(case, "claim", claim["uuid"], flight["uuid"])
    [row] = [views.citation_row(case, c) for c in queries.citations_of(case, claim["uuid"])]
    assert row["label"] == views.record_label(case, "flight", flight["uuid"])
    assert row["label"].startswith("flight RA-86496 UUWW → ZKPY, 2023-09-19")


def test_findings_read_the_case_through_their_query_module():
    """One query layer: deleting, suggesting, tying and checking quotes write no SQL of their own."""
    import inspect

    from osintdesk.findings import delete, integrity, suggestions, ties
    for module in (delete, integrity, suggestions, ties):
        source = inspect.getsource(module)
        for sql in ("SELECT ", ".execute(", "db.query("):
            assert sql not in source, (module.__name__, sql)
