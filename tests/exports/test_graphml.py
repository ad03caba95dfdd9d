"""The GraphML export, read back by networkx's GraphML reader (as Gephi and yEd read it)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import networkx

from osintdesk.exports import graphml
from osintdesk.exports.base import make_scope, run_export

NS = {"g": "http://graphml.graphdrawing.org/xmlns"}


def export(case, tmp_path, name="out.graphml", **filters):
    result = run_export(case, graphml.FORMAT, tmp_path / name, make_scope(case, **filters))
    return result, networkx.read_graphml(tmp_path / name, force_multigraph=True)


def test_every_node_edge_and_attribute_reads_back(story, tmp_path):
    case, ids, hostile = story
    result, graph = export(case, tmp_path)
    assert result.counts == {"nodes": graph.number_of_nodes(),
                             "edges": graph.number_of_edges()}
    for key in ("il62", "b738", "air_force", "pilot", "airline", "sunan", "landing", "crossing"):
        assert key and ids[key] in graph.nodes
    il62 = graph.nodes[ids["il62"]]
    assert (il62["label"], il62["kind"], il62["schema"]) == ("RA-86496", "aircraft", "Airplane")
    sunan = graph.nodes[ids["sunan"]]
    assert isinstance(sunan["latitude"], float) and abs(sunan["latitude"] - 39.224) < 0.01
    assert sunan["icao"] == "ZKPY"
    [operator] = [d for _, _, k, d in graph.edges(keys=True, data=True) if k == ids["operator"]]
    assert operator["schema"] == "UnknownLink" and operator["citations"] == 1
    assert graph.has_edge(ids["air_force"], ids["il62"], key=ids["operator"])
    flights = [(u, v, d) for u, v, d in graph.edges(data=True) if d["kind"] == "flight"]
    assert len(flights) == 3 and all(isinstance(d["points"], int) and d["points"] > 100
                                     and isinstance(d["distance_km"], float)
                                     for _, _, d in flights)
    # the airport place made in the case is the node the flights use
    assert sum(ids["sunan"] in (u, v) for u, v, _ in flights) == 2
    assert graph.has_edge(ids["pilot"], ids["landing"])
    assert graph.has_edge(ids["sunan"], ids["landing"])
    assert graph.graph["case_uuid"] == ids["case_uuid"]
    if hostile:    # every text as stored, through XML escaping and back
        from osintdesk.findings.queries import get_entity
        for key in ("air_force", "pilot", "airline"):
            assert graph.nodes[ids[key]]["label"] == get_entity(case, ids[key]).caption
        assert "\n" in graph.nodes[ids["landing"]]["label"]
        assert "\u202e" in operator["role"] and operator["label"] == operator["role"]


def test_keys_are_named_and_say_what_they_are_for(plain_story, tmp_path):
    case, _ = plain_story
    export(case, tmp_path)
    root = ET.parse(tmp_path / "out.graphml").getroot()
    keys = root.findall("g:key", NS)
    assert keys and all(k.get("id") == k.get("attr.name") for k in keys)
    assert {k.get("for") for k in keys} == {"node", "edge", "graph"}
    assert {"label"} <= {k.get("id") for k in keys if k.get("for") == "node"}
    assert {"label"} <= {k.get("id") for k in keys if k.get("for") == "edge"}
    labelled = root.findall("g:graph/g:node", NS) + root.findall("g:graph/g:edge", NS)
    assert all(e.find("g:data[@key='label']", NS) is not None for e in labelled)


def test_control_characters_are_replaced_and_said(story_files, tmp_path):
    import shutil

    from osintdesk.findings.entities import add_entity
    from osintdesk.store import Case
    path = tmp_path / "bell.osintcase"
    shutil.copyfile(story_files[False][0], path)
    with Case.open(path, examiner="Test Examiner") as case:
        bell = add_entity(case, "Person", "Ring\x07the bell").id
        result, graph = export(case, tmp_path)
    assert graph.nodes[bell]["label"] == "Ring\ufffdthe bell"
    assert result.notes == ["control characters XML cannot hold, replaced by U+FFFD: 1"]
