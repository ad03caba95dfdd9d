"""Real files are messy (issue 15): a bad row is skipped and counted by reason, a usable
fallback column is used, aircraft heard without a position are kept as sightings; only a
file wrong as a whole is refused."""

import gzip
import json
import os
import subprocess
import sys

import pytest

from osintdesk.errors import InputError
from osintdesk.flights.importers import fr24_granular, readsb_aircraft
from osintdesk.flights.ingest import import_flight_file
from osintdesk.flights.sightings import sightings
from osintdesk.store import Case, verify_case
from tests.support import flight_samples as samples
from tests.ui.test_flight_pages import wait_for, window  # noqa: F401 (the window fixture)
from tests.support.points import point_count, point_rows


@pytest.fixture
def case(tmp_path):
    with Case.create(tmp_path / "messy", title="Messy files", examiner="Alice") as c:
        yield c


def counts(case):
    tables = ["evidence", "flight_imports", "aircraft", "track_blocks", "sightings", "audit_log"]
    return {t: case.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def run(*args):
    return subprocess.run([sys.executable, "-m", "osintdesk", *map(str, args)],
                          capture_output=True, text=True, env=os.environ.copy(), timeout=180)


def test_junk_receiver_times_use_network_time_and_bad_rows_are_counted(case, tmp_path):
    flight = samples.synthetic_flight("UUWW", "ZKPY", step_s=10)
    path = samples.write_granular_with_junk(tmp_path / "granular.csv", flight, junk_time_every=7,
                                            bad_altitude_rows=(10, 20, 30), short_rows=(40,))
    result = import_flight_file(case, path)
    junk = sum(1 for i in range(len(flight)) if i % 7 == 6 and i not in (10, 20, 30, 40))
    assert junk > 100
    assert result.points == len(flight) - 4 and result.skipped == 4
    assert result.skipped_reasons == {
        "altitude is not a number": {"count": 3, "first_record": 12},
        "fewer cells than the header": {"count": 1, "first_record": 42}}
    # A row whose receiver clock was never set is dated by network_time (0.4 s later here).
    t = {row[1] for row in point_rows(case.conn)}
    assert flight[6].t + 0.4 in t and flight[6].t not in t and flight[5].t in t
    record = case.get_record("flight-import", result.import_uuid)
    assert record["skipped"] == 4
    assert json.loads(record["skipped_reasons"])["altitude is not a number"]["count"] == 3
    assert verify_case(case).ok


def test_a_file_with_no_usable_row_is_refused_and_the_case_untouched(case, tmp_path):
    flight = samples.synthetic_flight("UUWW", "ZKPY", step_s=600)
    path = samples.write_granular_with_junk(tmp_path / "bad.csv", flight, junk_time_every=0,
                                            bad_altitude_rows=range(len(flight)))
    before = counts(case)
    with pytest.raises(InputError, match=r"bad.csv: contains no track positions: altitude is not "
                                         rf"a number \({len(flight)}×\)"):
        import_flight_file(case, path)
    assert counts(case) == before


def test_positionless_snapshot_is_imported_as_sightings(case, tmp_path):
    path = samples.write_json(tmp_path / "aircraft.json", samples.positionless_snapshot())
    before = counts(case)
    result = import_flight_file(case, path)
    assert result.format == readsb_aircraft.NAME
    assert (result.points, result.skipped, result.sightings) == (0, 0, 4)
    assert sorted(result.aircraft) == sorted(h.upper() for h in samples.POSITIONLESS_HEXES)
    rows = sightings(case)
    assert [r["hex"] for r in rows] == ["15f0a4", "15f0a3", "15f0a2", "15f0a1"]  # by time heard
    first = rows[-1]
    assert (first["callsign"], first["squawk"], first["t"]) == ("XXS7101", "2261", samples.T0 - 1.5)
    assert first["details"]["alt_ft"] == 33000 and first["file"] == "aircraft.json"
    after = counts(case)
    assert after["sightings"] == before["sightings"] + 4 and after["track_blocks"] == 0
    # Each sighting is a record in the audit log, and verify checks it.
    logged = case.conn.execute("SELECT count(*) FROM audit_log WHERE object_type = 'sighting'")
    assert logged.fetchone()[0] == 4
    assert verify_case(case).ok
    # Sightings are write-once, and a change behind the app's back is caught.
    with pytest.raises(Exception, match="write-once"):
        case.conn.execute("UPDATE sightings SET squawk = '7700'")


def test_verify_catches_a_sighting_added_behind_the_apps_back(case, tmp_path):
    path = samples.write_json(tmp_path / "aircraft.json", samples.positionless_snapshot())
    import_flight_file(case, path)
    row = case.conn.execute("SELECT * FROM sightings LIMIT 1").fetchone()
    names = [d[0] for d in case.conn.execute("SELECT * FROM sightings LIMIT 1").description]
    forged = dict(zip(names, row), uuid="00000000-0000-4000-8000-000000000000", record=99)
    with case.conn:
        case.conn.execute(f"INSERT INTO sightings ({', '.join(forged)}) "
                          f"VALUES ({', '.join('?' * len(forged))})", list(forged.values()))
    assert not verify_case(case).ok


def test_snapshot_mixing_positions_sightings_and_a_bad_entry(case, tmp_path):
    flight = samples.synthetic_flight("UUWW", "ZKPY", step_s=600)
    now = flight[3].t + 5
    entries = [samples.aircraft_entry(flight[3], now),
               samples.positionless_entry("15f0b1", callsign="XXS7102"),
               {"hex": "nothex", "lat": 1.0, "lon": 2.0, "seen_pos": 1}]
    path = samples.write_json(tmp_path / "aircraft.json",
                              samples.aircraft_snapshot(now, entries))
    result = import_flight_file(case, path)
    assert (result.points, result.sightings, result.skipped) == (1, 1, 1)
    assert result.skipped_reasons == {
        "aircraft address is not a 24-bit hex code": {"count": 1, "first_record": 3}}


def test_cli_reports_counts_and_the_aircraft_shows_its_sightings(tmp_path):
    assert run("new", tmp_path / "c", "--title", "Messy").returncode == 0
    case_path = tmp_path / "c.osintcase"
    flight = samples.synthetic_flight("UUWW", "ZKPY", step_s=60)
    granular = samples.write_granular_with_junk(tmp_path / "granular.csv", flight,
                                                bad_altitude_rows=(5,))
    snapshot = samples.write_json(tmp_path / "aircraft.json", samples.positionless_snapshot())
    result = run("import-flights", case_path, granular, snapshot, "--json")
    assert result.returncode == 0, result.stderr
    first, second = json.loads(result.stdout)
    assert first["points"] == len(flight) - 1
    assert first["skipped_reasons"] == {"altitude is not a number": {"count": 1, "first_record": 7}}
    assert (second["points"], second["sightings"]) == (0, 4)

    text = run("import-flights", case_path, samples.write_json(
        tmp_path / "aircraft2.json", samples.positionless_snapshot(samples.T0 + 60)))
    assert text.returncode == 0, text.stderr
    assert "4 aircraft seen without a position (kept as sightings)" in text.stdout

    aircraft = {a["hex"]: a for a in json.loads(run("aircraft", case_path, "--json").stdout)}
    heard = aircraft["15f0a1"]["sightings"]
    assert [(s["t"], s["callsign"], s["squawk"]) for s in heard] == [
        ("2024-01-02T07:41:01Z", "XXS7101", "2261"),
        ("2024-01-02T07:42:01Z", "XXS7101", "2261")]
    listing = run("aircraft", case_path).stdout
    assert "callsign XXS7101, squawk 2261 (no position)" in listing


def test_sightings_are_on_the_timeline_not_the_map(case, tmp_path):
    from matplotlib.figure import Figure

    from osintdesk.charts.timeline.draw import draw_timeline
    from osintdesk.charts.timeline.items import TimelineFilter, read_timeline
    flight = samples.synthetic_flight("UUWW", "ZKPY", step_s=600, hex="15f0a1")
    import_flight_file(case, samples.write_readsb_trace(tmp_path / "trace_full_15f0a1.json",
                                                        flight, hex="15f0a1"))
    import_flight_file(case, samples.write_json(tmp_path / "aircraft.json",
                                                samples.positionless_snapshot(flight[-1].t + 3600)))
    timeline = read_timeline(case, TimelineFilter(aircraft=("15f0a1",)))
    heard = [i for i in timeline.items if i.kind == "sighting"]
    assert [(i.label, i.record_kind, i.select_kind) for i in heard] == [
        ("XXS7101 sq 2261", "sighting", "aircraft")]
    assert heard[0].lane == next(i.lane for i in timeline.items if i.kind == "flight")
    assert heard[0].describe().startswith("heard without a position")
    only = read_timeline(case, TimelineFilter(kinds=("sighting",)))
    assert len(only.items) == 4
    fig = Figure(figsize=(8, 3), dpi=100)
    info = draw_timeline(fig, timeline.items, timeline.lanes)
    assert any(m.item.kind == "sighting" for m in info.marks)
    fig.savefig(tmp_path / "timeline.png")
    # Not on the map: no track point was made from a sighting.
    assert point_count(case.conn, '15f0a2') == 0


def test_window_imports_a_positionless_snapshot_and_lists_the_sightings(qtbot, window, tmp_path):
    path = samples.write_json(tmp_path / "aircraft.json", samples.positionless_snapshot())
    task = window.import_flights([str(path)])
    wait_for(qtbot, window, task)
    assert task.error is None, task.error
    assert "4 aircraft heard without a position" in window.statusBar().currentMessage()
    page = window.show_page("Aircraft")
    assert page.model.rowCount() == 4
    row = next(i for i in range(4) if page.model.row(i)["hex"] == "15f0a1")
    assert page.select_aircraft(page.model.row(row)["uuid"])
    text = page.detail.text()
    assert "Heard without a position (1)" in text
    assert "callsign XXS7101, squawk 2261 (no position)" in text and "aircraft.json" in text
    page.grab().save(str(tmp_path / "aircraft_page.png"))


def test_sightings_travel_in_bundles_and_merge(tmp_path):
    from osintdesk.custody.keys import create_examiner_key, load_examiner_key
    from tests.exchange.test_same_thing import export, merge
    create_examiner_key(None)
    key = load_examiner_key(lambda: None)
    snapshot = samples.write_json(tmp_path / "aircraft.json", samples.positionless_snapshot())
    alice, bob = tmp_path / "alice.osintcase", tmp_path / "bob.osintcase"
    with Case.create(alice, title="Alice", examiner="Alice"):
        pass
    with Case.create(bob, title="Bob", examiner="Bob") as case:
        import_flight_file(case, snapshot)
    assert merge(alice, export(bob, tmp_path / "b.osintbundle", key)).merged
    with Case.open(alice, examiner="x", readonly=True) as case:
        assert verify_case(case).ok
        rows = sightings(case)
        assert sorted(r["hex"] for r in rows) == sorted(samples.POSITIONLESS_HEXES)
        assert {r["file"] for r in rows} == {"aircraft.json"}


def test_the_same_snapshot_imported_in_two_cases_merges_its_sightings_once(tmp_path):
    from osintdesk.custody.keys import create_examiner_key, load_examiner_key
    from tests.exchange.test_same_thing import export, merge
    create_examiner_key(None)
    key = load_examiner_key(lambda: None)
    snapshot = samples.write_json(tmp_path / "aircraft.json", samples.positionless_snapshot())
    alice, bob = tmp_path / "alice.osintcase", tmp_path / "bob.osintcase"
    for path, examiner in ((alice, "Alice"), (bob, "Bob")):
        with Case.create(path, title=examiner, examiner=examiner) as case:
            import_flight_file(case, snapshot)
    result = merge(alice, export(bob, tmp_path / "b.osintbundle", key))
    assert result.merged
    assert {s["kind"] for s in result.plan.same_as} >= {"flight-import", "sighting"}
    with Case.open(alice, examiner="x", readonly=True) as case:
        assert verify_case(case).ok
        assert len(sightings(case)) == 4


def _export(tmp_path) -> tuple[bytes, int]:
    """An FR24 export's bytes and the start of a row in its middle."""
    whole = tmp_path / "whole.csv"
    samples.write_fr24_csv(whole, samples.synthetic_flight("UUWW", "ZKPY", step_s=60))
    data = whole.read_bytes()
    return data, data.index(b"\n", len(data) // 2) + 1


def _cut_copies(tmp_path, data: bytes, middle: int) -> dict:
    """An FR24 export cut three ways at the row starting at ``middle``: after the
    position's closing quote, inside the quoted position, and after its first cell."""
    quote = data.index(b'"', middle)
    return {name: data[:end] for name, end in (
        ("after-position", data.index(b'",', middle) + 3),
        ("inside-quotes", quote + 4),
        ("first-cell", data.index(b",", middle) + 1))}


@pytest.mark.parametrize("how", ["after-position", "inside-quotes", "first-cell"])
@pytest.mark.parametrize("size", ["small", "columnar"])
def test_a_csv_cut_in_the_middle_of_a_row_keeps_the_rows_before_it(case, tmp_path, how, size):
    """`head -c` of an FR24 export: the rows before the cut are imported, the cut row is
    skipped under one reason whichever reader read the file (the row reader for a file
    with an irregular row, the column reader otherwise) and wherever the cut fell, and
    the import warns; the same rows with the cut row left out import the same points."""
    flight = samples.synthetic_flight("UUWW", "ZKPY", step_s=60)
    whole = tmp_path / "whole.csv"
    samples.write_fr24_csv(whole, flight)
    data = whole.read_bytes()
    if size == "small":   # a row the column reader refuses: the importer reads the file
        first = data.index(b"\n") + 1
        data = data[:first] + b"not a row\n" + data[first:]
    middle = data.index(b"\n", len(data) // 2) + 1          # a row's start
    cut = tmp_path / "cut.csv"
    cut.write_bytes(_cut_copies(tmp_path, data, middle)[how])
    result = import_flight_file(case, cut, aircraft="XX-00001")
    reason = "the file ends in the middle of a row (cut short)"
    lines = data[:middle].count(b"\n")
    assert result.skipped_reasons[reason] == {"count": 1, "first_record": lines + 1}
    assert result.points == lines - 1 - (size == "small")
    assert any("ends in the middle of a row" in w for w in result.warnings)
    stored = case.conn.execute("SELECT skipped_reasons FROM flight_imports").fetchone()[0]
    assert reason in json.loads(stored)
    kept = tmp_path / "kept.csv"
    kept.write_bytes(data[:middle])
    with Case.create(tmp_path / "other.osintcase", title="t", examiner="x") as other:
        again = import_flight_file(other, kept, aircraft="XX-00001")
    assert again.points == result.points and not again.warnings


def test_a_gzip_csv_cut_in_the_middle_of_a_row_keeps_the_rows_before_it(case, tmp_path):
    """A whole gzip stream of a cut file: the same rule as the plain file."""
    data, middle = _export(tmp_path)
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(gzip.compress(_cut_copies(tmp_path, data, middle)["inside-quotes"]))
    result = import_flight_file(case, cut, aircraft="XX-00001")
    assert result.skipped == 1 and result.points == data[:middle].count(b"\n") - 1
    assert result.warnings


def test_a_csv_whose_last_row_is_short_but_ends_its_line_is_not_cut(case, tmp_path):
    """A short last row with its line end is an ordinary short row, no warning."""
    data, middle = _export(tmp_path)
    kept = tmp_path / "short-row.csv"
    kept.write_bytes(data[:data.index(b'",', middle) + 3] + b"\n")
    result = import_flight_file(case, kept, aircraft="XX-00001")
    assert result.skipped == 1 and result.points > 0 and not result.warnings
    assert "fewer cells than the header" in result.skipped_reasons


def test_the_cli_warns_of_a_cut_file(tmp_path):
    from click.testing import CliRunner
    from osintdesk.cli import cli
    data, middle = _export(tmp_path)
    cut = tmp_path / "cut.csv"
    cut.write_bytes(_cut_copies(tmp_path, data, middle)["inside-quotes"])
    path = tmp_path / "c.osintcase"
    runner = CliRunner()
    assert runner.invoke(cli, ["--examiner", "x", "new", str(path), "--title", "t"]).exit_code == 0
    out = runner.invoke(cli, ["--examiner", "x", "import-flights", str(path), str(cut),
                              "--aircraft", "XX-00001"])
    assert out.exit_code == 0, out.output
    assert "warning" in out.output and "cut short" in out.output
