"""Run long work off the GUI thread, with progress and cancel; writes go through one writer.

A task is a plain function ``work(progress, cancelled) -> result`` (the same function
the CLI calls directly); given a case file, the worker opens its own ``Case`` of it
and calls ``work(case, progress, cancelled)``. Write tasks run one at a time on a
dedicated single-thread pool, so the case has one writer; read-only tasks may run in
parallel. Outcomes come back to the GUI thread through queued signals, and the
caller's callbacks run there with whatever they closed over: no widget is touched by
a worker.
"""

from __future__ import annotations

import contextlib
import threading
import time
import traceback
from pathlib import Path
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ..errors import Cancelled, OsintdeskError
from ..store import Case

# work(progress, cancelled), or work(case, progress, cancelled) for a task given a case file
Work = Callable[..., Any]


class Task(QObject):
    """One unit of background work, observed from the GUI thread through its signals.

    The task lives on the GUI thread and its work runs on a worker, so its signals are
    queued to the GUI thread, and so are the callbacks it was given: its own slots call
    them, ``on_progress(done, total)`` while it runs, then one of ``on_success(result)``,
    ``on_failed(message)`` or ``on_cancelled()``, then ``on_finished()``. None is called
    once ``context`` (a QObject) is deleted.
    """

    progress = Signal(int, int)          # done, total (total 0 = unknown)
    succeeded = Signal(object)           # the work's return value
    failed = Signal(str)                 # a user-facing message
    cancelled = Signal()
    finished = Signal()                  # always, after one of the three above

    def __init__(self, title: str, work: Work, *, writes: bool, case_path: Path | None = None,
                 examiner: str = "", context: QObject | None = None,
                 callbacks: dict[str, Callable | None] | None = None,
                 ended: Callable[["Task"], None] | None = None):
        super().__init__()
        self.title = title
        self.work = work
        self.writes = writes
        self.case_path = case_path
        self.examiner = examiner
        self._cancel = threading.Event()
        self._last_emit = 0.0
        self.done = False
        self.error: str | None = None
        self.result: Any = None
        self._context = context
        self._callbacks = {name: call for name, call in (callbacks or {}).items() if call is not None}
        self._ended = ended
        # Slots of this object, connected before the work starts (a signal from a worker
        # is queued only to the slots connected when it is emitted).
        if "on_progress" in self._callbacks:
            self.progress.connect(self._progressed)
        self.succeeded.connect(self._succeeded)
        self.failed.connect(self._failed)
        self.cancelled.connect(self._was_cancelled)
        self.finished.connect(self._finished)

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

    def _report_upgrade(self, done: int, total: int | None) -> None:
        # Once started, an upgrade runs to its end: every step is a transaction of its
        # own, and a case left between steps matches no release.
        with contextlib.suppress(Cancelled):
            self._report(done, total)

    def _run_work(self) -> Any:
        if self.case_path is None:
            return self.work(self._report, self.is_cancelled)
        # The worker's own connection: SQLite connections stay on the thread that made them.
        with Case.open(self.case_path, examiner=self.examiner, readonly=not self.writes,
                       progress=self._report_upgrade) as case:
            return self.work(case, self._report, self.is_cancelled)

    def run_here(self) -> None:
        """Execute the work on the calling (worker) thread and emit the outcome."""
        try:
            result = self._run_work()
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

    # ------------------------------------------------------------ on the GUI thread

    def _call(self, name: str, *args) -> None:
        callback = self._callbacks.get(name)
        if callback is not None and (self._context is None or shiboken6.isValid(self._context)):
            callback(*args)

    def _progressed(self, done: int, total: int) -> None:
        self._call("on_progress", done, total)

    def _succeeded(self, result) -> None:
        self._call("on_success", result)

    def _failed(self, message: str) -> None:
        self._call("on_failed", message)

    def _was_cancelled(self) -> None:
        self._call("on_cancelled")

    def _finished(self) -> None:
        try:
            self._call("on_finished")
        finally:
            # The last signal: drop the callbacks (closures may hold this task).
            ended, self._ended, self._callbacks = self._ended, None, {}
            if ended is not None:
                ended(self)


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
    ended = Signal(object)     # Task, after its callbacks ran

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._readers = QThreadPool(self)
        self._readers.setMaxThreadCount(max(1, QThreadPool.globalInstance().maxThreadCount()))
        self.active: list[Task] = []

    def run(self, title: str, work: Work, *, writes: bool = False,
            case_path: str | Path | None = None, examiner: str = "",
            context: QObject | None = None,
            on_success: Callable[[Any], None] | None = None,
            on_failed: Callable[[str], None] | None = None,
            on_cancelled: Callable[[], None] | None = None,
            on_progress: Callable[[int, int], None] | None = None,
            on_finished: Callable[[], None] | None = None) -> Task:
        """Start ``work`` on a worker and return its task.

        With ``case_path`` the worker opens its own ``Case`` of that file as ``examiner``
        (writable when ``writes``, else read-only; an older case is upgraded with
        progress) and calls ``work(case, progress, cancelled)``; without, it calls
        ``work(progress, cancelled)``. ``writes`` puts the task in the one writer's queue.
        The ``on_*`` callbacks run on the GUI thread (see ``Task``); none runs once
        ``context`` is deleted.
        """
        callbacks = {"on_success": on_success, "on_failed": on_failed,
                     "on_cancelled": on_cancelled, "on_progress": on_progress,
                     "on_finished": on_finished}
        task = Task(title, work, writes=writes,
                    case_path=Path(case_path) if case_path is not None else None,
                    examiner=examiner, context=context, callbacks=callbacks, ended=self._finish)
        self.active.append(task)
        self.started.emit(task)
        (self._writer if writes else self._readers).start(_Runnable(task))
        return task

    def _finish(self, task: Task) -> None:
        if not shiboken6.isValid(self):
            return  # the window (and this runner) closed while the task's signals were queued
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
