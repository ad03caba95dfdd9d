"""A capture's identifiers travel as one bulk group of the capture (issue 16): checked by
verify-bundle against the sender's log, merged under the receiving case's ids with one
entry per capture, never twice for a capture both cases hold, and what a later scan found
follows in the next bundle."""

import pytest
from click.testing import CliRunner

from osintdesk.cli import cli

from osintdesk.custody.keys import create_examiner_key, load_examiner_key
from osintdesk.exchange.check import verify_bundle
from osintdesk.exchange.export import export_bundle
from osintdesk.exchange.merge import merge_bundle
from osintdesk.flights.ingest import import_flight_file
from osintdesk.sources.annotations import add_tag
from osintdesk.sources.local_files import add_file
from osintdesk.sources.search import search
from osintdesk.store import Case
from osintdesk.verification import verify_case
from tests.support import bundles, flight_samples

ARTICLE = ("<html><head><title>Il-62M RA-86496 lands in Pyongyang</title></head><body><p>"
           "The aircraft RA-86496 (ICAO 1514a8) landed at ZKPY on 3 January 2024, the C-17 "
           "serial 00\u20119999 an hour later.</p></body></html>")


@pytest.fixture
def key():
    create_examiner_key(None)
    return load_examiner_key(lambda: None)


def export(path, out, key, tag=None):
    with Case.open(path, examiner="x") as case:
        export_bundle(case, out, signer=key, tag=tag)
    return out


def merge(path, bundle, examiner="x"):
    with Case.open(path, examiner=examiner) as case:
        return merge_bundle(case, bundle)


def identifiers(path) -> list[tuple]:
    """Every identifier row (all columns), after a full verification that must hold."""
    with Case.open(path, examiner="x", readonly=True) as case:
        report = verify_case(case, keyring=None)
        assert report.ok, [str(f) for f in report.failures]
        return [tuple(r) for r in case.conn.execute(
            "SELECT * FROM identifier_hits ORDER BY capture_uuid, field, start_offset, uuid")]


def entries(path, object_type="identifiers") -> list:
    with Case.open(path, examiner="x", readonly=True) as case:
        return [e for e in case.audit_entries() if e.object_type == object_type]


def new_case(path, examiner, *pages):
    with Case.create(path, title=examiner, examiner=examiner) as case:
        for page in pages:
            add_file(case, page)
    return path


@pytest.fixture
def pages(tmp_path):
    article = tmp_path / "article.html"
    article.write_text(ARTICLE, encoding="utf-8")
    other = tmp_path / "other.html"
    other.write_text("<html><body>RA-86467 left UUWW on 4 January 2024.</body></html>")
    return article, other


def test_identifiers_travel_per_capture_and_merge_as_one_entry(tmp_path, key, pages):
    alice = new_case(tmp_path / "alice.osintcase", "Alice", *pages)
    bob = new_case(tmp_path / "bob.osintcase", "Bob")
    held = identifiers(alice)
    assert len(held) > 5 and not entries(alice, "identifier")
    bundle = export(alice, tmp_path / "a.osintbundle", key)
    members = bundles.read_members(bundle)
    groups = sorted(n for n in members if n.startswith("bulk/identifiers/"))
    assert len(groups) == 2 and "records/identifier.jsonl" not in members
    report = verify_bundle(bundle)
    assert report.ok, [str(f) for f in report.failures]
    assert report.checked["bulk_rows"] >= len(held)

    done = merge(bob, bundle, "Bob")
    assert done.as_dict()["identifiers"] == {"captures": 2, "added": len(held)}
    assert identifiers(bob) == held   # the same rows, ids and all
    merged = entries(bob)
    assert sorted((e.action, e.object_id) for e in merged) == sorted(
        ("merge", n.split("/")[-1][:-len(".jsonl")]) for n in groups)
    assert sum(e.details["added"] for e in merged) == len(held)

    # Merged again, or sent back: no identifier twice, no new entry.
    again = merge(bob, bundle, "Bob")
    assert again.plan.changes == [] and len(entries(bob)) == len(merged)
    assert again.identifiers == {"captures": 0, "added": 0}
    merge(alice, export(bob, tmp_path / "b.osintbundle", key), "Alice")
    assert identifiers(alice) == held
    assert [e.action for e in entries(alice)] == ["find", "find"]


def test_the_same_page_in_two_cases_keeps_each_capture_s_identifiers_once(tmp_path, key,
                                                                           pages):
    article, _ = pages
    alice = new_case(tmp_path / "alice.osintcase", "Alice", article)
    carol = new_case(tmp_path / "carol.osintcase", "Carol", article)
    own = len(identifiers(alice))
    merge(alice, export(carol, tmp_path / "c.osintbundle", key))
    with Case.open(alice, examiner="x", readonly=True) as case:
        [source] = [r[0] for r in case.conn.execute("SELECT uuid FROM sources")]
        by_capture = dict(case.conn.execute(
            "SELECT capture_uuid, count(*) FROM identifier_hits GROUP BY capture_uuid"))
        sources = {r[0] for r in case.conn.execute("SELECT source_uuid FROM identifier_hits")}
    # Carol's capture joined Alice's source (the same URL), its identifiers refer to it too.
    assert list(by_capture.values()) == [own, own] and sources == {source}
    merge(carol, export(alice, tmp_path / "a.osintbundle", key))
    assert len(identifiers(carol)) == 2 * own


def test_identifiers_found_later_follow_in_the_next_bundle(tmp_path, key, pages):
    article, _ = pages
    alice = new_case(tmp_path / "alice.osintcase", "Alice", article)
    bob = new_case(tmp_path / "bob.osintcase", "Bob")
    merge(bob, export(alice, tmp_path / "a1.osintbundle", key))
    trace = flight_samples.write_readsb_trace(
        tmp_path / "trace_full_f0a001.json",
        flight_samples.synthetic_flight("UUWW", "ZKPY", hex="f0a001"), hex="f0a001",
        registration="00-9999", type_code="C17", desc=None, own_op=None)
    with Case.open(alice, examiner="Alice") as case:
        import_flight_file(case, trace)   # the serial is found in the article now
    later = entries(alice)
    assert [e.action for e in later] == ["find", "find"]
    assert later[1].details["added"] == 1 and later[1].details["rows"] == \
        later[0].details["rows"] + 1
    merge(bob, export(alice, tmp_path / "a2.osintbundle", key))
    assert identifiers(bob) == identifiers(alice)
    assert [e.action for e in entries(bob)] == ["merge", "merge"]
    with Case.open(bob, examiner="x", readonly=True) as case:
        assert search(case, "009999")   # the index says what the identifiers say


def test_a_tagged_bundle_carries_the_identifiers_of_its_captures(tmp_path, key, pages):
    alice = new_case(tmp_path / "alice.osintcase", "Alice", *pages)
    with Case.open(alice, examiner="Alice") as case:
        source, capture = case.conn.execute(
            "SELECT source_uuid, uuid FROM captures WHERE title LIKE 'Il-62M%'").fetchone()
        add_tag(case, source, "pyongyang")
    bundle = export(alice, tmp_path / "t.osintbundle", key, tag="pyongyang")
    assert [n for n in bundles.read_members(bundle) if n.startswith("bulk/identifiers/")] == [
        f"bulk/identifiers/{capture}.jsonl"]
    bob = new_case(tmp_path / "bob.osintcase", "Bob")
    out = CliRunner().invoke(cli, ["merge", str(bob), str(bundle)])
    assert out.exit_code == 0, out.output
    kept = [r for r in identifiers(alice) if r[1] == capture]
    assert f"identifiers: {len(kept)} add, in 1 capture\n" in out.output
    assert identifiers(bob) == kept


def _member(bundle):
    members = bundles.read_members(bundle)
    name = next(n for n in sorted(members) if n.startswith("bulk/identifiers/"))
    return members, name, name.split("/")[-1][:-len(".jsonl")]


def test_a_changed_or_missing_identifier_group_fails_verify_bundle(tmp_path, key, pages):
    alice = new_case(tmp_path / "alice.osintcase", "Alice", *pages)
    bundle = export(alice, tmp_path / "a.osintbundle", key)
    receiver = bundles.receiving_case(tmp_path)

    members, name, capture = _member(bundle)
    header, rows, *rest = bundles.read_jsonl(members[name])
    rows[0][4] = "RA-00000"    # the value of the first identifier
    members[name] = bundles.jsonl([header, rows, *rest])
    changed = bundles.write_members(tmp_path / "c.osintbundle", bundles.reseal(members, key=key))
    failures = verify_bundle(changed).failures
    assert [(f.object, "logged digest" in f.problem) for f in failures] == [
        (f"identifiers {capture}", True)]
    bundles.assert_merge_refused(changed, receiver, "does not verify")

    members, name, capture = _member(bundle)
    del members[name]
    missing = bundles.write_members(tmp_path / "m.osintbundle", bundles.reseal(members, key=key))
    failures = verify_bundle(missing).failures
    assert [(f.object, "missing from the bundle" in f.problem) for f in failures] == [
        (f"identifiers {capture}", True)]


def test_counts_and_the_dry_run_name_identifiers_not_lines(tmp_path, key, pages):
    """export-bundle counts identifiers (not the header and chunk lines of their groups),
    and merge --dry-run says how many identifiers the merge would add."""
    import json
    alice = new_case(tmp_path / "alice.osintcase", "Alice", *pages)
    bob = new_case(tmp_path / "bob.osintcase", "Bob")
    held = identifiers(alice)
    out = tmp_path / "a.osintbundle"
    result = CliRunner().invoke(cli, ["--examiner", "Alice", "export-bundle", str(alice),
                                      str(out), "--unsigned", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counts"]["identifiers"] == len(held)
    manifest = json.loads(bundles.read_members(out)["manifest.json"])
    assert manifest["counts"]["identifiers"] == len(held)
    dry = CliRunner().invoke(cli, ["--examiner", "Bob", "merge", str(bob), str(out),
                                   "--dry-run", "--accept-unsigned"])
    assert dry.exit_code == 0, dry.output
    assert f"identifiers: {len(held)} add, in 2 captures" in dry.stdout
    assert identifiers(bob) == []


def test_a_merge_that_brings_nothing_writes_nothing(tmp_path, key, pages):
    """A bundle merged a second time, or one's own bundle merged back: no audit entry,
    and the merge says so (text and JSON)."""
    import json
    alice = new_case(tmp_path / "alice.osintcase", "Alice", *pages)
    bob = new_case(tmp_path / "bob.osintcase", "Bob")
    bundle = export(alice, tmp_path / "a.osintbundle", key)
    own = export(bob, tmp_path / "b.osintbundle", key)
    merge(bob, bundle, "Bob")
    with Case.open(bob, examiner="x", readonly=True) as case:
        head = case.audit_head()
    for again in (bundle, own):
        text = CliRunner().invoke(cli, ["--examiner", "Bob", "merge", str(bob), str(again)])
        assert text.exit_code == 0, text.output
        assert text.stdout.strip() == (f"Nothing new: the case already holds everything in "
                                       f"{again} (nothing was written or logged)")
        data = CliRunner().invoke(cli, ["--examiner", "Bob", "merge", str(bob), str(again),
                                        "--json"])
        found = json.loads(data.stdout)
        assert found["nothing_new"] is True and found["merged"] is False
        assert found["audit_seq"] is None
    with Case.open(bob, examiner="x", readonly=True) as case:
        assert case.audit_head() == head


def test_the_text_log_names_the_merged_bundle(tmp_path, key, pages):
    alice = new_case(tmp_path / "alice.osintcase", "Alice", *pages)
    bob = new_case(tmp_path / "bob.osintcase", "Bob")
    bundle = export(alice, tmp_path / "a.osintbundle", key)
    merged = merge(bob, bundle, "Bob")
    text = CliRunner().invoke(cli, ["log", str(bob)])
    [line] = [l for l in text.stdout.splitlines() if l.startswith(f"#{merged.audit_seq} ")]
    assert line.split()[-2:] == ["a.osintbundle", merged.plan.sha256[:12]]
