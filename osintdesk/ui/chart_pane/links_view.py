"""Click and hover on the link chart: what a node or a line is, in the status line, and which
record a click names (an entity, an aircraft, an event, a source, a link).

The chart itself (``charts.links``) finds what is under the mouse; this only listens to the
canvas and says it. Zoom and pan are the toolbar's.
"""

from __future__ import annotations

from PySide6.QtCore import Signal

from .hover import HoverFollower

# What a click on a line selects, by the kind of record behind it (the first that applies).
EDGE_ORDER = ("link", "event", "cites", "tie", "flights")


def node_record(graph, node: str) -> tuple[str, str] | None:
    """(kind, id) of the record a node stands for; None for an airport with no entity."""
    kind = graph.nodes[node]["kind"]
    if kind == "airport":
        return None
    return kind, node


def edge_record(graph, pair) -> tuple[str, str]:
    """(kind, id) of the record a line stands for: a link (the first of several between the
    same two nodes), else the event, the source cited or tied, or the aircraft flown."""
    a, b, keys = pair
    found = []
    for key in keys:
        attrs = graph.edges[a, b, key] if graph.has_edge(a, b, key) else graph.edges[b, a, key]
        kind = attrs["kind"]
        record_kind = {"link": "link", "event": "event", "cites": "source", "tie": "source",
                       "flights": "aircraft"}[kind]
        found.append((EDGE_ORDER.index(kind), record_kind, attrs["record"]))
    _, kind, record = min(found)
    return kind, record


class LinksController(HoverFollower):
    """Hover and click on the pane's link chart. ``record_clicked`` (kind, id) says which
    record a click on a node or a line names."""

    record_clicked = Signal(str, str)

    CLICK_PX = 9

    def __init__(self, pane):
        super().__init__(pane)
        pane.canvas.mpl_connect("button_press_event", self._on_press)

    def info(self):
        """The LinksInfo of the link chart on the canvas, or None."""
        return self.pane.info if self.pane.drawn_mode == "links" else None

    def hit(self, x_px: float, y_px: float):
        """("node", id) or ("edge", pair) under a canvas point (display pixels), or None."""
        info = self.info()
        return None if info is None else self.find(info, x_px, y_px)

    def find(self, info, x_px, y_px):
        node = info.node_at(x_px, y_px, self.CLICK_PX)
        if node is not None:
            return "node", node
        pair = info.edge_at(x_px, y_px, self.CLICK_PX / 2)
        return ("edge", pair) if pair is not None else None

    def hover_point(self, event):
        return event.x, event.y

    def _on_press(self, event) -> None:
        info = self.info()
        if info is None or event.button != 1 or event.inaxes is not info.ax or self.pane.toolbar.mode:
            return
        found = self.find(info, event.x, event.y)
        if found is None:
            return
        what, value = found
        record = node_record(info.graph, value) if what == "node" else edge_record(info.graph, value)
        if record is not None:
            self.record_clicked.emit(*record)

    def _show_hover(self, found) -> None:
        """The status line and the canvas' tooltip say what is under the mouse, its label
        whole (the chart may have shortened it to fit)."""
        info = self.info()
        if found is None or info is None:
            self.pane.show_status(self.pane.message)
            self.pane.canvas.setToolTip("")
            return
        text = (info.describe_node(found[1]) if found[0] == "node"
                else info.describe_edge(found[1]))
        self.pane.show_status(text)
        self.pane.canvas.setToolTip(text)
