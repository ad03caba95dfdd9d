"""The CSV tables, read back with the csv module from the ZIP; formula injection."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from osintdesk.errors import Cancelled
from osintdesk.exports import csv_tables
from osintdesk.exports.base import make_scope, run_export
from osintdesk.flights import queries as flight_queries

TABLES = ("flights.csv", "sources.csv", "claims.csv", "track_points.csv")


def read_tables(path) -> dict[str, list[dict]]:
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == sorted(TABLES + ("provenance.txt",))
        return {name: list(csv.DictReader(io.StringIO(
            archive.read(name).decode("utf-8-sig"), newline=""))) for name in TABLES}


def export(case, tmp_path, name="out.zip", **filters):
    result = run_export(case, csv_tables.FORMAT, tmp_path / name, make_scope(case, **filters))
    return result, read_tables(tmp_path / name)


def test_four_tables_read_back_whole(story, tmp_path):
    case, ids, hostile = story
    result, tables = export(case, tmp_path)
    flights = flight_queries.select_flights(case)
    assert [r["flight_uuid"] for r in tables["flights.csv"]] == [f["uuid"] for f in flights]
    assert result.counts == {"flights": 3, "sources": 2, "claims": 2,
                             "points": len(tables["track_points.csv"])}
    stored = sum(flight_queries.count_track_points(case, a["uuid"], 0, 2e9)
                 for a in flight_queries.aircraft(case))
    assert len(tables["track_points.csv"]) == stored
    first = tables["track_points.csv"][0]
    assert {"lat_deg", "lon_deg", "alt_ft", "gs_kt", "t_epoch_s", "vrate_fpm"} <= set(first)
    assert float(first["lat_deg"]) and first["time_utc"].endswith("Z")
    assert {r["source_uuid"] for r in tables["sources.csv"]} == {ids["article"], ids["caption"]}
    [flew] = [r for r in tables["claims.csv"] if r["claim_uuid"] == ids["flew"]]
    assert flew["supported_by"] == ids["article"] and flew["check"] == "flew"
    assert flew["window_from_utc"] == "2024-01-02T00:00:00Z"
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        assert ids["case_uuid"] in archive.read("provenance.txt").decode()
    if hostile:    # every formula start neutralised; the rest of the text as stored
        from osintdesk.findings.queries import claims
        texts = {c["uuid"]: c["text"] for c in claims(case)}
        assert flew["text"] == "'" + texts[ids["flew"]] and texts[ids["flew"]][0] == "="
        [bering] = [r for r in tables["claims.csv"] if r["claim_uuid"] == ids["bering"]]
        assert bering["text"] == "'" + texts[ids["bering"]] and texts[ids["bering"]][0] == "+"
        from osintdesk.sources.queries import list_sources
        stored = {s["uuid"]: s for s in list_sources(case)}
        cells = [(row[c], stored[row["source_uuid"]][c]) for row in tables["sources.csv"]
                 for c in ("title", "name")]
        assert sorted(got[:2] for got, _ in cells) == ["'+", "'=", "'@", "ca"]
        assert all(got in (was, "'" + was) for got, was in cells)
        assert any("\u202e" in r["name"] and "<b>&amp;" in r["name"] and '"q"' in r["name"]
                   for r in tables["sources.csv"])
    for table in tables.values():      # nothing a spreadsheet would run
        for row in table:
            assert not any(v.startswith(("=", "+", "@")) for v in row.values())


@pytest.mark.parametrize("text, cell", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\r=1", "'\r=1"), ("a=1", "a=1"),
    (-12.5, -12.5), (0, 0), (None, ""),
])
def test_formula_starts_are_neutralised_and_numbers_stay_numbers(text, cell):
    assert csv_tables.cell(text) == cell


def test_negative_numbers_stay_numbers(plain_story, tmp_path):
    case, _ = plain_story
    _, tables = export(case, tmp_path)    # N7423C crosses the antimeridian: west longitudes
    west = [r["lon_deg"] for r in tables["track_points.csv"] if r["lon_deg"].startswith("-")]
    assert west and all(float(v) < 0 for v in west)


def test_the_same_case_gives_the_same_bytes(plain_story, tmp_path):
    case, _ = plain_story
    first, _ = export(case, tmp_path, "a.zip")
    second, _ = export(case, tmp_path, "b.zip")
    assert first.sha256 == second.sha256


def test_a_cancelled_export_leaves_nothing(plain_story, tmp_path):
    case, _ = plain_story
    calls = []
    with pytest.raises(Cancelled):
        run_export(case, csv_tables.FORMAT, tmp_path / "out.zip", make_scope(case),
                   progress=lambda done, total: calls.append((done, total)),
                   cancelled=lambda: len(calls) >= 1)
    assert calls and list(tmp_path.iterdir()) == []


def test_a_table_too_long_for_spreadsheets_is_whole_and_said(plain_story, tmp_path,
                                                              monkeypatch):
    case, _ = plain_story
    monkeypatch.setattr(csv_tables, "SPREADSHEET_ROWS", 100)
    result, tables = export(case, tmp_path)
    assert len(tables["track_points.csv"]) == result.counts["points"] > 100
    assert result.notes == [f"track_points.csv has {result.counts['points']} rows: "
                            "spreadsheets open only the first 99 (all are in the file; "
                            "filter with --aircraft or --from/--to for fewer)"]
