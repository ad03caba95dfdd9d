"""Projections in numpy: round trips, choice by extent, the antimeridian, great circles."""

import numpy as np
import pytest

from osintdesk.charts.projection import (AzimuthalEquidistant, EqualEarth, LambertConformalConic,
                                         choose_projection, geo_extent, great_circle,
                                         view_to_geo_extent, wrap_lon)
from osintdesk.flights.geo import great_circle_km


@pytest.mark.parametrize("proj", [
    AzimuthalEquidistant(lon0=80.0, lat0=50.0),
    AzimuthalEquidistant(lon0=-40.0, lat0=89.0),
    LambertConformalConic(lon0=100.0, lat0=50.0, lat1=42.0, lat2=58.0),
    LambertConformalConic(lon0=150.0, lat0=-30.0, lat1=-20.0, lat2=-40.0),
    EqualEarth(lon0=150.0),
])
def test_forward_inverse_round_trip(proj):
    rng = np.random.default_rng(1)
    lat0 = getattr(proj, "lat0", 0.0)
    lat = np.clip(lat0 + rng.uniform(-25, 25, 500), -85, 85)
    lon = proj.lon0 + rng.uniform(-60, 60, 500)
    x, y = proj.forward(lon, lat)
    lon2, lat2 = proj.inverse(x, y)
    assert np.allclose(lat2, lat, atol=1e-6)
    assert np.allclose(wrap_lon(lon2 - lon), 0, atol=1e-6)


def test_azimuthal_equidistant_keeps_distance_from_centre():
    proj = AzimuthalEquidistant(lon0=37.26, lat0=55.59)
    x, y = proj.forward(125.67, 39.22)
    assert float(np.hypot(x, y)) / 1000 == pytest.approx(float(great_circle_km(55.59, 37.26, 39.22, 125.67)), rel=1e-6)


def test_geo_extent_across_the_antimeridian():
    box = geo_extent([170, 175, -178, -165], [55, 60, 58, 61])
    assert box.west == pytest.approx(170) and box.east == pytest.approx(195)
    assert box.east - box.west < 30
    assert geo_extent([np.nan], [np.nan]) is None


def test_choose_projection_by_extent():
    mid = choose_projection([37.3, 125.7], [55.6, 39.2])           # Moscow - Pyongyang
    assert isinstance(mid, LambertConformalConic)
    assert 60 < mid.lon0 < 100
    bering = choose_projection([-150.0, 158.5], [61.2, 53.2])      # Anchorage - Kamchatka
    assert bering.lon0 > 170 or bering.lon0 < -170                # centred on the antimeridian
    polar = choose_projection([-150.0, -30.0, 25.0], [61.2, 84.0, 60.3])
    assert isinstance(polar, AzimuthalEquidistant) and polar.lat0 > 70
    tropics = choose_projection([104.0, 106.7], [1.35, -6.1])
    assert isinstance(tropics, AzimuthalEquidistant)
    world = choose_projection([-74.0, 37.3, 151.2], [40.6, 55.6, -33.9])
    assert isinstance(world, EqualEarth)


def test_great_circle_passes_north_of_the_straight_line():
    lat, lon = great_circle(55.59, 37.26, 39.22, 125.67, max_step_deg=1.0)
    assert (lat[0], lon[0], lat[-1], lon[-1]) == (55.59, 37.26, 39.22, 125.67)
    steps = great_circle_km(lat[:-1], lon[:-1], lat[1:], lon[1:])
    assert steps.max() < 112  # one degree of arc
    assert steps.sum() == pytest.approx(float(great_circle_km(55.59, 37.26, 39.22, 125.67)), rel=1e-6)
    # Halfway in longitude the great circle is well north of the rhumb line's latitude.
    assert np.interp(81.5, lon, lat) > (55.59 + 39.22) / 2 + 3


def test_great_circle_across_the_antimeridian_is_short():
    lat, lon = great_circle(61.17, -149.99, 53.17, 158.45)
    assert (np.abs(np.diff(wrap_lon(lon, 180.0))) < 2).all()


def test_view_to_geo_extent_holds_the_pole():
    proj = AzimuthalEquidistant(lon0=0.0, lat0=90.0)
    box = view_to_geo_extent(proj, -1e6, 1e6, -1e6, 1e6)
    assert box.north == 90 and box.east - box.west == 360
