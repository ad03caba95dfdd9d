"""Image comparisons against committed baselines (small PNGs in tests/charts/baseline/).

Regenerate after an intended change of look with
    OSINTDESK_UPDATE_BASELINES=1 python -m pytest tests/charts/test_images.py
then look at every image before committing it. A failed comparison writes its diff
image beside the actual one, in the test's tmp_path, never into baseline/.
"""

import os
import shutil
from pathlib import Path

import pytest
from matplotlib.testing.compare import compare_images

from tests.support import chart_samples as samples
from osintdesk.charts.activity import draw_activity
from osintdesk.charts.export import new_figure, save_figure
from osintdesk.charts.map import draw_map
from osintdesk.charts.profile import draw_profile
from osintdesk.charts.links import LinkRequest, draw_links, load_link_chart
from osintdesk.store import Case
from tests.support import link_samples

BASELINE = Path(__file__).parent / "baseline"
# RMS difference (0-255) tolerated: room for font hinting differences, not for a moved line.
TOLERANCE = 4.0


def _map_pyongyang(fig):
    draw_map(fig, [samples.moscow_pyongyang(), samples.pyongyang_moscow()], samples.photo_places(),
             title="RA-64504, Moscow – Pyongyang, July 2025")


def _map_bering(fig):
    draw_map(fig, [samples.alaska_kamchatka()])


def _map_empty(fig):
    draw_map(fig, [])


def _profile(fig):
    draw_profile(fig, samples.moscow_pyongyang())


def _activity(fig):
    draw_activity(fig, samples.activity_rows(), title="Activity, summer 2025")


CASES = {
    "map_pyongyang": (_map_pyongyang, 640, 420),
    "map_bering": (_map_bering, 560, 380),
    "map_empty": (_map_empty, 480, 300),
    "profile": (_profile, 640, 360),
    "activity": (_activity, 640, 260),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_chart_matches_baseline(name, tmp_path):
    draw, width, height = CASES[name]
    fig = new_figure(width, height)
    draw(fig)
    compare_with_baseline(save_figure(fig, tmp_path / f"{name}.png"), name)


@pytest.fixture(scope="module")
def link_charts(tmp_path_factory):
    """The link chart story (generated: an Il-62M, its operator and owner, a merged pilot,
    an event, two sources), whole with sources and flights, and around the aircraft."""
    story = link_samples.story_case(tmp_path_factory.mktemp("links"))
    with Case.open(story["path"], examiner="x", readonly=True) as case:
        return {"links_story": (load_link_chart(case, LinkRequest(sources=True, flights=True)), ()),
                "links_around": (load_link_chart(case, LinkRequest(around="RA-86496", depth=1)),
                                 (story["plane"],))}


@pytest.mark.parametrize("name", ["links_story", "links_around"])
def test_link_chart_matches_baseline(name, link_charts, tmp_path):
    chart, selected = link_charts[name]
    fig = new_figure(640, 420)
    draw_links(fig, chart.graph, chart.positions, selected=selected)
    compare_with_baseline(save_figure(fig, tmp_path / f"{name}.png"), name)


def compare_with_baseline(actual: Path, name: str) -> None:
    expected = BASELINE / f"{name}.png"
    if os.environ.get("OSINTDESK_UPDATE_BASELINES"):
        BASELINE.mkdir(exist_ok=True)
        shutil.copyfile(actual, expected)
        pytest.skip(f"baseline written: {expected}")
    assert expected.exists(), f"no baseline {expected}; run with OSINTDESK_UPDATE_BASELINES=1"
    result = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert result is None, result


@pytest.mark.parametrize("name, zone, window", [
    ("timeline", "UTC", None),
    ("timeline_week_vladivostok", "Asia/Vladivostok", ("2023-09-12", "2023-09-22")),
])
def test_timeline_matches_baseline(name, zone, window, timeline_case_ids, tmp_path):
    """The timeline of the generated case (tests.support.timeline_samples): its drawing
    depends on the records' contents, never on their ids, except for each flight's colour
    (its own on every chart, from its id: the generated flights get fixed ids here)."""
    from dataclasses import replace
    from osintdesk.charts.timeline import TimelineFilter, draw_timeline, read_timeline
    from osintdesk.store import Case
    from osintdesk.timefmt import parse_user_time

    t_from, t_to = (None, None) if window is None else (
        parse_user_time(window[0]), parse_user_time(window[1], end_of_day=True))
    with Case.open(timeline_case_ids["path"], examiner="x", readonly=True) as case:
        timeline = read_timeline(case, TimelineFilter(t_from=t_from, t_to=t_to))
    named = {uuid: f"flight-{n}" for n, uuid in enumerate(timeline_case_ids["flights"])}
    items = [replace(i, record_id=named[i.record_id]) if i.kind == "flight" else i
             for i in timeline.items]
    fig = new_figure(760, 380)
    draw_timeline(fig, items, timeline.lanes, zone=zone, t_from=t_from, t_to=t_to)
    compare_with_baseline(save_figure(fig, tmp_path / f"{name}.png"), name)
