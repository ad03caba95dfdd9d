"""What sources add to the main window: the Sources and Selectors pages, Capture URL and
Capture Settings, and adding files (as evidence and as sources, with their text read).

Every piece of work runs on the window's task runner with the worker's own ``Case``: writes
on a writable one, long reads (search, comparing captures) on a read-only one.
"""

from __future__ import annotations

from typing import Callable

import requests
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from ...errors import OsintdeskError
from ...sources.acquire.web import CaptureSettings
from ...sources.settings import load_capture_settings
from ...store import Case
from ...store.header import is_writable
from .capture_dialogs import CaptureDialog, CaptureSettingsDialog, settings_to_edit
from .selectors_page import SelectorsPage
from .sources_page import SourcesPage
from ...words import counted


class SourcesUi(QObject):
    """The window's sources part; ``MainWindow`` builds one and tests reach the pages and
    actions through ``window.sources_ui``."""

    def __init__(self, window, session_factory: Callable[[], requests.Session] = requests.Session):
        super().__init__(window)
        self.window = window
        self.session_factory = session_factory
        self.last_outcomes: list = []
        self.sources_page = SourcesPage(writer=self.run_write, reader=self.run_read)
        self.selectors_page = SelectorsPage(writer=self.run_write)
        window.add_page(self.sources_page)
        window.add_page(self.selectors_page)
        self.selectors_page.hit_activated.connect(self.open_hit)

        self.action_capture = QAction("&Capture URL…", window, objectName="action_capture")
        self.action_capture.setShortcut("Ctrl+Shift+U")
        self.action_capture.triggered.connect(lambda _c=False: self.capture_dialog())
        self.action_capture_settings = QAction("Capture &Settings…", window,
                                               objectName="action_capture_settings")
        self.action_capture_settings.triggered.connect(lambda _c=False: self.settings_dialog())
        window.case_menu.addSeparator()
        window.case_menu.addAction(self.action_capture)
        window.case_menu.addAction(self.action_capture_settings)
        window.toolbar.addAction(self.action_capture)
        window.case_opened.connect(lambda _path: self._update_actions())
        window.case_closed.connect(self._update_actions)
        self._update_actions()
        if window.case is not None:
            self.sources_page.set_case(window.case)
            self.selectors_page.set_case(window.case)

    def _update_actions(self) -> None:
        case = self.window.case
        self.action_capture.setEnabled(case is not None and is_writable(case.path))

    # ------------------------------------------------------------ running work

    def run_write(self, title: str, work: Callable[[Case], object],
                  on_success: Callable | None = None):
        """Run ``work(case)`` on the task runner with the worker's own writable case."""
        return self.window.run_task(title, lambda case, _p, _c: work(case), case="write",
                                    on_success=on_success)

    def run_read(self, title: str, work: Callable[[Case], object],
                 on_success: Callable | None = None):
        """Run ``work(case)`` on the task runner with the worker's own read-only case."""
        return self.window.run_task(title, lambda case, _p, _c: work(case), case="read",
                                    on_success=on_success)

    def add_files(self, names: list[str]):
        """Add files as evidence and sources (text, metadata, identifiers), all or nothing."""
        names = [str(n) for n in names]

        def work(case, progress, cancelled):
            from ...sources.local_files import add_files
            return add_files(case, names, progress, cancelled)

        def done(outcomes):
            self.last_outcomes = outcomes
            added = [o for o in outcomes if o.added]
            sources = sum(len(o.sources) for o in added)
            message = f"Added {counted(len(added), 'file')}, {counted(sources, 'source')}"
            if len(outcomes) - len(added):
                message += f"; {len(outcomes) - len(added)} already in the case"
            self.window.statusBar().showMessage(message, 8000)
            if added and added[-1].sources:
                self.show_source(added[-1].sources[0]["uuid"])
        return self.window.run_task(f"Adding {counted(len(names), 'file')}", work, case="write",
                                    on_success=done)

    def capture_urls(self, urls: list[str], settings: CaptureSettings | None = None, *,
                     keep_errors: bool = False):
        """Capture URLs in the background (progress and Cancel in the status bar).

        A URL answered with a status outside 2xx is not kept: the investigator is asked
        (``keep_errors_box``) and, if they say so, it is captured again and kept."""
        window = self.window
        if window.case is None:
            window.show_error("Open or create a case first.")
            return None
        if settings is None:
            try:
                settings = load_capture_settings()
            except OsintdeskError as error:
                window.show_error(str(error), "Capture settings")
                return None
        session_factory = self.session_factory

        def work(case, progress, cancelled):
            from ...sources.web_capture import capture
            with session_factory() as session:
                return capture(case, urls, settings, session, progress, cancelled,
                               keep_errors=keep_errors)

        def done(outcomes):
            self.last_outcomes = outcomes
            good = [o for o in outcomes if o.ok]
            refused = [o for o in outcomes if o.not_kept]
            failed = [o for o in outcomes if not o.ok and not o.not_kept]
            window.statusBar().showMessage(
                f"Captured {len(good)} of {counted(len(outcomes), 'URL')}", 8000)
            if good:
                self.show_source(good[-1].source_uuid)
                window.show_page(SourcesPage.title)
            if failed:
                window.show_error("\n".join(o.error for o in failed),
                                  f"{counted(len(failed), 'URL')} could not be captured")
            if refused:
                self.ask_keep_errors(refused, settings)
        return window.run_task(f"Capturing {counted(len(urls), 'URL')}", work, case="write",
                               on_success=done)

    def ask_keep_errors(self, refused: list, settings: CaptureSettings) -> QMessageBox:
        """Ask whether to keep pages the server answered with an error status; Keep
        captures them again and stores them (a capture is write-once evidence)."""
        lines = "\n".join(f"HTTP {o.status}: {o.url}" for o in refused)
        box = QMessageBox(QMessageBox.Icon.Question, "Keep the error page?",
                          f"The server answered with an error status:\n{lines}\n\n"
                          "Nothing was stored. A capture is write-once evidence: keep the "
                          "error page only if it is evidence (a removed article, say). "
                          "Keeping it fetches the page again.",
                          QMessageBox.StandardButton.Discard, self.window)
        box.setObjectName("keep_errors_box")
        keep = box.addButton("Keep as evidence", QMessageBox.ButtonRole.AcceptRole)
        keep.setObjectName("keep_error_button")
        box.setDefaultButton(QMessageBox.StandardButton.Discard)
        urls = [o.url for o in refused]
        box.buttonClicked.connect(lambda button: button is keep and self.capture_urls(
            urls, settings, keep_errors=True))
        self.dialog = box
        box.open()
        return box

    def open_hit(self, hit: dict) -> None:
        """A selector hit double-clicked: the Sources page, the source's text at the hit."""
        self.window.show_page(SourcesPage.title)
        self.sources_page.open_hit(hit)

    def show_source(self, source_uuid: str) -> None:
        """Select a source in the Sources page (the page was re-read when the task ended)."""
        page = self.sources_page
        page.current_source = source_uuid
        if not page.select_source(source_uuid):
            page.viewer.show_source(self.window.case, source_uuid)

    # ------------------------------------------------------------ dialogs

    def capture_dialog(self) -> CaptureDialog:
        dialog = CaptureDialog(self.window)
        dialog.accepted.connect(lambda: self.capture_urls(dialog.urls()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def settings_dialog(self) -> CaptureSettingsDialog:
        dialog = CaptureSettingsDialog(settings_to_edit(), self.window)
        self.dialog = dialog
        dialog.open()
        return dialog
