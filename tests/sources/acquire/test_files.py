"""acquire/files.py and acquire/readers/: local files as evidence, sniffed by content, with clear errors."""

from __future__ import annotations

import gzip
import hashlib
import os
import zipfile
from datetime import datetime, timezone

import pytest

from osintdesk.sources.acquire import files
from osintdesk.sources.acquire.files import read_evidence_file
from osintdesk.sources.acquire.readers import sniff
from osintdesk.sources.acquire.web import CaptureSettings, capture_url
from osintdesk.errors import Cancelled, InputError

from tests.support import servers
from tests.support import source_samples as samples


def test_html_file(tmp_path):
    path = tmp_path / "article.html"
    path.write_bytes(servers.PAGE_HTML)
    os.utime(path, (1694680000, 1694680000))

    evidence = read_evidence_file(path)

    assert evidence.sha256 == hashlib.sha256(servers.PAGE_HTML).hexdigest()
    assert evidence.size_bytes == len(servers.PAGE_HTML) and evidence.original_name == "article.html"
    assert evidence.modified_utc == datetime.fromtimestamp(1694680000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    document = evidence.document
    assert document.kind == "html" and document.title == "Il-62M RA-86496 flew Moscow to Pyongyang"
    assert document.published_utc == "2023-09-14T07:30:00Z" and "Vnukovo" in document.text


def test_html_fragment_named_html(tmp_path):
    path = tmp_path / "fragment.html"
    path.write_text("<div><p>Only a fragment about RA-86496.</p></div>", encoding="utf-8")
    assert read_evidence_file(path).document.kind == "html"


def test_pdf_text_and_metadata(tmp_path):
    path = samples.make_pdf(tmp_path / "report.pdf", ["Il-62M RA-86496 Moscow to Pyongyang",
                                                        "Landed at Sunan (FNJ) on 12 September 2023."],
                            title="Flight report", author="J. Analyst")
    document = read_evidence_file(path).document

    assert document.kind == "pdf" and document.media_type == "application/pdf"
    assert document.text == "Il-62M RA-86496 Moscow to Pyongyang\nLanded at Sunan (FNJ) on 12 September 2023."
    assert document.title == "Flight report" and document.author == "J. Analyst"
    assert document.metadata["pages"] == "1"
    assert document.metadata["pdf_creation_date_utc"] == "2023-09-14T07:30:00Z"


def test_image_exif(tmp_path):
    document = read_evidence_file(samples.make_jpeg_with_exif(tmp_path / "photo.jpg")).document

    assert document.kind == "image" and document.media_type == "image/jpeg"
    assert (document.camera_make, document.camera_model) == ("TestCam", "Model X")
    assert document.taken_local == "2023-09-12T18:45:10+09:00"
    assert document.taken_utc == "2023-09-12T09:45:10Z"
    assert document.geo.lat_deg == pytest.approx(39.2241, abs=1e-6)
    assert document.geo.lon_deg == pytest.approx(125.67, abs=1e-6)
    assert document.geo.alt_m == 35.0
    assert document.exif["DateTimeOriginal"] == "2023:09:12 18:45:10"
    assert document.exif["GPSLatitudeRef"] == "N" and document.exif["GPSAltitudeRef"] == "00"
    assert document.metadata["width_px"] == "64" and document.title == "Apron at Sunan"


def test_image_without_exif(tmp_path):
    from PIL import Image
    path = tmp_path / "plain.png"
    Image.new("L", (8, 8)).save(path)
    document = read_evidence_file(path).document
    assert document.kind == "image" and document.exif == {} and document.geo is None and document.taken_local is None


def test_plain_text_and_markdown(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("Sighting log\nRA-86496 at ZKPY.\n", encoding="utf-8")
    markdown = tmp_path / "notes.md"
    markdown.write_text("# Sunan arrivals\n\nSome text.\n", encoding="utf-8")

    assert read_evidence_file(text).document.kind == "text"
    assert read_evidence_file(text).document.title == "Sighting log"
    md = read_evidence_file(markdown).document
    assert md.kind == "markdown" and md.title == "Sunan arrivals" and md.media_type == "text/markdown"


def test_text_that_starts_like_a_magic_number(tmp_path):
    path = tmp_path / "sightings.txt"
    path.write_text("BMW convoy seen near the apron at 14:05.\n", encoding="utf-8")
    assert read_evidence_file(path).document.kind == "text"
    xhtml = tmp_path / "page.xhtml"
    xhtml.write_text('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title>X</title>'
                     "</head><body><p>x</p></body></html>", encoding="utf-8")
    assert sniff(xhtml) == ("html", None)


def test_markdown_is_recognised_by_content(tmp_path):
    path = tmp_path / "README"
    path.write_text("# Title\n\nSee [the log](log.txt).\n\n```\ncode\n```\n", encoding="utf-8")
    assert sniff(path) == ("markdown", None)


def test_legacy_encoded_text(tmp_path):
    path = tmp_path / "ru.txt"
    sentence = "Самолёт Ил-62М с бортовым номером RA-86496 вылетел из Москвы в Пхеньян. "
    path.write_bytes((sentence * 20).encode("cp1251"))
    document = read_evidence_file(path).document
    assert "Самолёт Ил-62М" in document.text and document.metadata["encoding"] in ("cp1251", "windows-1251")


def test_unknown_binary_is_kept_as_other(tmp_path):
    path = tmp_path / "video.bin"
    path.write_bytes(bytes(range(256)) * 64)
    evidence = read_evidence_file(path)
    assert evidence.document.kind == "other" and evidence.document.text == ""
    assert evidence.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


# ----------------------------------------------------------------------------- archives


def test_warc_pages_become_sources(tmp_path):
    path = samples.make_warc(tmp_path / "crawl.warc.gz")
    document = read_evidence_file(path).document

    assert document.kind == "warc" and document.warnings == []
    assert [p.url for p in document.pages] == ["https://news.example/sunan", "https://news.example/ru",
                                               "https://news.example/chunked", "https://news.example/saved.html"]
    sunan = document.pages[0]
    assert sunan.captured_utc == "2023-09-14T08:00:00Z" and sunan.status == 200
    assert record_at(path, sunan.record_offset).rec_headers.get_header("WARC-Target-URI") == sunan.url
    assert sunan.content.read_bytes() == samples.ARTICLE_HTML   # spooled to disk, not held
    assert sunan.content_sha256 == hashlib.sha256(samples.ARTICLE_HTML).hexdigest()
    assert sunan.document.title == "Sunan arrivals"
    assert sunan.document.published_utc == "2023-09-13T06:00:00Z"   # the page's own date...
    assert sunan.captured_utc != sunan.document.published_utc         # ...kept apart from capture time
    assert sunan.payload_digest.startswith("sha1:") and sunan.member == "crawl.warc.gz"
    assert document.pages[1].document.title == "Второй"
    assert document.pages[2].content.read_bytes() == samples.CHUNKED_PAGE           # de-chunked for viewing
    assert document.pages[3].status is None                           # a resource record
    offsets = [p.record_offset for p in document.pages]
    assert offsets == sorted(offsets) and len(set(offsets)) == 4


def record_at(path, offset):
    """The record that starts at ``offset``, read by warcio from there."""
    from warcio.archiveiterator import ArchiveIterator
    with open(path, "rb") as stream:
        stream.seek(offset)
        return next(iter(ArchiveIterator(stream)))


def test_uncompressed_warc(tmp_path):
    path = samples.make_warc(tmp_path / "crawl.warc", gzip_records=False)
    document = read_evidence_file(path).document
    assert len(document.pages) == 4 and document.warnings == []
    for page in document.pages:
        assert record_at(path, page.record_offset).rec_headers.get_header("WARC-Target-URI") == page.url


def test_captured_warc_reads_back_as_a_page(page_server, tmp_path):
    import requests
    with requests.Session() as session:
        result = capture_url(page_server.base_url + "/redirect/1", session=session,
                             settings=CaptureSettings(), work_dir=tmp_path)
    document = read_evidence_file(result.warc.path).document
    assert [p.url for p in document.pages] == [result.final_url]
    assert document.pages[0].content.read_bytes() == servers.PAGE_HTML and document.warnings == []


def test_wacz_pages(tmp_path):
    document = read_evidence_file(samples.make_wacz(tmp_path / "crawl.wacz")).document
    assert document.kind == "wacz" and len(document.pages) == 4
    assert {p.member for p in document.pages} == {"archive/data.warc.gz"}


def test_tampered_warc_payload_is_reported(tmp_path):
    path = samples.make_warc(tmp_path / "crawl.warc", gzip_records=False)
    data = path.read_bytes()
    path.write_bytes(data.replace(b"arrived at Sunan", b"arrived at Sinan"))
    document = read_evidence_file(path).document
    offset = document.pages[0].record_offset
    assert any(f"byte offset {offset} (https://news.example/sunan): digest does not match" in w
               for w in document.warnings)


def _record_offsets(path):
    return [p.record_offset for p in read_evidence_file(path).document.pages]


def test_warc_with_wrong_content_length(tmp_path):
    path = samples.make_warc(tmp_path / "crawl.warc", gzip_records=False)
    second = _record_offsets(path)[1]
    data = bytearray(path.read_bytes())
    header_end = data.index(b"Content-Length: ", second)
    line_end = data.index(b"\r\n", header_end)
    length = int(data[header_end + 16:line_end])
    data[header_end:line_end] = f"Content-Length: {length - 5}".encode()
    path.write_bytes(bytes(data))

    with pytest.raises(InputError) as caught:
        read_evidence_file(path)
    assert str(caught.value).startswith(f"{path}: bad WARC record at byte offset {second}")


def test_truncated_warc_gz(tmp_path):
    path = samples.make_warc(tmp_path / "crawl.warc.gz")
    offsets = _record_offsets(path)
    path.write_bytes(path.read_bytes()[:offsets[1] + 100])
    with pytest.raises(InputError) as caught:
        read_evidence_file(path)
    assert f"bad WARC record at byte offset {offsets[1]}" in str(caught.value) and str(path) in str(caught.value)


def test_warc_with_garbage_record(tmp_path):
    path = samples.make_warc(tmp_path / "crawl.warc", gzip_records=False)
    data = path.read_bytes()
    cut = _record_offsets(path)[1]
    path.write_bytes(data[:cut] + b"GARBAGE THAT IS NOT A RECORD\r\n\r\n" + data[cut:])
    with pytest.raises(InputError, match=f"bad WARC record at byte offset {cut}"):
        read_evidence_file(path)


def test_wacz_with_bad_warc_names_the_member(tmp_path):
    path = samples.make_wacz(tmp_path / "crawl.wacz")
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    inner = tmp_path / "inner.warc.gz"
    inner.write_bytes(members["archive/data.warc.gz"])
    cut = _record_offsets(inner)[1] + 100  # inside the second page's gzip member
    members["archive/data.warc.gz"] = members["archive/data.warc.gz"][:cut]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(InputError) as caught:
        read_evidence_file(path)
    assert f"{path}!archive/data.warc.gz: bad WARC record at byte offset" in str(caught.value)


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("name, content, words", [
    ("report.pdf", b"just some text, not a pdf", "the name says PDF but the content is not a readable PDF file"),
    ("photo.jpg", b"\x00\x01garbage" * 20, "the name says image but the content is not a readable image file"),
    ("crawl.warc.gz", gzip.compress(b"not a warc at all"), "the name says WARC but"),
    ("crawl.wacz", b"PK\x03\x04 broken zip", "the name says WACZ but"),
    ("page.html", b"\x00\x00\x00\x01binary", "the name says HTML but"),
])
def test_name_and_content_disagree(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_evidence_file(path)
    assert str(caught.value) == f"{path}: {words}" or str(caught.value).startswith(f"{path}: {words}")


def test_damaged_pdf(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage without xref or trailer")
    with pytest.raises(InputError) as caught:
        read_evidence_file(path)
    assert str(caught.value).startswith(f"{path}: not a readable PDF")


def test_truncated_image(tmp_path):
    good = samples.make_jpeg_with_exif(tmp_path / "good.jpg").read_bytes()
    path = tmp_path / "cut.jpg"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(InputError) as caught:
        read_evidence_file(path)
    assert str(caught.value).startswith(f"{path}: not a readable image")


def test_content_wins_over_a_wrong_name(tmp_path):
    path = samples.make_pdf(tmp_path / "scan.jpg", ["text"], title="t", author="a")
    document = read_evidence_file(path).document
    assert document.kind == "pdf" and "content is pdf" in document.warnings[0]


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="cannot be read"):
        read_evidence_file(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="not a regular file"):
        read_evidence_file(tmp_path)


def test_file_changing_while_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "growing.txt"
    path.write_text("first version", encoding="utf-8")
    real = files.read_document

    def read_and_append(p, **kwargs):
        document = real(p, **kwargs)
        with open(p, "a", encoding="utf-8") as stream:
            stream.write(" and more")
        return document

    monkeypatch.setattr(files, "read_document", read_and_append)
    with pytest.raises(InputError, match="changed while it was being read"):
        read_evidence_file(path)


def test_cancel_and_progress(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a line of text\n" * 300_000)
    seen = []
    read_evidence_file(path, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (path.stat().st_size, path.stat().st_size)
    with pytest.raises(Cancelled):
        read_evidence_file(path, cancelled=lambda: True)
