"""Reading what the chart pane shows: small selections on the GUI thread, big ones on a worker.

Small selections are read on the GUI thread (milliseconds); big ones, every timeline (it
reads every event, flight and source) and every link chart (its layout takes seconds for a
few hundred nodes), on a worker with its own read-only connection (SQLite connections
belong to one thread). Rapid selection changes are coalesced, what was read is kept per
kind (flights, activity, timeline, links) until the case
changes, and a result that arrives after the selection moved on is dropped.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from ...charts.case_data import estimated_points
from ...charts.selection import ChartData, ChartRequest
from ...errors import OsintdeskError
from ..tasks import TaskRunner


def single_shot(parent: QObject, msecs: int, slot) -> QTimer:
    """A single-shot timer owned by ``parent``, restarted by each ``start``."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(msecs)
    timer.timeout.connect(slot)
    return timer


class ChartLoader(QObject):
    """Reads ``ChartData`` for the latest request and mode from the window's read-only Case.

    ``loaded`` (data, a note for the status line) or ``failed`` (a one-line message)
    follow each ``schedule`` whose request is still the latest; ``status`` tells how a
    load on a worker is going.
    """

    loaded = Signal(object, str)
    failed = Signal(str)
    status = Signal(str)

    # Selections with up to this many points are read on the GUI thread (about 50 ms).
    SYNC_POINTS = 50_000
    DEBOUNCE_MS = 120

    def __init__(self, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.runner = runner
        self.case = None
        self.request = ChartRequest()
        self.mode = "map"
        self._generation = 0           # bumped by every change of what to show
        self._epoch = 0                # bumped when the case (or its content) changes
        self._cache: dict[str, tuple[ChartRequest, ChartData]] = {}
        self._task = None
        self._timer = single_shot(self, self.DEBOUNCE_MS, self._load)

    def set_case(self, case) -> None:
        """Read from ``case`` from now on (None: nothing to read); forget what was read."""
        self.case = case
        self.request = ChartRequest()
        self.invalidate()

    def invalidate(self) -> None:
        """Forget what was read (the case changed) and drop loads under way."""
        self._cache.clear()
        self._epoch += 1  # loads started before now must not fill the cache
        self._generation += 1
        if self._task is not None:
            self._task.cancel()

    def forget(self, kind: str) -> None:
        """Forget what was read for one kind of chart ("flights", "activity", "links")."""
        self._cache.pop(kind, None)

    def schedule(self, mode: str, request: ChartRequest | None = None, *, delay: bool = True) -> None:
        """Load ``request`` (default: the current one) for ``mode``; with ``delay``, after
        ``DEBOUNCE_MS`` without another schedule."""
        if request is not None:
            self.request = request
        self.mode = mode
        self._generation += 1
        if self._task is not None:
            self._task.cancel()
        if delay:
            self._timer.start()
        else:
            self._timer.stop()
            self._load()

    def busy(self) -> bool:
        return self._timer.isActive() or self._task is not None

    def _kind(self) -> str:
        return self.mode if self.mode in ("activity", "timeline", "links") else "flights"

    def _cached(self) -> ChartData | None:
        kind = self._kind()
        hit = self._cache.get(kind)
        if hit is not None and kind == "timeline":  # selected flights do not change it
            return hit[1] if hit[0].timeline_filter() == self.request.timeline_filter() else None
        return hit[1] if hit is not None and hit[0] == self.request else None

    def _load(self) -> None:
        data = self._cached()
        if data is not None:
            self.loaded.emit(data, "")
            return
        if self.case is None:
            self.loaded.emit(ChartData(), "No case open")
            return
        request, mode, kind, generation = self.request, self.mode, self._kind(), self._generation
        try:
            # The flights are read once: their points tell where to load, then they are loaded.
            rows = request.flight_rows(self.case) if kind == "flights" else None
            points = 0 if rows is None else estimated_points(rows)
            # A timeline reads every event, flight and source, a link chart lays out: a worker.
            if points <= self.SYNC_POINTS and kind not in ("timeline", "links"):
                self._loaded(self._epoch, generation, request, kind,
                             request.load(mode, self.case, rows=rows))
                return
        except OsintdeskError as exc:
            self.failed.emit(str(exc))
            return
        epoch = self._epoch

        def failed(message: str) -> None:
            if generation == self._generation:
                self.failed.emit(message.splitlines()[0])

        def progressed(done: int, total: int) -> None:
            if generation == self._generation:
                unit = "steps" if kind in ("timeline", "links") else "positions"
                self.status.emit(f"Loading {done:,} of {total:,} {unit}…" if total else "Loading…")

        def finished() -> None:
            if self._task is task:
                self._task = None

        what = {"timeline": "the timeline", "links": "the link chart"}.get(
            kind, f"{points:,} positions")
        self.status.emit(f"Loading {what}…")
        task = self._task = self.runner.run(
            f"Loading the {mode} ({what})" if kind == "flights" else f"Loading {what}",
            lambda own, progress, cancelled: request.load(mode, own, progress=progress,
                                                          cancelled=cancelled, rows=rows),
            case_path=self.case.path, examiner=self.case.examiner, context=self,
            on_success=lambda data: self._loaded(epoch, generation, request, kind, data),
            on_failed=failed, on_progress=progressed, on_finished=finished)

    def _loaded(self, epoch: int, generation: int, request: ChartRequest, kind: str,
                data: ChartData) -> None:
        if epoch == self._epoch:
            self._cache[kind] = (request, data)
        if generation == self._generation:
            self.loaded.emit(data, "")
