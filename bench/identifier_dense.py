"""Benchmark: a page dense with identifiers costs about what a page of plain words does
(issue 16). An 8 MB page that is little but dates (hundreds of thousands of identifiers)
and an 8 MB page of plain words are each captured from a local server into a fresh case,
as ``osintdesk capture`` does; for each this prints the audit entries the capture added,
how much the case grew, the capture's time and then ``verify``'s time. The ratio of the
dense page's figures to the plain page's (the floor, measured in the same run) must stay
near 1: the identifiers kept (at most 1,000 a capture) are one audit entry with their
digest, not one entry and one record version each.

    python bench/identifier_dense.py [--mb 8]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/support: the generators and the page server

MB = 1024 * 1024


def _pages(size: int) -> dict[str, bytes]:
    from tests.support.bounded_samples import identifier_dense_html
    dense = identifier_dense_html(size // 19)   # "<li>2023-01-01</li>": 19 bytes a date
    words = b"the aircraft left the hangar and the crew waited for the weather to clear "
    plain = (b"<!doctype html><html><head><title>Words</title></head><body><p>"
             + words * (len(dense) // len(words)) + b"</p></body></html>")
    return {"/dense.html": dense, "/plain.html": plain}


def _file_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def measure(folder: Path, url: str, name: str) -> dict:
    import requests

    from osintdesk.sources.acquire.web import CaptureSettings
    from osintdesk.sources.web_capture import capture
    from osintdesk.store import Case, verify_case
    path = folder / f"{name}.osintcase"
    with Case.create(path, title=name, examiner="bench") as case:
        pass
    before = _file_size(path)
    with Case.open(path, examiner="bench") as case, requests.Session() as session:
        entries = case.audit_count()
        started = time.perf_counter()
        [outcome] = capture(case, [url], CaptureSettings(), session)
        capture_s = time.perf_counter() - started
        assert outcome.ok, outcome
        added = case.audit_count() - entries
        identifiers = case.counts()["identifier"]
        started = time.perf_counter()
        report = verify_case(case)
        verify_s = time.perf_counter() - started
        assert report.ok, report.failures[:3]
    return {"entries": added, "identifiers": identifiers,
            "growth_mb": (_file_size(path) - before) / MB, "capture_s": capture_s,
            "verify_s": verify_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=8, help="size of each page (MB)")
    args = parser.parse_args()
    from tests.support import servers
    pages = _pages(int(args.mb * MB))

    class Pages(servers.PageHandler):
        def do_GET(self):  # noqa: N802
            self._send(200, pages[self.path], "text/html; charset=utf-8")

    server = servers.start(servers.PageServer(Pages))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            plain = measure(Path(tmp), server.base_url + "/plain.html", "plain")
            dense = measure(Path(tmp), server.base_url + "/dense.html", "dense")
    finally:
        servers.stop(server)
    print(f"{'page':<8} {'entries':>8} {'identifiers':>12} {'growth MB':>10} "
          f"{'capture s':>10} {'verify s':>9}")
    for name, row in (("plain", plain), ("dense", dense)):
        print(f"{name:<8} {row['entries']:>8} {row['identifiers']:>12} "
              f"{row['growth_mb']:>10.1f} {row['capture_s']:>10.2f} {row['verify_s']:>9.2f}")
    print(f"ratio dense/plain: entries {dense['entries'] / plain['entries']:.2f}, growth "
          f"{dense['growth_mb'] / plain['growth_mb']:.2f}, capture "
          f"{dense['capture_s'] / plain['capture_s']:.2f}, verify "
          f"{dense['verify_s'] / plain['verify_s']:.2f}")


if __name__ == "__main__":
    main()
