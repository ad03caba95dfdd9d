"""GeoJSON export: written from the sample case, read back with the json module and held
to RFC 7946 by the check below (geometry types, [lon, lat] order and ranges, lines of two
or more positions, none across the antimeridian, no crs); GDAL's reader where installed."""

from __future__ import annotations

import json

import pytest

from osintdesk.errors import Cancelled
from osintdesk.exports import geojson
from osintdesk.exports.base import make_scope, run_export
from osintdesk.flights.airports import lookup
from osintdesk.flights.queries import gaps, select_flights
from osintdesk.timefmt import parse_user_time

from tests.exports.case_fixtures import (HOSTILE, HOSTILE_AIRCRAFT,  # noqa: F401
                                         HOSTILE_CALLSIGN, map_case, map_case_file)

GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                  "MultiPolygon", "GeometryCollection"}


def check_rfc7946(document: dict) -> None:
    """RFC 7946 as a reader relies on it (sections 3, 3.1, 3.1.9, 4)."""
    assert document["type"] == "FeatureCollection" and "crs" not in document

    def position(p):
        assert isinstance(p, list) and 2 <= len(p) <= 3, p
        assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in p), p
        assert -180 <= p[0] <= 180 and -90 <= p[1] <= 90, f"not [lon, lat]: {p}"

    def line(positions):
        assert len(positions) >= 2, "a LineString has two or more positions"
        for p in positions:
            position(p)
        for a, b in zip(positions, positions[1:]):
            assert abs(a[0] - b[0]) <= 180, f"a line across the antimeridian: {a} {b}"

    for feature in document["features"]:
        assert feature["type"] == "Feature" and "crs" not in feature
        assert isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        assert geometry["type"] in GEOMETRY_TYPES and "crs" not in geometry
        kind, coordinates = geometry["type"], geometry["coordinates"]
        if kind == "Point":
            position(coordinates)
        elif kind == "MultiPoint":
            for p in coordinates:
                position(p)
        elif kind == "LineString":
            line(coordinates)
        elif kind == "MultiLineString":
            for part in coordinates:
                line(part)
        else:
            pytest.fail(f"unexpected geometry {kind}")


def _export(case, out, **scope):
    result = run_export(case, geojson.FORMAT, out, make_scope(case, **scope))
    document = json.loads(out.read_text(encoding="utf-8"))
    check_rfc7946(document)
    return result, document


def _kind(document, kind):
    return [f for f in document["features"] if f["properties"]["kind"] == kind]


def _observed(lines):
    """The positions of lines that are observations: not the cut points at ±180."""
    return [p for part in lines for p in part if abs(p[0]) != 180.0]


def test_the_whole_case_is_rfc7946(map_case, tmp_path):
    result, document = _export(map_case, tmp_path / "case.geojson")
    assert document["osintdesk"]["case_title"] == HOSTILE
    assert document["osintdesk"]["case_uuid"] == map_case.uuid
    flights = _kind(document, "flight")
    rows = select_flights(map_case)
    assert [f["id"] for f in flights] == [r["uuid"] for r in rows]
    lonely = sum(len(f["geometry"]["coordinates"]) for f in _kind(document, "flight-positions"))
    observed = sum(len(_observed(f["geometry"]["coordinates"])) for f in flights)
    assert observed + lonely == result.counts["points"] == sum(r["point_count"] for r in rows)

    # [lon, lat]: Vnukovo is at 37.26 E, 55.59 N
    [uuww] = [f for f in _kind(document, "airport") if f["properties"]["code"] == "UUWW"]
    airport = lookup("UUWW")
    assert uuww["geometry"]["coordinates"] == [airport.lon, airport.lat]
    [place] = _kind(document, "place")
    assert place["properties"]["name"] == f"{HOSTILE}.jpg"
    [hostile] = [f for f in flights if f["properties"]["aircraft"] == HOSTILE_AIRCRAFT]
    assert hostile["properties"]["callsigns"] == HOSTILE_CALLSIGN
    assert place["geometry"]["coordinates"][:2] == pytest.approx([125.67, 39.2241], abs=1e-3)


def test_a_coverage_gap_splits_the_line(map_case, tmp_path):
    _result, document = _export(map_case, tmp_path / "case.geojson")
    [flight] = [f for f in _kind(document, "flight") if f["properties"]["coverage_gaps"]]
    [gap] = gaps(map_case, flight["id"])
    before, after = flight["geometry"]["coordinates"]
    assert before[-1][:2] == [gap["start_lon"], gap["start_lat"]]
    assert after[0][:2] == [gap["end_lon"], gap["end_lat"]]
    assert flight["properties"]["coverage_gaps"][0]["from_utc"] == "2024-01-02T08:46:03Z"


def test_the_antimeridian_crossing_is_cut_as_rfc7946_advises(map_case, tmp_path):
    result, document = _export(map_case, tmp_path / "case.geojson")
    [bering] = [f for f in _kind(document, "flight") if f["properties"]["aircraft"] == "N7423C"]
    east, west = bering["geometry"]["coordinates"]     # PANC (west of 180) -> UHPP
    assert east[-1][0] == -180.0 and west[0][0] == 180.0
    assert east[-1][1] == west[0][1] and 50 < east[-1][1] < 66
    assert "1 antimeridian crossings" in result.notes[0]


def test_an_aircraft_or_a_date_range_exports_exactly_its_flights(map_case, tmp_path):
    _result, document = _export(map_case, tmp_path / "a.geojson", aircraft=["RA-86496"])
    assert {f["properties"]["aircraft"] for f in _kind(document, "flight")} == {"RA-86496"}
    assert len(_kind(document, "flight")) == 2 and _kind(document, "place") == []
    assert {f["properties"]["code"] for f in _kind(document, "airport")} == {
        "UUWW", "ZKPY", "UNNT"}

    start = parse_user_time("2024-01-03", "--from")
    _result, document = _export(map_case, tmp_path / "d.geojson", t_from=start,
                                t_to=start + 86399)
    assert [f["properties"]["aircraft"] for f in _kind(document, "flight")] == ["N7423C"]
    assert _kind(document, "place") == []


def test_a_lone_position_is_kept_as_a_point():
    import io
    out = io.StringIO()
    lines = geojson._Lines(out)
    lines.add("[1,2]")
    lines.end()
    lines.add("[3,4]")
    lines.add("[5,6]")
    lines.end()
    assert out.getvalue() == "[[3,4],[5,6]]" and lines.lonely == ["[1,2]"]


def test_cancelling_leaves_no_file(map_case, tmp_path):
    with pytest.raises(Cancelled):
        run_export(map_case, geojson.FORMAT, tmp_path / "c.geojson", make_scope(map_case),
                   cancelled=lambda: True)
    assert list(tmp_path.iterdir()) == []


def test_gdal_reads_it(map_case, tmp_path):
    ogr = pytest.importorskip("osgeo.ogr")
    _result, document = _export(map_case, tmp_path / "case.geojson")
    source = ogr.Open(str(tmp_path / "case.geojson"))
    layer = source.GetLayer(0)
    assert layer.GetFeatureCount() == len(document["features"])


@pytest.mark.parametrize("chunk", [5000, 7, 1])
def test_reduced_lines_keep_the_gap_ends_and_say_so(map_case, tmp_path, monkeypatch, chunk):
    from osintdesk.exports import mapdata
    monkeypatch.setattr(mapdata, "CHUNK_POINTS", chunk)   # a stretch ending on a full chunk
    result, document = _export(map_case, tmp_path / "small.geojson", max_points=200)
    assert document["osintdesk"]["reduced"].startswith("Tracks reduced on request")
    assert result.notes[0].startswith("Tracks reduced on request")
    [flight] = [f for f in _kind(document, "flight") if f["properties"]["coverage_gaps"]]
    [gap] = gaps(map_case, flight["id"])
    before, after = flight["geometry"]["coordinates"]
    assert before[-1][:2] == [gap["start_lon"], gap["start_lat"]]
    assert after[0][:2] == [gap["end_lon"], gap["end_lat"]]
    assert 180 <= result.counts["points"] <= 200 + 2 * 5   # the ends of the 5 stretches


def test_the_cli_says_what_it_wrote_and_logs_it(map_case_file, tmp_path):
    import shutil

    from click.testing import CliRunner

    from osintdesk.cli import cli
    from osintdesk.store import Case
    case_path = tmp_path / "c.osintcase"
    shutil.copyfile(map_case_file, case_path)
    out = tmp_path / "small.geojson"
    result = CliRunner().invoke(cli, ["export", str(case_path), "geojson", "-o", str(out),
                                      "--aircraft", "N7423C", "--max-points", "100"])
    assert result.exit_code == 0, result.output
    assert "Note: Tracks reduced on request" in result.output
    assert "Note: 1 antimeridian crossings" in result.output
    with Case.open(case_path, examiner="Test Examiner", readonly=True) as case:
        [entry] = [e for e in case.audit_entries() if e.action == "export"]
    assert entry.details["scope"]["max_points"] == 100 and entry.details["format"] == "geojson"
    refused = CliRunner().invoke(cli, ["export", str(case_path), "wacz", "-o",
                                       str(tmp_path / "x.wacz"), "--max-points", "100"])
    assert refused.exit_code == 2 and "does not reduce points" in refused.output
    assert not (tmp_path / "x.wacz").exists()
