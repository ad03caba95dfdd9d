"""The chain of custody still holds with sources: verify passes after everything, catches a change
made behind the app's back, ignores the (derived) search index, and older cases are upgraded."""

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
    ("UPDATE identifier_hits SET value = 'RA-00000' WHERE kind = 'registration'", "identifier"),
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


def test_the_search_index_is_derived_and_not_verified(busy):
    busy.conn.execute("DELETE FROM source_search")
    busy.conn.commit()
    assert verify_case(busy).ok
    from osintdesk.sources.search import rebuild_index
    rebuild_index(busy)
    assert search(busy, "Vnukovo")


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
