"""Benchmark: the link chart of 500 entities and 2,000 links, laid out and rendered to a
1600x1100 PNG.

Prints the time (layout + drawing + PNG) and its ratio to the floor measured in the same
run: the same nodes without edges, laid out and rendered the same way. Goal: under 3x.
The case is made once through the domain APIs (synthetic names, ``tests/support/
link_samples.py``) in a temporary folder, or kept in ``--case``; reading the graph from
it is timed and printed apart.

    python bench/link_chart.py [--entities 500] [--links 2000] [--repeat 3] [--out DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/support: the sample generators shared with the tests

import networkx as nx

from osintdesk.charts.export import new_figure, save_figure
from osintdesk.charts.links import build_graph, draw_links, layout
from osintdesk.store import Case
from tests.support import link_samples

GOAL = 3.0
WIDTH, HEIGHT = 1600, 1100


LABELS = {}


def render(graph: nx.MultiDiGraph, out: Path) -> float:
    """Seconds to lay out, draw and save ``graph`` (its node labels drawn: ``LABELS``)."""
    start = time.perf_counter()
    positions = layout(graph)
    fig = new_figure(WIDTH, HEIGHT)
    info = draw_links(fig, graph, positions)
    save_figure(fig, out)
    LABELS[out.name] = len(info.node_labels)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=500)
    parser.add_argument("--links", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--case", type=Path, help="keep the generated case here")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.case or Path(folder) / "bench.osintcase"
        if not path.exists():
            print(f"making {path}: {args.entities:,} entities, {args.links:,} links…", flush=True)
            path = link_samples.synthetic_case(path, args.entities, args.links)
        with Case.open(path, examiner="bench", readonly=True) as case:
            start = time.perf_counter()
            graph = build_graph(case)
            t_read = time.perf_counter() - start
    bare = nx.MultiDiGraph()
    bare.add_nodes_from(graph.nodes(data=True))
    args.out.mkdir(parents=True, exist_ok=True)
    t_links = statistics.median(render(graph, args.out / "link_chart.png") for _ in range(args.repeat))
    t_floor = statistics.median(render(bare, args.out / "link_chart_floor.png")
                                for _ in range(args.repeat))
    start = time.perf_counter()
    layout(graph)
    t_layout = time.perf_counter() - start
    ratio = t_links / t_floor
    print(f"link chart {WIDTH}x{HEIGHT} PNG: {graph.number_of_nodes():,} nodes, "
          f"{graph.number_of_edges():,} edges")
    print(f"  read   : {t_read:.3f} s  (the graph from the case, once)")
    print(f"  links  : {t_links:.3f} s  (layout + drawing + PNG, median of {args.repeat}; "
          f"layout alone {t_layout:.3f} s; {LABELS['link_chart.png']} node labels had room)")
    print(f"  floor  : {t_floor:.3f} s  (the same nodes without edges; "
          f"{LABELS['link_chart_floor.png']} node labels had room)")
    print(f"  ratio  : {ratio:.2f}x   goal: under {GOAL:.0f}x   {'OK' if ratio < GOAL else 'SLOW'}")
    print(f"  images : {args.out / 'link_chart.png'}, {args.out / 'link_chart_floor.png'}")
    return 0 if ratio < GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
