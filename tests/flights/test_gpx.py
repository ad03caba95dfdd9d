"""GPX tracks."""

import pytest

from osintdesk.flights import importers
from tests.support import flight_samples as samples
from osintdesk.flights.importers import gpx


def test_gpx_track(tmp_path, read, flight):
    path = samples.write_gpx(tmp_path / "logger.gpx", flight)
    assert importers.detect(path) is gpx
    points = read(path).points
    assert len(points) == len(flight)
    cruise = points[len(flight) // 2]
    assert cruise.alt_ft == pytest.approx(35000, abs=0.5) and cruise.t == flight[len(flight) // 2].t


def test_speed_course_and_missing_time(tmp_path, read):
    path = tmp_path / "t.gpx"
    path.write_text('<?xml version="1.0"?><gpx version="1.0" xmlns="http://www.topografix.com/GPX/1/0">'
                    '<wpt lat="1" lon="1"><time>2024-01-02T07:41:03Z</time></wpt>'
                    '<trk><trkseg><trkpt lat="55.5" lon="37.2"><ele>100</ele>'
                    '<time>2024-01-02T07:41:03Z</time><speed>100</speed><course>91.5</course></trkpt>'
                    '<trkpt lat="55.6" lon="37.3"></trkpt></trkseg></trk></gpx>')
    items = read(path)
    point = items.points[0]
    assert len(items.points) == 1  # the waypoint is a plan, not an observation
    assert point.gs_kt == pytest.approx(194.384, abs=0.001) and point.track_deg == 91.5
    assert point.alt_ft == pytest.approx(328.084, abs=0.001)
    assert items.skipped[0].record == 2 and items.skipped[0].reason == gpx.REASON_NO_TIME


def test_bad_point(tmp_path, read, expect_skip, flight):
    path = samples.write_gpx(tmp_path / "t.gpx", flight[:3])
    path.write_text(path.read_text().replace('lon="37.261501"', 'lon="east"', 1))
    expect_skip(lambda: read(path), path, contains="track point 1: lon 'east' is not a number")


def test_gzip_gpx(tmp_path, read, flight):
    path = samples.write_gpx(tmp_path / "t.gpx", flight, compress=True)
    assert importers.detect(path) is gpx
    assert len(read(path).points) == len(flight)
