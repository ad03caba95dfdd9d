"""Two processes on one case, a write-protected case left with a WAL, what killed runs left.

Every other process here is a real one (``python -c`` or the command line), killed with
SIGKILL where a crash is the point; waits are bounded and driven by what the processes
print, never by sleeping for a guessed time.
"""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from osintdesk.errors import CaseBusyError, ReadOnlyCaseError
from osintdesk.store import Case
from osintdesk.store import sidecar
from tests.support import flight_samples as samples

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and chmod are POSIX")

HOLD = """
import sys, time
from osintdesk.store import Case, sidecar
case = Case.open(sys.argv[1], examiner="Alice", activity="import-flights")
with case.transaction():
    {work}
    while sidecar.read_writer(case.path) is None:   # a write that lasts gets its note
        time.sleep(0.01)
    print("holding", flush=True)
    sys.stdin.readline()
case.close()
print("released", flush=True)
"""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli(*args, **popen):
    return subprocess.Popen([sys.executable, "-m", "osintdesk", "--examiner", "Bob",
                             *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def python(code: str, *args, stdin=subprocess.PIPE, env=None):
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], stdin=stdin,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def expect_line(proc, stream, text: str) -> str:
    """Read ``stream`` of ``proc`` until a line containing ``text`` (the process must say it)."""
    seen = []
    for line in getattr(proc, stream):
        seen.append(line)
        if text in line:
            return line
    proc.wait(timeout=30)
    raise AssertionError(f"{text!r} never came; {stream}: {''.join(seen)!r}; "
                         f"stderr: {proc.stderr.read() if stream != 'stderr' else ''}")


def hold_lock(case_path: Path, work: str = "pass"):
    holder = python(HOLD.format(work=work), case_path)
    expect_line(holder, "stdout", "holding")
    return holder


def release(holder) -> None:
    holder.stdin.write("\n")
    holder.stdin.close()
    assert holder.wait(timeout=60) == 0, holder.stderr.read()


def kill9(proc) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)   # reaped: its pid is gone, as after a real crash


@pytest.fixture
def case_path(tmp_path):
    with Case.create(tmp_path / "il62", title="Il-62M flights", examiner="Alice") as case:
        return case.path


@pytest.fixture
def flight_file(tmp_path):
    return samples.write_fr24_csv(tmp_path / "RA-86496.csv",
                                  samples.synthetic_flight("UUEE", "ULLI"))


# ------------------------------------------------------------------ waiting for the write lock


def test_a_writer_says_whom_it_waits_for_and_gives_up_with_one_line_and_exit_2(
        case_path, flight_file):
    holder = hold_lock(case_path)
    try:
        before = digest(case_path)
        waiting = cli("--wait", "0.5", "import-flights", case_path, flight_file)
        out, err = waiting.communicate(timeout=60)
    finally:
        release(holder)
    assert waiting.returncode == 2, err
    assert "Traceback" not in err and "OperationalError" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 2, err
    assert lines[0].startswith(f"osintdesk: waiting for {case_path} (another osintdesk is "
                               "writing: import-flights by Alice since ")
    assert lines[1].startswith(f"osintdesk: error: {case_path}: is busy: another osintdesk has "
                               "been writing to it for more than 0.5 s (import-flights by Alice")
    assert lines[1].endswith("nothing was changed, try again when it has finished")
    assert digest(case_path) == before
    with Case.open(case_path, examiner="A", readonly=True) as case:
        assert case.counts()["flight-import"] == 0


def test_a_waiting_writer_goes_on_when_the_lock_is_released(case_path, flight_file):
    holder = hold_lock(case_path)
    waiting = cli("import-flights", case_path, flight_file)
    try:
        line = expect_line(waiting, "stderr", "waiting for")
        assert "import-flights by Alice" in line
    finally:
        release(holder)
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert "RA-86496.csv: fr24-csv" in out or "points" in out
    with Case.open(case_path, examiner="A", readonly=True) as case:
        assert case.counts()["flight-import"] == 1


def test_the_loser_of_a_race_to_import_the_same_file_reports_already_imported(
        case_path, flight_file):
    # The winner has imported the file but not yet committed when the loser looks.
    holder = hold_lock(case_path, work=(
        "from osintdesk.flights.ingest import import_flight_file; "
        f"import_flight_file(case, {str(flight_file)!r})"))
    loser = cli("import-flights", case_path, flight_file)
    try:
        expect_line(loser, "stderr", "waiting for")
    finally:
        release(holder)
    out, err = loser.communicate(timeout=120)
    assert loser.returncode == 0, err
    assert "already imported" in out and "UNIQUE" not in err and "Traceback" not in err
    with Case.open(case_path, examiner="A", readonly=True) as case:
        assert case.counts()["flight-import"] == 1


def test_the_same_file_imported_twice_at_once_is_imported_once(case_path, flight_file):
    first, second = (cli("import-flights", case_path, flight_file) for _ in range(2))
    results = [p.communicate(timeout=120) + (p.returncode,) for p in (first, second)]
    assert [rc for _, _, rc in results] == [0, 0], results
    assert sum("already imported" in out for out, _, _ in results) == 1, results
    with Case.open(case_path, examiner="A", readonly=True) as case:
        assert case.counts()["flight-import"] == 1


def test_in_one_process_a_second_connection_waits_then_refuses(case_path):
    told = []
    with Case.open(case_path, examiner="Alice", activity="note") as first, \
            Case.open(case_path, examiner="Bob", wait_s=0.3, on_wait=told.append) as second:
        before = second.audit_count()
        with first.transaction():
            busy = r"is busy: another osintdesk has been writing to it for more than 0.3 s \(note"
            with pytest.raises(CaseBusyError, match=busy + " by Alice"):
                second.record_event("export")
        assert len(told) == 1 and "(another osintdesk is writing: note by Alice since" in told[0]
        assert second.audit_count() == before
        second.record_event("export")   # free again: no wait, nothing said
        assert len(told) == 1
        assert not sidecar.work_root(case_path).exists()   # a short write leaves no note
    assert not sidecar.work_root(case_path).exists()


def test_a_lock_held_by_another_program_is_named_as_such(case_path):
    import sqlite3
    other = sqlite3.connect(case_path)
    other.execute("BEGIN IMMEDIATE")
    try:
        told = []
        with Case.open(case_path, examiner="Bob", wait_s=1, on_wait=told.append) as case:
            with pytest.raises(CaseBusyError, match="is busy: another program has been writing"):
                case.record_event("export")
        assert told == [f"waiting for {case_path} (another program is writing to it)"]
    finally:
        other.rollback()
        other.close()


# ------------------------------------------------------------------ write-protected, WAL left


WRITE_THEN_DIE = """
import sys, time
from osintdesk.store import Case
case = Case.open(sys.argv[1], examiner="Alice")
case.put_artifact(b"the evidence, committed before the crash")
print("committed", flush=True)
time.sleep(120)
"""


def crash_after_commit(case_path: Path) -> None:
    writer = python(WRITE_THEN_DIE, case_path)
    expect_line(writer, "stdout", "committed")
    kill9(writer)
    assert Path(f"{case_path}-wal").stat().st_size > 0   # the commit is only in the WAL


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "osintdesk", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_a_write_protected_case_with_a_wal_shows_what_was_committed(case_path):
    crash_after_commit(case_path)
    case_path.chmod(0o444)
    before = digest(case_path)
    info = run_cli("info", case_path, "--json")
    assert info.returncode == 0, info.stderr
    counts = json.loads(info.stdout)["counts"]
    assert counts["artifacts"] == 1 and counts["audit_entries"] == 2
    verify = run_cli("verify", case_path)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert verify.stdout.startswith(f"OK: {case_path}: 1 artifact re-hashed")
    assert digest(case_path) == before


def test_a_write_protected_case_whose_wal_cannot_be_read_says_so(case_path, monkeypatch):
    crash_after_commit(case_path)
    case_path.chmod(0o444)
    wal = Path(f"{case_path}-wal")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == wal
                        else real_access(p, mode, **kw))
    with pytest.raises(ReadOnlyCaseError, match=r"is write-protected and has changes in its "
                                                r"write-ahead log \(il62.osintcase-wal\)"):
        Case.open(case_path, examiner="A", readonly=True)


def test_a_write_protected_case_without_a_wal_opens_as_before(case_path):
    case_path.chmod(0o444)
    with Case.open(case_path, examiner="A", readonly=True) as case:
        assert case.counts()["audit_entries"] == 1
    assert not Path(f"{case_path}-wal").exists()


# ------------------------------------------------------------------ leftovers


def test_a_killed_new_leaves_nothing_a_second_new_does_not_sweep(tmp_path):
    script = """
import sys, time
from datetime import datetime, timezone
from osintdesk.store import Case
calls = []
def clock():
    calls.append(1)
    if len(calls) == 3:
        print("building", flush=True)
        time.sleep(120)
    return datetime.now(timezone.utc)
Case.create(sys.argv[1], title="T", examiner="A", clock=clock)
"""
    target = tmp_path / "c.osintcase"
    maker = python(script, target)
    expect_line(maker, "stdout", "building")
    kill9(maker)
    assert not target.exists()
    root = sidecar.work_root(target)
    left = sorted(p.name for p in root.rglob("*"))
    assert any(name.endswith(".partial") for name in left), left
    assert not list(tmp_path.glob(".c.osintcase.*.partial*"))   # nothing loose beside the case
    with Case.create(target, title="T", examiner="A") as case:
        assert case.title == "T"
    assert not root.exists()


def test_old_partial_files_beside_the_case_are_swept_when_it_is_opened_for_writing(case_path):
    legacy = [case_path.with_name(f".{case_path.name}.1a2b3c4d.partial{tail}")
              for tail in ("", "-journal")]
    for path in legacy:
        path.write_bytes(b"half a case")
    with Case.open(case_path, examiner="A", readonly=True):
        pass
    assert all(p.exists() for p in legacy)   # reading changes nothing
    with Case.open(case_path, examiner="A"):
        pass
    assert not any(p.exists() for p in legacy)


def test_a_killed_capture_leaves_its_files_beside_the_case_and_they_are_swept(
        case_path, page_server, tmp_path):
    script = """
import sys, requests
from osintdesk.store import Case
from osintdesk.sources.web_capture import capture_one
from osintdesk.sources.acquire.web import CaptureSettings
case = Case.open(sys.argv[1], examiner="Alice")
capture_one(case, sys.argv[2], CaptureSettings(), requests.Session())
"""
    page_server.slow_delay_s = 60
    shared = tmp_path / "shared-temp"   # the process's temp folder, watched
    shared.mkdir()
    capturer = python(script, case_path, page_server.base_url + "/slow",
                      env={"TMPDIR": str(shared)})
    root = sidecar.work_root(case_path)
    deadline = time.monotonic() + 30
    while not list(root.glob("*/capture-*/*")) and time.monotonic() < deadline:
        assert capturer.poll() is None, capturer.stderr.read()
        time.sleep(0.05)
    kill9(capturer)
    page_server.slow_delay_s = 2.0
    folders = list(root.glob("*/capture-*"))
    assert folders, "the capture's files were not beside the case"
    assert list(shared.iterdir()) == []
    assert oct(root.stat().st_mode & 0o777) == "0o700"
    assert oct(folders[0].parent.stat().st_mode & 0o777) == "0o700"
    with Case.open(case_path, examiner="Bob") as case:
        assert not root.exists()
        case.record_event("export")
    assert not root.exists()


def test_a_live_process_s_files_are_not_swept(case_path):
    holder = hold_lock(case_path, work="case.work_dir()")
    try:
        root = sidecar.work_root(case_path)
        assert len(list(root.iterdir())) == 2   # its folder and the writer's note
        with Case.open(case_path, examiner="Bob", wait_s=0.1) as case:
            assert len(list(root.iterdir())) == 2
            with pytest.raises(CaseBusyError):
                case.record_event("export")
    finally:
        release(holder)
    assert not sidecar.work_root(case_path).exists()


def test_the_writer_s_note_of_a_killed_writer_is_not_believed_and_is_swept(case_path):
    holder = hold_lock(case_path)
    kill9(holder)
    note = sidecar.read_writer(case_path)
    assert note is not None and note["alive"] is False
    told = []
    with Case.open(case_path, examiner="Bob", on_wait=told.append) as case:
        assert sidecar.read_writer(case_path) is None
        case.record_event("export")   # the dead writer's lock went with it
    assert told == []


# ------------------------------------------------------------------ kill -9 mid-write


@pytest.mark.parametrize("trial", range(3))
def test_an_import_killed_while_it_writes_leaves_a_valid_case_and_nothing_beside_it(
        case_path, tmp_path, trial):
    from osintdesk.flights.ingest import import_flight_file
    from osintdesk.verification import verify_case
    big = samples.write_fr24_csv(tmp_path / f"RA-86496-{trial}.csv",
                                 samples.synthetic_flight("UUEE", "ZKPY", step_s=1.0, seed=trial))
    importer = cli("import-flights", case_path, big)
    note = sidecar.work_root(case_path) / sidecar.WRITER_NOTE
    deadline = time.monotonic() + 60
    while not note.exists() and importer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    kill9(importer)
    with Case.open(case_path, examiner="Bob") as case:
        assert not sidecar.work_root(case_path).exists()   # the dead writer's note is gone
        report = verify_case(case)
        assert report.ok, report.failures
        imports = case.counts()["flight-import"]
        assert imports in (0, 1)   # all or nothing, whenever the kill landed
        result = import_flight_file(case, big)
        assert result.already_imported == (imports == 1)
        assert verify_case(case).ok
    assert not list(tmp_path.glob(".*partial*")) and not Path(f"{case_path}-journal").exists()


def test_a_verify_that_cannot_record_its_result_still_gives_it(case_path):
    holder = hold_lock(case_path)
    try:
        verify = cli("--wait", "0.3", "verify", case_path)
        out, err = verify.communicate(timeout=120)
    finally:
        release(holder)
    assert verify.returncode == 0, out + err
    assert out.startswith(f"OK: {case_path}: ")
    assert "Note: this result was not recorded: " in err and "is busy" in err
    assert "Traceback" not in err
