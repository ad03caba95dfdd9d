"""Every file reader on random and mutated files (seeded, bounded in time): each file is read
or refused with one InputError line naming it, nothing is printed to stderr, and a refused
file leaves the case exactly as it was."""

from __future__ import annotations

import random
import time
import warnings
from pathlib import Path

import pytest

from osintdesk.errors import InputError
from osintdesk.sources.acquire.readers import READERS, read_document, read_document_as
from osintdesk.sources.local_files import add_files

from tests.support import bounded_samples as big
from tests.support import servers
from tests.support import source_samples as samples
from tests.support.source_server import case_state


def seeds(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    markdown = folder / "notes.md"
    markdown.write_text("# Notes\n\n## Arrival\n\n- [x] RA-86496 at 2023-09-14\n\n```\nlog\n```\n")
    text = folder / "story.txt"
    text.write_text(samples.STORY_TEXT)
    page = folder / "page.html"
    page.write_bytes(servers.PAGE_HTML)
    png = folder / "pixel.png"
    png.write_bytes(samples.make_png(16, 12))
    return {
        "html": page, "text": text, "markdown": markdown,
        "pdf": samples.make_pdf(folder / "doc.pdf", ["Il-62M RA-86496", "2023-09-14"],
                                title="Arrival", author="Desk"),
        "image": samples.make_jpeg_with_exif(folder / "photo.jpg"),
        "image-png": png,
        "warc": samples.make_warc(folder / "crawl.warc.gz"),
        "warc-plain": samples.make_warc(folder / "plain.warc", gzip_records=False),
        "wacz": samples.make_wacz(folder / "crawl.wacz"),
        "other": big.write_stream(folder / "blob.bin", iter(lambda: b"\x00\x01binary", None), 2048),
    }


CASES_PER_SEED = 200            # 10 seeds: 2,000 files
SECONDS_PER_SEED = 25.0         # a bound on the test's time, not an assertion
MIN_CASES = 40                  # tried whatever the machine's load: the bound applies past them
ADD_EVERY = 25                  # every 25th also goes through add-file into a real case


def test_every_reader_has_a_seed(tmp_path):
    kinds = {path_kind.split("-")[0] for path_kind in seeds(tmp_path)}
    assert {reader.KIND for reader in READERS} <= kinds


@pytest.fixture(scope="module")
def seed_files(tmp_path_factory):
    return seeds(tmp_path_factory.mktemp("seeds"))


@pytest.mark.parametrize("seed", ["html", "text", "markdown", "pdf", "image", "image-png", "warc",
                                  "warc-plain", "wacz", "other"])
def test_fuzzing_a_reader_gives_a_document_or_one_line(case, tmp_path, capfd, seed_files, seed):
    seed_path = seed_files[seed]
    rng = random.Random(f"osintdesk-readers-{seed}")
    data = seed_path.read_bytes()
    inputs = list(big.mutations(data, rng, CASES_PER_SEED - 10)) + list(big.random_files(rng, 10))
    started = time.monotonic()
    tried = 0
    kind = seed.split("-")[0]
    for index, content in enumerate(inputs):
        if tried >= MIN_CASES and time.monotonic() - started > SECONDS_PER_SEED:
            break
        path = tmp_path / f"fuzz-{index}{seed_path.suffix}"
        path.write_bytes(content)
        with warnings.catch_warnings():
            warnings.simplefilter("error")   # a library's warning escaping a reader fails here
            for read in (lambda: read_document(path), lambda: read_document_as(path, kind)):
                try:
                    read().close()
                except InputError as error:
                    assert "\n" not in str(error) and str(path) in str(error), str(error)
        if index % ADD_EVERY == 0:
            before = case_state(case)
            try:
                add_files(case, [path])
            except InputError:
                assert case_state(case) == before, f"{seed} case {index}: a refused file wrote"
        assert capfd.readouterr().err == "", f"{seed} case {index} printed to stderr"
        path.unlink()
        tried += 1
    assert tried >= MIN_CASES
