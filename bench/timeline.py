"""Benchmark: the timeline of 5,000 events, 2,000 flights and 3,000 sources, against an empty one.

Goal (issue 11): within 3x of an empty timeline, whole command. Two figures, each a ratio
against a floor measured in the same run:

- command: ``osintdesk chart CASE timeline -o timeline.png`` as a process (start-up, read,
  draw, write), on the big case and on an empty case;
- in process: read the timeline (``read_timeline``), draw it and write the PNG, on the
  big case and on the empty case (the part the window pays for on each change).

The big case is made once through the domain APIs (importers, add_event, add_files:
``tests.support.timeline_samples.write_big_timeline_case``; invented registrations ZZ-001...)
and kept with ``--case``; that takes a few minutes.

With ``--pane``, the window's chart pane (offscreen, 1200x800) shows the big case's timeline
while a 5 ms heartbeat timer on the GUI thread records the longest time it was kept
waiting (the read and the layout, ``plan_timeline``, run on the task runner; making the
artists and painting on the GUI thread).

    python bench/timeline.py [--case big.osintcase] [--events N --flights N --sources N] [--repeat N] [--pane]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/support: the generators shared with the tests

from osintdesk.charts.export import new_figure, save_figure  # noqa: E402
from osintdesk.charts.timeline import TimelineFilter, draw_timeline, read_timeline  # noqa: E402
from osintdesk.store import Case  # noqa: E402

WIDTH = 1600


def in_process(path: Path, out: Path) -> tuple[float, int]:
    """Seconds to read, draw and write the timeline of ``path``; and its item count."""
    start = time.perf_counter()
    with Case.open(path, examiner="bench", readonly=True) as case:
        timeline = read_timeline(case, TimelineFilter())
    fig = new_figure(WIDTH, max(520, min(2400, 200 + 130 * len(timeline.lanes))))
    draw_timeline(fig, timeline.items, timeline.lanes)
    save_figure(fig, out)
    return time.perf_counter() - start, len(timeline.items)


def command(path: Path, out: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "osintdesk", "chart", str(path), "timeline",
                             "-o", str(out)], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"the command failed: {result.stderr.strip()}")
    return time.perf_counter() - start


def pane_stall(path: Path) -> tuple[float, float]:
    """(seconds until the pane's timeline is painted, longest GUI-thread stall in seconds)."""
    import os
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from osintdesk.ui.chart_pane import ChartPane

    app = QApplication.instance() or QApplication([])
    clock = QElapsedTimer()
    clock.start()
    beats: list[float] = []
    heart = QTimer()
    heart.setInterval(5)
    heart.timeout.connect(lambda: beats.append(clock.nsecsElapsed() / 1e9))
    with Case.open(path, examiner="bench", readonly=True) as case:
        pane = ChartPane()
        pane.resize(1200, 800)
        pane.show()
        painted: list[float] = []
        pane.canvas.mpl_connect("draw_event", lambda _e: painted.append(clock.nsecsElapsed() / 1e9))
        pane.set_case(case)
        while pane.busy():
            app.processEvents()
        drawn: list[str] = []
        pane.redrawn.connect(drawn.append)
        heart.start()
        start = clock.nsecsElapsed() / 1e9
        beats.append(start)
        painted.clear()
        pane.set_mode("timeline")
        seen = None   # paints before the timeline was drawn (a pending one of the map)
        while clock.nsecsElapsed() / 1e9 - start < 120:
            app.processEvents()
            if seen is None and "timeline" in drawn:
                seen = len(painted)
            if seen is not None and len(painted) > seen and not pane.busy():
                break
            time.sleep(0.001)
        heart.stop()
        if painted:   # the last paint ends a stall the heartbeat had no chance to record
            beats.append(painted[-1])
        seconds = (painted[-1] if painted else clock.nsecsElapsed() / 1e9) - start
        stall = max(b - a for a, b in zip(beats, beats[1:])) if len(beats) > 1 else float("nan")
        pane.wait()
        pane.set_case(None)
        pane.close()
        pane.deleteLater()
        app.processEvents()
    return seconds, stall


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", type=Path, default=None, help="the big case (made when missing)")
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--flights", type=int, default=2000)
    parser.add_argument("--sources", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="keep the PNGs in this folder")
    parser.add_argument("--pane", action="store_true",
                        help="also the longest GUI-thread stall of the window's chart pane")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="osintdesk-bench-timeline-"))
    out.mkdir(parents=True, exist_ok=True)
    big = args.case or out / "big.osintcase"
    if not big.exists():
        from tests.support.timeline_samples import write_big_timeline_case
        print(f"making {big}: {args.events:,} events, {args.flights:,} flights, "
              f"{args.sources:,} sources (once)…", flush=True)
        started = time.perf_counter()
        write_big_timeline_case(big, events=args.events, flights=args.flights, sources=args.sources)
        print(f"  made in {time.perf_counter() - started:.0f} s", flush=True)
    empty = out / "empty.osintcase"
    if not empty.exists():
        with Case.create(empty, title="Empty timeline", examiner="bench"):
            pass

    full_cmd, empty_cmd, full_in, empty_in = [], [], [], []
    items = 0
    for _ in range(args.repeat):
        empty_cmd.append(command(empty, out / "empty_cmd.png"))
        full_cmd.append(command(big, out / "full_cmd.png"))
        t, _ = in_process(empty, out / "empty.png")
        empty_in.append(t)
        t, items = in_process(big, out / "full.png")
        full_in.append(t)
    c_full, c_empty = statistics.median(full_cmd), statistics.median(empty_cmd)
    i_full, i_empty = statistics.median(full_in), statistics.median(empty_in)
    print(f"timeline {WIDTH} px PNG of {items:,} items (median of {args.repeat})")
    print(f"  command   : {c_full:.2f} s, empty case {c_empty:.2f} s  ->  ratio {c_full / c_empty:.2f}x "
          f"(goal < 3x: {'met' if c_full / c_empty < 3 else 'NOT met'})")
    print(f"  in process: {i_full:.2f} s, empty case {i_empty:.2f} s  ->  ratio {i_full / i_empty:.2f}x "
          "(read + draw + write, no start-up)")
    print(f"  images    : {out}")
    if args.pane:
        seconds, stall = pane_stall(big)
        print(f"  window    : chart pane 1200x800 painted the timeline after {seconds:.2f} s; "
              f"longest GUI-thread stall {stall * 1000:.0f} ms (artists and painting; the read and "
              "the layout run on the task runner)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
