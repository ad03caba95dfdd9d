"""Claims checked against the tracks: every result, and the corroboration view."""

from __future__ import annotations

import pytest

from osintdesk.errors import InputError
from osintdesk.findings import checks
from osintdesk.findings.claims import add_claim, make_assertion
from osintdesk.flights import queries as flight_queries
from osintdesk.sources import queries as source_queries
from osintdesk.timefmt import record_time

from .conftest import OUT_T


def check(case, kind, **options):
    return checks.evaluate(case, make_assertion(case, kind, aircraft="RA-86496", **options))


def test_flew_on_the_day_is_supported_by_the_flight_and_its_file(case):
    result = check(case, "flew", origin="UUWW", destination="ZKPY", date="2023-09-19")
    assert result.result == "supported"
    [flight] = result.rests_on
    assert flight["kind"] == "flight" and flight["label"].startswith("UUWW → ZKPY, 2023-09-19")
    assert flight["files"] == [{"import": flight["files"][0]["import"], "file": "trace_full_155abc.json",
                                "importer": "readsb-trace", "provider": checks.PROVIDERS["readsb"]}]


def outbound_and_stay(case):
    flight = flight_queries.select_flights(
        case, aircraft_uuids=flight_queries.resolve_aircraft(case, "RA-86496"))[0]
    [stay] = flight_queries.ground_times(case, flight["aircraft_uuid"], flight["last_t"], flight["last_t"] + 60)
    return flight, stay


def test_flew_the_other_way_while_the_data_covers_it_all_is_contradicted(case):
    flight, _ = outbound_and_stay(case)
    between = (record_time(flight["first_t"] + 600), record_time(flight["first_t"] + 1800))
    result = check(case, "flew", origin="ZKPY", destination="UUWW", between=between)
    assert result.result == "contradicted"
    assert "flew UUWW → ZKPY in that time instead, and the data covers all of it" in result.reason


def test_flew_the_other_way_on_a_day_the_data_covers_in_part_is_not_covered(case):
    result = check(case, "flew", origin="ZKPY", destination="UUWW", date="2023-09-19")
    assert result.result == "not_covered"
    assert "flew UUWW → ZKPY in that time, but the data does not cover 2023-09-19 00:00 UTC to" in result.reason


def test_a_day_between_landing_and_leaving_with_no_position_is_not_covered(case):
    result = check(case, "flew", origin="UUWW", destination="ZKPY", date="2023-09-20")
    assert result.result == "not_covered"
    assert "no flight of RA-86496 was seen in that time; it landed at ZKPY at 2023-09-19" in result.reason
    assert result.rests_on[0]["kind"] == "ground-time"


def test_flew_with_no_data_is_not_covered(case):
    result = check(case, "flew", origin="UUWW", destination="ZKPY", date="October 2023")
    assert result.result == "not_covered"
    assert "no flight data for RA-86496 between 2023-10-01 00:00:00 UTC" in result.reason


def test_on_ground_is_supported_only_where_positions_were_seen(case):
    _, stay = outbound_and_stay(case)
    seen = (record_time(stay["start_t"]), record_time(stay["start_t"] + 3600))
    assert check(case, "on-ground", at="ZKPY", between=seen).result == "supported"
    assert check(case, "on-ground", at="FNJ", between=seen).result == "supported"
    wrong = check(case, "on-ground", at="UUWW", between=seen)
    assert wrong.result == "contradicted" and "seen on the ground at ZKPY" in wrong.reason
    unseen = check(case, "on-ground", at="ZKPY", between=("2023-09-20T00:00Z", "2023-09-20T12:00Z"))
    assert unseen.result == "not_covered"
    assert "a gap in the data is never read as support" in unseen.reason


def test_airborne_in_a_coverage_gap_is_not_covered_never_supported(case):
    flight, stay = outbound_and_stay(case)
    [gap] = flight_queries.gaps(case, flight["uuid"])
    middle = (gap["start_t"] + gap["end_t"]) / 2
    result = check(case, "airborne", time=record_time(middle))
    assert result.result == "not_covered" and "coverage gap" in result.reason
    assert [r["kind"] for r in result.rests_on] == ["flight", "coverage-gap"]
    assert check(case, "airborne", time=record_time(gap["start_t"] - 600)).result == "supported"
    ground = check(case, "airborne", time=record_time(stay["start_t"] + 120))
    assert ground.result == "contradicted" and "seen on the ground at ZKPY" in ground.reason
    unseen = check(case, "airborne", time="2023-09-20T06:00Z")
    assert unseen.result == "not_covered" and "no position was seen near" in unseen.reason


def test_checks_follow_the_data_after_an_import(case, tmp_path):
    from osintdesk.flights.ingest import import_flight_file
    from tests.support import flight_samples
    claim = add_claim(case, "RA-86496 flew to Pyongyang again on 1 October.", assertion=make_assertion(
        case, "flew", aircraft="RA-86496", origin="UUWW", destination="ZKPY", date="2023-10-01"))
    assert checks.evaluate_claim(case, claim).result == "not_covered"
    later = flight_samples.synthetic_flight("UUWW", "ZKPY", OUT_T + 12 * 86400)
    import_flight_file(case, flight_samples.write_readsb_trace(tmp_path / "trace_full_155abc.json", later))
    assert checks.evaluate_claim(case, claim).result == "supported"


@pytest.mark.parametrize("kind, options, message", [
    ("flew", {"origin": "UUWW"}, "--check flew needs --from and --to"),
    ("flew", {"origin": "UUWW", "destination": "XXXX", "date": "2023-09-19"}, "--to 'XXXX' is not an airport"),
    ("on-ground", {"at": "ZKPY"}, "needs --at an airport and --between"),
    ("airborne", {}, "--check airborne needs --time"),
    ("landed", {}, "--check must be one of"),
])
def test_bad_assertions_name_the_problem(case, kind, options, message):
    with pytest.raises(InputError, match=message):
        make_assertion(case, kind, aircraft="RA-86496", **options)


def test_corroboration_counts_independent_sources(case):
    article = next(s for s in source_queries.list_sources(case) if s["name"] == "article.html")
    flight = flight_queries.select_flights(case, aircraft_uuids=flight_queries.resolve_aircraft(case, "RA-86496"))[0]
    claim = add_claim(case, "The Il-62M flew Moscow to Pyongyang on 19 September.",
                      cite=[article["uuid"], flight["uuid"]], quote="landed at Pyongyang Sunan",
                      assertion=make_assertion(case, "flew", aircraft="155abc", origin="UUWW",
                                               destination="ZKPY", date="2023-09-19"))
    view = checks.corroboration(case, claim["uuid"])
    assert view["independent_sources"] == 2
    assert [c["kind"] for c in view["citations"]] == ["capture", "flight"]
    assert view["citations"][0]["quote"] == "landed at Pyongyang Sunan"
    assert view["citations"][1]["independence"] == [checks.PROVIDERS["readsb"]]
    assert view["check"]["result"] == "supported"


def test_a_cited_flight_is_found_again_after_an_import_re_derives_it(case, tmp_path):
    from osintdesk.findings import queries as findings_queries
    from osintdesk.flights.ingest import import_flight_file
    from osintdesk.verification import verify_case
    from tests.support import flight_samples
    full = flight_samples.synthetic_flight("UUWW", "ZKPY", OUT_T + 40 * 86400, hex="15bbbb")
    def trace(name, points):
        return flight_samples.write_readsb_trace(tmp_path / name, points, hex="15bbbb",
                                                 registration="RA-86559")
    (tmp_path / "part").mkdir()
    import_flight_file(case, trace("part/trace_full_15bbbb.json", full[200:]))   # seen from cruise
    [partial] = flight_queries.select_flights(case, aircraft_uuids=flight_queries.resolve_aircraft(case, "15bbbb"))
    claim = add_claim(case, "RA-86559 flew to Pyongyang.", cite=[partial["uuid"]])
    import_flight_file(case, trace("trace_full_15bbbb.json", full))   # the whole flight arrives
    [citation] = findings_queries.citations_of(case, claim["uuid"])
    assert findings_queries.get_record(case, "flight", citation["target_uuid"]) is None  # re-derived
    kind, now = findings_queries.current_target(case, citation)
    assert kind == "flight" and now is not None and now != citation["target_uuid"]
    assert checks.corroboration(case, claim["uuid"])["citations"][0]["label"].startswith("UUWW → ZKPY")
    assert verify_case(case).ok


def test_verify_fails_on_a_citation_whose_record_is_gone(case):
    import sqlite3
    from osintdesk.verification import verify_case
    article = next(s for s in source_queries.list_sources(case) if s["name"] == "article.html")
    add_claim(case, "An article says so.", cite=[article["uuid"]])
    with sqlite3.connect(case.path) as raw:   # an adversary removes the cited source's row
        raw.execute("DROP TRIGGER IF EXISTS sources_no_delete")
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute("UPDATE citations SET target_uuid = 'gone-0000'")
    report = verify_case(case)
    assert any("which is no longer in the case" in str(f) for f in report.failures)
