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

With ``--pane`` (and ``--case``), the window's chart pane (offscreen) shows one flight, then
every flight of the case's busiest aircraft, then zooms and pans that map, while a 5 ms
heartbeat timer on the GUI thread records the longest time it was kept waiting: the
longest freeze a user would feel.

With ``--command`` (and ``--case``), the measure the issue sets: the whole ``osintdesk
chart CASE map`` command (a new process: Python start, reading the points, drawing, writing
the PNG) on the case, against the same command on an empty case. Goal: within 1.5x.

    python bench/render_map.py [--points N] [--flights N] [--repeat N] [--out DIR]
    python bench/render_map.py --case big.osintcase [--points N] [--pane] [--command]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/support: the sample generators shared with the tests

import numpy as np

from osintdesk.charts.export import new_figure, save_figure
from osintdesk.charts.map import draw_map, nearest_point, refresh_view
from osintdesk.charts.projection import geo_extent
from tests.support.chart_samples import many_flights

WIDTH, HEIGHT = 1600, 1000


def render(flights, extent, path: Path):
    """One complete render: new figure, draw, write the PNG. Returns (seconds, MapInfo)."""
    start = time.perf_counter()
    fig = new_figure(WIDTH, HEIGHT)
    info = draw_map(fig, flights, extent=extent, title="Benchmark: synthetic tracks over Russia and East Asia")
    save_figure(fig, path)
    return time.perf_counter() - start, info


def make_case(path: Path, points: int) -> None:
    from tests.support import flight_samples as samples
    from osintdesk.flights.ingest import import_flight_file
    from osintdesk.store import Case

    print(f"making {path} with {points:,} points (once)…", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        trace = Path(folder) / "trace_full_155abc.json"
        samples.write_readsb_trace(trace, samples.iter_bench_points(points))
        with Case.create(path, title="Benchmark: a million positions", examiner="bench") as case:
            import_flight_file(case, trace)


def command_ratio(case: Path, out: Path, repeat: int) -> None:
    """The whole ``osintdesk chart CASE map`` command on ``case`` and on an empty case."""
    import subprocess
    osintdesk = [sys.executable, "-m", "osintdesk", "--examiner", "bench"]
    empty = out / "empty.osintcase"
    if not empty.exists():
        subprocess.run([*osintdesk, "new", str(empty), "--title", "empty"], check=True,
                       capture_output=True)

    def best(path: Path) -> float:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run([*osintdesk, "chart", str(path), "map", "-o", str(out / "cmd.png")],
                           check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        return min(times)
    full, floor = best(case), best(empty)
    print(f"whole command, new processes (best of {repeat}):")
    print(f"  osintdesk chart EMPTY map  : {floor:.2f} s")
    print(f"  osintdesk chart CASE map   : {full:.2f} s  ratio {full / floor:.2f}x (goal <= 1.5x)")


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


def pane_stalls(path: Path, width: int = 1200, height: int = 800, rounds: int = 3) -> list[tuple[str, float, float]]:
    """(what, seconds until drawn, longest GUI-thread stall in seconds) for the chart pane
    showing one flight, then all flights of the case's busiest aircraft, zooming in and
    panning, each ``rounds`` times."""
    import os
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from osintdesk.store import Case
    from osintdesk.ui.chart_pane import ChartPane

    app = QApplication.instance() or QApplication([])
    beats = []
    clock = QElapsedTimer()
    clock.start()
    heart = QTimer()
    heart.setInterval(5)
    heart.timeout.connect(lambda: beats.append(clock.nsecsElapsed() / 1e9))
    painted = []

    def run_until(done, timeout=60.0):
        """Process events until ``done()`` and a paint after it; (seconds, longest stall)."""
        start = clock.nsecsElapsed() / 1e9
        beats.clear()
        beats.append(start)
        painted.clear()
        ready_at = None
        while clock.nsecsElapsed() / 1e9 - start < timeout:
            app.processEvents()
            now = clock.nsecsElapsed() / 1e9
            if ready_at is None and done():
                ready_at = now
                painted.clear()
                pane.canvas.draw_idle()
            if ready_at is not None and painted and now - painted[-1] > 0.1:
                break
            time.sleep(0.001)
        stall = max(np.diff(beats)) if len(beats) > 1 else float("nan")
        return (painted[0] if painted else now) - start, stall

    results = []
    with Case.open(path, examiner="bench", readonly=True) as case:
        (aircraft,) = case.conn.execute(
            "SELECT aircraft_uuid FROM flights GROUP BY aircraft_uuid ORDER BY sum(point_count) DESC LIMIT 1"
        ).fetchone()
        pane = ChartPane()
        pane.resize(width, height)
        pane.show()
        pane.canvas.mpl_connect("draw_event", lambda _e: painted.append(clock.nsecsElapsed() / 1e9))
        heart.start()
        drawn = []
        pane.redrawn.connect(drawn.append)
        pane.set_case(case)
        run_until(lambda: drawn and not pane.busy())
        (one_flight,) = case.conn.execute("SELECT uuid FROM flights WHERE aircraft_uuid = ? LIMIT 1",
                                          (aircraft,)).fetchone()
        for _ in range(rounds):
            # For comparison, what any map costs: one flight of a few thousand positions.
            drawn.clear()
            pane.show_flights([one_flight])
            results.append(("select one flight", *run_until(lambda: drawn and not pane.busy())))
            drawn.clear()
            pane.show_aircraft(aircraft)
            seconds, stall = run_until(lambda: drawn and not pane.busy() and pane.info is not None
                                       and len(pane.info.tracks) > 0)
            results.append(("select the aircraft", seconds, stall))
            info = pane.info
            x0, x1, y0, y1 = info.view
            track = max(info.tracks.values(), key=lambda t: len(t.x))
            cx, cy = float(track.x[len(track.x) // 2]), float(track.y[len(track.y) // 2])
            w, h = (x1 - x0) / 8, (y1 - y0) / 8
            info.ax.set_xlim(cx - w, cx + w)
            info.ax.set_ylim(cy - h, cy + h)
            # Until the tracks are re-simplified and the basemap is drawn again for the view.
            settled = lambda: not pane.busy() and not pane.map.settling()  # noqa: E731
            results.append(("zoom in 4x", *run_until(lambda: settled() and info.view[0] != x0)))
            before = info.view
            info.ax.set_xlim(cx - 0.5 * w, cx + 1.5 * w)
            results.append(("pan", *run_until(lambda: settled() and info.view != before)))
        heart.stop()
        pane.wait()
        pane.set_case(None)
        pane.close()
        pane.deleteLater()
        app.processEvents()
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--flights", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--case", type=Path, default=None,
                        help="read the flights from this case file (made when missing)")
    parser.add_argument("--out", type=Path, default=None, help="keep the PNGs in this folder")
    parser.add_argument("--pane", action="store_true",
                        help="with --case: the longest GUI-thread stall of the window's chart pane")
    parser.add_argument("--command", action="store_true",
                        help="with --case: only the whole chart command against an empty case")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="osintdesk-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    if args.command and args.case is not None:
        if not args.case.exists():
            make_case(args.case, args.points)
        command_ratio(args.case, out, args.repeat)
        return 0

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
    if args.pane and args.case is not None:
        print("chart pane 1200x800 (offscreen), heartbeat every 5 ms on the GUI thread:")
        by_step: dict[str, list] = {}
        for what, seconds, stall in pane_stalls(args.case):
            by_step.setdefault(what, []).append((seconds, stall))
        for what, runs in by_step.items():
            print(f"  {what:20}: drawn after {statistics.median(r[0] for r in runs):.2f} s, longest stall "
                  f"{max(r[1] for r in runs) * 1000:.0f} ms (median {statistics.median(r[1] for r in runs) * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
