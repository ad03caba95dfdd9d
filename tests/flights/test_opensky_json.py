"""OpenSky REST JSON: /tracks/all and /flights/aircraft."""

import pytest

from osintdesk.flights import importers
from tests.support import flight_samples as samples
from osintdesk.flights.importers import opensky_json


def test_tracks_all(tmp_path, read, flight):
    path = samples.write_json(tmp_path / "track.json", samples.opensky_track(flight))
    assert importers.detect(path) is opensky_json
    items = read(path)
    assert len(items.points) == len(flight)
    cruise = items.points[len(flight) // 2]
    assert cruise.alt_ft == pytest.approx(35000, abs=2)  # whole metres in the answer
    assert cruise.on_ground is False and cruise.hex == "155abc"
    assert items.points[0].on_ground is True and items.points[0].alt_ft is None
    assert items.file_flights[0].callsign == "AFL100"


def test_track_nulls(tmp_path, read, flight):
    document = samples.opensky_track(flight[:3])
    document["path"][1][1] = None
    document["path"][2][3] = None
    items = read(samples.write_json(tmp_path / "t.json", document))
    assert len(items.points) == 2 and items.points[1].alt_ft is None
    assert items.skipped[0].record == 2 and items.skipped[0].reason == opensky_json.REASON_NO_POSITION


def test_flights_list_becomes_file_flights_not_positions(tmp_path, read, flight):
    document = [samples.opensky_flight("155abc", flight[0].t, flight[-1].t, "UUWW", "ZKPY"),
                samples.opensky_flight("155abc", flight[-1].t + 86400, flight[-1].t + 90000, "ZKPY", None)]
    path = samples.write_json(tmp_path / "flights.json", document)
    assert importers.detect(path) is opensky_json
    items = read(path)
    assert items.points == [] and len(items.aircraft) == 1
    first, second = items.file_flights
    assert (first.origin, first.destination, first.callsign) == ("UUWW", "ZKPY", "AFL100")
    assert first.extra["airports"] == "estimated by OpenSky"
    assert second.destination is None


def test_empty_flight_list(tmp_path, read):
    path = samples.write_json(tmp_path / "flights.json", [])
    assert importers.detect(path) is opensky_json
    assert read(path) == []


def test_track_without_icao24_is_refused(tmp_path, read, expect_error, flight):
    document = samples.opensky_track(flight[:3])
    document.pop("icao24")
    path = samples.write_json(tmp_path / "t.json", document)
    expect_error(lambda: read(path, "opensky-json"), path, contains="icao24 is missing")


@pytest.mark.parametrize("change, message", [
    (lambda d: d["path"].__setitem__(1, [1, 2]), "path waypoint 2: expected"),
    (lambda d: d["path"][1].__setitem__(1, 123.0), "path waypoint 2: latitude 123.0"),
    (lambda d: d["path"][1].__setitem__(0, 99), "path waypoint 2: time"),
])
def test_bad_tracks(tmp_path, read, expect_skip, flight, change, message):
    document = samples.opensky_track(flight[:3])
    change(document)
    path = samples.write_json(tmp_path / "t.json", document)
    expect_skip(lambda: read(path, "opensky-json"), path, contains=message)
