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


def test_flew_the_other_way_is_contradicted_naming_what_was_flown(case):
    result = check(case, "flew", origin="ZKPY", destination="UUWW", date="2023-09-19")
    assert result.result == "contradicted"
    assert "flew UUWW → ZKPY in that time instead" in result.reason


def test_flew_on_a_day_spent_on_the_ground_is_contradicted(case):
    result = check(case, "flew", origin="UUWW", destination="ZKPY", date="2023-09-20")
    assert result.result == "contradicted" and "on the ground at ZKPY throughout" in result.reason
    assert result.rests_on[0]["kind"] == "ground-time"


def test_flew_with_no_data_is_not_covered(case):
    result = check(case, "flew", origin="UUWW", destination="ZKPY", date="October 2023")
    assert result.result == "not_covered"
    assert "no flight data for RA-86496 between 2023-10-01 00:00:00 UTC" in result.reason


def test_on_ground_checks(case):
    between = ("2023-09-20T00:00Z", "2023-09-20T12:00Z")
    assert check(case, "on-ground", at="ZKPY", between=between).result == "supported"
    wrong = check(case, "on-ground", at="UUWW", between=between)
    assert wrong.result == "contradicted" and "on the ground at ZKPY" in wrong.reason
    assert check(case, "on-ground", at="FNJ", between=between).result == "supported"


def test_airborne_in_a_coverage_gap_is_not_covered_never_supported(case):
    flight = flight_queries.select_flights(case, aircraft_uuids=flight_queries.resolve_aircraft(case, "RA-86496"))[0]
    [gap] = flight_queries.gaps(case, flight["uuid"])
    middle = (gap["start_t"] + gap["end_t"]) / 2
    result = check(case, "airborne", time=record_time(middle))
    assert result.result == "not_covered" and "coverage gap" in result.reason
    assert [r["kind"] for r in result.rests_on] == ["flight", "coverage-gap"]
    seen = check(case, "airborne", time=record_time(gap["start_t"] - 600))
    assert seen.result == "supported"
    ground = check(case, "airborne", time="2023-09-20T06:00Z")
    assert ground.result == "contradicted" and "on the ground at ZKPY" in ground.reason


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
