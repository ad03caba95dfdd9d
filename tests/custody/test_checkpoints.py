"""The attacks that rewrite a case's history with the file and the code: each passes
``verify`` without a checkpoint, and fails after one, naming it; a receipt kept apart
catches even an adversary who removes the checkpoints too."""

from __future__ import annotations

import shutil

import pytest

from osintdesk.custody import checkpoints
from osintdesk.custody.keys import load_examiner_key
from osintdesk.findings.entities import add_entity
from osintdesk.sources.local_files import add_files
from osintdesk.store import Case, audit
from osintdesk.verification import verify_and_record, verify_case

from tests.support import adversary, servers


@pytest.fixture
def case_path(sample_case_file, tmp_path):
    """Flights (track points, derived flights), a web page added from a file, two entities,
    then two exports: a small case with every kind of history the attacks touch."""
    path = tmp_path / "case.osintcase"
    shutil.copy(sample_case_file, path)
    page = tmp_path / "article.html"
    page.write_bytes(servers.PAGE_HTML)
    with Case.open(path, examiner="Alice") as case:
        add_files(case, [page])
        add_entity(case, "Person", "Ivan Petrov")
        add_entity(case, "Company", "Rossiya Special Flight Detachment")
        for fmt in ("kml", "csv"):
            case.record_event("export", object_type="case", object_id=case.uuid,
                              details={"format": fmt})
    return path


def sign(path, *, receipt=None) -> dict:
    with Case.open(path, examiner="Alice") as case:
        row = checkpoints.create(case, load_examiner_key(), reason="checkpoint")
    if receipt is not None:
        checkpoints.write_receipt(row, receipt)
    return row


def check(path, receipts=()):
    with Case.open(path, examiner="Bob", readonly=True) as case:
        return verify_case(case, receipts=[checkpoints.read_receipt(r) for r in receipts])


# ------------------------------------------------------------------ the attacks


def truncate_tail(path) -> None:
    """Remove the last two audit entries and set the recorded head to the new last one."""
    with adversary.opened(path) as conn:
        last, _ = audit.head(conn)
        adversary.remove_entries_from(conn, last - 1)


def remove_newest_records(path) -> None:
    """Remove the newest records (the two entities) with their entries, number the later
    entries again and re-seal the chain."""
    with adversary.opened(path) as conn:
        removed = adversary.remove_entries_about(conn, "object_type = 'entity'")
        adversary.remove_rows_logged_by(conn, removed)


def rewrite_whole_chain(path) -> None:
    """Move a track point, change the page's publication date, a registration it names
    and an examiner's name, log the new states and recompute the whole chain from the
    first entry."""
    with adversary.opened(path) as conn:
        import_uuid = adversary.move_point(conn, 50)
        adversary.relog_group(conn, "track-points", import_uuid)
        capture, = conn.execute("SELECT uuid FROM captures").fetchone()
        conn.execute("UPDATE captures SET published_date = '2023-09-01' WHERE uuid = ?", (capture,))
        adversary.relog_record(conn, "capture", capture)
        assert conn.execute("UPDATE identifier_hits SET value = 'RA-00000' WHERE capture_uuid "
                            "= ? AND kind = 'registration'", (capture,)).rowcount
        adversary.relog_group(conn, "identifiers", capture)
        adversary.reindex_identifiers(conn, capture)
        entity, = conn.execute("SELECT uuid FROM entities WHERE schema = 'Person'").fetchone()
        conn.execute("UPDATE entities SET examiner = 'Mallory' WHERE uuid = ?", (entity,))
        conn.execute("UPDATE audit_log SET examiner = 'Mallory' WHERE object_id = ?", (entity,))
        adversary.relog_record(conn, "entity", entity)
        adversary.reseal(conn)


def replace_tail_with_forged_entries(path) -> None:
    """Remove the last two entries, then append two forged ones through the store's own
    ``audit.append``: the chain is as long as before and every hash holds."""
    with adversary.opened(path) as conn:
        last, _ = audit.head(conn)
        adversary.remove_entries_from(conn, last - 1)
        case_uuid, = conn.execute("SELECT value FROM case_meta WHERE key = 'uuid'").fetchone()
        for fmt in ("pdf", "html"):
            audit.append(conn, time_utc="2026-11-20T10:00:00.000000Z", examiner="Alice",
                         action="export", object_type="case", object_id=case_uuid,
                         details={"format": fmt})


ATTACKS = [truncate_tail, remove_newest_records, rewrite_whole_chain,
           replace_tail_with_forged_entries]


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.__name__)
def test_attack_passes_verify_without_a_checkpoint(case_path, attack):
    """What the issue found: without an anchor each of these leaves a case that verifies."""
    attack(case_path)
    report = check(case_path)
    assert report.ok, [str(f) for f in report.failures]


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.__name__)
def test_attack_fails_after_a_checkpoint_naming_it(case_path, attack):
    row = sign(case_path)
    assert check(case_path).ok
    attack(case_path)
    report = check(case_path)
    assert not report.ok
    named = [f for f in report.failures if f.check == "checkpoint"]
    assert named, [str(f) for f in report.failures]
    assert row["uuid"] in named[0].object
    assert f"entry {row['audit_seq']}" in named[0].object
    assert ("rewritten" in named[0].problem) or ("truncated" in named[0].problem)


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.__name__)
def test_receipt_catches_an_adversary_who_removes_the_checkpoints(case_path, tmp_path, attack):
    receipt = tmp_path / "receipt.txt"
    row = sign(case_path, receipt=receipt)
    attack(case_path)
    with adversary.opened(case_path) as conn:
        adversary.remove_checkpoints(conn)
    assert check(case_path).ok      # nothing inside the file can tell any more
    report = check(case_path, receipts=[receipt])
    assert not report.ok
    [failure] = report.failures
    assert failure.check == "receipt" and str(receipt) in failure.object
    assert f"entry {row['audit_seq']}" in failure.object


def test_receipt_of_an_intact_case_holds(case_path, tmp_path):
    receipt = tmp_path / "receipt.txt"
    sign(case_path, receipt=receipt)
    with Case.open(case_path, examiner="Alice") as case:
        add_entity(case, "Person", "Later Person")     # history after the receipt is fine
    report = check(case_path, receipts=[tmp_path / "receipt.txt.minisig"])
    assert report.ok, [str(f) for f in report.failures]
    assert report.checked["receipts"] == 1 and report.checked["checkpoints"] == 1
    assert any("covered by no checkpoint yet" in n for n in report.notes)


def test_receipt_of_another_case_fails(case_path, tmp_path):
    with Case.create(tmp_path / "other", title="Other", examiner="Alice") as created:
        other = created.path
    receipt = tmp_path / "receipt.txt"
    sign(case_path, receipt=receipt)
    report = check(other, receipts=[receipt])
    assert [f.problem.split(",")[0] for f in report.failures] == ["was signed for another case"]


def test_altered_receipt_fails(case_path, tmp_path):
    receipt = tmp_path / "receipt.txt"
    row = sign(case_path, receipt=receipt)
    receipt.write_text(receipt.read_text().replace(f"entry: {row['audit_seq']}",
                                                   f"entry: {row['audit_seq'] - 1}"))
    [failure] = check(case_path, receipts=[receipt]).failures
    assert "signature does not hold" in failure.problem


def test_checkpoint_record_edited_in_the_file_fails(case_path):
    row = sign(case_path)
    with adversary.opened(case_path) as conn:
        conn.execute("UPDATE checkpoints SET statement = replace(statement, 'examiner: Alice', "
                     "'examiner: Bob')")
        adversary.relog_record(conn, "checkpoint", row["uuid"])
        adversary.reseal(conn)
    failures = [f for f in check(case_path).failures if f.check == "checkpoint"]
    assert len(failures) == 1 and "signature does not hold" in failures[0].problem


def test_appending_after_the_latest_checkpoint_is_visible_but_not_caught(case_path):
    """The limit of a checkpoint: it vouches for the history up to its head, not after.
    A forged entry appended later verifies; the report says what no signature covers."""
    sign(case_path)
    with adversary.opened(case_path) as conn:
        case_uuid, = conn.execute("SELECT value FROM case_meta WHERE key = 'uuid'").fetchone()
        audit.append(conn, time_utc="2026-11-20T10:00:00.000000Z", examiner="Alice",
                     action="export", object_type="case", object_id=case_uuid, details={})
    report = check(case_path)
    assert report.ok
    assert any(n.startswith("1 audit entry after entry")
               and n.endswith("is covered by no checkpoint yet") for n in report.notes)


def test_unknown_signer_is_a_note_not_a_failure(case_path, monkeypatch, tmp_path):
    sign(case_path)
    monkeypatch.setenv("OSINTDESK_CONFIG_DIR", str(tmp_path / "colleague"))
    report = check(case_path)
    assert report.ok
    [note] = [n for n in report.notes if "unknown key" in n]
    assert "signed by an unknown key" in note and "'Alice'" in note


def test_many_checkpoints_by_one_unknown_key_make_one_note(case_path, monkeypatch, tmp_path):
    for _ in range(3):
        sign(case_path)
    monkeypatch.setenv("OSINTDESK_CONFIG_DIR", str(tmp_path / "colleague"))
    report = check(case_path)
    [note] = [n for n in report.notes if "unknown key" in n]
    assert note.startswith("3 checkpoints (the first: checkpoint ") and "are signed by" in note


def test_verification_that_holds_is_signed(case_path):
    with Case.open(case_path, examiner="Alice") as case:
        report = verify_and_record(case, signer=load_examiner_key)
        assert report.ok and report.checkpoint is not None
        seq, head = audit.head(case.conn)
        verify_entry = case.conn.execute("SELECT seq FROM audit_log WHERE action = 'verify' "
                                         "ORDER BY seq DESC LIMIT 1").fetchone()[0]
    # The checkpoint signs the head that includes the verification's own result.
    assert report.checkpoint["audit_seq"] == verify_entry == seq - 1
    assert check(case_path).checked["checkpoints"] == 1


def test_failed_verification_is_not_signed(case_path):
    rewrite_whole_chain(case_path)
    with adversary.opened(case_path) as conn:
        conn.execute("UPDATE entities SET properties = '{}'")
    with Case.open(case_path, examiner="Alice") as case:
        report = verify_and_record(case, signer=load_examiner_key)
    assert not report.ok and report.checkpoint is None
    assert any("never anchored" in n for n in report.notes)
