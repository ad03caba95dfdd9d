"""Benchmark: verify a case with 1,000,000 track points and 200 MB of evidence, against
hashing the same bytes with hashlib, measured in the same run.

Floors: SHA-256 (hashlib, 1 MiB reads) of the evidence files as they were added, and of
the whole case file. The goal: verify runs at 70% or more of the speed of hashing the
case file (ratio = floor time / verify time >= 0.70). Each phase of verify is timed too.
Everything is read once before timing, so all steps run from the page cache.

    python bench/verify_case.py [--points 1000000] [--evidence-mb 200] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/support: the sample generators shared with the tests

FILE_MB = 50


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

    trace = samples.write_readsb_trace(folder / "trace_full_155abc.json",
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


def bench_arguments(description: str, *, evidence_mb: int | None = 200) -> argparse.Namespace:
    """The options the case-building benchmarks share: --points, --evidence-mb, --keep."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--points", type=int, default=1_000_000)
    if evidence_mb is not None:
        parser.add_argument("--evidence-mb", type=int, default=evidence_mb)
    parser.add_argument("--keep", type=Path, help="build the case in DIR and keep it")
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


def main() -> None:
    args = bench_arguments(__doc__.split("\n\n")[0])

    from osintdesk.store import Case
    from osintdesk.store import verify as store_verify
    from osintdesk.verification import CHECKS, verify_case

    with bench_folder(args.keep) as folder:
        (case_path, evidence), build_s = timed(build, folder, args.points, args.evidence_mb)
        case_bytes = case_path.stat().st_size
        evidence_bytes = sum(p.stat().st_size for p in evidence)
        print(f"case built in {build_s:.1f} s: {args.points:,} points, "
              f"{evidence_bytes / 2**20:.0f} MB of evidence, case file {case_bytes / 2**20:.0f} MB")
        for path in [case_path, *evidence]:   # warm the page cache for every step alike
            sha256_file(path)

        _, evidence_s = timed(lambda: [sha256_file(p) for p in evidence])
        _, case_s = timed(sha256_file, case_path)
        with Case.open(case_path, examiner="Bench", readonly=True) as case:
            report, verify_s = timed(verify_case, case)
        assert report.ok, [str(f) for f in report.failures]

        phases = {}
        with Case.open(case_path, examiner="Bench", readonly=True) as case, \
                store_verify.read_snapshot(case.conn):
            phase_report = store_verify.VerifyReport(path=str(case_path))
            _, phases["sqlite + schema"] = timed(store_verify._check_sqlite, case, phase_report)
            _, phases["artifacts"] = timed(store_verify._check_artifacts, case, phase_report,
                                           lambda: None)
            states, phases["audit chain"] = timed(store_verify._check_audit_chain, case,
                                                  phase_report)
            _, phases["records"] = timed(store_verify._check_records, case, phase_report, states)
            for check in CHECKS:
                _, phases[check.__name__] = timed(check, case, phase_report)

        mb_s = lambda size, seconds: size / 2**20 / seconds  # noqa: E731
        print(f"floor  hashlib over the evidence files : {evidence_s:6.2f} s "
              f"({mb_s(evidence_bytes, evidence_s):.0f} MB/s)")
        print(f"floor  hashlib over the case file      : {case_s:6.2f} s "
              f"({mb_s(case_bytes, case_s):.0f} MB/s)")
        print(f"verify (everything the CLI checks)     : {verify_s:6.2f} s "
              f"({mb_s(case_bytes, verify_s):.0f} MB/s of case file)")
        for name, seconds in phases.items():
            print(f"  {name:<36}: {seconds:6.2f} s")
        print(f"ratio  case-file hash time / verify time: {case_s / verify_s:.2f} (goal >= 0.70)")
        print(f"ratio  evidence hash time / verify time : {evidence_s / verify_s:.2f}")


if __name__ == "__main__":
    main()
