"""The conflicts listing says where each version was made (the case's title, as the merge
recorded it) and the reason its examiner gave for the change."""

import pytest
from click.testing import CliRunner

from osintdesk.cli import cli
from osintdesk.custody.keys import create_examiner_key, load_examiner_key
from osintdesk.exchange.conflicts import list_conflicts
from osintdesk.exchange.export import export_bundle
from osintdesk.exchange.merge import merge_bundle
from osintdesk.findings.entities import add_entity, set_properties
from osintdesk.store import Case


@pytest.fixture
def key():
    create_examiner_key(None)
    return load_examiner_key(lambda: None)


def test_conflicts_name_the_case_and_the_reasons(tmp_path, key):
    alice, bob = tmp_path / "alice.osintcase", tmp_path / "bob.osintcase"
    with Case.create(alice, title="Il-62 flights", examiner="Alice") as case:
        entity = add_entity(case, "Organization", "Air Force", [("country", "ru")]).id
        export_bundle(case, tmp_path / "a.osintbundle", signer=key)
    with Case.create(bob, title="Bob's copy", examiner="Bob") as case:
        merge_bundle(case, tmp_path / "a.osintbundle")
        set_properties(case, entity, [("alias", "VKS")], reason="the registry says so")
        export_bundle(case, tmp_path / "b.osintbundle", signer=key)
    with Case.open(alice, examiner="Alice") as case:
        set_properties(case, entity, [("alias", "Russian Aerospace Forces")])
        merge_bundle(case, tmp_path / "b.osintbundle")
        [conflict] = list_conflicts(case)
    by_examiner = {h["examiner"]: h for h in conflict["heads"]}
    assert by_examiner["Bob"]["origin_title"] == "Bob's copy"
    assert by_examiner["Bob"]["reason"] == "the registry says so"
    assert by_examiner["Alice"]["origin_title"] == "Il-62 flights"
    assert by_examiner["Alice"]["reason"] is None
    text = CliRunner().invoke(cli, ["conflicts", str(alice)]).stdout
    assert "by Bob in “Bob's copy”" in text and "by Alice in “Il-62 flights”" in text
    assert text.count("reason given:") == 1 and "reason given: the registry says so" in text
