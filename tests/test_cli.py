"""The osintdesk command line, run as a user would run it (a real process)."""

import hashlib
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from osintdesk import __version__


def run(*args, env=None, cwd=None):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "osintdesk", *map(str, args)],
                          capture_output=True, text=True, env=full_env, cwd=cwd, timeout=120)


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def case(tmp_path):
    result = run("new", tmp_path / "il62", "--title", "Il-62M flights", "--number", "2024-17")
    assert result.returncode == 0, result.stderr
    return tmp_path / "il62.osintcase"


def test_version():
    result = run("--version")
    assert result.returncode == 0 and __version__ in result.stdout


def test_new_and_info(case):
    result = run("info", case)
    assert result.returncode == 0
    assert "Il-62M flights (2024-17)" in result.stdout
    assert "Test Examiner" in result.stdout  # from OSINTDESK_EXAMINER (conftest)
    assert "Audit log  1 entry, head #1 " in result.stdout   # not "1 entries"
    data = json.loads(run("info", case, "--json").stdout)
    assert data["title"] == "Il-62M flights"
    assert data["counts"]["audit_entries"] == 1
    assert data["examiners"] == ["Test Examiner"]
    assert len(data["audit_head"]["hash"]) == 64


def test_new_as_json_names_the_case_it_made(tmp_path):
    result = run("new", tmp_path / "j", "--title", "Il-62M", "--number", "7", "--json")
    assert result.returncode == 0, result.stderr
    made = json.loads(result.stdout)
    info = json.loads(run("info", tmp_path / "j.osintcase", "--json").stdout)
    assert made == {"uuid": info["uuid"], "path": info["path"], "title": "Il-62M",
                    "number": "7", "examiner": "Test Examiner"}


def test_examiner_flag_wins_over_environment(tmp_path):
    result = run("--examiner", "Alice Analyst", "new", tmp_path / "c", "--title", "T")
    assert result.returncode == 0
    data = json.loads(run("info", tmp_path / "c.osintcase", "--json").stdout)
    assert data["created_by"] == "Alice Analyst"


def test_new_refuses_existing(case):
    before = digest(case)
    result = run("new", case, "--title", "Other")
    assert result.returncode == 2
    assert "already exists" in result.stderr and "Traceback" not in result.stderr
    assert digest(case) == before


def test_add_file_verify_and_log(case, tmp_path):
    evidence = tmp_path / "article.html"
    evidence.write_text("<html><title>Il-62M RA-86496</title></html>")
    result = run("add-file", case, evidence, "--json")
    assert result.returncode == 0, result.stderr
    added = json.loads(result.stdout)
    assert added[0]["added"] is True
    assert added[0]["sha256"] == hashlib.sha256(evidence.read_bytes()).hexdigest()
    again = json.loads(run("add-file", case, evidence, "--json").stdout)
    assert again[0]["added"] is False

    result = run("verify", case)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK:")
    report = json.loads(run("verify", case, "--json").stdout)
    assert report["ok"] is True and report["recorded"] is True

    log = json.loads(run("log", case, "--json").stdout)
    # A verification that holds is followed by its signed checkpoint (a 'create'); the
    # identifiers found (two) are one entry with their digest.
    assert [e["action"] for e in log] == ["create", "store", "add", "create", "derive", "add",
                                          "find", "verify", "create", "verify", "create"]
    assert (log[6]["object_type"], log[6]["details"]["rows"]) == ("identifiers", 2)
    assert [e["object_type"] for e in log][-3:] == ["checkpoint", "case", "checkpoint"]

    out = tmp_path / "original.html"
    result = run("export-original", case, added[0]["sha256"], "-o", out)
    assert result.returncode == 0 and out.read_bytes() == evidence.read_bytes()


def test_verify_counts_agree_with_their_nouns(case, tmp_path):
    first = run("verify", case)
    assert "0 artifacts re-hashed, 1 audit entry, 1 record checked" in first.stdout
    (tmp_path / "a.txt").write_text("hi")
    assert run("add-file", case, tmp_path / "a.txt").returncode == 0
    second = run("verify", case)
    assert "1 artifact re-hashed, 8 audit entries, 6 records checked" in second.stdout
    assert "(s)" not in first.stdout + second.stdout


def test_verify_reports_tampering_and_exits_1(case, tmp_path):
    evidence = tmp_path / "a.txt"
    evidence.write_text("the aircraft landed at Sunan")
    run("add-file", case, evidence)
    conn = sqlite3.connect(case)
    conn.execute("UPDATE evidence SET original_name = 'other.txt'")
    conn.commit()
    conn.close()
    result = run("verify", case)
    assert result.returncode == 1
    assert "FAILED" in result.stdout and "changed outside osintdesk" in result.stdout
    assert ": 1 problem; " in result.stdout   # not "1 problem(s)"
    data = json.loads(run("verify", case, "--json").stdout)
    assert data["ok"] is False and data["failures"][0]["check"] == "record"
    info = json.loads(run("info", case, "--json").stdout)
    assert info["last_verification"]["ok"] is False


@pytest.mark.parametrize("make,message", [
    (lambda p: p.write_bytes(os.urandom(2048)), "not an SQLite database"),
    (lambda p: p.write_bytes(b""), "empty file"),
    (lambda p: _foreign_sqlite(p), "another application"),
    (lambda p: None, "no such case file"),
])
@pytest.mark.parametrize("command", ["info", "verify", "log"])
def test_bad_input_gives_one_line_and_leaves_file_untouched(tmp_path, make, message, command):
    path = tmp_path / "suspect.osintcase"
    make(path)
    before = digest(path) if path.exists() else None
    result = run(command, path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and str(path) in lines[0]
    assert "Traceback" not in result.stderr
    assert (digest(path) if path.exists() else None) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ([path.name] if before else [])


def _foreign_sqlite(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (url TEXT)")
    conn.commit()
    conn.close()


def test_newer_version_case_is_refused(case):
    conn = sqlite3.connect(case)
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    before = digest(case)
    result = run("info", case)
    assert result.returncode == 2 and "newer osintdesk" in result.stderr
    assert digest(case) == before


def test_read_only_case_can_be_inspected_not_changed(case, tmp_path):
    case.chmod(0o444)
    before = digest(case)
    assert run("info", case).returncode == 0
    result = run("verify", case)
    assert result.returncode == 0 and "not recorded" in result.stderr
    (tmp_path / "f.txt").write_text("x")
    result = run("add-file", case, tmp_path / "f.txt")
    assert result.returncode == 2 and "read-only" in result.stderr
    assert digest(case) == before


def test_debug_shows_traceback(tmp_path):
    result = run("--debug", "info", tmp_path / "missing.osintcase")
    assert result.returncode != 0 and "Traceback" in result.stderr


def start_gui(*args):
    """Run the app until its window is up (OSINTDESK_QUIT_WHEN_SHOWN): a hang fails by the timeout."""
    return run(*args, env={"QT_QPA_PLATFORM": "offscreen", "OSINTDESK_QUIT_WHEN_SHOWN": "1"})


@pytest.mark.parametrize("args", [["gui"], [], ["gui", "CASE"]])
def test_gui_starts_and_shows_the_window(tmp_path, args, case):
    """`osintdesk gui [CASE]` (and plain `osintdesk`) open the window (and the case) without an error."""
    result = start_gui(*[case if a == "CASE" else a for a in args])
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "error" not in result.stderr.lower()


def test_gui_with_a_case_it_cannot_open_says_so(tmp_path):
    (tmp_path / "notes.osintcase").write_text("not a case")
    result = start_gui("gui", tmp_path / "notes.osintcase")
    assert result.returncode == 1, result.stderr  # the window came up, the case did not open
    assert "Traceback" not in result.stderr


def test_gui_upgrades_an_older_case_before_showing_it(tmp_path):
    from tests.support.store_samples import first_release_case
    from osintdesk.store import SCHEMA_VERSION

    path = first_release_case(tmp_path / "old")
    result = start_gui("gui", path)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_a_folder_given_as_the_case_is_one_clear_line(tmp_path):
    folder = tmp_path / "evidence"
    folder.mkdir()
    result = run("info", folder)
    assert result.returncode == 2
    assert result.stderr.strip() == f"osintdesk: error: {folder}: is a folder, not a case file"


def test_a_case_named_without_its_extension_is_found(tmp_path, page_server, monkeypatch):
    """``new my-case`` makes my-case.osintcase; later commands may name it as ``my-case``."""
    from click.testing import CliRunner

    from osintdesk.cli import cli
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["new", "my-case", "--title", "T"]).exit_code == 0
    result = runner.invoke(cli, ["capture", "my-case", page_server.base_url + "/page.html"])
    assert result.exit_code == 0, result.output
    info = runner.invoke(cli, ["info", "my-case", "--json"])
    assert info.exit_code == 0, info.output
    data = json.loads(info.output)
    assert data["path"].endswith("my-case.osintcase") and data["counts"]["artifacts"] >= 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my-case.osintcase"]
    missing = runner.invoke(cli, ["info", "other-case"])
    assert missing.exit_code == 2 and "other-case: no such case file" in missing.output


def test_counts_agree_with_their_nouns():
    from osintdesk.words import counted
    assert counted(1, "evidence file") == "1 evidence file"
    assert counted(0, "evidence file") == "0 evidence files"
    assert counted(1, "audit entry", "audit entries") == "1 audit entry"
    assert counted(2, "audit entry", "audit entries") == "2 audit entries"
    assert counted(12345, "record", thousands=True) == "12,345 records"
    from osintdesk.words import listed
    assert listed("column", ["lat"]) == "column lat"
    assert listed("column", ["lat", "lon"]) == "columns lat, lon"
