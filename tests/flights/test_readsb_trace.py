"""readsb / tar1090 trace_full JSON, generated from the format description."""

import json

import pytest

from osintdesk.flights import importers
from tests.support import flight_samples as samples
from osintdesk.flights.importers import readsb_trace
from osintdesk.flights.model import TrackPoint

BASE = 1704181263.5


def write_trace(tmp_path, rows, name="trace_full_155abc.json", **header):
    document = {"icao": "155abc", "r": "RA-86496", "t": "IL62", "desc": "ILYUSHIN Il-62",
                "ownOp": "Rossiya", "dbFlags": 1, "timestamp": BASE, **header, "trace": rows}
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def row14(dt, alt=35000, flags=0, details=None, lat=55.0, lon=37.0):
    return [dt, lat, lon, alt, 450.1, 90.5, flags, -64, details, "adsb_icao", 35150, -64, 280, 0.2]


def test_generated_gzip_trace_under_json_name(tmp_path, read, flight):
    path = samples.write_readsb_trace(tmp_path / "trace_full_155abc.json", flight)
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    assert importers.detect(path) is readsb_trace
    items = read(path)
    assert len(items.points) == len(flight)
    info = items.aircraft[0]
    assert (info.hex, info.registration, info.type_code, info.type_name, info.operator) == (
        "155abc", "RA-86496", "IL62", "ILYUSHIN Il-62", "Rossiya")
    assert [p.t for p in items.points] == pytest.approx([p.t for p in flight])
    assert items.points[0].on_ground is True and items.points[0].alt_ft is None
    cruise = items.points[len(flight) // 2]
    assert cruise.alt_ft == 35000 and cruise.on_ground is False


def test_ground_leg_stale_and_details(tmp_path, read):
    rows = [row14(0, alt="ground", details={"flight": "AFL100  ", "squawk": "0412"}),
            row14(10.25, alt=None),
            row14(20, flags=2),          # new leg
            row14(30, flags=1),          # stale position
            row14(40, flags=3, details={"flight": "AFL101  ", "squawk": "7700"})]
    points = read(write_trace(tmp_path, rows)).points
    assert points[0].on_ground is True and points[0].alt_ft is None
    assert points[0].callsign == "AFL100" and points[0].squawk == "0412"
    assert points[1].alt_ft is None and points[1].on_ground is None and points[1].callsign is None
    assert points[1].t == BASE + 10.25
    assert (points[2].leg_start, points[2].stale) == (True, False)
    assert (points[3].leg_start, points[3].stale) == (False, True)
    assert (points[4].leg_start, points[4].stale, points[4].callsign) == (True, True, "AFL101")
    assert [p.record for p in points] == [1, 2, 3, 4, 5]


def test_nine_value_rows_before_2022(tmp_path, read, flight):
    path = samples.write_readsb_trace(tmp_path / "t.json", flight, legacy=True, compress=False)
    points = read(path).points
    assert len(points) == len(flight)
    assert points[len(flight) // 2].alt_ft == 35000


def test_non_icao_address(tmp_path, read):
    items = read(write_trace(tmp_path, [row14(0)], icao="~2cd4e1"))
    assert items.aircraft[0].hex == "~2cd4e1" and items.points[0].hex == "~2cd4e1"


def test_unsorted_and_duplicated_rows_are_kept_in_file_order(tmp_path, read):
    points = read(write_trace(tmp_path, [row14(30), row14(10), row14(10), row14(20)])).points
    assert [p.t - BASE for p in points] == [30, 10, 10, 20]


def test_keys_in_unusual_order(tmp_path, read):
    path = tmp_path / "t.json"
    path.write_text('{"trace": [[0, 55, 37, 1000, null, null, 0, null, null]], '
                    '"timestamp": 1704181263, "icao": "155ABC"}')
    items = read(path, "readsb-trace")
    assert items.points[0].t == 1704181263 and items.points[0].hex == "155abc"


def test_empty_trace_still_names_the_aircraft(tmp_path, read):
    items = read(write_trace(tmp_path, []))
    assert items.points == [] and items.aircraft[0].registration == "RA-86496"


@pytest.mark.parametrize("bad_row, message", [
    ([0, 95.0, 37.0, 1000, None, None, 0, None, None], "trace entry 2: latitude 95.0"),
    ([0, 55.0, 37.0, "high", None, None, 0, None, None], "trace entry 2: altitude 'high' is not a number"),
    ([0, 55.0, 37.0], "trace entry 2: expected a row of 9 or 14 values, found 3 values"),
    ([0, 55.0, 37.0, 1000, None, None, "x", None, None], "trace entry 2: flags 'x'"),
    (["soon", 55.0, 37.0, 1000, None, None, 0, None, None], "trace entry 2: time offset 'soon'"),
    ([1e12, 55.0, 37.0, 1000, None, None, 0, None, None], "trace entry 2: time"),
    ([0, 55.0, 37.0, 1000, None, None, 0, None, {"squawk": "9999"}], "trace entry 2: squawk '9999'"),
])
def test_bad_rows_name_file_line_and_record(tmp_path, read, expect_skip, bad_row, message):
    path = tmp_path / "t.json"
    path.write_text('{"icao": "155abc", "timestamp": 1704181263,\n"trace": [\n'
                    + json.dumps(row14(0)) + ",\n" + json.dumps(bad_row) + "\n]}")
    expect_skip(lambda: read(path, "readsb-trace"), path, line=4, contains=message)


@pytest.mark.parametrize("text, message", [
    ('{"timestamp": 1704181263, "trace": []}', '"icao" address is missing'),
    ('{"icao": "155abc", "trace": [[0, 55, 37, 1000, null, null, 0, null, null]]}', '"timestamp" is missing'),
    ('{"icao": "155abc", "timestamp": 1704181263}', 'no "trace" array'),
    ('{"icao": "xyz", "timestamp": 1, "trace": []}', "not a 24-bit hex code"),
])
def test_bad_headers(tmp_path, read, expect_error, text, message):
    path = tmp_path / "t.json"
    path.write_text(text)
    expect_error(lambda: read(path, "readsb-trace"), path, contains=message)


def test_truncated_gzip_trace(tmp_path, read, flight, truncate, expect_error):
    path = samples.write_readsb_trace(tmp_path / "trace_full_155abc.json", flight * 10)
    cut = truncate(path, 0.5)
    expect_error(lambda: read(cut, "readsb-trace"), cut, contains="truncated or corrupt")


def test_truncated_plain_json(tmp_path, read, flight, truncate, expect_error):
    path = samples.write_readsb_trace(tmp_path / "t.json", flight, compress=False)
    cut = truncate(path, 0.5)
    expect_error(lambda: read(cut, "readsb-trace"), cut, contains="invalid JSON")


def test_streams_rows_without_loading_the_whole_trace(tmp_path):
    """Memory stays flat: the parser holds a buffer, not the trace (tracemalloc, not time)."""
    import tracemalloc

    path = samples.write_readsb_trace(tmp_path / "t.json", samples.iter_bench_points(60000))
    tracemalloc.start()
    try:
        count = sum(1 for item in importers.parse_path(path) if isinstance(item, TrackPoint))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 60000
    assert peak < 12 * 2**20, f"peak {peak / 2**20:.1f} MB"
