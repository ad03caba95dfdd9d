"""The link chart: who owns, operates and flew what, as a network drawn from the findings.

``graph`` reads the case into a networkx graph (the whole case or one entity's
neighbourhood), ``layout`` places its nodes deterministically, ``draw`` draws it on a
matplotlib Figure. ``load_link_chart`` does the first two, the slow part, on any thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from .draw import LinksInfo, draw_links
from .graph import LinkRequest, build_graph, graph_json
from .layout import layout


@dataclass
class LinkChart:
    """A graph read from the case and where each of its nodes goes."""

    graph: nx.MultiDiGraph = field(default_factory=nx.MultiDiGraph)
    positions: dict = field(default_factory=dict)


def load_link_chart(case, request: LinkRequest = LinkRequest(), progress=None,
                    cancelled=None) -> LinkChart:
    """Read the graph of ``request`` and lay it out (seconds for thousands of nodes: run it
    on a worker in the window). InputError for an unknown ``around``."""
    graph = build_graph(case, request, progress=progress, cancelled=cancelled)
    return LinkChart(graph, layout(graph, cancelled=cancelled))


__all__ = ["LinkChart", "LinkRequest", "LinksInfo", "build_graph", "draw_links", "graph_json",
           "layout", "load_link_chart"]
