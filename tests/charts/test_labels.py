"""Labels on the charts are written whole where they fit and shortened (with "…") only where
they do not: the texts the figure holds are read back and measured by the renderer."""

from __future__ import annotations

import networkx as nx
import pytest

from osintdesk.charts import style
from osintdesk.charts.export import new_figure
from osintdesk.charts.links import draw_links
from osintdesk.charts.timeline import draw_timeline
from osintdesk.charts.timeline.items import TimelineItem
from osintdesk.charts.timeline.plan import LANE_SHARE

LONG = "Delegation of the fictional ministry arrives at Pyongyang Sunan for talks on aircraft"
DAY = 86400.0
T0 = 1_690_000_000.0


def extent(fig, text):
    return text.get_window_extent(fig.canvas.get_renderer())


@pytest.mark.parametrize("text", ["XX-62001 (IL62)", "Summit in Pyongyang (fictional)", LONG,
                                  "UUWW → ZKPY XXS901", "iiiii WWWWW"])
@pytest.mark.parametrize("size", [style.FONT_SMALL, style.FONT, style.FONT_TITLE])
def test_the_measured_width_is_the_renderers_or_a_little_more(text, size):
    fig = new_figure(1600, 100)
    drawn = extent(fig, fig.text(0, 0.5, text, fontsize=size)).width
    measured = style.text_width_px(text, size, fig.dpi)
    assert drawn <= measured <= drawn + 2


def test_fit_text_keeps_what_fits_and_cuts_at_a_word_what_does_not():
    assert style.fit_text(LONG, 2000, style.FONT_SMALL, 100) == LONG
    short = style.fit_text(LONG, 150, style.FONT_SMALL, 100)
    assert short.endswith("…") and LONG.startswith(short[:-1])
    assert LONG[len(short) - 1] == " "       # cut at a word's end
    assert style.text_width_px(short, style.FONT_SMALL, 100) <= 150
    assert style.fit_text(LONG, 8, style.FONT_SMALL, 100) is None


def event(label, start, lane="Events", days=1.0):
    return TimelineItem("event", start, start + days * DAY, "day", label, lane, "event", label,
                        "event", label)


def timeline_labels(fig, info):
    return {t.get_text(): t for t in info.labels}


def test_a_timeline_label_that_fits_is_written_whole():
    items = [event(LONG, T0), event("Later", T0 + 30 * DAY)]
    fig = new_figure(1400, 300)
    info = draw_timeline(fig, items)
    labels = timeline_labels(fig, info)
    assert LONG in labels and "Later" in labels
    box, axes = extent(fig, labels[LONG]), info.ax.get_window_extent()
    assert box.x1 <= axes.x1 + 1


def test_a_timeline_label_with_less_room_is_shortened_to_it():
    # Near the right end of the axis: the label has only the room up to the axes' edge.
    items = [event("First", T0), event(LONG, T0 + 20 * DAY)]
    fig = new_figure(520, 300)
    info = draw_timeline(fig, items)
    texts = [t.get_text() for t in info.labels]
    short = next(t for t in texts if t != "First")
    assert short.endswith("…") and LONG.startswith(short[:-1].rstrip())
    assert len(short) > 12                     # the room it has, not a fixed cut
    fig.canvas.draw()
    for label in info.labels:
        box = extent(fig, label)
        assert box.x1 <= fig.bbox.x1 and box.x0 >= info.ax.get_window_extent().x0 - 1
    assert not info.hidden                       # nothing left to a "+N"


def test_lane_names_wrap_in_a_narrow_timeline_and_the_plot_keeps_its_width():
    lane = "XX-62001 (IL62) State Transport Detachment"
    items = [TimelineItem("flight", T0, T0 + 3600, "second", "UUWW → ZKPY", lane, "flight", "f1",
                          "flight", "f1")]
    fig = new_figure(400, 300)
    info = draw_timeline(fig, items)
    name = info.ax.get_yticklabels()[0].get_text()
    assert "\n" in name and name.replace("\n", " ").startswith("XX-62001")
    assert info.ax.get_position().x0 <= LANE_SHARE + 0.06
    wide = new_figure(1400, 300)
    info = draw_timeline(wide, items)
    assert info.ax.get_yticklabels()[0].get_text() == lane


def test_a_title_too_long_for_a_narrow_chart_goes_onto_two_lines_inside_it():
    items = [event("One", T0), event("Two", T0 + 40 * DAY)]
    fig = new_figure(380, 400)
    draw_timeline(fig, items, zone="Asia/Vladivostok")
    fig.canvas.draw()
    title = next(t for t in fig.texts if t.get_text().startswith("Timeline:"))
    assert "\n" in title.get_text() and "(Asia/Vladivostok)" in title.get_text()
    assert extent(fig, title).x1 <= fig.bbox.x1
    wide = new_figure(1200, 400)
    draw_timeline(wide, items, zone="Asia/Vladivostok")
    assert any(t.get_text().startswith("Timeline:") and "\n" not in t.get_text() for t in wide.texts)


def link_graph(label: str) -> tuple[nx.MultiDiGraph, dict]:
    graph = nx.MultiDiGraph(title="Links")
    graph.add_node("a", kind="entity", schema="Address", group="place", label=label)
    graph.add_node("b", kind="entity", schema="Person", group="person", label="Pak Example")
    graph.add_edge("b", "a", key="l1", kind="link", record="l1", label="lives at", citations=1,
                   schema="UnknownLink")
    return graph, {"a": (0.0, 0.0), "b": (1.0, 0.0)}


def test_a_link_chart_label_that_fits_is_written_whole():
    graph, positions = link_graph(LONG)
    fig = new_figure(1400, 500)
    info = draw_links(fig, graph, positions)
    assert info.node_labels["a"].get_text() == LONG
    assert [t.get_text() for t in info.edge_labels.values()] == ["lives at (1)"]


def test_a_link_chart_label_without_the_room_is_shortened_not_dropped():
    graph, positions = link_graph(LONG)
    fig = new_figure(360, 300)
    info = draw_links(fig, graph, positions)
    text = info.node_labels["a"].get_text()
    assert text.endswith("…") and LONG.startswith(text[:-1].rstrip())
    fig.canvas.draw()
    box = extent(fig, info.node_labels["a"])
    assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1
    assert LONG in info.describe_node("a")         # the hover line says it whole


@pytest.mark.parametrize("width", [330, 390, 460, 560])
def test_a_legend_below_the_title_uses_as_many_columns_as_fit_inside_the_figure(width):
    items = [event("One", T0), event("Two", T0 + 40 * DAY),
             TimelineItem("flight", T0, T0 + 3600, "second", "UUWW → ZKPY", "XX-1", "flight", "f",
                          "flight", "f"),
             TimelineItem("ground-stay", T0 + 3600, T0 + DAY, "second", "ZKPY 1 d", "XX-1",
                          "ground-time", "g", "aircraft", "a")]
    fig = new_figure(width, 500)
    draw_timeline(fig, items)
    fig.canvas.draw()
    legend = fig.legends[0]
    renderer = fig.canvas.get_renderer()
    assert legend.get_window_extent(renderer).x1 <= fig.bbox.x1
    n = len(legend.get_texts())
    if legend._ncols < n:       # one column more would not have fitted
        handles, texts = legend.legend_handles, [t.get_text() for t in legend.get_texts()]
        wider = fig.legend(handles, texts, ncols=legend._ncols + 1, fontsize=style.FONT_SMALL,
                           frameon=False, handlelength=1.8, columnspacing=1.2, borderpad=0.0,
                           loc="upper left", bbox_to_anchor=(8 / width, 0.5))
        assert wider.get_window_extent(renderer).x1 > fig.bbox.x1 - 2
