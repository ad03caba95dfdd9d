"""The link chart: the graph read from the findings, its layout, its drawing and its commands."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import networkx as nx
import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from osintdesk.charts.export import new_figure, save_figure
from osintdesk.charts.links import LinkRequest, build_graph, draw_links, layout, load_link_chart
from osintdesk.charts.links.graph import group_of
from osintdesk.cli import cli
from osintdesk.errors import InputError
from osintdesk.findings.claims import add_claim, make_assertion
from osintdesk.findings.ties import tie_source
from osintdesk.flights.queries import select_flights
from osintdesk.store import Case
from tests.support import link_samples


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    return link_samples.story_case(tmp_path_factory.mktemp("story"))


@pytest.fixture()
def case(story):
    with Case.open(story["path"], examiner="Test Examiner", readonly=True) as opened:
        yield opened


def edges_of(graph, kind):
    return {key: (u, v, attrs) for u, v, key, attrs in graph.edges(keys=True, data=True)
            if attrs["kind"] == kind}


# ----------------------------------------------------------------------------- the graph


def test_whole_case_has_entities_links_events_and_citation_counts(case, story):
    graph = build_graph(case)
    assert graph.graph["title"] == "Links of the whole case"
    assert graph.nodes[story["plane"]] == {"kind": "aircraft", "schema": "Airplane",
                                           "group": "aircraft", "label": "RA-86496"}
    assert graph.nodes[story["owner"]]["group"] == "organisation"   # a Company
    assert graph.nodes[story["pilot"]]["group"] == "person"
    assert graph.nodes[story["event"]]["group"] == "event"
    assert story["loner"] in graph and graph.degree(story["loner"]) == 0
    links = edges_of(graph, "link")
    assert set(links) == {story["operator"], story["ownership"], story["crew"]}
    u, v, operator = links[story["operator"]]
    assert (u, v) == (story["air_force"], story["plane"])
    assert (operator["label"], operator["schema"], operator["start"], operator["citations"]) == \
        ("operator", "UnknownLink", "2019", 2)
    assert links[story["ownership"]][2]["citations"] == 1
    assert links[story["crew"]][2]["citations"] == 0
    events = edges_of(graph, "event")
    assert {(u, attrs["label"]) for u, _, attrs in events.values()} == {(story["event"], "place"),
                                                                       (story["event"], "involved")}
    assert not any(graph.nodes[n]["kind"] in ("source", "airport") for n in graph)


def test_a_merged_entity_is_one_node_with_the_links_of_both(case, story):
    graph = build_graph(case)
    assert story["twin"] not in graph
    u, v, _ = edges_of(graph, "link")[story["crew"]]    # made from the twin before the merge
    assert (u, v) == (story["pilot"], story["air_force"])
    # And the merged-away id still names it for --around.
    assert build_graph(case, LinkRequest(around=story["twin"][:8], depth=0)).graph["center"] == story["pilot"]


def test_sources_are_document_nodes_tied_to_what_cites_them(case, story):
    graph = build_graph(case, LinkRequest(sources=True))
    assert graph.nodes[story["article"]]["group"] == "document"
    cites = {(u, v): attrs["citations"] for u, v, attrs in edges_of(graph, "cites").values()}
    # The article backs the operator link (both its ends), the event and the air force itself.
    assert cites[story["article"], story["air_force"]] == 2
    assert cites[story["article"], story["plane"]] == 1
    assert cites[story["article"], story["event"]] == 1
    # The registry backs the operator and the ownership: the plane twice, each owner once.
    assert cites[story["registry"], story["plane"]] == 2
    assert cites[story["registry"], story["owner"]] == 1
    ties = edges_of(graph, "tie")
    assert set(ties) == {story["tie"]}
    assert ties[story["tie"]][:2] == (story["article"], story["pilot"])


def test_a_claim_about_an_aircraft_and_a_tie_to_a_flight_lead_to_the_aircraft(story, tmp_path):
    copy = tmp_path / "copy.osintcase"
    copy.write_bytes(story["path"].read_bytes())
    with Case.open(copy, examiner="Test Examiner") as case:
        before = build_graph(case, LinkRequest(sources=True))
        flight = select_flights(case)[0]["uuid"]
        add_claim(case, "RA-86496 flew to Pyongyang.", cite=[story["registry"]],
                  assertion=make_assertion(case, "flew", aircraft="RA-86496", origin="UUWW",
                                           destination="ZKPY", date="2023-09-19"))
        tie = tie_source(case, story["registry"], flight, "the extract lists this flight")
        after = build_graph(case, LinkRequest(sources=True))
    cites = {(u, v): attrs["citations"] for u, v, attrs in edges_of(after, "cites").values()}
    old = {(u, v): attrs["citations"] for u, v, attrs in edges_of(before, "cites").values()}
    assert cites[story["registry"], story["plane"]] == old[story["registry"], story["plane"]] + 1
    assert edges_of(after, "tie")[tie["uuid"]][:2] == (story["registry"], story["plane"])


def test_flights_are_aggregated_aircraft_to_airport_edges(case, story):
    graph = build_graph(case, LinkRequest(flights=True))
    flights = {graph.nodes[v]["label"].split()[0]: attrs["flights"]
               for u, v, attrs in edges_of(graph, "flights").values() if u == story["plane"]}
    # Out and back: each airport seen by both flights. Pyongyang's place entity (made by the
    # event) is the node, Vnukovo (no entity) gets one of its own.
    assert flights == {"Pyongyang": 2, "UUWW": 2}
    assert "airport:UUWW" in graph and graph.nodes["airport:UUWW"]["kind"] == "airport"
    assert "airport:ZKPY" not in graph


@pytest.mark.parametrize("depth, expected", [
    (0, {"plane"}),
    (1, {"plane", "air_force", "owner", "event"}),
    (2, {"plane", "air_force", "owner", "event", "pilot", "place"}),
])
def test_around_an_entity_to_n_steps(case, story, depth, expected):
    graph = build_graph(case, LinkRequest(around="ra-86496", depth=depth))
    place = next(n for n in graph if graph.nodes[n]["schema"] == "Address") if "place" in expected else None
    named = {name for name, uuid in story.items() if uuid in graph}
    assert named == expected - {"place"}
    assert (place is not None) == ("place" in expected)
    assert graph.graph["title"] == f"Links around RA-86496 to {depth} step{'s' if depth != 1 else ''}"


def test_around_by_icao_code_and_id_prefix(case, story):
    assert build_graph(case, LinkRequest(around="155abc", depth=0)).graph["center"] == story["plane"]
    assert build_graph(case, LinkRequest(around=story["owner"][:6], depth=0)).graph["center"] == story["owner"]


def test_around_an_airport_with_no_entity_yet_with_flights(case, story):
    graph = build_graph(case, LinkRequest(around="uuww", depth=1, flights=True))
    assert graph.graph["center"] == "airport:UUWW"
    assert set(graph) == {"airport:UUWW", story["plane"]}
    with pytest.raises(InputError, match="no entity 'uuww' in this case"):
        build_graph(case, LinkRequest(around="uuww", depth=1))


def test_unknown_around_and_bad_depth_are_refused(case):
    with pytest.raises(InputError, match="no entity 'XX-999' in this case"):
        build_graph(case, LinkRequest(around="XX-999"))
    with pytest.raises(InputError, match="--depth must be between 0 and 10"):
        build_graph(case, LinkRequest(around="RA-86496", depth=11))


def test_group_of_schemata():
    assert [group_of(s) for s in ("Person", "Company", "Organization", "PublicBody", "Airplane",
                                  "Address", "Event", "Document", "Nonsense")] == [
        "person", "organisation", "organisation", "organisation", "aircraft", "place", "event",
        "document", "other"]


# ----------------------------------------------------------------------------- layout and drawing


def test_layout_ignores_insertion_order_and_spreads_nodes():
    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("d", "e")]
    one = nx.MultiDiGraph(edges)
    one.add_node("lonely")
    two = nx.MultiDiGraph()
    two.add_node("lonely")
    two.add_edges_from(reversed(edges))
    assert layout(one) == layout(two)
    positions = layout(one)
    points = sorted(positions.values())
    assert len(set(points)) == 6     # no two nodes on the same spot


def svg_of(case, request, path, selected=()):
    chart = load_link_chart(case, request)
    fig = new_figure(900, 600)
    draw_links(fig, chart.graph, chart.positions, selected=selected)
    return save_figure(fig, path).read_bytes()


def test_the_same_case_gives_the_same_svg_bytes(case, tmp_path):
    first = svg_of(case, LinkRequest(sources=True, flights=True), tmp_path / "a.svg")
    second = svg_of(case, LinkRequest(sources=True, flights=True), tmp_path / "b.svg")
    assert first == second
    assert b"<dc:date>" not in first


def test_two_separately_built_identical_cases_give_the_same_svg(tmp_path):
    svgs = []
    for name in ("one", "two"):
        path = link_samples.synthetic_case(tmp_path / name, 60, 120, seed=3)
        with Case.open(path, examiner="x", readonly=True) as opened:
            svgs.append(svg_of(opened, LinkRequest(), tmp_path / f"{name}.svg"))
    # Their ids (uuids) differ; what the chart shows does not, and neither may its bytes.
    assert svgs[0] == svgs[1]


def test_drawing_names_the_selection_and_fades_the_rest(case, story):
    chart = load_link_chart(case, LinkRequest())
    fig = new_figure(900, 600)
    info = draw_links(fig, chart.graph, chart.positions, selected=[story["owner"]])
    assert info.highlighted == {story["owner"], story["plane"]}
    assert info.node_labels[story["owner"]].get_fontweight() == "bold"
    assert info.node_labels[story["loner"]].get_alpha() < 0.5
    assert [frozenset(pair) for pair in info.edge_labels] == [frozenset((story["owner"], story["plane"]))]
    assert next(iter(info.edge_labels.values())).get_text() == "Ownership (1)"
    texts = [t.get_text() for t in fig.texts]
    assert "Links of the whole case" in texts


def test_node_and_edge_under_the_mouse(case, story):
    chart = load_link_chart(case, LinkRequest())
    fig = new_figure(900, 600)
    info = draw_links(fig, chart.graph, chart.positions)
    fig.canvas.draw()
    plane = info.ax.transData.transform(chart.positions[story["plane"]])
    air_force = info.ax.transData.transform(chart.positions[story["air_force"]])
    assert info.node_at(*plane + 3) == story["plane"]
    assert info.describe_node(story["plane"]).startswith("Airplane RA-86496")
    middle = (plane + air_force) / 2
    a, b, keys = info.edge_at(*middle)
    assert keys == (story["operator"],)
    assert info.describe_edge((a, b, keys)) == ("Russian Air Force → RA-86496: operator "
                                                "(UnknownLink, 2019 –, 2 citations)")
    assert info.node_at(*middle) is None


def test_an_empty_case_says_so(tmp_path):
    with Case.create(tmp_path / "empty", title="Empty", examiner="x") as empty:
        chart = load_link_chart(empty)
    fig = new_figure(600, 400)
    info = draw_links(fig, chart.graph, chart.positions)
    assert info.message.startswith("No entities in this case yet")


# ----------------------------------------------------------------------------- commands


def state(path):
    with Case.open(path, examiner="x", readonly=True) as opened:
        count = opened.audit_count()
    return hashlib.sha256(path.read_bytes()).hexdigest(), count


def run(*args):
    return subprocess.run([sys.executable, "-m", "osintdesk", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_chart_links_png_svg_pdf(story, tmp_path):
    before = state(story["path"])
    result = run("chart", story["path"], "links", "--sources", "--flights", "-o", tmp_path / "l.png")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "l.png")
    with Image.open(tmp_path / "l.png") as image:
        assert image.size == (1600, 1100)
    result = run("chart", story["path"], "links", "--around", "RA-86496", "--depth", "1",
                 "-o", tmp_path / "l.svg", "--width", 800)
    assert result.returncode == 0, result.stderr
    root = ET.parse(tmp_path / "l.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") == "576pt"     # 800 px at 100 dpi
    result = run("chart", story["path"], "links", "-o", tmp_path / "l.pdf")
    assert result.returncode == 0, result.stderr
    reader = PdfReader(tmp_path / "l.pdf")
    assert len(reader.pages) == 1
    assert "Links of the whole case" in reader.pages[0].extract_text()
    assert state(story["path"]) == before


def test_graph_json_lists_nodes_and_edges_with_ids(story):
    result = CliRunner().invoke(cli, ["graph", str(story["path"]), "--around", "RA-86496",
                                      "--depth", "1", "--flights", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["center"] == story["plane"] and found["depth"] == 1
    ids = [n["id"] for n in found["nodes"]]
    assert ids == sorted(ids) and story["plane"] in ids and "airport:UUWW" in ids
    operator = next(e for e in found["edges"] if e["id"] == story["operator"])
    assert operator == {"id": story["operator"], "from": story["air_force"], "to": story["plane"],
                        "kind": "link", "record": story["operator"], "schema": "UnknownLink",
                        "role": "operator", "label": "operator", "start": "2019", "end": None,
                        "citations": 2}
    flights = [e for e in found["edges"] if e["kind"] == "flights"]
    assert sorted(e["flights"] for e in flights) == [2, 2]


def test_graph_text_output(story):
    result = CliRunner().invoke(cli, ["graph", str(story["path"])])
    assert result.exit_code == 0, result.output
    assert "Russian Air Force → RA-86496: operator (2 citations)" in result.output
    lines = result.output.splitlines()
    nodes = lines[2:2 + int(lines[1].split()[0])]
    found = json.loads(CliRunner().invoke(cli, ["graph", str(story["path"]), "--json"]).output)
    starts = {line.index(node["label"], 40) for line, node in zip(nodes, found["nodes"])}
    assert len(starts) == 1 and len({n["schema"] for n in found["nodes"]}) > 1   # one column


@pytest.mark.parametrize("args, message", [
    (["chart", "{case}", "links", "--around", "ZZ-000", "-o", "{out}"],
     "osintdesk: error: no entity 'ZZ-000' in this case (`osintdesk entity list CASE` lists them)"),
    (["graph", "{case}", "--around", "ZZ-000", "--json"],
     "osintdesk: error: no entity 'ZZ-000' in this case (`osintdesk entity list CASE` lists them)"),
    (["chart", "{case}", "links", "--aircraft", "RA-86496", "-o", "{out}"],
     "osintdesk: error: --aircraft does not apply to the link chart: use --around ID --depth N "
     "to show one entity's neighbourhood"),
    (["chart", "{case}", "links", "--depth", "1", "-o", "{out}"],
     "osintdesk: error: --depth counts steps from an entity: give it with --around ID"),
    (["chart", "{case}", "map", "--around", "RA-86496", "-o", "{out}"],
     "osintdesk: error: --around, --depth, --sources and --flights are for the link chart: "
     "`osintdesk chart CASE links`, not map"),
])
def test_bad_input_is_one_line_exit_2_and_the_case_unchanged(story, tmp_path, args, message):
    before = state(story["path"])
    out = tmp_path / "x.png"
    result = run(*[a.format(case=story["path"], out=out) for a in args])
    assert result.returncode == 2
    assert result.stderr.strip() == message
    assert result.stdout == ""
    assert not out.exists()
    assert state(story["path"]) == before


# ----------------------------------------------------------------------------- dense charts


def test_a_label_goes_where_the_fewest_lines_cross_it():
    from osintdesk.charts.links.draw import _Room

    room = _Room(200, 200)
    # A node at (100, 100); its first spot (right and above) is crossed by a line.
    assert room.place(100, 100, 40, 10, gap=5)[:2] == (5, 5)
    crossed = _Room(200, 200)
    crossed.block_lines(np.array([[100.0, 110.0]]), np.array([[190.0, 110.0]]))
    dx, dy, ha, va = crossed.place(100, 100, 40, 10, gap=5)
    assert (dx, dy) != (5, 5)
    assert crossed.crossed(100 + dx - (40 if ha == "right" else 0), 100 + dy - (10 if va == "top" else 0),
                           100 + dx + (0 if ha == "right" else 40), 100 + dy + (0 if va == "top" else 10)) == 0


def test_labels_of_a_chart_too_big_for_halos_sit_on_a_pale_box(tmp_path):
    from osintdesk.charts.links.draw import HALOS_UP_TO

    path = link_samples.synthetic_case(tmp_path / "dense.osintcase", HALOS_UP_TO + 20, 300)
    with Case.open(path, examiner="x", readonly=True) as opened:
        chart = load_link_chart(opened, LinkRequest())
    assert len(chart.graph) > HALOS_UP_TO
    info = draw_links(new_figure(1200, 900), chart.graph, chart.positions)
    assert info.node_labels
    for label in info.node_labels.values():
        assert not label.get_path_effects() and label.get_bbox_patch() is not None
