"""The window at the sizes people use (1200x780, 1024x700) with the chart pane docked: rows
of controls wrap rather than hide or cut what they hold, the timeline keeps a useful plot,
and long texts are shortened with "…" where they must be, whole in a tooltip."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtWidgets import QLabel, QPushButton, QToolButton, QWidget

from osintdesk.app import build_window
from osintdesk.charts.timeline import TimelineInfo
from osintdesk.store import Case
from osintdesk.ui.elided import ElidedLabel
from osintdesk.ui.flow import FlowLayout
from tests.support.pane_samples import shown_pane

SIZES = [(1200, 780), (1024, 700)]


def inside(widget: QWidget, container: QWidget) -> bool:
    """Whether ``widget`` is shown whole within ``container``'s rectangle."""
    top_left = widget.mapTo(container, widget.rect().topLeft())
    bottom_right = widget.mapTo(container, widget.rect().bottomRight())
    return (widget.isVisible() and container.rect().contains(top_left)
            and container.rect().contains(bottom_right))


def toolbar_hides_nothing(toolbar) -> bool:
    extension = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    buttons = [toolbar.widgetForAction(a) for a in toolbar.actions() if not a.isSeparator()]
    return (extension is None or not extension.isVisible()) and all(
        inside(b, toolbar) for b in buttons if b is not None and not isinstance(b, QLabel))


def test_a_flow_layout_wraps_what_does_not_fit_and_gets_taller(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    flow = FlowLayout(host)
    buttons = [QPushButton(f"Button number {n}") for n in range(5)]
    for button in buttons:
        flow.addWidget(button)
    one_line = flow.sizeHint().width()
    assert len(flow.lines(one_line)) == 1
    assert len(flow.lines(one_line // 2)) >= 2
    assert flow.heightForWidth(one_line // 2) > flow.heightForWidth(one_line)
    host.resize(one_line // 2, flow.heightForWidth(one_line // 2))
    host.show()
    qtbot.waitExposed(host)
    for button in buttons:
        assert inside(button, host)


@pytest.fixture
def story_path(timeline_case_ids, tmp_path):
    path = tmp_path / "story.osintcase"
    shutil.copy(timeline_case_ids["path"], path)
    return path


@pytest.fixture
def open_window(qtbot, story_path):
    """``open_window(size)``: the window of that size on the story case; waited for after."""
    opened = []

    def open_at(size):
        win = build_window("Narrow Examiner")
        qtbot.addWidget(win)
        win.resize(*size)
        win.show()
        qtbot.waitExposed(win)
        with qtbot.waitSignal(win.case_opened, timeout=10000):
            win.open_case(str(story_path))
        qtbot.waitUntil(lambda: not win.chart_pane.busy(), timeout=20000)
        opened.append(win)
        return win
    yield open_at
    for win in opened:
        win.chart_pane.wait()
        win.runner.wait()


def show_mode(qtbot, win, mode):
    pane = win.chart_pane
    with qtbot.waitSignal(pane.redrawn, timeout=20000, check_params_cb=lambda m: m == mode):
        pane.set_mode(mode)
    qtbot.waitUntil(lambda: not pane.busy() and not pane._resize_timer.isActive(), timeout=20000)
    return pane


@pytest.mark.parametrize("size", SIZES)
def test_the_docked_chart_panes_controls_all_show(qtbot, open_window, size):
    win = open_window(size)
    pane = win.chart_pane
    assert pane.width() < 450            # docked beside the page: a narrow pane
    for mode, extra in (("timeline", [pane.timeline_zone]),
                        ("links", [pane.links_scope, pane.links_sources, pane.links_flights]),
                        ("map", [])):
        show_mode(qtbot, win, mode)
        for widget in [pane.mode_box, pane.export_button, pane.toolbar] + extra:
            assert inside(widget, pane), (mode, widget.objectName())
        assert toolbar_hides_nothing(pane.toolbar), mode
        assert pane.canvas.y() >= pane.toolbar.geometry().bottom()   # nothing over the chart


@pytest.mark.parametrize("size", SIZES)
def test_the_timeline_in_the_docked_pane_keeps_most_of_its_width_for_the_plot(qtbot, open_window, size):
    win = open_window(size)
    pane = show_mode(qtbot, win, "timeline")
    info = pane.info
    assert isinstance(info, TimelineInfo) and not info.empty
    plot = info.ax.get_window_extent()
    assert plot.width >= 0.7 * pane.figure.bbox.width   # a third went to lane names
    assert plot.height >= 200
    # The lane names fit their column: none runs off the figure's left edge.
    pane.canvas.draw()
    renderer = pane.figure.canvas.get_renderer()
    for label in info.ax.get_yticklabels():
        assert label.get_window_extent(renderer).x0 >= 0, label.get_text()


def shown_source(qtbot, win):
    """The Sources page with its first source in the viewer: (page, viewer)."""
    page = win.show_page("Sources")
    page.view.selectRow(0)
    qtbot.waitUntil(lambda: page.viewer.source is not None, timeout=5000)
    return page, page.viewer


@pytest.mark.parametrize("size", SIZES)
def test_the_capture_row_and_tie_to_fit_on_the_sources_page(qtbot, open_window, size):
    win = open_window(size)
    page, viewer = shown_source(qtbot, win)
    combo = viewer.capture_combo
    widgets = [combo, viewer.export_button, viewer.retire_button]
    tie = next(viewer.source_bar.itemAt(i).widget() for i in range(viewer.source_bar.count())
               if isinstance(viewer.source_bar.itemAt(i).widget(), QToolButton)
               and viewer.source_bar.itemAt(i).widget().defaultAction() is win.findings_ui.action_tie)
    assert tie.text() == "Tie to…"        # the "…" kept: a dialog follows, nothing is cut
    for widget in widgets + [tie]:
        assert inside(widget, page), widget.objectName() or widget.text()
    # The capture box shows its capture whole.
    assert combo.width() >= combo.sizeHint().width()


def test_a_narrow_viewer_wraps_its_capture_row_instead_of_cutting_it(qtbot, open_window):
    _page, viewer = shown_source(qtbot, open_window((1200, 780)))
    bar = viewer.source_bar
    one_line = bar.sizeHint().width()
    narrow = one_line * 2 // 3
    assert len(bar.lines(narrow)) == 2
    assert bar.heightForWidth(narrow) > bar.heightForWidth(one_line)


def test_the_evidence_list_sits_above_its_details_beside_the_chart_pane(qtbot, open_window):
    win = open_window((1200, 780))
    page = win.show_page("Evidence")
    qtbot.waitUntil(lambda: page.splitter.widget(0).width() > 0, timeout=5000)
    table = page.view
    # The list keeps the page's width for its names (side by side it had ~120 px).
    assert table.width() >= 0.9 * page.width()
    assert inside(page.facts["sha256"], page)


def test_the_chart_status_line_is_shortened_with_the_whole_in_its_tooltip(qtbot, sample_case):
    pane = shown_pane(qtbot, sample_case, 300, 400)
    try:
        long = "Profile of the first of 4 selected flights; select one flight for its own " * 2
        pane.show_status(long)
        status = pane.status
        assert isinstance(status, ElidedLabel) and status.text() == long
        assert status.shown_text().endswith("…") and status.toolTip() == long
        assert status.fontMetrics().horizontalAdvance(status.shown_text()) <= status.width()
        pane.show_status("Short")
        assert status.shown_text() == "Short" and status.toolTip() == ""
    finally:
        pane.wait()


def test_the_link_charts_hover_says_a_shortened_label_whole_in_the_tooltip(qtbot, timeline_case_ids):
    with Case.open(timeline_case_ids["path"], examiner="x", readonly=True) as case:
        pane = shown_pane(qtbot, case, 360, 500)
        try:
            with qtbot.waitSignal(pane.redrawn, timeout=20000,
                                  check_params_cb=lambda m: m == "links"):
                pane.set_mode("links")
            info = pane.info
            node = next(iter(info.node_labels))
            pane.links._show_hover(("node", node))
            assert pane.canvas.toolTip() == info.describe_node(node)
            assert info.graph.nodes[node]["label"] in pane.canvas.toolTip()
            pane.links._show_hover(None)
            assert pane.canvas.toolTip() == ""
        finally:
            pane.wait()
            pane.set_case(None)


def test_the_empty_selector_hits_table_shows_its_column_titles_whole(qtbot, open_window):
    page = open_window((1200, 780)).show_page("Selectors")
    view, header = page.hits_view, page.hits_view.horizontalHeader()
    shown = [c for c in range(view.model().columnCount()) if not view.isColumnHidden(c)]
    assert view.model().rowCount() == 0
    for column in shown[:-1]:      # (the last stretches to the edge)
        assert view.columnWidth(column) >= header.sectionSizeHint(column), column


def test_the_aircraft_notes_show_their_tags_line_and_boxes_whole(qtbot, open_window):
    page = open_window((1200, 780)).show_page("Aircraft")
    page.view.selectRow(0)
    notes = page.notes
    qtbot.waitUntil(lambda: notes.uuid is not None, timeout=5000)
    assert notes.height() >= notes.needed_height()
    # The heading and the tags line show (two lines of the label), above both rows of boxes.
    two_lines = 2 * notes.shown.fontMetrics().lineSpacing()
    qtbot.waitUntil(lambda: notes.shown.height() >= two_lines, timeout=3000)
    for widget in (notes.shown, notes.note_edit, notes.tag_edit, notes.remove_button):
        assert inside(widget, notes), widget.objectName()


@pytest.mark.parametrize("size", SIZES)
def test_the_findings_pages_buttons_show_their_whole_text(qtbot, open_window, size):
    """"Merge Entities…" read "erge Entities." at 1024x700: the buttons of the Entities,
    Events and Claims pages wrap onto another line rather than being squeezed."""
    from PySide6.QtCore import Qt
    win = open_window(size)
    # The chart pane widened by hand: the page gets narrower than its row of buttons.
    win.resizeDocks([win.chart_dock], [size[0] - 520], Qt.Orientation.Horizontal)
    for title in ("Entities", "Events", "Claims"):
        page = win.show_page(title)
        qtbot.waitUntil(lambda: page.view.width() > 0, timeout=5000)
        qtbot.wait(50)
        assert page.width() <= 440, page.width()
        buttons = [page.tools.itemAt(i).widget() for i in range(page.tools.count())]
        buttons = [b for b in buttons if isinstance(b, QPushButton)]
        assert len(buttons) >= 3, title
        for button in buttons:
            assert button.width() >= button.sizeHint().width(), (title, button.text())
            assert inside(button, page), (title, button.text())
