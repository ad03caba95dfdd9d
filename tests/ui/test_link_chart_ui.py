"""The link chart in the window, offscreen: the Links mode laid out on the task runner, a click
on a node or a line selects its record, selecting an entity highlights (and scoped around
the selection, shows) its neighbourhood, hover says what is under the mouse."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from osintdesk.app import build_window
from osintdesk.charts.links import LinksInfo
from tests.support import link_samples


@pytest.fixture(scope="module")
def story_file(tmp_path_factory):
    return link_samples.story_case(tmp_path_factory.mktemp("links_ui"))


@pytest.fixture
def story(story_file, tmp_path):
    path = tmp_path / story_file["path"].name
    path.write_bytes(story_file["path"].read_bytes())
    return {**story_file, "path": path}


@pytest.fixture
def window(qtbot, story):
    win = build_window("Window Examiner")
    qtbot.addWidget(win)
    win.resize(1500, 900)
    win.show()
    qtbot.waitExposed(win)
    assert win.open_case(str(story["path"]))
    settle(qtbot, win)
    yield win
    win.runner.wait()


def settle(qtbot, window):
    qtbot.waitUntil(lambda: not window.runner.active and not window.chart_pane.busy(), timeout=20000)


def show_links(qtbot, pane, *, scope=None):
    """Switch to the Links mode (or change its scope) and wait until it is on the canvas."""
    painted = []
    cid = pane.canvas.mpl_connect("draw_event", lambda _e: painted.append(pane.info))
    with qtbot.waitSignal(pane.redrawn, timeout=20000, check_params_cb=lambda mode: mode == "links"):
        if scope is not None:
            pane.links_scope.setCurrentIndex(scope)
        else:
            pane.set_mode("links")
    qtbot.waitUntil(lambda: pane.info in painted, timeout=5000)
    pane.canvas.mpl_disconnect(cid)
    return pane.info


def node_point(pane, node) -> QPoint:
    """Where a node is drawn, as a widget position (Qt's origin is top left)."""
    info = pane.info
    x, y = info.ax.transData.transform(info.xy[info.nodes.index(node)])
    ratio = pane.canvas.device_pixel_ratio
    return QPoint(round(x / ratio), round(pane.canvas.height() - y / ratio))


def test_links_mode_is_laid_out_on_the_task_runner(qtbot, window, story):
    pane = window.chart_pane
    tasks = []
    window.runner.started.connect(lambda task: tasks.append(task.title))
    info = show_links(qtbot, pane)
    assert "Loading the link chart" in tasks   # read and laid out on a worker
    assert isinstance(info, LinksInfo)
    assert story["plane"] in info.nodes and story["owner"] in info.nodes
    assert info.graph.graph["title"] == "Links of the whole case"   # nothing selected yet
    assert pane.links_scope.isVisible() and pane.links_flights.isVisible()


def test_a_click_on_a_node_selects_its_entity(qtbot, window, story):
    pane = window.chart_pane
    show_links(qtbot, pane)
    page = window.findings_ui.entities_page
    with qtbot.waitSignal(page.detail_shown, timeout=20000):
        qtbot.mouseClick(pane.canvas, Qt.MouseButton.LeftButton, pos=node_point(pane, story["owner"]))
    assert page.selected_id() == story["owner"]
    assert window.stack.currentWidget() is page
    # The chart stayed as it was (the whole case), with the clicked entity highlighted.
    qtbot.waitUntil(lambda: pane.info.highlighted == {story["owner"], story["plane"]}, timeout=5000)
    assert pane.info.graph.graph["center"] is None


def test_a_click_on_a_line_selects_the_link(qtbot, window, story):
    pane = window.chart_pane
    info = show_links(qtbot, pane)
    with qtbot.waitSignal(pane.record_clicked, timeout=5000) as clicked:
        a, b = node_point(pane, story["air_force"]), node_point(pane, story["plane"])
        qtbot.mouseClick(pane.canvas, Qt.MouseButton.LeftButton, pos=(a + b) / 2)
    assert clicked.args == ["link", story["operator"]]
    page = window.findings_ui.entities_page
    qtbot.waitUntil(lambda: page.selected_id() == story["air_force"], timeout=20000)
    assert info is not None


def test_selecting_an_entity_highlights_its_neighbourhood(qtbot, window, story):
    pane = window.chart_pane
    show_links(qtbot, pane, scope=None)
    show_links(qtbot, pane, scope=0)         # the whole case: a selection only highlights
    page = window.findings_ui.entities_page
    window.show_page("Entities")
    with qtbot.waitSignal(pane.redrawn, timeout=20000):
        page.select(story["plane"])
    assert pane.info.highlighted == {story["plane"], story["air_force"], story["owner"], story["event"]}
    assert pane.info.node_labels[story["plane"]].get_fontweight() == "bold"
    assert pane.info.node_labels[story["loner"]].get_alpha() < 0.5
    assert pane.info.graph.graph["center"] is None


def test_around_the_selection_shows_the_neighbourhood(qtbot, window, story):
    pane = window.chart_pane
    show_links(qtbot, pane)
    page = window.findings_ui.entities_page
    window.show_page("Entities")
    with qtbot.waitSignal(page.detail_shown, timeout=20000):
        page.select(story["owner"])
    info = show_links(qtbot, pane, scope=1)
    assert info.graph.graph["title"] == "Links around Rosimushchestvo to 1 step"
    assert set(info.nodes) == {story["owner"], story["plane"]}


def test_hover_says_what_a_node_and_a_line_are(qtbot, window, story):
    pane = window.chart_pane
    show_links(qtbot, pane)
    qtbot.mouseMove(pane.canvas, node_point(pane, story["plane"]))
    qtbot.waitUntil(lambda: pane.status.text().startswith("Airplane RA-86496"), timeout=3000)
    a, b = node_point(pane, story["owner"]), node_point(pane, story["plane"])
    qtbot.mouseMove(pane.canvas, (a + b) / 2)
    qtbot.waitUntil(lambda: "Ownership" in pane.status.text(), timeout=3000)
    assert pane.status.text() == "Rosimushchestvo → RA-86496: Ownership (1 citation)"


def test_a_new_link_is_drawn_once_written(qtbot, window, story):
    pane = window.chart_pane
    show_links(qtbot, pane)
    show_links(qtbot, pane, scope=0)
    assert pane.info.graph.degree(story["loner"]) == 0
    with qtbot.waitSignal(pane.redrawn, timeout=20000,
                          check_params_cb=lambda _mode: pane.info.graph.degree(story["loner"]) == 1):
        window.findings_ui.add_link(story["loner"], story["owner"], "Directorship")
    (link,) = [attrs for u, v, attrs in pane.info.graph.edges(data=True) if u == story["loner"]]
    assert (link["label"], link["citations"]) == ("Directorship", 0)


def test_export_of_the_link_chart(qtbot, window, story, tmp_path):
    pane = window.chart_pane
    show_links(qtbot, pane)
    with qtbot.waitSignal(pane.exported, timeout=20000) as done:
        pane.export_to(tmp_path / "links.svg")
    assert done.args == [tmp_path / "links.svg"]
    assert (tmp_path / "links.svg").read_bytes().startswith(b"<?xml")
