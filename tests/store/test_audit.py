"""The audit log: chained entries, every change logged, deletions kept."""

import pytest

from osintdesk.errors import OsintdeskError
from osintdesk.store import Case
from osintdesk.store.audit import GENESIS_HASH, recompute
from osintdesk.store.canonical import canonical_json


def test_chain_links_every_entry(tmp_path):
    with Case.create(tmp_path / "c", title="T", examiner="A") as case:
        case.put_artifact(b"one")
        case.put_artifact(b"two")
        entries = list(case.audit_entries())
    assert [e.seq for e in entries] == [1, 2, 3]
    prev = GENESIS_HASH
    for entry in entries:
        assert entry.prev_hash == prev
        assert recompute(entry, prev) == entry.entry_hash
        prev = entry.entry_hash
    assert entries[1].time_utc.endswith("Z")


def test_delete_is_logged_with_the_deleted_content(tmp_path):
    (tmp_path / "f.txt").write_text("evidence")
    with Case.create(tmp_path / "c", title="T", examiner="A") as case:
        rec, _ = case.add_evidence_file(tmp_path / "f.txt")
        case.delete_record("evidence", rec["uuid"], reason="added by mistake")
        last = list(case.audit_entries())[-1]
        assert last.action == "delete" and last.object_id == rec["uuid"]
        assert last.details["record"]["original_name"] == "f.txt"
        assert last.details["reason"] == "added by mistake"
        # the bytes themselves stay: evidence is never removed
        assert case.read_artifact(rec["sha256"]) == b"evidence"


def test_failed_change_writes_no_audit_entry(tmp_path):
    with Case.create(tmp_path / "c", title="T", examiner="A") as case:
        before = case.audit_count()
        with pytest.raises(OsintdeskError, match="no evidence record no-such-uuid"):
            case.update_record("evidence", "no-such-uuid", {"media_type": "x"})
        assert case.audit_count() == before


def test_canonical_json_is_stable():
    assert canonical_json({"b": 1, "a": [1.5, None, "é"]}) == '{"a":[1.5,null,"é"],"b":1}'.encode()
    assert canonical_json({"x": b"\x00\xff"}) == b'{"x":{"$hex":"00ff"}}'


def test_every_examiner_is_listed(tmp_path):
    path = Case.create(tmp_path / "c", title="T", examiner="Alice").path
    with Case.open(path, examiner="Bob") as case:
        case.put_artifact(b"x")
        assert case.examiners() == ["Alice", "Bob"]
