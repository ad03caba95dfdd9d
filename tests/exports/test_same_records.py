"""One filter, one set of records, in every format: the report's story case (a tagged web
page captured months after its publication, a note, events, claims, two aircraft)
exported in every format with a tag, an aircraft and a date window, each file read back
with its format's reader, and the sources, events, claims and flights each holds compared."""

from __future__ import annotations

import json

import pytest

from osintdesk.errors import OsintdeskError
from osintdesk.exports import csv_tables, ftm, geojson, graphml, kml, timesketch
from osintdesk.exports import wacz as wacz_export
from osintdesk.exports.base import make_scope, run_export
from osintdesk.sources.queries import archived_captures, get_capture
from osintdesk.store import Case
from osintdesk.timefmt import parse_user_time
from tests.support.report_samples import write_report_case

from .ftm_validator import validate_lines
from .test_csv import read_tables
from .timesketch_rules import check_csv, check_jsonl

KINDS = ("source", "event", "claim", "flight")
DAY = (parse_user_time("2023-09-20", "--from"),
       parse_user_time("2023-09-20", "--to", end_of_day=True))


@pytest.fixture(scope="module")
def report_case(tmp_path_factory):
    path = tmp_path_factory.mktemp("same") / "story.osintcase"
    ids = write_report_case(path)
    with Case.open(path, examiner="Test Examiner", readonly=True) as case:
        yield case, ids


def _ftm(case, out, scope):
    run_export(case, ftm.FORMAT, out, scope)
    entities = validate_lines(out.read_text(encoding="utf-8"))
    of = {"Document": "source", "Event": "event", "Note": "claim", "Trip": "flight"}
    found = {kind: set() for kind in KINDS}
    for entity in entities:
        if entity["schema"] in of and not entity["id"].startswith("osintdesk-export-"):
            found[of[entity["schema"]]].add(entity["id"])
    return found


def _graphml(case, out, scope):
    import networkx
    run_export(case, graphml.FORMAT, out, scope)
    graph = networkx.read_graphml(out, force_multigraph=True)
    return {"event": {n for n, d in graph.nodes(data=True) if d.get("kind") == "event"},
            "flight": {k for _, _, k, d in graph.edges(keys=True, data=True)
                       if d.get("kind") == "flight"}}


def _csv(case, out, scope):
    run_export(case, csv_tables.FORMAT, out, scope)
    tables = read_tables(out)
    return {"source": {r["source_uuid"] for r in tables["sources.csv"]},
            "claim": {r["claim_uuid"] for r in tables["claims.csv"]},
            "flight": {r["flight_uuid"] for r in tables["flights.csv"]}}


def _timesketch(fmt, check):
    def read(case, out, scope):
        run_export(case, fmt, out, scope)
        rows = check(out.read_bytes().decode("utf-8"))
        return {kind: {r["record_id"] for r in rows if r["record_kind"] == kind}
                for kind in ("source", "event", "flight")}
    return read


def _kml(case, out, scope):
    from .test_kml import _data, _read
    run_export(case, kml.FORMAT, out, scope)
    _document, folders = _read(out)
    return {"flight": {_data(p)["flight_id"] for p in folders.get("Flights", [])}}


def _geojson(case, out, scope):
    from .test_geojson import check_rfc7946
    run_export(case, geojson.FORMAT, out, scope)
    document = json.loads(out.read_text(encoding="utf-8"))
    check_rfc7946(document)
    return {"flight": {f["properties"]["flight_id"] for f in document["features"]
                       if f["properties"]["kind"] == "flight"}}


READERS = {"ftm": (_ftm, "ftm"), "graphml": (_graphml, "graphml"), "csv": (_csv, "zip"),
           "timesketch": (_timesketch(timesketch.FORMAT, check_jsonl), "jsonl"),
           "timesketch-csv": (_timesketch(timesketch.CSV_FORMAT, check_csv), "csv"),
           "kml": (_kml, "kml"), "geojson": (_geojson, "geojson")}


def _wacz_sources(case, out, scope) -> set[str]:
    """The sources of the captures a WACZ holds (pages read back after ``wacz validate``
    and our stricter checks); an empty set when the scope holds no web capture."""
    from .test_wacz import strict_check, wacz_validate
    try:
        run_export(case, wacz_export.FORMAT, out, scope)
    except OsintdeskError as exc:
        assert "nothing to export" in str(exc)
        return set()
    assert wacz_validate(out).returncode == 0
    return {get_capture(case, page["id"])["source_uuid"] for page in strict_check(out)["pages"]}


FILTERS = {
    # the tagged article, the summit tied to and citing it, the claim and the link citing
    # it, the aircraft it names with their flights
    "tag": {"tag": "pyongyang"},
    # N7423C: its flight; the events naming no aircraft stay, with the people in them;
    # the article and the note (about RA-86496 only) are left out
    "aircraft": {"aircraft": ["N7423C"]},
    "other aircraft": {"aircraft": ["RA-86496"]},
    # 20 September: the article (published 14 Sep, captured until January) overlaps it,
    # the note (captured 25 Sep, no date of its own) does not
    "dates": {"t_from": DAY[0], "t_to": DAY[1]},
}


@pytest.mark.parametrize("name", FILTERS)
def test_every_format_holds_the_same_records(report_case, tmp_path, name):
    case, ids = report_case
    scope = make_scope(case, **FILTERS[name])
    held = {fmt: read(case, tmp_path / f"out.{suffix}", scope)
            for fmt, (read, suffix) in READERS.items()}
    for kind in KINDS:
        sets = {fmt: found[kind] for fmt, found in held.items() if kind in found}
        reference = sets["ftm"]
        assert all(ids == reference for ids in sets.values()), (kind, sets)
    web = {c["source_uuid"] for c in archived_captures(case)}
    assert _wacz_sources(case, tmp_path / "out.wacz", scope) == held["ftm"]["source"] & web

    sources, events = held["ftm"]["source"], held["ftm"]["event"]
    if name == "tag":
        assert sources == {ids["article"]}
        assert ids["summit"] in events          # the event citing the tagged page
        assert ids["claims"]["flew"] in held["ftm"]["claim"]
    elif name == "aircraft":
        assert not {ids["article"], ids["note"]} & sources
        assert held["ftm"]["flight"] == {ids["flights"][1]}
    elif name == "dates":
        assert ids["article"] in sources and ids["note"] not in sources
        assert events == {ids["talks"]}


def test_an_entity_linked_only_to_an_aircraft_left_out_is_left_out(report_case, tmp_path):
    import networkx
    case, ids = report_case
    scope = make_scope(case, aircraft=["N7423C"])
    run_export(case, graphml.FORMAT, tmp_path / "out.graphml", scope)
    graph = networkx.read_graphml(tmp_path / "out.graphml")
    assert ids["aircraft"]["RA-86496"] not in graph.nodes
    # nothing hangs alone but the chosen aircraft (its flights join airports)
    assert [n for n in graph.nodes if graph.degree(n) == 0] in (
        [], [ids["aircraft"]["N7423C"]])
