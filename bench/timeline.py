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

    python bench/timeline.py [--case big.osintcase] [--events N --flights N --sources N] [--repeat N]
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", type=Path, default=None, help="the big case (made when missing)")
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--flights", type=int, default=2000)
    parser.add_argument("--sources", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="keep the PNGs in this folder")
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
