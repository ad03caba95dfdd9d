"""FlightRadar24 per-flight CSV, on files generated from the format description."""

import pytest

from osintdesk.flights import importers
from tests.support import flight_samples as samples
from osintdesk.flights.importers import fr24_csv

HEADER = "Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction\n"
ROW = '1704181263,2024-01-02T07:41:03Z,AFL100,"55.591499,37.261501",{alt},{speed},{dir}\n'


def write(tmp_path, text, name="flight.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_generated_export(tmp_path, read, flight):
    path = samples.write_fr24_csv(tmp_path / "AFL100_2f3a4b5c.csv", flight)
    assert importers.detect(path) is fr24_csv
    items = read(path, hex="155ABC")
    assert len(items.points) == len(flight)
    first, middle = items.points[0], items.points[len(flight) // 2]
    assert (first.t, first.lat, first.lon) == (flight[0].t, flight[0].lat, flight[0].lon)
    assert first.on_ground is True and first.alt_ft == 0
    assert middle.alt_ft == 35000 and middle.on_ground is False and middle.gs_kt == 450
    assert middle.callsign == "RSD001" and middle.hex == "155abc" and middle.squawk is None
    assert first.record == 2  # line 1 is the header


def test_old_export_without_utc_column(tmp_path, read, flight):
    path = samples.write_fr24_csv(tmp_path / "old.csv", flight, with_utc=False)
    assert importers.detect(path) is fr24_csv
    points = read(path).points
    assert [p.t for p in points] == [float(int(p.t)) for p in flight]


def test_columns_found_by_header_name_in_any_order(tmp_path, read):
    path = write(tmp_path, 'Direction,Position,Speed,Altitude,Callsign,UTC,Timestamp\n'
                           '250,"33.943356,-118.42868",220,100,ANZ1005,2021-10-29T04:26:16Z,1635481576\n')
    point = read(path).points[0]
    assert (point.t, point.lat, point.lon, point.alt_ft, point.gs_kt, point.track_deg, point.callsign) == (
        1635481576.0, 33.943356, -118.42868, 100.0, 220.0, 250.0, "ANZ1005")


def test_gzip_export_is_read(tmp_path, read, flight, gzip_copy):
    path = gzip_copy(samples.write_fr24_csv(tmp_path / "f.csv", flight), "f.csv.gz")
    assert importers.detect(path) is fr24_csv
    assert len(read(path).points) == len(flight)


def test_unsorted_and_duplicated_rows_are_all_read_in_file_order(tmp_path, read):
    rows = [ROW.format(alt=100, speed=150, dir=90).replace("1704181263", str(1704181263 + k)).replace(
        "07:41:03", f"07:41:{3 + k:02d}") for k in (5, 1, 3, 1)]
    points = read(write(tmp_path, HEADER + "".join(rows))).points
    assert [p.t - 1704181263 for p in points] == [5, 1, 3, 1]  # the store sorts and drops repeats


def test_padded_callsign_and_empty_cells(tmp_path, read):
    text = HEADER + '1704181263,2024-01-02T07:41:03Z,  AFL100 ,"55.5,37.2",,,\n'
    point = read(write(tmp_path, text)).points[0]
    assert point.callsign == "AFL100"
    assert point.alt_ft is None and point.on_ground is None and point.gs_kt is None


def test_blank_lines_are_ignored(tmp_path, read):
    text = HEADER + "\n" + ROW.format(alt=0, speed=0, dir=0) + "\n\n"
    assert len(read(write(tmp_path, text)).points) == 1


def test_header_only_gives_no_points(tmp_path, read):
    assert read(write(tmp_path, HEADER)) == []


@pytest.mark.parametrize("row, line, message", [
    ('1704181263,2024-01-02T07:41:03Z,AFL100,"55.5,37.2",high,0,0\n', 2, "Altitude 'high' is not a number"),
    ('1704181263,2024-01-02T07:41:03Z,AFL100,"95.5,37.2",0,0,0\n', 2, "latitude 95.5 is outside -90..90"),
    ('1704181263,2024-01-02T07:41:03Z,AFL100,"55.5,190.2",0,0,0\n', 2, "longitude 190.2"),
    ('1704181263,2024-01-02T07:41:03Z,AFL100,"55.5",0,0,0\n', 2, "is not \"latitude,longitude\""),
    ('1704181263,2024-01-02T07:41:03Z,AFL100,"55.5,east",0,0,0\n', 2, "is not two numbers"),
    ('1704181263,2024-01-02T07:41:03Z,AFL100,"55.5,37.2",0,0\n', 2, "expected 7 cells"),
    ('soon,2024-01-02T07:41:03Z,AFL100,"55.5,37.2",0,0,0\n', 2, "Timestamp 'soon' is not a number"),
    ('1704181263,2024-01-03T07:41:03Z,AFL100,"55.5,37.2",0,0,0\n', 2, "disagree by 86400 s"),
    ('0,1970-01-01T00:00:00Z,AFL100,"55.5,37.2",0,0,0\n', 2, "impossible"),
    ('4102444800,2100-01-01T00:00:00Z,AFL100,"55.5,37.2",0,0,0\n', 2, "impossible"),
    ('1704181263,2024-01-02T07:41:03Z,AFL100,"55.5,37.2",nan,0,0\n', 2, "Altitude 'nan' is not a number"),
])
def test_bad_rows_name_file_and_line(tmp_path, read, expect_skip, row, line, message):
    path = write(tmp_path, HEADER + ROW.format(alt=0, speed=0, dir=0) + row)
    expect_skip(lambda: read(path, "fr24-csv"), path, line=line + 1, contains=message)


def test_missing_columns_name_the_header_line(tmp_path, read, expect_error):
    path = write(tmp_path, "Timestamp,UTC,Callsign,Altitude\n1,2,3,4\n")
    expect_error(lambda: read(path, "fr24-csv"), path, line=1,
                 contains=["missing column position", "timestamp, utc, callsign, altitude"])


def test_empty_file(tmp_path, read, expect_error):
    path = write(tmp_path, "")
    expect_error(lambda: read(path, "fr24-csv"), path, line=1, contains="empty")
    expect_error(lambda: importers.detect(path), path, contains="empty")


def test_binary_file_forced_as_fr24(tmp_path, read, expect_error):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    expect_error(lambda: read(path, "fr24-csv"), path, contains="line")
    expect_error(lambda: importers.detect(path), path, contains="binary file")


def test_truncated_gzip(tmp_path, read, flight, gzip_copy, truncate, expect_error):
    packed = gzip_copy(samples.write_fr24_csv(tmp_path / "f.csv", flight * 5), "f.csv.gz")
    cut = truncate(packed, 0.6)
    message = expect_error(lambda: read(cut, "fr24-csv"), cut, contains="truncated or corrupt")
    assert ", line " in message


def test_streams_rows_with_flat_memory(tmp_path):
    """A big export is read row by row: traced memory stays small (memory, not time)."""
    import tracemalloc

    path = samples.write_fr24_csv(tmp_path / "big.csv", samples.iter_bench_points(60000))
    tracemalloc.start()
    try:
        count = sum(1 for _ in importers.parse_path(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 60000
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MB"
