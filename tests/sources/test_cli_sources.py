"""The source commands run as a user runs them: ``python -m osintdesk ...`` in a real process."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pytest

from tests.support import servers
from tests.support import source_samples as samples


def run(*args):
    return subprocess.run([sys.executable, "-m", "osintdesk", *map(str, args)],
                          capture_output=True, text=True, env=dict(os.environ), timeout=120)


def ok(*args):
    result = run(*args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture
def case(tmp_path):
    ok("new", tmp_path / "c", "--title", "Il-62M")
    return tmp_path / "c.osintcase"


def test_capture_sources_search_export_and_verify(case, page_server, tmp_path):
    url = page_server.base_url + "/page.html"
    result = ok("capture", case, url)
    assert f"{url}: captured, new source" in result.stdout
    assert hashlib.sha256(servers.PAGE_HTML).hexdigest() in result.stdout

    [again] = json.loads(ok("capture", case, url, "--json").stdout)
    assert again["new_source"] is False and again["status"] == 200

    [source] = json.loads(ok("sources", case, "--json").stdout)
    assert source["url"] == url and len(source["captures"]) == 2
    capture = source["captures"][0]
    assert capture["body_sha256"] == hashlib.sha256(servers.PAGE_HTML).hexdigest()
    assert capture["warc_sha256"] and capture["examiner"] == "Test Examiner"
    listing = ok("sources", case).stdout
    assert "WARC" in listing and capture["body_sha256"] in listing

    hits = json.loads(ok("search", case, "RA-86496", "--json").stdout)
    assert hits[0]["source_uuid"] == source["uuid"]
    assert "RA-86496" in [hits[0]["snippet"][s:e] for s, e in hits[0]["highlights"]]
    assert "[RA-86496]" in ok("search", case, "RA-86496").stdout

    out = tmp_path / "body.html"
    ok("export-original", case, capture["body_sha256"], "-o", out)
    assert out.read_bytes() == servers.PAGE_HTML
    ok("diff", case, source["captures"][1]["uuid"][:8], capture["uuid"][:8])
    assert ok("verify", case).stdout.startswith("OK:")


def test_capture_options_and_errors(case, page_server, closed_port_url):
    url = page_server.base_url + "/page.html"
    [outcome] = json.loads(ok("capture", case, url, "--user-agent", "Investigator/1.0",
                              "--timeout", "5", "--max-size", "10M", "--json").stdout)
    assert outcome["status"] == 200
    sources = json.loads(ok("sources", case, "--json").stdout)
    assert sources[0]["captures"][0]["user_agent"] == "Investigator/1.0"

    before = json.loads(ok("info", case, "--json").stdout)["counts"]
    result = run("capture", case, closed_port_url)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"osintdesk: error: {closed_port_url}: the connection to "
        f"{closed_port_url.split('//')[1].rstrip('/')} was refused (nothing is listening there)"]
    result = run("capture", case, page_server.base_url + "/big", "--max-size", "1M")
    assert result.returncode == 2 and "limit" in result.stderr and "Traceback" not in result.stderr
    result = run("capture", case, url, "--proxy", "ftp://nope")
    assert result.returncode == 2 and "proxy" in result.stderr
    assert json.loads(ok("info", case, "--json").stdout)["counts"] == before


def test_add_file_note_tag_assess_and_selectors(case, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(samples.STORY_TEXT, encoding="utf-8")
    photo = samples.make_jpeg_with_exif(tmp_path / "apron.jpg")
    added = json.loads(ok("add-file", case, story, photo, "--json").stdout)
    assert [a["added"] for a in added] == [True, True]
    assert added[0]["sha256"] == hashlib.sha256(story.read_bytes()).hexdigest()
    again = json.loads(ok("add-file", case, story, "--json").stdout)
    assert again[0]["added"] is False and "already in the case" in again[0]["message"]

    source = added[0]["sources"][0]["uuid"]
    ok("note", case, source[:8], "Cross-check with ADS-B")
    ok("tag", case, "story.txt", "Il-62", "Sunan")
    assert "B2" in ok("assess", case, source, "--reliability", "B", "--credibility", "2").stdout
    [listed] = [s for s in json.loads(ok("sources", case, "--json").stdout) if s["uuid"] == source]
    assert listed["grading"] == "B2" and listed["tags"] == ["Il-62", "Sunan"]
    assert listed["notes"][0]["text"] == "Cross-check with ADS-B"

    result = json.loads(ok("selector", "add", case, r"RSD0\d\d", "--regex", "--json").stdout)
    assert result["hits"] == 2 and result["sources"] == 1
    listing = ok("selector", "list", case).stdout
    assert "RSD0" in listing and "regex" in listing
    assert json.loads(ok("search", case, "ADS-B", "--json").stdout)[0]["kind"] == "note"
    assert ok("verify", case).returncode == 0


def test_bad_file_is_named_and_nothing_added(case, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("fine")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    before = json.loads(ok("info", case, "--json").stdout)["counts"]
    result = run("add-file", case, good, bad)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert str(bad) in line and "not a readable PDF" in line
    assert json.loads(ok("info", case, "--json").stdout)["counts"] == before


@pytest.mark.parametrize("args,message", [
    (("note", "{case}", "nope", "text"), "no source"),
    (("search", "{case}", '""'), "nothing to search"),
    (("selector", "add", "{case}", "(", "--regex"), "not a valid regular expression"),
    (("assess", "{case}", "nope", "--reliability", "A"), "no source"),
])
def test_bad_arguments_give_one_line(case, args, message):
    result = run(*(a.format(case=case) for a in args))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_an_error_page_is_kept_but_said_to_be_one(case, page_server):
    result = ok("capture", case, page_server.base_url + "/404")
    assert "captured" in result.stdout
    assert "the server answered HTTP 404" in result.stderr
