"""The flight profile: altitude and speed against UTC, ground, gaps, take-off and landing."""

import numpy as np
import pytest
from matplotlib.text import Text

from tests.support import chart_samples as samples
from osintdesk.charts.data import ChartFlight
from osintdesk.charts.profile import draw_profile
from osintdesk.charts.style import mpl_days


def _texts(fig):
    return [t.get_text() for t in fig.findobj(Text)]


def test_altitude_and_speed_against_utc(fig, outbound):
    info = draw_profile(fig, outbound)
    assert not info.empty
    assert info.ax_alt.get_ylabel() == "altitude (ft)"
    assert info.ax_gs.get_ylabel() == "ground speed (kt)"
    assert info.ax_gs.get_xlabel() == "time (UTC)"
    x, y = info.alt_line.get_data()
    finite = np.isfinite(y)
    assert np.nanmax(y) == np.nanmax(outbound.alt_ft)
    assert x[finite][0] == pytest.approx(mpl_days(outbound.t_utc[0]))
    assert x[finite][-1] == pytest.approx(mpl_days(outbound.t_utc[-1]))
    lo, hi = info.ax_alt.get_xlim()
    assert lo < mpl_days(outbound.t_utc[0]) and hi > mpl_days(outbound.t_utc[-1])


def test_take_off_and_landing_marked_with_airports(fig, outbound):
    info = draw_profile(fig, outbound)
    assert len(info.takeoffs) == 1 and len(info.landings) == 1
    first_air = outbound.t_utc[np.flatnonzero(~outbound.on_ground)[0]]
    assert info.takeoffs[0] == first_air
    texts = " ".join(_texts(fig))
    assert "take-off 05:" in texts and "UUWW" in texts
    assert "landing " in texts and "ZKPY" in texts


def test_ground_segments_and_gaps_visible_and_not_bridged(fig, outbound):
    info = draw_profile(fig, outbound)
    assert len(info.ground_spans) == 2  # taxi out, taxi in
    gap = outbound.gaps[0]
    assert info.gap_spans == [(gap.start_t, gap.end_t)]
    assert any("no data" in t for t in _texts(fig))
    for line in (info.alt_line, info.gs_line):
        x, y = (np.asarray(v, dtype=float) for v in line.get_data())
        g0, g1 = mpl_days([gap.start_t, gap.end_t])
        inside = (x > g0 + 1e-9) & (x < g1 - 1e-9)
        assert not inside.any()
        # Right after the last seen point the line is broken.
        i = int(np.flatnonzero(x == g0)[0])
        assert np.isnan(x[i + 1]) and x[i + 2] == g1


def test_many_points_are_reduced_but_keep_extremes(fig):
    f = samples.chart_flight(1, "UUWW", "ZKPY", samples.utc(2025, 7, 10), n_points=200_000,
                             gaps=((0.5, 0.6),))
    f.gs_kt[1234] = 900.0  # a spike must survive the reduction
    info = draw_profile(fig, f)
    x, y = info.gs_line.get_data()
    assert len(x) < 20_000
    assert np.nanmax(y) == 900.0


@pytest.mark.parametrize("flight, message", [
    (None, "No flight selected"),
    (ChartFlight(1, "empty", "RA-1", [], [], []), "No positions for this flight"),
])
def test_empty_profile_says_so(fig, flight, message):
    info = draw_profile(fig, flight)
    assert info.empty and info.message == message
    assert message in _texts(fig)
    fig.canvas.draw()


def test_no_ground_flags_means_no_take_off_marks(fig):
    t = np.arange(0, 3600, 10.0)
    f = ChartFlight(1, "a", "b", t, np.linspace(50, 51, len(t)), np.linspace(30, 31, len(t)),
                    alt_ft=np.full(len(t), 30000.0), gs_kt=np.full(len(t), 450.0))
    info = draw_profile(fig, f)
    assert info.takeoffs == [] and info.landings == [] and info.ground_spans == []
    fig.canvas.draw()
