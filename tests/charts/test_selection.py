"""The chart of a selection as the window draws it, and its export on any thread."""

import pytest
from PIL import Image

from tests.support import chart_samples as samples
from osintdesk.charts import ActivityInfo, MapInfo, ProfileInfo
from osintdesk.charts.export import new_figure
from osintdesk.charts.selection import (ChartData, activity_title, draw_chart, export_chart,
                                        profile_note)
from osintdesk.errors import OsintdeskError


@pytest.fixture
def data():
    return ChartData(flights=[samples.moscow_pyongyang(), samples.pyongyang_moscow()],
                     places=samples.photo_places(), rows=samples.activity_rows())


@pytest.mark.parametrize("mode, kind", [("map", MapInfo), ("profile", ProfileInfo), ("activity", ActivityInfo)])
def test_each_mode_draws_its_chart(data, mode, kind):
    fig = new_figure(640, 420)
    assert isinstance(draw_chart(fig, mode, data), kind)


def test_a_problem_is_written_under_the_chart(data):
    fig = new_figure(640, 420)
    draw_chart(fig, "map", ChartData(), "no flight 'gone' in this case")
    assert "no flight 'gone' in this case" in [t.get_text() for t in fig.texts]


def test_an_unknown_mode_is_refused(data):
    with pytest.raises(ValueError, match="chart mode 'pie'"):
        draw_chart(new_figure(300, 200), "pie", data)


def test_titles_and_notes(data):
    assert activity_title(data.rows[:1]) == f"Activity: {data.rows[0].aircraft_label} (UTC)"
    assert activity_title(data.rows) == f"Activity: {len(data.rows)} aircraft (UTC)"
    assert profile_note(data.flights) == "Profile of the first of 2 selected flights; select one flight for its own."
    assert profile_note(data.flights[:1]) == ""
    assert data.points == sum(len(f) for f in data.flights)


def test_export_draws_at_the_asked_size_and_keeps_a_view(tmp_path, data):
    fig = new_figure(700, 480)
    info = draw_chart(fig, "map", data)
    x0, x1, y0, y1 = info.view
    view = (x0, x0 + (x1 - x0) / 4, y0, y0 + (y1 - y0) / 4)
    path = export_chart(tmp_path / "map.png", "map", data, width_px=700, height_px=480, dpi=100,
                        projection=info.projection, view=view)
    assert Image.open(path).size == (700, 480)
    fitted = export_chart(tmp_path / "fitted.png", "map", data, width_px=700, height_px=480, dpi=100)
    assert path.read_bytes() != fitted.read_bytes()


def test_export_refuses_a_bad_name_before_drawing(tmp_path, data, monkeypatch):
    from osintdesk.charts import selection
    monkeypatch.setattr(selection, "draw_chart", lambda *a, **kw: pytest.fail("drawn"))
    with pytest.raises(OsintdeskError, match=r"chart\.jpg.*\.png, \.svg or \.pdf"):
        export_chart(tmp_path / "chart.jpg", "map", data, width_px=300, height_px=200, dpi=100)
    assert list(tmp_path.iterdir()) == []
