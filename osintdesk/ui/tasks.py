"""Run long work off the GUI thread, with progress and cancel; writes go through one writer.

A task is a plain function ``work(progress, cancelled) -> result`` (the same function
the CLI calls directly). Write tasks run one at a time on a dedicated single-thread
pool, so the case has one writer; read-only tasks may run in parallel. Results come
back to GUI-thread objects through queued signals: no widget is touched by a worker.
"""

from __future__ import annotations

import threading
import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ..errors import Cancelled, OsintdeskError

Work = Callable[[Callable[[int, int | None], None], Callable[[], bool]], Any]


class Task(QObject):
    """One unit of background work, observed from the GUI thread through its signals."""

    progress = Signal(int, int)          # done, total (total 0 = unknown)
    succeeded = Signal(object)           # the work's return value
    failed = Signal(str)                 # a user-facing message
    cancelled = Signal()
    finished = Signal()                  # always, after one of the three above

    def __init__(self, title: str, work: Work, *, writes: bool):
        super().__init__()
        self.title = title
        self.work = work
        self.writes = writes
        self._cancel = threading.Event()
        self._last_emit = 0.0
        self.done = False
        self.error: str | None = None
        self.result: Any = None

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _report(self, done: int, total: int | None) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        now = time.monotonic()
        # Throttle: a million-row import must not flood the GUI thread with signals.
        if now - self._last_emit >= 0.05 or (total and done >= total):
            self._last_emit = now
            self.progress.emit(int(done), int(total or 0))

    def run_here(self) -> None:
        """Execute the work on the calling (worker) thread and emit the outcome."""
        try:
            result = self.work(self._report, self.is_cancelled)
        except Cancelled:
            self.cancelled.emit()
        except OsintdeskError as exc:
            self.error = str(exc)
            self.failed.emit(self.error)
        except Exception as exc:  # a bug: keep the traceback for the report
            self.error = f"Unexpected error in “{self.title}”: {exc}\n\n{traceback.format_exc()}"
            self.failed.emit(self.error)
        else:
            self.result = result
            self.succeeded.emit(result)
        finally:
            self.done = True
            self.finished.emit()


class _Runnable(QRunnable):
    def __init__(self, task: Task):
        super().__init__()
        self.task = task
        self.setAutoDelete(True)

    def run(self) -> None:
        self.task.run_here()


class TaskRunner(QObject):
    """Starts tasks; tells the window which are running (for the progress widget)."""

    started = Signal(object)   # Task
    ended = Signal(object)     # Task

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._readers = QThreadPool(self)
        self._readers.setMaxThreadCount(max(1, QThreadPool.globalInstance().maxThreadCount()))
        self.active: list[Task] = []

    def create(self, title: str, work: Work, *, writes: bool = True) -> Task:
        """A task not yet started: connect to its signals, then ``start`` it.

        Signals from a worker thread are queued only to slots connected before they
        are emitted, so connecting after starting could miss a fast task's result.
        """
        task = Task(title, work, writes=writes)
        task.finished.connect(self._finish)
        return task

    def start(self, task: Task) -> Task:
        self.active.append(task)
        self.started.emit(task)
        (self._writer if task.writes else self._readers).start(_Runnable(task))
        return task

    def _finish(self) -> None:
        task = self.sender()
        if task in self.active:
            self.active.remove(task)
        self.ended.emit(task)

    def cancel_all(self) -> None:
        for task in list(self.active):
            task.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until all work is done (used when closing and in tests)."""
        ok_w = self._writer.waitForDone(msecs)
        ok_r = self._readers.waitForDone(msecs)
        return ok_w and ok_r
