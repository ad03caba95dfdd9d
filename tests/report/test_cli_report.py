"""``osintdesk report`` and ``osintdesk reports`` on the story case: the file written, its
hash in the case's reports register (audited, versioned), the audit head it names, the
checkpoint signed after it; every refusal exits 2 with one line, the case as it was and no
file left behind."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from osintdesk.cli import cli
from osintdesk.custody.checkpoints import checkpoint_rows
from osintdesk.report.register import register_rows
from osintdesk.store import Case
from tests.support.report_samples import CLAIMS, write_report_case


@pytest.fixture(scope="module")
def story_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-report")
    ids = write_report_case(folder / "story.osintcase")
    return ids


@pytest.fixture()
def path(story_file, tmp_path):
    copy = tmp_path / "story.osintcase"
    shutil.copy(story_file["path"], copy)
    return copy


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def state(path):
    with Case.open(path, examiner="Test Examiner", readonly=True) as opened:
        return hashlib.sha256(path.read_bytes()).hexdigest(), opened.audit_count()


def left_beside(folder) -> list[str]:
    """The files in ``folder`` other than the case's own (its -wal, -shm, work folder)."""
    return sorted(p.name for p in folder.rglob("*")
                  if not p.name.startswith(("story.osintcase", ".story.osintcase")))


def test_a_pdf_report_is_written_recorded_and_names_the_head(path, tmp_path):
    output = tmp_path / "out" / "report.pdf"
    output.parent.mkdir()
    result = invoke("report", path, "-o", output, "--banner", "CONFIDENTIAL", "--tz",
                    "Asia/Pyongyang", "--appendix", "--json")
    assert result.exit_code == 0, result.output + result.stderr
    made = json.loads(result.stdout)
    data = output.read_bytes()
    assert made["sha256"] == hashlib.sha256(data).hexdigest() and made["size"] == len(data)
    assert made["pages"] == len(PdfReader(io.BytesIO(data)).pages) and made["verified"]
    with Case.open(path, examiner="Reader", readonly=True) as case:
        [row] = register_rows(case)
        entries = {e.seq: e for e in case.audit_entries()}
        checkpoints = checkpoint_rows(case)
    assert (row["file_name"], row["format"], row["sha256"], row["size"]) == \
        ("report.pdf", "pdf", made["sha256"], len(data))
    assert row["options"] == {"title": None, "banner": "CONFIDENTIAL", "tag": None, "claims": [],
                              "appendix": True, "zone": "Asia/Pyongyang"}
    assert row["verified"] and row["uuid"] == made["register_id"]
    # The head the report names is an entry of the case; the register entry comes after it,
    # audited, and a checkpoint (reason: report) signs the head that includes it.
    seq, head = made["audit_head"]["seq"], made["audit_head"]["hash"]
    assert entries[seq].entry_hash == head == row["audit_hash"]
    logged = [e for e in entries.values() if e.object_type == "report"]
    assert [(e.action, e.object_id) for e in logged] == [("create", row["uuid"])]
    assert logged[0].seq > seq
    assert checkpoints[-1]["reason"] == "report" and checkpoints[-1]["audit_seq"] == logged[0].seq
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert head in text and "Asia/Pyongyang" in text
    listed = invoke("reports", path)
    assert listed.exit_code == 0 and made["sha256"] in listed.stdout and "report.pdf" in listed.stdout


def test_an_html_report_of_chosen_claims(path, story_file, tmp_path):
    output = tmp_path / "two.html"
    ground, flight = story_file["claims"]["ground"], story_file["claims"]["flight"]
    result = invoke("report", path, "-o", output, "--claims", f"{ground[:8]},{flight}",
                    "--title", "Два утверждения")
    assert result.exit_code == 0, result.output + result.stderr
    assert f"SHA-256 {hashlib.sha256(output.read_bytes()).hexdigest()}" in result.stdout
    html = output.read_text(encoding="utf-8")
    assert "<title>Два утверждения</title>" in html
    assert CLAIMS["ground"] in html and CLAIMS["flight"] in html and CLAIMS["flew"] not in html


def test_a_case_that_fails_verification_gets_its_report_saying_so_and_exit_1(path, story_file, tmp_path):
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE claims SET confidence = 'certain' WHERE uuid = ?",
                     [story_file["claims"]["flew"]])
    output = tmp_path / "failed.pdf"
    result = invoke("report", path, "-o", output)
    assert result.exit_code == 1, result.output + result.stderr
    assert "FAILED verification" in result.stderr
    first = " ".join(PdfReader(output).pages[0].extract_text().split())
    assert "THE CASE FAILED VERIFICATION" in first
    with Case.open(path, examiner="Reader", readonly=True) as case:
        assert [r["verified"] for r in register_rows(case)] == [False]
        assert not [c for c in checkpoint_rows(case) if c["reason"] == "report"]


@pytest.mark.parametrize("args, message", [
    (["--claims", "ffffffff"], "story.osintcase: --claims: nothing in this case has the id 'ffffffff'"),
    (["--tz", "Mars/Olympus"], "--tz 'Mars/Olympus' is not a time zone"),
    (["--tag", "nowhere"], "story.osintcase: no source carries the tag 'nowhere'"),
    (["--tag", "pyongyang", "--claims", "abcd"], "give --claims or --tag, not both"),
])
def test_bad_options_are_refused_with_the_case_unchanged(path, tmp_path, args, message):
    output = tmp_path / "report.pdf"
    before = state(path)
    result = invoke("report", path, "-o", output, *args)
    assert result.exit_code == 2, result.output + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("osintdesk: error: ") and message in lines[0]
    assert state(path) == before
    assert left_beside(tmp_path) == []


def test_an_unknown_claim_id_names_the_case_file_and_the_id(path, story_file, tmp_path):
    ground = story_file["claims"]["ground"]
    before = state(path)
    result = invoke("report", path, "-o", tmp_path / "r.html", "--claims", f"{ground[:8]},0000dead")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"osintdesk: error: {path}: --claims: nothing in this case has the id '0000dead'"]
    assert state(path) == before and left_beside(tmp_path) == []


@pytest.mark.parametrize("name, message", [
    ("exists.pdf", "already exists: a report is never written over another file"),
    ("report.docx", "cannot write a report as '.docx'"),
    ("missing/report.html", "the folder to write the report in does not exist"),
])
def test_a_bad_output_is_refused_before_any_work(path, tmp_path, name, message):
    (tmp_path / "exists.pdf").write_bytes(b"someone's file")
    before = state(path)
    result = invoke("report", path, "-o", tmp_path / name)
    assert result.exit_code == 2, result.output + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and str(tmp_path) in lines[0]
    assert state(path) == before
    assert (tmp_path / "exists.pdf").read_bytes() == b"someone's file"
    assert left_beside(tmp_path) == ["exists.pdf"]


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_a_report_file_gets_the_mode_an_export_gets(path, tmp_path, umask):
    """Files made for a reader are readable alike: the mode any new file of the user's gets."""
    import os
    import stat
    old = os.umask(umask)
    try:
        exported = invoke("export", path, "geojson", "-o", tmp_path / "map.geojson")
        reported = invoke("report", path, "-o", tmp_path / "report.html")
    finally:
        os.umask(old)
    assert exported.exit_code == 0, exported.output + exported.stderr
    assert reported.exit_code == 0, reported.output + reported.stderr
    mode = stat.S_IMODE((tmp_path / "report.html").stat().st_mode)
    assert mode == stat.S_IMODE((tmp_path / "map.geojson").stat().st_mode) == 0o666 & ~umask
    assert left_beside(tmp_path) == ["map.geojson", "report.html"]
