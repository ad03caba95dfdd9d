"""Demo cases for trainers: reproducible from a seed, verifiable, their exercises' answers
true of the case the app builds, the tamper key equal to what verify finds, and the
classroom server serving every page the exercises name (captured by the real capture)."""

import json
import os
import sqlite3
import subprocess
import sys
import threading

import pytest
import requests

from osintdesk.demo import DEMO_MARK, is_demo
from osintdesk.demo.build import create_demo, plan_for
from osintdesk.demo.classroom import ClassroomServer
from osintdesk.demo.exercises import write_exercises
from osintdesk.demo.tamper import answer_key
from osintdesk.findings.checks import evaluate_claim
from osintdesk.flights import queries
from osintdesk.sources.queries import timeline_sources
from osintdesk.sources.settings import CaptureSettings
from osintdesk.sources.web_capture import capture
from osintdesk.store import Case, verify_case
from osintdesk.timefmt import parse_record


def rows_of(path) -> dict[str, list[tuple]]:
    """Every table's rows in rowid order (FTS shadow tables included)."""
    conn = sqlite3.connect(path)
    try:
        tables = [n for (n,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {}
        for table in tables:
            try:
                out[table] = conn.execute(f"SELECT * FROM [{table}] ORDER BY rowid").fetchall()
            except sqlite3.OperationalError:   # WITHOUT ROWID or virtual tables
                out[table] = sorted(conn.execute(f"SELECT * FROM [{table}]").fetchall(), key=repr)
        return out
    finally:
        conn.close()


@pytest.fixture(scope="module")
def il62(tmp_path_factory):
    folder = tmp_path_factory.mktemp("il62")
    return create_demo("il62", folder / "il62", seed=7).path


def test_same_seed_same_records_record_by_record(tmp_path, il62):
    again = create_demo("il62", tmp_path / "another-name", seed=7).path   # another folder too
    first, second = rows_of(il62), rows_of(again)
    assert first.keys() == second.keys()
    for table in first:
        assert len(first[table]) == len(second[table]), table
        for a, b in zip(first[table], second[table]):
            assert a == b, (table, a, b)
    points = sum(row[3] for row in first["track_blocks"])   # id, import, aircraft, count...
    assert len(first["audit_log"]) > 50 and points > 1000
    other = rows_of(create_demo("il62", tmp_path / "seed8", seed=8).path)
    assert other["audit_log"] != first["audit_log"]   # the seed decides


def test_the_demo_is_marked_synthetic_and_verifies(il62, tmp_path):
    with Case.open(il62, examiner="Trainee", readonly=True) as case:
        meta = case.meta()
        assert is_demo(meta) and meta["title"].startswith(DEMO_MARK)
        assert verify_case(case).ok
        [aircraft] = queries.aircraft(case)
        assert aircraft["registration"] == "XX-62001" and aircraft["hex"] == "fff0a1"
    bizjet = create_demo("bizjet", tmp_path / "bizjet").path
    result = subprocess.run([sys.executable, "-m", "osintdesk", "verify", bizjet, "--json"],
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "OSINTDESK_EXAMINER": "Trainee"})
    assert result.returncode == 0 and json.loads(result.stdout)["ok"] is True, result.stderr
    with Case.open(bizjet, examiner="Trainee", readonly=True) as case:
        flights = queries.select_flights(case)
        assert len(flights) == 6
        assert {(f["origin"], f["destination"]) for f in flights} == {("LSGG", "LIML"), ("LIML", "LSGG")}


def _near(record_a: str, record_b: str, slack_s: float = 60.0) -> bool:
    return abs(parse_record(record_a).timestamp() - parse_record(record_b).timestamp()) <= slack_s


def test_every_exercise_answer_holds_against_the_demo_case(il62, tmp_path):
    result = write_exercises("il62", tmp_path / "ex", seed=7)
    key = json.loads(open(result["answer_key_json"], encoding="utf-8").read())
    sheet = open(result["sheet"], encoding="utf-8").read()
    assert "registry" in sheet and "Stays" not in sheet   # the sheet asks; the key answers
    with Case.open(il62, examiner="Trainee", readonly=True) as case:
        flights = queries.select_flights(case)
        assert [(f["origin"], f["destination"]) for f in flights] == [
            (f["origin"], f["destination"]) for f in key["flights"]]
        # Times to the second, as the case shows them (not the generator's plan).
        assert [(f["departure_utc"], f["arrival_utc"], f["callsigns"]) for f in flights] == [
            (f["takeoff_utc"], f["landing_utc"], f["callsign"]) for f in key["flights"]]
        stays = [s for s in queries.ground_times(case)]
        assert [(s["airport"], s["from_utc"], s["to_utc"]) for s in stays] == [
            (s["airport"], s["from_utc"], s["to_utc"]) for s in key["stays"]]
        [gap] = queries.coverage_gaps(case)
        assert parse_record(key["coverage_gap"]["from_utc"]).timestamp() == gap["start_t"]
        assert parse_record(key["coverage_gap"]["to_utc"]).timestamp() == gap["end_t"]
        [gap_flight] = [f for f in flights if f["uuid"] == gap["flight_uuid"]]
        assert key["coverage_gap"]["flight"] == f"{gap_flight['origin']}-{gap_flight['destination']}"
        md = open(result["answer_key"], encoding="utf-8").read()
        assert all(f"took off {f['departure_utc']}" in md for f in flights)
        claims = {c["text"]: c for c in case.db.query("SELECT * FROM claims")}
        assert len(claims) == len(key["claims"])
        for expected in key["claims"]:
            assert evaluate_claim(case, claims[expected["text"]]).result == expected["check"]
        assert {"supported", "contradicted", "not_covered"} <= {c["check"] for c in key["claims"]}
        published = {s["title"]: s["published_utc"] for s in timeline_sources(case)}
        for page in key["pages"]:
            if page["published_utc"] is None:   # the registry page gives no date
                assert published[page["title"]] is None
            else:
                assert _near(published[page["title"]], page["published_utc"], 1)


def test_the_tamper_key_is_what_verify_reports(tmp_path):
    result = subprocess.run([sys.executable, "-m", "osintdesk", "demo", "create", "tamper",
                             tmp_path / "tampered", "--json"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    path = json.loads(result.stdout)["path"]
    key = answer_key(path)
    assert len(key) == 3
    verified = subprocess.run([sys.executable, "-m", "osintdesk", "verify", path, "--json"],
                              capture_output=True, text=True, timeout=300)
    assert verified.returncode == 1
    found = {f["object"] for f in json.loads(verified.stdout)["failures"]}
    assert found == {change["object"] for change in key}
    assert any(change["object"].startswith("artifact ") for change in key)
    assert any(change["object"].startswith("claim ") for change in key)
    assert any(change["object"].startswith("audit entry ") for change in key)


@pytest.fixture
def classroom(tmp_path):
    from osintdesk.demo.build import write_flight_files
    plan = plan_for("il62", 7)
    write_flight_files(plan, tmp_path / "files")
    server = ClassroomServer(plan, tmp_path / "files", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_classroom_serves_every_page_the_exercises_name(classroom, tmp_path, il62):
    port = classroom.server_address[1]
    key = json.loads(open(write_exercises("il62", tmp_path / "ex", seed=7, port=port)
                          ["answer_key_json"], encoding="utf-8").read())
    session = requests.Session()
    session.trust_env = False
    for url in [p["url"] for p in key["pages"]] + [key["changing_page"], *key["redirect_chain"]]:
        assert session.get(url, timeout=10).status_code == 200, url
    index = session.get(classroom.base_url + "/", timeout=10).text
    for f in key["files"]:
        assert session.get(f"{classroom.base_url}/files/{f['name']}", timeout=10).status_code == 200
        assert f["name"] in index
    with Case.create(tmp_path / "trainee", title="Exercise", examiner="Trainee") as case:
        outcomes = capture(case, [p["url"] for p in key["pages"]], CaptureSettings(), session)
        assert all(o.ok for o in outcomes), [o.error for o in outcomes]
        [redirected] = capture(case, [key["redirect_chain"][0]], CaptureSettings(), session)
        assert redirected.final_url == key["redirect_chain"][-1]
        first, second = capture(case, [key["changing_page"]] * 2, CaptureSettings(), session)
        assert first.source_uuid == second.source_uuid and first.body_sha256 != second.body_sha256
        assert verify_case(case).ok
    # The trainee's copy of a page is the demo case's copy, byte for byte.
    with Case.open(il62, examiner="Trainee", readonly=True) as demo:
        stored = {r["sha256"] for r in demo.db.query("SELECT sha256 FROM evidence")}
    assert {o.body_sha256 for o in outcomes} <= stored


def test_the_flight_files_import_into_a_new_case(classroom, tmp_path):
    from osintdesk.flights.ingest import import_flight_file
    files = sorted(p for p in classroom.files_dir.iterdir() if p.name.startswith("DEMO-SYNTHETIC"))
    formats = set()
    with Case.create(tmp_path / "imports", title="Exercise", examiner="Trainee") as case:
        for path in files:
            formats.add(import_flight_file(case, path, aircraft="XX-62001").format)
        assert len(queries.select_flights(case)) == 4
    assert len(formats) == 4   # one importer per format


def test_cli_lists_and_refuses_an_unknown_demo(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "osintdesk", *map(str, args)],
                              capture_output=True, text=True, timeout=120)
    listed = run("demo", "list", "--json")
    assert {row["name"] for row in json.loads(listed.stdout)} == {"il62", "bizjet", "tamper"}
    refused = run("demo", "create", "nothing", tmp_path / "x")
    assert refused.returncode == 2 and "no demo called 'nothing'" in refused.stderr
    assert list(tmp_path.iterdir()) == []


def test_exercises_are_not_written_over_unless_forced(tmp_path):
    from click.testing import CliRunner

    from osintdesk.cli import cli
    out = tmp_path / "ex"
    runner = CliRunner()
    first = runner.invoke(cli, ["demo", "exercises", "il62", "-o", str(out), "--json"])
    assert first.exit_code == 0, first.output
    sheet = out / "trainee-sheet.md"
    sheet.write_text("the trainer's own notes")
    refused = runner.invoke(cli, ["demo", "exercises", "il62", "-o", str(out)])
    assert refused.exit_code == 2
    assert refused.output.strip().splitlines() == [
        f"osintdesk: error: {sheet}: already exists: exercises are never written over another file; "
        "choose another folder or use --force"]
    assert sheet.read_text() == "the trainer's own notes"
    forced = runner.invoke(cli, ["demo", "exercises", "il62", "-o", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert sheet.read_text().startswith("# Exercises:")
