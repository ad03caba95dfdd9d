"""verify catches every kind of tampering, and its result is recorded."""

import sqlite3

import pytest

from osintdesk.store import Case, verify_and_record, verify_case


@pytest.fixture
def case_path(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"Il-62M RA-86496 landed at Sunan" * 100)
    with Case.create(tmp_path / "c", title="Il-62M", examiner="Alice") as case:
        rec, _ = case.add_evidence_file(tmp_path / "a.txt")
        case.put_artifact(b"second artifact")
        case.update_record("evidence", rec["uuid"], {"media_type": "text/x-notes"})
        case.update_case(number="7")
        return case.path


def tamper(path, *statements):
    """What someone with the sqlite3 shell could do: drop the guards, edit, commit."""
    conn = sqlite3.connect(path)
    for table in ("artifacts", "artifact_chunks", "audit_log"):
        conn.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        conn.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    for sql, *params in statements:
        conn.execute(sql, *params)
    conn.commit()
    conn.close()


def check(path):
    with Case.open(path, examiner="Bob", readonly=True) as case:
        return verify_case(case)


def test_untouched_case_verifies(case_path):
    report = check(case_path)
    assert report.ok, report.failures
    assert report.checked["artifacts"] == 2
    assert report.checked["audit_entries"] == 6


def test_flipped_byte_in_artifact(case_path):
    with Case.open(case_path, examiner="x", readonly=True) as case:
        sha, = case.conn.execute("SELECT sha256 FROM artifacts WHERE size > 100").fetchone()
        data, = case.conn.execute("SELECT data FROM artifact_chunks WHERE sha256=?",
                                  (sha,)).fetchone()
    flipped = bytearray(data)
    flipped[10] ^= 0x01
    tamper(case_path, ("UPDATE artifact_chunks SET data=? WHERE sha256=?", (bytes(flipped), sha)))
    report = check(case_path)
    assert not report.ok
    assert [f.object for f in report.failures] == [f"artifact {sha}"]
    assert "does not match its SHA-256" in report.failures[0].problem
    assert report.failures[0].expected == sha


def test_edited_record(case_path):
    tamper(case_path, ("UPDATE evidence SET original_name='innocent.txt'",))
    report = check(case_path)
    assert not report.ok
    assert len(report.failures) == 1
    assert report.failures[0].object.startswith("evidence ")
    assert "changed outside osintdesk since audit entry 5" in report.failures[0].problem


def test_edited_case_metadata(case_path):
    tamper(case_path, ("UPDATE case_meta SET value='Other title' WHERE key='title'",))
    report = check(case_path)
    assert [f.object for f in report.failures] == ["case metadata"]


def test_deleted_record_without_log(case_path):
    tamper(case_path, ("DELETE FROM evidence",))
    report = check(case_path)
    assert any("no deletion was logged" in f.problem for f in report.failures)


def test_edited_audit_entry(case_path):
    tamper(case_path, ("UPDATE audit_log SET examiner='Mallory' WHERE seq=3",))
    report = check(case_path)
    assert [f.object for f in report.failures] == ["audit entry 3"]
    assert "altered" in report.failures[0].problem


def test_removed_audit_entry(case_path):
    tamper(case_path, ("DELETE FROM audit_log WHERE seq=4",))
    report = check(case_path)
    objects = {f.object for f in report.failures}
    assert "audit entry 5" in objects  # sequence broken and chain broken at the next entry
    assert any("removed" in f.problem for f in report.failures)


def test_removed_last_audit_entry(case_path):
    tamper(case_path, ("DELETE FROM audit_log WHERE seq=(SELECT max(seq) FROM audit_log)",))
    report = check(case_path)
    assert "audit log head" in {f.object for f in report.failures}


def test_reordered_audit_entries(case_path):
    with Case.open(case_path, examiner="x", readonly=True) as case:
        rows = {r[0]: r[1:] for r in case.conn.execute(
            "SELECT seq, time_utc, action, object_type, object_id, object_hash, details "
            "FROM audit_log WHERE seq IN (2, 3)")}
    cols = "time_utc=?, action=?, object_type=?, object_id=?, object_hash=?, details=?"
    tamper(case_path, (f"UPDATE audit_log SET {cols} WHERE seq=2", rows[3]),
           (f"UPDATE audit_log SET {cols} WHERE seq=3", rows[2]))
    report = check(case_path)
    assert {"audit entry 2", "audit entry 3"} <= {f.object for f in report.failures}


def test_integrity_check_is_run(case_path):
    report = check(case_path)
    assert report.checked["sqlite_integrity"] == 1


def test_failed_verification_is_recorded(case_path):
    tamper(case_path, ("UPDATE evidence SET original_name='innocent.txt'",))
    with Case.open(case_path, examiner="Bob") as case:
        report = verify_and_record(case)
        assert report.recorded and not report.ok
        last = case.last_verification()
        assert last.examiner == "Bob" and last.details["ok"] is False
        assert "changed outside osintdesk" in last.details["failures"][0]
    # the recorded failure itself does not make the next run fail differently
    assert len(check(case_path).failures) == 1


def test_verification_on_read_only_open_is_not_recorded(case_path):
    with Case.open(case_path, examiner="Bob", readonly=True) as case:
        report = verify_and_record(case)
        assert report.ok and not report.recorded and "read-only" in report.recorded_note
