"""Composition root: the QApplication, settings, task runner and main window are built here.

With ``OSINTDESK_QUIT_WHEN_SHOWN=1`` in the environment the app quits by itself once the
window is up (and the case given is open): exit status 0, or 1 when the case cannot be
opened. Start-up checks (the tests, packaging) use it to prove the window comes up.
"""

from __future__ import annotations

import os
import sys

from . import APP_NAME, ORG_NAME, __version__
from .paths import config_dir
from .settings import resolve_examiner


def build_window(examiner: str):
    """Create the services and the main window (tests call this too)."""
    from PySide6.QtCore import QSettings
    from .ui.main_window import MainWindow
    from .ui.tasks import TaskRunner

    settings = QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)
    runner = TaskRunner()
    window = MainWindow(examiner=examiner, settings=settings, runner=runner)
    runner.setParent(window)
    return window


def run(case: str | None = None, *, examiner: str | None = None) -> int:
    from .qt_check import qt_import_problem, why_qt_cannot_start
    problem = why_qt_cannot_start()   # one line instead of Qt's plugin dump and abort
    if problem is None:
        try:
            from PySide6.QtWidgets import QApplication
        except ImportError as exc:
            problem = qt_import_problem(exc)
    if problem is not None:
        print(f"osintdesk: error: {problem}", file=sys.stderr)
        return 2

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    window = build_window(examiner or resolve_examiner())
    window.show()
    if os.environ.get("OSINTDESK_QUIT_WHEN_SHOWN") == "1":
        _quit_when_shown(app, window, wait_for_case=bool(case))
    if case:
        window.open_case(case)
    return app.exec()


def _quit_when_shown(app, window, *, wait_for_case: bool) -> None:
    """Leave the event loop once it has turned with the window shown: 0 when it is (and
    the case is open, with ``wait_for_case``), 1 when the case cannot be opened."""
    from PySide6.QtCore import QTimer

    def leave(status: int) -> None:
        # A timer, so the loop has run (exit() before exec() would be lost).
        QTimer.singleShot(0, lambda: app.exit(status if window.isVisible() else 2))

    if wait_for_case:
        window.case_opened.connect(lambda _path: leave(0))
        window.case_open_failed.connect(lambda _message: leave(1))
    else:
        leave(0)


def main() -> None:
    """Entry point of the ``osintdesk-gui`` script."""
    sys.exit(run(sys.argv[1] if len(sys.argv) > 1 else None))
