"""WACZ export: a case with a web capture (from the test page server) and pages read from
added WARC files (one compressed record by record, one not), exported and proved twice:
by `wacz validate` (the wacz package) and by the stricter checks below, because `wacz
validate` passes a WACZ without an index or with its WARCs deflated: every WARC stored
uncompressed with the hash the datapackage gives, every index line's offset read with
warcio and its URL, date and payload digest compared with the record found there."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import requests

pytest.importorskip("wacz")

from warcio.archiveiterator import ArchiveIterator  # noqa: E402
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from osintdesk.errors import Cancelled, OsintdeskError  # noqa: E402
from osintdesk.exports import wacz as wacz_export  # noqa: E402
from osintdesk.exports.base import make_scope, run_export  # noqa: E402
from osintdesk.sources.queries import archived_captures, capture_text  # noqa: E402
from osintdesk.store import Case  # noqa: E402
from osintdesk.timefmt import parse_user_time, warc_timestamp  # noqa: E402

from tests.exports.case_fixtures import HOSTILE  # noqa: E402
from tests.support import servers  # noqa: E402
from tests.support.source_samples import write_sample_warc  # noqa: E402

HOSTILE_PAGE = ("<html><head><title>" + HOSTILE.replace("&", "&amp;").replace("<", "&lt;")
                + "</title></head><body><article><p>" + HOSTILE.replace("&", "&amp;")
                .replace("<", "&lt;") + " RA-86496 landed at Sunan.</p></article></body>"
                "</html>").encode("utf-8")


def _warc(path: Path, *, gzip_records: bool) -> Path:
    """The sources tests' sample WARC (pages dated 14-16 Sep 2023) and a hostile page."""
    with open(path, "wb") as stream:
        write_sample_warc(stream, gzip_records=gzip_records)
        writer = WARCWriter(stream, gzip=gzip_records, warc_version="1.1")
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                   protocol="HTTP/1.1")
        url = "https://news.example/hostile" + ("" if gzip_records else "-plain")
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(HOSTILE_PAGE), length=len(HOSTILE_PAGE),
            http_headers=headers, warc_headers_dict={"WARC-Date": "2023-09-17T09:00:00Z"}))
    return path


@pytest.fixture(scope="module")
def web_case_file(tmp_path_factory):
    from osintdesk.sources.acquire.web import CaptureSettings
    from osintdesk.sources.local_files import add_files
    from osintdesk.sources.web_capture import capture
    folder = tmp_path_factory.mktemp("wacz")
    server = servers.start(servers.PageServer())
    try:
        with Case.create(folder / "web", title=HOSTILE, examiner="Test Examiner") as case, \
                requests.Session() as session:
            [outcome] = capture(case, [server.base_url + "/page.html"], CaptureSettings(),
                                session)
            assert outcome.ok
            add_files(case, [_warc(folder / "sample.warc.gz", gzip_records=True),
                             _warc(folder / "plain.warc", gzip_records=False)])
            return case.path
    finally:
        servers.stop(server)


@pytest.fixture
def web_case(web_case_file):
    with Case.open(web_case_file, examiner="Test Examiner", readonly=True) as opened:
        yield opened


def wacz_validate(path: Path) -> subprocess.CompletedProcess:
    cli = Path(sys.executable).with_name("wacz")
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "wacz"]
    return subprocess.run(command + ["validate", "-f", str(path)], capture_output=True,
                          text=True)


def _payload_digest(payload: bytes, algorithm_and_value: str) -> str:
    algorithm, _ = algorithm_and_value.split(":", 1)
    raw = hashlib.new(algorithm, payload).digest()
    return f"{algorithm}:{base64.b32encode(raw).decode()}"


def strict_check(path: Path) -> dict:
    """What `wacz validate` does not check; the pages and the index lines, read back."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        package = json.loads(archive.read("datapackage.json"))
        digest = json.loads(archive.read("datapackage-digest.json"))
        assert digest["hash"] == "sha256:" + hashlib.sha256(
            archive.read("datapackage.json")).hexdigest()
        listed = {r["path"]: r for r in package["resources"]}
        assert set(listed) == set(names) - {"datapackage.json", "datapackage-digest.json"}
        for name, resource in listed.items():
            data = archive.read(name)
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            assert resource["bytes"] == len(data)
        warcs = [n for n in names if n.startswith("archive/")]
        assert warcs and all(n.endswith((".warc", ".warc.gz")) for n in warcs)
        for name in warcs:   # stored, so a reader can seek: the spec requires it
            assert archive.getinfo(name).compress_type == zipfile.ZIP_STORED
        assert "indexes/index.cdxj" in names
        lines = archive.read("indexes/index.cdxj").decode("utf-8").splitlines()
        assert lines and lines == sorted(lines)
        indexed = []
        for line in lines:
            key, timestamp, fields = line.split(" ", 2)
            fields = json.loads(fields)
            data = archive.read(f"archive/{fields['filename']}")
            offset, length = int(fields["offset"]), int(fields["length"])
            record = next(iter(ArchiveIterator(io.BytesIO(data[offset:offset + length]))))
            assert record.rec_headers.get_header("WARC-Target-URI") == fields["url"]
            assert warc_timestamp(record.rec_headers.get_header("WARC-Date")) == timestamp
            assert key == wacz_export.surt_key(fields["url"])
            payload = record.raw_stream.read()   # the digest is of the payload as sent
            stated = record.rec_headers.get_header("WARC-Payload-Digest")
            assert fields.get("digest") == stated
            if stated:
                assert _payload_digest(payload, stated) == stated
            indexed.append(fields["url"])
        pages = [json.loads(line) for line in
                 archive.read("pages/pages.jsonl").decode("utf-8").splitlines()]
        assert pages[0]["format"] == "json-pages-1.0"
        for page in pages[1:]:
            assert page["url"] in indexed, f"a page with no index line: {page['url']}"
    return {"package": package, "pages": pages[1:], "urls": indexed, "warcs": warcs}


def _export(case, out, **scope):
    result = run_export(case, wacz_export.FORMAT, out, make_scope(case, **scope))
    check = wacz_validate(out)
    assert check.returncode == 0, check.stdout + check.stderr
    return result, strict_check(out)


def test_every_capture_with_a_warc_is_exported_and_proved(web_case, tmp_path):
    result, found = _export(web_case, tmp_path / "case.wacz")
    captures = archived_captures(web_case)
    assert result.counts["captures"] == len(captures) == len(found["pages"])
    assert result.counts["warc files"] == 3        # the web capture's and the two added
    # each WARC is the evidence byte for byte: its name and hash are the stored artifact's
    stored = {c["warc_sha256"] for c in captures}
    listed = {r["hash"].split(":")[1] for r in found["package"]["resources"]
              if r["path"].startswith("archive/")}
    assert listed == stored
    assert any(w.endswith(".warc") for w in found["warcs"])       # the uncompressed one
    assert found["package"]["title"] == HOSTILE
    assert found["package"]["osintdesk"]["case_uuid"] == web_case.uuid
    by_id = {p["id"]: p for p in found["pages"]}
    for capture in captures:
        page = by_id[capture["uuid"]]
        assert page["title"] == (capture["title"] or page["url"])
        assert page["text"] == capture_text(web_case, capture["uuid"])
    [hostile] = [p for p in found["pages"] if p["url"] == "https://news.example/hostile"]
    assert "שלום" in hostile["text"] and "<b>bold<b> & co" in hostile["text"]
    assert "https://news.example/logo.png" in found["urls"]   # what the pages need, too


def test_a_tag_or_a_date_range_exports_exactly_its_captures(tmp_path, web_case_file):
    import shutil
    from osintdesk.sources.annotations import add_tag
    path = tmp_path / "tagged.osintcase"
    shutil.copyfile(web_case_file, path)
    with Case.open(path, examiner="Test Examiner") as case:
        [web] = [c for c in archived_captures(case) if c["method"] == "web"]
        add_tag(case, web["source_uuid"], "exhibit")
        _result, found = _export(case, tmp_path / "tag.wacz", tag="exhibit")
        assert [p["id"] for p in found["pages"]] == [web["uuid"]]
        assert found["package"]["resources"][0]["hash"] == f"sha256:{web['warc_sha256']}"
        assert len(found["warcs"]) == 1

        day = parse_user_time("2023-09-15", "--from")
        _result, found = _export(case, tmp_path / "day.wacz", t_from=day, t_to=day + 86399)
        # the page of each added WARC, captured that day, and the web page published on
        # 14 Sep and captured since: a source spans its publication to its last capture
        assert {p["url"].split("/", 3)[-1] for p in found["pages"]} == {"ru", "page.html"}
        assert len(found["pages"]) == 3

        with pytest.raises(OsintdeskError, match="nothing to export as WACZ"):
            run_export(case, wacz_export.FORMAT, tmp_path / "none.wacz",
                       make_scope(case, t_from=parse_user_time("2001-01-01", "--from"),
                                  t_to=parse_user_time("2001-01-02", "--to")))
    assert not (tmp_path / "none.wacz").exists()


def test_our_checks_catch_what_wacz_validate_lets_through(web_case, tmp_path):
    _export(web_case, tmp_path / "good.wacz")
    with zipfile.ZipFile(tmp_path / "good.wacz") as good:
        members = {n: good.read(n) for n in good.namelist()}
    # the WARCs deflated: `wacz validate` still passes, the strict check does not
    with zipfile.ZipFile(tmp_path / "deflated.wacz", "w", zipfile.ZIP_DEFLATED) as bad:
        for name, data in members.items():
            bad.writestr(name, data)
    assert wacz_validate(tmp_path / "deflated.wacz").returncode == 0
    with pytest.raises(AssertionError):
        strict_check(tmp_path / "deflated.wacz")
    # an index line pointing at the wrong offset
    lines = members["indexes/index.cdxj"].decode().splitlines()
    key, ts, fields = lines[0].split(" ", 2)
    fields = json.loads(fields)
    fields["offset"] = str(int(fields["offset"]) + 1)
    members["indexes/index.cdxj"] = "\n".join([f"{key} {ts} {json.dumps(fields)}",
                                               *lines[1:]]).encode() + b"\n"
    with zipfile.ZipFile(tmp_path / "shifted.wacz", "w") as bad:
        for name, data in members.items():
            bad.writestr(name, data)
    with pytest.raises(Exception):
        strict_check(tmp_path / "shifted.wacz")


def test_cancelling_leaves_no_file(web_case, tmp_path):
    with pytest.raises(Cancelled):
        run_export(web_case, wacz_export.FORMAT, tmp_path / "c.wacz", make_scope(web_case),
                   cancelled=lambda: True)
    assert list(tmp_path.iterdir()) == []


def test_url_keys():
    assert wacz_export.surt_key("https://www.Example.org:443/a/B?z=1&a=2#frag") == \
        "org,example)/a/b?a=2&z=1"
    assert wacz_export.surt_key("http://127.0.0.1:8080/page.html") == "1,0,0,127:8080)/page.html"
