"""The red banner across the top of the window while a demo case is open: nothing in it
can be mistaken for evidence (what makes a case a demo is decided in osintdesk.demo)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QSizePolicy, QToolBar

from ..demo import DEMO_MARK, is_demo

BANNER_TEXT = (f"{DEMO_MARK}: a training case built by osintdesk. The aircraft, flights, "
               "people and pages are invented; nothing here is evidence.")


def attach_demo_banner(window: QMainWindow) -> QToolBar:
    """Add the (hidden) banner to ``window``; it shows while its case is a demo."""
    bar = QToolBar("Demo banner", window, objectName="demo_banner")
    bar.setMovable(False)
    bar.setFloatable(False)
    bar.toggleViewAction().setVisible(False)   # not one of the toolbars the user hides
    label = QLabel(BANNER_TEXT, objectName="demo_banner_text")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet("QLabel { background: #b00020; color: white; font-weight: bold; "
                        "padding: 4px 8px; }")
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    bar.addWidget(label)
    bar.setStyleSheet("QToolBar { background: #b00020; border: 0; padding: 0; }")
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    window.insertToolBarBreak(bar)
    bar.hide()

    def follow(*_args) -> None:
        case = getattr(window, "case", None)
        bar.setVisible(case is not None and is_demo(case.meta()))

    window.case_opened.connect(follow)
    window.case_closed.connect(follow)
    return bar
