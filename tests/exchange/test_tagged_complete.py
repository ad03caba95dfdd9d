"""A tagged bundle is complete in itself: what a claim's flight check is about travels
with the claim, so the check reads the same in the receiver's case."""

import shutil

import pytest

from osintdesk.custody.keys import create_examiner_key, load_examiner_key
from osintdesk.exchange.export import export_bundle
from osintdesk.exchange.merge import merge_bundle
from osintdesk.findings import checks
from osintdesk.findings.claims import add_claim, make_assertion
from osintdesk.flights import queries as flight_queries
from osintdesk.store import Case, verify_case
from osintdesk.timefmt import record_time


@pytest.fixture
def key():
    create_examiner_key(None)
    return load_examiner_key(lambda: None)


def test_a_claims_check_reads_the_same_after_a_tagged_merge(tmp_path, key, sample_case_file):
    from osintdesk.sources.annotations import add_note_on, add_tag
    from osintdesk.sources.local_files import add_files
    from osintdesk.sources.queries import list_sources
    alice = tmp_path / "alice.osintcase"
    shutil.copyfile(sample_case_file, alice)
    (tmp_path / "seen.html").write_text("<html><body><p>Seen at Sunan</p></body></html>")
    with Case.open(alice, examiner="Alice") as case:
        add_files(case, [tmp_path / "seen.html"])
        [source] = list_sources(case)
        add_tag(case, source["uuid"], "for-bob")
        aircraft = flight_queries.resolve_aircraft(case, "RA-86496")
        flight = flight_queries.select_flights(case, aircraft_uuids=aircraft)[0]
        [stay] = flight_queries.ground_times(case, flight["aircraft_uuid"], flight["last_t"],
                                             flight["last_t"] + 60)
        assertion = make_assertion(case, "on-ground", aircraft="RA-86496", at="ZKPY", between=(
            record_time(stay["start_t"]), record_time(stay["start_t"] + 3600)))
        claim = add_claim(case, "It stood at Sunan", assertion=assertion,
                          cite=[source["uuid"]])["uuid"]
        add_note_on(case, "aircraft", flight["aircraft_uuid"], "Seen often")
        sent = checks.evaluate_claim(case, case.get_record("claim", claim))
        assert sent.result == "supported"
        out = tmp_path / "tagged.osintbundle"
        export_bundle(case, out, signer=key, tag="for-bob")
    with Case.create(tmp_path / "bob.osintcase", title="Bob's", examiner="Bob") as case:
        merge_bundle(case, out)
        assert verify_case(case).ok
        received = checks.evaluate_claim(case, case.get_record("claim", claim))
        assert (received.result, received.reason) == (sent.result, sent.reason)
        assert [n[0] for n in case.conn.execute("SELECT text FROM object_notes")] == ["Seen often"]
