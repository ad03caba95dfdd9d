"""Record versions: every create, edit and deletion is a version naming the ones it
replaces; verify checks them (docs/exchange.md, issue 12)."""

import json

import pytest

from osintdesk.store.migrations import MIGRATIONS
from osintdesk.store import Case, verify_case, versions
from osintdesk.store.migrations import MIGRATIONS
from tests.store.test_verify import tamper


@pytest.fixture
def case_path(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"RA-86496 at Sunan")
    with Case.create(tmp_path / "c", title="Versions", examiner="Alice") as case:
        rec, _ = case.add_evidence_file(tmp_path / "a.txt")
        case.update_record("evidence", rec["uuid"], {"media_type": "text/x-notes"})
        return case.path, rec["uuid"]


def test_each_change_is_a_version_naming_the_one_it_replaces(case_path):
    path, uuid = case_path
    with Case.open(path, examiner="Bob") as case:
        heads = versions.heads(case.conn, "evidence", uuid)
        assert len(heads) == 1 and heads[0].state["media_type"] == "text/x-notes"
        first = case.conn.execute("SELECT version FROM record_versions WHERE kind = 'evidence' "
                                  "AND parents = '[]'").fetchone()[0]
        assert heads[0].parents == (first,)
        case.delete_record("evidence", uuid, reason="test")
        heads = versions.heads(case.conn, "evidence", uuid)
        assert len(heads) == 1 and heads[0].deleted and heads[0].examiner == "Bob"
    with Case.open(path, examiner="Bob", readonly=True) as case:
        assert verify_case(case).ok


def test_the_same_change_in_two_places_is_the_same_version():
    one = versions.make("claim", "k", ["p"], {"uuid": "k", "text": "t"}, origin_case="A",
                        created_utc="2026-01-01T00:00:00Z", examiner="Alice")
    two = versions.make("claim", "k", ["p"], {"uuid": "k", "text": "t"}, origin_case="B",
                        created_utc="2026-02-01T00:00:00Z", examiner="Bob")
    assert one.version == two.version
    other = versions.make("claim", "k", ["p"], {"uuid": "k", "text": "T"}, origin_case="A",
                          created_utc="2026-01-01T00:00:00Z", examiner="Alice")
    assert other.version != one.version


def test_an_altered_version_fails_verify(case_path):
    path, uuid = case_path
    with Case.open(path, examiner="x", readonly=True) as case:
        head = versions.heads(case.conn, "evidence", uuid)[0]
    state = dict(head.state, original_name="innocent.txt")
    tamper(path, ("UPDATE record_versions SET state = ? WHERE version = ?",
                  (json.dumps(state), head.version)))
    with Case.open(path, examiner="x", readonly=True) as case:
        report = verify_case(case)
    assert not report.ok
    assert any(f.check == "version" and "state was altered" in f.problem for f in report.failures)


def test_a_row_without_a_version_fails_verify(case_path):
    path, uuid = case_path
    tamper(path, ("DELETE FROM version_parents",), ("DELETE FROM record_versions",))
    with Case.open(path, examiner="x", readonly=True) as case:
        report = verify_case(case)
    assert [f.object for f in report.failures if f.check == "version"] == [f"evidence {uuid}"]


def test_a_case_from_before_versions_gets_first_versions(case_path):
    """A case as the release before versions left it: opening it gives every record a
    first version (audited as a migration) and it verifies."""
    path, uuid = case_path
    import sqlite3
    from tests.support.old_cases import points_as_rows
    points_as_rows(path)   # before m009, and without what later migrations add
    conn = sqlite3.connect(path)
    # That release had the migrations before m007; later ones (the reports register) too
    # are taken away, and come back on open after m007.
    conn.executescript("DROP TABLE version_parents; DROP TABLE record_versions; "
                       "DROP TABLE foreign_audit; DROP TABLE reports; "
                       "DELETE FROM _migrations WHERE name >= 'm007';")
    conn.execute(f"PRAGMA user_version = {len(versions_free_migrations())}")
    conn.commit()
    conn.close()
    with Case.open(path, examiner="Bob") as case:
        heads = versions.heads(case.conn, "evidence", uuid)
        assert len(heads) == 1 and heads[0].parents == ()
        assert heads[0].state["media_type"] == "text/x-notes"
        later = [m.__name__ for m in MIGRATIONS[len(versions_free_migrations()):]]
        migrated = [e.details.get("migration") for e in case.audit_entries()
                    if e.action == "migrate"]
        assert migrated[-len(later):] == later
        report = verify_case(case)
        assert report.ok, [str(f) for f in report.failures]


def versions_free_migrations():
    names = [m.__name__ for m in MIGRATIONS]
    return MIGRATIONS[:names.index("m007_record_versions")]


def test_an_edit_of_the_shown_head_stays_shown_whatever_its_id():
    """A record in conflict (heads a and b); the shown one is edited (c replaces it). The
    row must show c, also when c's id sorts after b's: a later generation comes first."""
    from osintdesk.store.versions import chosen_head, make, ordered_heads

    def version(parents, value):
        return make("note", "n1", parents, {"uuid": "n1", "text": value}, origin_case="x",
                    created_utc="2026-01-01T00:00:00Z", examiner="x")

    root = version([], "root")
    tried = 0
    for i in range(200):
        a, b = version([root.version], f"a{i}"), version([root.version], f"b{i}")
        shown = chosen_head(ordered_heads([root, a, b]))
        other = b if shown is a else a
        edit = version([shown.version], f"edit{i}")
        if edit.version < other.version:
            continue   # the old rule (smallest id) would have got this one right by chance
        tried += 1
        heads = ordered_heads([root, a, b, edit])
        assert {h.version for h in heads} == {edit.version, other.version}
        assert chosen_head(heads) == edit
    assert tried > 10
