"""``osintdesk evidence`` lists every artifact (web captures too) and saves a checked copy;
``note``/``tag --on`` and ``notes`` annotate flights, aircraft and evidence files. Run as a
user runs them, in a real process, against a real page server."""

from __future__ import annotations

import hashlib
import json

from tests.sources.test_cli_sources import case, ok, run  # noqa: F401
from tests.support import flight_samples, servers


def test_evidence_lists_a_web_capture_and_saves_a_checked_copy(case, page_server, tmp_path):  # noqa: F811
    url = page_server.base_url + "/page.html"
    ok("capture", case, url)
    rows = json.loads(ok("evidence", case, "--json").stdout)
    body = hashlib.sha256(servers.PAGE_HTML).hexdigest()
    [page] = [r for r in rows if r["sha256"] == body]
    assert page["kind"] == "web capture body" and page["size"] == len(servers.PAGE_HTML)
    assert page["belongs_to"].startswith("source: ") and page["name"] == url
    [warc] = [r for r in rows if r["kind"] == "WARC of a web capture"]
    assert warc["owner_uuid"] == page["owner_uuid"]
    assert "web capture body" in ok("evidence", case).stdout

    dest = tmp_path / "copy.html"
    saved = json.loads(ok("evidence", case, "--copy", body[:12], "--to", dest, "--json").stdout)
    assert saved["matches"] and saved["written_sha256"] == body
    assert dest.read_bytes() == servers.PAGE_HTML
    again = run("evidence", case, "--copy", body, "--to", dest)
    assert again.returncode == 2 and "not overwritten" in again.stderr
    log = json.loads(ok("log", case, "--json").stdout)
    assert any(e["action"] == "export" and e["object_id"] == body for e in log)


def test_notes_and_tags_on_a_flight_an_aircraft_and_an_evidence_file(case, tmp_path):  # noqa: F811
    points = flight_samples.synthetic_flight("UUWW", "ZKPY", hex="f0a003")
    trace = flight_samples.write_readsb_trace(tmp_path / "trace_full_f0a003.json", points,
                                              hex="f0a003", registration="XX-ABC")
    ok("import-flights", case, trace)
    [flight] = json.loads(ok("flights", case, "--json").stdout)
    note = json.loads(ok("note", case, flight["uuid"][:8], "Left with the transponder on",
                         "--on", "flight", "--json").stdout)
    assert note["object_kind"] == "flight" and note["object_uuid"] == flight["uuid"]
    ok("tag", case, "XX-ABC", "watched", "vip", "--on", "aircraft")
    ok("tag", case, "XX-ABC", "vip", "--on", "aircraft", "--remove")
    ok("note", case, trace.name, "as sent by the tracker", "--on", "evidence")

    shown = json.loads(ok("notes", case, "flight", flight["uuid"], "--json").stdout)
    assert [n["text"] for n in shown["notes"]] == ["Left with the transponder on"]
    assert json.loads(ok("notes", case, "aircraft", "XX-ABC", "--json").stdout)["tags"] == ["watched"]
    assert "as sent by the tracker" in ok("notes", case, "evidence", trace.name).stdout
    bad = run("note", case, "ffffffff", "text", "--on", "flight")
    assert bad.returncode == 2 and "no flight" in bad.stderr
    assert json.loads(ok("verify", case, "--json").stdout)["ok"]


def test_selector_hits_show_their_passage_and_agree_with_search(case, tmp_path):  # noqa: F811
    article = tmp_path / "arrivals.txt"
    article.write_text("Arrivals\nAn IL-62M landed at Sunan this morning.\n", encoding="utf-8")
    ok("add-file", case, article)
    ok("selector", "add", case, "Il-62")
    [hit] = json.loads(ok("selector", "hits", case, "Il-62", "--json").stdout)
    start, end = hit["highlights"][0]
    assert hit["snippet"][start:end] == "IL-62M" and "landed at Sunan" in hit["snippet"]
    assert "[IL-62M] landed at Sunan" in ok("selector", "hits", case, "Il-62").stdout
    [found] = json.loads(ok("search", case, "Il-62", "--json").stdout)
    assert found["source_uuid"] == hit["source_uuid"]


def _counting_ids(start: str):
    """Record ids that all begin with ``start`` (4 hex): two evidence files then share it."""
    count = iter(range(1, 1 << 16))
    return lambda: f"{start}{next(count):04x}-0000-4000-8000-000000000000"


def _two_evidence_files(case, tmp_path):  # noqa: F811
    from osintdesk.sources.local_files import add_files
    from osintdesk.store import Case
    first, second = tmp_path / "first-note.txt", tmp_path / "second-note.txt"
    first.write_text("First analyst note on XX-ABC.\n", encoding="utf-8")
    second.write_text("Second analyst note, about RA-00001.\n", encoding="utf-8")
    with Case.open(case, examiner="Test Examiner", ids=_counting_ids("abcd")) as opened:
        add_files(opened, [first, second])
    rows = json.loads(ok("evidence", case, "--json").stdout)
    return [next(r for r in rows if r["original_name"] == p.name) for p in (first, second)]


def test_one_resolver_names_evidence_for_copy_note_and_tag(case, tmp_path):  # noqa: F811
    files = _two_evidence_files(case, tmp_path)
    for number, row in enumerate(files):
        refs = {"SHA-256": row["sha256"], "hash start": row["sha256"][:10],
                "evidence id": row["evidence_uuid"], "id start": row["evidence_uuid"][:8],
                "file name": row["original_name"]}
        for kind, ref in refs.items():
            dest = tmp_path / f"copy-{number}-{kind.replace(' ', '-')}.txt"
            copied = json.loads(ok("evidence", case, "--copy", ref, "--to", dest, "--json").stdout)
            assert copied["sha256"] == row["sha256"] and copied["matches"], kind
            note = json.loads(ok("note", case, ref, f"named by its {kind}", "--on", "evidence",
                                 "--json").stdout)
            assert note["object_uuid"] == row["evidence_uuid"], kind
            assert ok("tag", case, ref, f"by-{kind.replace(' ', '-')}", "--on", "evidence"
                      ).stdout.strip().endswith("added"), kind
        shown = json.loads(ok("notes", case, "evidence", row["original_name"], "--json").stdout)
        assert [n["text"] for n in shown["notes"]] == [f"named by its {k}" for k in refs]
        assert len(shown["tags"]) == len(refs)


def test_an_ambiguous_start_lists_the_candidates(case, tmp_path):  # noqa: F811
    files = _two_evidence_files(case, tmp_path)
    assert all(r["evidence_uuid"].startswith("abcd") for r in files)
    before = json.loads(ok("info", case, "--json").stdout)["counts"]
    for args in (["evidence", case, "--copy", "abcd", "--to", tmp_path / "x.txt"],
                 ["note", case, "abcd", "which one?", "--on", "evidence"],
                 ["tag", case, "abcd", "which", "--on", "evidence"]):
        result = run(*args)
        assert result.returncode == 2, result.stdout + result.stderr
        [line] = result.stderr.strip().splitlines()
        assert line.startswith("osintdesk: error: evidence abcd: 2 ") and "give more of it" in line
        assert all(r["evidence_uuid"][:8] in line and r["original_name"] in line for r in files)
    assert not (tmp_path / "x.txt").exists()
    assert json.loads(ok("info", case, "--json").stdout)["counts"] == before


def test_a_web_capture_body_is_copied_but_is_not_an_evidence_file_to_annotate(case, page_server):  # noqa: F811
    ok("capture", case, page_server.base_url + "/page.html")
    body = hashlib.sha256(servers.PAGE_HTML).hexdigest()
    result = run("note", case, body, "a note", "--on", "evidence")
    assert result.returncode == 2
    assert result.stderr.strip() == (f"osintdesk: error: evidence {body}: no evidence file has "
                                     "this hash, id or name")
