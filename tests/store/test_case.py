"""Creating and opening case files: migrations, metadata, bad input left untouched."""

import hashlib
import os
import sqlite3
from datetime import datetime, timezone

import pytest

from osintdesk.errors import CaseExistsError, CaseVersionError, NotACaseError, ReadOnlyCaseError
from osintdesk.store import SCHEMA_VERSION, Case
from osintdesk.store.migrations import APPLICATION_ID, migration_names


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_create_applies_every_migration_and_records_metadata(tmp_path):
    fixed = datetime(2024, 9, 17, 6, 5, tzinfo=timezone.utc)
    with Case.create(tmp_path / "il62", title="Il-62M flights", number="2024-17",
                     examiner="Alice", clock=lambda: fixed) as case:
        assert case.path.name == "il62.osintcase"
        meta = case.case_record()
        assert meta["title"] == "Il-62M flights" and meta["number"] == "2024-17"
        assert meta["created_utc"] == "2024-09-17T06:05:00.000000Z"
        assert meta["created_by"] == "Alice"
        assert len(meta["uuid"]) == 36
        names = [r[0] for r in case.conn.execute("SELECT name FROM _migrations ORDER BY id")]
        assert names == migration_names()
        assert case.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert case.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert case.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert case.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        first = next(case.audit_entries())
        assert (first.action, first.object_type, first.examiner) == ("create", "case", "Alice")
    # closing checkpoints the WAL: the case is one self-contained file
    assert not (tmp_path / "il62.osintcase-wal").exists()
    assert not list(tmp_path.glob(".*partial*"))


def test_create_refuses_to_overwrite(tmp_path):
    target = tmp_path / "x.osintcase"
    target.write_bytes(b"precious")
    with pytest.raises(CaseExistsError, match="x.osintcase: already exists"):
        Case.create(target, title="T", examiner="A")
    assert target.read_bytes() == b"precious"


def test_reopen_keeps_everything_and_adds_no_migration(tmp_path):
    path = Case.create(tmp_path / "c", title="T", examiner="A").path
    with Case.open(path, examiner="B") as case:
        assert case.title == "T"
        assert [e.action for e in case.audit_entries()] == ["create"]


def test_update_case_is_logged_with_old_and_new(tmp_path):
    with Case.create(tmp_path / "c", title="Old", examiner="A") as case:
        case.update_case(title="New", number="42")
        entry = list(case.audit_entries())[-1]
        assert entry.action == "edit"
        assert entry.details["changes"]["title"] == {"old": "Old", "new": "New"}
        assert case.title == "New"


@pytest.mark.parametrize("content,message", [
    (b"", "is an empty file"),
    (os.urandom(4096), "not an SQLite database"),
    (b"SQLite format 3\x00" + b"\x00" * 10, "not an SQLite database"),
])
def test_not_a_case_is_refused_and_untouched(tmp_path, content, message):
    path = tmp_path / "thing.osintcase"
    path.write_bytes(content)
    before = digest(path)
    with pytest.raises(NotACaseError, match=message) as err:
        Case.open(path, examiner="A")
    assert str(path) in str(err.value)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thing.osintcase"]


def test_other_applications_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "browser-history.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE urls (url TEXT)")
    conn.execute("INSERT INTO urls VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(NotACaseError, match="another application"):
        Case.open(path, examiner="A")
    assert digest(path) == before


def test_case_from_newer_version_is_refused_and_untouched(tmp_path):
    path = Case.create(tmp_path / "future", title="T", examiner="A").path
    Case.open(path, examiner="A").close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(CaseVersionError, match="newer osintdesk"):
        Case.open(path, examiner="A")
    assert digest(path) == before


def test_unknown_migration_name_is_refused(tmp_path):
    path = Case.create(tmp_path / "odd", title="T", examiner="A").path
    conn = sqlite3.connect(path)
    conn.execute("UPDATE _migrations SET name = 'm001_something_else' WHERE id = 1")
    conn.commit()
    conn.close()
    with pytest.raises(NotACaseError, match="m001_something_else"):
        Case.open(path, examiner="A")


def test_missing_path_and_folder(tmp_path):
    with pytest.raises(NotACaseError, match="no such case file"):
        Case.open(tmp_path / "nope.osintcase", examiner="A")
    with pytest.raises(NotACaseError, match="is a folder"):
        Case.open(tmp_path, examiner="A")


def test_read_only_file_is_refused_for_writing_but_readable(tmp_path):
    path = Case.create(tmp_path / "ro", title="T", examiner="A").path
    path.chmod(0o444)
    before = digest(path)
    with pytest.raises(ReadOnlyCaseError, match="read-only"):
        Case.open(path, examiner="A")
    with Case.open(path, examiner="A", readonly=True) as case:
        assert case.title == "T"
    assert digest(path) == before


def test_read_only_open_refuses_writes(tmp_path):
    path = Case.create(tmp_path / "ro", title="T", examiner="A").path
    before = digest(path)
    with Case.open(path, examiner="A", readonly=True) as case:
        with pytest.raises(ReadOnlyCaseError, match="read-only"):
            case.put_artifact(b"x")
    assert digest(path) == before


def test_older_case_is_upgraded_on_open_and_still_verifies(tmp_path, monkeypatch):
    import osintdesk.store.case as case_module
    import osintdesk.store.header as header_module
    from osintdesk.store import verify_case
    from osintdesk.store.migrations import MIGRATIONS

    # Make a case as the first release did: only the first migration.
    monkeypatch.setattr(case_module, "MIGRATIONS", MIGRATIONS[:1])
    monkeypatch.setattr(case_module, "SCHEMA_VERSION", 1)
    monkeypatch.setattr(header_module, "SCHEMA_VERSION", 1)
    path = Case.create(tmp_path / "old", title="T", examiner="A").path
    monkeypatch.undo()

    with Case.open(path, examiner="B") as case:
        assert case.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        migrated = [e for e in case.audit_entries() if e.action == "migrate"]
        assert [e.details["migration"] for e in migrated] == migration_names()[1:]
        assert verify_case(case).ok


def test_bulk_rows_are_logged_only_inside_the_transaction_that_wrote_them(tmp_path):
    """Rows in one transaction and their audit entry in another would let a verification
    running in between report the rows as added outside osintdesk."""
    with Case.create(tmp_path / "c", title="T", examiner="A") as case:
        before = case.audit_count()
        with pytest.raises(RuntimeError, match="inside the transaction"):
            case.record_bulk("analyse", "flight-analysis", "no-such-aircraft")
        assert case.audit_count() == before
