"""Checks on what a chart drew, for the tests (the app finds a clicked flight with
``charts.map.nearest_point`` and ``gap_at``, not through the artists)."""

from __future__ import annotations

from typing import Hashable

import numpy as np


def flight_for_artist(info, artist, index: int | None = None) -> Hashable | None:
    """The flight a drawn track or gap line of a map (``MapInfo``) belongs to, or None:
    the Line2D of a flight, or path ``index`` of the collections a map of many flights
    draws, matched by its vertices with what each flight drew."""
    for flight_id, drawn in info.tracks.items():
        if artist is drawn.line or any(artist is line for line in drawn.gap_lines):
            return flight_id
    paths = artist.get_paths() if index is not None and hasattr(artist, "get_paths") else []
    if not 0 <= (index or 0) < len(paths):
        return None
    vertices = paths[index].vertices
    for flight_id, drawn in info.tracks.items():
        lines = [(drawn.path_x, drawn.path_y), *drawn.gap_paths]
        if any(np.array_equal(np.column_stack(line), vertices, equal_nan=True) for line in lines):
            return flight_id
    return None
