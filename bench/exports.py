"""Benchmark: the map exports (KML, GeoJSON) of a case with 1,000,000 track points, against
reading the same points and writing them as plain text, measured in the same run.

Floor: the points read through ``flights.queries.track_points`` in the same chunks and
written one "lon lat alt" line each. Goal: each export within 4x of the floor (it writes
times, XML or JSON around every point), with memory flat: each step runs in its own process
and its peak resident size is printed beside the floor's.

    python bench/exports.py [--points 1000000] [--keep DIR]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STEP = r"""
import resource, sys, time
sys.path.insert(0, {root!r})
from osintdesk.store import Case
start = time.perf_counter()
with Case.open({case!r}, examiner="Bench", readonly=True) as case:
    if {step!r} == "floor":
        from osintdesk.exports.mapdata import (CHUNK_POINTS, flights_in_scope, points_of,
                                               stretches)
        from osintdesk.exports.base import make_scope
        with open({out!r}, "w") as out:
            for flight in flights_in_scope(case, make_scope(case)):
                for stretch in stretches(case, flight)[0]:
                    for _read, rows in points_of(case, flight, stretch):
                        out.write("".join(f"{{r[2]}} {{r[1]}} {{r[3]}}\n" for r in rows))
    else:
        from osintdesk.exports.base import make_scope, run_export
        from osintdesk.exports.registry import by_name
        run_export(case, by_name({step!r}), {out!r}, make_scope(case))
elapsed = time.perf_counter() - start
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def run_step(step: str, case: Path, out: Path) -> tuple[float, int]:
    code = STEP.format(root=str(ROOT), step=step, case=str(case), out=str(out))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=os.environ)
    if done.returncode:
        raise SystemExit(done.stderr)
    seconds, peak_kib = done.stdout.split()
    return float(seconds), int(peak_kib) * 1024


def main() -> None:
    from bench.verify_case import bench_arguments, bench_folder, build
    args = bench_arguments(__doc__.split("\n\n")[0], evidence_mb=None)

    with bench_folder(args.keep) as folder:
        case_path = folder / "bench.osintcase"
        if not case_path.exists():
            case_path, _ = build(folder, args.points, 0)
        work = Path(tempfile.mkdtemp(prefix="exports-", dir=folder))
        mib = lambda n: n / 2**20  # noqa: E731
        floor_s, floor_peak = run_step("floor", case_path, work / "floor.txt")
        print(f"floor  points as text lines : {floor_s:6.2f} s  peak {mib(floor_peak):.0f} MiB")
        for name in ("kml", "geojson"):
            out = work / f"bench.{name}"
            seconds, peak = run_step(name, case_path, out)
            print(f"{name:<7} {mib(out.stat().st_size):5.0f} MiB      : {seconds:6.2f} s  ratio "
                  f"{seconds / floor_s:.2f} (goal <= 4)  peak {mib(peak):.0f} MiB")


if __name__ == "__main__":
    main()
