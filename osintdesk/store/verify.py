"""Verify a case: check its schema, re-hash every artifact, walk the audit chain, check
every record's state; all of it in one read snapshot, so concurrent writers cause no
false alarm.

The result lists exactly what failed (which artifact, which audit entry, what was
expected and what was found). ``verify_and_record`` appends the result to the audit
log, so a failed verification stays visible later.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterator, Sequence

from ..errors import CaseBusyError
from ..filebytes import HashingWriter
from . import audit, foreign, versions
from .case import Case
from .records import BULK_GROUPS, RECORD_KINDS, group_digest, group_ids, state_hash
from .schema import expected_schema, schema_differences

MAX_RECORDED_FAILURES = 200
# Entries that report on an object without changing it: they carry no record state.
EVENT_ACTIONS = frozenset({"verify", "export", "migrate"})


@dataclass
class Failure:
    check: str          # "sqlite", "schema", "artifact", "audit", "record", "search"
    object: str         # what failed: "artifact 3f2a…", "audit entry 12", "evidence <uuid>"
    problem: str        # in words
    expected: str | None = None
    found: str | None = None

    def __str__(self) -> str:
        text = f"{self.object}: {self.problem}"
        if self.expected is not None or self.found is not None:
            text += f" (expected {self.expected}, found {self.found})"
        return text


@dataclass
class VerifyReport:
    path: str
    ok: bool = True
    failures: list[Failure] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)
    audit_head: dict = field(default_factory=dict)
    recorded: bool = False
    recorded_note: str | None = None
    # What holds but deserves a look (a checkpoint signed by an unknown key...): not failures.
    notes: list[str] = field(default_factory=list)
    checkpoint: dict | None = None      # the checkpoint signed after this verification

    def fail(self, *args, **kwargs) -> None:
        self.failures.append(Failure(*args, **kwargs))
        self.ok = False

    def as_dict(self) -> dict:
        return {"path": self.path, "ok": self.ok, "checked": self.checked,
                "audit_head": self.audit_head,
                "failures": [asdict(f) for f in self.failures],
                "recorded": self.recorded, "recorded_note": self.recorded_note,
                "notes": self.notes, "checkpoint": self.checkpoint}


Progress = Callable[[int, int | None], None]
# A domain's own check (quotes against their captures...): adds failures to the report.
Check = Callable[[Case, VerifyReport], None]


def verify_case(case: Case, *, progress: Progress | None = None,
                cancelled: Callable[[], bool] | None = None,
                checks: Sequence[Check] = ()) -> VerifyReport:
    """Check everything the store knows, then run ``checks``; returns the report and
    writes nothing. ``osintdesk.verification`` passes every domain's checks.

    SQLite's own check of the file, then the digests of the bulk groups (track point
    blocks), run on a second connection in a second thread while this one hashes the
    artifacts, walks the chain and checks the records: SQLite leaves Python's lock for the
    whole of ``PRAGMA integrity_check`` and hashlib for each big buffer, so on two cores
    the two overlap. Both connections
    read the same state (see ``_twin_snapshot``); when that cannot be had, everything runs
    on the case's connection, one after the other.
    """
    if case.conn.in_transaction:   # the caller's transaction is the snapshot: read within it
        return _verify(case, None, progress, cancelled, checks)
    with _twin_snapshot(case) as twin:
        return _verify(case, twin, progress, cancelled, checks)


@contextlib.contextmanager
def read_snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """Read one consistent state of the case for the whole block.

    Without it every SELECT sees the case as it is at that moment: a verification that
    reads the records after an import committed, but the audit log before, reports the
    import's rows as "added outside osintdesk". Inside one read transaction (WAL mode)
    writers go on committing and this connection keeps seeing the state of the first read.
    Inside a caller's transaction that transaction is the snapshot already.
    """
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")   # only read: nothing to keep


_START_READ = "SELECT count(*) FROM sqlite_master"   # a read: it fixes a transaction's snapshot
TWIN_ATTEMPTS = 3


def _data_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA data_version").fetchone()[0]


@contextlib.contextmanager
def _twin_snapshot(case: Case) -> Iterator[sqlite3.Connection | None]:
    """Start a read snapshot on the case's connection and yield a second connection in a
    read transaction on exactly the same state (or None: then read on one connection).

    SQLite cannot hand a snapshot from one connection to another, so the two are started
    in a row and checked: the second connection's ``data_version`` is read before the
    first snapshot starts and again inside its own; equal, no commit landed anywhere in
    between, so both snapshots are the same state. A writer that committed in between
    costs a new try; after ``TWIN_ATTEMPTS`` the verification reads on one connection.
    """
    try:
        twin = case.open_reader()
    except sqlite3.Error:
        twin = None
    try:
        if twin is not None:
            for _ in range(TWIN_ATTEMPTS):
                with read_snapshot(case.conn):
                    before = _data_version(twin)
                    case.conn.execute(_START_READ).fetchone()
                    twin.execute("BEGIN DEFERRED")
                    twin.execute(_START_READ).fetchone()
                    if _data_version(twin) == before:
                        try:
                            yield twin
                        finally:
                            if twin.in_transaction:   # an interrupt may have ended it
                                twin.execute("ROLLBACK")
                        return
                    twin.execute("ROLLBACK")
        with read_snapshot(case.conn):
            yield None
    finally:
        if twin is not None:
            twin.close()


class _Ticker:
    """Progress and cancel for work done on two threads: one count, called under a lock."""

    def __init__(self, total: int, progress: Progress | None,
                 cancelled: Callable[[], bool] | None):
        self.total = total
        self.step = 0
        self._progress = progress
        self._cancelled = cancelled
        self._lock = threading.Lock()

    def __call__(self) -> None:
        with self._lock:
            self.step += 1
            if self._cancelled and self._cancelled():
                from ..errors import Cancelled
                raise Cancelled()
            if self._progress:
                self._progress(self.step, self.total)


class _FileChecks:
    """SQLite's checks of the file on ``conn``: in a thread of their own when ``conn`` is a
    second connection, else in place (``run`` then ``wait``)."""

    def __init__(self, conn: sqlite3.Connection, path: str, tick):
        self.conn = conn
        self.sqlite = VerifyReport(path=path)
        self._tick = tick
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        # Digests of the bulk groups, {(group, id): (digest, rows)}, when hashed on this
        # thread: hashlib leaves Python's lock for big buffers, so they overlap the artifacts.
        self.bulk: dict | None = None
        # Then artifacts from the queue the main thread hashes from too (a second
        # connection on the same snapshot: two cores hash the evidence).
        self.artifacts = VerifyReport(path=path)
        self.queue: _ArtifactQueue | None = None
        self.hashed = 0

    def run(self) -> None:
        try:
            _check_file(self.conn, self.sqlite)
            self._tick()
            if self._thread is not None:   # a second connection: hash the bulk rows here too
                self.bulk = bulk_digests(self.conn)
                if self.queue is not None:
                    self.hashed = _hash_artifacts(self.conn, self.artifacts, self._tick,
                                                  self.queue)
        except BaseException as exc:   # noqa: BLE001 - handed to the caller by wait()
            self._error = exc

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, daemon=True, name="verify: file")
        self._thread.start()

    def stop(self) -> None:
        """Interrupt the work (the caller failed or was cancelled) and wait for the thread."""
        if self._thread is not None:
            self.conn.interrupt()
            self._thread.join()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error


def _verify(case: Case, twin: sqlite3.Connection | None, progress: Progress | None,
            cancelled: Callable[[], bool] | None, checks: Sequence[Check]) -> VerifyReport:
    path = str(case.path)
    total = case.conn.execute("SELECT count(*) FROM artifacts").fetchone()[0] + 2
    tick = _Ticker(total, progress, cancelled)
    file_checks = _FileChecks(twin or case.conn, path, tick)
    queue = _ArtifactQueue(case.conn.execute(
        "SELECT sha256, size FROM artifacts ORDER BY sha256").fetchall())
    if twin is not None:
        file_checks.queue = queue
        file_checks.start()
    else:
        file_checks.run()
        file_checks.wait()
    try:
        schema = VerifyReport(path=path)
        _check_schema(case.conn, schema)
        artifacts = VerifyReport(path=path)
        _check_artifacts(case.conn, artifacts, tick, queue)
        chain = VerifyReport(path=path)
        states = _check_audit_chain(case, chain)
        tick()
        file_checks.wait()
        # What each thread found of the artifacts, in one order whichever thread hashed what.
        artifacts.failures = sorted(artifacts.failures + file_checks.artifacts.failures,
                                    key=lambda f: (f.object, f.problem))
        artifacts.checked["artifacts"] += file_checks.hashed
        _check_records(case, chain, states, file_checks.bulk)
    except BaseException:
        file_checks.stop()
        raise
    # The same order as one after the other: the file, its schema, artifacts, the chain.
    report = VerifyReport(path=path, audit_head=chain.audit_head)
    for part in (file_checks.sqlite, schema, artifacts, chain):
        report.failures.extend(part.failures)
        report.checked.update(part.checked)
    said = {f.object for f in report.failures}  # a changed row is reported once
    report.checked["record_versions"] = versions.check(
        case.conn, RECORD_KINDS.values(),
        lambda obj, *a: None if obj in said else report.fail("version", obj, *a))
    report.checked["merged_audit_entries"] = foreign.check(
        case.conn, EVENT_ACTIONS, lambda *a: report.fail("audit", *a))
    report.ok = not report.failures
    for check in checks:
        check(case, report)
    return report


def _check_file(conn: sqlite3.Connection, report: VerifyReport) -> None:
    """SQLite's own checks: every page, index and constraint, and every foreign key."""
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if rows != ["ok"]:
        for row in rows[:20]:
            report.fail("sqlite", "database file", f"integrity check: {row}")
    for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
        report.fail("sqlite", f"{table} row {rowid}", f"refers to a missing {parent} row")
    report.checked["sqlite_integrity"] = 1


def _check_schema(conn: sqlite3.Connection, report: VerifyReport) -> None:
    # The triggers and constraints that keep evidence write-once are custody too.
    for label, problem, expected, found in schema_differences(conn):
        report.fail("schema", label, problem, _short(expected), _short(found))
    report.checked["schema_objects"] = len(expected_schema())


def _short(sql: str | None, limit: int = 200) -> str | None:
    if sql is None:
        return None
    sql = " ".join(sql.split())
    return sql if len(sql) <= limit else sql[:limit - 1] + "…"


class _ArtifactQueue:
    """The artifacts to hash, taken one at a time by the threads that hash them."""

    def __init__(self, rows: list[tuple[str, int]]):
        self._rows = rows
        self._next = 0
        self._lock = threading.Lock()

    def take(self) -> tuple[str, int] | None:
        with self._lock:
            if self._next >= len(self._rows):
                return None
            self._next += 1
            return self._rows[self._next - 1]


def _check_artifacts(conn: sqlite3.Connection, report: VerifyReport, tick,
                     queue: _ArtifactQueue | None = None) -> None:
    """Every artifact's chunks against its size and SHA-256 (those ``queue`` hands out,
    when another thread takes some too), and chunks without an artifact."""
    own = queue is None
    if own:
        queue = _ArtifactQueue(conn.execute(
            "SELECT sha256, size FROM artifacts ORDER BY sha256").fetchall())
    report.checked["artifacts"] = _hash_artifacts(conn, report, tick, queue)
    orphans = conn.execute(
        "SELECT DISTINCT sha256 FROM artifact_chunks WHERE sha256 NOT IN "
        "(SELECT sha256 FROM artifacts)").fetchall()
    for (sha256,) in orphans:
        report.fail("artifact", f"artifact {sha256}", "content present without its artifact record")


def _hash_artifacts(conn: sqlite3.Connection, report: VerifyReport, tick,
                    queue: _ArtifactQueue) -> int:
    count = 0
    while (row := queue.take()) is not None:
        sha256, size = row
        stored = HashingWriter()
        expected_seq = 0
        gap = False
        for seq, data in conn.execute(
                "SELECT seq, data FROM artifact_chunks WHERE sha256 = ? ORDER BY seq", (sha256,)):
            if seq != expected_seq:
                gap = True
            expected_seq = seq + 1
            if not isinstance(data, bytes):   # stored as text or a number behind our back
                report.fail("artifact", f"artifact {sha256}", f"chunk {seq} is not bytes",
                            "bytes", type(data).__name__)
                data = str(data).encode("utf-8", "surrogatepass")
            stored.write(data)
        name = f"artifact {sha256}"
        if gap:
            report.fail("artifact", name, "chunks are missing or out of sequence")
        if stored.size_bytes != size:
            report.fail("artifact", name, "size differs", f"{size} bytes", f"{stored.size_bytes} bytes")
        found = stored.sha256
        if found != sha256:
            report.fail("artifact", name, "content does not match its SHA-256", sha256, found)
        count += 1
        tick()
    return count


def _check_audit_chain(case: Case, report: VerifyReport) -> dict[tuple[str, str], tuple]:
    """Walk the chain; return the last logged state of every object: (action, hash, seq)."""
    walk = audit.walk_chain(case.audit_entries(), EVENT_ACTIONS)
    for problem in walk.problems:
        report.fail("audit", *problem)
    head = f"{walk.head_seq}:{walk.head_hash}"
    head_text = case.meta().get("audit_head") or ""
    report.audit_head = {"seq": walk.head_seq, "hash": walk.head_hash}
    if head_text != head:
        report.fail("audit", "audit log head",
                    "the last entries of the audit log are missing or were replaced",
                    head_text or "(none)", head)
    report.checked["audit_entries"] = walk.count
    return walk.states


def bulk_digests(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[str, int]]:
    """The digest and row count of every bulk group present, by (group name, group id)."""
    return {(group.name, gid): group_digest(conn, group, gid)
            for group in BULK_GROUPS.values() for gid in group_ids(conn, group)}


def _check_records(case: Case, report: VerifyReport, states: dict,
                   bulk: dict[tuple[str, str], tuple[str, int]] | None = None) -> None:
    """Every record's state against its last logged one; ``bulk``: the bulk groups'
    digests computed already on the same snapshot (``bulk_digests``), else read here."""
    checked = 0
    # The case's own metadata.
    record = case.case_record()
    _compare(report, states, "case", record["uuid"], state_hash(record), "case metadata")
    checked += 1
    # Artifacts: every one must have been logged when stored, and every logged one be there.
    present = {r[0] for r in case.conn.execute("SELECT sha256 FROM artifacts")}
    for sha256 in present:
        if ("artifact", sha256) not in states:
            report.fail("record", f"artifact {sha256}", "is in the case but was never logged")
    for (otype, oid), (action, _h, seq) in states.items():
        if otype == "artifact" and oid not in present:
            report.fail("record", f"artifact {oid}",
                        f"was stored (audit entry {seq}) but is missing from the case")
    # Every record kind: each row's state must equal its last logged state.
    for kind in RECORD_KINDS.values():
        keys = set()
        for row in case.db.query(f"SELECT * FROM [{kind.table}]"):
            key = row[kind.key]
            keys.add(key)
            _compare(report, states, kind.name, key, state_hash(row), f"{kind.name} {key}")
            checked += 1
        for (otype, oid), (action, _h, seq) in states.items():
            if otype == kind.name and oid not in keys and action != "delete":
                report.fail("record", f"{kind.name} {oid}",
                            f"is missing, but no deletion was logged (last entry {seq}: {action})")
    # Bulk groups (track points of an import, flights of an aircraft): one digest each.
    if bulk is None:
        bulk = bulk_digests(case.conn)
    for group in BULK_GROUPS.values():
        present_ids = {gid for name, gid in bulk if name == group.name}
        for gid in present_ids:
            found, rows = bulk[(group.name, gid)]
            _compare(report, states, group.name, gid, found, f"{group.name} {gid}")
            checked += rows
        for (otype, oid), (action, logged, seq) in states.items():
            if otype == group.name and oid not in present_ids and action != "delete":
                empty, _ = group_digest(case.conn, group, oid)
                if logged != empty:
                    report.fail("record", f"{group.name} {oid}",
                                f"rows are missing, but no deletion was logged (entry {seq})")
    report.checked["records"] = checked


def _compare(report, states, otype, oid, found_hash, label) -> None:
    state = states.get((otype, oid))
    if state is None:
        report.fail("record", label, "is not in the audit log (added outside osintdesk)")
        return
    action, logged_hash, seq = state
    if action == "delete":
        report.fail("record", label, f"was deleted (audit entry {seq}) but is present again")
    elif logged_hash is not None and logged_hash != found_hash:
        report.fail("record", label,
                    f"changed outside osintdesk since audit entry {seq}", logged_hash, found_hash)


def verify_and_record(case: Case, *, progress: Progress | None = None,
                      cancelled: Callable[[], bool] | None = None,
                      checks: Sequence[Check] = ()) -> VerifyReport:
    """Verify, then append the result to the audit log (when the case can be written)."""
    report = verify_case(case, progress=progress, cancelled=cancelled, checks=checks)
    if case.readonly:
        report.recorded_note = "the case is open read-only, so this result was not recorded"
        return report
    details = {"ok": report.ok, "checked": report.checked,
               "failure_count": len(report.failures),
               "failures": [str(f) for f in report.failures[:MAX_RECORDED_FAILURES]],
               "audit_head": report.audit_head}
    try:
        case.record_event("verify", object_type="case", object_id=case.uuid,
                          details=details)
    except CaseBusyError as busy:   # the result stands; only its record waits for a free case
        report.recorded_note = f"this result was not recorded: {busy}"
        return report
    report.recorded = True
    return report
