"""Composition root: the QApplication, settings, task runner and main window are built here."""

from __future__ import annotations

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
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    window = build_window(examiner or resolve_examiner())
    window.show()
    if case:
        window.open_case(case)
    return app.exec()


def main() -> None:
    """Entry point of the ``osintdesk-gui`` script."""
    sys.exit(run(sys.argv[1] if len(sys.argv) > 1 else None))
