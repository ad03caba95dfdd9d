"""Files written by traffic (the Python library): JSON records, JSON lines, pandas' column
JSON, CSV and Parquet, each with a row that lost its position and a row with a junk icao24."""

import builtins

import pytest

from osintdesk.flights import importers
from osintdesk.flights.importers import traffic_csv, traffic_json, traffic_parquet
from osintdesk.flights.ingest import import_flight_file
from osintdesk.store import Case, verify_case
from tests.support import flight_samples as samples

GAP, BAD_HEX = (3, 4), (7,)


@pytest.fixture
def records(flight):
    return samples.traffic_records(flight[:20], gap_rows=GAP, bad_hex_rows=BAD_HEX)


WRITERS = {
    "records": (lambda path, r: samples.write_traffic_json(path / "f.json", r), traffic_json),
    "lines": (lambda path, r: samples.write_traffic_json(path / "f.jsonl", r, lines=True),
              traffic_json),
    "columns": (lambda path, r: samples.write_traffic_json(path / "f.json", r, columns_form=True),
                traffic_json),
    "csv": (lambda path, r: samples.write_traffic_csv(path / "f.csv", r), traffic_csv),
    "parquet": (lambda path, r: samples.write_traffic_parquet(path / "f.parquet", r),
                traffic_parquet),
}


@pytest.mark.parametrize("form", WRITERS)
def test_each_form_is_recognised_and_read_alike(tmp_path, read, flight, records, form):
    write, importer = WRITERS[form]
    path = write(tmp_path, records)
    assert importers.detect(path) is importer
    items = read(path)
    assert len(items.points) == 20 - len(GAP) - len(BAD_HEX)
    assert sorted((s.record, s.reason) for s in items.skipped) == [
        (4 + (form == "csv"), "the position is incomplete"),
        (5 + (form == "csv"), "the position is incomplete"),
        (8 + (form == "csv"), "aircraft address is not a 24-bit hex code")]
    first = items.points[0]
    p = flight[0]
    assert first.t == pytest.approx(p.t, abs=0.001) and first.hex == p.hex
    assert (first.lat, first.lon, first.alt_ft, first.gs_kt) == (p.lat, p.lon, p.alt_ft, p.gs_kt)
    assert first.callsign == p.callsign and first.squawk == p.squawk
    assert first.on_ground is bool(p.on_ground)


def test_import_counts_points_and_skipped_rows(tmp_path, records):
    with Case.create(tmp_path / "c", title="traffic", examiner="Alice") as case:
        result = import_flight_file(case, samples.write_traffic_parquet(tmp_path / "f.parquet",
                                                                        records))
        assert result.format == "traffic-parquet" and result.points == 17
        assert result.skipped_reasons == {
            "the position is incomplete": {"count": 2, "first_record": 4},
            "aircraft address is not a 24-bit hex code": {"count": 1, "first_record": 8}}
        assert verify_case(case).ok


def test_parquet_without_pyarrow_says_so_in_one_line(tmp_path, records, monkeypatch, expect_error):
    path = samples.write_traffic_parquet(tmp_path / "f.parquet", records)
    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    message = expect_error(lambda: list(importers.parse_path(path)), path,
                           contains="reading Parquet needs pyarrow")
    assert "\n" not in message


def test_a_truncated_parquet_file_is_refused(tmp_path, records, expect_error, truncate):
    path = truncate(samples.write_traffic_parquet(tmp_path / "f.parquet", records), 0.6)
    expect_error(lambda: list(importers.parse_path(path)), path, contains="Parquet")
