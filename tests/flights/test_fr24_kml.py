"""FlightRadar24 KML export: Route placemarks with HTML descriptions; Trail ignored."""

import pytest

from osintdesk.flights import importers
from tests.support import flight_samples as samples
from osintdesk.flights.importers import fr24_kml, kml_track


def test_route_folder_only(tmp_path, read, flight):
    path = samples.write_fr24_kml(tmp_path / "SU100_2f3a4b5c.kml", flight)
    assert importers.detect(path) is fr24_kml
    items = read(path, hex="155abc")
    assert len(items.points) == len(flight)  # the Trail folder adds nothing
    cruise = items.points[len(flight) // 2]
    assert (cruise.alt_ft, cruise.gs_kt, cruise.on_ground, cruise.hex) == (35000, 450, False, "155abc")
    assert cruise.track_deg == round(flight[len(flight) // 2].track_deg)
    assert items.points[0].on_ground is True and items.points[0].alt_ft == 0
    assert [p.record for p in items.points[:3]] == [1, 2, 3]


def test_document_gives_flight_and_aircraft(tmp_path, read, flight):
    items = read(samples.write_fr24_kml(tmp_path / "f.kml", flight))
    info = items.aircraft[0]
    assert (info.registration, info.type_code, info.type_name) == ("RA-86496", "IL62", "Ilyushin Il-62M")
    file_flight = items.file_flights[0]
    assert (file_flight.flight_number, file_flight.callsign, file_flight.origin,
            file_flight.destination) == ("SU100", "AFL100", "VKO", "FNJ")
    assert (file_flight.first_seen_t, file_flight.last_seen_t) == (flight[0].t, flight[-1].t)


def test_altitude_with_thousands_separator_and_fallback_to_metres(tmp_path, read, flight):
    path = samples.write_fr24_kml(tmp_path / "f.kml", flight)
    text = path.read_text()
    assert "35,000 ft" in text
    # Without the altitude line the metres from the coordinates are used.
    path.write_text(text.replace("<div><span><b>Altitude:</b></span> <span>35,000 ft</span></div>", "", 1))
    points = read(path).points
    changed = next(p for p in points if p.alt_ft not in (0, None) and p.alt_ft % 25)
    assert changed.alt_ft == pytest.approx(35000, abs=0.5)


def test_gzip_kml(tmp_path, read, flight):
    path = samples.write_fr24_kml(tmp_path / "f.kml", flight, compress=True)
    assert importers.detect(path) is fr24_kml
    assert len(read(path).points) == len(flight)


def test_bad_placemark_names_the_record(tmp_path, read, expect_skip, flight):
    path = samples.write_fr24_kml(tmp_path / "f.kml", flight[:5])
    text = path.read_text()
    second = text.index("<coordinates>", text.index("<coordinates>") + 1)
    path.write_text(text[:second] + "<coordinates>37.2,95.5,0</coordinates>"
                    + text[text.index("</coordinates>", second) + len("</coordinates>"):])
    expect_skip(lambda: read(path, "fr24-kml"), path, contains="Route placemark 2: latitude 95.5")


def test_missing_timestamp(tmp_path, read, expect_skip, flight):
    path = samples.write_fr24_kml(tmp_path / "f.kml", flight[:2])
    path.write_text(path.read_text().replace("<TimeStamp>", "<X>", 1).replace("</TimeStamp>", "</X>", 1))
    expect_skip(lambda: read(path, "fr24-kml"), path, contains="Route placemark 1: no TimeStamp")


def test_no_route_folder(tmp_path, read, expect_error, flight):
    path = samples.write_kml_gx_track(tmp_path / "t.kml", flight[:3])
    assert importers.detect(path) is kml_track
    expect_error(lambda: read(path, "fr24-kml"), path, contains='no "Route" folder')


def test_malformed_xml_names_the_line(tmp_path, read, expect_error, flight):
    path = samples.write_fr24_kml(tmp_path / "f.kml", flight[:3])
    lines = path.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("<name>2024"))
    lines[index] = "<name>a & b</name>"  # a bare ampersand is not XML
    path.write_text("\n".join(lines))
    expect_error(lambda: read(path, "fr24-kml"), path, line=index + 1, contains="invalid XML")


def test_entity_expansion_is_refused(tmp_path, read, expect_error):
    path = tmp_path / "bomb.kml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><kml><Document><name>&b;</name>'
                    '<Folder><name>Route</name></Folder></Document></kml>')
    expect_error(lambda: read(path, "fr24-kml"), path, contains="refused unsafe XML")
