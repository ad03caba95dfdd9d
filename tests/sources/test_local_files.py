"""Local files as sources in a real case: each kind read, pages in archives as sources, the same
file twice, and bad files named with the case left unchanged."""

from __future__ import annotations

import hashlib

import pytest

from osintdesk.errors import InputError, ReadOnlyCaseError
from osintdesk.sources.local_files import add_files
from osintdesk.sources.queries import capture_text, captures_of, get_capture, list_sources, resource_for_url
from osintdesk.store import Case, verify_case

from tests.support import servers
from tests.support import source_samples as samples
from tests.support.source_server import case_state


def test_html_file(case, tmp_path):
    path = tmp_path / "article.html"
    path.write_bytes(servers.PAGE_HTML)
    [outcome] = add_files(case, [path])
    assert outcome.added and outcome.kind == "html" and outcome.message == "added"
    assert outcome.sha256 == hashlib.sha256(servers.PAGE_HTML).hexdigest()
    [source] = outcome.sources
    assert source["new_source"] and source["identifiers"] > 5
    evidence = case.get_record("evidence", outcome.evidence)
    assert evidence["original_name"] == "article.html" and evidence["kind"] == "html"
    row = get_capture(case, source["capture"])
    assert row["method"] == "file" and row["body_sha256"] == outcome.sha256
    assert row["published_date"] == "2023-09-14" and row["original_name"] == "article.html"
    assert "Vnukovo" in capture_text(case, source["capture"])
    assert verify_case(case).ok


def test_pdf_image_text_and_markdown(case, tmp_path):
    pdf = samples.make_pdf(tmp_path / "report.pdf", ["Il-62M RA-86496 landed at Sunan airport",
                                                     "on 12 September 2023."],
                           title="Flight report", author="A. Analyst")
    photo = samples.make_jpeg_with_exif(tmp_path / "apron.jpg")
    text = tmp_path / "story.txt"
    text.write_text(samples.STORY_TEXT, encoding="utf-8")
    markdown = tmp_path / "notes.md"
    markdown.write_text("# Sunan watch\n\n- [ ] check RA-86496 flights\n- [x] [source](https://x)\n",
                        encoding="utf-8")
    outcomes = add_files(case, [pdf, photo, text, markdown])
    assert [o.kind for o in outcomes] == ["pdf", "image", "text", "markdown"]
    assert all(o.added for o in outcomes)

    pdf_row = get_capture(case, outcomes[0].sources[0]["capture"])
    assert pdf_row["title"] == "Flight report" and pdf_row["author"] == "A. Analyst"
    assert "RA-86496" in capture_text(case, pdf_row["uuid"])

    image = get_capture(case, outcomes[1].sources[0]["capture"])
    # EXIF kept as data: time taken (camera clock and UTC), camera, GPS position.
    assert image["taken_utc"] == "2023-09-12T09:45:10Z"
    assert image["camera"] == "TestCam Model X"
    assert image["geo_lat"] == pytest.approx(39.22410, abs=1e-4)
    assert image["geo_lon"] == pytest.approx(125.67, abs=1e-4)
    assert image["geo_alt_m"] == 35.0
    assert image["metadata"]["exif"]["Make"] == "TestCam"

    story = outcomes[2].sources[0]
    assert story["identifiers"] >= 10
    assert get_capture(case, outcomes[3].sources[0]["capture"])["title"] == "Sunan watch"
    assert len(list_sources(case)) == 4
    assert verify_case(case).ok


def test_warc_pages_become_sources_beside_live_captures(case, tmp_path):
    warc = samples.make_warc(tmp_path / "sample.warc.gz")
    [outcome] = add_files(case, [warc])
    assert outcome.kind == "warc" and outcome.added
    urls = sorted(s["name"] for s in outcome.sources)
    assert urls == ["https://news.example/chunked", "https://news.example/ru",
                    "https://news.example/saved.html", "https://news.example/sunan"]
    sunan = next(s for s in outcome.sources if s["name"] == "https://news.example/sunan")
    row = get_capture(case, sunan["capture"])
    assert row["method"] == "archive" and row["captured_utc"].startswith("2023-09-14T08:00:00")
    assert row["warc_sha256"] == outcome.sha256 and row["record_offset"] is not None
    assert row["published_utc"] == "2023-09-13T06:00:00Z"
    assert case.read_artifact(row["body_sha256"]) == samples.ARTICLE_HTML

    # The same pages inside a WACZ are further captures of the same sources.
    [wacz] = add_files(case, [samples.make_wacz(tmp_path / "sample.wacz")])
    assert wacz.added and not any(s["new_source"] for s in wacz.sources)
    assert len(captures_of(case, sunan["uuid"])) == 2
    assert len(list_sources(case)) == 4
    assert verify_case(case).ok


def test_same_file_again_adds_nothing_and_says_so(case, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(samples.STORY_TEXT, encoding="utf-8")
    [first] = add_files(case, [path])
    before = case_state(case)
    copy = tmp_path / "copy-of-story.txt"
    copy.write_bytes(path.read_bytes())
    [again] = add_files(case, [copy])
    assert not again.added and "already in the case" in again.message
    assert again.sources[0]["uuid"] == first.sources[0]["uuid"]
    assert case_state(case) == before


def test_a_file_of_unknown_type_is_kept_without_text(case, tmp_path):
    path = tmp_path / "blob.bin"
    path.write_bytes(bytes(range(256)) * 10)
    [outcome] = add_files(case, [path])
    assert outcome.added and outcome.kind == "other" and outcome.warnings
    assert get_capture(case, outcome.sources[0]["capture"])["text_uuid"] is None


def _broken_warc(path):
    samples.make_warc(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


BAD_FILES = [
    ("broken.pdf", lambda p: p.write_bytes(b"%PDF-1.4\n1 0 obj garbage"), "not a readable PDF"),
    ("fake.pdf", lambda p: p.write_text("just text"), "name says PDF"),
    ("truncated.jpg", lambda p: p.write_bytes(samples.make_jpeg_with_exif(p).read_bytes()[:200]),
     "not a readable image"),
    ("damaged.warc.gz", _broken_warc, "bad WARC record"),
    ("missing.html", lambda p: None, "no such file"),
]


@pytest.mark.parametrize("name,make,message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_named_and_nothing_is_added(case, tmp_path, name, make, message):
    good = tmp_path / "good.html"
    good.write_bytes(servers.PAGE_HTML)
    bad = tmp_path / name
    make(bad)
    before = case_state(case)
    with pytest.raises(InputError) as error:
        add_files(case, [good, bad])   # the good file first: it must not stay behind
    assert str(bad) in str(error.value) and message in str(error.value)
    assert case_state(case) == before
    assert verify_case(case).ok


def test_a_file_that_changes_after_it_was_read_is_refused(case, tmp_path, monkeypatch):
    from osintdesk.sources import local_files
    path = tmp_path / "story.txt"
    path.write_text(samples.STORY_TEXT)
    real_read = local_files.read_evidence_file

    def read_then_change(*args, **kwargs):
        read = real_read(*args, **kwargs)
        path.write_text(samples.STORY_TEXT.replace("RA-86496", "RA-86499"))   # same size
        return read
    monkeypatch.setattr(local_files, "read_evidence_file", read_then_change)
    before = case_state(case)
    with pytest.raises(InputError, match="story.txt: the file changed while it was being added; "
                                         "nothing was added"):
        add_files(case, [path])
    assert case_state(case) == before


def test_read_only_case_refuses(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(samples.STORY_TEXT)
    with Case.create(tmp_path / "c", title="T", examiner="A"):
        pass
    with Case.open(tmp_path / "c.osintcase", examiner="A", readonly=True) as case:
        with pytest.raises(ReadOnlyCaseError):
            add_files(case, [path])


def test_progress_is_reported(case, tmp_path):
    paths = []
    for i in range(3):
        path = tmp_path / f"n{i}.txt"
        path.write_text(f"note {i} about RA-86496 flights")
        paths.append(path)
    seen = []
    add_files(case, paths, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (3000, 3000)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_warc_images_and_stylesheets_kept_for_the_offline_view(case, tmp_path):
    warc = samples.make_warc_with_resources(tmp_path / "gallery.warc.gz")
    [outcome] = add_files(case, [warc])
    assert outcome.added and outcome.resources == 2 and "2 resources kept" in outcome.message
    rows = {r["url"]: r for r in case.db.query("SELECT * FROM archive_resources")}
    assert set(rows) == {samples.RESOURCE_IMAGE_URL, samples.RESOURCE_CSS_URL}
    image = rows[samples.RESOURCE_IMAGE_URL]
    assert image["media_type"] == "image/png" and image["evidence_uuid"] == outcome.evidence
    assert image["status"] == 200 and image["captured_utc"].startswith("2023-09-14T08:00:00")
    assert case.read_artifact(image["sha256"]) == samples.make_png()
    assert case.read_artifact(rows[samples.RESOURCE_CSS_URL]["sha256"]) == samples.RESOURCE_CSS
    assert image["uuid"] and image["created_utc"] and image["examiner"]
    audited = case.conn.execute("SELECT count(*) FROM audit_log WHERE object_type = "
                                "'archive-resource'").fetchone()[0]
    assert audited == 2
    assert resource_for_url(case, samples.RESOURCE_IMAGE_URL)[1] == "image/png"
    assert resource_for_url(case, "https://elsewhere.example/not-recorded.png") is None
    assert verify_case(case).ok
    # The same file again adds nothing; a WACZ holding the sample WARC keeps its (fake) PNG.
    [again] = add_files(case, [warc])
    assert not again.added and case.db.execute(
        "SELECT count(*) FROM archive_resources").fetchone()[0] == 2
    [wacz] = add_files(case, [samples.make_wacz(tmp_path / "sample.wacz")])
    [logo] = case.db.query("SELECT * FROM archive_resources WHERE evidence_uuid = ?",
                           [wacz.evidence])
    assert logo["url"] == "https://news.example/logo.png"
    assert logo["archive_member"] == "archive/data.warc.gz"
    assert verify_case(case).ok


def test_resources_are_all_or_nothing_and_written_once(case, tmp_path):
    warc = samples.make_warc_with_resources(tmp_path / "gallery.warc.gz")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    before = case_state(case)
    with pytest.raises(InputError):
        add_files(case, [warc, bad])
    assert case_state(case) == before
    assert case.db.execute("SELECT count(*) FROM archive_resources").fetchone()[0] == 0
    add_files(case, [warc])
    with pytest.raises(Exception, match="write-once"):
        case.conn.execute("UPDATE archive_resources SET url = 'x'")
    with pytest.raises(Exception, match="write-once"):
        case.conn.execute("DELETE FROM archive_resources")


def test_oversized_resource_is_skipped_with_a_warning(case, tmp_path, monkeypatch):
    from osintdesk.sources.acquire.readers import warc

    monkeypatch.setattr(warc, "MAX_RESOURCE_BYTES", 100)
    warc = samples.make_warc_with_resources(tmp_path / "gallery.warc.gz")
    [outcome] = add_files(case, [warc])
    assert outcome.resources == 1     # the 49-byte stylesheet; the PNG is larger than 100
    assert any("larger than 100 bytes" in w and samples.RESOURCE_IMAGE_URL in w
               for w in outcome.warnings)
    assert [r["url"] for r in case.db.query("SELECT url FROM archive_resources")] == [
        samples.RESOURCE_CSS_URL]
    assert verify_case(case).ok
