"""The same thing made in two cases independently (the same flight file, the same aircraft
from different files, the same page): merged once, what refers to it follows, both cases
converge on the same versions and verify (docs/exchange.md §3, issue 12)."""

import json
import shutil

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
from osintdesk.store import Case, versions
from osintdesk.verification import verify_case
from tests.support import flight_samples
from tests.support.chart_samples import write_sample_case


@pytest.fixture
def key():
    create_examiner_key(None)
    return load_examiner_key(lambda: None)


def export(path, out, key, examiner="x"):
    with Case.open(path, examiner=examiner) as case:
        export_bundle(case, out, signer=key)
    return out


def merge(path, bundle, examiner="x"):
    with Case.open(path, examiner=examiner) as case:
        return merge_bundle(case, bundle)


def counts(path) -> dict:
    with Case.open(path, examiner="x", readonly=True) as case:
        report = verify_case(case)
        assert report.ok, [str(f) for f in report.failures]
        one = lambda sql: case.conn.execute(sql).fetchone()[0]   # noqa: E731
        return {"points": one("SELECT sum(count) FROM track_blocks"),
                "aircraft": one("SELECT count(*) FROM aircraft"),
                "imports": one("SELECT count(*) FROM flight_imports"),
                "sources": one("SELECT count(*) FROM sources"),
                "captures": one("SELECT count(*) FROM captures"),
                "flights": one("SELECT count(*) FROM flights"),
                "versions": versions.versions_digest(case.conn)}


def sample_files(folder):
    """Two FR24 files of RA-86496 (no address in them) and a readsb trace of N7423C."""
    t0 = flight_samples.T0
    out = flight_samples.synthetic_flight("UUWW", "ZKPY", t0, gaps=[(3600, 7200)], step_s=60)
    back = flight_samples.synthetic_flight("ZKPY", "UUWW", out[-1].t + 86400, step_s=60,
                                           callsign="RSD002")
    bering = flight_samples.synthetic_flight("PANC", "UHPP", t0, hex="a9c2f1",
                                             callsign="N7423C", step_s=60)
    flight_samples.write_fr24_csv(folder / "RSD001.csv", out)
    flight_samples.write_fr24_csv(folder / "RSD002.csv", back)
    flight_samples.write_readsb_trace(folder / "trace_full_a9c2f1.json", bering, hex="a9c2f1",
                                      registration="N7423C", type_code="B738",
                                      desc="BOEING 737-800", own_op=None)
    return [(folder / "RSD001.csv", "RA-86496"), (folder / "RSD002.csv", "RA-86496"),
            (folder / "trace_full_a9c2f1.json", None)]


def test_the_same_flight_files_imported_in_two_cases_merge_once(tmp_path, key):
    alice, dora = tmp_path / "alice.osintcase", tmp_path / "dora.osintcase"
    files = sample_files(tmp_path)
    for path, examiner in ((alice, "Alice"), (dora, "Dora")):
        with Case.create(path, title=examiner, examiner=examiner) as case:
            for file, aircraft in files:
                import_flight_file(case, file, aircraft=aircraft)
    before = counts(alice)
    a_bundle = export(alice, tmp_path / "a.osintbundle", key)
    d_bundle = export(dora, tmp_path / "d.osintbundle", key)
    result = merge(alice, d_bundle)
    assert result.merged
    same = {(s["kind"], s["identity"].split(" ")[0]) for s in result.plan.same_as}
    assert ("flight-import", "sha256") in same and ("aircraft", "hex") in same
    assert ("aircraft", "registration") in same   # RA-86496 came from files without an address
    assert not any(c.kind in ("aircraft", "flight-import") for c in result.plan.changes)
    after = counts(alice)
    # One copy of each file's points and of each aircraft; the versions of both are kept.
    assert {k: after[k] for k in ("points", "aircraft", "imports", "flights")} == \
           {k: before[k] for k in ("points", "aircraft", "imports", "flights")}
    assert after["versions"] != before["versions"]
    merge(dora, a_bundle)
    assert counts(dora)["versions"] == after["versions"]
    again = merge(alice, d_bundle)
    assert again.plan.new_versions == [] and again.plan.changes == []
    # A bundle of the merged case carries the aliased versions and verifies.
    report = verify_bundle(export(alice, tmp_path / "a2.osintbundle", key))
    assert report.ok, [str(f) for f in report.failures]


def test_another_file_of_an_aircraft_held_here_joins_it(tmp_path, key):
    """Bob imports a later flight of the aircraft Alice tracks, from his own file: after the
    merge Alice's one aircraft has both files' points and all three flights."""
    alice, bob = tmp_path / "alice.osintcase", tmp_path / "bob.osintcase"
    write_sample_case(alice, examiner="Alice")
    later = flight_samples.synthetic_flight("ZKPY", "UUWW", flight_samples.T0 + 20 * 86400,
                                            step_s=20, callsign="RSD003")
    flight_samples.write_fr24_csv(tmp_path / "RSD003.csv", later)
    with Case.create(bob, title="Bob", examiner="Bob") as case:
        import_flight_file(case, tmp_path / "RSD003.csv", aircraft="RA-86496")
    before = counts(alice)
    result = merge(alice, export(bob, tmp_path / "b.osintbundle", key))
    assert [s["kind"] for s in result.plan.same_as] == ["aircraft"]
    after = counts(alice)
    assert after["aircraft"] == before["aircraft"]
    assert after["imports"] == before["imports"] + 1
    assert after["points"] == before["points"] + len(later)
    assert after["flights"] == before["flights"] + 1
    with Case.open(alice, examiner="x", readonly=True) as case:
        held = case.conn.execute("SELECT uuid FROM aircraft WHERE registration = 'RA-86496'"
                                 ).fetchone()[0]
        imported = case.conn.execute("SELECT aircraft_uuids FROM flight_imports ORDER BY id "
                                     "DESC LIMIT 1").fetchone()[0]
        owners = {r[0] for r in case.conn.execute("SELECT DISTINCT aircraft_id FROM track_blocks")}
    assert json.loads(imported) == [held]
    assert len(owners) == 2   # RA-86496 and N7423C: no third aircraft


def test_the_same_page_captured_in_two_cases_keeps_both_captures_under_one_source(tmp_path,
                                                                                   key):
    page = tmp_path / "article.html"
    page.write_text("<html><head><title>Il-62M lands in Pyongyang</title></head><body><p>"
                    "The aircraft RA-86496 landed at Sunan.</p></body></html>")
    alice, carol = tmp_path / "alice.osintcase", tmp_path / "carol.osintcase"
    for path, examiner in ((alice, "Alice"), (carol, "Carol")):
        with Case.create(path, title=examiner, examiner=examiner) as case:
            add_file(case, page)
    with Case.open(carol, examiner="Carol") as case:
        source = case.conn.execute("SELECT uuid FROM sources").fetchone()[0]
        add_tag(case, source, "pyongyang")
    bundle = export(carol, tmp_path / "c.osintbundle", key)
    runner = CliRunner()
    out = runner.invoke(cli, ["merge", str(alice), str(bundle), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert [s["kind"] for s in data["same_as"]] == ["source"]
    after = counts(alice)
    assert after["sources"] == 1 and after["captures"] == 2
    with Case.open(alice, examiner="x", readonly=True) as case:
        held = case.conn.execute("SELECT uuid FROM sources").fetchone()[0]
        owners = {r[0] for r in case.conn.execute("SELECT source_uuid FROM captures")}
        tags = [tuple(r) for r in case.conn.execute("SELECT source_uuid, tag FROM source_tags")]
    assert owners == {held} and tags == [(held, "pyongyang")]
    text = runner.invoke(cli, ["merge", str(carol), str(export(alice, tmp_path / "a.osintbundle",
                                                               key))])
    assert text.exit_code == 0, text.output
    assert "SAME source" in text.output
    assert counts(carol)["versions"] == after["versions"]


def test_a_row_written_behind_the_apps_back_is_still_caught_with_aliases(tmp_path, key):
    """Aliases excuse only what a merge does: a capture edited to point at another source,
    or a stand-in row removed, still fails verify."""
    page = tmp_path / "article.html"
    page.write_text("<html><head><title>Same page</title></head><body>x</body></html>")
    alice, carol = tmp_path / "alice.osintcase", tmp_path / "carol.osintcase"
    for path, examiner in ((alice, "Alice"), (carol, "Carol")):
        with Case.create(path, title=examiner, examiner=examiner) as case:
            add_file(case, page)
    merge(alice, export(carol, tmp_path / "c.osintbundle", key))
    from tests.support import adversary
    tampered = tmp_path / "tampered.osintcase"
    shutil.copyfile(alice, tampered)
    with adversary.opened(tampered) as conn:
        conn.execute("UPDATE captures SET title = 'Another page' WHERE examiner = 'Carol'")
    with Case.open(tampered, examiner="x", readonly=True) as case:
        report = verify_case(case)
    assert not report.ok
    assert any("capture" in str(f) for f in report.failures)


def test_the_merge_preview_says_what_is_already_here(tmp_path, key):
    from osintdesk.exchange.merge import preview_merge
    from osintdesk.ui.exchange.words import preview_html
    alice, dora = tmp_path / "alice.osintcase", tmp_path / "dora.osintcase"
    files = sample_files(tmp_path)
    for path, examiner in ((alice, "Alice"), (dora, "Dora")):
        with Case.create(path, title=examiner, examiner=examiner) as case:
            import_flight_file(case, files[2][0])
    bundle = export(dora, tmp_path / "d.osintbundle", key)
    with Case.open(alice, examiner="Alice", readonly=True) as case:
        preview = preview_merge(case, bundle)
    assert preview.refusals() == []
    html = preview_html(preview, "Alice")
    assert "2 records are already here under another id" in html
    assert "hex a9c2f1, registration N7423C" in html
