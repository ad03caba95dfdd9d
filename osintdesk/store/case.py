"""A case file: one SQLite database per case, opened and written only through ``Case``.

``Case`` is the single writer of the chain of custody: every change it makes lands
in the audit log in the same transaction as the change itself, so a failure leaves
the case exactly as it was. Evidence bytes are write-once (triggers enforce it).
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
import os
import sqlite3
import time
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import sqlite_utils

from .. import __version__
from ..errors import (CaseBusyError, CaseExistsError, InputError, NotACaseError, OsintdeskError,
                      ReadOnlyCaseError)
from ..timefmt import display_time, record_stamp
from . import artifacts as art
from . import audit, sidecar, versions
from .clock import Clock, Ids, random_uuid, utc_now
from .canonical import sha256_hex
from .header import check_case_header, check_schema_version, is_writable
from .migrations import (APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, create_migrations_table,
                         migration_names)
from .records import CASE_FIELDS, RECORD_KINDS, RecordKind, state_hash

if TYPE_CHECKING:
    from .records import RowDigest

CASE_SUFFIX = ".osintcase"

#: How long a writer waits for another process's write lock before giving up (seconds).
DEFAULT_WAIT_S = 60.0
#: SQLite's own wait for short locks (a reader during a checkpoint), milliseconds.
_SHORT_BUSY_MS = 5000
#: Each attempt at the write lock waits this long inside SQLite before we look again.
_LOCK_POLL_MS = 200
#: A write still going after this long leaves a note saying who writes (seconds).
_NOTE_DELAY_S = 0.1

WaitNotice = Callable[[str], None]


def case_path(path: str | os.PathLike) -> Path:
    """The path a new case gets: ``NAME.osintcase`` (the suffix is added when missing)."""
    p = Path(path)
    return p if p.name.endswith(CASE_SUFFIX) else p.with_name(p.name + CASE_SUFFIX)


def _connect(path: Path, *, readonly: bool, immutable: bool = False,
             **options: Any) -> sqlite3.Connection:
    if readonly:
        uri = "file:" + urllib.parse.quote(str(path.absolute())) + "?mode=ro"
        if immutable:
            uri += "&immutable=1"
        conn = sqlite3.connect(uri, uri=True, timeout=_SHORT_BUSY_MS / 1000, **options)
    else:
        conn = sqlite3.connect(str(path), timeout=_SHORT_BUSY_MS / 1000)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {_SHORT_BUSY_MS}")
    return conn


def _wal_of(path: Path) -> Path:
    return Path(str(path) + "-wal")


def _has_wal(path: Path) -> bool:
    """A write-ahead log with content beside the case: changes not yet folded into the file."""
    try:
        return _wal_of(path).stat().st_size > 0
    except OSError:
        return False


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class Case:
    """An open case file. Use ``Case.create`` or ``Case.open``; close it (or use ``with``)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, examiner: str, readonly: bool,
                 clock: Clock, wait_s: float = DEFAULT_WAIT_S, on_wait: WaitNotice | None = None,
                 activity: str | None = None, ids: Ids = random_uuid):
        self.path = path
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.examiner = examiner
        self.readonly = readonly
        self.clock = clock
        self.new_uuid = ids   # a new record id; seeded for a demo case
        #: how long a write waits for another process's lock, and whom it tells that it waits
        self.wait_s = wait_s
        self.on_wait = on_wait
        #: what this process is doing, for the note other processes read ("import")
        self.activity = activity
        self._session: Path | None = None
        self._versioned: bool | None = None   # the case keeps record versions (m007)
        self._immutable = False     # opened with immutable=1 (a write-protected file, no log)
        self._note: sidecar.WriterNoteKeeper | None = sidecar.WriterNoteKeeper(
            path, delay_s=_NOTE_DELAY_S)

    # ---------------------------------------------------------------- opening

    @classmethod
    def create(cls, path: str | os.PathLike, *, title: str, examiner: str,
               number: str | None = None, description: str | None = None,
               clock: Clock = utc_now, wait_s: float = DEFAULT_WAIT_S,
               on_wait: WaitNotice | None = None, activity: str | None = None,
               ids: Ids = random_uuid) -> "Case":
        """Create a new case file at ``path`` (``.osintcase`` is added) and open it."""
        path = case_path(path)
        if not title or not title.strip():
            raise OsintdeskError("a case needs a title", path=path)
        if path.exists():
            raise CaseExistsError("already exists; choose another name (nothing was changed)",
                                  path=path)
        if not path.parent.is_dir():
            raise OsintdeskError(f"folder {path.parent} does not exist", path=path)
        if not os.access(path.parent, os.W_OK):
            raise ReadOnlyCaseError(f"cannot create a case in {path.parent} (not writable)",
                                    path=path)
        # Build the case in this process's work folder and move it into place when complete,
        # so an interrupted 'new' never leaves a half-made case behind (and what a killed
        # one left is swept here and when the case is opened for writing).
        sidecar.sweep(path)
        session = sidecar.new_session_dir(path)
        partial = session / f"{path.name}.partial"
        try:
            conn = sqlite3.connect(str(partial))
            try:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                case = cls(partial, conn, examiner=examiner, readonly=False, clock=clock, ids=ids)
                case._note = None   # nobody else can see the case being made: no note, no thread
                case._migrate(from_version=0, creating=True)
                now = case._now()
                meta = {"uuid": case.new_uuid(), "title": title.strip(),
                        "number": (number or "").strip() or None,
                        "description": description, "created_utc": now,
                        "created_by": examiner, "app_version": __version__}
                with case.transaction():
                    conn.executemany("INSERT INTO case_meta (key, value) VALUES (?, ?)",
                                     list(meta.items()))
                    case._log("create", "case", meta["uuid"], state_hash(meta),
                              {"title": meta["title"], "number": meta["number"],
                               "app_version": __version__})
                conn.execute("PRAGMA journal_mode = WAL")
            finally:
                conn.close()
            _move_into_place(partial, path)
        finally:
            sidecar.remove_session_dir(session)
        return cls.open(path, examiner=examiner, clock=clock, wait_s=wait_s, on_wait=on_wait,
                        activity=activity, ids=ids)

    @classmethod
    def open(cls, path: str | os.PathLike, *, examiner: str, readonly: bool = False,
             clock: Clock = utc_now, progress: Callable[[int, int], None] | None = None,
             wait_s: float = DEFAULT_WAIT_S, on_wait: WaitNotice | None = None,
             activity: str | None = None, ids: Ids = random_uuid) -> "Case":
        """Open an existing case; upgrade its schema when it is older than this app.

        Anything that is not an osintdesk case, or a case from a newer version, is
        refused before SQLite writes a byte to it. An upgrade calls ``progress(done,
        total)`` after each step (each step is one transaction). A write waits up to
        ``wait_s`` seconds for another process's write lock, calling ``on_wait(text)``
        when it starts waiting (and when whom it waits for changes), then raises
        :class:`CaseBusyError`. ``activity`` (``"import"``) is what other processes are
        told this one is doing while it writes.

        A write-protected case is read as committed: through its write-ahead log when a
        crash (or another program) left one, or refused with a clear message when that
        log cannot be read.
        """
        path = Path(path)
        version = check_case_header(path)
        writable = is_writable(path)
        if not readonly and not writable:
            raise ReadOnlyCaseError(
                "is read-only; it can be inspected (info, verify) but not changed", path=path)
        if not readonly:
            sidecar.sweep(path)
        # immutable=1 ignores a write-ahead log, so it is only for a protected file without one.
        through_wal = readonly and not writable and _has_wal(path)
        if through_wal and not os.access(_wal_of(path), os.R_OK):
            raise ReadOnlyCaseError(_UNREADABLE_WAL.format(wal=_wal_of(path).name), path=path)
        try:
            conn = _connect(path, readonly=readonly,
                            immutable=readonly and not writable and not through_wal)
            if through_wal:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as exc:
            if through_wal:
                raise ReadOnlyCaseError(_UNREADABLE_WAL.format(wal=_wal_of(path).name)
                                        + f" ({exc})", path=path) from None
            raise NotACaseError(f"cannot be opened ({exc})", path=path) from None
        case = cls(path, conn, examiner=examiner, readonly=readonly, clock=clock, wait_s=wait_s,
                   on_wait=on_wait, activity=activity, ids=ids)
        case._immutable = readonly and not writable and not through_wal
        try:
            case._check_identity()
            version = case.conn.execute("PRAGMA user_version").fetchone()[0]
            check_schema_version(path, version)
            if version < SCHEMA_VERSION:
                if readonly:
                    raise ReadOnlyCaseError(
                        f"was made by an older osintdesk (schema {version}) and must be "
                        "upgraded, which needs write access", path=path)
                case._migrate(from_version=version, progress=progress)
            if not readonly:
                conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise NotACaseError(f"is damaged or not a case ({exc})", path=path) from None
        except BaseException:
            conn.close()
            raise
        return case

    def _check_identity(self) -> None:
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise NotACaseError("is an SQLite database of another application, not an "
                                "osintdesk case", path=self.path)
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version:
            names = [r[0] for r in self.conn.execute("SELECT name FROM _migrations ORDER BY id")]
            known = migration_names()
            if names != known[:len(names)]:
                raise NotACaseError(
                    "has schema changes this osintdesk does not know "
                    f"({', '.join(n for n in names if n not in known) or 'out of order'}); "
                    "it was probably written by a newer version", path=self.path)

    def _migrate(self, *, from_version: int, creating: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> None:
        if from_version == 0:
            create_migrations_table(self.conn)
        for index in range(from_version, SCHEMA_VERSION):
            migration = MIGRATIONS[index]
            with self.transaction():
                entries = migration(self.db) or ()   # what the change did to records
                self.conn.execute("INSERT INTO _migrations (id, name, applied_utc, app_version)"
                                  " VALUES (?,?,?,?)",
                                  (index + 1, migration.__name__, self._now(), __version__))
                self.conn.execute(f"PRAGMA user_version = {index + 1}")
                if not creating:
                    self._log("migrate", "case", self.meta().get("uuid"), None,
                              {"migration": migration.__name__, "app_version": __version__})
                    for entry in entries:
                        self._log(*entry)
            if progress is not None:
                progress(index + 1 - from_version, SCHEMA_VERSION - from_version)

    def close(self) -> None:
        if self.conn is None:
            return
        try:
            if not self.readonly:
                with contextlib.suppress(sqlite3.Error):
                    # Another process reading or writing keeps the log (the next close folds
                    # it in); only a case this process changed waits a moment for it.
                    wait_ms = 1000 if self.conn.total_changes else 0
                    self.conn.execute(f"PRAGMA busy_timeout = {wait_ms}")
                    self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self.conn.close()
            self.conn = None
            if self._note is not None:
                self._note.stop()
            sidecar.remove_session_dir(self._session)
            self._session = None

    def open_reader(self) -> sqlite3.Connection:
        """A second, read-only connection to this case, usable from another thread.

        For work that reads in parallel (``verify`` checks the file's structure while it
        hashes the records); the caller makes sure it reads the state it means to read
        and closes it.
        """
        return _connect(self.path, readonly=True, immutable=self._immutable,
                        check_same_thread=False, isolation_level=None)

    def work_dir(self) -> Path:
        """A folder for this process's temporary files, beside the case and private to the user.

        Removed when the case is closed; what a killed process left is swept when the case
        is next opened for writing.
        """
        if self._session is None or not self._session.is_dir():
            self._session = sidecar.new_session_dir(self.path)
        return self._session

    def __enter__(self) -> "Case":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---------------------------------------------------------------- basics

    def _now(self) -> str:
        return record_stamp(self.clock())

    def now_stamp(self) -> str:
        """Now, as this case's clock says, in the record form."""
        return self._now()

    def _require_writable(self) -> None:
        if self.readonly:
            raise ReadOnlyCaseError("is open read-only; nothing was changed", path=self.path)

    @contextlib.contextmanager
    def transaction(self) -> Iterator["Case"]:
        """All or nothing: nested uses become savepoints. Writers take the lock up front."""
        if self.conn.in_transaction:
            with self.db.atomic():
                yield self
            return
        self._begin_write()
        if not self.readonly and self._note is not None:
            self._note.begin(examiner=self.examiner, activity=self.activity,
                             since_utc=self._now())
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            if self._note is not None:
                self._note.end()

    def _begin_write(self) -> None:
        """Take the write lock, waiting up to ``wait_s`` for another process to finish.

        Tells ``on_wait`` once that it waits (again when whom it waits for changes);
        past the limit raises :class:`CaseBusyError` with nothing changed.
        """
        started, told = None, None
        self.conn.execute(f"PRAGMA busy_timeout = {_LOCK_POLL_MS}")
        try:
            while True:
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc):
                        raise
                now = time.monotonic()
                started = started or now
                who, doing, key = self._lock_holder()
                if now >= started + self.wait_s:
                    raise CaseBusyError(
                        f"is busy: {who} has been writing to it for more than "
                        f"{self.wait_s:g} s{f' ({doing})' if doing else ''}; nothing was "
                        "changed, try again when it has finished", path=self.path)
                # A writer's note is written once its write has lasted a moment: an unknown
                # holder is named only when it stays unknown.
                settled = key or now >= started + 2 * _NOTE_DELAY_S
                if self.on_wait is not None and key != told and settled:
                    self.on_wait(f"waiting for {self.path} ({who} is writing"
                                 + (f": {doing})" if doing else " to it)"))
                    told = key
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {_SHORT_BUSY_MS}")

    def _lock_holder(self) -> tuple[str, str, tuple]:
        """Who holds the write lock and what they do, as far as the writer's note tells."""
        note = sidecar.read_writer(self.path)
        if note is None or not note.get("alive", True):
            return "another program", "", ()
        what = note.get("activity") or "a change"
        examiner = note.get("examiner") or "someone"
        since = note.get("since_utc")
        doing = f"{what} by {examiner}" + (f" since {display_time(since)}" if since else "")
        return "another osintdesk", doing, (note.get("pid"), what, examiner)

    def _log(self, action: str, object_type: str | None = None, object_id: str | None = None,
             object_hash: str | None = None, details: dict | None = None) -> audit.AuditEntry:
        if not self.conn.in_transaction:
            raise RuntimeError("audit entries are written inside the change's transaction")
        return audit.append(self.conn, time_utc=self._now(), examiner=self.examiner,
                            entry_uuid=self.new_uuid(), action=action, object_type=object_type, object_id=object_id,
                            object_hash=object_hash, details=details)

    def record_event(self, action: str, *, object_type: str | None = None,
                     object_id: str | None = None, object_hash: str | None = None,
                     details: dict | None = None) -> audit.AuditEntry:
        """Log something that changes no record (an export, a verification result)."""
        self._require_writable()
        with self.transaction():
            return self._log(action, object_type, object_id, object_hash, details)

    def record_bulk(self, action: str, group_name: str, group_id: str,
                    details: dict | None = None, *, digest: RowDigest | None = None
                    ) -> audit.AuditEntry:
        """Log that a bulk group (an import's track points, an aircraft's flights, a
        capture's identifiers) was written.

        The entry carries the digest of the group's rows as they are now; ``verify``
        recomputes it. Call inside the transaction that wrote the rows. A writer that
        digested exactly the rows it inserted (same columns, same order) may pass that
        ``digest`` to save reading them back.
        """
        from .records import BULK_GROUPS, group_digest
        self._require_writable()
        if not self.conn.in_transaction:
            # Rows committed earlier, their entry now: a verification in between would
            # report the rows as added outside osintdesk.
            raise RuntimeError("record_bulk is called inside the transaction that wrote the rows")
        if digest is not None:
            digest, rows = digest.hexdigest(), digest.count
        else:
            digest, rows = group_digest(self.conn, BULK_GROUPS[group_name], group_id)
        with self.transaction():
            return self._log(action, group_name, group_id, digest, {"rows": rows, **(details or {})})

    def new_record_fields(self) -> dict[str, str]:
        """uuid, created_utc and examiner for a record about to be inserted."""
        return {"uuid": self.new_uuid(), "created_utc": self._now(),
                "examiner": self.examiner}

    # ---------------------------------------------------------------- metadata

    def meta(self) -> dict[str, Any]:
        return {k: v for k, v in self.conn.execute("SELECT key, value FROM case_meta")}

    def case_record(self) -> dict[str, Any]:
        meta = self.meta()
        return {k: meta.get(k) for k in CASE_FIELDS}

    @property
    def uuid(self) -> str:
        return self.meta()["uuid"]

    @property
    def title(self) -> str:
        return self.meta()["title"]

    def update_case(self, **changes: Any) -> None:
        """Change title, number or description; the old values stay in the audit log."""
        self._require_writable()
        allowed = {"title", "number", "description"}
        bad = set(changes) - allowed
        if bad:
            raise ValueError(f"case fields that cannot be edited: {sorted(bad)}")
        if "title" in changes and not (changes["title"] or "").strip():
            raise OsintdeskError("a case needs a title", path=self.path)
        with self.transaction():
            before = self.case_record()
            for key, value in changes.items():
                self.conn.execute("INSERT OR REPLACE INTO case_meta (key, value) VALUES (?, ?)",
                                  (key, value))
            after = self.case_record()
            diff = {k: {"old": before.get(k), "new": after.get(k)} for k in changes
                    if before.get(k) != after.get(k)}
            if diff:
                self._log("edit", "case", after["uuid"], state_hash(after), {"changes": diff})

    # ---------------------------------------------------------------- artifacts

    def put_artifact(self, source: art.ArtifactSource, *, progress: art.Progress | None = None,
                     cancelled: Callable[[], bool] | None = None,
                     expected_sha256: str | None = None,
                     expected_size: int | None = None) -> art.Artifact:
        """Store bytes write-once under their SHA-256; the same bytes are stored once.

        With ``expected_sha256`` (the caller hashed the bytes already) they are read once,
        hashed while they are stored (or, when already stored, hashed to check); bytes that
        do not hash to it raise :class:`~osintdesk.store.artifacts.ArtifactChanged` and
        nothing is written. Without it they are hashed first for their key, then stored.
        ``expected_size`` (with ``expected_sha256``): the size of a stream, which is then
        read once and never copied to a spool (checked as it is stored, like the hash).
        """
        self._require_writable()
        total = expected_size if expected_size is not None else _size_of(source)
        one_pass = expected_sha256 is not None and total is not None
        src = art._Source(source, spool_dir=self.work_dir, once=one_pass)
        try:
            if one_pass:
                sha256, size, store_progress = expected_sha256, total, progress
            else:
                half = (lambda done, _t: progress(done // 2, total)) if progress and total else None
                sha256, size = art.hash_source(src, half, cancelled, total)
                store_progress = ((lambda done, _t: progress(size // 2 + done // 2, total))
                                  if progress and total else None)
                if expected_sha256 not in (None, sha256):
                    raise art.ArtifactChanged(art.CHANGED, path=src.name)
            with self.transaction():
                if self.has_artifact(sha256):
                    if one_pass:   # the caller's hash is checked, never trusted
                        art.verify_source(src, sha256, size, store_progress, cancelled)
                    return art.Artifact(sha256, size, False)
                fields = self.new_record_fields()
                self.conn.execute(
                    "INSERT INTO artifacts (sha256, uuid, size, chunk_size, created_utc, examiner)"
                    " VALUES (?,?,?,?,?,?)", (sha256, fields["uuid"], size, art.CHUNK_SIZE,
                                             fields["created_utc"], fields["examiner"]))
                art.write_chunks(self.conn, src, sha256, size, store_progress, cancelled)
                self._log("store", "artifact", sha256, sha256, {"size": size})
            return art.Artifact(sha256, size, True)
        finally:
            src.close()

    def has_artifact(self, sha256: str) -> bool:
        return self.conn.execute("SELECT 1 FROM artifacts WHERE sha256 = ?",
                                 (sha256,)).fetchone() is not None

    def open_artifact(self, sha256: str) -> art.ArtifactReader:
        if not self.has_artifact(sha256):
            raise OsintdeskError(f"no artifact with SHA-256 {sha256}", path=self.path)
        return art.ArtifactReader(self.conn, sha256)

    def read_artifact(self, sha256: str) -> bytes:
        with self.open_artifact(sha256) as reader:
            return reader.read()

    def export_artifact(self, sha256: str, dest: str | os.PathLike, *, overwrite: bool = False
                        ) -> Path:
        """Save the exact stored bytes to ``dest``; the export is logged."""
        dest = Path(dest)
        if dest.exists() and not overwrite:
            raise OsintdeskError("already exists; not overwritten", path=dest)
        tmp = dest.with_name(f".{dest.name}.partial")
        with self.open_artifact(sha256) as reader, open(tmp, "wb") as out:
            while block := reader.read(art.CHUNK_SIZE):
                out.write(block)
        os.replace(tmp, dest)
        if not self.readonly:
            self.record_event("export", object_type="artifact", object_id=sha256,
                              object_hash=sha256, details={"to": str(dest)})
        return dest

    # ---------------------------------------------------------------- records

    def kind(self, name: str) -> RecordKind:
        try:
            return RECORD_KINDS[name]
        except KeyError:
            raise ValueError(f"unknown record kind {name!r}") from None

    def get_record(self, kind: str, key: str) -> dict | None:
        k = self.kind(kind)
        rows = list(self.db.query(f"SELECT * FROM [{k.table}] WHERE [{k.key}] = ?", [key]))
        return rows[0] if rows else None

    def insert_record(self, kind: str, fields: dict[str, Any], *, action: str = "create",
                      details: dict | None = None) -> dict:
        """Insert one record (uuid, created_utc and examiner are filled in) and log it."""
        self._require_writable()
        k = self.kind(kind)
        row = {**self.new_record_fields(), **fields}
        with self.transaction():
            self.db[k.table].insert(row)
            stored = self.get_record(kind, row[k.key])
            self._log(action, k.name, stored[k.key], state_hash(stored), details)
            self._version(k.name, stored[k.key], stored)
        return stored

    def update_record(self, kind: str, key: str, changes: dict[str, Any], *,
                      reason: str | None = None) -> dict:
        """Edit a record; the audit entry keeps the old and new value of each field."""
        self._require_writable()
        k = self.kind(kind)
        protected = {k.key, "uuid", "created_utc", "examiner"} & set(changes)
        if protected:
            raise ValueError(f"fields that identify a record cannot be edited: {protected}")
        with self.transaction():
            before = self.get_record(kind, key)
            if before is None:
                raise OsintdeskError(f"no {k.name} record {key}", path=self.path)
            assignments = ", ".join(f"[{column}] = ?" for column in changes)
            self.conn.execute(f"UPDATE [{k.table}] SET {assignments} WHERE [{k.key}] = ?",
                              (*changes.values(), key))
            after = self.get_record(kind, key)
            diff = {f: {"old": before.get(f), "new": after.get(f)} for f in changes
                    if before.get(f) != after.get(f)}
            if diff:
                self._log("edit", k.name, key, state_hash(after),
                          {"changes": diff, **({"reason": reason} if reason else {})})
                self._version(k.name, key, after)
        return after

    def delete_record(self, kind: str, key: str, *, reason: str | None = None) -> None:
        """Delete a record; its last content is kept in the audit entry, never lost silently."""
        self._require_writable()
        k = self.kind(kind)
        with self.transaction():
            before = self.get_record(kind, key)
            if before is None:
                raise OsintdeskError(f"no {k.name} record {key}", path=self.path)
            self.conn.execute(f"DELETE FROM [{k.table}] WHERE [{k.key}] = ?", (key,))
            self._log("delete", k.name, key, state_hash(before),
                      {"record": before, **({"reason": reason} if reason else {})})
            self._version(k.name, key, None)

    def merge_record(self, kind: str, key: str, row: dict | None, *, version: str,
                     details: dict | None = None) -> dict | None:
        """Make the record hold ``row`` (None: absent), as a merged version says; the version
        itself was stored by the merge (``versions.store``), so none is made here. Logged as
        ``merge`` with the row's state, so ``verify`` checks it as any other write."""
        self._require_writable()
        k = self.kind(kind)
        with self.transaction():
            before = self.get_record(kind, key)
            if row is None:
                if before is not None:
                    self.conn.execute(f"DELETE FROM [{k.table}] WHERE [{k.key}] = ?", (key,))
                    self._log("delete", k.name, key, state_hash(before),
                              {"record": before, "version": version, **(details or {})})
                return None
            if before is None:
                self.db[k.table].insert(row)
            else:
                changes = {c: v for c, v in row.items() if c != k.key and before.get(c) != v}
                if changes:
                    assignments = ", ".join(f"[{column}] = ?" for column in changes)
                    self.conn.execute(f"UPDATE [{k.table}] SET {assignments} WHERE [{k.key}] = ?",
                                      (*changes.values(), key))
            after = self.get_record(kind, key)
            if after != before:
                self._log("merge", k.name, key, state_hash(after),
                          {"version": version, **(details or {})})
            return after

    def _version(self, kind: str, key: str, row: dict | None) -> None:
        """The record's new version (a deletion when ``row`` is None), in the write's
        transaction: merging cases works on versions (docs/exchange.md). A case is at the
        latest schema before any write; only tests that play an older release write to
        one without versions."""
        if self._versioned is None:
            self._versioned = self.conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'record_versions'").fetchone() is not None
        if not self._versioned:
            return
        versions.record_change(self.conn, kind, key, row, origin_case=self.uuid,
                               created_utc=self._now(), examiner=self.examiner)

    # ---------------------------------------------------------------- evidence files

    def add_evidence_file(self, path: str | os.PathLike, *, kind: str = "file",
                          media_type: str | None = None, details: dict | None = None,
                          progress: art.Progress | None = None,
                          cancelled: Callable[[], bool] | None = None,
                          expected_sha256: str | None = None) -> tuple[dict, bool]:
        """Store a file as evidence (bytes write-once, original name and times kept).

        Returns ``(evidence_record, is_new)``; the same bytes added again with the same
        kind add nothing and return the existing record. ``expected_sha256``: the hash the
        caller read, checked while the file is stored (see :meth:`put_artifact`).
        """
        self._require_writable()
        path = Path(path)
        if not path.is_file():
            raise InputError("no such file" if not path.exists() else "is not a file", path=path)
        stat = path.stat()
        with self.transaction():
            artifact = self.put_artifact(path, progress=progress, cancelled=cancelled,
                                         expected_sha256=expected_sha256)
            existing = self.conn.execute(
                "SELECT uuid FROM evidence WHERE sha256 = ? AND kind = ? ORDER BY created_utc",
                (artifact.sha256, kind)).fetchone()
            if existing:
                return self.get_record("evidence", existing[0]), False
            record = self.insert_record("evidence", {
                "sha256": artifact.sha256, "kind": kind, "original_name": path.name,
                "original_path": str(path.absolute()),
                "original_mtime_utc": record_stamp(stat.st_mtime),
                "media_type": media_type or mimetypes.guess_type(path.name)[0],
                "size": artifact.size,
                "details": json.dumps(details, sort_keys=True) if details else None,
            }, action="add")
        return record, True

    def add_derived(self, origin_sha256: str, kind: str, content: bytes | str, *,
                    producer: str, media_type: str | None = None) -> dict:
        """Keep data derived from an artifact (extracted text, thumbnail) beside it."""
        data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
        return self.insert_record("derived", {
            "origin_sha256": origin_sha256, "kind": kind, "producer": producer,
            "media_type": media_type or ("text/plain; charset=utf-8"
                                         if isinstance(content, str) else None),
            "content": data, "sha256": sha256_hex(data)}, action="derive")

    # ---------------------------------------------------------------- reading

    def audit_entries(self, *, after_seq: int = 0, limit: int | None = None
                      ) -> Iterator[audit.AuditEntry]:
        return audit.entries(self.conn, after_seq=after_seq, limit=limit)

    def audit_head(self) -> tuple[int, str]:
        """The last audit entry's sequence number and hash (0 and the genesis hash if none)."""
        return audit.head(self.conn)

    def audit_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]

    def evidence_rows(self, *, offset: int = 0, limit: int | None = None) -> list[dict]:
        """The evidence files' records, oldest first, ``limit`` of them from ``offset``."""
        return list(self.db.query(
            "SELECT * FROM evidence ORDER BY created_utc, uuid LIMIT ? OFFSET ?",
            [-1 if limit is None else limit, offset]))

    def evidence_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM evidence").fetchone()[0]

    def last_verification(self) -> audit.AuditEntry | None:
        row = self.conn.execute(
            f"SELECT {', '.join(audit.AUDIT_COLUMNS)} FROM audit_log WHERE action = 'verify'"
            " ORDER BY seq DESC LIMIT 1").fetchone()
        return audit.AuditEntry.from_row(row) if row else None

    def examiners(self) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT examiner FROM audit_log GROUP BY examiner ORDER BY min(seq)")]

    def counts(self) -> dict[str, int]:
        out = {"artifacts": self.conn.execute("SELECT count(*) FROM artifacts").fetchone()[0]}
        for kind in RECORD_KINDS.values():
            out[kind.name] = self.conn.execute(f"SELECT count(*) FROM [{kind.table}]").fetchone()[0]
        # kept per capture as a bulk group (records.IDENTIFIERS), counted as before
        out["identifier"] = self.conn.execute("SELECT count(*) FROM identifier_hits").fetchone()[0]
        out["audit_entries"] = self.audit_count()
        return out

    def info(self) -> dict[str, Any]:
        """Everything ``osintdesk info`` shows, as plain data."""
        meta = self.case_record()
        seq, head = audit.head(self.conn)
        last = self.last_verification()
        return {
            "path": str(self.path), "uuid": meta["uuid"], "title": meta["title"],
            "number": meta["number"], "description": meta["description"],
            "created_utc": meta["created_utc"], "created_by": meta["created_by"],
            "created_with": meta["app_version"], "schema_version": SCHEMA_VERSION,
            "examiners": self.examiners(), "counts": self.counts(),
            "artifact_bytes": self.conn.execute(
                "SELECT coalesce(sum(size), 0) FROM artifacts").fetchone()[0],
            "audit_head": {"seq": seq, "hash": head},
            "last_verification": None if last is None else {
                "time_utc": last.time_utc, "examiner": last.examiner,
                "ok": bool(last.details.get("ok"))},
        }


_UNREADABLE_WAL = (
    "is write-protected and has changes in its write-ahead log ({wal}) that cannot be "
    "read without write access; make the case and its folder writable once and open it "
    "(osintdesk folds the log in), or copy the case with its {wal} file to a writable folder")


def _size_of(source: art.ArtifactSource) -> int | None:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return len(source)
    if isinstance(source, (str, os.PathLike)):
        with contextlib.suppress(OSError):
            return os.path.getsize(source)
    return None


def _move_into_place(partial: Path, path: Path) -> None:
    """Rename without ever replacing a file that appeared meanwhile."""
    try:
        os.link(partial, path)
    except FileExistsError:
        raise CaseExistsError("already exists; choose another name (nothing was changed)",
                              path=path) from None
    except OSError:
        # File systems without hard links (FAT, some network shares).
        if path.exists():
            raise CaseExistsError("already exists; nothing was changed", path=path) from None
        os.replace(partial, path)
