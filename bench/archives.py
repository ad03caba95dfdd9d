"""A year of one aircraft from daily archives (issue 15): extracting and importing one
aircraft's members from 30 generated daily tars of 2,000 aircraft each, against a floor
measured in the same run: reading the same members with ``tarfile`` and ``gzip`` alone
(``tarfile.open(path, "r|")`` through each tar, ``gzip.decompress`` of the wanted
member). The import also hashes every tar (it is the evidence), parses the traces,
stores them in a case and works out the flights. Goal: within 2x.

Run: ``python bench/archives.py [--days 30] [--aircraft 2000] [--rows 1500]``.
Tests never assert on time.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from osintdesk.flights.archives import import_aircraft_from_archives, member_name  # noqa: E402
from osintdesk.store import Case  # noqa: E402
from tests.support import flight_samples as samples  # noqa: E402


def floor(paths: list[Path], wanted: str) -> int:
    """Bytes of trace content the bare reading gives (to check both found the same)."""
    content = 0
    for path in paths:
        with tarfile.open(path, "r|") as tar:
            for info in tar:
                if info.name == wanted:
                    content += len(gzip.decompress(tar.extractfile(info).read()))
    return content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--aircraft", type=int, default=2000)
    parser.add_argument("--rows", type=int, default=1500,
                        help="trace rows of each other aircraft (a day seen every minute or so)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="osintdesk-archives-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        paths = [samples.write_daily_archive(folder / f"globe_day{day:03d}.tar",
                                             samples.T0 + day * 86400,
                                             samples.archive_day_points(day),
                                             aircraft=args.aircraft, other_rows=args.rows,
                                             seed=day)
                 for day in range(args.days)]
        size = sum(p.stat().st_size for p in paths)
        print(f"generated {args.days} archives of {args.aircraft} aircraft, "
              f"{size / 2**20:.0f} MB, in {time.perf_counter() - started:.1f} s")
        wanted = member_name(samples.ARCHIVE_TARGET_HEX)
        floor(paths, wanted)   # warm the page cache for both
        floors, imports = [], []
        for attempt in range(args.repeat):
            t = time.perf_counter()
            content = floor(paths, wanted)
            floors.append(time.perf_counter() - t)
            with Case.create(folder / f"case{attempt}", title="A year", examiner="bench") as case:
                t = time.perf_counter()
                results = import_aircraft_from_archives(case, paths, samples.ARCHIVE_TARGET_HEX)
                imports.append(time.perf_counter() - t)
                points = sum(r.points for r in results)
                errors = [r.error for r in results if r.error]
                flights = case.conn.execute("SELECT count(*) FROM flights").fetchone()[0]
            assert not errors, errors
            (folder / f"case{attempt}.osintcase").unlink()
        best_floor, best_import = min(floors), min(imports)
        print(f"floor (tarfile r| + gzip, {content / 2**20:.1f} MB of traces): {best_floor:.2f} s")
        print(f"import one aircraft's {args.days} days ({points} points, {flights} flights): "
              f"{best_import:.2f} s")
        print(f"ratio {best_import / best_floor:.2f}x (goal: within 2x)")


if __name__ == "__main__":
    main()
