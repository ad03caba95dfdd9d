"""FlightRadar24 granular ADS-B CSV."""

import csv

import pytest

from osintdesk.flights import importers
from tests.support import flight_samples as samples
from osintdesk.flights.importers import fr24_granular


def write_rows(tmp_path, rows, header=samples.GRANULAR_HEADER):
    path = tmp_path / "granular.csv"
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_generated_file(tmp_path, read, flight):
    path = samples.write_fr24_granular_csv(tmp_path / "granular.csv", flight)
    assert importers.detect(path) is fr24_granular
    points = read(path).points
    assert len(points) == len(flight)
    cruise = points[len(flight) // 2]
    assert cruise.hex == "155abc" and cruise.callsign == "RSD001" and cruise.squawk == "1000"
    assert cruise.t == flight[len(flight) // 2].t  # receiver_time, not network_time
    assert points[0].on_ground is True


def test_time_quirk_hex_prefix_and_trailing_key_values(tmp_path, read, flight):
    p = flight[0]
    row = samples.granular_row(p, trailing=["squawk:412", "rssi:-20.5", "junk"])
    row[1] = "2024-01-02 07:41:03Z.515"
    row[2] = "0x8467D8"
    point = read(write_rows(tmp_path, [row])).points[0]
    assert point.t == pytest.approx(1704181263.515)
    assert point.hex == "8467d8" and point.squawk == "0412"


def test_no_position_rows_are_skipped_with_reason(tmp_path, read, flight):
    rows = [samples.granular_row(flight[0]), samples.granular_row(flight[1], no_position=True),
            samples.granular_row(flight[2])]
    zero = samples.granular_row(flight[3])
    zero[4] = zero[5] = "0"  # 0,0 without the flag is still a placeholder
    rows.append(zero)
    flagged_by_key = samples.granular_row(flight[4], trailing=["no_position:1"])
    flagged_by_key[-2] = ""  # the column is empty; the trailing KEY:value says it
    rows.append(flagged_by_key)
    items = read(write_rows(tmp_path, rows))
    assert len(items.points) == 2
    assert [(s.record, s.reason) for s in items.skipped] == [
        (3, fr24_granular.REASON_NO_POSITION), (5, fr24_granular.REASON_NULL_ISLAND),
        (6, fr24_granular.REASON_NO_POSITION)]


def test_network_time_when_receiver_time_is_empty(tmp_path, read, flight):
    row = samples.granular_row(flight[0])
    row[1] = ""
    assert read(write_rows(tmp_path, [row])).points[0].t == pytest.approx(flight[0].t + 0.4)


def test_fr24_zero_squawk_means_none(tmp_path, read, flight):
    row = samples.granular_row(flight[0], trailing=["squawk:0"])
    assert read(write_rows(tmp_path, [row])).points[0].squawk is None


def test_junk_receiver_time_falls_back_to_network_time(tmp_path, read, flight):
    """A receiver clock never set (1970) must not cost the row: network_time is used."""
    rows = [samples.granular_row(p) for p in flight[:3]]
    rows[1][1] = "1970-01-01 00:00:00Z.000"
    rows[2][1] = ""
    items = read(write_rows(tmp_path, rows))
    assert items.skipped == []
    assert [p.t for p in items.points] == [flight[0].t, flight[1].t + 0.4, flight[2].t + 0.4]


def test_row_with_no_readable_time_is_skipped_with_the_receiver_times_error(tmp_path, read,
                                                                            expect_skip, flight):
    bad = samples.granular_row(flight[1])
    bad[0], bad[1] = "1970-01-01 00:00:00Z.000", "2024-02-30 07:41:03Z.515"
    path = write_rows(tmp_path, [samples.granular_row(flight[0]), bad])
    skipped = expect_skip(lambda: read(path), path, line=3, contains="not an ISO 8601")
    assert skipped.reason == "time is not an ISO 8601 date and time"


@pytest.mark.parametrize("column, value, message", [
    (4, "north", "latitude 'north' is not a number"),
    (4, "-95", "latitude -95.0 is outside"),
    (2, "0xGG0000", "aircraft address '0xGG0000'"),
    (6, "12,000", "altitude '12,000' is not a number"),
    (10, "maybe", "on_ground 'maybe' is not true/false"),
])
def test_bad_cells_name_the_line(tmp_path, read, expect_skip, flight, column, value, message):
    bad = samples.granular_row(flight[1])
    bad[column] = value
    path = write_rows(tmp_path, [samples.granular_row(flight[0]), bad])
    expect_skip(lambda: read(path, "fr24-adsb-csv"), path, line=3, contains=message)


def test_missing_columns(tmp_path, read, expect_error):
    path = write_rows(tmp_path, [], header=["network_time", "receiver_time", "callsign"])
    expect_error(lambda: read(path, "fr24-adsb-csv"), path, line=1,
                 contains="missing columns hex, latitude, longitude")
