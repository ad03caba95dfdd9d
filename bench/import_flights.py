"""Benchmark: parse 1,000,000 track points from a FlightRadar24-style CSV and from a readsb
trace (phase 1: parsing only; the case-store insert is added with the store).

Prints points per second for each importer, the floor measured in the same run (reading
the same file with the csv / json module alone), the ratio, and each step's peak RSS.
Each step runs in its own process so that one step's peak memory cannot hide another's.

    python bench/import_flights.py [--points 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


# --------------------------------------------------------------------------- steps (child process)


def step_parse(path: str) -> tuple[int, float]:
    from osintdesk.flights import importers
    from osintdesk.flights.model import TrackPoint

    start = time.perf_counter()
    count = 0
    for item in importers.parse_path(path):
        if type(item) is TrackPoint:
            count += 1
    return count, time.perf_counter() - start


def step_floor_csv(path: str) -> tuple[int, float]:
    start = time.perf_counter()
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        count = sum(1 for _ in reader)
    return count, time.perf_counter() - start


def step_floor_json(path: str) -> tuple[int, float]:
    start = time.perf_counter()
    with open(path, "rb") as raw:
        compressed = raw.read(2) == b"\x1f\x8b"
    with (gzip.open(path) if compressed else open(path, "rb")) as handle:
        data = handle.read()
    count = len(json.loads(data)["trace"])
    return count, time.perf_counter() - start


STEPS = {"parse": step_parse, "floor-csv": step_floor_csv, "floor-json": step_floor_json}


def run_step(step: str, path: Path) -> dict:
    """Run one step in a fresh interpreter; returns points, seconds and peak RSS."""
    output = subprocess.run([sys.executable, __file__, "--step", step, str(path)],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


# --------------------------------------------------------------------------- driver


def generate(directory: Path, points: int) -> tuple[Path, Path]:
    from osintdesk.flights import samples

    csv_path = directory / "fr24_bench.csv"
    trace_path = directory / "trace_full_155abc.json"
    started = time.perf_counter()
    samples.write_fr24_csv(csv_path, samples.iter_bench_points(points))
    samples.write_readsb_trace(trace_path, samples.iter_bench_points(points), compress=True)
    print(f"generated {points:,} points twice in {time.perf_counter() - started:.1f} s: "
          f"{csv_path.stat().st_size / 2**20:.0f} MB CSV, "
          f"{trace_path.stat().st_size / 2**20:.0f} MB gzip trace")
    return csv_path, trace_path


def report(label: str, parsed: dict, floor: dict) -> None:
    rate = parsed["points"] / parsed["seconds"]
    floor_rate = floor["points"] / floor["seconds"]
    print(f"{label}: {parsed['points']:,} points in {parsed['seconds']:.2f} s = {rate:,.0f} points/s, "
          f"peak RSS {parsed['peak_rss_mb']:.0f} MB")
    print(f"  floor ({floor['what']}): {floor['seconds']:.2f} s = {floor_rate:,.0f} rows/s, "
          f"peak RSS {floor['peak_rss_mb']:.0f} MB")
    print(f"  ratio parse / floor: {parsed['seconds'] / floor['seconds']:.2f}x")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the sample files here and keep them")
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        count, seconds = STEPS[args.step](args.path)
        print(json.dumps({"points": count, "seconds": seconds, "peak_rss_mb": peak_rss_mb()}))
        return
    with tempfile.TemporaryDirectory() as temp:
        directory = args.keep or Path(temp)
        directory.mkdir(parents=True, exist_ok=True)
        csv_path, trace_path = generate(directory, args.points)
        report("fr24-csv", run_step("parse", csv_path),
               {**run_step("floor-csv", csv_path), "what": "csv.reader alone"})
        report("readsb-trace (gzip)", run_step("parse", trace_path),
               {**run_step("floor-json", trace_path), "what": "gzip + json.loads alone"})


if __name__ == "__main__":
    main()
