"""verify, imports and added files run at the same time in separate processes: no false
alarm is reported, and none is recorded in the audit log."""

import json
import sqlite3
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from osintdesk.flights.ingest import import_flight_file
from osintdesk.store import Case
from osintdesk.verification import verify_case
from tests.support import flight_samples as samples

ROOT = Path(__file__).resolve().parents[2]
IMPORTS = 10
MAX_VERIFIES = 150

WRITER = textwrap.dedent("""
    import sys
    from osintdesk.flights.ingest import import_flight_file
    from osintdesk.sources.local_files import add_files
    from osintdesk.store import Case
    case_path, done, *files = sys.argv[1:]
    for name in files:
        with Case.open(case_path, examiner="Writer") as case:
            if name.endswith(".txt"):
                add_files(case, [name])       # evidence, a source, a capture, the search index
            else:
                import_flight_file(case, name)
    open(done, "w").close()
""")

VERIFIER = textwrap.dedent("""
    import json, os, sys
    from osintdesk.store import Case
    from osintdesk.verification import verify_and_record
    case_path, done, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for _ in range(limit):
        finished = os.path.exists(done)
        with Case.open(case_path, examiner="Verifier") as case:
            report = verify_and_record(case)
        print(json.dumps({"ok": report.ok, "failures": [str(f) for f in report.failures],
                          "recorded": report.recorded}), flush=True)
        if finished:
            break
""")


def _python(code, *args):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_verify_during_imports_raises_no_false_alarm(tmp_path):
    case_path = tmp_path / "busy.osintcase"
    # A large import first: verify spends a while on its records, when imports land.
    first = samples.write_readsb_trace(tmp_path / "trace_full_155abc.json",
                                       samples.iter_bench_points(100_000))
    (tmp_path / "bulk.bin").write_bytes(os.urandom(1 << 20))
    with Case.create(case_path, title="Busy", examiner="Alice") as case:
        import_flight_file(case, first)
        case.add_evidence_file(tmp_path / "bulk.bin")
    # Each file: a new import, its track points and the flight analysis it changes.
    files = [samples.write_readsb_trace(
                 tmp_path / f"trace_full_1{n:05x}.json",
                 samples.synthetic_flight("UUEE", "ULLI", samples.T0 + n * 86400, hex=f"1{n:05x}"),
                 hex=f"1{n:05x}")
             for n in range(IMPORTS)]
    pages = []
    for n in range(IMPORTS):
        pages.append(tmp_path / f"page{n}.txt")
        pages[-1].write_text(f"Report {n}: RA-86496 seen at Sunan, then Vnukovo.", encoding="utf-8")
    files = [path for pair in zip(files, pages) for path in pair]
    done = tmp_path / "writer.done"
    verifier = _python(VERIFIER, case_path, done, MAX_VERIFIES)
    writer = _python(WRITER, case_path, done, *files)
    try:
        _, writer_err = writer.communicate(timeout=240)
        verifier_out, verifier_err = verifier.communicate(timeout=240)
    finally:
        for process in (writer, verifier):
            if process.poll() is None:
                process.kill()
    assert writer.returncode == 0, writer_err
    assert verifier.returncode == 0, verifier_err
    reports = [json.loads(line) for line in verifier_out.splitlines()]
    assert len(reports) >= 2
    assert [r["failures"] for r in reports if not r["ok"]] == []
    with Case.open(case_path, examiner="Bob", readonly=True) as case:
        recorded = [e.details for e in case.audit_entries() if e.action == "verify"]
        imports = case.conn.execute("SELECT count(*) FROM flight_imports").fetchone()[0]
        captures = case.conn.execute("SELECT count(*) FROM captures").fetchone()[0]
        final = verify_case(case)
    assert imports == IMPORTS + 1
    assert captures == IMPORTS
    assert len(recorded) == len(reports)
    assert all(details["ok"] for details in recorded), [d["failures"] for d in recorded]
    assert final.ok, final.failures


# ----------------------------------------------- the second connection of one verification


class _Twin:
    """A case's second read connection that lets another writer commit just before its
    read transaction starts, ``commits`` times (the race the snapshot check must see)."""

    def __init__(self, conn, writer_path, commits):
        self._conn = conn
        self._writer_path = writer_path
        self.commits_left = commits
        self.begins = 0

    def execute(self, sql, *args):
        if sql.startswith("BEGIN"):
            self.begins += 1
            if self.commits_left:
                self.commits_left -= 1
                with Case.open(self._writer_path, examiner="Writer") as other:
                    other.record_event("note", object_type="case", object_id=other.uuid,
                                       details={"text": f"commit {self.begins}"})
        return self._conn.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._conn, name)


def _small_case(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"ZS-OAK left Kinshasa" * 1000)
    with Case.create(tmp_path / "twin", title="Twin", examiner="Alice") as case:
        case.add_evidence_file(tmp_path / "a.txt")
        return case.path


def _head(conn):
    return conn.execute("SELECT value FROM case_meta WHERE key = 'audit_head'").fetchone()[0]


def test_second_connection_reads_the_state_of_the_first_after_a_commit_in_between(tmp_path):
    from osintdesk.store import verify as store_verify
    path = _small_case(tmp_path)
    with Case.open(path, examiner="Bob") as case:
        twin = _Twin(case.open_reader(), path, commits=1)
        case.open_reader = lambda: twin
        with store_verify._twin_snapshot(case) as second:
            assert second is twin
            assert twin.begins == 2       # the first try saw the commit and started again
            assert _head(twin) == _head(case.conn)
            assert case.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == \
                twin.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        assert not case.conn.in_transaction


def test_verification_reads_on_one_connection_when_writers_keep_committing(tmp_path):
    from osintdesk.store import verify as store_verify
    path = _small_case(tmp_path)
    seen_threads = set()
    with Case.open(path, examiner="Bob") as case:
        twin = _Twin(case.open_reader(), path, commits=store_verify.TWIN_ATTEMPTS)
        case.open_reader = lambda: twin
        report = verify_case(case, progress=lambda *_: seen_threads.add(
            __import__("threading").current_thread().name))
    assert report.ok, [str(f) for f in report.failures]
    assert twin.begins == store_verify.TWIN_ATTEMPTS
    assert seen_threads == {"MainThread"}


def test_file_checks_run_beside_the_records_and_their_failures_keep_their_order(tmp_path):
    import threading
    path = _small_case(tmp_path)
    conn = sqlite3.connect(path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE artifact_chunks SET data = CAST(X'00' || substr(data, 2) AS BLOB)")
    conn.execute("UPDATE evidence SET media_type = 'text/x-edited'")
    conn.commit()
    conn.close()
    seen_threads = set()
    with Case.open(path, examiner="Bob", readonly=True) as case:
        report = verify_case(case, progress=lambda *_: seen_threads.add(
            threading.current_thread().name))
    assert "verify: file" in seen_threads   # the file check ticked from its own thread
    checks = [f.check for f in report.failures]
    assert checks == sorted(checks, key=["sqlite", "schema", "artifact", "audit",
                                         "record"].index)
    assert {"schema", "artifact", "record"} <= set(checks)


def test_a_cancelled_verification_leaves_no_thread_and_no_transaction(tmp_path):
    import threading

    import pytest

    from osintdesk.errors import Cancelled
    path = _small_case(tmp_path)
    before = set(threading.enumerate())
    with Case.open(path, examiner="Bob") as case:
        with pytest.raises(Cancelled):
            verify_case(case, cancelled=lambda: True)
        assert not case.conn.in_transaction
        assert verify_case(case).ok          # the case's connection is usable afterwards
    assert set(threading.enumerate()) <= before
