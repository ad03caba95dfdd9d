"""Merging bundles between colleagues: convergence in every order, re-merge adds nothing,
conflicts stay visible until settled, forks and unknown signers refused (issue 12)."""

import itertools
import json
import shutil

import pytest
from click.testing import CliRunner

from osintdesk.cli import cli
from osintdesk.custody.keys import create_examiner_key, load_examiner_key
from osintdesk.exchange.archive import BundleError
from osintdesk.exchange.conflicts import list_conflicts, resolve
from osintdesk.exchange.export import export_bundle
from osintdesk.exchange.merge import merge_bundle
from osintdesk.findings.entities import add_entity, set_properties
from osintdesk.findings.queries import get_entity
from osintdesk.store import Case, verify_case, versions
from osintdesk.verification import verify_case as full_verification
from osintdesk.exchange import layout
from tests.support import bundles


@pytest.fixture
def key():
    create_examiner_key(None)
    return load_examiner_key(lambda: None)


class Team:
    """Cases of several examiners in one folder, exchanging bundles."""

    def __init__(self, folder, key):
        self.folder = folder
        self.key = key
        self.count = 0

    def case(self, name: str, examiner: str):
        return Case.create(self.folder / name, title=f"Case of {examiner}", examiner=examiner)

    def export(self, path, examiner: str):
        self.count += 1
        out = self.folder / f"bundle{self.count}.osintbundle"
        with Case.open(path, examiner=examiner) as case:
            export_bundle(case, out, signer=self.key)
        return out

    def merge(self, path, examiner: str, bundle, **options):
        with Case.open(path, examiner=examiner) as case:
            return merge_bundle(case, bundle, **options)


def state(path) -> tuple[str, list]:
    """What must be equal after convergence: the versions, and every record's row."""
    with Case.open(path, examiner="x", readonly=True) as case:
        digest = versions.versions_digest(case.conn)
        rows = [(c["kind"], c["key"], c["shown"]) for c in list_conflicts(case)]
        entities = sorted((e["uuid"], e["properties"]) for e in
                          case.db.query("SELECT uuid, properties FROM entities"))
        report = full_verification(case)   # the store's checks and every domain's, checkpoints too
        assert report.ok, [str(f) for f in report.failures]
    return digest, rows + entities


@pytest.fixture
def team(tmp_path, key, sample_case_file):
    """Alice holds flights, a file and an entity; Bob and Carol each start from her bundle
    and change the same entity differently; Bob also adds an organisation."""
    t = Team(tmp_path, key)
    alice = tmp_path / "alice.osintcase"
    shutil.copyfile(sample_case_file, alice)
    (tmp_path / "note.txt").write_text("RA-86496 seen at Sunan")
    with Case.open(alice, examiner="Alice") as case:
        case.add_evidence_file(tmp_path / "note.txt")
        entity = add_entity(case, "Organization", "Air Force", [("country", "ru")])
    t.entity = entity.id
    t.alice = alice
    first = t.export(alice, "Alice")
    for name, examiner in (("bob", "Bob"), ("carol", "Carol")):
        with t.case(name, examiner) as case:
            path = case.path
        t.merge(path, examiner, first)
        setattr(t, name, path)
    with Case.open(t.bob, examiner="Bob") as case:
        set_properties(case, t.entity, [("alias", "VKS")])
        add_entity(case, "Person", "A. Pilot")
    with Case.open(t.carol, examiner="Carol") as case:
        set_properties(case, t.entity, [("alias", "Russian Aerospace Forces")])
    return t


def test_a_merged_bundle_brings_everything_and_verifies(team):
    with Case.open(team.bob, examiner="Bob", readonly=True) as case:
        points = case.conn.execute("SELECT sum(count) FROM track_blocks").fetchone()[0]
        flights = case.conn.execute("SELECT count(*) FROM flights").fetchone()[0]
        last = list(case.audit_entries())[-1]
    with Case.open(team.alice, examiner="x", readonly=True) as case:
        assert points == case.conn.execute("SELECT sum(count) FROM track_blocks").fetchone()[0]
        assert flights == case.conn.execute("SELECT count(*) FROM flights").fetchone()[0] > 0
        alice_head = case.audit_head()
    assert last.action != "merge"  # Bob's later edits come after the merge entry
    state(team.bob)
    with Case.open(team.bob, examiner="Bob", readonly=True) as case:
        merges = [e for e in case.audit_entries() if e.action == "merge" and not e.object_type]
        held = case.conn.execute("SELECT count(*) FROM foreign_audit").fetchone()[0]
    assert len(merges) == 1 and merges[0].details["signer"]["state"] == "trusted"
    assert merges[0].details["foreign_head"]["seq"] <= alice_head[0]
    assert held == merges[0].details["foreign_head"]["seq"]


def test_merging_converges_in_every_order(team):
    bob_bundle = team.export(team.bob, "Bob")
    carol_bundle = team.export(team.carol, "Carol")
    alice_bundle = team.export(team.alice, "Alice")
    team.merge(team.alice, "Alice", bob_bundle)
    team.merge(team.alice, "Alice", carol_bundle)
    team.merge(team.bob, "Bob", carol_bundle)
    team.merge(team.carol, "Carol", bob_bundle)
    team.merge(team.bob, "Bob", alice_bundle)
    team.merge(team.carol, "Carol", alice_bundle)
    results = [state(p) for p in (team.alice, team.bob, team.carol)]
    assert results[0] == results[1] == results[2]
    conflicts = [r for r in results[0][1] if len(r) == 3]
    assert conflicts == [("entity", team.entity, conflicts[0][2])]
    with Case.open(team.alice, examiner="x", readonly=True) as case:
        heads = versions.heads(case.conn, "entity", team.entity)
        aliases = [json.loads(h.state["properties"]).get("alias") for h in heads]
    assert sorted(a[0] for a in aliases) == ["Russian Aerospace Forces", "VKS"]


def test_every_order_of_four_cases_ends_the_same(tmp_path, key):
    t = Team(tmp_path, key)
    paths = []
    for index, examiner in enumerate(("Ann", "Ben", "Cat", "Dan")):
        with t.case(f"c{index}", examiner) as case:
            add_entity(case, "Person", f"Person of {examiner}")
            paths.append(case.path)
    exported = [t.export(p, e) for p, e in zip(paths, ("Ann", "Ben", "Cat", "Dan"))]
    finals = []
    for order in itertools.permutations(range(4)):
        if order[0] != 0:
            continue  # every order of the other three into Ann's copy
        target = tmp_path / f"order{''.join(map(str, order))}.osintcase"
        shutil.copyfile(paths[0], target)
        for index in order[1:]:
            t.merge(target, "Ann", exported[index])
        finals.append(state(target))
    assert all(f == finals[0] for f in finals)
    assert len([e for e in finals[0][1] if len(e) == 2]) == 4


def test_merging_a_bundle_twice_adds_nothing(team):
    bob_bundle = team.export(team.bob, "Bob")
    first = team.merge(team.alice, "Alice", bob_bundle)
    assert first.merged and first.plan.new_versions
    before = state(team.alice)
    again = team.merge(team.alice, "Alice", bob_bundle)
    assert again.plan.new_versions == [] and again.plan.changes == []
    assert state(team.alice) == before


def test_a_conflict_is_settled_with_a_new_version(team):
    team.merge(team.alice, "Alice", team.export(team.bob, "Bob"))
    team.merge(team.alice, "Alice", team.export(team.carol, "Carol"))
    with Case.open(team.alice, examiner="Alice") as case:
        [conflict] = list_conflicts(case)
        carol_version = next(h["version"] for h in conflict["heads"]
                             if "Russian Aerospace Forces" in h["state"]["properties"])
        result = resolve(case, team.entity[:8], carol_version[:10], reason="Carol's is right")
        assert list_conflicts(case) == []
        entity = get_entity(case, team.entity)
        assert entity.properties["alias"] == ["Russian Aerospace Forces"]
        assert verify_case(case).ok
    settled = team.export(team.alice, "Alice")
    team.merge(team.bob, "Bob", settled)
    with Case.open(team.bob, examiner="Bob", readonly=True) as case:
        assert list_conflicts(case) == []
        assert versions.heads(case.conn, "entity", team.entity)[0].version == result["version"]


def test_cli_merge_conflicts_and_resolve(team):
    runner = CliRunner()
    bob_bundle = team.export(team.bob, "Bob")
    carol_bundle = team.export(team.carol, "Carol")
    preview = runner.invoke(cli, ["merge", str(team.alice), str(bob_bundle), "--dry-run",
                                  "--json"])
    assert preview.exit_code == 0, preview.output
    assert json.loads(preview.output)["merged"] is False
    for bundle in (bob_bundle, carol_bundle):
        done = runner.invoke(cli, ["merge", str(team.alice), str(bundle)])
        assert done.exit_code == 0, done.output
    assert "CONFLICT entity" in done.output
    text = runner.invoke(cli, ["conflicts", str(team.alice)]).output
    # What differs, value by value, not the rows' JSON.
    assert "differ in properties.alias" in text
    assert "properties.alias: VKS" in text and "properties.alias: Russian Aerospace Forces" in text
    listed = runner.invoke(cli, ["conflicts", str(team.alice), "--json"])
    [conflict] = json.loads(listed.output)
    keep = conflict["heads"][0]["version"]
    settled = runner.invoke(cli, ["resolve", str(team.alice), conflict["key"], "--keep", keep])
    assert settled.exit_code == 0, settled.output
    assert runner.invoke(cli, ["conflicts", str(team.alice)]).output.strip() == "No conflicts."


def test_a_forked_history_raises_the_alarm(team, tmp_path):
    """Alice's later bundle whose history was rewritten does not extend what Bob holds."""
    from tests.support import adversary
    with Case.open(team.alice, examiner="Alice") as case:
        add_entity(case, "Person", "Later person")
    with adversary.opened(team.alice) as conn:
        removed = adversary.remove_entries_about(conn, "object_type = 'entity'")
        adversary.remove_rows_logged_by(conn, removed)
    with Case.open(team.alice, examiner="Alice") as case:
        add_entity(case, "Person", "Rewritten person")
    forked = team.export(team.alice, "Alice")
    size = team.bob.stat().st_size
    digest = state(team.bob)[0]
    with pytest.raises(BundleError, match="FORK"):
        team.merge(team.bob, "Bob", forked)
    assert state(team.bob)[0] == digest and team.bob.stat().st_size == size


def test_unsigned_and_unknown_signers_need_consent(team, tmp_path, monkeypatch):
    unsigned = tmp_path / "u.osintbundle"
    with Case.open(team.bob, examiner="Bob") as case:
        export_bundle(case, unsigned, signer=None)
    with pytest.raises(BundleError, match="--accept-unsigned"):
        team.merge(team.alice, "Alice", unsigned)
    assert team.merge(team.alice, "Alice", unsigned, accept_unsigned=True).merged
    signed = team.export(team.carol, "Carol")
    monkeypatch.setenv("OSINTDESK_CONFIG_DIR", str(tmp_path / "elsewhere"))
    with pytest.raises(BundleError, match="--accept-unknown-signer"):
        team.merge(team.alice, "Alice", signed)
    result = team.merge(team.alice, "Alice", signed, accept_unknown_signer=True)
    with Case.open(team.alice, examiner="x", readonly=True) as case:
        entry = next(e for e in case.audit_entries() if e.seq == result.audit_seq)
    assert entry.details["signer"]["state"] == "unknown"


def test_a_tampered_bundle_is_not_merged(team, tmp_path):
    bundle = team.export(team.bob, "Bob")
    members = bundles.read_members(bundle)
    name = "records/entity.jsonl"
    members[name] = members[name].replace(b"VKS", b"XYZ")
    bad = bundles.write_members(tmp_path / "bad.osintbundle", members)
    before = team.alice.read_bytes()
    with pytest.raises(BundleError, match="does not verify"):
        team.merge(team.alice, "Alice", bad)
    assert team.alice.read_bytes() == before


def test_a_tagged_bundle_is_complete_in_itself(tmp_path, key, sample_case_file):
    """Only the tagged source, the claim citing it and what the claim cites (a flight: its
    aircraft, flight files and points) travel; merged into an empty case, it verifies."""
    from osintdesk.findings.claims import add_claim
    from osintdesk.flights import queries as flight_queries
    from osintdesk.sources.annotations import add_tag
    from osintdesk.sources.local_files import add_files
    from osintdesk.sources.queries import list_sources
    t = Team(tmp_path, key)
    alice = tmp_path / "alice.osintcase"
    shutil.copyfile(sample_case_file, alice)
    for name, text in (("shared.html", "RA-86496 landed at Sunan"),
                       ("private.html", "An informant's note")):
        (tmp_path / name).write_text(f"<html><body><p>{text}</p></body></html>")
    with Case.open(alice, examiner="Alice") as case:
        add_files(case, [tmp_path / "shared.html", tmp_path / "private.html"])
        by_name = {s["name"]: s["uuid"] for s in list_sources(case)}
        add_tag(case, by_name["shared.html"], "for-bob")
        flight = flight_queries.select_flights(case)[0]["uuid"]
        claim = add_claim(case, "The Il-62M flew to Pyongyang",
                          cite=[by_name["shared.html"], flight])
        add_entity(case, "Person", "Unrelated person")
        out = tmp_path / "tagged.osintbundle"
        export_bundle(case, out, signer=key, tag="for-bob")
    members = bundles.read_members(out)
    names = json.dumps([s["name"] for s in bundles.read_jsonl(members["records/source.jsonl"])])
    assert "shared.html" in names and "private.html" not in names
    assert b"Unrelated person" not in members["records/entity.jsonl"]
    assert any(n.startswith("bulk/track-points/") for n in members)
    report = __import__("osintdesk.exchange.check", fromlist=["x"]).verify_bundle(out)
    assert report.ok, [str(f) for f in report.failures]
    with t.case("bob", "Bob") as case:
        bob = case.path
    t.merge(bob, "Bob", out)
    with Case.open(bob, examiner="Bob", readonly=True) as case:
        assert verify_case(case).ok
        assert case.get_record("claim", claim["uuid"]) is not None
        assert [s["name"] for s in list_sources(case)] == ["shared.html"]
        assert flight_queries.select_flights(case)


def test_a_tagged_bundle_carries_what_was_deleted_since(tmp_path, key):
    """Alice sent Bob her tagged source with a second tag and a claim citing it; she then
    removes the tag and deletes the claim. Her next bundle of the same tag makes Bob's
    copies go too; a source never tagged still does not travel."""
    from osintdesk.findings.claims import add_claim
    from osintdesk.findings.delete import delete_finding
    from osintdesk.sources.annotations import add_tag, remove_tag
    from osintdesk.sources.local_files import add_files
    from osintdesk.sources.queries import list_sources
    t = Team(tmp_path, key)
    for name in ("shared.html", "private.html"):
        (tmp_path / name).write_text(f"<html><body><p>{name}</p></body></html>")
    with t.case("alice", "Alice") as case:
        alice = case.path
        add_files(case, [tmp_path / "shared.html", tmp_path / "private.html"])
        by_name = {s["name"]: s["uuid"] for s in list_sources(case)}
        shared = by_name["shared.html"]
        add_tag(case, shared, "for-bob")
        add_tag(case, shared, "unconfirmed")
        add_tag(case, by_name["private.html"], "mine")
        claim = add_claim(case, "It landed", cite=[shared])["uuid"]
    with t.case("bob", "Bob") as case:
        bob = case.path
    first = tmp_path / "first.osintbundle"
    with Case.open(alice, examiner="Alice") as case:
        export_bundle(case, first, signer=key, tag="for-bob")
    t.merge(bob, "Bob", first)
    with Case.open(alice, examiner="Alice") as case:
        remove_tag(case, shared, "unconfirmed")
        delete_finding(case, "claim", claim)
        remove_tag(case, by_name["private.html"], "mine")
        second = tmp_path / "second.osintbundle"
        export_bundle(case, second, signer=key, tag="for-bob")
    tags = bundles.read_jsonl(bundles.read_members(second)[layout.VERSIONS])
    assert not any(v["kind"] == "tag" and v["state"] and v["state"]["tag"] == "mine"
                   for v in tags)
    result = t.merge(bob, "Bob", second)
    assert result.plan.counts().get("claim") == {"delete": 1}
    with Case.open(bob, examiner="Bob", readonly=True) as case:
        report = full_verification(case)
        assert report.ok, [str(f) for f in report.failures]
        assert case.get_record("claim", claim) is None
        held = [r[0] for r in case.conn.execute("SELECT tag FROM source_tags")]
        assert held == ["for-bob"]
        assert [s["name"] for s in list_sources(case)] == ["shared.html"]


def test_a_tag_no_source_carries(team, tmp_path):
    from osintdesk.errors import OsintdeskError
    with Case.open(team.alice, examiner="Alice") as case, \
            pytest.raises(OsintdeskError, match="no source carries the tag"):
        export_bundle(case, tmp_path / "none.osintbundle", tag="nothing")
    assert not (tmp_path / "none.osintbundle").exists()


def test_checkpoints_that_came_with_a_bundle_are_checked_against_its_history(team, tmp_path):
    """Alice's checkpoints travel in her bundle: in Bob's case they sign her merged log,
    so Bob's full verification holds, and a rewrite of that merged log fails it."""
    from osintdesk.custody import checkpoints
    from osintdesk.verification import verify_case as full_verify
    from tests.support import adversary
    with Case.open(team.alice, examiner="Alice") as case:
        checkpoints.create(case, team.key, reason="checkpoint")
    with t_case(team, "dora", "Dora") as path:
        team.merge(path, "Dora", team.export(team.alice, "Alice"))
        with Case.open(path, examiner="Dora", readonly=True) as case:
            report = full_verify(case)
            assert report.ok, [str(f) for f in report.failures]
            assert checkpoints.latest(case) is None   # none of Dora's own yet
        with adversary.opened(path) as conn:   # a careful adversary reseals the merged log
            conn.execute("UPDATE foreign_audit SET examiner = 'Mallory' WHERE seq = 1")
            adversary.reseal_foreign(conn)
        with Case.open(path, examiner="Dora", readonly=True) as case:
            failures = [str(f) for f in full_verify(case).failures]
        assert failures and all("merged history" in f and "rewritten" in f for f in failures)


from contextlib import contextmanager  # noqa: E402


@contextmanager
def t_case(team, name, examiner):
    with team.case(name, examiner) as case:
        path = case.path
    yield path


def test_an_older_copy_of_a_history_is_not_a_fork(tmp_path, key):
    """Ben holds Cat's first bundle, Ann her later one: Ben's bundle (carrying Cat's older
    history) merges into Ann's case, and Cat's first bundle arriving late adds nothing."""
    t = Team(tmp_path, key)
    paths = {}
    for name, examiner in (("ann", "Ann"), ("ben", "Ben"), ("cat", "Cat")):
        with t.case(name, examiner) as case:
            add_entity(case, "Person", f"Person of {examiner}")
            paths[name] = case.path
    cat_first = t.export(paths["cat"], "Cat")
    t.merge(paths["ben"], "Ben", cat_first)
    with Case.open(paths["cat"], examiner="Cat") as case:
        add_entity(case, "Person", "Later person of Cat")
    cat_later = t.export(paths["cat"], "Cat")
    t.merge(paths["ann"], "Ann", cat_later)
    assert t.merge(paths["ann"], "Ann", t.export(paths["ben"], "Ben")).merged
    late = t.merge(paths["ann"], "Ann", cat_first)
    # Not a fork, and nothing new: nothing written, not even an audit entry.
    assert not late.merged and late.plan.nothing_new() and late.plan.new_versions == []
    state(paths["ann"])


def test_an_edit_of_a_record_in_conflict_keeps_the_conflict(team):
    """Editing what the row shows adds to that version; the other stays, until resolve."""
    team.merge(team.alice, "Alice", team.export(team.bob, "Bob"))
    team.merge(team.alice, "Alice", team.export(team.carol, "Carol"))
    with Case.open(team.alice, examiner="Alice") as case:
        set_properties(case, team.entity, [("weakAlias", "Air Force of the summit")])
        [conflict] = list_conflicts(case)
        aliases = sorted(json.loads(h["state"]["properties"])["alias"][0]
                         for h in conflict["heads"])
        assert aliases == ["Russian Aerospace Forces", "VKS"]
        report = verify_case(case)
        assert report.ok, [str(f) for f in report.failures]


def test_a_tag_removed_and_added_again_is_not_a_second_tag(team):
    from osintdesk.sources.annotations import add_tag, remove_tag
    from osintdesk.sources.local_files import add_files
    from osintdesk.sources.queries import list_sources, tags_of
    page = team.folder / "page.html"
    page.write_text("<html><body><p>An article</p></body></html>")
    with Case.open(team.alice, examiner="Alice") as case:
        add_files(case, [page])
        source = list_sources(case)[0]["uuid"]
        add_tag(case, source, "share")
    team.merge(team.bob, "Bob", team.export(team.alice, "Alice"))
    with Case.open(team.alice, examiner="Alice") as case:
        remove_tag(case, source, "share")
        add_tag(case, source, "share")
    assert team.merge(team.bob, "Bob", team.export(team.alice, "Alice")).merged
    with Case.open(team.bob, examiner="Bob", readonly=True) as case:
        assert [t["tag"] for t in tags_of(case, source)] == ["share"]
    state(team.bob)


def test_a_bundle_replaced_while_it_is_merged_is_refused(team, tmp_path):
    honest = team.export(team.bob, "Bob")
    other = team.export(team.carol, "Carol")
    before = team.alice.read_bytes()
    swapped = []

    def progress(done, total):
        if total and done == total and not swapped:   # the last step of its verification
            swapped.append(True)
            honest.write_bytes(other.read_bytes())

    with pytest.raises(BundleError, match="changed while"):
        team.merge(team.alice, "Alice", honest, progress=progress)
    assert swapped and team.alice.read_bytes() == before
