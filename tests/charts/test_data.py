"""The chart input records: validation, breaks at gaps, gap detection."""

import numpy as np
import pytest

from osintdesk.charts.data import ActivityRow, ChartAirport, ChartFlight, CoverageGap, GroundStay, find_gaps


def _flight(t, lat=None, lon=None, **kw):
    n = len(t)
    return ChartFlight(id=1, label="x", aircraft_label="a", t_utc=t,
                       lat=np.zeros(n) if lat is None else lat, lon=np.zeros(n) if lon is None else lon, **kw)


def test_optional_arrays_default_to_nan_and_airborne():
    f = _flight([0, 1, 2])
    assert np.isnan(f.alt_ft).all() and np.isnan(f.gs_kt).all()
    assert f.on_ground.dtype == bool and not f.on_ground.any()


def test_unknown_on_ground_counts_as_airborne():
    f = _flight([0, 1, 2], on_ground=[True, None, False])
    assert f.on_ground.tolist() == [True, False, False]


def test_arrays_of_different_length_are_refused():
    with pytest.raises(ValueError, match="lat has 2 values, t_utc has 3"):
        _flight([0, 1, 2], lat=[1, 2])


def test_tuples_become_records():
    f = _flight([0, 10], gaps=[(0, 0, 0, 10, 1, 1)], departure=("UUWW", 55.6, 37.3))
    assert isinstance(f.gaps[0], CoverageGap) and f.gaps[0].duration_s == 10
    assert f.departure == ChartAirport("UUWW", 55.6, 37.3)
    row = ActivityRow("RA-1", flights=[(0, 10, "A→B")], ground_stays=[(None, 5, "ZKPY")])
    assert row.flights[0].label == "A→B"
    assert row.ground_stays[0] == GroundStay(None, 5, "ZKPY")


def test_break_before_marks_gaps_and_missing_positions():
    t = np.arange(10.0)
    lat = np.arange(10.0)
    lat[6] = np.nan
    f = _flight(t, lat=lat, gaps=[CoverageGap(2, 2, 0, 3, 3, 0)])
    brk = f.break_before()
    assert brk[0] and brk[3]          # first point, first point after the gap
    assert brk[6] and brk[7]          # the missing position and the point after it
    assert not brk[[1, 2, 4, 5, 8, 9]].any()


def test_find_gaps():
    t = np.array([0, 10, 20, 1000, 1010, 5000.0])
    gaps = find_gaps(t, np.arange(6.0), np.arange(6.0), min_gap_s=600)
    assert [(g.start_t, g.end_t) for g in gaps] == [(20, 1000), (1010, 5000)]
    assert gaps[0].start_lat == 2 and gaps[0].end_lat == 3
    assert all(isinstance(v, float) for v in gaps[0][:6])  # no altitudes to give
