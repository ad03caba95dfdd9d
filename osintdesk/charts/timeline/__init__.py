"""The timeline: what happened before a flight and what was published after, on one axis.

``items`` reads the case into ``TimelineItem`` rows (one per event, flight, ground stay,
coverage gap and source) through the query modules, with the filters; ``draw`` draws them
on a matplotlib Figure (no Qt, no pyplot) and answers which item is under the mouse, from
a ``plan`` of where everything goes (plain data: the window makes it on a worker).
"""

from .draw import Mark, TimelineInfo, default_title, draw_timeline
from .plan import TimelinePlan, fitting_height_px, plan_timeline
from .items import (KINDS, Timeline, TimelineFilter, TimelineItem, event_item, read_timeline,
                    source_item)

__all__ = ["KINDS", "Mark", "Timeline", "TimelineFilter", "TimelineInfo", "TimelineItem",
           "TimelinePlan", "default_title", "draw_timeline", "event_item", "fitting_height_px",
           "plan_timeline", "read_timeline",
           "source_item"]
