"""The chart pane beside the window's tables: map, profile, activity or timeline of the selection.

``pane`` hosts the canvas and decides what is drawn when; ``loading`` reads the selection
from the case (on a worker when it is big); ``map_view`` draws the map and follows pan,
zoom, click and hover; ``timeline_view`` follows hover, click and zoom on the timeline.
What is drawn, and its export, come from ``charts.selection``.
"""

from .pane import ChartPane

__all__ = ["ChartPane"]
