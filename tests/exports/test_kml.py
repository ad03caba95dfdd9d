"""KML export: written from the sample case and read back by fastkml, validated against
fastkml's bundled KML 2.2 schema with Google's gx extension."""

from __future__ import annotations

from pathlib import Path

import pytest

fastkml = pytest.importorskip("fastkml")

from fastkml import KML  # noqa: E402
from fastkml.validator import validate  # noqa: E402

from osintdesk.errors import Cancelled  # noqa: E402
from osintdesk.exports import kml  # noqa: E402
from osintdesk.exports.base import make_scope, run_export  # noqa: E402
from osintdesk.flights.queries import count_track_points, select_flights  # noqa: E402
from osintdesk.timefmt import parse_user_time  # noqa: E402

from tests.exports.case_fixtures import (HOSTILE, HOSTILE_AIRCRAFT,  # noqa: E402,F401
                                         HOSTILE_CALLSIGN, map_case, map_case_file)

GX_SCHEMA = Path(fastkml.__file__).parent / "schema" / "kml22gx.xsd"


def _export(case, out, **scope):
    return run_export(case, kml.FORMAT, out, make_scope(case, **scope))


def _read(path):
    """The file validated against KML 2.2 + gx, then parsed: (document, folders by name)."""
    assert validate(schema=GX_SCHEMA, file_to_validate=path) is True
    document = KML.parse(path, strict=True).features[0]
    return document, {folder.name: folder.features for folder in document.features}


def _tracks(placemark):
    return placemark.kml_geometry.tracks


def _data(feature) -> dict:
    return {d.name: d.value for d in feature.extended_data.elements}


def test_the_whole_case_reads_back_in_fastkml(map_case, tmp_path):
    result = _export(map_case, tmp_path / "case.kml")
    document, folders = _read(tmp_path / "case.kml")

    assert document.name == HOSTILE                      # escaped, and given back unchanged
    data = _data(document)
    assert data["case_uuid"] == map_case.uuid and data["audit_head"].startswith(
        f"{map_case.audit_head()[0]}:")
    flights = select_flights(map_case)
    assert [_data(p)["flight_id"] for p in folders["Flights"]] == [f["uuid"] for f in flights]
    written = 0
    for placemark, flight in zip(folders["Flights"], flights):
        tracks = _tracks(placemark)
        assert all(t.altitude_mode is not None for t in tracks)   # stated on every track
        # the points of the flight, each once (a chunk's first point may repeat the last)
        times = {item.when.dt.timestamp() for t in tracks for item in t.track_items}
        assert len(times) == count_track_points(map_case, flight["aircraft_uuid"],
                                                flight["first_t"], flight["last_t"])
        written += len(times)
    assert result.counts["points"] == written and result.counts["flights"] == 4
    [hostile] = [p for p in folders["Flights"] if _data(p)["aircraft"] == HOSTILE_AIRCRAFT]
    assert _data(hostile)["callsigns"] == HOSTILE_CALLSIGN
    assert hostile.name.startswith(HOSTILE_AIRCRAFT + " UUWW → ZKPY")
    assert {p.name for p in folders["Airports"]} == {"UUWW", "ZKPY", "UNNT", "PANC", "UHPP"}
    [place] = folders["Photo places"]
    assert place.name == f"{HOSTILE}.jpg"
    assert place.geometry.y == pytest.approx(39.2241, abs=1e-3)     # Sunan, lat
    assert place.geometry.x == pytest.approx(125.67, abs=1e-3)      # lon


def test_a_coverage_gap_is_dashed_and_never_part_of_a_track(map_case, tmp_path):
    _export(map_case, tmp_path / "case.kml")
    _document, folders = _read(tmp_path / "case.kml")
    [gap] = folders["Coverage gaps"]
    start, end = gap.times.begin.dt.timestamp(), gap.times.end.dt.timestamp()
    assert end - start == pytest.approx(3620, abs=60)
    dashes = list(gap.geometry.geoms)
    assert len(dashes) == (kml.GAP_PIECES + 1) // 2 and all(len(d.coords) == 2 for d in dashes)
    [flight] = [p for p in folders["Flights"]
                if p.times.begin.dt.timestamp() <= start < p.times.end.dt.timestamp()]
    tracks = _tracks(flight)
    assert len(tracks) >= 2
    for track in tracks:   # no track reaches across the gap
        times = [item.when.dt.timestamp() for item in track.track_items]
        assert times[-1] <= start or times[0] >= end


def test_an_aircraft_or_a_date_range_exports_exactly_its_flights(map_case, tmp_path):
    _export(map_case, tmp_path / "n7423c.kml", aircraft=["N7423C"])
    _document, folders = _read(tmp_path / "n7423c.kml")
    assert [_data(p)["aircraft"] for p in folders["Flights"]] == ["N7423C"]
    assert {p.name for p in folders["Airports"]} == {"PANC", "UHPP"}
    assert folders["Coverage gaps"] == [] and folders["Photo places"] == []

    day = parse_user_time("2024-01-04", "--from")
    result = run_export(map_case, kml.FORMAT, tmp_path / "day.kml",
                        make_scope(map_case, t_from=day, t_to=day + 86399))
    _document, folders = _read(tmp_path / "day.kml")
    [flight] = folders["Flights"]
    assert "ZKPY → UNNT" in flight.name and result.counts["gaps"] == 0
    assert {p.name for p in folders["Airports"]} == {"ZKPY", "UNNT"}
    assert folders["Photo places"] == []        # the photo was taken in 2023


def test_a_big_export_says_so_and_keeps_every_point(map_case, tmp_path, monkeypatch):
    monkeypatch.setattr(kml, "COMFORTABLE_POINTS", 100)
    result = _export(map_case, tmp_path / "case.kml")
    [note] = result.notes
    assert f"{result.counts['points']:,} points" in note and "Nothing was left out" in note
    assert result.counts["points"] == sum(f["point_count"] for f in select_flights(map_case))


def test_long_stretches_become_several_tracks_that_join(map_case, tmp_path, monkeypatch):
    from osintdesk.exports import mapdata
    monkeypatch.setattr(kml, "CHUNK_POINTS", 50)
    monkeypatch.setattr(mapdata, "CHUNK_POINTS", 50)
    _export(map_case, tmp_path / "case.kml")
    _document, folders = _read(tmp_path / "case.kml")
    [bering] = [p for p in folders["Flights"] if _data(p)["aircraft"] == "N7423C"]  # no gap
    tracks = _tracks(bering)
    assert len(tracks) > 10
    for before, after in zip(tracks, tracks[1:]):
        if before.altitude_mode == after.altitude_mode:   # the line goes on unbroken
            assert before.track_items[-1].when.dt == after.track_items[0].when.dt


def test_cancelling_leaves_no_file(map_case, tmp_path):
    calls = []
    with pytest.raises(Cancelled):
        run_export(map_case, kml.FORMAT, tmp_path / "case.kml", make_scope(map_case),
                   progress=lambda done, total: calls.append((done, total)),
                   cancelled=lambda: len(calls) >= 1)
    assert calls and list(tmp_path.iterdir()) == []


def test_text_xml_cannot_hold_is_replaced_not_dropped():
    assert kml.xml_text('a<b>&"c"\x01\n') == "a&lt;b&gt;&amp;&quot;c&quot;\ufffd\n"


def test_dashes_go_the_short_way_across_the_antimeridian():
    dashes = kml.dashes_between(60.0, 170.0, 60.0, -170.0, pieces=5)
    lons = [lon for dash in dashes for _lat, lon in dash]
    assert lons == [170.0, 174.0, 178.0, -178.0, -174.0, -170.0]


def test_points_are_reduced_only_on_request_and_the_file_says_so(map_case, tmp_path):
    whole = _export(map_case, tmp_path / "whole.kml")
    assert "reduced" not in (tmp_path / "whole.kml").read_text(encoding="utf-8")
    result = _export(map_case, tmp_path / "small.kml", max_points=300)
    document, folders = _read(tmp_path / "small.kml")
    assert "reduced on request" in document.description
    assert {d.name: d.value for d in document.extended_data.elements}["reduced"]
    assert any("reduced on request" in note and f"{result.counts['points']:,} points written"
               in note for note in result.notes)
    assert 270 <= result.counts["points"] <= 300 + 2 * 5 < whole.counts["points"]
    # every covered stretch keeps its ends: the flights' ends and the gap's
    [gap] = folders["Coverage gaps"]
    kept = {item.when.dt.timestamp() for p in folders["Flights"] for t in _tracks(p)
            for item in t.track_items}
    assert {gap.times.begin.dt.timestamp(), gap.times.end.dt.timestamp()} <= kept
    assert {f["first_t"] for f in select_flights(map_case)} <= kept
    assert {f["last_t"] for f in select_flights(map_case)} <= kept
