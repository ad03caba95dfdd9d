"""The activity chart: flights as bars per aircraft, ground time labelled by airport."""

import pytest
from matplotlib.text import Text

from tests.support import chart_samples as samples
from osintdesk.charts.activity import draw_activity
from osintdesk.charts.data import ActivityRow
from tests.support.chart_samples import utc
from osintdesk.charts.style import mpl_days


def test_one_row_per_aircraft_with_flights_as_bars(fig):
    rows = samples.activity_rows()
    info = draw_activity(fig, rows)
    labels = [t.get_text() for t in info.ax.get_yticklabels()]
    assert labels == [r.aircraft_label for r in rows]
    assert len(info.flight_bars) == sum(len(r.flights) for r in rows)
    for ri, rect, flight in info.flight_bars:
        x0, x1 = mpl_days([flight.start_t, flight.end_t])
        assert rect.get_x() <= x0 + 1e-9 and rect.get_x() + rect.get_width() >= x1 - 1e-9
        assert abs(rect.get_y() + rect.get_height() / 2 - ri) < 1e-9
    # Each aircraft has its own colour.
    colours = {ri: rect.get_facecolor() for ri, rect, _ in info.flight_bars}
    assert colours[0] != colours[1]


def test_ground_time_labelled_with_airport_and_duration(fig):
    info = draw_activity(fig, samples.activity_rows())
    texts = [t.get_text() for _, t in info.stay_labels]
    # RA-64504 sat at Pyongyang for two days in July and again in September.
    assert "ZKPY 2 d 3 h" in texts
    assert "ZKPY 1 d 19 h" in texts
    assert "UUWW 22 d 7 h" in texts
    # Stays before the first and after the last flight have no known length.
    assert "… UUWW" in texts and "UUWW …" in texts
    zkpy = info.stay_colours["ZKPY"]
    assert all(rect.get_facecolor()[:3] == pytest.approx(__import__("matplotlib").colors.to_rgb(zkpy))
               for _, rect, g in info.stay_bars if g.airport == "ZKPY")


def test_labels_do_not_overlap(fig):
    info = draw_activity(fig, samples.activity_rows())
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer).shrunk(0.95, 0.8) for _, t in info.stay_labels + info.flight_labels]
    assert len(boxes) > 10
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)


def test_time_range_can_be_fixed(fig):
    rows = samples.activity_rows()
    info = draw_activity(fig, rows, t_from=utc(2025, 7, 1), t_to=utc(2025, 8, 1))
    assert info.time_range == (utc(2025, 7, 1), utc(2025, 8, 1))
    assert info.ax.get_xlim() == pytest.approx(tuple(mpl_days([utc(2025, 7, 1), utc(2025, 8, 1)])))
    # September flights fall outside and are not drawn.
    assert all(f.start_t < utc(2025, 8, 1) for _, _, f in info.flight_bars)


@pytest.mark.parametrize("rows, message", [
    ([], "No aircraft selected"),
    ([ActivityRow("RA-1")], "No flights or ground time to show"),
])
def test_empty_activity_says_so(fig, rows, message):
    info = draw_activity(fig, rows)
    assert info.empty and message in [t.get_text() for t in fig.findobj(Text)]
    fig.canvas.draw()


def test_a_stay_cut_by_the_time_axis_keeps_its_whole_length(fig):
    row = ActivityRow("RA-64504", [(utc(2025, 7, 10, 5), utc(2025, 7, 10, 13), "UUWW → ZKPY"),
                                   (utc(2025, 7, 12, 17), utc(2025, 7, 13, 1), "ZKPY → UUWW")],
                      [(utc(2025, 7, 10, 13), utc(2025, 7, 12, 17), "ZKPY")])
    info = draw_activity(fig, [row], t_from=utc(2025, 7, 9), t_to=utc(2025, 7, 11))
    (stay,) = info.stay_bars
    assert stay[1].get_x() + stay[1].get_width() == pytest.approx(mpl_days([utc(2025, 7, 11)])[0])
    assert [t.get_text() for _, t in info.stay_labels] == ["ZKPY 2 d 4 h"]


@pytest.mark.parametrize("t_from, t_to", [
    (utc(2023, 6, 25), utc(2023, 7, 20)),    # day ticks across June and July
    (utc(2023, 6, 30, 6), utc(2023, 7, 1, 18)),   # hour ticks across midnight into July
])
def test_day_ticks_name_their_month_when_the_range_crosses_months(fig, t_from, t_to):
    """Across months, a tick never reads "08" with "2023-07" in the corner (a June date
    taken for 8 July): every tick that names a day names its month, and the corner
    never names a month the ticks do not all share."""
    info = draw_activity(fig, samples.activity_rows(), t_from=t_from, t_to=t_to)
    fig.canvas.draw()
    ticks = [t.get_text() for t in info.ax.get_xticklabels() if t.get_text()]
    offset = info.ax.xaxis.get_offset_text().get_text()
    day_ticks = [t for t in ticks if ":" not in t]
    assert day_ticks and all(t.split()[-1] in ("Jun", "Jul") for t in day_ticks), ticks
    if t_to - t_from > 2 * 86400:
        assert "Jun" in " ".join(ticks) and "Jul" in " ".join(ticks)
        assert offset == "2023", offset
