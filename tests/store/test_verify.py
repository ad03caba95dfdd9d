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


def tamper(path, *statements, restore_triggers=True):
    """What someone with the sqlite3 shell could do: drop the guards, edit, commit, and
    (a careful adversary) put the guards back as they were."""
    conn = sqlite3.connect(path)
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    for sql, *params in statements:
        conn.execute(sql, *params)
    if restore_triggers:
        for _, sql in triggers:
            conn.execute(sql)
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


# ---------------------------------------------------------------- the schema that guards custody


def edit_schema(path, *statements):
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.mark.parametrize("trigger", ["artifacts_no_update", "artifact_chunks_no_delete",
                                     "audit_log_no_update", "captures_no_update",
                                     "track_blocks_no_update"])
def test_dropped_write_once_trigger_is_named(case_path, trigger):
    edit_schema(case_path, f"DROP TRIGGER {trigger}")
    report = check(case_path)
    assert not report.ok
    assert [(f.check, f.object) for f in report.failures] == [("schema", f"trigger {trigger}")]
    assert "is missing" in report.failures[0].problem
    assert "RAISE(ABORT" in report.failures[0].expected


def test_all_triggers_dropped_are_all_named(case_path):
    tamper(case_path, restore_triggers=False)
    report = check(case_path)
    named = {f.object for f in report.failures}
    assert {"trigger artifacts_no_update", "trigger artifacts_no_delete",
            "trigger audit_log_no_update", "trigger audit_log_no_delete"} <= named
    assert all(f.check == "schema" for f in report.failures)


def test_trigger_replaced_by_a_harmless_one_is_named(case_path):
    edit_schema(case_path, "DROP TRIGGER artifact_chunks_no_update",
                "CREATE TRIGGER artifact_chunks_no_update BEFORE UPDATE ON artifact_chunks "
                "BEGIN SELECT 1; END")
    report = check(case_path)
    assert [f.object for f in report.failures] == ["trigger artifact_chunks_no_update"]
    assert "was changed" in report.failures[0].problem
    assert report.failures[0].found.endswith("BEGIN SELECT 1; END")


def test_added_trigger_and_dropped_index_are_named(case_path):
    edit_schema(case_path, "CREATE TRIGGER quietly AFTER INSERT ON evidence BEGIN "
                "UPDATE evidence SET original_name = 'x' WHERE uuid = NEW.uuid; END",
                "DROP INDEX track_blocks_aircraft")
    report = check(case_path)
    problems = {f.object: f.problem for f in report.failures}
    assert set(problems) == {"trigger quietly", "index track_blocks_aircraft"}
    assert "not made by osintdesk" in problems["trigger quietly"]
    assert "part of table track_blocks" in problems["index track_blocks_aircraft"]


def test_an_artifact_chunk_stored_as_text_is_reported_not_a_crash(case_path):
    tamper(case_path, ("UPDATE artifact_chunks SET data = CAST(data AS TEXT) WHERE seq = 0",))
    report = check(case_path)
    assert not report.ok
    problems = [str(f) for f in report.failures if f.check == "artifact"]
    assert any("chunk 0 is not bytes (expected bytes, found str)" in p for p in problems), problems
