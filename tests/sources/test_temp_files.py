"""Temporary files stay beside the case, in its private work folder, never in the shared
temp folder; what a killed run left there is removed by the next open."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from osintdesk.sources.acquire.web import CaptureSettings
from osintdesk.sources.local_files import add_files
from osintdesk.sources.web_capture import capture
from osintdesk.store import Case
from osintdesk.store.sidecar import work_root

from tests.support import source_samples as samples

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shared_tmp(tmp_path, monkeypatch):
    """The shared temp folder, empty; everything osintdesk makes must go elsewhere."""
    folder = tmp_path / "shared-tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


class Watcher:
    """Called as ``cancelled()`` all along the work: looks at both folders each time."""

    def __init__(self, shared: Path, case: Case):
        self.shared = shared
        self.work = work_root(case.path)
        self.in_shared: list[str] = []
        self.seen_in_work: set[str] = set()

    def __call__(self) -> bool:
        self.in_shared += [p.name for p in self.shared.iterdir()]
        if self.work.is_dir():
            self.seen_in_work.update(p.name.split("-")[0] + "-" for p in self.work.rglob("*")
                                     if p.is_dir() and p.parent != self.work)
        return False


def test_add_file_of_a_warc_and_a_wacz_spools_beside_the_case(case, tmp_path, shared_tmp):
    warc = samples.make_warc_with_resources(tmp_path / "gallery.warc.gz")
    wacz = samples.make_wacz(tmp_path / "sunan.wacz")
    watch = Watcher(shared_tmp, case)
    outcomes = add_files(case, [warc, wacz], cancelled=watch)
    assert all(o.added for o in outcomes) and outcomes[0].resources == 2
    assert "osintdesk-" in watch.seen_in_work     # the spool was there while it was read
    assert watch.in_shared == [] and list(shared_tmp.iterdir()) == []


def test_a_capture_works_beside_the_case(case, page_server, session, shared_tmp):
    watch = Watcher(shared_tmp, case)
    [outcome] = capture(case, [page_server.base_url + "/page.html"], CaptureSettings(), session,
                        cancelled=watch)
    assert outcome.body_sha256
    assert "capture-" in watch.seen_in_work
    assert watch.in_shared == [] and list(shared_tmp.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see open files")
def test_a_stream_that_cannot_be_reread_is_copied_beside_the_case(case, shared_tmp):
    open_in = []

    class OneWay:
        """A pipe-like source: read once, no seeking. Notes where the open files are."""

        def __init__(self, data: bytes):
            self._data = data

        def seekable(self):
            return False

        def read(self, n=-1):
            for fd in os.listdir("/proc/self/fd"):
                try:
                    open_in.append(os.readlink(f"/proc/self/fd/{fd}"))
                except OSError:
                    pass
            chunk, self._data = (self._data, b"") if n < 0 else (self._data[:n], self._data[n:])
            return chunk

    stored = case.put_artifact(OneWay(b"streamed from a pipe" * 1000))
    assert case.read_artifact(stored.sha256) == b"streamed from a pipe" * 1000
    work = str(work_root(case.path))
    assert any(target.startswith(work) for target in open_in)
    assert not any(target.startswith(str(shared_tmp)) for target in open_in)


KILLED = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from osintdesk.sources.local_files import add_files
    from osintdesk.store import Case
    from osintdesk.store.sidecar import work_root
    case_path, warc = sys.argv[1:]

    def stall():   # once the archive's resources are on disk, wait to be killed
        spools = [p for p in work_root(Path(case_path)).rglob("osintdesk-archive-*") if any(p.iterdir())]
        if spools:
            print(spools[0], flush=True)
            time.sleep(600)
        return False

    with Case.open(case_path, examiner="Killed") as case:
        add_files(case, [warc], cancelled=stall)
""")


def test_what_a_killed_add_file_left_beside_the_case_goes_at_the_next_open(case, tmp_path):
    warc = samples.make_warc_with_resources(tmp_path / "gallery.warc.gz")
    path = case.path
    case.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", KILLED, str(path), str(warc)], env=env,
                             stdout=subprocess.PIPE, text=True)
    try:
        spool = Path(child.stdout.readline().strip())
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    assert spool.is_dir() and any(spool.iterdir())
    assert spool.is_relative_to(work_root(path))
    with Case.open(path, examiner="Next") as reopened:
        assert not spool.exists()
        assert not work_root(path).exists() or list(work_root(path).iterdir()) == []
        assert reopened.counts().get("evidence", 0) == 0    # the killed add-file left nothing
