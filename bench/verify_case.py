"""Benchmark: verify a case with 1,000,000 track points and 200 MB of evidence, against
hashing the same bytes with hashlib, measured in the same run.

Floors: SHA-256 (hashlib, 1 MiB reads) of the evidence files as they were added, and of
the whole case file. The goal: verify runs at 70% or more of the speed of hashing the
case file (ratio = floor time / verify time >= 0.70). Each phase of verify is timed too.
Everything is read once before timing, so all steps run from the page cache.

    python bench/verify_case.py [--points 1000000] [--evidence-mb 200] [--keep DIR]
    python bench/verify_case.py --case DIR     # measure again a case kept by --keep DIR

Each phase is also timed alone against its own floor: SQLite's integrity check against
hashing the case file (it reads every page), the artifacts against hashing the evidence
files, the records against hashing as many bytes as the record tables occupy.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/support: the sample generators shared with the tests

FILE_MB = 50
TRACE = "trace_full_155abc.json"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def build(folder: Path, points: int, evidence_mb: int) -> tuple[Path, list[Path]]:
    from osintdesk.flights.ingest import import_flight_file
    from osintdesk.store import Case
    from tests.support import flight_samples as samples

    trace = samples.write_readsb_trace(folder / TRACE,
                                       samples.iter_bench_points(points))
    files = []
    left = evidence_mb
    while left > 0:
        size = min(FILE_MB, left)
        path = folder / f"evidence{len(files)}.bin"
        with open(path, "wb") as out:
            for _ in range(size):
                out.write(os.urandom(1 << 20))
        files.append(path)
        left -= size
    with Case.create(folder / "bench", title="Verify bench", examiner="Bench") as case:
        import_flight_file(case, trace)
        for path in files:
            case.add_evidence_file(path)
        path = case.path
    return path, files + [trace]


def record_table_bytes(case_path: Path) -> int | None:
    """Bytes of the case file that hold records (every table and index but the artifacts'
    content), from SQLite's dbstat table; None when this SQLite has no dbstat."""
    import sqlite3
    conn = sqlite3.connect(f"file:{case_path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name NOT IN "
                            "('artifact_chunks', 'sqlite_autoindex_artifact_chunks_1')"
                            ).fetchone()[0]
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def best(repeat: int, function, *args):
    """The result and the shortest time of ``repeat`` runs (a shared machine adds noise)."""
    runs = [timed(function, *args) for _ in range(repeat)]
    return runs[-1][0], min(seconds for _, seconds in runs)


def bench_arguments(description: str, *, evidence_mb: int | None = 200,
                    more=None) -> argparse.Namespace:
    """The options the case-building benchmarks share: --points, --evidence-mb, --keep
    (``more(parser)`` adds a benchmark's own)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--points", type=int, default=1_000_000)
    if evidence_mb is not None:
        parser.add_argument("--evidence-mb", type=int, default=evidence_mb)
    parser.add_argument("--keep", type=Path, help="build the case in DIR and keep it")
    if more is not None:
        more(parser)
    return parser.parse_args()


@contextlib.contextmanager
def bench_folder(keep: Path | None) -> Iterator[Path]:
    """Where a benchmark builds its case: DIR kept (``--keep DIR``), else a temporary
    folder removed afterwards."""
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="osintdesk-bench-") as name:
        yield Path(name)


def _verify_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--case", type=Path, metavar="DIR",
                        help="measure a case kept by --keep DIR (copied first: never changed)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs per measure")


def main() -> None:
    args = bench_arguments(__doc__.split("\n\n")[0], more=_verify_options)

    from osintdesk.store import Case
    from osintdesk.store import verify as store_verify
    from osintdesk.verification import CHECKS, verify_case

    with bench_folder(args.keep) as folder:
        if args.case:
            case_path = folder / "bench.osintcase"
            shutil.copyfile(args.case / "bench.osintcase", case_path)
            evidence = sorted(args.case.glob("evidence*.bin")) + [args.case / TRACE]
            print(f"case copied from {args.case}")
        else:
            (case_path, evidence), build_s = timed(build, folder, args.points, args.evidence_mb)
            print(f"case built in {build_s:.1f} s")
        case_bytes = case_path.stat().st_size
        evidence_bytes = sum(p.stat().st_size for p in evidence)
        records_bytes = record_table_bytes(case_path)
        print(f"{evidence_bytes / 2**20:.0f} MB of evidence, case file "
              f"{case_bytes / 2**20:.0f} MB"
              + (f" ({records_bytes / 2**20:.0f} MB of records)" if records_bytes else ""))
        for path in [case_path, *evidence]:   # warm the page cache for every step alike
            sha256_file(path)

        _, evidence_s = best(args.repeat, lambda: [sha256_file(p) for p in evidence])
        _, case_s = best(args.repeat, sha256_file, case_path)

        def verify_once():   # opening the case is not timed, only verify_case
            with Case.open(case_path, examiner="Bench", readonly=True) as case:
                return timed(verify_case, case)
        runs = [verify_once() for _ in range(args.repeat)]
        report, verify_s = runs[-1][0], min(seconds for _, seconds in runs)
        assert report.ok, [str(f) for f in report.failures]

        # Each phase alone, one after the other on one connection, against its own floor.
        records_floor = case_s * records_bytes / case_bytes if records_bytes else None
        phases = []   # (name, seconds, floor seconds or None, what the floor is)

        def phase(name, floor, floor_text, function, *args_):
            result, seconds = best(args.repeat, function, *args_)
            phases.append((name, seconds, floor, floor_text))
            return result

        with Case.open(case_path, examiner="Bench", readonly=True) as case, \
                store_verify.read_snapshot(case.conn):
            part = store_verify.VerifyReport(path=str(case_path))
            phase("sqlite integrity check", case_s, "hashlib, case file",
                  store_verify._check_file, case.conn, part)
            phase("schema", None, "", store_verify._check_schema, case.conn, part)
            phase("artifacts", evidence_s, "hashlib, evidence files",
                  store_verify._check_artifacts, case.conn, part, lambda: None)
            states = phase("audit chain", None, "", store_verify._check_audit_chain, case, part)
            phase("records", records_floor, "hashlib, as many bytes as the record tables",
                  store_verify._check_records, case, part, states)
            for check in CHECKS:
                phase(check.__name__, None, "", check, case, part)

        mb_s = lambda size, seconds: size / 2**20 / seconds  # noqa: E731
        print(f"best of {args.repeat} runs each")
        print(f"floor  hashlib over the evidence files : {evidence_s:6.2f} s "
              f"({mb_s(evidence_bytes, evidence_s):.0f} MB/s)")
        print(f"floor  hashlib over the case file      : {case_s:6.2f} s "
              f"({mb_s(case_bytes, case_s):.0f} MB/s)")
        print(f"verify (everything the CLI checks)     : {verify_s:6.2f} s "
              f"({mb_s(case_bytes, verify_s):.0f} MB/s of case file)")
        print("phases alone, one after the other      :   time   floor  floor/time")
        for name, seconds, floor, floor_text in phases:
            ratio = f"{floor:6.2f}  {floor / seconds:6.2f}  ({floor_text})" if floor else ""
            print(f"  {name:<36}: {seconds:6.2f}  {ratio}")
        total = sum(seconds for _, seconds, _, _ in phases)
        print(f"  {'sum of the phases':<36}: {total:6.2f}  (verify overlaps the file's checks "
              f"with the records: {total / verify_s:.2f}x)")
        print(f"ratio  case-file hash time / verify time: {case_s / verify_s:.2f} (goal >= 0.70)")
        print(f"ratio  evidence hash time / verify time : {evidence_s / verify_s:.2f}")


if __name__ == "__main__":
    main()
