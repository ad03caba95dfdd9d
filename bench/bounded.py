"""Benchmark: is the work bounded? Every file reader (through ``add_files`` into a fresh
case, as ``osintdesk add-file`` runs it) and every flight importer (the whole import into a
fresh case, as ``osintdesk import-flights`` runs it: parse, storage in blocks, then the
flight recompute) is fed inputs of 1, 10 and 100 MB made by generators; each run is its own
process, which prints its peak RSS and time. For each reader and importer this prints the
peak RSS and seconds per MB at each size, and the ratio of the largest input's figure to
the smallest's: peak RSS must stay near 1 (memory bounded by a constant; the floor is the
1 MB run, measured in the same run), seconds per MB near 1 or below (time linear).

An importer's row gives two figures: "parse+store" (the file read and its points stored,
``import_flight_file(..., analyse=False)``) and "whole" (then the flights recomputed from
the stored points, ``analysis.recompute_flights`` per aircraft, as the import does inside
its transaction). ``--no-recompute`` leaves the recompute out.

A format that has to be read in one piece (FR24 and OpenSky JSON) refuses content over
``MAX_WHOLE_JSON_BYTES`` in constant memory: its 100 MB row says "refused".

    python bench/bounded.py [--sizes 1,10,100] [--only html,fr24-json] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/support: the generators shared with the tests

MB = 1024 * 1024


def peak_rss_mb() -> float:
    """This process's peak RSS. On Linux from /proc (VmHWM): ru_maxrss keeps, across fork
    and exec, the size of the parent that started it (here: the one that made the input)."""
    from tests.support.bounded_samples import peak_rss_kb
    return peak_rss_kb() / 1024


# --------------------------------------------------------------------------- inputs


def _points_writer(write, per_point: int):
    """A writer of about ``size`` bytes of flight data: ``write(path, points)``."""
    from tests.support.flight_samples import iter_bench_points

    def make(path: Path, size: int) -> Path:
        return write(path, iter_bench_points(max(10, size // per_point)))
    return make


def _json_writer(build, per_point: int):
    from tests.support.flight_samples import iter_bench_points, write_json

    def make(path: Path, size: int) -> Path:
        return write_json(path, build(list(iter_bench_points(max(10, size // per_point)))))
    return make


def _snapshot(points):
    from tests.support.flight_samples import aircraft_entry, aircraft_snapshot
    now = points[-1].t + 1
    # 2,000 aircraft at most, as a busy receiver sees: the importer remembers each aircraft's
    # last position across snapshots (memory grows with distinct aircraft, not bytes).
    return aircraft_snapshot(now, [aircraft_entry(p._replace(hex=f"f{i % 2000:05x}"), now)
                                   for i, p in enumerate(points)])


def _wacz(path: Path, size: int) -> Path:
    """A WACZ holding one WARC of ``size`` bytes, stored (WARC members are usually gzip'd)."""
    from tests.support import bounded_samples as samples
    warc = samples.write_big_warc(path.with_suffix(".member.warc"), size)
    try:
        return samples.write_wacz(path, [("archive/data.warc", warc)],
                                  compression=zipfile.ZIP_STORED)
    finally:
        warc.unlink()


def _image(path: Path, size: int) -> Path:
    """A JPEG of noise of about ``size`` bytes."""
    import random
    from PIL import Image
    side = int((size / 1.6) ** 0.5)   # noise at quality 95: about 1.6 bytes a pixel
    rng = random.Random(1)
    image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    image.save(path, "JPEG", quality=95)
    return path


def inputs() -> dict[str, tuple[str, str, object]]:
    """name -> (what runs it: "reader" or "importer", file suffix, writer(path, size))."""
    from tests.support import bounded_samples as samples
    from tests.support import flight_samples as fs
    return {
        "html": ("reader", ".html", samples.write_big_html),
        "text": ("reader", ".txt", samples.write_big_text),
        "markdown": ("reader", ".md", lambda p, n: samples.write_big_text(p, n, markdown=True)),
        "warc": ("reader", ".warc", samples.write_big_warc),
        "wacz": ("reader", ".wacz", _wacz),
        "image": ("reader", ".jpg", _image),
        "pdf": ("reader", ".pdf", samples.write_big_pdf),
        "fr24-csv": ("importer", ".csv", _points_writer(fs.write_fr24_csv, 75)),
        "fr24-adsb-csv": ("importer", ".csv", _points_writer(fs.write_fr24_granular_csv, 90)),
        "opensky-csv": ("importer", ".csv", _points_writer(
            lambda p, pts: fs.write_opensky_csv(p, pts), 150)),
        "kml-track": ("importer", ".kml", lambda p, n: fs.write_kml_gx_track(
            p, list(fs.iter_bench_points(max(10, n // 90))))),
        "fr24-kml": ("importer", ".kml", _points_writer(fs.write_fr24_kml, 400)),
        "gpx": ("importer", ".gpx", _points_writer(fs.write_gpx, 110)),
        "csv-mapping": ("importer", ".csv", _points_writer(
            lambda p, pts: fs.write_opensky_csv(p, pts), 150)),
        "readsb-trace": ("importer", ".json", _points_writer(
            lambda p, pts: fs.write_readsb_trace(p, pts, compress=False), 110)),
        "readsb-aircraft": ("importer", ".json", _json_writer(_snapshot, 330)),
        "fr24-json": ("importer", ".json", _json_writer(fs.fr24_playback, 200)),
        "opensky-json": ("importer", ".json", _json_writer(fs.opensky_track, 60)),
    }


# --------------------------------------------------------------------------- child process


def _import_whole(case, name: str, path: str, recompute: bool) -> tuple[dict, str]:
    """Import ``path`` into ``case`` as import-flights does; the parse+storage figures
    (seconds, peak RSS) before the recompute, and what the import gave."""
    from osintdesk.flights.analysis import recompute_flights
    from osintdesk.flights.ingest import import_flight_file, import_order
    from osintdesk.flights import importers
    options = None
    if name == "csv-mapping":   # an OpenSky CSV read through a column mapping
        from osintdesk.flights.mapping import ColumnMapping
        options = {"mapping": ColumnMapping(time="time", lat="lat", lon="lon",
                                            time_format="epoch_s", hex="icao24",
                                            alt="baroaltitude", alt_unit="m")}
    [(planned, fmt)], options = import_order([path], None, options)
    start = time.perf_counter()
    result = import_flight_file(case, planned, fmt=importers.get(name), options=options,
                                analyse=False)
    stored = {"seconds": time.perf_counter() - start, "rss_mb": peak_rss_mb()}
    if recompute:
        touched = json.loads(case.conn.execute(
            "SELECT aircraft_uuids FROM flight_imports WHERE uuid = ?",
            (result.import_uuid,)).fetchone()[0])
        with case.transaction():
            for aircraft_uuid in touched:
                recompute_flights(case, aircraft_uuid)
    outcome = (f"{result.points:,} points, {len(result.aircraft)} aircraft"
               + (f", {result.skipped:,} skipped" if result.skipped else ""))
    return stored, outcome


def child(kind: str, name: str, path: str, folder: str, recompute: str = "1") -> dict:
    """Run one input; the clock starts after the imports and the case's creation."""
    from osintdesk.errors import InputError
    from osintdesk.sources.acquire import extract  # noqa: F401 - trafilatura, lxml loaded
    from osintdesk.sources.local_files import add_files
    from osintdesk.store import Case

    outcome, stored = "ok", None
    with Case.create(Path(folder) / "case", title="bench", examiner="bench") as case:
        start = time.perf_counter()
        if kind == "reader":
            [result] = add_files(case, [path])
            outcome = f"{len(result.sources)} source(s), {len(result.warnings)} note(s)"
        else:
            try:
                stored, outcome = _import_whole(case, name, path, recompute == "1")
            except InputError as error:
                outcome = "refused: " + str(error).split(": ", 1)[-1][:60]
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "rss_mb": peak_rss_mb(), "outcome": outcome,
            "stored": stored}


def run_child(kind: str, name: str, path: Path, folder: Path, recompute: bool = True) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", kind, name, str(path), str(folder),
                           "1" if recompute else "0"],
                          capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        return {"seconds": float("nan"), "rss_mb": float("nan"), "stored": None,
                "outcome": "FAILED: " + (done.stderr.strip().splitlines() or ["?"])[-1][:80]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _ratios(rows: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Peak RSS and s/MB of the largest input over the smallest's, and peak RSS of the
    largest over the next size's."""
    (_, rss_small, t_small), (_, rss_big, t_big) = rows[0], rows[-1]
    rss_next = rss_big / rows[-2][1] if len(rows) > 2 else rss_big / rss_small
    return rss_big / rss_small, t_big / t_small, rss_next


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10,100", help="input sizes in MB")
    parser.add_argument("--only", default="", help="comma-separated names (default: all)")
    parser.add_argument("--keep", help="keep the inputs in this folder")
    parser.add_argument("--no-recompute", action="store_true",
                        help="importers: parse and store only (no flight recompute)")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    sizes = [float(s) for s in args.sizes.split(",")]
    table = inputs()
    names = [n for n in table if not args.only or n in args.only.split(",")]
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="osintdesk-bounded-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{'input':16} {'MB':>6} {'peak RSS MB':>12} {'s/MB':>8}  "
          f"{'store RSS':>9} {'store s/MB':>10}  outcome")
    worst = []
    for name in names:
        kind, suffix, write = table[name]
        rows, stored_rows = [], []
        for size in sizes:
            path = work / f"{name}-{size:g}MB{suffix}"
            write(path, int(size * MB))
            actual = path.stat().st_size / MB
            folder = Path(tempfile.mkdtemp(dir=work))
            result = run_child(kind, name, path, folder, not args.no_recompute)
            subprocess.run(["rm", "-rf", str(folder)])
            if not args.keep:
                path.unlink()
            per_mb = result["seconds"] / actual if actual else float("nan")
            rows.append((actual, result["rss_mb"], per_mb))
            stored = result.get("stored")
            store_text = f"{'':9} {'':10}"
            if stored:   # an importer's parse and storage, before the recompute
                stored_rows.append((actual, stored["rss_mb"], stored["seconds"] / actual))
                store_text = f"{stored['rss_mb']:9.0f} {stored_rows[-1][2]:10.3f}"
            print(f"{name:16} {actual:6.1f} {result['rss_mb']:12.0f} {per_mb:8.3f}  {store_text}  "
                  f"{result['outcome']}", flush=True)
        rss_ratio, t_ratio, rss_next = _ratios(rows)
        worst.append((name, rss_ratio, t_ratio, rss_next, "whole" if stored_rows else ""))
        print(f"{name:16} largest/smallest: peak RSS x{rss_ratio:.2f}, time per MB x{t_ratio:.2f}; "
              f"largest/next: peak RSS x{rss_next:.2f}", flush=True)
        if len(stored_rows) == len(rows):
            ratios = _ratios(stored_rows)
            worst.append((name, *ratios, "parse+store"))
            print(f"{name:16} parse+store largest/smallest: peak RSS x{ratios[0]:.2f}, time per "
                  f"MB x{ratios[1]:.2f}; largest/next: peak RSS x{ratios[2]:.2f}", flush=True)
    print()
    print("ratios of the largest input to the smallest (floor: the smallest, this run), and of")
    print("the largest to the next size (both past the text readers' 4 MiB prefix)")
    for name, rss_ratio, t_ratio, rss_next, part in sorted(worst, key=lambda w: -w[1]):
        print(f"  {name:16} {part:11} peak RSS x{rss_ratio:5.2f}   time per MB x{t_ratio:5.2f}   "
              f"peak RSS largest/next x{rss_next:5.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
