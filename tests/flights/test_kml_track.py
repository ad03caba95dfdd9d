"""KML gx:Track (FlightAware, Google Earth)."""

import pytest

from osintdesk.flights import importers
from tests.support import flight_samples as samples
from osintdesk.flights.importers import kml_track


def test_gx_track(tmp_path, read, flight):
    path = samples.write_kml_gx_track(tmp_path / "FlightAware_AFL100.kml", flight)
    assert importers.detect(path) is kml_track
    items = read(path, hex="155abc")
    assert len(items.points) == len(flight)
    cruise = items.points[len(flight) // 2]
    assert cruise.alt_ft == pytest.approx(35000, abs=0.5) and cruise.hex == "155abc"
    assert cruise.t == flight[len(flight) // 2].t and cruise.on_ground is None
    file_flight = items.file_flights[0]
    assert (file_flight.callsign, file_flight.origin, file_flight.destination) == ("AFL100", "UUWW", "ZKPY")
    assert (file_flight.first_seen_t, file_flight.last_seen_t) == (flight[0].t, flight[-1].t)


def test_clamp_to_ground_has_no_altitude(tmp_path, read, flight):
    path = samples.write_kml_gx_track(tmp_path / "t.kml", flight[:5], altitude_mode="clampToGround")
    assert all(p.alt_ft is None for p in read(path).points)


def test_a_placemark_name_that_is_not_a_callsign(tmp_path, read, flight):
    path = samples.write_kml_gx_track(tmp_path / "t.kml", flight[:5], name="My walk", description="")
    items = read(path)
    assert len(items.points) == 5 and items.file_flights == []


def test_times_and_positions_must_pair(tmp_path, read, expect_error, flight):
    path = samples.write_kml_gx_track(tmp_path / "t.kml", flight[:5])
    text = path.read_text()
    path.write_text(text.replace("</gx:coord>\n", "</gx:coord>\n<gx:coord>1 2 3</gx:coord>\n", 1))
    expect_error(lambda: read(path), path, contains="track 1 has 5 times but 6 positions")


@pytest.mark.parametrize("old, new, message", [
    ("<gx:coord>37.261501 55.591499", "<gx:coord>37.261501 95.5", "track 1, point 1: latitude 95.5"),
    ("<gx:coord>37.261501 55.591499 0.0<", "<gx:coord>37.261501<", "track 1, position 1: gx:coord"),
    ("<when>2024-01-02T07:41:03Z", "<when>yesterday", "track 1, time 1: time 'yesterday'"),
])
def test_bad_values_name_the_track_and_point(tmp_path, read, expect_skip, flight, old, new, message):
    path = samples.write_kml_gx_track(tmp_path / "t.kml", flight[:5])
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    expect_skip(lambda: read(path, "kml-track"), path, contains=message)


def test_kml_without_track(tmp_path, read, expect_error):
    path = tmp_path / "empty.kml"
    path.write_text('<kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>')
    expect_error(lambda: read(path, "kml-track"), path, contains="no gx:Track")


def test_several_tracks_number_points_across_the_file(tmp_path, read, flight):
    path = samples.write_kml_gx_track(tmp_path / "t.kml", flight[:3])
    text = path.read_text()
    placemark = text[text.index("<Placemark>"):text.index("</Placemark>") + len("</Placemark>")]
    path.write_text(text.replace(placemark, placemark + "\n" + placemark))
    items = read(path)
    assert [p.record for p in items.points] == [1, 2, 3, 4, 5, 6]
    assert len(items.file_flights) == 2


def test_a_spool_gives_back_what_it_was_given_in_order_past_its_memory():
    from osintdesk.flights.parsing import NumberSpool
    spool = NumberSpool(2, limit=4)
    taken = []
    for k in range(30):                  # appends and takes mixed, spilling to its file
        spool.append(float(k), -float(k))
        if k % 3 == 2:
            taken.append(spool.take())
    assert spool._file is not None and len(spool) == 20
    while (pair := spool.take()) is not None:
        taken.append(pair)
    assert taken == [(float(k), -float(k)) for k in range(30)]
    spool.close()


def _reordered(text: str, order: str) -> str:
    """A gx:Track's whens and coords all whens first (as written), all coords first, or
    each when followed by its coord."""
    import re
    whens = re.findall(r"<when>.*?</when>\n?", text)
    coords = re.findall(r"<gx:coord>.*?</gx:coord>\n?", text)
    body = {"coords-first": coords + whens,
            "pairs": [x for pair in zip(whens, coords) for x in pair]}[order]
    start = text.index(whens[0])
    end = text.rindex(coords[-1]) + len(coords[-1])
    return text[:start] + "".join(body) + text[end:]


@pytest.mark.parametrize("order", ["coords-first", "pairs"])
def test_times_and_positions_pair_in_any_order_and_any_length(tmp_path, read, flight, order,
                                                              monkeypatch):
    from functools import partial
    from osintdesk.flights.parsing import NumberSpool
    monkeypatch.setattr(kml_track, "NumberSpool", partial(NumberSpool, limit=64))  # spills
    path = samples.write_kml_gx_track(tmp_path / "t.kml", flight)
    expected = read(path).points
    assert len(expected) == len(flight) > 200
    text = path.read_text()
    text = text.replace("<when>2024-01-02T07:41:03Z", "<when>yesterday", 1)
    path.write_text(_reordered(text, order))
    items = read(path)
    assert items.points == expected[1:]
    assert [s.record for s in items.skipped] == [1]
