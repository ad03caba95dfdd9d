"""What osintdesk keeps beside a case file: a hidden work folder and the writer's note.

``.NAME.osintcase.work/`` (readable by its owner only) holds one folder per running
process for temporary files (a capture being fetched, a case being created), so
evidence never passes through a temp folder other users of the machine can read, and
``writer.json``, which says who holds the write lock (so a second process can say
whom it waits for). What a killed process left is swept when the case is next opened
for writing (or created again).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import threading
import time
import uuid as uuidlib
from pathlib import Path

WRITER_NOTE = "writer.json"


def work_root(case_file: Path) -> Path:
    """The hidden folder beside ``case_file`` (not created here)."""
    return case_file.with_name(f".{case_file.name}.work")


def _host() -> str:
    return socket.gethostname().replace("-", "_") or "host"


def new_session_dir(case_file: Path) -> Path:
    """A fresh folder for this process's temporary files, private to the user."""
    root = work_root(case_file)
    session = root / f"{_host()}-{os.getpid()}-{uuidlib.uuid4().hex[:8]}"
    for attempt in range(3):   # another process may remove the empty work folder meanwhile
        root.mkdir(mode=0o700, exist_ok=True)
        try:
            session.mkdir(mode=0o700)
            return session
        except FileNotFoundError:
            if attempt == 2:
                raise
    return session


def remove_session_dir(session: Path | None) -> None:
    """Remove a session folder, and the work folder when nothing else is left in it."""
    if session is None:
        return
    shutil.rmtree(session, ignore_errors=True)
    with contextlib.suppress(OSError):
        session.parent.rmdir()   # only succeeds when empty


def process_alive(pid: int) -> bool:
    """True unless ``pid`` is certainly gone (never guesses 'gone' where it cannot tell)."""
    if os.name != "posix" or pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _owner_gone(name: str) -> bool:
    """A session folder ``HOST-PID-RANDOM`` of this machine whose process has ended."""
    parts = name.split("-")
    if len(parts) != 3 or parts[0] != _host() or not parts[1].isdigit():
        return False   # another machine's (a shared folder), or not ours: leave it
    return not process_alive(int(parts[1]))


def sweep(case_file: Path) -> list[Path]:
    """Delete what killed processes left beside ``case_file``; returns what was removed.

    Session folders of ended processes on this machine, a stale writer note, and the
    ``.NAME.*.partial`` files (and their journals) that versions before the work folder
    left beside the case when ``new`` was killed.
    """
    removed: list[Path] = []
    root = work_root(case_file)
    if root.is_dir():
        for entry in root.iterdir():
            if entry.is_dir() and _owner_gone(entry.name):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
        note = read_writer(case_file)
        if note is not None and not note.get("alive", True):
            with contextlib.suppress(OSError):
                (root / WRITER_NOTE).unlink()
                removed.append(root / WRITER_NOTE)
        with contextlib.suppress(OSError):
            root.rmdir()
    for leftover in case_file.parent.glob(f".{case_file.name}.*.partial*"):
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed.append(leftover)
    return removed


# ------------------------------------------------------------------ the writer's note


def write_writer(case_file: Path, *, examiner: str, activity: str | None, since_utc: str) -> bool:
    """Say who holds the write lock (atomically replaced; a failure only loses the note)."""
    root = work_root(case_file)
    note = {"pid": os.getpid(), "host": _host(), "examiner": examiner,
            "activity": activity, "since_utc": since_utc}
    tmp = root / f".{WRITER_NOTE}.{os.getpid()}"
    try:
        root.mkdir(mode=0o700, exist_ok=True)
        tmp.write_text(json.dumps(note), encoding="utf-8")
        os.replace(tmp, root / WRITER_NOTE)
        return True
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False


def clear_writer(case_file: Path) -> None:
    """Remove the note if it is this process's."""
    path = work_root(case_file) / WRITER_NOTE
    with contextlib.suppress(OSError, ValueError):
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()
    with contextlib.suppress(OSError):
        path.parent.rmdir()


def read_writer(case_file: Path) -> dict | None:
    """The note of whoever holds the write lock, with ``alive`` (False: its process ended)."""
    path = work_root(case_file) / WRITER_NOTE
    try:
        note = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(note, dict):
        return None
    pid = note.get("pid")
    note["alive"] = not (note.get("host") == _host() and isinstance(pid, int)
                         and not process_alive(pid))
    return note


class WriterNoteKeeper:
    """Writes the writer's note for writes that last, from a helper thread.

    A short write (most are a few milliseconds) never touches the disk for it: creating a
    file costs about as much as the write itself. A write still going after ``delay_s``
    gets its note, well before a waiting process first looks (it polls for the lock).
    """

    def __init__(self, case_file: Path, *, delay_s: float = 0.1):
        self.case_file = case_file
        self.delay_s = delay_s
        self._cond = threading.Condition()
        self._pending: dict | None = None
        self._started = 0.0
        self._written = False
        self._stopped = False
        self._thread: threading.Thread | None = None

    def begin(self, *, examiner: str, activity: str | None, since_utc: str) -> None:
        """A write has taken the lock."""
        with self._cond:
            self._pending = {"examiner": examiner, "activity": activity, "since_utc": since_utc}
            self._started = time.monotonic()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name=f"writer note {self.case_file.name}")
                self._thread.start()
            self._cond.notify()

    def end(self) -> None:
        """The write has committed or rolled back: its note (if any) goes."""
        with self._cond:   # the thread writes under this lock: never half a note left
            self._pending = None
            written, self._written = self._written, False
        if written:
            clear_writer(self.case_file)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        with self._cond:
            while not self._stopped:
                if self._pending is None or self._written:
                    self._cond.wait()
                    continue
                remaining = self._started + self.delay_s - time.monotonic()
                if remaining > 0:
                    self._cond.wait(remaining)
                    continue
                self._written = write_writer(self.case_file, **self._pending)
                if not self._written:
                    self._pending = None   # cannot be written: do not try again and again
