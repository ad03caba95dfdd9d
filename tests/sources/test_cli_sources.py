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


def test_capture_names_every_redirect_and_the_server_ip(case, page_server):
    base = page_server.base_url
    chain = [base + "/redirect/3", base + "/redirect/2", base + "/redirect/1",
             base + "/redirect/0", base + "/page.html"]
    result = ok("capture", case, chain[0])
    assert f"  Redirected: {' → '.join(chain)}" in result.stdout.splitlines()
    assert "  server IP 127.0.0.1" in result.stdout.splitlines()
    [redirected, closing] = json.loads(ok("capture", case, chain[0], base + "/close.html",
                                          "--json").stdout)
    assert redirected["redirect_chain"] == chain and redirected["server_ip"] == "127.0.0.1"
    # A server that hangs up after answering still shows where the page came from.
    assert closing["redirect_chain"] == [] and closing["server_ip"] == "127.0.0.1"
    assert "Redirected" not in ok("capture", case, base + "/page.html").stdout


def test_sources_listing_shows_each_capture_s_publication_date(case, page_server):
    ok("capture", case, page_server.base_url + "/page.html", page_server.base_url + "/nodate.html")
    lines = [line for line in ok("sources", case).stdout.splitlines() if " capture " in line]
    assert len(lines) == 2
    dated = next(line for line in lines if "published 2023-09-14" in line)
    undated = next(line for line in lines if "published not stated" in line)
    assert dated.index(" web HTTP 200 ") == undated.index(" web HTTP 200 ")   # one column


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


def test_an_error_page_is_refused_unless_asked_then_kept_and_said_to_be_one(case, page_server):
    url = page_server.base_url + "/404"
    before = ok("sources", case, "--json", "--retired").stdout
    refused = run("capture", case, url)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "HTTP 404" in refused.stderr and "--keep-error" in refused.stderr
    assert ok("sources", case, "--json", "--retired").stdout == before == "[]\n"
    [outcome] = json.loads(run("capture", case, url, "--json").stdout)
    assert outcome["not_kept"] and outcome["status"] == 404 and outcome["capture_uuid"] is None

    result = ok("capture", case, url, "--keep-error")
    assert "captured" in result.stdout
    assert "the server answered HTTP 404" in result.stderr
    assert len(json.loads(ok("sources", case, "--json").stdout)) == 1


def test_retire_hides_a_source_until_asked_and_unretire_brings_it_back(case, page_server):
    ok("capture", case, page_server.base_url + "/page.html")
    ok("capture", case, page_server.base_url + "/404", "--keep-error")
    [gone] = [s for s in json.loads(ok("sources", case, "--json").stdout) if s["status"] == 404]
    record = json.loads(ok("retire", case, gone["uuid"][:8], "--reason", "mistyped URL",
                           "--json").stdout)
    assert record["source_uuid"] == gone["uuid"] and record["reason"] == "mistyped URL"

    listed = json.loads(ok("sources", case, "--json").stdout)
    assert [s["uuid"] for s in listed] != [] and gone["uuid"] not in [s["uuid"] for s in listed]
    everything = json.loads(ok("sources", case, "--json", "--retired").stdout)
    [shown] = [s for s in everything if s["uuid"] == gone["uuid"]]
    assert shown["retired_reason"] == "mistyped URL" and shown["retired_utc"]
    assert shown["captures"] == gone["captures"]          # the evidence is untouched
    assert "RETIRED" in ok("sources", case, "--retired").stdout
    assert "RETIRED" not in ok("sources", case).stdout
    assert json.loads(ok("search", case, "here", "--json").stdout) == []
    assert [h["source_uuid"] for h in json.loads(
        ok("search", case, "here", "--json", "--retired").stdout)] == [gone["uuid"]]

    again = run("retire", case, gone["uuid"])
    assert again.returncode == 2 and "retired already" in again.stderr
    ok("unretire", case, gone["uuid"], "--reason", "needed after all")
    assert gone["uuid"] in [s["uuid"] for s in json.loads(ok("sources", case, "--json").stdout)]
    assert run("unretire", case, gone["uuid"]).returncode == 2
    audit = json.loads(ok("log", case, "--json").stdout)
    kinds = [(e["action"], e["object_type"]) for e in audit if e["object_type"] == "retirement"]
    assert kinds == [("retire", "retirement"), ("delete", "retirement")]
    assert json.loads(ok("verify", case, "--json").stdout)["ok"]
