"""The chain of custody still holds with sources: verify passes after everything, catches a change
made behind the app's back, checks the (derived) search index against the records, and older
cases are upgraded."""

from __future__ import annotations

import sqlite3

import pytest

from osintdesk.sources.acquire.web import CaptureSettings
from osintdesk.sources.local_files import add_files
from osintdesk.sources.annotations import add_note, add_tag, set_assessment
from osintdesk.sources.selectors import add_selector
from osintdesk.sources.web_capture import capture
from osintdesk.sources.search import search
from osintdesk.store import Case, verify_case
from osintdesk.store import case as case_module
from osintdesk.store import migrations

from tests.support import servers
from tests.support import source_samples as samples


@pytest.fixture
def busy(case, page_server, session, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(samples.STORY_TEXT, encoding="utf-8")
    add_selector(case, "Sunan")
    capture(case, [page_server.base_url + "/page.html", page_server.base_url + "/gzip"],
            CaptureSettings(), session)
    [outcome] = add_files(case, [story, samples.make_warc(tmp_path / "s.warc.gz")])[:1]
    source = outcome.sources[0]["uuid"]
    add_note(case, source, "note")
    add_tag(case, source, "tag")
    set_assessment(case, source, "C", 3)
    return case


def test_verify_passes_after_everything(busy):
    report = verify_case(busy)
    assert report.ok, [str(f) for f in report.failures]
    assert report.checked["records"] > 50


@pytest.mark.parametrize("sql,what", [
    ("UPDATE identifier_hits SET value = 'RA-00000' WHERE kind = 'registration'", "identifiers"),
    ("DELETE FROM identifier_hits WHERE kind = 'registration'", "identifiers"),
    ("INSERT INTO identifier_hits SELECT 'planted-' || uuid, capture_uuid, source_uuid, field, "
     "kind, value, match_key, start_offset + 1, end_offset + 1, text, details, created_utc, "
     "examiner FROM identifier_hits LIMIT 1", "identifiers"),
    ("UPDATE sources SET reliability = 'A'", "source"),
    ("DELETE FROM source_notes", "note"),
    ("UPDATE selector_hits SET text = 'x'", "selector-hit"),
    ("UPDATE derived SET content = X'00'", "derived"),
])
def test_changes_behind_the_apps_back_are_caught(busy, sql, what):
    busy.conn.execute(sql)
    busy.conn.commit()
    report = verify_case(busy)
    assert not report.ok
    assert any(f.object.startswith(what + " ") for f in report.failures), report.failures


def test_captures_cannot_be_changed_at_all(busy):
    with pytest.raises(sqlite3.IntegrityError, match="write-once"):
        busy.conn.execute("UPDATE captures SET status = 500")
    with pytest.raises(sqlite3.IntegrityError, match="write-once"):
        busy.conn.execute("DELETE FROM captures")


def full_verify(case):
    from osintdesk.verification import verify_case as verify_everything
    return verify_everything(case)


def test_the_search_index_is_derived_and_checked_against_the_records(busy):
    report = full_verify(busy)
    assert report.ok, [str(f) for f in report.failures]
    assert report.checked["search_rows"] == busy.conn.execute(
        "SELECT count(*) FROM search_rows").fetchone()[0] > 3


def test_an_emptied_search_index_is_reported_and_a_rebuild_puts_it_right(busy):
    busy.conn.execute("DELETE FROM source_search")
    busy.conn.commit()
    report = full_verify(busy)
    assert not report.ok
    assert {f.check for f in report.failures} == {"search"}
    assert any("its text is missing from the search index" in f.problem for f in report.failures)
    from osintdesk.sources.search import rebuild_index
    rebuild_index(busy)
    assert search(busy, "Vnukovo")
    assert full_verify(busy).ok


def _capture_row(case, word):
    return case.conn.execute(
        "SELECT r.rowid, r.object_uuid, s.body FROM search_rows r JOIN source_search s "
        "ON s.rowid = r.rowid WHERE r.kind = 'capture' AND s.body LIKE ?",
        (f"%{word}%",)).fetchone()


def test_edited_text_in_the_search_index_is_named(busy):
    rowid, capture, _ = _capture_row(busy, "Vnukovo")
    busy.conn.execute("UPDATE source_search SET body = 'nothing to see here' WHERE rowid = ?",
                      (rowid,))
    busy.conn.commit()
    report = full_verify(busy)
    assert [(f.check, f.object) for f in report.failures] == [("search", f"capture {capture}")]
    assert "body is not what the records say" in report.failures[0].problem
    assert report.failures[0].found == repr("nothing to see here")


def test_removed_and_forged_index_rows_are_named(busy):
    _, capture, _ = _capture_row(busy, "Vnukovo")
    busy.conn.execute("DELETE FROM search_rows WHERE object_uuid = ?", (capture,))
    rowid = busy.conn.execute(
        "INSERT INTO search_rows (kind, object_uuid, source_uuid) VALUES "
        "('note', 'forged-note', 'forged-source')").lastrowid
    busy.conn.execute("INSERT INTO source_search (rowid, body) VALUES (?, 'planted words')",
                      (rowid,))
    busy.conn.commit()
    problems = {f.object: f.problem for f in full_verify(busy).failures}
    assert "is missing from the search index" in problems[f"capture {capture}"]
    assert "note forged-note, which is not in the case" in problems[f"search index row {rowid}"]
    assert any("stands for no capture" in p for p in problems.values())  # the orphaned text


def test_index_words_edited_under_unchanged_text_are_caught(busy):
    """The adversary changes what search matches, then puts the shown text back as it was
    in FTS5's own content table: the text compares equal, the words do not."""
    rowid, capture, body = _capture_row(busy, "Vnukovo")
    column = 1 + ["title", "url", "body", "identifiers"].index("body")
    busy.conn.execute("UPDATE source_search SET body = 'planted words' WHERE rowid = ?", (rowid,))
    busy.conn.execute(f"UPDATE source_search_content SET c{column - 1} = ? WHERE id = ?",
                      (body, rowid))
    busy.conn.commit()
    assert search(busy, "planted")            # search now finds words the capture never had
    report = full_verify(busy)
    assert not report.ok
    assert [f.object for f in report.failures] == [f"search index row {rowid}"]
    assert "the index's words differ from its text" in report.failures[0].problem


def test_a_case_from_before_sources_is_upgraded(tmp_path, monkeypatch, page_server):
    older = migrations.MIGRATIONS[:2]
    monkeypatch.setattr(case_module, "MIGRATIONS", older)
    monkeypatch.setattr(case_module, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(case_module, "migration_names", lambda: [m.__name__ for m in older])
    with Case.create(tmp_path / "old", title="Old", examiner="A") as old:
        old.add_evidence_file(samples.make_jpeg_with_exif(tmp_path / "p.jpg"))
        assert "sources" not in old.db.table_names()
    monkeypatch.undo()

    path = tmp_path / "old.osintcase"
    with Case.open(path, examiner="B") as upgraded:
        assert upgraded.conn.execute("PRAGMA user_version").fetchone()[0] == len(migrations.MIGRATIONS)
        assert [e.action for e in upgraded.audit_entries()][-1] == "migrate"
        page = tmp_path / "page.html"
        page.write_bytes(servers.PAGE_HTML)
        add_files(upgraded, [page])
        assert search(upgraded, "Vnukovo")
        assert verify_case(upgraded).ok
        assert full_verify(upgraded).ok


def _old_case_with_identifier_records(busy, tmp_path):
    """``busy`` closed and turned back into a case made before m013 (one entry and one
    record version per identifier); returns its path and how many identifiers it holds."""
    from tests.support.old_cases import identifiers_as_records
    path, count = busy.path, busy.counts()["identifier"]
    busy.close()
    identifiers_as_records(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM audit_log WHERE object_type = 'identifier'"
                        ).fetchone()[0] == count > 10
    conn.close()
    return path, count


def test_an_old_case_with_identifier_records_is_converted_and_verifies(busy, tmp_path):
    path, count = _old_case_with_identifier_records(busy, tmp_path)
    with Case.open(path, examiner="B") as upgraded:
        converted = [e for e in upgraded.audit_entries() if e.action == "convert"]
        captures = {r[0] for r in upgraded.conn.execute(
            "SELECT DISTINCT capture_uuid FROM identifier_hits")}
        assert {e.object_id for e in converted} == captures
        assert all(e.object_type == "identifiers" and e.details["matched_log"] for e in converted)
        assert sum(e.details["rows"] for e in converted) == count
        assert upgraded.conn.execute("SELECT count(*) FROM record_versions WHERE kind = "
                                     "'identifier'").fetchone()[0] == 0
        report = full_verify(upgraded)
        assert report.ok, [str(f) for f in report.failures]
        # Its bundle carries each capture's identifiers as a group its log vouches for.
        from osintdesk.exchange.check import verify_bundle
        from osintdesk.exchange.export import export_bundle
        export_bundle(upgraded, tmp_path / "old.osintbundle")
        checked = verify_bundle(tmp_path / "old.osintbundle")
        assert checked.ok and checked.checked["bulk_rows"] >= count, checked.failures
        # Identifiers found from now on are one entry per capture, beside the converted ones.
        page = tmp_path / "later.html"
        page.write_bytes(servers.PAGE_HTML.replace(b"RA-86496", b"RA-86497"))
        add_files(upgraded, [page])
        assert full_verify(upgraded).ok


@pytest.mark.parametrize("where,change", [
    ("kind = 'registration'", "UPDATE identifier_hits SET value = 'RA-00000' WHERE {where}"),
    ("rowid = (SELECT max(rowid) FROM identifier_hits)", "DELETE FROM identifier_hits WHERE {where}"),
])
def test_an_identifier_changed_before_the_conversion_still_fails_verify(busy, tmp_path, where,
                                                                        change):
    path, _ = _old_case_with_identifier_records(busy, tmp_path)
    conn = sqlite3.connect(path)
    changed = {f"identifiers {c}" for (c,) in conn.execute(
        f"SELECT DISTINCT capture_uuid FROM identifier_hits WHERE {where}")}
    conn.execute(change.format(where=where))
    conn.commit()
    conn.close()
    with Case.open(path, examiner="B") as upgraded:
        report = verify_case(upgraded)
    assert changed and {f.object for f in report.failures} == changed
