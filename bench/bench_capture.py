"""Capture benchmarks: memory stays flat for big evidence, identifier search keeps up.

Each figure is printed as a ratio against a floor measured in the same run, so the numbers
mean the same on a laptop and on CI:

* adding a 100 MB file: peak Python memory of ``read_evidence_file`` / peak of a bare
  chunked SHA-256 over the same file; the same for ``local_files.add_files`` into a case
  (hashing, storing write-once in chunks, the source and capture records), and its time /
  the time of the bare hash (reading and hashing the file twice, once to read it and once
  while storing it, is a ratio near 2 plus the cost of writing to the case);
* capturing a 100 MB response from 127.0.0.1: peak memory of ``capture_url`` / peak of
  streaming the same response with requests into a hash; the same for ``web_capture.capture``
  into a case;
* identifiers: time of ``find_identifiers`` on 1 MB of article text / time of a bare
  ``re.findall(r"\\w+")`` over it.

Run: ``python bench/bench_capture.py [--size-mb 100]``. Tests never assert on time.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from osintdesk.sources.acquire.files import read_evidence_file  # noqa: E402
from osintdesk.sources.acquire.identifiers import find_identifiers  # noqa: E402
from osintdesk.sources.acquire.web import CaptureSettings, capture_url  # noqa: E402

CHUNK = b"\x00\x01osintdesk bench\xff" * 4096  # 72 KiB of binary


def peak_bytes(work) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def write_big_file(path: Path, size_bytes: int) -> None:
    with open(path, "wb") as stream:
        written = 0
        while written < size_bytes:
            stream.write(CHUNK)
            written += len(CHUNK)


def bare_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def bench_file(folder: Path, size_mb: int) -> None:
    path = folder / "evidence.bin"
    write_big_file(path, size_mb * 1024 * 1024)
    floor = peak_bytes(lambda: bare_hash(path))
    measured = peak_bytes(lambda: read_evidence_file(path))
    print(f"add a {size_mb} MB file: peak {measured / 1e6:.2f} MB vs bare hash {floor / 1e6:.2f} MB "
          f"-> ratio {measured / max(floor, 1):.2f}")


def bench_file_into_case(folder: Path, size_mb: int) -> None:
    from osintdesk.sources.local_files import add_files
    from osintdesk.store import Case
    path = folder / "evidence.bin"
    if not path.exists():
        write_big_file(path, size_mb * 1024 * 1024)
    floor = peak_bytes(lambda: bare_hash(path))
    with Case.create(folder / "bench-files", title="bench", examiner="bench") as case:
        measured = peak_bytes(lambda: add_files(case, [path]))
    print(f"add a {size_mb} MB file to a case: peak {measured / 1e6:.2f} MB vs bare hash "
          f"{floor / 1e6:.2f} MB -> ratio {measured / max(floor, 1):.2f}")
    floor_s = statistics.median(seconds(lambda: bare_hash(path)) for _ in range(3))
    runs = []
    for run in range(3):
        with Case.create(folder / f"bench-files-{run}", title="bench", examiner="bench") as case:
            runs.append(seconds(lambda: add_files(case, [path])))
    measured_s = statistics.median(runs)
    print(f"add a {size_mb} MB file to a case: {measured_s:.2f} s vs bare hash {floor_s:.2f} s "
          f"-> ratio {measured_s / floor_s:.2f}")


def seconds(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def serve_big_body(size_bytes: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(size_bytes))
            self.end_headers()
            sent = 0
            while sent < size_bytes:
                piece = CHUNK[: size_bytes - sent]
                self.wfile.write(piece)
                sent += len(piece)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def bench_capture(folder: Path, size_mb: int) -> None:
    size_bytes = size_mb * 1024 * 1024
    server = serve_big_body(size_bytes)
    url = f"http://127.0.0.1:{server.server_address[1]}/big"
    try:
        def bare_stream():
            digest = hashlib.sha256()
            with requests.get(url, stream=True, timeout=30) as response:
                for chunk in response.iter_content(64 * 1024):
                    digest.update(chunk)

        def capture():
            with requests.Session() as session:
                capture_url(url, session=session, work_dir=folder,
                            settings=CaptureSettings(max_bytes=size_bytes + 1)).discard()

        def capture_into_case():
            from osintdesk.sources.web_capture import capture as capture_sources
            from osintdesk.store import Case
            with Case.create(folder / "bench-capture", title="bench", examiner="bench") as case, \
                    requests.Session() as session:
                [outcome] = capture_sources(case, [url], CaptureSettings(max_bytes=size_bytes + 1),
                                            session)
                assert outcome.ok, outcome.error

        floor = peak_bytes(bare_stream)
        measured = peak_bytes(capture)
        into_case = peak_bytes(capture_into_case)
    finally:
        server.shutdown()
        server.server_close()
    print(f"capture a {size_mb} MB response: peak {measured / 1e6:.2f} MB vs bare stream {floor / 1e6:.2f} MB "
          f"-> ratio {measured / max(floor, 1):.2f}")
    print(f"capture a {size_mb} MB response into a case: peak {into_case / 1e6:.2f} MB vs bare stream "
          f"{floor / 1e6:.2f} MB -> ratio {into_case / max(floor, 1):.2f}")


ARTICLE = ("On 12 September 2023 a Russian government Ilyushin Il-62M, registration RA-86496, left Moscow "
           "Vnukovo (VKO) for Pyongyang Sunan (FNJ) with Mode-S hex 155ABC under callsign RSD062. The "
           "delegation met officials and the weather was fine; nothing else happened that day. ")


def bench_identifiers() -> None:
    text = ARTICLE * (1_000_000 // len(ARTICLE))
    find_identifiers("warm up the reference tables")

    def timed(work) -> float:
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            work()
            runs.append(time.perf_counter() - start)
        return statistics.median(runs)

    import re
    floor = timed(lambda: re.findall(r"\w+", text))
    measured = timed(lambda: find_identifiers(text))
    print(f"identifiers in {len(text) / 1e6:.1f} MB of text: {measured:.2f} s vs bare word scan "
          f"{floor:.3f} s -> ratio {measured / floor:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="osintdesk-bench-") as folder:
        bench_file(Path(folder), args.size_mb)
        bench_file_into_case(Path(folder), args.size_mb)
        bench_capture(Path(folder), args.size_mb)
    bench_identifiers()


if __name__ == "__main__":
    main()
