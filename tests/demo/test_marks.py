"""A demo case cannot be mistaken for evidence: its charts' footers, its report and the
window say "DEMO, synthetic data"; an ordinary case's do not."""

import pytest

from osintdesk.app import build_window
from osintdesk.charts.export import new_figure
from osintdesk.charts.selection import ChartRequest, draw_chart
from osintdesk.demo import DEMO_MARK
from osintdesk.demo.build import create_demo
from osintdesk.report.html import render_html
from osintdesk.report.model import ReportOptions, build_report
from osintdesk.store import Case


@pytest.fixture(scope="module")
def bizjet(tmp_path_factory):
    return create_demo("bizjet", tmp_path_factory.mktemp("demo") / "bizjet").path


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.texts]


@pytest.mark.parametrize("mode", ["map", "activity", "timeline", "links"])
def test_every_chart_of_a_demo_says_so_in_its_footer(bizjet, sample_case, mode):
    with Case.open(bizjet, examiner="Trainee", readonly=True) as case:
        data = ChartRequest(all_flights=True).load(mode, case)
    fig = new_figure(800, 500)
    draw_chart(fig, mode, data)
    assert DEMO_MARK in _texts(fig)
    plain = ChartRequest(all_flights=True).load(mode, sample_case)
    fig = new_figure(800, 500)
    draw_chart(fig, mode, plain)
    assert plain.mark is None and DEMO_MARK not in _texts(fig)


def test_the_report_of_a_demo_says_so_on_every_page(bizjet):
    with Case.open(bizjet, examiner="Trainee", readonly=True) as case:
        report = build_report(case, ReportOptions(banner="TRAINING ONLY"))
    assert report.options.banner == f"{DEMO_MARK}; TRAINING ONLY"
    assert f"{DEMO_MARK}; TRAINING ONLY" in render_html(report)


def test_the_window_builds_a_demo_and_shows_the_banner_while_it_is_open(qtbot, tmp_path,
                                                                        sample_case_file):
    window = build_window("Trainee")
    qtbot.addWidget(window)
    window.show()
    assert window.demo_ui.action_new_demo in window.file_menu.actions()
    assert not window.demo_ui.banner.isVisible()
    window.demo_ui.create_demo_case("bizjet", str(tmp_path / "from-window.osintcase"))
    qtbot.waitUntil(lambda: window.case is not None and window.demo_ui.banner.isVisible(), timeout=15000)
    window.open_case(str(sample_case_file))
    qtbot.waitUntil(lambda: window.case is not None and window.case.path.name == "sample.osintcase",
                    timeout=15000)
    assert not window.demo_ui.banner.isVisible()
    window.runner.wait()


@pytest.mark.parametrize("mode", ["map", "timeline"])
@pytest.mark.parametrize("footer", [None, "Data: Flightradar24  ·  Case DEMO-1"])
def test_the_mark_covers_no_label_credit_or_data(bizjet, mode, footer):
    """The mark has its own room on the footer line: on screen and in the report (no
    footer), and in an exported chart beside the data credit (the axis label "time (UTC)"
    and the map's basemap credit stay clear)."""
    from matplotlib.text import Text

    from osintdesk.charts.export import add_footer
    with Case.open(bizjet, examiner="Trainee", readonly=True) as case:
        data = ChartRequest(all_flights=True).load(mode, case)
    fig = new_figure(1000, 620)
    draw_chart(fig, mode, data)
    add_footer(fig, footer)
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    [mark] = [t for t in fig.texts if t.get_text() == DEMO_MARK]
    box = mark.get_bbox_patch().get_window_extent(renderer)
    assert 0 <= box.x0 and box.x1 <= fig.bbox.width and 0 <= box.y0
    others = [t for t in fig.findobj(Text) if t is not mark and t.get_visible() and t.get_text()]
    texts = [t.get_text() for t in others]
    assert "time (UTC)" in texts if mode == "timeline" else any("Natural Earth" in t for t in texts)
    assert footer is None or footer in texts
    for other in others:
        assert not box.overlaps(other.get_window_extent(renderer)), other.get_text()
    for ax in fig.axes:
        assert not box.overlaps(ax.get_window_extent(renderer))


def test_a_zoomed_map_keeps_its_credit_above_the_mark(bizjet):
    """A zoom draws the basemap and its credit again: on the credit's line, not the mark's."""
    from osintdesk.charts.map.interaction import refresh_basemap
    with Case.open(bizjet, examiner="Trainee", readonly=True) as case:
        data = ChartRequest(all_flights=True).load("map", case)
    fig = new_figure(1000, 620)
    info = draw_chart(fig, "map", data)
    lines = {t.get_text(): t.get_position()[1] for t in fig.texts}
    credit = next(text for text in lines if text.startswith("Basemap"))
    assert lines[credit] > lines[DEMO_MARK]
    (x0, x1), (y0, y1) = info.ax.get_xlim(), info.ax.get_ylim()
    info.ax.set_xlim(x0 + 0.45 * (x1 - x0), x1 - 0.45 * (x1 - x0))
    info.ax.set_ylim(y0 + 0.45 * (y1 - y0), y1 - 0.45 * (y1 - y0))
    refresh_basemap(info)
    after = {t.get_text(): t.get_position()[1] for t in fig.texts}
    assert [y for text, y in after.items() if "Natural Earth" in text] == [lines[credit]]
