"""FlightRadar24 flight-playback JSON."""

import pytest

from osintdesk.flights import importers
from tests.support import flight_samples as samples
from osintdesk.flights.importers import fr24_json


def test_playback_document(tmp_path, read, flight):
    path = samples.write_json(tmp_path / "playback.json", samples.fr24_playback(flight))
    assert importers.detect(path) is fr24_json
    items = read(path)
    assert len(items.points) == len(flight)
    info = items.aircraft[0]
    assert (info.hex, info.registration, info.type_code, info.type_name, info.operator) == (
        "155abc", "RA-86496", "IL62", "Ilyushin Il-62M", "Rossiya")
    file_flight = items.file_flights[0]
    assert (file_flight.flight_number, file_flight.callsign, file_flight.origin,
            file_flight.destination) == ("SU100", "AFL100", "UUWW", "ZKPY")
    assert (file_flight.first_seen_t, file_flight.last_seen_t) == (int(flight[0].t), int(flight[-1].t))
    first, cruise = items.points[0], items.points[len(flight) // 2]
    assert first.on_ground is True and first.alt_ft == 0
    assert (cruise.alt_ft, cruise.gs_kt, cruise.on_ground, cruise.hex) == (35000, 450, False, "155abc")
    assert cruise.squawk == "1000" and cruise.callsign is None  # the callsign is the flight's


def test_squawk_quirks_and_diversion(tmp_path, read, flight):
    document = samples.fr24_playback(flight[:3], real=("ZKWS", "WOS"))
    track = document["result"]["response"]["data"]["flight"]["track"]
    track[0]["squawk"], track[1]["squawk"], track[2]["squawk"] = "0", 412, "7700"
    items = read(samples.write_json(tmp_path / "p.json", document))
    assert [p.squawk for p in items.points] == [None, "0412", "7700"]
    file_flight = items.file_flights[0]
    assert file_flight.destination == "ZKWS" and file_flight.extra["scheduled_destination"] == "ZKPY"


def test_gzip_playback(tmp_path, read, flight):
    path = samples.write_json(tmp_path / "p.json", samples.fr24_playback(flight), compress=True)
    assert importers.detect(path) is fr24_json
    assert len(read(path).points) == len(flight)


@pytest.mark.parametrize("change, message", [
    (lambda t: t[1].update(latitude=-91), "track entry 2: latitude -91"),
    (lambda t: t[1].update(timestamp="noon"), "track entry 2: timestamp 'noon' is not a number"),
    (lambda t: t[1].update(timestamp=None), "track entry 2: the time is missing"),
    (lambda t: t[1].update(altitude={"feet": "x"}), "track entry 2: altitude.feet 'x'"),
    (lambda t: t.__setitem__(1, [1, 2]), "track entry 2: not an object"),
])
def test_bad_track_entries_name_the_record(tmp_path, read, expect_skip, flight, change, message):
    document = samples.fr24_playback(flight[:3])
    change(document["result"]["response"]["data"]["flight"]["track"])
    path = samples.write_json(tmp_path / "p.json", document)
    expect_skip(lambda: read(path, "fr24-json"), path, contains=message)


def test_wrong_document(tmp_path, read, expect_error):
    path = samples.write_json(tmp_path / "p.json", {"result": {"response": {"data": {}}}})
    expect_error(lambda: read(path, "fr24-json"), path, contains="missing 'flight'")


def test_invalid_json_names_the_line(tmp_path, read, expect_error):
    path = tmp_path / "p.json"
    path.write_text('{"result":\n{"response": \n[1, 2,]}}')
    expect_error(lambda: read(path, "fr24-json"), path, line=3, contains="invalid JSON")
