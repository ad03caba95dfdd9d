"""Charts drawn on matplotlib Figures from plain data: map, flight profile, activity.

No Qt and no pyplot: the window hosts these figures in a canvas, the command line and
reports save them with ``save_figure``, tests inspect what was drawn. Inputs are the
records in ``charts.data`` (the case adapter builds them from the store).
"""

from .activity import ActivityInfo, draw_activity
from .data import (ActivityFlight, ActivityRow, ChartAirport, ChartFlight, ChartPlace, CoverageGap,
                   GroundStay, find_gaps)
from .export import new_figure, save_figure
from .map import (MapInfo, MapPlan, TrackHit, apply_view, draw_map, fit_limits_to_axes, gap_at,
                  nearest_point, plan_map, refresh_basemap, refresh_view, view_request, view_shapes)
from .profile import ProfileInfo, draw_profile

__all__ = [
    "ActivityFlight", "ActivityInfo", "ActivityRow", "ChartAirport", "ChartFlight", "ChartPlace",
    "CoverageGap", "GroundStay", "MapInfo", "MapPlan", "ProfileInfo", "TrackHit", "apply_view",
    "draw_activity", "draw_map", "draw_profile", "find_gaps", "fit_limits_to_axes", "gap_at",
    "nearest_point", "new_figure", "plan_map", "refresh_basemap", "refresh_view", "save_figure",
    "view_request", "view_shapes",
]
