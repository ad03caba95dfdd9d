"""Benchmark: the map of 1,000,000 track points rendered to a 1600x1000 PNG.

Prints the time and its ratio to the floor, the same map (same projection, extent and
basemap) with no tracks, measured in the same run. Goal: under 1 s and under 3x the floor.
Both are measured warm (basemap files parsed once, as in a running window); the cold
first render is printed too. Then what the window does with the same map: the nearest
point under the mouse (hover) and re-simplifying the tracks after a zoom.

With ``--case``, the flights come from a case file instead of synthetic arrays, and the
time to read their points (``charts.case_data.chart_flights``) is printed as well; a
missing case file is first made with ``--points`` positions (UUWW <-> ZKPY rotations
imported from a readsb trace, which takes a while).

    python bench/render_map.py [--points N] [--flights N] [--repeat N] [--out DIR]
    python bench/render_map.py --case big.osintcase [--points N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from osintdesk.charts.export import new_figure, save_figure
from osintdesk.charts.map import draw_map, nearest_point, refresh_view
from osintdesk.charts.projection import geo_extent
from osintdesk.charts.samples import many_flights

WIDTH, HEIGHT = 1600, 1000


def render(flights, extent, path: Path):
    """One complete render: new figure, draw, write the PNG. Returns (seconds, MapInfo)."""
    start = time.perf_counter()
    fig = new_figure(WIDTH, HEIGHT)
    info = draw_map(fig, flights, extent=extent, title="Benchmark: synthetic tracks over Russia and East Asia")
    save_figure(fig, path)
    return time.perf_counter() - start, info


def make_case(path: Path, points: int) -> None:
    from osintdesk.flights import samples
    from osintdesk.flights.ingest import import_flight_file
    from osintdesk.store import Case

    print(f"making {path} with {points:,} points (once)…", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        trace = Path(folder) / "trace_full_155abc.json"
        samples.write_readsb_trace(trace, samples.iter_bench_points(points))
        with Case.create(path, title="Benchmark: a million positions", examiner="bench") as case:
            import_flight_file(case, trace)


def load_case(path: Path):
    """The flights of every aircraft in the case, read as the chart command and window do."""
    from osintdesk.charts import case_data
    from osintdesk.store import Case

    with Case.open(path, examiner="bench", readonly=True) as case:
        start = time.perf_counter()
        flights = case_data.chart_flights(case)
        seconds = time.perf_counter() - start
        # Memory in a second pass: tracemalloc slows every allocation down several times.
        del flights
        tracemalloc.start()
        flights = case_data.chart_flights(case)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return flights, seconds, peak


def interaction(info) -> tuple[float, float, int]:
    """Milliseconds per hover search, and for re-simplifying after a 4x zoom (and its vertices)."""
    track = max(info.tracks.values(), key=lambda t: len(t.x))
    picks = np.linspace(0, len(track.x) - 1, 25).astype(int)
    start = time.perf_counter()
    for i in picks:
        nearest_point(info, float(track.x[i]), float(track.y[i]), max_distance_px=12)
    hover_ms = (time.perf_counter() - start) / len(picks) * 1000
    x0, x1, y0, y1 = info.view
    cx, cy = float(track.x[len(track.x) // 2]), float(track.y[len(track.y) // 2])
    w, h = (x1 - x0) / 8, (y1 - y0) / 8
    info.ax.set_xlim(cx - w, cx + w)
    info.ax.set_ylim(cy - h, cy + h)
    start = time.perf_counter()
    vertices = refresh_view(info)
    return hover_ms, (time.perf_counter() - start) * 1000, vertices


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--flights", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--case", type=Path, default=None,
                        help="read the flights from this case file (made when missing)")
    parser.add_argument("--out", type=Path, default=None, help="keep the PNGs in this folder")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="osintdesk-bench-"))
    out.mkdir(parents=True, exist_ok=True)

    load_line = None
    if args.case is not None:
        if not args.case.exists():
            make_case(args.case, args.points)
        flights, seconds, peak = load_case(args.case)
        n = sum(len(f) for f in flights)
        load_line = (f"  load   : {seconds:.3f} s for {n:,} points in {len(flights)} flights from the case "
                     f"({seconds / max(n, 1) * 1e6:.2f} µs per point, peak {peak / 2**20:.0f} MiB)")
    else:
        flights = many_flights(args.points, args.flights)
    n_points = sum(len(f) for f in flights)
    # The floor must show the same map: give both runs the tracks' lon/lat box.
    box = geo_extent(np.concatenate([f.lon for f in flights]), np.concatenate([f.lat for f in flights]))
    pad_lon = 0.07 * (box.east - box.west)
    pad_lat = 0.07 * (box.north - box.south)
    extent = (box.west - pad_lon, box.east + pad_lon, box.south - pad_lat, box.north + pad_lat)

    cold, _ = render(flights, extent, out / "cold.png")
    tracks, floor = [], []
    info = None
    for _ in range(args.repeat):
        t, _ = render([], extent, out / "empty.png")
        floor.append(t)
        t, info = render(flights, extent, out / "tracks.png")
        tracks.append(t)
    t_tracks = statistics.median(tracks)
    t_floor = statistics.median(floor)
    ratio = t_tracks / t_floor
    vertices = info.vertices_drawn
    hover_ms, zoom_ms, zoom_vertices = interaction(info)
    print(f"map {WIDTH}x{HEIGHT} PNG, {n_points:,} points in {len(flights)} flights "
          f"({info.basemap_scale} basemap, {info.projection.name})")
    if load_line:
        print(load_line)
    print(f"  tracks : {t_tracks:.3f} s  (median of {args.repeat}; first, cold: {cold:.3f} s)")
    print(f"  floor  : {t_floor:.3f} s  (same map, no tracks)")
    print(f"  ratio  : {ratio:.2f}x   vertices drawn: {vertices:,} "
          f"({vertices / n_points:.1%} of the points)")
    print(f"  goal   : < 1 s and < 3x  ->  {'met' if t_tracks < 1.0 and ratio < 3.0 else 'NOT met'}")
    print(f"  window : hover search {hover_ms:.1f} ms; after a zoom, tracks re-simplified in "
          f"{zoom_ms:.0f} ms ({zoom_vertices:,} vertices)")
    print(f"  images : {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
