"""Render the AppStream/README screenshots from a demo case, offscreen, with the app itself.

    QT_QPA_PLATFORM=offscreen python packaging/render_screenshots.py [OUT_DIR]

Builds the il62 demo (seed 1) in a temporary folder, opens it in the window at 1200x780,
and saves: the flights with the map, the claims with their checks, and the timeline.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QItemSelectionModel  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from osintdesk.app import build_window  # noqa: E402
from osintdesk.demo.build import create_demo  # noqa: E402

SIZE = (1200, 780)


def settle(app: QApplication, window, seconds: float = 3.0) -> None:
    """Let the workers finish and the charts draw."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
    window.runner.wait()
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)


def main(out_dir: str) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["OSINTDESK_CONFIG_DIR"] = str(Path(tmp) / "config")
        case = create_demo("il62", Path(tmp) / "il62").path
        window = build_window("Demo trainer (synthetic)")
        window.resize(*SIZE)
        window.show()
        window.open_case(case)
        settle(app, window)
        written = []

        flights = window.show_page("Flights")
        view = flights.view
        view.selectAll()
        view.selectionModel().select(view.model().index(0, 0),
                                     QItemSelectionModel.SelectionFlag.Select
                                     | QItemSelectionModel.SelectionFlag.Rows)
        window.chart_pane.set_mode("map")
        settle(app, window)
        written.append(out / "flights-map.png")
        window.grab().save(str(written[-1]))

        window.show_page("Claims")
        window.chart_pane.set_mode("timeline")
        settle(app, window)
        written.append(out / "claims-timeline.png")
        window.grab().save(str(written[-1]))

        window.show_page("Entities")
        window.chart_pane.set_mode("links")
        settle(app, window)
        written.append(out / "entities-links.png")
        window.grab().save(str(written[-1]))
        window.close_case()
        window.close()
    return written


if __name__ == "__main__":
    for path in main(sys.argv[1] if len(sys.argv) > 1 else
                     str(Path(__file__).resolve().parent / "screenshots")):
        print(path)
