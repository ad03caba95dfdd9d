"""Benchmark: the map of 1,000,000 track points rendered to a 1600x1000 PNG.

Prints the time and its ratio to the floor, the same map (same projection, extent and
basemap) with no tracks, measured in the same run. Goal: under 1 s and under 3x the floor.
Both are measured warm (basemap files parsed once, as in a running window); the cold
first render is printed too.

    python bench/render_map.py [--points N] [--flights N] [--repeat N] [--out DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from osintdesk.charts.export import new_figure, save_figure
from osintdesk.charts.map import draw_map
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--flights", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None, help="keep the PNGs in this folder")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="osintdesk-bench-"))
    out.mkdir(parents=True, exist_ok=True)

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
    print(f"map {WIDTH}x{HEIGHT} PNG, {n_points:,} points in {len(flights)} flights "
          f"({info.basemap_scale} basemap, {info.projection.name})")
    print(f"  tracks : {t_tracks:.3f} s  (median of {args.repeat}; first, cold: {cold:.3f} s)")
    print(f"  floor  : {t_floor:.3f} s  (same map, no tracks)")
    print(f"  ratio  : {ratio:.2f}x   vertices drawn: {info.vertices_drawn:,} "
          f"({info.vertices_drawn / n_points:.1%} of the points)")
    print(f"  goal   : < 1 s and < 3x  ->  {'met' if t_tracks < 1.0 and ratio < 3.0 else 'NOT met'}")
    print(f"  images : {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
