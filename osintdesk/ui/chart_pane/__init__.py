"""The chart pane beside the window's tables: map, profile or activity of the selection.

``pane`` hosts the canvas and decides what is drawn when; ``loading`` reads the selection
from the case (on a worker when it is big); ``map_view`` draws the map and follows pan,
zoom, click and hover. What is drawn, and its export, come from ``charts.selection``.
"""

from .pane import ChartPane

__all__ = ["ChartPane"]
