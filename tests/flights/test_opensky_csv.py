"""OpenSky state vectors CSV: metres, m/s, lastposupdate, repeated rows."""

import csv

import pytest

from osintdesk.flights import importers
from tests.support import flight_samples as samples
from osintdesk.flights.importers import opensky_csv


def write_rows(tmp_path, rows):
    path = tmp_path / "states_2024-01-02-07.csv"
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(samples.OPENSKY_COLUMNS)
        writer.writerows(rows)
    return path


def test_generated_file_units_and_repeats(tmp_path, read, flight):
    path = samples.write_opensky_csv(tmp_path / "states.csv", flight, repeats_after_last=4)
    assert importers.detect(path) is opensky_csv
    items = read(path)
    assert len(items.points) == len(flight)
    assert [s.reason for s in items.skipped] == [opensky_csv.REASON_REPEAT] * 4
    cruise = items.points[len(flight) // 2]
    assert cruise.alt_ft == pytest.approx(35000, abs=0.05)
    assert cruise.gs_kt == pytest.approx(450, abs=0.01)
    assert cruise.t == flight[len(flight) // 2].t  # lastposupdate, not the vector time
    assert cruise.callsign == "RSD001" and cruise.on_ground is False
    first = items.points[0]
    assert first.on_ground is True and first.alt_ft is None


def test_vertical_rate_conversion(tmp_path, read, flight):
    climbing = next(p for p in flight if p.vrate_fpm and p.vrate_fpm > 0)
    point = read(write_rows(tmp_path, [samples.opensky_row(climbing)])).points[0]
    assert point.vrate_fpm == pytest.approx(climbing.vrate_fpm, abs=0.01)


def test_rows_without_position_are_skipped(tmp_path, read, flight):
    row = samples.opensky_row(flight[0])
    row[2] = row[3] = ""
    items = read(write_rows(tmp_path, [row]))
    assert items.points == [] and items.skipped[0].reason == opensky_csv.REASON_NO_POSITION


def test_repeat_is_per_aircraft_and_unsorted_rows_are_kept(tmp_path, read, flight):
    other = flight[5]._replace(hex="4b1a2c")
    rows = [samples.opensky_row(flight[5]), samples.opensky_row(other), samples.opensky_row(flight[2]),
            samples.opensky_row(flight[2], vector_t=flight[2].t + 10)]
    items = read(write_rows(tmp_path, rows))
    assert [(p.hex, p.t) for p in items.points] == [("155abc", flight[5].t), ("4b1a2c", flight[5].t),
                                                    ("155abc", flight[2].t)]
    assert [s.record for s in items.skipped] == [5]


@pytest.mark.parametrize("column, value, message", [
    (2, "91.5", "latitude 91.5 is outside"),
    (4, "fast", "velocity 'fast' is not a number"),
    (14, "1e12", "impossible"),
    (8, "perhaps", "onground 'perhaps'"),
    (11, "8888", "squawk '8888'"),
    (1, "", "icao24 is empty"),
])
def test_bad_cells(tmp_path, read, expect_skip, flight, column, value, message):
    row = samples.opensky_row(flight[3])
    row[column] = value
    path = write_rows(tmp_path, [samples.opensky_row(flight[0]), row])
    expect_skip(lambda: read(path, "opensky-csv"), path, line=3, contains=message)


def test_wrong_columns(tmp_path, read, expect_error):
    path = tmp_path / "x.csv"
    path.write_text("time,icao24,lat\n1,2,3\n")
    expect_error(lambda: read(path, "opensky-csv"), path, line=1,
                 contains="missing columns lon, lastposupdate")
