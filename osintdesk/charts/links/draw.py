"""Drawing the link chart on a matplotlib Figure: nodes shaped and coloured by what they
are, links as lines labelled with what they are and the citations behind them, a legend,
a title saying what is shown, and a selection drawn with its neighbourhood highlighted
and the rest faded. ``LinksInfo`` finds the node or edge under the mouse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import networkx as nx
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import style
from .graph import GROUP_NAMES, GROUPS, node_order

# Shape and colour by node group (markers that tell apart in grey print too).
MARKERS = {"person": "o", "organisation": "s", "aircraft": "^", "place": "D", "event": "*",
           "document": "p", "other": "h"}
COLOURS = {"person": "#1f5fbf", "organisation": "#8e44ad", "aircraft": "#d62728",
           "place": "#2ca02c", "event": "#e6a100", "document": "#7f7f7f", "other": "#0f9fa8"}
EDGE_STYLES = {"link": ("#555555", "solid", 1.2), "event": ("#b08a2e", (0, (2, 2)), 1.0),
               "cites": ("#8aa0b5", (0, (4, 2)), 0.9), "tie": ("#8aa0b5", (0, (1, 2)), 0.9),
               "flights": ("#d98c5f", "solid", 1.6)}
HIGHLIGHT = "#b00020"
EMPTY = "No entities in this case yet: add some (Findings ▸ Add Entity…)."
FADED = 0.13
RING = 3.2           # a selected node's ring, in marker areas
LABEL_CHARS = 30
EDGE_LABELS_UP_TO = 150      # more edges than this: their labels would cover the chart
NODE_LABELS_UP_TO = 600
HALOS_UP_TO = 120
STRETCH = 1.8        # how much more one axis may be scaled than the other to fill the chart


@dataclass
class LinksInfo:
    """What ``draw_links`` drew: the nodes (ids in drawing order and their data positions),
    the drawn edges (one per pair of nodes: the pair and the keys of the records behind
    it), the texts shown, and the graph; ``node_at`` and ``edge_at`` find what is under
    a point of the canvas (display pixels, as matplotlib's mouse events give them)."""

    ax: object
    graph: nx.MultiDiGraph
    nodes: list[str] = field(default_factory=list)
    xy: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    pairs: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    node_labels: dict = field(default_factory=dict)     # node id -> Text
    edge_labels: dict = field(default_factory=dict)     # (a, b) -> Text
    highlighted: set = field(default_factory=set)       # node ids drawn highlighted
    message: str | None = None

    def node_at(self, x_px: float, y_px: float, radius_px: float = 9.0) -> str | None:
        """The node nearest the point within ``radius_px``, or None."""
        if not self.nodes:
            return None
        shown = self.ax.transData.transform(self.xy)
        distance = np.hypot(shown[:, 0] - x_px, shown[:, 1] - y_px)
        best = int(np.argmin(distance))
        return self.nodes[best] if distance[best] <= radius_px else None

    def edge_at(self, x_px: float, y_px: float, tolerance_px: float = 5.0):
        """(from, to, record keys) of the drawn edge nearest the point within
        ``tolerance_px``, or None."""
        if not self.pairs:
            return None
        where = {node: i for i, node in enumerate(self.nodes)}
        shown = self.ax.transData.transform(self.xy)
        p = shown[[where[a] for a, _, _ in self.pairs]]
        q = shown[[where[b] for _, b, _ in self.pairs]]
        d = q - p
        length2 = np.maximum((d ** 2).sum(axis=1), 1e-9)
        t = np.clip(((x_px - p[:, 0]) * d[:, 0] + (y_px - p[:, 1]) * d[:, 1]) / length2, 0, 1)
        distance = np.hypot(p[:, 0] + t * d[:, 0] - x_px, p[:, 1] + t * d[:, 1] - y_px)
        best = int(np.argmin(distance))
        return self.pairs[best] if distance[best] <= tolerance_px else None

    def describe_node(self, node: str) -> str:
        """"Person Kim Jong Un · 3 links" for the hover line."""
        attrs = self.graph.nodes[node]
        kind = {"source": "Source", "airport": "Airport", "event": "Event"}.get(
            attrs["kind"], attrs["schema"])
        return f"{kind} {attrs['label']} · {self.graph.degree(node)} connection(s)"

    def describe_edge(self, pair) -> str:
        """"Russian Air Force → RA-86496: operator (UnknownLink, 2 citations)"; several
        records between the same two nodes are joined by "; "."""
        a, b, keys = pair
        parts = []
        for key in keys:
            u, v, attrs = _edge(self.graph, a, b, key)
            words = attrs["label"]
            detail = [attrs["schema"]] if attrs.get("schema") and attrs["schema"] != words else []
            if attrs.get("start") or attrs.get("end"):
                detail.append(f"{attrs.get('start') or '…'} – {attrs.get('end') or ''}".strip())
            if attrs["kind"] in ("link", "cites", "event"):
                detail.append(f"{attrs['citations']} citation{'s' if attrs['citations'] != 1 else ''}")
            if attrs.get("reason"):
                detail.append(attrs["reason"])
            parts.append(f"{self.graph.nodes[u]['label']} → {self.graph.nodes[v]['label']}: {words}"
                         + (f" ({', '.join(detail)})" if detail else ""))
        return "; ".join(parts)


def _paler(colour: str, strength: float) -> tuple[float, float, float]:
    """``colour`` mixed with white: 1 is the colour, 0 white."""
    rgb = np.array(to_rgb(colour))
    return tuple(float(v) for v in np.round(rgb * strength + (1 - strength), 4))


def _edge(graph, a, b, key):
    if graph.has_edge(a, b, key):
        return a, b, graph.edges[a, b, key]
    return b, a, graph.edges[b, a, key]


def edge_text(graph: nx.MultiDiGraph, keys_between: Iterable[tuple[str, str, str]]) -> str:
    """The label of the edges between two nodes: each record's words with the number of
    citations behind it in brackets, ``operator (2)``; flights as ``3 flights``."""
    texts = []
    for u, v, key in keys_between:
        attrs = graph.edges[u, v, key]
        if attrs["kind"] in ("link", "cites"):
            texts.append(f"{attrs['label']} ({attrs['citations']})")
        else:
            texts.append(attrs["label"])
    return "; ".join(dict.fromkeys(texts))


def neighbourhood(graph: nx.MultiDiGraph, selected: Iterable[str]) -> set[str]:
    """The selected nodes and their neighbours (either direction)."""
    found = set()
    for node in selected:
        if node in graph:
            found.add(node)
            found.update(graph.successors(node))
            found.update(graph.predecessors(node))
    return found


def _short(text: str) -> str:
    return style.shortened(text, LABEL_CHARS)


def draw_links(fig: Figure, graph: nx.MultiDiGraph, positions: dict[str, tuple[float, float]], *,
               selected: Iterable[str] = (), title: str | None = None,
               empty: str | None = EMPTY) -> LinksInfo:
    """Draw ``graph`` at ``positions`` (``layout.layout``) on ``fig``.

    ``selected``: node ids whose neighbourhood is drawn highlighted and the rest faded
    (unknown ids are ignored). ``title`` defaults to the graph's own (what is shown);
    ``empty`` is what an empty graph says (None: nothing, another message says why).
    """
    fig.clear()
    title = title or graph.graph.get("title") or "Links"
    groups = sorted({graph.nodes[n]["group"] for n in graph}, key=GROUPS.index)
    handles = [Line2D([], [], linestyle="none", marker=MARKERS[g], markersize=7,
                      markerfacecolor=COLOURS[g], markeredgecolor="white") for g in groups]
    nodes = node_order(graph)
    rank = {node: i for i, node in enumerate(nodes)}
    kinds = {graph.nodes[n]["kind"] for n in nodes}
    entities = sum(1 for n in nodes if graph.nodes[n]["kind"] in ("entity", "aircraft"))
    links = sum(1 for *_, k in graph.edges(data="kind") if k == "link")
    subtitle = f"{entities} entities, {links} links"
    if "source" in kinds:
        subtitle += f", {sum(1 for n in nodes if graph.nodes[n]['kind'] == 'source')} sources"
    subtitle += " · (n) on a line: the citations behind it"
    selected = [n for n in dict.fromkeys(selected) if n in graph]
    near = neighbourhood(graph, selected)
    header_px = style.figure_header(fig, title, None, handles, [GROUP_NAMES[g] for g in groups])
    W, H = fig.bbox.width, fig.bbox.height
    sub_px = 16 * fig.dpi / 100
    fig.text(10 * fig.dpi / 100 / W, 1 - (header_px - 4) / H, subtitle, ha="left", va="top",
             fontsize=style.FONT_SMALL, color=style.MUTED)
    top = (header_px + sub_px) / H
    ax = fig.add_axes((0.01, 0.01, 0.98, max(0.05, 0.98 - top)))
    ax.set_axis_off()
    info = LinksInfo(ax=ax, graph=graph, nodes=nodes, highlighted=near)
    if not nodes:
        info.message = empty
        if empty:
            ax.text(0.5, 0.5, info.message, ha="center", va="center", transform=ax.transAxes,
                    fontsize=style.FONT, color=style.MUTED)
        return info
    xy = np.array([positions[n] for n in nodes], dtype=float)
    info.xy = xy
    _fit(ax, xy, fig)

    # Edges: one line per pair of nodes, styled by the strongest kind of record between them.
    between: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for u, v, key in sorted(graph.edges(keys=True), key=lambda e: (
            min(rank[e[0]], rank[e[1]]), max(rank[e[0]], rank[e[1]]), graph.edges[e]["label"], e[2])):
        if u != v:
            between.setdefault(tuple(sorted((u, v), key=rank.get)), []).append((u, v, key))
    info.pairs = [(a, b, tuple(k for *_, k in keys)) for (a, b), keys in between.items()]
    where = {node: i for i, node in enumerate(nodes)}
    order = ("link", "flights", "event", "cites", "tie")
    by_style: dict[tuple[str, bool], list] = {}
    for (a, b), keys in between.items():
        kind = min((graph.edges[k]["kind"] for k in keys), key=order.index)
        lit = bool(selected) and (a in selected or b in selected)
        by_style.setdefault((kind, lit), []).append((xy[where[a]], xy[where[b]]))
    dense = 0.45 if len(between) > 300 else 1.0   # thinner, lighter lines in a crowd
    for (kind, lit), segments in sorted(by_style.items(), key=lambda s: (s[0][1], order.index(s[0][0]))):
        colour, dash, width = EDGE_STYLES[kind]
        width *= 1.0 if lit else dense
        # Faded by mixing with white, not by transparency: Agg draws opaque lines much faster.
        strength = 1.0 if lit else FADED if selected else dense + (1 - dense) / 3
        ax.add_collection(LineCollection(segments, colors=[_paler(HIGHLIGHT if lit else colour, strength)],
                                         linestyles=dash, linewidths=width * (1.6 if lit else 1),
                                         zorder=1 if not lit else 2))
    size = 110 if len(nodes) <= 60 else 60 if len(nodes) <= 250 else 34
    if len(between) <= EDGE_LABELS_UP_TO:
        _arrowheads(ax, graph, between, xy, where, selected, size)

    # Nodes: one scatter per group (and faded or not).
    for group in groups:
        for lit in (False, True):
            index = [i for i, n in enumerate(nodes) if graph.nodes[n]["group"] == group
                     and (n in near or not selected) == lit]
            if index:
                ax.scatter(xy[index, 0], xy[index, 1], s=size * (1.4 if group == "event" else 1),
                           marker=MARKERS[group], c=COLOURS[group], edgecolors="white",
                           linewidths=0.8, alpha=1.0 if lit else FADED, zorder=3 + lit)
    if selected:
        index = [where[n] for n in selected]
        ax.scatter(xy[index, 0], xy[index, 1], s=size * RING, marker="o", facecolors="none",
                   edgecolors=HIGHLIGHT, linewidths=1.8, zorder=5)

    _labels(fig, ax, graph, info, between, selected, near, size)
    return info


def _arrowheads(ax, graph, between, xy, where, selected, size) -> None:
    """An arrowhead where each link points (the owner's line ends at what it owns; both
    ends when links go both ways), stopping at the node's edge at any zoom."""
    stop = np.sqrt(size) / 2 + 1.5          # points: the node's radius and a little air
    ringed = np.sqrt(size * RING) / 2 + 1.5  # a selected node's ring
    for (a, b), keys in between.items():
        ways = {(u, v) for u, v, key in keys if graph.edges[u, v, key]["kind"] == "link"}
        if not ways:
            continue
        lit = bool(selected) and (a in selected or b in selected)
        colour = _paler(HIGHLIGHT if lit else EDGE_STYLES["link"][0],
                        1.0 if lit or not selected else FADED)
        style = "<|-|>" if len(ways) == 2 else "-|>"
        u, v = sorted(ways)[0] if len(ways) == 1 else (a, b)
        ax.annotate("", xy=xy[where[v]], xytext=xy[where[u]], zorder=2 if lit else 1,
                    arrowprops=dict(arrowstyle=style, color=colour, linewidth=0.01,
                                    shrinkA=ringed if u in selected else stop,
                                    shrinkB=ringed if v in selected else stop,
                                    mutation_scale=9 if lit else 7))


class _Room:
    """Which pixels of the axes are taken (nodes, labels), on a grid of ``cell`` pixels:
    checking a label's spot costs the same however many labels are placed."""

    CANDIDATES = ((1, 1, "left", "bottom"), (1, -1, "left", "top"), (-1, 1, "right", "bottom"),
                  (-1, -1, "right", "top"), (1, 0, "left", "center"), (-1, 0, "right", "center"),
                  (0, 1, "center", "bottom"), (0, -1, "center", "top"))

    def __init__(self, width_px: float, height_px: float, cell: float = 3.0):
        self.cell = cell
        self.taken = np.zeros((int(height_px // cell) + 1, int(width_px // cell) + 1), dtype=bool)
        self.lines: np.ndarray | None = None     # cells lines cross, once ``block_lines`` ran

    def block_lines(self, starts: np.ndarray, ends: np.ndarray) -> None:
        """Mark the cells the lines from ``starts`` to ``ends`` (n x 2 pixels) cross: ``place``
        then picks the spot fewest of them cross."""
        self.lines = np.zeros_like(self.taken)
        if not len(starts):
            return
        lengths = np.hypot(*(ends - starts).T)
        steps = np.maximum(2, np.ceil(lengths / (self.cell / 2)).astype(int) + 1)
        which = np.repeat(np.arange(len(starts)), steps)
        along = np.concatenate([np.linspace(0.0, 1.0, n) for n in steps])
        points = starts[which] + (ends - starts)[which] * along[:, None]
        rows, cols = self.lines.shape
        c = np.floor(points / self.cell).astype(int)
        inside = (c[:, 0] >= 0) & (c[:, 0] < cols) & (c[:, 1] >= 0) & (c[:, 1] < rows)
        self.lines[c[inside, 1], c[inside, 0]] = True

    def _cells(self, x0, y0, x1, y1):
        c = self.cell
        return slice(max(0, int(y0 // c)), max(0, int(y1 // c) + 1)), \
            slice(max(0, int(x0 // c)), max(0, int(x1 // c) + 1))

    def block(self, x0, y0, x1, y1) -> None:
        self.taken[self._cells(x0, y0, x1, y1)] = True

    def free(self, x0, y0, x1, y1) -> bool:
        rows, cols = self.taken.shape
        if x0 < 0 or y0 < 0 or x1 >= cols * self.cell or y1 >= rows * self.cell:
            return False
        # One cell in from each side: boxes that only touch (a label beside its node) are
        # both rounded out to whole cells, and must not count as overlapping.
        c = self.cell
        return not self.taken[self._cells(x0 + c, y0 + c, x1 - c, y1 - c)].any()

    def crossed(self, x0, y0, x1, y1) -> int:
        """How many cells of the box the lines of ``block_lines`` cross."""
        c = self.cell
        return 0 if self.lines is None else int(self.lines[self._cells(x0 + c, y0 + c, x1 - c, y1 - c)].sum())

    def place(self, x, y, w, h, gap):
        """(dx, dy, ha, va) of a free spot around (x, y) for a w x h label, taken: the first
        free one, or after ``block_lines`` the free one fewest lines cross; None when none
        is free."""
        best = None
        for sx, sy, ha, va in self.CANDIDATES:
            dx, dy = sx * gap, sy * gap
            x0 = x + dx - (w if ha == "right" else w / 2 if ha == "center" else 0)
            y0 = y + dy - (h if va == "top" else h / 2 if va == "center" else 0)
            if not self.free(x0, y0, x0 + w, y0 + h):
                continue
            crossed = self.crossed(x0, y0, x0 + w, y0 + h)
            if best is None or crossed < best[0]:
                best = (crossed, (x0, y0, x0 + w, y0 + h), (dx, dy, ha, va))
            if crossed == 0:
                break
        if best is None:
            return None
        self.block(*best[1])
        return best[2]


def _fit(ax, xy: np.ndarray, fig: Figure) -> None:
    """Data limits that show every node with a margin, filling the axes: a layout's axes
    mean nothing, so one may be stretched up to ``STRETCH`` times the other."""
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    centre = (lo + hi) / 2
    box = ax.get_position()
    w_px, h_px = max(box.width * fig.bbox.width, 1.0), max(box.height * fig.bbox.height, 1.0)
    half = np.maximum(hi - lo, 1.0) / 2 * 1.08 + 0.25
    per_px = half / np.array([w_px, h_px])          # data units per pixel, x and y
    per_px = np.maximum(per_px, per_px.max() / STRETCH)
    half = per_px * np.array([w_px, h_px])
    ax.set_xlim(centre[0] - half[0], centre[0] + half[0])
    ax.set_ylim(centre[1] - half[1], centre[1] + half[1])


def _labels(fig, ax, graph, info: LinksInfo, between, selected, near, size) -> None:
    """Node labels where they fit (selected and best-connected nodes first; in a chart too
    big for halos, on the spot fewest lines cross), then edge labels at the middle of their
    line when there are few enough edges and room."""
    box = ax.get_window_extent()
    placer = _Room(box.width, box.height)
    shown = ax.transData.transform(info.xy) - np.array([box.x0, box.y0])
    radius = np.sqrt(size) / 72 * fig.dpi / 2 + 1
    for x, y in shown:
        placer.block(x - radius, y - radius, x + radius, y + radius)
    dpi = fig.dpi
    # A white halo keeps a label readable over lines; it costs a few ms a label to draw.
    halo = style.halo(2.0) if len(info.nodes) <= HALOS_UP_TO else None
    # Without one, a pale box under the label (one patch, far cheaper than a halo's stroke).
    backing = None if halo is not None else dict(boxstyle="square,pad=0.12", facecolor="white",
                                                 edgecolor="none", alpha=0.8)
    if halo is None:   # no halo: a label beside its node where the fewest lines cross it
        where = {node: i for i, node in enumerate(info.nodes)}
        ends = np.array([(where[a], where[b]) for a, b in between], dtype=int).reshape(-1, 2)
        placer.block_lines(shown[ends[:, 0]], shown[ends[:, 1]])
    if len(info.nodes) <= NODE_LABELS_UP_TO:
        degree = dict(graph.degree())
        ranked = sorted(range(len(info.nodes)), key=lambda i: (
            info.nodes[i] not in selected, info.nodes[i] not in near, -degree[info.nodes[i]], i))
        for i in ranked:
            node = info.nodes[i]
            text = _short(graph.nodes[node]["label"])
            w, h = style.text_size_px(text, style.FONT_SMALL, dpi)
            spot = placer.place(shown[i, 0], shown[i, 1], w, h, gap=radius + 1)
            if spot is None and node in selected:
                spot = (radius + 1, radius + 1, "left", "bottom")   # a selection is always named
            elif spot is None:
                continue
            dx, dy, ha, va = spot
            faded = bool(selected) and node not in near
            info.node_labels[node] = ax.annotate(
                text, info.xy[i], xytext=(dx * 72 / dpi, dy * 72 / dpi), textcoords="offset points",
                ha=ha, va=va, fontsize=style.FONT_SMALL, color=style.TEXT,
                alpha=0.35 if faded else 1.0, path_effects=halo, zorder=6, bbox=backing,
                fontweight="bold" if node in selected else "normal", annotation_clip=True)
    if len(between) > EDGE_LABELS_UP_TO:
        return
    where = {node: i for i, node in enumerate(info.nodes)}
    for (a, b), keys in between.items():
        if selected and not (a in selected or b in selected):
            continue   # faded lines keep quiet
        text = _short(edge_text(graph, keys))
        w, h = style.text_size_px(text, style.FONT_SMALL - 1, dpi)
        x, y = (shown[where[a]] + shown[where[b]]) / 2
        if np.hypot(*(shown[where[a]] - shown[where[b]])) < w * 0.6:
            continue   # too short a line to carry its label
        frame = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
        if not placer.free(*frame):
            continue
        placer.block(*frame)
        mid = (info.xy[where[a]] + info.xy[where[b]]) / 2
        info.edge_labels[a, b] = ax.text(
            mid[0], mid[1], text, ha="center", va="center", fontsize=style.FONT_SMALL - 1,
            color=HIGHLIGHT if selected else style.MUTED, path_effects=style.halo(2.0), zorder=6,
            clip_on=True)
