"""Track points packed in blocks: the bytes, the digest, and the move from rows (m009)."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from osintdesk.errors import InputError
from osintdesk.flights import queries
from osintdesk.flights.ingest import import_flight_file
from osintdesk.store import Case, trackblocks
from osintdesk.store.records import TRACK_POINTS, group_digest
from osintdesk.verification import verify_case
from tests.support import adversary, flight_samples as samples
from tests.support.old_cases import points_as_rows

ROWS = [  # t, lat, lon, alt_ft, gs_kt, track_deg, vrate_fpm, on_ground, callsign, squawk, leg, stale, record
    (10.0, 55.5, 37.25, None, 12.0, 66.5, 0.0, 1, "RSD001", "1000", 1, 0, 2),
    (11.0, 55.5, -0.0, 1200.0, None, None, None, None, "RSD001", None, 0, 1, None),
    (9.0, -3.25, 180.0, 35000.0, 450.0, 359.9, -64.0, 0, None, "7700", 0, 0, 4),
]


def test_a_block_gives_back_the_values_it_was_made_from():
    columns = trackblocks.columns_from_rows(ROWS)
    data = trackblocks.pack(columns)
    back = trackblocks.rows_from_columns(trackblocks.unpack(data))
    assert list(zip(*back)) == ROWS
    assert trackblocks.pack(trackblocks.unpack(data)) == data
    with pytest.raises(ValueError, match="not a block"):
        trackblocks.unpack(b"XXXX" + data[4:])


def test_repeats_of_a_position_are_kept_once_first_wins():
    new = trackblocks.columns_from_rows(ROWS + [ROWS[0][:3] + (1.0,) + ROWS[0][4:]])
    assert trackblocks.first_wins(None, new).tolist() == [True, True, True, False]
    held = trackblocks.columns_from_rows(ROWS[1:2])
    assert trackblocks.first_wins(held, new).tolist() == [True, False, True, False]


def test_the_digest_from_rows_equals_the_digest_of_the_stored_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(trackblocks, "BLOCK_POINTS", 500)   # several blocks per aircraft
    points = samples.synthetic_flight("UUWW", "ZKPY")
    with Case.create(tmp_path / "c", title="Blocks", examiner="Alice") as case:
        result = import_flight_file(case, samples.write_readsb_trace(tmp_path / "t.json", points))
        import_id = case.get_record("flight-import", result.import_uuid)["id"]
        blocks = case.conn.execute("SELECT count(*) FROM track_blocks WHERE import_id = ?",
                                   (import_id,)).fetchone()[0]
        assert blocks == -(-result.points // 500) > 1
        stored, count = group_digest(case.conn, TRACK_POINTS, result.import_uuid)
        from_rows = trackblocks.BlockDigest()
        from_rows.section(trackblocks.SECTION)
        from_rows.add(list(trackblocks.import_rows(case.conn, import_id)))
        assert (from_rows.hexdigest(), from_rows.count) == (stored, count) == \
            (stored, result.points)
        logged = [e for e in case.audit_entries() if e.object_type == "track-points"][-1]
        assert logged.object_hash == stored


@pytest.fixture
def old_case(tmp_path):
    """A case with two imports of one aircraft, stored as releases before m009 did."""
    out = samples.synthetic_flight("UUWW", "ZKPY", callsign="RSD062")
    back = samples.synthetic_flight("ZKPY", "UUWW", start_t=out[-1].t + 86400, squawk="0412")
    with Case.create(tmp_path / "old", title="Old", examiner="Alice") as case:
        import_flight_file(case, samples.write_fr24_csv(tmp_path / "a.csv", out), aircraft="155abc")
        import_flight_file(case, samples.write_readsb_trace(tmp_path / "b.json", back))
        [aircraft] = queries.aircraft(case)
        before = queries.track_points(case, aircraft["uuid"], 0, 2e9).fetchall()
        flights = [(f["uuid"], f["point_count"]) for f in queries.select_flights(case)]
        path = case.path
    points_as_rows(path)
    return path, aircraft["uuid"], before, flights


def test_an_old_case_opens_with_its_points_moved_and_verifies(old_case):
    path, aircraft_uuid, before, flights = old_case
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM track_points").fetchone()[0] == len(before)
    with Case.open(path, examiner="Bob") as case:
        assert queries.track_points(case, aircraft_uuid, 0, 2e9).fetchall() == before
        assert [(f["uuid"], f["point_count"]) for f in queries.select_flights(case)] == flights
        converted = [e for e in case.audit_entries() if e.action == "convert"]
        assert len(converted) == 2 and all(e.details["from_digest_matched_log"]
                                           for e in converted)
        assert "track_points" not in {r[0] for r in case.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        report = verify_case(case)
        assert report.ok, [str(f) for f in report.failures]


def test_a_point_changed_before_the_move_still_fails_verify(old_case):
    path, *_ = old_case
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER track_points_no_update")
        conn.execute("UPDATE track_points SET lat = lat + 0.5 WHERE id = 40")
    with Case.open(path, examiner="Bob") as case:
        report = verify_case(case)
    assert not report.ok
    assert any(f.object.startswith("track-points ") and "changed outside osintdesk" in f.problem
               for f in report.failures)


def test_a_moved_point_fails_verify_and_blocks_refuse_updates(tmp_path):
    points = samples.synthetic_flight("UUWW", "ZKPY")
    with Case.create(tmp_path / "c", title="Blocks", examiner="Alice") as case:
        import_flight_file(case, samples.write_fr24_csv(tmp_path / "a.csv", points))
        with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
            case.conn.execute("UPDATE track_blocks SET first_t = 0")
        path = case.path
    with adversary.opened(path) as conn:
        adversary.move_point(conn, 7, 1e-9)
    with Case.open(path, examiner="Bob", readonly=True) as case:
        failures = [str(f) for f in verify_case(case).failures]
    assert len(failures) == 1 and failures[0].startswith("track-points ")


def test_points_read_back_in_time_order_across_imports(tmp_path):
    points = samples.synthetic_flight("UUWW", "ZKPY")
    with Case.create(tmp_path / "c", title="Blocks", examiner="Alice") as case:
        # the second half first, then the whole file: only the first half is new
        half = len(points) // 2
        import_flight_file(case, samples.write_readsb_trace(tmp_path / "b.json", points[half:]))
        second = import_flight_file(case, samples.write_readsb_trace(tmp_path / "a.json", points))
        assert second.points == half and second.duplicates == len(points) - half
        [aircraft] = queries.aircraft(case)
        t = queries.point_arrays(case, aircraft["uuid"], 0, 2e9, columns=("t",))["t"]
        assert len(t) == aircraft["points"] == len(points) and np.all(np.diff(t) > 0)
        assert queries.count_track_points(case, aircraft["uuid"], t[10], t[20]) == 11
        rows = queries.track_points(case, aircraft["uuid"], 0, 2e9, columns=("t",),
                                    offset=5, limit=3).fetchall()
        assert rows == [(v,) for v in t[5:8].tolist()]
        assert [f["original_name"] for f in
                queries.files_behind(case, aircraft["uuid"], t[0], t[1])] == ["a.json"]


def test_a_block_added_behind_the_apps_back_fails_verify(tmp_path):
    points = samples.synthetic_flight("UUWW", "ZKPY")
    with Case.create(tmp_path / "c", title="Blocks", examiner="Alice") as case:
        import_flight_file(case, samples.write_fr24_csv(tmp_path / "a.csv", points))
        path = case.path
    with adversary.opened(path) as conn:
        conn.execute("INSERT INTO track_blocks (import_id, aircraft_id, count, first_t, last_t, "
                     "data) SELECT 99, aircraft_id, count, first_t, last_t, data "
                     "FROM track_blocks LIMIT 1")
    with Case.open(path, examiner="Bob", readonly=True) as case:
        failures = [str(f) for f in verify_case(case).failures]
    assert failures == ["track-points import id 99: is not in the audit log (added outside "
                        "osintdesk)"]


def _interleaved_points(count: int = 3):
    """Three invented aircraft flying at once (their points interleaved in time order), with
    exact repeats of positions: next to the first and a thousand rows later."""
    flights = [samples.synthetic_flight("UUWW", "ZKPY", start_t=samples.T0 + 7 * k,
                                        hex=f"f0a{k:03x}") for k in range(count)]
    points = sorted((p for flight in flights for p in flight), key=lambda p: p.t)
    repeats = points[::97]
    for offset, p in enumerate(repeats):
        points.insert(min(len(points), (offset + 1) * 97 + 1000), p)
    return points, len(points) - len(set((p.hex, p.t, p.lat, p.lon) for p in points))


def test_an_import_of_many_aircraft_is_stored_as_its_blocks_fill(tmp_path, monkeypatch):
    monkeypatch.setattr(trackblocks, "BLOCK_POINTS", 500)
    monkeypatch.setattr(trackblocks.BlockWriter, "MAX_WAITING", 1200)
    monkeypatch.setattr(trackblocks.BlockWriter, "ROWS_AT_ONCE", 250)
    points, repeats = _interleaved_points()
    path = samples.write_traffic_json(tmp_path / "t.jsonl", samples.traffic_records(points),
                                      lines=True)
    with Case.create(tmp_path / "c", title="Blocks", examiner="Alice") as case:
        result = import_flight_file(case, path)
        assert (result.points, result.duplicates) == (len(points) - repeats, repeats)
        import_id = case.get_record("flight-import", result.import_uuid)["id"]
        blocks = case.conn.execute("SELECT aircraft_id, count FROM track_blocks "
                                   "WHERE import_id = ? ORDER BY id", (import_id,)).fetchall()
        assert len(blocks) > 3 and max(n for _, n in blocks) <= 500
        assert len({a for a, _ in blocks}) == 3
        for aircraft in queries.aircraft(case):   # each aircraft's points, each once
            hex_code = aircraft["hex"]
            stored = trackblocks.read_points(case.conn, aircraft["id"], names=("t", "lat", "lon"))
            got = list(zip(stored["t"].tolist(), stored["lat"].tolist(), stored["lon"].tolist()))
            assert got == sorted({(p.t, p.lat, p.lon) for p in points if p.hex == hex_code})
        logged = [e for e in case.audit_entries() if e.object_type == "track-points"][-1]
        assert logged.object_hash == group_digest(case.conn, TRACK_POINTS, result.import_uuid)[0]
        assert verify_case(case).ok


def test_the_block_writer_holds_a_bounded_number_of_points(tmp_path, monkeypatch):
    monkeypatch.setattr(trackblocks, "BLOCK_POINTS", 300)
    monkeypatch.setattr(trackblocks.BlockWriter, "MAX_WAITING", 1000)
    monkeypatch.setattr(trackblocks.BlockWriter, "ROWS_AT_ONCE", 100)
    points, _ = _interleaved_points(count=8)
    with Case.create(tmp_path / "c", title="Blocks", examiner="Alice") as case:
        with case.transaction():
            writer = trackblocks.BlockWriter(case.conn, 1)
            ids = {}
            for start in range(0, len(points), 50):
                for p in points[start:start + 50]:
                    writer.add(ids.setdefault(p.hex, len(ids) + 1), [p])
                assert writer._waiting <= 1000 + 300 and writer._row_count < 100
            stored, digest = writer.finish()
            assert stored == len({(p.hex, p.t, p.lat, p.lon) for p in points})
            assert (digest.hexdigest(), digest.count) == trackblocks.import_digest(case.conn, 1)


def test_a_file_refused_after_blocks_were_stored_leaves_the_case_as_it_was(tmp_path,
                                                                           monkeypatch):
    monkeypatch.setattr(trackblocks, "BLOCK_POINTS", 200)
    points = samples.synthetic_flight("UUWW", "ZKPY")
    path = samples.write_fr24_granular_csv(tmp_path / "g.csv", points)
    with open(path, "ab") as out:   # a last row that is not CSV (a file cut short is not
        out.write(b'1704186000,"F0A0"B2\n')   # refused: its rows before the cut import)
    with Case.create(tmp_path / "c", title="Blocks", examiner="Alice") as case:
        before = case.conn.execute("SELECT count(*) FROM track_blocks").fetchone()[0]
        head = list(case.audit_entries())[-1].seq
        with pytest.raises(InputError, match="malformed CSV"):
            import_flight_file(case, path, aircraft="XX-ABC")
        assert case.conn.execute("SELECT count(*) FROM track_blocks").fetchone()[0] == before
        assert list(case.audit_entries())[-1].seq == head
