"""What the window adds for trainers: File › New Demo Case… (built on a worker with the
same function as ``osintdesk demo create``, then opened) and the red "DEMO, synthetic data"
banner while a demo case is open (``demo_banner.py``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMainWindow

from ..demo.stories import SUMMARIES
from .demo_banner import attach_demo_banner


class DemoUi:
    def __init__(self, window: QMainWindow):
        self.window = window
        self.banner = attach_demo_banner(window)
        self.action_new_demo = QAction("New &Demo Case…", window, objectName="action_new_demo")
        self.action_new_demo.setStatusTip("Build a demo case from invented data, for training")
        self.action_new_demo.triggered.connect(self.new_demo_dialog)
        actions = window.file_menu.actions()
        after = actions.index(window.action_new) + 1 if window.action_new in actions else 0
        window.file_menu.insertAction(actions[after] if after < len(actions) else None,
                                      self.action_new_demo)

    def new_demo_dialog(self) -> None:
        names = list(SUMMARIES)
        label = "\n".join(f"{name}: {text}" for name, text in SUMMARIES.items())
        name, ok = QInputDialog.getItem(self.window, "New demo case", label, names, 0, False)
        if not ok:
            return
        folder = str(self.window.settings.value("paths/last_folder", str(Path.home())))
        path, _ = QFileDialog.getSaveFileName(self.window, "Save the demo case as",
                                              str(Path(folder) / f"{name}-demo.osintcase"),
                                              "osintdesk cases (*.osintcase)")
        if path:
            self.create_demo_case(name, path)

    def create_demo_case(self, name: str, path: str, seed: int = 1):
        """Build the demo ``name`` at ``path`` on a worker, then open it."""
        from ..demo.build import create_demo

        def work(progress, cancelled):
            return create_demo(name, path, seed=seed, progress=progress, cancelled=cancelled).path
        return self.window.run_task(f"Building the {name} demo", work,
                                    on_success=self.window.open_case)
