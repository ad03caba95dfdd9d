"""Where each node of the link chart goes: a force layout (Fruchterman-Reingold) of each
connected part with a fixed seed, the parts packed in rows, biggest first.

Deterministic by construction: nodes are sorted by what they show (``graph.node_order``:
label, then id) and edges by node before anything is computed, the random start comes from a fixed seed, and positions are rounded, so the
same case gives the same picture byte for byte. Written here in numpy rather than taken
from networkx so the picture does not move with a networkx upgrade (an exhibit's hash
stays stable) and no SciPy is needed for big graphs.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

from ...errors import Cancelled
from .graph import node_order

SEED = 11
ITERATIONS = 80
DECIMALS = 4
GAP = 0.35          # between packed parts, in units of a one-node part's size


def layout(graph: nx.Graph, cancelled=None) -> dict[str, tuple[float, float]]:
    """Positions (x, y) of every node of ``graph`` (any networkx graph; edge direction and
    multiplicity do not count), in arbitrary units, rounded to ``DECIMALS``."""
    order = node_order(graph)
    rank = {node: i for i, node in enumerate(order)}
    simple = nx.Graph()
    simple.add_nodes_from(order)
    simple.add_edges_from(sorted({tuple(sorted((a, b), key=rank.get)) for a, b in graph.edges()
                                  if a != b}, key=lambda e: (rank[e[0]], rank[e[1]])))
    parts = sorted((sorted(c, key=rank.get) for c in nx.connected_components(simple)),
                   key=lambda c: (-len(c), rank[c[0]]))
    boxes = []
    for nodes in parts:
        if cancelled is not None and cancelled():
            raise Cancelled()
        boxes.append((nodes, _part_layout(simple, nodes)))
    return _pack(boxes)


def _part_layout(simple: nx.Graph, nodes: list[str]) -> np.ndarray:
    """Positions of one connected part, scaled so its size grows with the square root of
    its number of nodes (every node gets about the same room)."""
    n = len(nodes)
    if n == 1:
        return np.zeros((1, 2))
    index = {node: i for i, node in enumerate(nodes)}
    edges = np.array(sorted(tuple(sorted((index[a], index[b])))
                            for a, b in simple.subgraph(nodes).edges()), dtype=np.int64).reshape(-1, 2)
    pos = force_layout(n, edges)
    pos -= pos.mean(axis=0)
    spread = np.abs(pos).max() or 1.0
    return pos / spread * math.sqrt(n) * 0.5


def force_layout(n: int, edges: np.ndarray, iterations: int = ITERATIONS, seed: int = SEED) -> np.ndarray:
    """Fruchterman-Reingold positions of ``n`` nodes joined by ``edges`` (pairs of node
    indices) in the unit square, from a seeded random start, with linear cooling."""
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    k = 1.0 / math.sqrt(n)
    temperature = 0.1
    cool = temperature / (iterations + 1)
    a, b = edges[:, 0], edges[:, 1]
    x, y = pos[:, 0].copy(), pos[:, 1].copy()
    k2 = k * k
    for _ in range(iterations):
        # Repulsion between every two nodes (k²/d along the line between them), on (n, n)
        # arrays of x and y separately: a third of the work of (n, n, 2) arrays and hypot.
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        force = dx * dx
        force += dy * dy
        np.maximum(force, 1e-4, out=force)
        np.divide(k2, force, out=force)
        shift_x = (dx * force).sum(axis=1)
        shift_y = (dy * force).sum(axis=1)
        # Attraction along the edges (d²/k).
        ax, ay = x[a] - x[b], y[a] - y[b]
        pull = np.sqrt(ax * ax + ay * ay) / k
        np.add.at(shift_x, a, -ax * pull)
        np.add.at(shift_x, b, ax * pull)
        np.add.at(shift_y, a, -ay * pull)
        np.add.at(shift_y, b, ay * pull)
        length = np.maximum(np.sqrt(shift_x * shift_x + shift_y * shift_y), 0.01)
        x += shift_x * (temperature / length)
        y += shift_y * (temperature / length)
        temperature -= cool
    pos = np.column_stack([x, y])
    return pos


def _pack(boxes: list[tuple[list[str], np.ndarray]]) -> dict[str, tuple[float, float]]:
    """Parts side by side in rows (shelves) about as wide as the whole is tall."""
    if not boxes:
        return {}
    sizes = [(pos.max(axis=0) - pos.min(axis=0)) + GAP * 2 for _, pos in boxes]
    area = sum(float(w * h) for w, h in sizes)
    row_width = max(math.sqrt(area) * 1.5, max(float(w) for w, _ in sizes))
    x = y = row_height = 0.0
    found = {}
    for (nodes, pos), (w, h) in zip(boxes, sizes):
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y - row_height, 0.0
        origin = np.array([x, y - h]) - pos.min(axis=0) + GAP
        for node, (px, py) in zip(nodes, pos + origin):
            found[node] = (round(float(px), DECIMALS), round(float(py), DECIMALS))
        x += float(w)
        row_height = max(row_height, float(h))
    return found
