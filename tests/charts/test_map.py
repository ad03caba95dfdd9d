"""The map: tracks, gaps, airports, places, extent, antimeridian, empty maps, hover and click."""

import math

import numpy as np
import pytest
from matplotlib.path import Path
from matplotlib.text import Text

from tests.support import chart_samples as samples
from tests.support.chart_checks import flight_for_artist
from osintdesk.charts.data import ChartFlight, ChartPlace, CoverageGap
from osintdesk.charts.export import new_figure
from osintdesk.charts.map import (draw_map, fit_limits_to_axes, gap_at, nearest_point, plan_map,
                                  refresh_basemap, refresh_view)
from osintdesk.charts.tracks import shape_tracks, simplify_to_pixels
from osintdesk.charts.projection import EqualEarth, great_circle, to_unit_vectors, wrap_lon
from osintdesk.flights.geo import great_circle_km


def _texts(ax):
    return [t.get_text() for t in ax.findobj(Text)]


def _pieces(line):
    """The NaN-separated pieces of a Line2D, as (x, y) arrays."""
    x, y = (np.asarray(v, dtype=float) for v in line.get_data())
    cut = np.flatnonzero(np.isnan(x))
    bounds = np.concatenate([[-1], cut, [len(x)]])
    return [(x[a + 1:b], y[a + 1:b]) for a, b in zip(bounds[:-1], bounds[1:]) if b - a > 1]


def _longest_leg_m(line):
    x, y = (np.asarray(v, dtype=float) for v in line.get_data())
    legs = np.hypot(np.diff(x), np.diff(y))
    return np.nanmax(legs)


def test_one_track_per_flight_with_its_own_colour_and_legend(fig, outbound, inbound, bering):
    info = draw_map(fig, [outbound, inbound, bering])
    assert set(info.tracks) == {1, 2, 3}
    lines = [t.line for t in info.tracks.values()]
    assert all(line is not None and line in info.ax.lines for line in lines)
    assert len({line.get_color() for line in lines}) == 3
    labels = [t.get_text() for t in info.legend.get_texts()]
    for f in (outbound, inbound, bering):
        # Two aircraft on the map: each entry names its aircraft before the flight.
        assert f"{f.aircraft_label.split(' (')[0]}  {f.label}" in labels
    assert "coverage gap (no positions)" in labels


def test_gaps_are_dashed_great_circles_not_flown(fig, outbound):
    info = draw_map(fig, [outbound])
    track = info.tracks[outbound.id]
    gap = outbound.gaps[0]
    assert len(track.gap_lines) == len(outbound.gaps) == 1
    dashed = track.gap_lines[0]
    assert dashed.get_linestyle() == "--"
    assert dashed.get_linewidth() < track.line.get_linewidth()
    # The dashed line runs from the last seen to the next seen position, along the great circle.
    proj = info.projection
    gx, gy = dashed.get_data()
    sx, sy = proj.forward(gap.start_lon, gap.start_lat)
    ex, ey = proj.forward(gap.end_lon, gap.end_lat)
    assert math.hypot(gx[0] - sx, gy[0] - sy) < 1 and math.hypot(gx[-1] - ex, gy[-1] - ey) < 1
    assert len(gx) > 10
    # The flown line breaks at the gap: no piece joins the last seen point to the next one.
    span_m = math.hypot(ex - sx, ey - sy)
    assert _longest_leg_m(track.line) < span_m / 20
    pieces = _pieces(track.line)
    assert len(pieces) == 2
    assert math.hypot(pieces[0][0][-1] - sx, pieces[0][1][-1] - sy) < 5_000
    assert math.hypot(pieces[1][0][0] - ex, pieces[1][1][0] - ey) < 5_000


def test_airports_marked_and_labelled_once(fig, outbound, inbound):
    info = draw_map(fig, [outbound, inbound])
    assert set(info.airport_labels) == {"UUWW", "ZKPY"}
    assert _texts(info.ax).count("UUWW") == 1 and _texts(info.ax).count("ZKPY") == 1
    label = info.airport_labels["ZKPY"]
    x, y = info.projection.forward(125.669998, 39.224098)
    assert label.xy == pytest.approx((float(x), float(y)))


def test_places_are_marked_with_their_kind_in_the_legend(fig, outbound):
    places = samples.photo_places()
    info = draw_map(fig, [outbound], places)
    assert [p for p, _, _ in info.place_artists] == places
    assert "IMG_2231.jpg" in _texts(info.ax)
    assert "photo (EXIF)" in [t.get_text() for t in info.legend.get_texts()]


def test_extent_contains_every_point_with_a_margin(outbound, inbound, bering):
    for size in ((900, 600), (500, 900)):
        fig = new_figure(*size)
        places = [ChartPlace("far photo", 30.0, 60.0)]
        info = draw_map(fig, [outbound, inbound], places)
        x0, x1 = info.ax.get_xlim()
        y0, y1 = info.ax.get_ylim()
        proj = info.projection
        margin_x, margin_y = 0.03 * (x1 - x0), 0.03 * (y1 - y0)
        for f in (outbound, inbound):
            x, y = proj.forward(f.lon, f.lat)
            assert (x > x0 + margin_x).all() and (x < x1 - margin_x).all()
            assert (y > y0 + margin_y).all() and (y < y1 - margin_y).all()
        px, py = proj.forward(60.0, 30.0)
        assert x0 < px < x1 and y0 < py < y1
        # The map fills the axes at equal scale in x and y.
        assert (x1 - x0) / (y1 - y0) == pytest.approx(info.ax.bbox.width / info.ax.bbox.height, rel=1e-3)


def test_antimeridian_track_is_drawn_short_and_whole(fig, bering):
    info = draw_map(fig, [bering])
    x0, x1 = info.ax.get_xlim()
    width_km = (x1 - x0) / 1000
    route_km = float(great_circle_km(61.17, -149.99, 53.17, 158.45))
    assert width_km < 2 * route_km  # not the whole world
    assert abs(wrap_lon(info.projection.lon0, 0)) > 160  # centred near 180°
    track = info.tracks[bering.id]
    assert len(_pieces(track.line)) == 2  # split only at its coverage gap
    assert _longest_leg_m(track.line) < 0.02 * (x1 - x0)
    gap_x, _ = track.gap_lines[0].get_data()
    assert (np.abs(np.diff(gap_x)) < 0.05 * (x1 - x0)).all()
    # The basemap is clipped to the view: nothing jumps across the picture.
    for patch in info.ax.patches:
        path = patch.get_path()
        if len(path.vertices) > 100:
            drawn_legs = path.codes[1:] == Path.LINETO
            jumps = np.hypot(*np.diff(path.vertices, axis=0).T)[drawn_legs]
            assert np.nanmax(jumps) < 0.2 * (x1 - x0)


def test_world_map_when_the_selection_spans_the_globe(fig, outbound, bering):
    jfk = samples.chart_flight(9, "UUWW", "KJFK", samples.utc(2025, 3, 3, 10))
    syd = ChartPlace("photo", -33.9, 151.2)
    info = draw_map(fig, [outbound, bering, jfk], [syd])
    assert isinstance(info.projection, EqualEarth)
    assert info.basemap_scale == "110m"
    for t in info.tracks.values():
        assert _longest_leg_m(t.line) < 0.05 * (info.view[1] - info.view[0])
    # Scale varies too much on a world map for a bar.
    assert info.scale_bar is None


def test_zoomed_in_maps_use_the_detailed_basemap(fig, outbound):
    assert draw_map(new_figure(1600, 1000), [outbound]).basemap_scale == "50m"
    assert draw_map(new_figure(400, 300), [outbound]).basemap_scale == "110m"
    short = samples.chart_flight(5, "ZKPY", "ZKWS", samples.utc(2025, 7, 11, 3), cruise_ft=12000,
                                 speed_kt=250)
    info = draw_map(fig, [short])
    assert info.basemap_scale == "50m"
    assert info.scale_bar is not None and info.scale_bar[0] <= 50
    world = draw_map(new_figure(1600, 1000), [])
    assert world.basemap_scale == "110m"


def test_scale_bar_in_km_and_nm(fig, outbound):
    info = draw_map(fig, [outbound])
    km, nm = info.scale_bar
    texts = _texts(info.ax)
    assert any(t.startswith(f"{km:g} km") for t in texts)
    assert f"{nm:g} nm" in texts


@pytest.mark.parametrize("size", [(500, 700), (900, 600)])
def test_the_scale_bar_is_true_at_the_middle_of_the_route(size):
    """On a tall pane the view reaches far south of a route at 40-56°N: the bar is
    measured at the middle of the drawn route and its label names that latitude, never
    the map's southern edge."""
    flights = [samples.moscow_pyongyang(), samples.alaska_kamchatka()]
    lats = np.concatenate([f.lat for f in flights])
    info = draw_map(new_figure(*size), flights)
    label = next(t for t in _texts(info.ax) if " km" in t)
    assert "(at " in label, label
    named = float(label.split("(at ")[1].split("°")[0])
    assert lats.min() <= named <= lats.max(), (label, lats.min(), lats.max())
    south = float(info.projection.inverse(np.array([info.view[0]]), np.array([info.view[2]]))[1][0])
    assert named > south + 5


@pytest.mark.parametrize("flights, places, message", [
    ([], [], "No flights or places selected"),
    ("no positions", [], "The selected flights have no positions"),
])
def test_empty_selection_gives_a_clear_empty_map(fig, flights, places, message):
    if flights == "no positions":
        flights = [ChartFlight(7, "nothing", "RA-1", [], [], [])]
    info = draw_map(fig, flights, places)
    assert info.empty and info.message == message
    assert message in _texts(info.ax)
    assert info.vertices_drawn == 0
    assert nearest_point(info, 0.0, 0.0) is None
    fig.canvas.draw()  # renders without error


def test_places_alone_are_a_map_not_an_empty_one(fig):
    info = draw_map(fig, [], [ChartPlace("IMG_1.jpg", 39.229, 125.6745, "photo (EXIF)")])
    assert not info.empty
    assert info.scale_bar is not None
    width_km = (info.view[1] - info.view[0]) / 1000
    assert 50 < width_km < 1000


def test_a_flight_without_positions_among_others_is_noted(fig, outbound):
    nothing = ChartFlight("x", "no data", "RA-2", [], [], [])
    info = draw_map(fig, [outbound, nothing])
    assert info.without_positions == ["x"]
    assert info.tracks["x"].line is None
    assert "1 selected flight without positions" in _texts(info.ax)


def test_explicit_extent_across_the_antimeridian(fig, bering):
    info = draw_map(fig, [bering], extent=(150, -140, 45, 70))
    west, east = info.geo_extent.west, info.geo_extent.east
    assert west <= 150 + 1 and east >= 220 - 1
    assert east - west < 180  # a region, not the world
    assert abs(wrap_lon(info.projection.lon0 - 185.0)) < 5


def test_nan_positions_break_the_line(fig):
    t = np.arange(0, 3000, 10.0)
    lat = np.linspace(50, 52, len(t))
    lon = np.linspace(30, 40, len(t))
    lat[100:120] = np.nan
    f = ChartFlight(1, "a", "b", t, lat, lon)
    info = draw_map(fig, [f])
    assert len(_pieces(info.tracks[1].line)) == 2


def test_sparse_tracks_are_drawn_as_great_circles(fig):
    # A position every 10 minutes (~140 km): legs are bent along the great circle, as flown.
    lat, lon = great_circle(55.6, 37.3, 39.2, 125.7, max_step_deg=1.25)
    f = ChartFlight(1, "sparse", "b", np.arange(len(lat)) * 600.0, lat, lon)
    info = draw_map(fig, [f])
    line = info.tracks[1].line
    x, y = (np.asarray(v, dtype=float) for v in line.get_data())
    assert len(_pieces(line)) == 1
    assert len(x) > 2 * len(lat)
    vlon, vlat = info.projection.inverse(x, y)
    # Every drawn vertex lies on the route's great circle.
    pole = np.cross(to_unit_vectors(37.3, 55.6), to_unit_vectors(125.7, 39.2))
    pole /= np.linalg.norm(pole)
    off_km = np.abs(to_unit_vectors(vlon, vlat) @ pole) * 6371.0
    assert off_km.max() < 1.0


def test_a_long_silence_is_a_gap_even_if_not_declared(fig):
    t = np.concatenate([np.arange(0, 3600, 10.0), np.arange(7200, 10800, 10.0)])
    lat = np.linspace(50, 56, len(t))
    lon = np.linspace(30, 60, len(t))
    f = ChartFlight(1, "silent", "b", t, lat, lon)
    assert f.gaps == [] and len(f.coverage_gaps()) == 1
    info = draw_map(fig, [f])
    track = info.tracks[1]
    assert len(_pieces(track.line)) == 2
    assert len(track.gap_lines) == 1 and track.gap_lines[0].get_linestyle() == "--"


def test_an_imprecise_gap_still_breaks_the_line(fig):
    t = np.arange(0, 3000, 10.0)
    lat = np.linspace(50, 52, len(t))
    lon = np.linspace(30, 40, len(t))
    keep = (t < 1000) | (t > 1500)
    t, lat, lon = t[keep], lat[keep], lon[keep]
    # The gap's times fall between positions, not on them.
    gap = CoverageGap(995.0, 51.0, 33.0, 1505.0, 51.2, 35.0)
    f = ChartFlight(1, "a", "b", t, lat, lon, gaps=[gap])
    assert len(_pieces(draw_map(fig, [f]).tracks[1].line)) == 2


def test_a_million_points_are_simplified_to_the_pixel_grid():
    flights = samples.many_flights(200_000, 8)
    fig = new_figure(800, 500)
    info = draw_map(fig, flights)
    assert sum(len(f) for f in flights) == 200_000
    assert info.vertices_drawn < 20_000
    for f in flights:
        assert len(_pieces(info.tracks[f.id].line)) == 1 + len(f.gaps)


def test_simplify_keeps_breaks_and_ends():
    px = np.array([0.1, 0.2, 0.3, 5.0, 5.1, 5.2, 9.0, np.nan, 9.5, 20.0])
    py = np.zeros_like(px)
    brk = np.zeros(len(px), dtype=bool)
    brk[4] = True
    idx, starts = simplify_to_pixels(px, py, brk)
    # 0 starts, 1-2 share its pixel, 3 ends the first piece, 4 starts after the break,
    # 5 shares its pixel, 6 ends before the missing position, 8 starts after it, 9 is last.
    assert idx.tolist() == [0, 3, 4, 6, 8, 9]
    assert starts.tolist() == [True, False, True, False, True, False]


def test_nearest_point_and_click_to_select(fig, outbound, inbound):
    info = draw_map(fig, [outbound, inbound])
    t = info.tracks[inbound.id]
    i = len(inbound) // 3
    hit = nearest_point(info, t.x[i] + 100.0, t.y[i])
    assert hit.flight_id == inbound.id and hit.index == i
    assert hit.t_utc == inbound.t_utc[i] and hit.alt_ft == inbound.alt_ft[i]
    assert hit.distance_px < 1
    far = nearest_point(info, info.view[0], info.view[2], max_distance_px=10)
    assert far is None
    assert flight_for_artist(info, t.line) == inbound.id
    assert flight_for_artist(info, t.gap_lines[0]) == inbound.id
    assert flight_for_artist(info, info.ax.patch) is None


def test_refresh_view_after_zoom(fig, outbound):
    info = draw_map(fig, [outbound])
    before = info.tracks[outbound.id].vertices
    km_before = info.scale_bar[0]
    x0, x1, y0, y1 = info.view
    t = info.tracks[outbound.id]
    cx, cy = t.x[len(t.x) // 4], t.y[len(t.y) // 4]
    w, h = (x1 - x0) / 20, (y1 - y0) / 20
    info.ax.set_xlim(cx - w, cx + w)
    info.ax.set_ylim(cy - h, cy + h)
    refresh_view(info)
    assert info.scale_bar[0] < km_before
    x, _ = info.tracks[outbound.id].line.get_data()
    assert 0 < np.isfinite(x).sum() <= before
    fig.canvas.draw()


def test_charts_use_no_pyplot_and_no_qt():
    import subprocess
    import sys
    code = (
        "import sys; sys.modules['PySide6'] = None\n"
        "import osintdesk.charts as c\n"
        "from tests.support import chart_samples as samples\n"
        "fig = c.new_figure(400, 300); c.draw_map(fig, [samples.moscow_pyongyang()])\n"
        "c.draw_profile(fig, samples.moscow_pyongyang()); c.draw_activity(fig, samples.activity_rows())\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'\n"
        "assert not any(m.startswith('PySide6.') for m in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_single_position_is_shown_as_a_dot(fig, outbound):
    one = ChartFlight(5, "one fix", "RA-3", [0.0], [50.0], [60.0])
    info = draw_map(fig, [outbound, one])
    line = info.tracks[5].line
    assert line.get_marker() == "o" and line.get_markevery() == [0]
    assert info.tracks[outbound.id].line.get_marker() == "None"


def test_redraw_a_zoomed_view_in_the_same_projection(outbound):
    fig = new_figure(800, 500)
    first = draw_map(fig, [outbound])
    x0, x1, y0, y1 = first.view
    w, h = (x1 - x0) / 16, (y1 - y0) / 16
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    zoomed = draw_map(fig, [outbound], projection=first.projection, view=(cx - w, cx + w, cy - h, cy + h))
    assert zoomed.projection == first.projection
    assert zoomed.view == pytest.approx((cx - w, cx + w, cy - h, cy + h))
    assert first.basemap_scale == "110m" and zoomed.basemap_scale == "50m"
    with pytest.raises(ValueError, match="projection"):
        draw_map(fig, [outbound], view=first.view)


def test_refresh_basemap_after_a_pan_and_zoom(fig, outbound):
    info = draw_map(fig, [outbound])
    old = list(info._basemap_artists)
    x, y = info.tracks[outbound.id].x[100], info.tracks[outbound.id].y[100]
    info.ax.set_xlim(x - 80_000, x + 80_000)
    info.ax.set_ylim(y - 80_000, y + 80_000)
    fit_limits_to_axes(info.ax)
    x0, x1 = info.ax.get_xlim()
    y0, y1 = info.ax.get_ylim()
    assert (x1 - x0) / (y1 - y0) == pytest.approx(info.ax.bbox.width / info.ax.bbox.height)
    assert refresh_basemap(info) == "50m" == info.basemap_scale
    assert not any(a in info.ax.get_children() for a in old)
    assert all(a in info.ax.get_children() for a in info._basemap_artists)
    assert info.tracks[outbound.id].line in info.ax.lines  # the tracks stay
    assert any("Natural Earth 1:50m" in t for t in _texts(fig))
    assert not any("Natural Earth 1:110m" in t for t in _texts(fig))


# --------------------------------------------------------------------------- many flights

@pytest.fixture(scope="module")
def shuttle():
    """150 flights of one aircraft over the same route, every other one with a coverage gap."""
    return samples.shuttle_flights(150, 1500)


def _pixels(info, x, y):
    """The distinct pixels of the axes that map points fall in."""
    x0, x1, y0, y1 = info.view
    mpp = (x1 - x0) / info.ax.bbox.width
    ok = np.isfinite(x) & np.isfinite(y)
    return {(int(a), int(b)) for a, b in zip((x[ok] - x0) // mpp, (y[ok] - y0) // mpp)}


def test_overlapping_flights_draw_no_more_vertices_than_the_image_shows(shuttle):
    fig = new_figure(800, 500)
    info = draw_map(fig, shuttle)
    assert info.merged and len(info.tracks) == 150
    # Each flight on its own would be reduced to the pixel grid, but 150 times over.
    separate = shape_tracks([t.points() for t in info.tracks.values()], info.projection, info.view,
                            info.ax.bbox.width, info.ax.bbox.height, across=False)
    one = separate[-1].vertices
    assert sum(s.vertices for s in separate) > 100 * one
    # Together, about as many as one flight, and at most a few per pixel the tracks pass.
    assert info.vertices_drawn <= 2 * one
    drawn_x = np.concatenate([t.path_x for t in info.tracks.values()])
    drawn_y = np.concatenate([t.path_y for t in info.tracks.values()])
    assert info.vertices_drawn <= 3 * len(_pixels(info, drawn_x, drawn_y))
    # The vertices drawn are the tracks' own positions (or on their great circles), in one
    # LineCollection over one of halos, in the flights' order.
    halo, lines, _dots = info.track_artists
    assert lines in info.ax.collections and halo.get_zorder() < lines.get_zorder()
    shown = [f.id for f in shuttle if info.tracks[f.id].vertices]  # others are covered entirely
    assert len(lines.get_paths()) == len(shown) and shown[-1] == shuttle[-1].id
    assert [flight_for_artist(info, lines, i) for i in range(len(shown))] == shown
    assert flight_for_artist(info, lines, len(shown)) is None
    fig.canvas.draw()


def test_gaps_stay_dashed_great_circles_among_many_flights(shuttle):
    info = draw_map(new_figure(800, 500), shuttle)
    gapped = [f for f in shuttle if f.gaps]
    assert len(gapped) == 75
    dashes, ends = info.gap_artists
    assert len(dashes.get_paths()) == 75
    assert all(pattern is not None for _offset, pattern in dashes.get_linestyle())
    assert dashes.get_linewidth()[0] < info.track_artists[1].get_linewidth()[0]
    assert len(ends.get_offsets()) == 150  # a dot where each gap starts and ends
    proj = info.projection
    for f, path in zip(gapped, dashes.get_paths()):
        (gap,) = f.gaps
        sx, sy = proj.forward(gap.start_lon, gap.start_lat)
        ex, ey = proj.forward(gap.end_lon, gap.end_lat)
        gx, gy = path.vertices[:, 0], path.vertices[:, 1]
        assert math.hypot(gx[0] - sx, gy[0] - sy) < 1 and math.hypot(gx[-1] - ex, gy[-1] - ey) < 1
        # Never flown: the flight's own line has no leg across its gap.
        t = info.tracks[f.id]
        legs = np.hypot(np.diff(t.path_x), np.diff(t.path_y))
        assert not (legs > 0.2 * math.hypot(ex - sx, ey - sy)).any()
    assert flight_for_artist(info, dashes, 1) == gapped[1].id
    assert "coverage gap (no positions)" in [t.get_text() for t in info.legend.get_texts()]


def test_the_legend_of_many_flights_is_capped(shuttle):
    info = draw_map(new_figure(800, 500), shuttle)
    labels = [t.get_text() for t in info.legend.get_texts()]
    assert len(labels) == 12 + 2  # 11 flights, "… and 139 more", the gap, the airport
    assert "… and 139 more flights" in labels


def test_where_flights_overlap_the_one_drawn_on_top_is_picked(shuttle, bering):
    flights = shuttle[:40] + [bering]
    info = draw_map(new_figure(900, 600), flights)
    assert info.merged
    ids = list(info.tracks)
    ppm = info.pixels_per_metre()
    # A point of the first flight, under all the others: the hit is a flight drawn there.
    first = info.tracks[shuttle[0].id]
    i = len(first.x) // 5
    hit = nearest_point(info, first.x[i], first.y[i], max_distance_px=8)
    assert hit is not None and ids.index(hit.flight_id) > 0
    t = info.tracks[hit.flight_id]
    assert np.nanmin(np.hypot(t.path_x - first.x[i], t.path_y - first.y[i])) * ppm < 2.5
    assert hit.distance_px < 2.5
    # A flight of its own (Alaska) is found where it alone flies.
    b = info.tracks[bering.id]
    hit = nearest_point(info, b.x[100], b.y[100], max_distance_px=8)
    assert hit.flight_id == bering.id and hit.index == 100


def test_a_click_on_a_gap_finds_its_flight(outbound, inbound):
    info = draw_map(new_figure(900, 600), [outbound, inbound])
    (gx, gy) = info.tracks[outbound.id].gap_paths[0]
    m = len(gx) // 2
    assert gap_at(info, gx[m], gy[m] + 2 / info.pixels_per_metre(), max_distance_px=5) == outbound.id
    assert gap_at(info, info.view[0], info.view[2], max_distance_px=5) is None


def test_zooming_a_map_of_many_flights(shuttle):
    info = draw_map(new_figure(800, 500), shuttle)
    x0, x1, y0, y1 = info.view
    t = info.tracks[shuttle[-1].id]
    cx, cy = t.x[len(t.x) // 3], t.y[len(t.y) // 3]
    w, h = (x1 - x0) / 16, (y1 - y0) / 16
    info.ax.set_xlim(cx - w, cx + w)
    info.ax.set_ylim(cy - h, cy + h)
    vertices = refresh_view(info)
    drawn_x = np.concatenate([t.path_x for t in info.tracks.values()])
    drawn_y = np.concatenate([t.path_y for t in info.tracks.values()])
    assert 0 < vertices <= 3 * len(_pixels(info, drawn_x, drawn_y))
    paths = info.track_artists[1].get_paths()
    assert sum(np.isfinite(p.vertices[:, 0]).sum() for p in paths) == vertices
    info.ax.figure.canvas.draw()


def test_a_plan_made_elsewhere_draws_the_same_map(outbound, inbound):
    fig = new_figure(900, 600)
    direct = draw_map(fig, [outbound, inbound], title="t")
    plan = plan_map([outbound, inbound], size_px=(900, 600), title="t")
    planned = draw_map(fig, plan=plan)
    assert planned.view == pytest.approx(direct.view)
    assert planned.vertices_drawn == direct.vertices_drawn
    assert set(planned.tracks) == {outbound.id, inbound.id}
    # Made for another size: made again for this one.
    small = plan_map([outbound, inbound], size_px=(400, 300), title="t")
    again = draw_map(fig, plan=small)
    assert again.view == pytest.approx(direct.view)


@pytest.mark.parametrize("width", [220, 280])
def test_the_empty_maps_message_wraps_inside_a_narrow_pane(width):
    """"No flights or places selected" ran past a narrow chart pane's edge: it is broken
    onto lines, its box inside the axes."""
    fig = new_figure(width, 400)
    info = draw_map(fig, [], [])
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    shown = next(t for t in info.ax.texts if t.get_text().replace("\n", " ") == info.message)
    assert "\n" in shown.get_text()
    box = shown.get_bbox_patch().get_window_extent(renderer)
    axes = info.ax.get_window_extent(renderer)
    assert axes.x0 <= box.x0 and box.x1 <= axes.x1, (box, axes)
