"""Large and hostile files and pages cost bounded work: a huge page is read from a bounded
prefix (and says so), a page dense with identifiers keeps a bounded number of records (and
says how many it found), a WACZ with a member of zeros or two members of one name is refused
at once, and libraries' warnings become the source's notes or the error's one line, never
stderr. Every refusal leaves the case exactly as it was."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from osintdesk.errors import InputError
from osintdesk.sources.acquire.readers import html as html_reader
from osintdesk.sources.acquire.readers import read_document, warc as warc_reader
from osintdesk.sources.acquire.readers import wacz as wacz_reader
from osintdesk.sources.acquire.web import CaptureSettings
from osintdesk.sources.ingest import MAX_IDENTIFIERS
from osintdesk.sources.local_files import add_files
from osintdesk.sources.web_capture import capture
from osintdesk.store import verify_case

from tests.support import bounded_samples as big
from tests.support import servers
from tests.support import source_samples as samples
from tests.support.source_server import case_state

MB = big.MB


def run_cli(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "osintdesk", *map(str, args)],
                          capture_output=True, text=True, env=dict(os.environ), timeout=timeout)


@pytest.fixture
def cli_case(tmp_path):
    made = run_cli("new", tmp_path / "c", "--title", "Bounded")
    assert made.returncode == 0, made.stderr
    return tmp_path / "c.osintcase"


def refused_once(case_path: Path, bad: Path, *words: str) -> str:
    """``add-file`` of ``bad``: exit 2, one line on stderr naming the file (no warning, no
    traceback), and the case file byte for byte as it was."""
    before = case_path.read_bytes()
    result = run_cli("add-file", case_path, bad)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0], result.stderr
    assert "Traceback" not in result.stderr and "WARNING" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert case_path.read_bytes() == before
    return lines[0]


# ----------------------------------------------------------------------------- huge files

PEAK_SCRIPT = textwrap.dedent("""
    import json, sys
    from tests.support.bounded_samples import peak_rss_kb
    from pathlib import Path
    from osintdesk.sources.local_files import add_files
    from osintdesk.store import Case
    from osintdesk.sources.acquire import extract  # the parsers loaded before the baseline
    baseline = peak_rss_kb()
    with Case.create(Path(sys.argv[1]), title="big", examiner="t") as case:
        [outcome] = add_files(case, [sys.argv[2]])
        text = case.conn.execute("SELECT text_chars FROM captures").fetchone()[0]
    peak = peak_rss_kb()
    print(json.dumps({"growth_kb": peak - baseline, "warnings": outcome.warnings,
                      "size": outcome.size, "text_chars": text}))
""")


def peak_of_adding(tmp_path: Path, path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, tmp_path / f"case-{path.name}", path],
                          capture_output=True, text=True, env=dict(os.environ), timeout=600)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_memory_for_a_page_does_not_grow_with_its_size(tmp_path):
    """A 200 MB HTML file costs the memory of a 12 MB one: both are read from the same
    bounded prefix, and both say so; the whole file is still the evidence."""
    small = peak_of_adding(tmp_path, big.write_big_html(tmp_path / "small.html", 12 * MB))
    huge_path = big.write_big_html(tmp_path / "huge.html", 200 * MB)
    huge = peak_of_adding(tmp_path, huge_path)
    huge_path.unlink()
    assert huge["size"] > 199 * MB
    for result in (small, huge):
        assert "first 4 MiB" in result["warnings"][0] and "bounded prefix" in result["warnings"][0]
        assert result["text_chars"] > 1000
    # Growth over the loaded program: equal within noise, nowhere near the file's size.
    assert huge["growth_kb"] < small["growth_kb"] * 1.25 + 40 * 1024, (small, huge)
    assert huge["growth_kb"] < 200 * 1024 * 2


@pytest.mark.parametrize("kind, write", [
    ("text", lambda p, n: big.write_big_text(p, n)),
    ("markdown", lambda p, n: big.write_big_text(p, n, markdown=True)),
    ("html", big.write_big_html),
])
def test_textual_readers_read_a_bounded_prefix_and_say_so(tmp_path, kind, write):
    suffix = {"text": ".txt", "markdown": ".md", "html": ".html"}[kind]
    path = write(tmp_path / f"long{suffix}", 5 * MB)
    document = read_document(path)
    assert document.kind == kind
    assert "bounded prefix" in document.warnings[0] and f"{path.stat().st_size:,} bytes" in document.warnings[0]
    assert len(document.text.encode()) <= 4 * MB
    assert "\ufffd" not in document.text          # cut between characters, not inside one
    short = write(tmp_path / f"short{suffix}", 64 * 1024)
    assert not any("bounded prefix" in w for w in read_document(short).warnings)


def test_a_page_in_an_archive_is_spooled_and_read_from_a_bounded_prefix(tmp_path):
    body = big.write_big_html(tmp_path / "page.html", html_reader.EXTRACT_BYTES + 3 * MB).read_bytes()
    path = tmp_path / "one.warc"
    path.write_bytes(big.warc_page_record("https://archive.example/long", body))
    document = read_document(path)
    try:
        [page] = document.pages
        assert isinstance(page.content, Path) and page.content.read_bytes() == body
        assert "bounded prefix" in page.document.warnings[0]
        assert page.document.title == "A long report"
    finally:
        document.close()


# ----------------------------------------------------------------------------- identifiers


class DensePages(servers.PageHandler):
    def do_GET(self):  # noqa: N802
        if self.path == "/dense.html":
            self._send(200, big.identifier_dense_html(MAX_IDENTIFIERS * 20), "text/html; charset=utf-8")
        elif self.path == "/long.html":
            self._send(200, self.server.long_page, "text/html; charset=utf-8")
        else:
            super().do_GET()


@pytest.fixture
def dense_server():
    server = servers.start(servers.PageServer(DensePages))
    yield server
    servers.stop(server)


def test_a_captured_page_is_read_from_a_bounded_prefix(case, dense_server, session, tmp_path):
    dense_server.long_page = big.write_big_html(tmp_path / "long.html", 6 * MB).read_bytes()
    [outcome] = capture(case, [dense_server.base_url + "/long.html"], CaptureSettings(), session)
    assert outcome.ok, outcome
    assert case.read_artifact(outcome.body_sha256) == dense_server.long_page   # stored whole
    metadata = json.loads(case.conn.execute("SELECT metadata FROM captures").fetchone()[0])
    assert "bounded prefix" in metadata["warnings"][0]


def test_a_page_dense_with_identifiers_keeps_a_bounded_number_and_says_so(case, dense_server, session):
    entries_before = case.audit_count()
    [outcome] = capture(case, [dense_server.base_url + "/dense.html"], CaptureSettings(), session)
    assert outcome.ok, outcome
    kept = case.conn.execute("SELECT count(*) FROM identifier_hits").fetchone()[0]
    assert kept == MAX_IDENTIFIERS
    # The extraction is one audit entry carrying the digest of its hits, not one per hit.
    [logged] = [e for e in case.audit_entries(after_seq=entries_before)
                if e.object_type == "identifiers"]
    assert (logged.action, logged.object_id) == ("find", outcome.capture_uuid)
    assert logged.details["rows"] == logged.details["added"] == MAX_IDENTIFIERS
    assert logged.details["kinds"] == {"date": MAX_IDENTIFIERS}
    # The whole capture (source, capture, text, artifacts, identifiers) stays a handful.
    assert case.audit_count() - entries_before < 10
    metadata = json.loads(case.conn.execute("SELECT metadata FROM captures").fetchone()[0])
    summary = [w for w in metadata["warnings"] if "identifiers found" in w]
    assert summary == [f"{MAX_IDENTIFIERS * 20:,} identifiers found (date {MAX_IDENTIFIERS * 20:,}); "
                       f"only the first {MAX_IDENTIFIERS:,} are kept as records, the rest are "
                       "counted here"]
    # The kept ones are the first by position, and verify covers every one of them.
    first = case.conn.execute("SELECT min(start_offset), max(start_offset) FROM identifier_hits").fetchone()
    assert first[0] < first[1]
    report = verify_case(case)
    assert report.ok, report.failures
    # One changed row of the thousand fails verify, naming the capture's identifiers.
    case.conn.execute("UPDATE identifier_hits SET value = '1999-01-01' WHERE start_offset = ?",
                      (first[1],))
    case.conn.commit()
    report = verify_case(case)
    assert [(f.object, f.problem.split(" since")[0]) for f in report.failures] == [
        (f"identifiers {outcome.capture_uuid}", "changed outside osintdesk")]


# ----------------------------------------------------------------------------- archives


def test_wacz_member_of_zeros_is_refused_at_once(tmp_path, cli_case):
    bomb = big.write_zero_member_wacz(tmp_path / "zeros.wacz", 256 * MB)
    assert bomb.stat().st_size < 2 * MB
    refused_once(cli_case, bomb, "expands", "compression bomb")
    # Stored (not compressed), a member of zeros is read only up to one header line's bound.
    stored = big.write_zero_member_wacz(tmp_path / "stored.wacz", 8 * MB,
                                        compression=zipfile.ZIP_STORED)
    line = refused_once(cli_case, stored, "archive/data.warc", "byte offset 0", "header line")
    assert "\\x00\\x00\\x00" not in line


def test_warc_of_zeros_after_a_good_record_is_refused_at_its_offset(tmp_path):
    record = big.warc_page_record("https://archive.example/a", b"<html><title>A</title></html>")
    path = tmp_path / "tail.warc"
    with open(path, "wb") as out:
        out.write(record)
        out.write(bytes(4 * MB))
    with pytest.raises(InputError) as caught:
        read_document(path)
    assert f"byte offset {len(record)}" in str(caught.value) or "header line" in str(caught.value)


def test_wacz_with_two_members_of_one_name_is_refused(tmp_path, case):
    warc = samples.make_warc(tmp_path / "a.warc.gz")
    other = samples.make_warc_with_resources(tmp_path / "b.warc.gz")
    path = big.write_wacz(tmp_path / "twice.wacz", [("archive/data.warc.gz", warc),
                                                    ("archive/data.warc.gz", other)],
                          compression=zipfile.ZIP_STORED)
    before = case_state(case)
    with pytest.raises(InputError) as caught:
        add_files(case, [path])
    assert "two members are named 'archive/data.warc.gz'" in str(caught.value)
    assert str(path) in str(caught.value)
    assert case_state(case) == before


@pytest.mark.parametrize("patch", [{"version": 160}, {"encrypted": True}],
                         ids=["zip-version-16", "encrypted"])
def test_a_wacz_zipfile_cannot_read_is_one_line(tmp_path, case, patch):
    """Python's zipfile raises NotImplementedError for a version it cannot extract and
    RuntimeError for an encrypted member: each is the one-line error, the case untouched."""
    warc = samples.make_warc(tmp_path / "a.warc.gz")
    path = big.patch_zip_entries(big.write_wacz(tmp_path / "odd.wacz",
                                                [("archive/data.warc.gz", warc)]), **patch)
    before = case_state(case)
    try:
        add_files(case, [path])   # read as another kind of file, or refused in one line
    except InputError as error:
        assert "\n" not in str(error) and str(path) in str(error)
    else:
        assert case_state(case) != before
    code = run_cli("add-file", case.path, path)
    assert code.returncode in (0, 2) and "Traceback" not in code.stderr, code.stderr
    with pytest.raises(InputError) as caught:
        wacz_reader.read(path, lambda: None)
    assert "not a readable WACZ" in str(caught.value) and str(path) in str(caught.value)


def test_wacz_expanding_past_the_archive_bound_is_refused(tmp_path, monkeypatch):
    path = big.write_wacz(tmp_path / "two.wacz", [("archive/a.warc", samples.ARTICLE_HTML * 40),
                                                  ("archive/b.warc", samples.ARTICLE_HTML * 40)])
    monkeypatch.setattr(wacz_reader, "MAX_CONTENT_BYTES", len(samples.ARTICLE_HTML) * 60)
    with pytest.raises(InputError) as caught:
        read_document(path)
    assert "more than the" in str(caught.value)


def test_archive_text_budget_keeps_later_pages_without_text(tmp_path, monkeypatch):
    path = big.write_big_warc(tmp_path / "many.warc", 2 * MB, page_bytes=64 * 1024)
    monkeypatch.setattr(warc_reader, "MAX_ARCHIVE_TEXT_CHARS", 200_000)
    document = read_document(path)
    try:
        with_text = [p for p in document.pages if p.document.text]
        without = [p for p in document.pages if not p.document.text]
        assert with_text and without and document.pages.index(without[0]) == len(with_text)
        assert "text budget" in without[0].document.warnings[0]
        assert document.warnings == [without[0].document.warnings[0]]   # said once for the archive
    finally:
        document.close()


# ----------------------------------------------------------------------------- library warnings


def test_warcio_warning_becomes_the_one_line_error(tmp_path, cli_case):
    record = big.warc_page_record("https://archive.example/a", b"<html><title>A</title></html>")
    length = record.index(b"\r\n\r\n") and int(record.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    bad = record.replace(f"Content-Length: {length}\r\n".encode(), f"Content-Length: {length - 7}\r\n".encode(), 1)
    path = tmp_path / "short-length.warc"
    path.write_bytes(bad + big.warc_page_record("https://archive.example/b", b"<html></html>"))
    line = refused_once(cli_case, path, "Content-Length")
    assert "Record not followed by newline" not in line


def test_pillow_exif_warning_becomes_a_note_of_the_source(tmp_path, cli_case):
    from PIL import Image
    import io
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(out, "JPEG")
    data = out.getvalue()
    exif = b"Exif\x00\x00" + b"II*\x00\x08\x00\x00\x00" + b"\xff\xff" + b"\x01" * 40
    path = tmp_path / "bad-exif.jpg"
    path.write_bytes(data[:2] + b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif + data[2:])
    result = run_cli("add-file", cli_case, path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""
    assert "warning: image reader: Corrupt EXIF data" in result.stdout


@pytest.mark.parametrize("fmt, note", [("JPEG", "decoded at a reduced scale"),
                                       ("PNG", "checked by its format's verification")])
def test_a_huge_image_is_read_in_bounded_memory_and_says_so(tmp_path, fmt, note):
    from PIL import Image
    from osintdesk.sources.acquire.readers import image as image_reader
    side = (5000, 4000)
    assert side[0] * side[1] > image_reader.MAX_DECODE_PIXELS
    path = tmp_path / f"huge.{fmt.lower()}"
    Image.new("RGB", side, (90, 120, 150)).save(path, fmt)
    document = read_document(path)
    assert document.metadata["width_px"] == "5000" and document.metadata["height_px"] == "4000"
    assert any(note in w for w in document.warnings), document.warnings
    cut = tmp_path / f"cut.{fmt.lower()}"
    cut.write_bytes(path.read_bytes()[:path.stat().st_size * 2 // 3])
    with pytest.raises(InputError) as caught:
        read_document(cut)
    assert "not a readable image" in str(caught.value)


def test_a_long_pdf_is_read_up_to_a_bounded_amount_of_text(tmp_path, monkeypatch):
    from fpdf import FPDF
    from osintdesk.sources.acquire.readers import pdf as pdf_reader
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for number in range(1, 6):
        pdf.add_page()
        pdf.cell(0, 10, f"Page {number}: the aircraft left at dawn")
    path = tmp_path / "five.pdf"
    pdf.output(str(path))
    monkeypatch.setattr(pdf_reader, "MAX_TEXT_CHARS", 60)
    document = read_document(path)
    assert document.metadata["pages"] == "5"
    assert "Page 2" in document.text and "Page 3" not in document.text
    assert document.warnings[0].startswith("the text was read from the first 2 of 5 pages only")


def test_a_pdf_of_too_many_pages_is_kept_without_text_and_says_so(tmp_path, monkeypatch):
    from osintdesk.sources.acquire.readers import pdf as pdf_reader
    path = big.write_big_pdf(tmp_path / "many.pdf", 200 * 1024)
    pages = int(read_document(path).metadata["pages"])
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", pages - 1)
    document = read_document(path)
    assert document.text == "" and document.metadata["pages"] == str(pages)
    assert document.warnings[0] == (f"the PDF declares {pages:,} pages, more than the {pages - 1:,} "
                                    "osintdesk reads text from (bounded work); kept as evidence without text")


def test_a_capture_s_warnings_show_in_the_sources_listing_not_as_notes(dense_server, tmp_path):
    """What reading a capture could not do is said where a user looks afterwards: `sources
    --json` (a ``warnings`` list per capture), the text listing and the viewer's notes tab,
    never as the investigator's notes."""
    from osintdesk.sources.viewer_html import notes_html
    made = run_cli("new", tmp_path / "w", "--title", "Warnings")
    assert made.returncode == 0, made.stderr
    path = tmp_path / "w.osintcase"
    captured = run_cli("capture", path, dense_server.base_url + "/dense.html")
    assert captured.returncode == 0, captured.stderr
    listed = run_cli("sources", path, "--json")
    [source] = json.loads(listed.stdout)
    assert source["notes"] == []
    [capture_row] = source["captures"]
    [warning] = capture_row["warnings"]
    assert warning.startswith(f"{MAX_IDENTIFIERS * 20:,} identifiers found (date ")
    text = run_cli("sources", path).stdout
    assert f"    warning: {warning}\n" in text
    from osintdesk.sources import queries
    from osintdesk.store import Case
    with Case.open(path, examiner="x", readonly=True) as case:
        captures = queries.captures_of(case, source["uuid"])
        page = notes_html(queries.get_source(case, source["uuid"]), [], [],
                          queries.source_warnings(captures))
    assert "Capture warning" in page and "identifiers found" in page and "No notes yet" in page
