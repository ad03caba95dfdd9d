"""Exchange bundles: export, verify without a case, the stock minisign tool, and hostile
bundles refused with one message naming the member (issue 12)."""

import hashlib
import json
import re
import shutil
import subprocess
import zipfile

import pytest
from click.testing import CliRunner

from osintdesk.cli import cli
from osintdesk.custody.keys import create_examiner_key, load_examiner_key
from osintdesk.exchange import layout
from osintdesk.exchange.archive import BundleError
from osintdesk.exchange.check import verify_bundle
from osintdesk.exchange.export import export_bundle
from osintdesk.findings.entities import add_entity
from osintdesk.store import Case
from tests.support import bundles


@pytest.fixture
def key():
    create_examiner_key(None)
    return load_examiner_key(lambda: None)


@pytest.fixture
def case_path(tmp_path, sample_case_file):
    """The sample flights, a web page as evidence and an entity: every kind of content."""
    path = tmp_path / "alice.osintcase"
    shutil.copyfile(sample_case_file, path)
    page = tmp_path / "article.html"
    page.write_text("<html><body><h1>RA-86496 lands in Pyongyang</h1></body></html>")
    with Case.open(path, examiner="Alice") as case:
        case.add_evidence_file(page)
        add_entity(case, "Organization", "Russian Air Force", [("country", "ru")])
    return path


@pytest.fixture
def bundle(case_path, tmp_path, key):
    with Case.open(case_path, examiner="Alice") as case:
        export_bundle(case, tmp_path / "alice.osintbundle", signer=key)
    return tmp_path / "alice.osintbundle"


@pytest.fixture
def receiver(tmp_path):
    return bundles.receiving_case(tmp_path)


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


def test_a_bundle_holds_the_whole_case_and_verifies(bundle, case_path):
    report = verify_bundle(bundle)
    assert report.ok, [str(f) for f in report.failures]
    assert report.signer.state == "trusted" and report.signer.name == "you"
    members = bundles.read_members(bundle)
    with Case.open(case_path, examiner="Alice", readonly=True) as case:
        assert report.audit_head == {"seq": case.audit_head()[0], "hash": case.audit_head()[1]}
        points = case.counts()["track_points"] if "track_points" in case.counts() else None
        artifacts = [r[0] for r in case.conn.execute("SELECT sha256 FROM artifacts")]
    assert {f"evidence/{s}" for s in artifacts} <= set(members)
    track_rows = sum(block[1] for n, d in members.items() if n.startswith("bulk/track-points/")
                     for block in bundles.read_blocks(d))
    assert report.checked["bulk_rows"] >= track_rows > 1000
    if points is not None:
        assert track_rows == points
    entities = bundles.read_jsonl(members["records/entity.jsonl"])
    assert any("Russian Air Force" in e["properties"] for e in entities)


def test_the_stock_minisign_tool_checks_the_manifest(bundle, tmp_path):
    minisign = shutil.which("minisign")
    if minisign is None:
        pytest.fail("minisign is not installed (.ci/run installs Debian's minisign)")
    code, pub = run("key", "show", "--minisign")
    assert code == 0 and pub.startswith("untrusted comment: minisign public key")
    (tmp_path / "key.pub").write_text(pub)
    members = bundles.read_members(bundle)
    (tmp_path / "manifest.json").write_bytes(members["manifest.json"])
    (tmp_path / "manifest.json.minisig").write_bytes(members["manifest.json.minisig"])
    ok = subprocess.run([minisign, "-V", "-m", "manifest.json", "-p", "key.pub"], cwd=tmp_path,
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "osintdesk bundle of case" in ok.stdout
    manifest = json.loads(members["manifest.json"])
    manifest["case"]["title"] = "Someone else's case"
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    bad = subprocess.run([minisign, "-V", "-m", "manifest.json", "-p", "key.pub"], cwd=tmp_path,
                         capture_output=True, text=True)
    assert bad.returncode != 0


def test_cli_export_and_verify(case_path, tmp_path):
    out = tmp_path / "cli.osintbundle"
    code, text = run("export-bundle", case_path, out, "--json")
    assert code == 0, text
    result = json.loads(text)
    assert result["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert result["signed_by"]
    code, text = run("verify-bundle", out, "--json")
    assert code == 0, text
    report = json.loads(text)
    assert report["ok"] and report["signer"]["state"] == "trusted"
    with Case.open(case_path, examiner="Alice", readonly=True) as case:
        entries = list(case.audit_entries())
    assert entries[-1].action == "export" and entries[-1].details["sha256"] == result["sha256"]
    assert entries[-2].action == "checkpoint" or entries[-2].object_type == "checkpoint"
    code, text = run("export-bundle", case_path, out)
    assert code == 2 and "exists already" in text


def test_an_unknown_signer_is_a_visible_state(bundle, tmp_path, monkeypatch):
    monkeypatch.setenv("OSINTDESK_CONFIG_DIR", str(tmp_path / "colleague"))  # Bob's machine
    report = verify_bundle(bundle)
    assert report.ok and report.signer.state == "unknown"
    assert report.signer.fingerprint and any("unknown key" in n for n in report.notes)
    code, text = run("verify-bundle", bundle)
    assert code == 0 and "UNKNOWN key" in text


def test_unsigned_bundle(case_path, tmp_path):
    out = tmp_path / "u.osintbundle"
    code, text = run("export-bundle", case_path, out, "--unsigned")
    assert code == 0, text
    report = verify_bundle(out)
    assert report.ok and report.signer.state == "unsigned"
    assert layout.MANIFEST_SIGNATURE not in bundles.read_members(out)
    code, text = run("verify-bundle", out)
    assert code == 0, text
    [checked] = [line for line in text.splitlines() if line.startswith("Checked")]
    counts = re.findall(r"(\d+) (records?|bulk rows?|evidence files?)\b", checked)
    assert len(counts) == 3, checked
    for n, noun in counts:   # "1 evidence file", "2 evidence files", "0 bulk rows"
        assert noun.endswith("s") == (n != "1"), checked
    assert checked.endswith(f", {report.checked['evidence']} evidence files")


def test_one_evidence_file_is_one(tmp_path):
    with Case.create(tmp_path / "one", title="One", examiner="Alice") as case:
        (tmp_path / "page.html").write_text("<html><body>one page</body></html>")
        case.add_evidence_file(tmp_path / "page.html")
    out = tmp_path / "one.osintbundle"
    assert run("export-bundle", tmp_path / "one.osintcase", out, "--unsigned")[0] == 0
    code, text = run("verify-bundle", out)
    assert code == 0, text
    [checked] = [line for line in text.splitlines() if line.startswith("Checked")]
    assert checked.endswith(" 0 bulk rows, 1 evidence file"), checked


# ------------------------------------------------------------------ tampering (exit 1)

def _failures(path) -> list[str]:
    report = verify_bundle(path)
    assert not report.ok
    return [str(f) for f in report.failures]


def test_a_changed_member_fails_against_the_manifest(bundle, tmp_path):
    members = bundles.read_members(bundle)
    name = "records/entity.jsonl"
    members[name] = members[name].replace(b"Russian Air Force", b"Russian Air Farce")  # same size
    failures = _failures(bundles.write_members(tmp_path / "t.osintbundle", members))
    assert any(name in f and "does not match the manifest" in f for f in failures)


def test_a_resealed_forgery_still_fails_against_the_history(bundle, tmp_path):
    """The forger recomputes the manifest and signs with their own key: the signer is then
    not the exporter's, and the record no longer matches its logged state."""
    members = bundles.read_members(bundle)
    name = "records/entity.jsonl"
    members[name] = members[name].replace(b"Russian Air Force", b"Russian Navy")
    forger = load_examiner_key(lambda: None)  # the same key: the worst case, a trusted signer
    out = bundles.write_members(tmp_path / "f.osintbundle", bundles.reseal(members, key=forger))
    report = verify_bundle(out)
    assert report.signer.state == "trusted"
    assert not report.ok
    assert any("differs from its last logged state" in str(f) for f in report.failures)


def _moved_north(block: list) -> list:
    """The block with its first point half a degree further north, packed as osintdesk
    packs (a valid block, other bytes)."""
    from osintdesk.store import trackblocks
    columns = {name: values.copy() for name, values in trackblocks.unpack(block[4]).items()}
    columns["lat"][0] += 0.5
    return [*block[:4], trackblocks.pack(columns)]


def test_a_changed_track_point_fails_its_group_digest(bundle, tmp_path, key):
    members = bundles.read_members(bundle)
    name = next(n for n in members if n.startswith("bulk/track-points/"))
    assert name.endswith(".blocks")
    blocks = bundles.read_blocks(members[name])
    blocks[0] = _moved_north(blocks[0])
    members[name] = bundles.framed(blocks)
    out = bundles.write_members(tmp_path / "p.osintbundle", bundles.reseal(members, key=key))
    failures = _failures(out)
    assert any("track-points" in f and "logged digest" in f for f in failures)


def test_truncated_history_fails(bundle, tmp_path, key):
    members = bundles.read_members(bundle)
    lines = bundles.read_jsonl(members[layout.AUDIT_LOG])
    members[layout.AUDIT_LOG] = bundles.jsonl(lines[:-3])
    out = bundles.write_members(tmp_path / "h.osintbundle", bundles.reseal(members, key=key))
    failures = _failures(out)
    assert any("does not end where the manifest says" in f for f in failures)


def test_records_citing_evidence_the_bundle_lacks(bundle, tmp_path, key):
    members = bundles.read_members(bundle)
    name = next(n for n in members if n.startswith("evidence/"))
    del members[name]
    out = bundles.write_members(tmp_path / "e.osintbundle", bundles.reseal(members, key=key))
    failures = _failures(out)
    assert any("cites evidence the bundle lacks" in f for f in failures)


def test_a_manifest_that_does_not_match_its_digest(bundle, tmp_path):
    members = bundles.read_members(bundle)
    manifest = bundles.manifest_of(members)
    manifest["case"]["title"] = "Another title"
    members[layout.MANIFEST] = json.dumps(manifest).encode()
    failures = _failures(bundles.write_members(tmp_path / "m.osintbundle", members))
    assert any("does not match its digest" in f for f in failures)
    assert any("signature" in f.lower() for f in failures)


# ------------------------------------------------------------------ hostile (exit 2)

HOSTILE = {
    "parent path": lambda m: {**m, "../evil.txt": b"x"},
    "absolute path": lambda m: {**m, "/etc/evil": b"x"},
    "drive letter": lambda m: {**m, "C:/evil": b"x"},
    "backslashes": lambda m: {**m, "evidence\\..\\evil": b"x"},
    "unknown member": lambda m: {**m, "records/../../x.jsonl": b"x"},
    "folder entry": lambda m: {**m, "evidence/": b""},
}


@pytest.mark.parametrize("what", sorted(HOSTILE))
def test_hostile_names_are_refused(bundle, tmp_path, receiver, what):
    members = HOSTILE[what](bundles.read_members(bundle))
    out = bundles.write_members(tmp_path / "x.osintbundle", members)
    with pytest.raises(BundleError, match="is not a name a bundle holds"):
        verify_bundle(out)
    code, text = run("verify-bundle", out)
    assert code == 2 and str(out) in text and "is not a name a bundle holds" in text
    bundles.assert_merge_refused(out, receiver, "is not a name a bundle holds")


def test_duplicate_members_are_refused(bundle, tmp_path, receiver):
    members = list(bundles.read_members(bundle).items())
    name, data = next((n, d) for n, d in members if n == "records/entity.jsonl")
    members.append((name, data.replace(b"Russian", b"Forged")))
    out = bundles.write_members(tmp_path / "d.osintbundle", members)
    with pytest.raises(BundleError, match="appears twice"):
        verify_bundle(out)
    bundles.assert_merge_refused(out, receiver, "appears twice")


def test_symlinks_are_refused(bundle, tmp_path, receiver):
    members = bundles.read_members(bundle)
    name = next(n for n in members if n.startswith("evidence/"))
    members[name] = b"/etc/passwd"
    out = bundles.write_members(tmp_path / "s.osintbundle", members, symlinks=(name,))
    with pytest.raises(BundleError, match="link or a special file"):
        verify_bundle(out)
    bundles.assert_merge_refused(out, receiver, "link or a special file")


def test_a_compression_bomb_is_cut_at_the_ratio(bundle, tmp_path, key):
    members = bundles.read_members(bundle)
    bomb = b"\0" * (64 << 20)
    sha = hashlib.sha256(bomb).hexdigest()
    members[f"evidence/{sha}"] = bomb
    out = bundles.write_members(tmp_path / "b.osintbundle", bundles.reseal(members, key=key))
    failures = _failures(out)
    assert any("ratio" in f for f in failures)


def test_a_member_longer_than_the_manifest_says(bundle, tmp_path, key):
    members = bundles.read_members(bundle)
    sealed = bundles.reseal(members, key=key)
    name = "records/entity.jsonl"
    sealed[name] = sealed[name] + b"\n" * 10  # after sealing: longer than listed
    failures = _failures(bundles.write_members(tmp_path / "l.osintbundle", sealed))
    assert any(name in f and "longer than" in f for f in failures)


def test_a_newer_bundle_format_is_refused(bundle, tmp_path, key, receiver):
    members = bundles.reseal(bundles.read_members(bundle), key=key,
                             manifest_changes={"format_version": layout.FORMAT_VERSION + 1})
    out = bundles.write_members(tmp_path / "n.osintbundle", members)
    code, text = run("verify-bundle", out)
    assert code == 2 and "newer osintdesk" in text
    bundles.assert_merge_refused(out, receiver, "newer osintdesk")


def test_not_a_bundle(tmp_path):
    path = tmp_path / "notes.osintbundle"
    path.write_text("just text")
    code, text = run("verify-bundle", path)
    assert code == 2 and "not a bundle" in text and str(path) in text
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as zf:
        zf.writestr("manifest.json", "{}")
    code, text = run("verify-bundle", tmp_path / "other.zip")
    assert code == 2 and "not an osintdesk bundle" in text


def test_an_ordinary_zip_is_said_not_to_be_a_bundle(tmp_path, receiver):
    photos = tmp_path / "photos.zip"
    with zipfile.ZipFile(photos, "w") as zf:
        zf.writestr("hello.txt", "hi")
        zf.writestr("holiday/beach.jpg", b"\xff\xd8\xff")
    code, text = run("verify-bundle", photos)
    assert code == 2
    assert text.strip().splitlines() == [
        f"osintdesk: error: {photos}: not an osintdesk bundle (no manifest.json)"]
    bundles.assert_merge_refused(photos, receiver,
                                 re.escape("not an osintdesk bundle (no manifest.json)"))


@pytest.mark.parametrize("patch", [{"version": 160}, {"encrypted": True}],
                         ids=["zip-version-16", "encrypted"])
def test_a_bundle_zipfile_cannot_read_is_one_line(bundle, tmp_path, receiver, patch):
    from tests.support.bounded_samples import patch_zip_entries
    out = patch_zip_entries(bundles.write_members(tmp_path / "z.osintbundle",
                                                  bundles.read_members(bundle)), **patch)
    code, text = run("verify-bundle", out)
    assert code == 2 and str(out) in text and len(text.strip().splitlines()) == 1, text
    bundles.assert_merge_refused(out, receiver, re.escape(str(out)))


def test_malformed_json_lines_are_named(bundle, tmp_path, key):
    members = bundles.read_members(bundle)
    members["records/entity.jsonl"] += b'{"uuid": \n'
    out = bundles.write_members(tmp_path / "j.osintbundle", bundles.reseal(members, key=key))
    failures = _failures(out)
    assert any("records/entity.jsonl" in f and "is not valid JSON" in f for f in failures)


def test_a_failed_export_leaves_nothing(case_path, tmp_path, key):
    from osintdesk.errors import Cancelled
    out = tmp_path / "c.osintbundle"
    with Case.open(case_path, examiner="Alice") as case, pytest.raises(Cancelled):
        export_bundle(case, out, signer=key, cancelled=lambda: True)
    assert list(tmp_path.glob("*c.osintbundle*")) == []


def _with_text(block: list, text: bytes) -> list:
    """The block with other callsign/squawk bytes (its header's text length adjusted)."""
    import struct
    data = block[4]
    n, text_len = struct.unpack_from("<II", data, 4)
    body = data[12:len(data) - text_len]
    return [*block[:4], data[:4] + struct.pack("<II", n, len(text)) + body + text]


def _with_flag(block: list) -> list:
    from osintdesk.store import trackblocks
    columns = {name: values.copy() for name, values in trackblocks.unpack(block[4]).items()}
    columns["stale"][0] = 7
    return [*block[:4], trackblocks.pack(columns)]


def _with_time(block: list, value: float) -> list:
    from osintdesk.store import trackblocks
    columns = {name: values.copy() for name, values in trackblocks.unpack(block[4]).items()}
    columns["t"][0] = value
    return [*block[:4], trackblocks.pack(columns)]


# a change to the first block of a track-points member -> what verify-bundle says
BLOCK_CHANGES = {
    "not a block": (lambda b: [*b[:4], b"XXXX" + b[4][4:]], "not one of track points"),
    "count lies": (lambda b: [b[0], b[1] + 1, *b[2:]], "points said to hold"),
    "no points": (lambda b: [b[0], 0, *b[2:]], "said to hold 0 points"),
    "span lies": (lambda b: [b[0], b[1], b[2] - 60, *b[3:]], "first or last time is not"),
    "bytes cut": (lambda b: [*b[:4], b[4][:-3]], "length does not fit its points"),
    "header only": (lambda b: [*b[:4], b[4][:5]], "shorter than its header"),
    "text not json": (lambda b: _with_text(b, b'{"callsign":[[0,'), "not valid JSON"),
    "text not utf-8": (lambda b: _with_text(b, b'{"callsign":[[0,"\xff"]]}'), "not valid JSON"),
    "runs out of range": (lambda b: _with_text(
        b, b'{"callsign":[[0,"A"],[99999999,"B"]],"squawk":[[0,null]]}'), "not in order"),
    "runs a number": (lambda b: _with_text(b, b'{"callsign":[[0,7]],"squawk":[[0,null]]}'),
                      "not [index, text or null]"),
    "runs missing": (lambda b: _with_text(b, b'{"callsign":[[0,"A"]]}'),
                     "not the two lists"),
    "text spaced": (lambda b: _with_text(b, b'{"callsign": [[0, null]], "squawk": [[0, null]]}'),
                    "not written as osintdesk writes them"),
    "lone surrogate": (lambda b: _with_text(
        b, b'{"callsign":[[0,"\\ud800"]],"squawk":[[0,null]]}'), "not written as"),
    "flag of 7": (_with_flag, "that is not 0 or 1"),
    "time not a number": (lambda b: _with_time(b, float("nan")), "time that is not a number"),
}


@pytest.mark.parametrize("what", sorted(BLOCK_CHANGES))
def test_track_blocks_that_do_not_hold(bundle, tmp_path, key, receiver, what):
    """Track points are the sender's bytes too (they log their own digest): every block is
    checked (layout, count, span, text, flags) before merge believes or stores it."""
    change, expected = BLOCK_CHANGES[what]
    members = bundles.read_members(bundle)
    name = next(n for n in members if n.startswith("bulk/track-points/"))
    blocks = bundles.read_blocks(members[name])
    blocks[0] = change(blocks[0])
    members[name] = bundles.framed(blocks)
    out = bundles.write_members(tmp_path / "r.osintbundle", bundles.reseal(members, key=key))
    failures = _failures(out)
    assert any(name in f and "block 1: " in f and expected in f for f in failures), failures
    bundles.assert_merge_refused(out, receiver, "does not verify")


def _moved(block: list) -> list:
    """The block with its first point moved: a block that holds together, other points."""
    from osintdesk.store import trackblocks
    columns = {name: values.copy() for name, values in trackblocks.unpack(block[4]).items()}
    columns["lat"][0] += 0.001
    return [*block[:4], trackblocks.pack(columns)]


@pytest.mark.parametrize("resealed", [True, False], ids=["resealed", "against the manifest"])
def test_moved_track_points_are_not_merged(bundle, tmp_path, key, receiver, resealed):
    """Merge reads the points it stores once (verify-bundle leaves their bytes to it):
    points moved by someone, in blocks that hold together, are still refused, whether the
    manifest was made again to fit them (their log's digest differs) or not (the member's
    SHA-256 differs), and nothing is written."""
    members = bundles.read_members(bundle)
    name = next(n for n in members if n.startswith("bulk/track-points/"))
    blocks = bundles.read_blocks(members[name])
    blocks[-1] = _moved(blocks[-1])
    members[name] = bundles.framed(blocks)
    if resealed:
        members = bundles.reseal(members, key=key)
    out = bundles.write_members(tmp_path / "m.osintbundle", members)
    expected = "logged digest" if resealed else "does not match the manifest"
    assert any(expected in f for f in _failures(out)), _failures(out)
    message = bundles.assert_merge_refused(out, receiver, "does not verify")
    assert name in message and expected in message


def test_a_deferred_member_is_checked_as_verify_bundle_checks_it(bundle, tmp_path, key):
    """What verify-bundle leaves to a merge (``defer``) is not believed: the merge checks
    each deferred member it does not store with ``deferred_problem``, which finds what
    verify-bundle itself finds, and nothing in an honest bundle."""
    from osintdesk.exchange.archive import BundleArchive
    from osintdesk.exchange.check import deferred_problem
    members = bundles.read_members(bundle)
    track = next(n for n in members if n.startswith("bulk/track-points/"))
    evidence = next(n for n in members if n.startswith("evidence/"))
    blocks = bundles.read_blocks(members[track])
    blocks[0] = _moved(blocks[0])
    members[track] = bundles.framed(blocks)
    moved = bundles.write_members(tmp_path / "d.osintbundle", bundles.reseal(members, key=key))
    members = bundles.read_members(bundle)
    data = bytearray(members[evidence])
    data[0] ^= 1
    members[evidence] = bytes(data)
    changed = bundles.write_members(tmp_path / "c.osintbundle", members)
    deferred = {track, evidence}
    for path, bad, expected in ((bundle, None, None), (moved, track, "logged digest"),
                                (changed, evidence, "does not match the manifest")):
        assert verify_bundle(path).ok == (bad is None)
        report = verify_bundle(path, defer=deferred.__contains__)
        assert report.ok and set(report.deferred) == deferred   # what fails is deferred
        with BundleArchive(path) as archive:
            problems = {name: deferred_problem(archive, report, name) for name in deferred}
        assert {name for name, why in problems.items() if why} == ({bad} if bad else set())
        if bad:
            assert expected in problems[bad], problems


def test_changed_evidence_is_not_merged(bundle, tmp_path, receiver):
    """Evidence a case lacks is read once, as it is stored and re-hashed: bytes that are
    not those the manifest names are refused, nothing written."""
    members = bundles.read_members(bundle)
    name = next(n for n in members if n.startswith("evidence/"))
    data = bytearray(members[name])
    data[len(data) // 2] ^= 1
    members[name] = bytes(data)
    out = bundles.write_members(tmp_path / "e.osintbundle", members)
    assert any(name in f for f in _failures(out))
    message = bundles.assert_merge_refused(out, receiver, "does not verify")
    assert name in message and "does not match the manifest" in message


FRAME_CHANGES = {   # the member's framing -> what verify-bundle says
    "cut short": (lambda data: data[:-10], "ends inside a block"),
    "oversized block": (lambda data: data[:32] + (1 << 40).to_bytes(8, "little") + data[40:],
                        "more than a block may have"),
    "json lines instead": (None, "is not how a bundle carries track-points"),
}


@pytest.mark.parametrize("what", sorted(FRAME_CHANGES))
def test_track_members_that_are_not_frames(bundle, tmp_path, key, receiver, what):
    change, expected = FRAME_CHANGES[what]
    members = bundles.read_members(bundle)
    name = next(n for n in members if n.startswith("bulk/track-points/"))
    if change is None:   # the rows as format 1 carried them, under format 1's name
        data = members.pop(name)
        name = name.replace(".blocks", ".jsonl")
        members[name] = bundles.jsonl([{"table": "track_points", "columns": []}])
        assert data
    else:
        members[name] = change(members[name])
    out = bundles.write_members(tmp_path / "f.osintbundle", bundles.reseal(members, key=key))
    failures = _failures(out)
    assert any(name in f and expected in f for f in failures), failures
    bundles.assert_merge_refused(out, receiver, "does not verify")


def test_a_bundle_of_the_older_format_is_refused(bundle, tmp_path, key, receiver):
    members = bundles.read_members(bundle)
    out = bundles.write_members(tmp_path / "o.osintbundle", bundles.reseal(
        members, key=key, manifest_changes={"format_version": layout.FORMAT_VERSION - 1}))
    with pytest.raises(BundleError, match="older osintdesk.*export it again"):
        verify_bundle(out)
    bundles.assert_merge_refused(out, receiver, "older osintdesk")


def test_a_block_of_an_aircraft_the_bundle_lacks_is_refused(case_path, tmp_path, key,
                                                             receiver):
    """A sender whose own log vouches for a block of an aircraft it never held (resealed):
    the bundle verifies, the merge refuses it with nothing written."""
    from tests.support import adversary
    with adversary.opened(case_path) as conn:
        import_uuid = conn.execute(
            "SELECT i.uuid FROM track_blocks b JOIN flight_imports i ON i.id = b.import_id "
            "ORDER BY b.id").fetchone()[0]
        conn.execute("UPDATE track_blocks SET aircraft_id = 987654 WHERE id = "
                     "(SELECT min(id) FROM track_blocks)")
        adversary.relog_group(conn, "track-points", import_uuid)
        adversary.reseal(conn)
    out = tmp_path / "lacks.osintbundle"
    with Case.open(case_path, examiner="Alice") as case:
        export_bundle(case, out, signer=key)
    report = verify_bundle(out)
    assert report.ok, [str(f) for f in report.failures]
    message = bundles.assert_merge_refused(out, receiver, "aircraft it does not hold")
    assert "987654" in message
