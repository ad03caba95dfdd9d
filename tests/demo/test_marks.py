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
