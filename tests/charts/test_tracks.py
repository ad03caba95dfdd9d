"""Track geometry: covered runs dropped, breaks kept, arrowheads thinned, densify on demand."""

import numpy as np
import pytest

from osintdesk.charts.projection import densify, great_circle
from osintdesk.charts.tracks import (TrackPoints, hide_overdrawn, shape_tracks, uncovered_arrowheads,
                                     with_breaks)
from osintdesk.errors import Cancelled


def _lines(*lines):
    """Concatenated vertices (pixel units) of polylines given as (x, y) arrays, in drawing order."""
    vx = np.concatenate([np.asarray(x, dtype=float) for x, _ in lines])
    vy = np.concatenate([np.asarray(y, dtype=float) for _, y in lines])
    owner = np.repeat(np.arange(len(lines)), [len(x) for x, _ in lines])
    starts = np.concatenate([[True], owner[1:] != owner[:-1]])
    return vx, vy, starts, owner


def test_a_line_drawn_over_another_hides_it():
    x = np.arange(20) + 0.5
    y = np.full(20, 5.5)
    vx, vy, starts, owner = _lines((x, y), (x, y))
    keep, new_starts = hide_overdrawn(vx, vy, starts, owner, 0.0, 0.0, 1.0, 40, 20)
    assert not keep[owner == 0].any()  # the first is under the second everywhere
    assert keep[owner == 1].all()
    # Drawn alone or each on its own (``across=False``), both stay whole.
    keep, _ = hide_overdrawn(vx, vy, starts, owner, 0.0, 0.0, 1.0, 40, 20, across=False)
    assert keep.all()


def test_a_partly_covered_line_is_cut_where_covered_and_reaches_under_the_cover():
    x = np.arange(30) + 0.5
    first = (x, np.full(30, 5.5))
    second = (x[10:20], np.full(10, 5.5))  # covers the middle third of the first
    vx, vy, starts, owner = _lines(first, second)
    keep, new_starts = hide_overdrawn(vx, vy, starts, owner, 0.0, 0.0, 1.0, 40, 20)
    kept_x = vx[:30][keep[:30]]
    # Vertices 10..19 are covered; 10 and 19 stay as the ends of the two pieces left.
    assert kept_x.tolist() == [v + 0.5 for v in list(range(0, 11)) + list(range(19, 30))]
    assert new_starts[:30][keep[:30]].sum() == 2  # two pieces: the covered run breaks the line


def test_crossing_lines_are_not_cut():
    x = np.arange(21) + 0.5
    flat = (x, np.full(21, 10.5))
    steep = (np.full(21, 10.5), x)
    vx, vy, starts, owner = _lines(flat, steep)
    keep, new_starts = hide_overdrawn(vx, vy, starts, owner, 0.0, 0.0, 1.0, 30, 30)
    assert keep.all()
    assert new_starts.sum() == 2


def test_a_line_circling_over_itself_keeps_its_last_round():
    angle = np.linspace(0, 2 * np.pi * 10, 2000)  # ten rounds of the same circle
    x, y = 50 + 20 * np.cos(angle), 50 + 20 * np.sin(angle)
    track = TrackPoints(x, y, np.zeros_like(x), np.zeros_like(x), np.zeros(len(x), dtype=bool))
    (shape,) = shape_tracks([track], None, (0.0, 100.0, 0.0, 100.0), 100, 100, across=False)
    one_round = shape_tracks([TrackPoints(*(a[:200] for a in track))], None, (0.0, 100.0, 0.0, 100.0),
                             100, 100)[0]
    assert shape.vertices <= 1.5 * one_round.vertices


def test_vertices_off_the_view_are_kept():
    x = np.arange(-10, 10) + 0.5
    vx, vy, starts, owner = _lines((x, np.full(20, 5.5)), (x, np.full(20, 5.5)))
    keep, _ = hide_overdrawn(vx, vy, starts, owner, 0.0, 0.0, 1.0, 40, 20)
    assert keep[:10].all() and not keep[12:20].any()


def test_shape_tracks_is_cancellable():
    x = np.linspace(0, 100, 500)
    track = TrackPoints(x, x, x, x, np.zeros(500, dtype=bool))
    with pytest.raises(Cancelled):
        shape_tracks([track], None, (0.0, 100.0, 0.0, 100.0), 100, 100, cancelled=lambda: True)


def test_with_breaks_puts_nan_between_pieces():
    x, y = with_breaks(np.array([1.0, 2, 3, 4]), np.array([1.0, 2, 3, 4]), np.array([True, False, True, False]))
    assert np.isnan(x[2]) and x[[0, 1, 3, 4]].tolist() == [1, 2, 3, 4]


def test_arrowheads_at_one_spot_show_once_each_way():
    right = np.array([[1.0, 0.0], [-1.0, 0.5], [-1.0, -0.5]])
    left = right * [-1, 1]
    right, left = right + 10, left + 10  # all in the same squares
    heads = [right + [0.2, 0], left, right, left + [0.3, 0.1], right + [100, 0]]
    # Heads at the same spot: the one on top (drawn last) covers the others.
    assert uncovered_arrowheads(heads, 1.0, cell_px=4).tolist() == [3, 4]
    # Coarser, by direction: one each way at the spot, and the one far away.
    assert uncovered_arrowheads(heads, 1.0, cell_px=40, sectors=8).tolist() == [2, 3, 4]
    assert uncovered_arrowheads(heads[:3], 1.0, cell_px=40).tolist() == [2]


def test_densify_looks_only_at_candidate_legs_and_gives_the_same_result():
    lat, lon = great_circle(55.6, 37.3, 39.2, 125.7, max_step_deg=5.0)
    dense_lat, dense_lon = great_circle(50.0, 0.0, 50.0, 1.0, max_step_deg=0.01)
    lon = np.concatenate([lon, dense_lon])
    lat = np.concatenate([lat, dense_lat])
    connect = np.ones(len(lon) - 1, dtype=bool)
    connect[len(lon) - len(dense_lon) - 1] = False
    full = densify(lon, lat, connect, 0.5)
    long_legs = np.zeros_like(connect)
    long_legs[: len(lon) - len(dense_lon) - 1] = True
    limited = densify(lon, lat, connect, 0.5, candidates=long_legs)
    for a, b in zip(full, limited):
        assert np.array_equal(a, b)
    assert len(full[0]) > len(lon)
