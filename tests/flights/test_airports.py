"""Airports: lookup by code, nearest by position, large preferred over barely-nearer medium."""

import pytest

from osintdesk.flights import airports, geo


@pytest.mark.parametrize("code", ["ZKPY", "zkpy", "FNJ", " ZKPY "])
def test_lookup_by_icao_or_iata(code):
    airport = airports.lookup(code)
    assert airport.code == "ZKPY" and airport.name.startswith("Pyongyang Sunan")


def test_lookup_unknown():
    assert airports.lookup("QQQQ") is None and airports.lookup("") is None


def test_nearest_records_the_distance():
    vnukovo = airports.lookup("UUWW")
    hit = airports.nearest(vnukovo.lat + 0.01, vnukovo.lon, max_km=10)
    assert hit.airport.code == "UUWW"
    assert hit.distance_km == pytest.approx(1.112, abs=0.01)
    assert hit.distance_nm == pytest.approx(hit.distance_km / 1.852)


def test_nothing_within_the_radius():
    assert airports.nearest(0.0, -30.0, max_km=50) is None  # mid-Atlantic


def test_grid_crosses_the_antimeridian_and_cell_edges():
    # Labasa, Fiji (NFNL) is at 179.34 E: found from 179.9 W, across the antimeridian.
    hit = airports.nearest(-16.4667, -179.9, max_km=100)
    assert hit.airport.code == "NFNL" and hit.distance_km == pytest.approx(81.1, abs=0.5)
    # Miramichi (CYCH) is at 47.0078 N: found from just south of the 47th parallel.
    assert airports.nearest(46.995, -65.4492, max_km=5).airport.code == "CYCH"


def test_large_preferred_over_a_barely_nearer_medium_airport():
    large = next(a for a in airports.all_airports() if a.code == "ZKPY")
    medium = airports.Airport("TEST", "medium_airport", "Test field", large.lat, large.lon + 0.03,
                              100.0, "KP", "", "", "", "")
    point_lat, point_lon = large.lat, large.lon + 0.02  # 0.85 km from medium, 1.7 km from large
    hits = sorted((airports.NearestAirport(a, geo.great_circle_km(point_lat, point_lon, a.lat, a.lon))
                   for a in (large, medium)), key=lambda h: h.distance_km)
    assert hits[0].airport is medium
    assert airports.choose(hits).airport is large
    assert airports.choose(hits, prefer_large_within_km=0.1).airport is medium


def test_great_circle():
    assert geo.great_circle_km(0, 0, 0, 1) == pytest.approx(111.195, abs=0.001)
    vko, fnj = airports.lookup("UUWW"), airports.lookup("ZKPY")
    assert geo.great_circle_km(vko.lat, vko.lon, fnj.lat, fnj.lon) == pytest.approx(6420, abs=10)


def test_great_circle_of_arrays_is_the_same_distance_per_pair():
    import numpy as np
    lat1, lon1 = np.array([0.0, 55.59, 61.17]), np.array([0.0, 37.26, -149.99])
    lat2, lon2 = np.array([0.0, 39.22, 53.17]), np.array([1.0, 125.67, 158.45])
    km = geo.great_circle_km(lat1, lon1, lat2, lon2)
    assert isinstance(km, np.ndarray) and km.shape == (3,)
    assert km.tolist() == pytest.approx([geo.great_circle_km(*pair) for pair in
                                         zip(lat1, lon1, lat2, lon2)], rel=1e-12)
    assert type(geo.great_circle_km(0, 0, 0, 1)) is float
    assert 3000 < km[2] < 4000  # across the antimeridian, the short way
