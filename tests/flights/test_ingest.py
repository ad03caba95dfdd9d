"""Importing flight files into a case: evidence, provenance, all or nothing, verify."""

import gzip
import re
import hashlib
import json
import sqlite3

import pytest

from osintdesk.errors import Cancelled, InputError
from osintdesk.flights import queries
from tests.support import adversary, flight_samples as samples
from osintdesk.flights.ingest import import_flight_file
from osintdesk.store import Case, verify_case

DAY = 86400.0


@pytest.fixture
def case(tmp_path):
    with Case.create(tmp_path / "il62", title="Il-62M", examiner="Alice") as c:
        yield c


@pytest.fixture
def outbound():
    # Moscow Vnukovo to Pyongyang Sunan with an hour-long gap at cruise (no receiver coverage)
    return samples.synthetic_flight("UUWW", "ZKPY", gaps=[(3600, 2 * 3600)])


def snapshot(case):
    tables = ["evidence", "artifacts", "artifact_chunks", "flight_imports", "aircraft",
              "track_blocks", "flights", "coverage_gaps", "ground_times", "audit_log"]
    return {t: case.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def test_file_becomes_evidence_and_points_point_back(case, tmp_path, outbound):
    path = samples.write_fr24_csv(tmp_path / "RA-86496_export.csv", outbound)
    result = import_flight_file(case, path, aircraft="RA-86496")
    assert result.format == "fr24-csv" and result.points == len(outbound)
    assert result.flights == 1 and result.aircraft == ["RA-86496"]
    imp = case.get_record("flight-import", result.import_uuid)
    evidence = case.get_record("evidence", imp["evidence_uuid"])
    assert evidence["original_name"] == "RA-86496_export.csv" and evidence["kind"] == "flight-file"
    assert imp["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest() == evidence["sha256"]
    assert case.read_artifact(imp["sha256"]) == path.read_bytes()
    assert imp["importer"] == "fr24-csv" and imp["examiner"] == "Alice"
    linked = case.conn.execute("SELECT sum(count) FROM track_blocks WHERE import_id = ?",
                               (imp["id"],)).fetchone()[0]
    assert linked == len(outbound)
    assert verify_case(case).ok


def test_one_flight_file_stays_one_flight_across_an_oceanic_gap(case, tmp_path, outbound):
    import_flight_file(case, samples.write_fr24_csv(tmp_path / "f.csv", outbound))
    [flight] = queries.select_flights(case)
    assert (flight["origin"], flight["destination"]) == ("UUWW", "ZKPY")
    assert flight["gap_count"] == 1
    [gap] = queries.gaps(case, flight["uuid"])
    assert gap["end_t"] - gap["start_t"] >= 3600


def test_reimport_adds_nothing_and_says_so(case, tmp_path, outbound):
    path = samples.write_fr24_csv(tmp_path / "f.csv", outbound)
    import_flight_file(case, path)
    before = snapshot(case)
    again = import_flight_file(case, path)
    assert again.already_imported and "already imported" in again.message
    assert snapshot(case) == before


def test_fr24_kml_points_go_to_the_aircraft_its_document_names(case, tmp_path, outbound):
    # The registration is in the Document description, read before the first point:
    # the points must not land on an "unidentified (f.kml)" aircraft.
    result = import_flight_file(case, samples.write_fr24_kml(tmp_path / "f.kml", outbound))
    assert result.aircraft == ["RA-86496"]
    row = case.conn.execute("SELECT registration, type_code FROM aircraft").fetchall()
    assert row == [("RA-86496", "IL62")]
    # A second file naming the same registration joins the same aircraft.
    later = samples.synthetic_flight("ZKPY", "UUWW", outbound[-1].t + 2 * DAY)
    import_flight_file(case, samples.write_fr24_kml(tmp_path / "g.kml", later))
    assert case.conn.execute("SELECT count(*) FROM aircraft").fetchone()[0] == 1


def test_two_files_two_flights_and_ground_time(case, tmp_path, outbound):
    back = samples.synthetic_flight("ZKPY", "UUWW", start_t=outbound[-1].t + 2 * DAY + 3 * 3600)
    trace = samples.write_readsb_trace(tmp_path / "trace_full_155abc.json", outbound + back)
    result = import_flight_file(case, trace)
    assert result.flights == 2
    [aircraft] = queries.aircraft(case)
    assert aircraft["hex"] == "155abc" and aircraft["registration"] == "RA-86496"
    assert aircraft["registration_country"] == "Russia"
    stays = [g["description"] for g in queries.ground_times(case, aircraft["uuid"])]
    assert stays[0].startswith("on the ground at ZKPY from")
    assert stays[0].endswith("2 d 3 h")
    # the same positions from another file are duplicates, not new points
    csv_result = import_flight_file(case, samples.write_fr24_csv(tmp_path / "o.csv", outbound),
                                    aircraft="155abc")
    assert csv_result.points == 0 and csv_result.duplicates == len(outbound)
    assert len(queries.select_flights(case)) == 2
    assert verify_case(case).ok


@pytest.mark.parametrize("content,message", [
    (b"", "empty"),
    (b"\x00\x01\x02\x03" * 100, "binary"),
    (gzip.compress(b"Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction\n" * 50)[:60],
     "gzip"),
    (b"Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction\n"
     b"1704181563,2024-01-02T07:46:03Z,RSD001,\"155.59,37.26\",0,0,0\n",
     "contains no track positions: latitude is outside -90..90 \\(1×\\)"),
])
def test_bad_file_names_the_problem_and_leaves_case_unchanged(case, tmp_path, content, message):
    path = tmp_path / "bad_flight.csv"
    path.write_bytes(content)
    before = snapshot(case)
    with pytest.raises(InputError, match=message) as err:
        import_flight_file(case, path)
    assert "bad_flight.csv" in str(err.value)
    assert snapshot(case) == before
    assert verify_case(case).ok


def test_failure_halfway_rolls_back_everything(case, tmp_path, outbound):
    good = samples.write_fr24_csv(tmp_path / "f.csv", outbound)
    lines = good.read_bytes().splitlines(keepends=True)
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"".join(lines[:1500]) + b"not,UTF-8,\xff\xfe\n" + b"".join(lines[1500:]))
    before = snapshot(case)
    with pytest.raises(InputError, match="line 1501"):
        import_flight_file(case, broken)
    assert snapshot(case) == before


def test_cancel_leaves_case_unchanged(case, tmp_path, outbound):
    path = samples.write_fr24_csv(tmp_path / "f.csv", outbound * 1)
    before = snapshot(case)
    calls = {"n": 0}

    def cancelled():
        calls["n"] += 1
        return calls["n"] > 3
    with pytest.raises(Cancelled):
        import_flight_file(case, path, cancelled=cancelled)
    assert snapshot(case) == before


def test_verify_catches_an_edited_track_point(case, tmp_path, outbound):
    import_flight_file(case, samples.write_fr24_csv(tmp_path / "f.csv", outbound))
    case.close()
    with adversary.opened(case.path) as conn:   # triggers dropped, then put back
        adversary.move_point(conn, 100)
    with Case.open(case.path, examiner="Bob", readonly=True) as reopened:
        report = verify_case(reopened)
    assert any(f.object.startswith("track-points ") for f in report.failures)


def test_points_cannot_be_edited_through_sqlite(case, tmp_path, outbound):
    import_flight_file(case, samples.write_fr24_csv(tmp_path / "f.csv", outbound))
    with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
        case.conn.execute("UPDATE track_blocks SET data = zeroblob(10)")


def test_digest_taken_while_inserting_equals_the_stored_rows(case, tmp_path, outbound):
    from osintdesk.store.records import TRACK_POINTS, group_digest
    result = import_flight_file(case, samples.write_fr24_csv(tmp_path / "f.csv", outbound))
    logged = [e for e in case.audit_entries() if e.object_type == "track-points"][-1]
    assert logged.object_id == result.import_uuid
    assert logged.object_hash == group_digest(case.conn, TRACK_POINTS, result.import_uuid)[0]
    assert logged.details["rows"] == len(outbound)


def test_stored_track_splits_like_the_points_it_came_from(case, tmp_path):
    """The column-wise reader used after import gives the same flights as TrackPoints do."""
    from osintdesk.flights.segment import split_track
    out = samples.synthetic_flight("UUWW", "ZKPY", callsign="RSD062", squawk="0412")
    back = samples.synthetic_flight("ZKPY", "UUWW", start_t=out[-1].t + DAY, callsign="RSD063")
    points = out + back
    import_flight_file(case, samples.write_readsb_trace(tmp_path / "t.json", points))
    expected = split_track(points).flights
    stored = queries.select_flights(case)
    assert [(f["origin"], f["destination"], f["callsigns"]) for f in stored] == \
        [(f.departure.code, f.arrival.code, ", ".join(f.callsigns)) for f in expected]
    assert [f["point_count"] for f in stored] == [f.point_count for f in expected]


def test_flight_count_is_the_flights_holding_this_files_positions(case, tmp_path):
    out = samples.synthetic_flight("UUWW", "ZKPY")
    back = samples.synthetic_flight("ZKPY", "UUWW", start_t=out[-1].t + DAY)
    first = import_flight_file(case, samples.write_readsb_trace(tmp_path / "a.json", out))
    second = import_flight_file(case, samples.write_readsb_trace(tmp_path / "b.json", back))
    assert (first.flights, second.flights) == (1, 1)
    assert len(queries.select_flights(case)) == 2


@pytest.mark.parametrize("shuffle", [False, True])
def test_flights_from_the_rows_just_imported_equal_flights_read_back(case, tmp_path, shuffle):
    """The flights an import stores are those a later analysis of the stored points gives:
    the same flights, gaps and ground times."""
    import random
    from osintdesk.flights.analysis import recompute_flights
    out = samples.synthetic_flight("UUWW", "ZKPY", gaps=[(3600, 2 * 3600)], callsign="RSD062")
    back = samples.synthetic_flight("ZKPY", "UUWW", start_t=out[-1].t + 2 * DAY,
                                    callsign="RSD063", squawk="0412")
    points = out + back
    if shuffle:
        random.Random(7).shuffle(points)
    import_flight_file(case, samples.write_readsb_trace(tmp_path / "t.json", points))
    [aircraft_uuid] = [r[0] for r in case.conn.execute("SELECT uuid FROM aircraft")]

    def last_analysis():
        return [e for e in case.audit_entries() if e.object_type == "flight-analysis"][-1]
    from_import = last_analysis()
    with case.transaction():
        recompute_flights(case, aircraft_uuid)  # no track given: reads the case
    from_case = last_analysis()
    assert from_case.seq > from_import.seq
    assert from_case.object_hash == from_import.object_hash
    assert [f["callsigns"] for f in queries.select_flights(case)] == ["RSD062", "RSD063"]


def test_each_file_is_sniffed_once_on_its_way_in(case, tmp_path, outbound, monkeypatch):
    from osintdesk.flights import importers
    from osintdesk.flights.importers import readsb_aircraft
    from osintdesk.flights.ingest import import_order
    sniffed = []
    real = importers.detect_from_head
    monkeypatch.setattr(importers, "detect_from_head",
                        lambda head, path: sniffed.append(path) or real(head, path))
    p, q = outbound[100], outbound[103]
    later = samples.write_json(tmp_path / "history_0.json", {"now": q.t + 10, "aircraft": [
        samples.aircraft_entry(q, q.t + 10)]})
    earlier = samples.write_json(tmp_path / "history_1.json", {"now": p.t + 10, "aircraft": [
        samples.aircraft_entry(p, p.t + 10)]})
    csv = samples.write_fr24_csv(tmp_path / "f.csv", outbound)
    missing = tmp_path / "missing.csv"

    planned, options = import_order([later, csv, earlier, missing])
    assert planned == [(earlier, readsb_aircraft), (csv, importers.get("fr24-csv")),
                       (later, readsb_aircraft), (missing, None)]
    assert "repeat_filter" in options
    results = [import_flight_file(case, path, fmt=found, options=options)
               for path, found in planned[:3]]
    assert [r.points for r in results] == [1, len(outbound), 1]
    assert sorted(map(str, sniffed)) == sorted(map(str, (later, csv, earlier)))
    with pytest.raises(InputError, match="no such file"):
        import_flight_file(case, missing, fmt=planned[3][1])
    # a single file on its own is still detected
    sniffed.clear()
    alone = import_flight_file(case, samples.write_fr24_csv(tmp_path / "g.csv", outbound[:50]))
    assert alone.format == "fr24-csv" and len(sniffed) == 1


def test_an_address_learned_later_brings_its_country(case, tmp_path, outbound):
    """FR24 CSV first (registration only), then a readsb trace naming the Mode-S address:
    the aircraft gets the address block's country as if the trace had come first."""
    import_flight_file(case, samples.write_fr24_csv(tmp_path / "f.csv", outbound), aircraft="RA-86496")
    later = samples.synthetic_flight("ZKPY", "UUWW", outbound[-1].t + 86400)
    import_flight_file(case, samples.write_readsb_trace(tmp_path / "trace_full_155abc.json", later))
    [plane] = case.db.query("SELECT * FROM aircraft")
    assert plane["hex"] == "155abc" and plane["hex_country"] == "Russia"
    assert plane["hex_military"] is not None
    assert verify_case(case).ok


def test_a_format_named_is_resolved_once_to_its_importer(case, tmp_path, outbound):
    from osintdesk.flights import importers
    from osintdesk.flights.ingest import import_order
    csv = samples.write_fr24_csv(tmp_path / "f.csv", outbound)
    planned, _ = import_order([csv, tmp_path / "missing.csv"], "fr24-csv")
    assert planned == [(csv, importers.get("fr24-csv")), (tmp_path / "missing.csv",
                                                          importers.get("fr24-csv"))]
    assert import_flight_file(case, csv, fmt=planned[0][1]).format == "fr24-csv"
    with pytest.raises(InputError, match="unknown flight format 'fr25'.*fr24-csv"):
        import_order([csv], "fr25")


def test_the_file_s_own_flights_are_stored_under_their_record_keys(case, tmp_path, outbound):
    import_flight_file(case, samples.write_fr24_kml(tmp_path / "f.kml", outbound))
    [(stored,)] = case.conn.execute("SELECT file_flights FROM flight_imports").fetchall()
    [flight] = json.loads(stored)
    assert sorted(flight) == ["callsign", "destination", "extra", "first_seen", "flight_number",
                              "hex", "last_seen", "origin", "registration"]
    assert flight["first_seen"] <= flight["last_seen"]


def test_already_imported_says_when_in_the_display_form(case, tmp_path, outbound):
    path = samples.write_fr24_csv(tmp_path / "f.csv", outbound)
    import_flight_file(case, path)
    again = import_flight_file(case, path)
    assert again.already_imported
    assert re.fullmatch(r"already imported on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC as f\.csv; "
                        r"nothing added", again.message)
