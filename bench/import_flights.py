"""Benchmark: import 1,000,000 track points from a FlightRadar24-style CSV and from a readsb
trace into a case, against floors measured in the same run.

For each file it prints: the full import (file stored as evidence, points parsed and
inserted, digests for verify, flights derived) and the same without the flight analysis;
the floor the issue sets (the csv / json module reading the file, then ``executemany`` of
the pre-parsed tuples into a table shaped like track_points, in one transaction); parse
alone; ``sqlite-utils insert --csv`` on the same CSV; and each step's peak RSS.
Each step runs in its own process so that one step's peak memory cannot hide another's.

Then the measure the issue sets, as users meet it: the whole ``osintdesk import-flights``
command on the CSV (a new process: Python start, parsing, validation, storage, flight
analysis; the case made beforehand) against the floor run the same way, a new process
doing ``csv.reader``, ``float()`` on each field and one ``executemany`` of tuples into a
plain table without indexes, in one transaction. Goal: within 2.0x.

    python bench/import_flights.py [--points 1000000] [--keep DIR] [--cli-only]
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/support: the sample generators shared with the tests


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


FLOOR_TABLE = """CREATE TABLE track_points (id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL,
    aircraft_id INTEGER NOT NULL, t REAL NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    alt_ft REAL, gs_kt REAL, track_deg REAL, vrate_fpm REAL, on_ground INTEGER, callsign TEXT,
    squawk TEXT, leg_start INTEGER NOT NULL DEFAULT 0, stale INTEGER NOT NULL DEFAULT 0,
    record INTEGER);
    CREATE UNIQUE INDEX track_points_position ON track_points(aircraft_id, t, lat, lon);
    CREATE INDEX track_points_import ON track_points(import_id);"""
FLOOR_INSERT = ("INSERT INTO track_points (import_id, aircraft_id, t, lat, lon, alt_ft, gs_kt, "
                "track_deg, callsign, record) VALUES (1, 1, ?, ?, ?, ?, ?, ?, ?, ?)")


def _floor_db(rows_iter) -> int:
    import sqlite3
    with tempfile.TemporaryDirectory() as temp:
        conn = sqlite3.connect(Path(temp) / "floor.db")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.executescript(FLOOR_TABLE)
        rows = list(rows_iter)  # pre-parsed tuples, as the floor says
        with conn:
            conn.executemany(FLOOR_INSERT, rows)
        conn.close()
        return len(rows)


def step_floor_csv_insert(path: str) -> tuple[int, float]:
    start = time.perf_counter()

    def rows():
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader)
            for n, (ts, _utc, callsign, position, alt, speed, track) in enumerate(reader, 2):
                lat, lon = position.split(",")
                yield (float(ts), float(lat), float(lon), float(alt), float(speed),
                       float(track), callsign, n)
    count = _floor_db(rows())
    return count, time.perf_counter() - start


def step_floor_json_insert(path: str) -> tuple[int, float]:
    start = time.perf_counter()
    with gzip.open(path) as handle:
        data = json.loads(handle.read())
    base = data["timestamp"]

    def rows():
        for n, r in enumerate(data["trace"], 1):
            alt = None if r[3] in (None, "ground") else float(r[3])
            yield (base + r[0], r[1], r[2], alt, r[4], r[5], None, n)
    count = _floor_db(rows())
    return count, time.perf_counter() - start


def _import(path: str, analyse: bool) -> tuple[int, float]:
    from osintdesk.flights import analysis, ingest
    from osintdesk.store import Case

    if not analyse:
        analysis.recompute_flights = lambda case, aircraft_uuid: 0
    with tempfile.TemporaryDirectory() as temp:
        case = Case.create(Path(temp) / "bench", title="bench", examiner="bench")
        start = time.perf_counter()
        result = ingest.import_flight_file(case, path, aircraft="155abc")
        seconds = time.perf_counter() - start
        case.close()
    return result.points, seconds


def step_import(path: str) -> tuple[int, float]:
    return _import(path, analyse=True)


def step_import_no_analysis(path: str) -> tuple[int, float]:
    return _import(path, analyse=False)


def step_sqlite_utils(path: str) -> tuple[int, float]:
    exe = Path(sys.executable).with_name("sqlite-utils")
    with tempfile.TemporaryDirectory() as temp:
        start = time.perf_counter()
        subprocess.run([str(exe), "insert", str(Path(temp) / "su.db"), "points", path, "--csv"],
                       check=True, capture_output=True)
        seconds = time.perf_counter() - start
    return -1, seconds


STEPS = {"parse": step_parse, "floor-csv": step_floor_csv, "floor-json": step_floor_json,
         "floor-csv-insert": step_floor_csv_insert, "floor-json-insert": step_floor_json_insert,
         "import": step_import, "import-no-analysis": step_import_no_analysis,
         "sqlite-utils": step_sqlite_utils}


FLOOR_SCRIPT = """
import csv, sqlite3, sys
conn = sqlite3.connect(sys.argv[2])
conn.execute("CREATE TABLE points (t REAL, utc TEXT, callsign TEXT, lat REAL, lon REAL, "
             "alt REAL, speed REAL, direction REAL)")
def rows():
    with open(sys.argv[1], newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for ts, utc, callsign, position, alt, speed, direction in reader:
            lat, lon = position.split(",")
            yield (float(ts), utc, callsign, float(lat), float(lon), float(alt), float(speed),
                   float(direction))
with conn:
    conn.executemany("INSERT INTO points VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows())
conn.close()
"""


def _wall(command: list[str], repeat: int, before=None) -> float:
    """The best wall time of ``repeat`` runs of a command (``before()`` runs untimed first)."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def bench_cli(path: Path, repeat: int) -> None:
    """The whole import-flights command against the floor, both as new processes."""
    import shutil
    with tempfile.TemporaryDirectory() as temp:
        floor_db = Path(temp) / "floor.db"
        case = Path(temp) / "cli.osintcase"
        floor = _wall([sys.executable, "-c", FLOOR_SCRIPT, str(path), str(floor_db)], repeat,
                      lambda: floor_db.unlink(missing_ok=True))
        osintdesk = [sys.executable, "-m", "osintdesk", "--examiner", "bench"]

        def new_case():
            for leftover in Path(temp).glob("cli.osintcase*"):
                leftover.unlink() if leftover.is_file() else shutil.rmtree(leftover)
            subprocess.run([*osintdesk, "new", str(case), "--title", "bench"], check=True,
                           capture_output=True)
        command = _wall([*osintdesk, "import-flights", str(case), str(path),
                         "--aircraft", "155abc"], repeat, new_case)
    print(f"whole command, new processes (best of {repeat}):")
    print(f"  floor: python -c csv.reader + float() + executemany  {floor:7.2f} s")
    print(f"  osintdesk import-flights CASE FILE                   {command:7.2f} s  "
          f"ratio {command / floor:.2f}x (goal <= 2.0x)")


def run_step(step: str, path: Path) -> dict:
    """Run one step in a fresh interpreter; returns points, seconds and peak RSS."""
    output = subprocess.run([sys.executable, __file__, "--step", step, str(path)],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


# --------------------------------------------------------------------------- driver


def generate(directory: Path, points: int) -> tuple[Path, Path]:
    from tests.support import flight_samples as samples

    csv_path = directory / "fr24_bench.csv"
    trace_path = directory / "trace_full_155abc.json"
    if csv_path.exists() and trace_path.exists():
        print(f"reusing {csv_path} and {trace_path}")
        return csv_path, trace_path
    started = time.perf_counter()
    samples.write_fr24_csv(csv_path, samples.iter_bench_points(points))
    samples.write_readsb_trace(trace_path, samples.iter_bench_points(points), compress=True)
    print(f"generated {points:,} points twice in {time.perf_counter() - started:.1f} s: "
          f"{csv_path.stat().st_size / 2**20:.0f} MB CSV, "
          f"{trace_path.stat().st_size / 2**20:.0f} MB gzip trace")
    return csv_path, trace_path


def line(label: str, step: dict, floor: dict | None = None) -> None:
    text = f"  {label:<44} {step['seconds']:7.2f} s"
    if step["points"] > 0:
        text += f"  {step['points'] / step['seconds']:>10,.0f} points/s"
    else:
        text += " " * 21
    text += f"  peak RSS {step['peak_rss_mb']:4.0f} MB"
    if floor is not None:
        text += f"  ratio {step['seconds'] / floor['seconds']:.2f}x"
    print(text)


def bench_file(label: str, path: Path, floor_step: str, parse_floor_step: str,
               with_sqlite_utils: bool) -> None:
    print(f"{label} ({path.stat().st_size / 2**20:.0f} MB):")
    floor = run_step(floor_step, path)
    line("floor: module read + executemany (same table)", floor)
    line("osintdesk import (with flight analysis)", run_step("import", path), floor)
    line("osintdesk import (without flight analysis)", run_step("import-no-analysis", path), floor)
    line("parse only", run_step("parse", path), run_step(parse_floor_step, path))
    if with_sqlite_utils:
        line("sqlite-utils insert --csv (no parsing, no index)", run_step("sqlite-utils", path),
             floor)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the sample files here and keep them")
    parser.add_argument("--cli-only", action="store_true",
                        help="only the whole-command measure against its floor")
    parser.add_argument("--repeat", type=int, default=2, help="best of N for the command")
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
        bench_cli(csv_path, args.repeat)
        if args.cli_only:
            return
        print("ratio = seconds / floor seconds (goal: import within 2x); "
              "parse-only ratio is against the module read alone")
        bench_file("FlightRadar24 CSV", csv_path, "floor-csv-insert", "floor-csv", True)
        bench_file("readsb trace_full (gzip)", trace_path, "floor-json-insert", "floor-json",
                   False)


if __name__ == "__main__":
    main()
