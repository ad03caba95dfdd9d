"""The FtM export, read back by a validator working from its own copy of the FtM model."""

from __future__ import annotations

import hashlib
import json

import pytest

from osintdesk.exports import ftm
from osintdesk.exports.base import make_scope, run_export

from .ftm_validator import Invalid, validate_lines


def export(case, tmp_path, name="out.ftm", **filters):
    result = run_export(case, ftm.FORMAT, tmp_path / name, make_scope(case, **filters))
    text = (tmp_path / name).read_text(encoding="utf-8")
    return result, text, {e["id"]: e for e in validate_lines(text)}


def props(entity, name):
    return entity["properties"].get(name, [])


def test_the_story_is_valid_ftm_with_every_record(story, tmp_path):
    case, ids, hostile = story
    result, text, entities = export(case, tmp_path)
    schemata = {e["schema"] for e in entities.values()}
    assert {"Airplane", "Organization", "Person", "Company", "Address", "Trip", "Event",
            "Document", "UnknownLink", "Membership", "Note"} <= schemata
    for key in ("il62", "b738", "air_force", "pilot", "airline", "sunan", "operator", "member",
                "charter", "landing", "crossing", "flew", "bering", "article", "caption"):
        assert ids[key] in entities, key
    trips = [e for e in entities.values() if e["schema"] == "Trip"]
    assert len(trips) == 3 and result.counts["Trip"] == 3
    for trip in trips:     # FtM requires Address ends; the vehicle is the Airplane
        for end in ("startLocation", "endLocation"):
            [place] = props(trip, end)
            assert entities[place]["schema"] == "Address" and props(entities[place], "latitude")
        assert entities[props(trip, "vehicle")[0]]["schema"] == "Airplane"
    # the airport place made in the case is the one the trips use
    assert sum(ids["sunan"] in props(t, "endLocation") + props(t, "startLocation")
               for t in trips) == 2
    operator = entities[ids["operator"]]
    assert props(operator, "subject") == [ids["air_force"]]
    assert props(operator, "object") == [ids["il62"]]
    assert props(operator, "proof") == [ids["article"]]
    claim = entities[ids["flew"]]
    assert claim["schema"] == "Note" and props(claim, "entity") == [ids["il62"]]
    assert any(ids["passage"] in note for note in props(claim, "notes"))
    if hostile:    # text arrives as stored: nothing escaped twice, nothing lost
        assert "\u202e" in props(entities[ids["air_force"]], "name")[0]
        assert "<b>&amp;" in props(entities[ids["pilot"]], "name")[0]
        assert "\n" in props(entities[ids["landing"]], "name")[0]
    assert result.counts == dict(sorted(
        {s: sum(e["schema"] == s for e in entities.values()) for s in schemata}.items()))


def test_documents_carry_sha1_and_our_sha256(plain_story, tmp_path):
    case, ids = plain_story
    _, _, entities = export(case, tmp_path)
    caption = entities[ids["caption"]]
    stored = next(k for k in props(caption, "keywords") if k.startswith("sha256:"))[7:]
    data = case.read_artifact(stored)
    assert hashlib.sha256(data).hexdigest() == stored
    assert props(caption, "contentHash") == [hashlib.sha1(data).hexdigest()]
    assert props(caption, "fileName") == ["caption.txt"]


def test_the_same_case_gives_the_same_bytes_and_carries_its_provenance(plain_story, tmp_path):
    case, ids = plain_story
    first, text, entities = export(case, tmp_path, "a.ftm")
    second, _, _ = export(case, tmp_path, "b.ftm")
    assert first.sha256 == second.sha256
    provenance = entities[f"osintdesk-export-{ids['case_uuid']}"]
    seq, head = case.audit_head()
    assert f"audit_head:{seq}:{head}" in props(provenance, "keywords")


def test_a_cancelled_export_leaves_nothing(plain_story, tmp_path):
    from osintdesk.errors import Cancelled
    calls = []
    with pytest.raises(Cancelled):     # after the entities and the trips
        run_export(plain_story[0], ftm.FORMAT, tmp_path / "out.ftm",
                   make_scope(plain_story[0]), progress=lambda n, total: calls.append(n),
                   cancelled=lambda: len(calls) >= 2)
    assert calls == [1, 2] and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("line, fault", [
    ({"schema": "Spaceship", "properties": {"name": ["x"]}}, "unknown or abstract schema"),
    ({"schema": "Thing", "properties": {"name": ["x"]}}, "unknown or abstract schema"),
    ({"schema": "Person", "properties": {"name": ["x"], "tailNumber": ["1"]}},
     "has no property 'tailNumber'"),
    ({"schema": "Trip", "properties": {"name": ["x"]}}, "lacks required"),
    ({"schema": "Note", "properties": {"description": ["x"]}}, "lacks required \\['name'\\]"),
    ({"schema": "Document", "properties": {"name": ["x"], "fileName": ["a"],
                                           "contentHash": ["ab" * 32]}}, "not a checksum"),
    ({"schema": "Trip", "properties": {"name": ["x"], "startLocation": ["nowhere"],
                                       "endLocation": ["nowhere"]}}, "not in the file"),
])
def test_the_validator_refuses_what_aleph_would(line, fault):
    with pytest.raises(Invalid, match=fault):
        validate_lines(json.dumps({"id": "a", **line}))
