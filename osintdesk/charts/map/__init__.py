"""The map: tracks on an offline basemap, coverage gaps, airports, places, legend and scale bar.

``draw_map`` fills a matplotlib Figure and returns a ``MapInfo`` the window uses for
click-to-select (``nearest_point``, ``gap_at``) and hover (``nearest_point``). Its slow part
is ``plan_map``: plain arrays (projection, view, every track reduced to what the image can
show, see ``charts.tracks``), which the window computes on a worker thread; ``draw_map``
then only makes the artists. A million positions cost little more than the basemap;
breaks (coverage gaps, missing positions) survive the reduction, and a gap is only ever
drawn as a thin dashed great circle between the last and the next position.

The modules follow the steps: ``model`` (the records), ``plan`` (what to draw: projection,
view, reduction), ``layers`` (basemap, tracks, gaps, airports, places), ``decorations``
(legend, scale bar, graticule, labels, messages, attribution), ``draw`` (``draw_map``, the
order of it all) and ``interaction`` (nearest point, gap under the mouse, refresh on zoom).
"""

from .draw import draw_map
from .interaction import (ViewRequest, apply_view, fit_limits_to_axes, gap_at, nearest_point,
                          refresh_basemap, refresh_view, view_request, view_shapes)
from .model import DrawnTrack, MapInfo, MapPlan, TrackHit
from .plan import plan_map

__all__ = [
    "DrawnTrack", "MapInfo", "MapPlan", "TrackHit", "ViewRequest", "apply_view", "draw_map",
    "fit_limits_to_axes", "gap_at", "nearest_point", "plan_map", "refresh_basemap", "refresh_view",
    "view_request", "view_shapes",
]
