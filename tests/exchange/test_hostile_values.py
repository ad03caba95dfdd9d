"""Hostile values inside a well-formed bundle: manifest fields, audit lines, record lines
and record versions of the wrong shape, each refused with one message naming the member
or line, by verify-bundle and by merge, the receiving case byte-identical (issue 12)."""

import hashlib
import json
import uuid

import pytest
from click.testing import CliRunner

from osintdesk.cli import cli
from osintdesk.exchange import layout
from osintdesk.exchange.archive import BundleError
from osintdesk.exchange.check import verify_bundle
from osintdesk.exchange.export import export_bundle
from osintdesk.findings.entities import add_entity
from osintdesk.store import Case, versions
from osintdesk.store.canonical import canonical_json, record_hash
from tests.support import bundles


@pytest.fixture
def members(tmp_path):
    """An unsigned bundle of a small case (an entity and a file of evidence), as members."""
    page = tmp_path / "page.html"
    page.write_text("<p>RA-86496 lands in Pyongyang</p>")
    with Case.create(tmp_path / "ann.osintcase", title="Ann's case", examiner="Ann") as case:
        add_entity(case, "Person", "Ann's witness")
        case.add_evidence_file(page)
        export_bundle(case, tmp_path / "ann.osintbundle")
    return bundles.read_members(tmp_path / "ann.osintbundle")


@pytest.fixture
def receiver(tmp_path):
    return bundles.receiving_case(tmp_path)


def write(tmp_path, members, **manifest_changes):
    return bundles.write_members(tmp_path / "hostile.osintbundle",
                                 bundles.reseal(members, manifest_changes=manifest_changes))


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


def failures(bundle) -> list[str]:
    report = verify_bundle(bundle)
    assert not report.ok
    code, text = run("verify-bundle", bundle)
    assert code == 1 and "Traceback" not in text
    return [str(f) for f in report.failures]


# ------------------------------------------------------------------ record versions

def entity_state(key, **changes):
    return {"created_utc": "2026-01-01T00:00:00Z", "examiner": "Mallory", "extra": None,
            "properties": json.dumps({"name": ["Injected"]}), "schema": "Person", "uuid": key,
            **changes}


def version_line(kind, key, state, state_hash=None):
    if state is not None and state_hash is None:
        state_hash = record_hash(state)
    return {"version": versions.version_id(kind, key, [], state_hash), "kind": kind,
            "key": key, "parents": [], "state": state, "state_hash": state_hash,
            "origin_case": str(uuid.uuid4()), "created_utc": "2026-01-01T00:00:00Z",
            "examiner": "Mallory"}


VERSIONS = {   # what is added to versions.jsonl -> what verify-bundle says
    "never logged": (lambda k: version_line("entity", k, entity_state(k)),
                     "is missing, but its latest version is not a deletion"),
    "state of another record": (
        lambda k: version_line("entity", k, entity_state(str(uuid.uuid4()))),
        "has a state of another record"),
    "extra column": (lambda k: version_line("entity", k, entity_state(k, evil="x")),
                     "unknown column evil"),
    "missing column": (lambda k: version_line("entity", k, {
        c: v for c, v in entity_state(k).items() if c not in ("extra", "properties")}),
        "missing columns properties, extra"),
    "local id in the state": (lambda k: version_line("entity", k, entity_state(k, id=7)),
                              "unknown column id"),
    "object value": (lambda k: version_line("entity", k, entity_state(k, extra={"a": 1})),
                     "column 'extra' holds a JSON object"),
    "true for a number": (lambda k: version_line("entity", k, entity_state(k, extra=True)),
                          "column 'extra' holds a JSON true/false"),
    "bad blob": (lambda k: version_line("entity", k, entity_state(k, extra={"$hex": "zz"})),
                 "column 'extra' holds a JSON object"),
    "unknown kind": (lambda k: version_line("spaceship", k, {"uuid": k}),
                     "record kind osintdesk does not know"),
    "deletion with a list hash": (lambda k: version_line("entity", k, None, ["x"]),
                                  "is a deletion with a state hash"),
    "state without a hash": (lambda k: {**version_line("entity", k, entity_state(k)),
                                        "state_hash": ["x"]},
                             "'state_hash' is not a SHA-256"),
    "key not text": (lambda k: {**version_line("entity", k, entity_state(k)), "key": [k]},
                     "its 'version' or 'key' is wrong"),
}


@pytest.mark.parametrize("tag", [None, "x"], ids=["whole", "tagged"])
@pytest.mark.parametrize("what", sorted(VERSIONS))
def test_hostile_record_versions(members, receiver, tmp_path, what, tag):
    """The tag is a manifest field the sender controls: a tagged bundle is checked as
    strictly (every live head has its logged row)."""
    make, expected = VERSIONS[what]
    members[layout.VERSIONS] += canonical_json(make(str(uuid.uuid4()))) + b"\n"
    bundle = write(tmp_path, members, selection={"tag": tag})
    found = failures(bundle)
    assert any(expected in f for f in found), found
    if what != "never logged":
        assert any(f"{layout.VERSIONS}: line " in f for f in found), found
    bundles.assert_merge_refused(bundle, receiver, "does not verify")


def test_a_version_citing_evidence_the_bundle_lacks(members, receiver, tmp_path):
    lines = bundles.read_jsonl(members[layout.VERSIONS])
    line = next(v for v in lines if v["kind"] == "evidence")
    state = {**line["state"], "sha256": "ab" * 32}
    lines[lines.index(line)] = version_line("evidence", line["key"], state)
    members[layout.VERSIONS] = bundles.jsonl(lines)
    found = failures(write(tmp_path, members))
    assert any("version" in f and f"cites evidence the bundle lacks (sha256 {'ab' * 32})" in f
               for f in found), found
    bundles.assert_merge_refused(tmp_path / "hostile.osintbundle", receiver, "does not verify")


# ------------------------------------------------------------------ record lines

RECORD_LINES = {
    "unknown column": (lambda row: {**row, "evil": 1}, "unknown column evil"),
    "missing column": (lambda row: {k: v for k, v in row.items() if k != "schema"},
                       "missing column schema"),
    "array value": (lambda row: {**row, "extra": [1]}, "column 'extra' holds a JSON array"),
    "uuid not text": (lambda row: {**row, "uuid": 5}, "its 'uuid' is not text"),
    "not an object": (lambda row: [row], "not a JSON object"),
}


@pytest.mark.parametrize("what", sorted(RECORD_LINES))
def test_hostile_record_lines(members, receiver, tmp_path, what):
    change, expected = RECORD_LINES[what]
    name = layout.record_member("entity")
    rows = bundles.read_jsonl(members[name])
    members[name] = bundles.jsonl([change(rows[0]), *rows[1:]])
    found = failures(write(tmp_path, members))
    assert any(f"{name} line 1" in f and "is not a valid entity record" in f and expected in f
               for f in found), found
    bundles.assert_merge_refused(tmp_path / "hostile.osintbundle", receiver, "does not verify")


def test_the_case_record_must_be_the_case_the_manifest_names(members, receiver, tmp_path):
    manifest = bundles.manifest_of(members)
    bundle = write(tmp_path, members, case={**manifest["case"], "uuid": str(uuid.uuid4())})
    found = failures(bundle)
    assert any(layout.CASE_RECORD in f and "is not the case the manifest names" in f
               for f in found), found
    bundles.assert_merge_refused(bundle, receiver, "does not verify")


# ------------------------------------------------------------------ the manifest

MANIFEST_FIELDS = {
    "exported_by text": ({"exported_by": "Mallory"}, "'exported_by' is not an object"),
    "selection a list": ({"selection": ["x"]}, "'selection' is not an object"),
    "tag a number": ({"selection": {"tag": 5}}, "'selection' is not an object"),
    "case empty": ({"case": {}}, "'case.uuid' is not a case uuid"),
    "case uuid a list": ({"case": {"uuid": ["x"], "title": "t"}},
                         "'case.uuid' is not a case uuid"),
    "case a list": ({"case": []}, "'case' is not an object"),
    "head seq text": ({"audit_head": {"seq": "1", "hash": "0" * 64}}, "'audit_head' is not"),
    "head hash a number": ({"audit_head": {"seq": 1, "hash": 3}}, "'audit_head' is not"),
    "counts text": ({"counts": {"entity": "1"}}, "'counts' are not whole numbers"),
    "app version a list": ({"app_version": [1]}, "'app_version' is not text"),
}


@pytest.mark.parametrize("what", sorted(MANIFEST_FIELDS))
def test_manifest_fields_of_the_wrong_type(members, receiver, tmp_path, what):
    changes, expected = MANIFEST_FIELDS[what]
    bundle = write(tmp_path, members, **changes)
    with pytest.raises(BundleError, match=f"member manifest.json: .*{_re(expected)}"):
        verify_bundle(bundle)
    code, text = run("verify-bundle", bundle)
    assert code == 2 and "Traceback" not in text and expected in text
    bundles.assert_merge_refused(bundle, receiver, _re(expected))


def _re(text: str) -> str:
    import re
    return re.escape(text)


def raw_manifest(members, data: bytes) -> dict:
    """The manifest replaced by ``data`` and its digest made to match (no re-sealing)."""
    return {**members, layout.MANIFEST: data,
            layout.MANIFEST_DIGEST: (hashlib.sha256(data).hexdigest() + "\n").encode()}


def _sizes(value):
    def change(manifest):
        for item in manifest["files"]:
            item["size"] = value(item["size"])
        return canonical_json(manifest)
    return change


RAW_MANIFESTS = {
    "size with a fraction": (_sizes(lambda s: s + 0.5), "a size in whole bytes"),
    "size true": (_sizes(lambda s: True), "a size in whole bytes"),
    "size negative": (_sizes(lambda s: -1), "a size in whole bytes"),
    "sha256 upper case": (lambda m: canonical_json({**m, "files": [
        {**f, "sha256": f["sha256"].upper()} for f in m["files"]]}), "lower-case SHA-256"),
    "nested too deeply": (lambda m: b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "NaN": (lambda m: canonical_json(m)[:-1] + b',"x":NaN}', "NaN is not a JSON number"),
    "format version true": (lambda m: canonical_json({**m, "format_version": True}),
                            "has no format version"),
}


@pytest.mark.parametrize("what", sorted(RAW_MANIFESTS))
def test_malformed_manifests(members, receiver, tmp_path, what):
    make, expected = RAW_MANIFESTS[what]
    data = make(bundles.manifest_of(members))
    bundle = bundles.write_members(tmp_path / "m.osintbundle", raw_manifest(members, data))
    with pytest.raises(BundleError, match=f"member manifest.json: .*{_re(expected)}"):
        verify_bundle(bundle)
    bundles.assert_merge_refused(bundle, receiver, _re(expected))


# ------------------------------------------------------------------ audit lines

AUDIT_LINES = {
    "prev_hash a number": (lambda e: {**e, "prev_hash": 5}, "'prev_hash' is not a SHA-256"),
    "seq text": (lambda e: {**e, "seq": "2"}, "'seq' is not a whole number"),
    "object_id a list": (lambda e: {**e, "object_id": ["x"]}, "'object_id' is not text"),
    "details a list": (lambda e: {**e, "details": []}, "'details' is not an object"),
    "a field missing": (lambda e: {k: v for k, v in e.items() if k != "examiner"},
                        "is not an audit entry (its fields must be"),
    "not an object": (lambda e: [e], "is not an audit entry"),
}


@pytest.mark.parametrize("what", sorted(AUDIT_LINES))
def test_audit_lines_of_the_wrong_type(members, receiver, tmp_path, what):
    change, expected = AUDIT_LINES[what]
    lines = bundles.read_jsonl(members[layout.AUDIT_LOG])
    lines[1] = change(lines[1])
    members[layout.AUDIT_LOG] = bundles.jsonl(lines)
    found = failures(write(tmp_path, members))
    assert any(f"{layout.AUDIT_LOG}: line 2 " in f and expected in f for f in found), found
    bundles.assert_merge_refused(tmp_path / "hostile.osintbundle", receiver, "does not verify")


def test_a_foreign_chain_of_the_wrong_type_is_refused_by_merge_too(members, receiver,
                                                                    tmp_path):
    lines = bundles.read_jsonl(members[layout.AUDIT_LOG])
    lines[0]["seq"] = "1"
    members[layout.foreign_member(str(uuid.uuid4()))] = bundles.jsonl(lines)
    found = failures(write(tmp_path, members))
    assert any("audit/foreign/" in f and "'seq' is not a whole number" in f for f in found)
    bundles.assert_merge_refused(tmp_path / "hostile.osintbundle", receiver, "does not verify")


def test_a_line_nested_too_deeply(members, receiver, tmp_path):
    name = layout.record_member("entity")
    members[name] += b"[" * 100_000 + b"]" * 100_000 + b"\n"
    found = failures(write(tmp_path, members))
    assert any(name in f and "is not valid JSON (nested too deeply)" in f for f in found)
    bundles.assert_merge_refused(tmp_path / "hostile.osintbundle", receiver, "does not verify")


@pytest.mark.parametrize("depth", [900, 980, 995])
def test_values_nested_almost_too_deeply_for_the_parser(members, receiver, tmp_path, depth):
    """Parsed, but nested so deep that hashing or printing them would overflow the stack:
    refused by their shape, never by a RecursionError further on."""
    nested = b"[" * depth + b"]" * depth
    name = layout.record_member("entity")
    rows = bundles.read_jsonl(members[name])
    members[name] = canonical_json(rows[0])[:-1] + b',"extra":' + nested + b"}\n"
    audit = bundles.read_jsonl(members[layout.AUDIT_LOG])
    members[layout.AUDIT_LOG] = b"".join([
        canonical_json(audit[0])[:-1] + b',"details":' + b'{"x":' + nested + b"}}\n",
        *(canonical_json(e) + b"\n" for e in audit[1:])])
    found = failures(write(tmp_path, members))
    assert any(f.startswith(("audit entry 1:", f"{layout.AUDIT_LOG}: line ")) for f in found), found
    assert any(name in f for f in found), found
    bundles.assert_merge_refused(tmp_path / "hostile.osintbundle", receiver, "does not verify")
    manifest = bundles.manifest_of(members)
    data = canonical_json({**manifest, "counts": {}})[:-1] + b',"counts":{"x":' + nested + b"}}"
    bundle = bundles.write_members(tmp_path / "m.osintbundle", raw_manifest(members, data))
    with pytest.raises(BundleError, match="member manifest.json: "):
        verify_bundle(bundle)
    bundles.assert_merge_refused(bundle, receiver, "manifest.json")
