"""Following the mouse over a chart: the point under it is kept and searched at most once
per ``HOVER_MS``, so hovering over a big chart never queues searches behind each other."""

from __future__ import annotations

from PySide6.QtCore import QObject

from .loading import single_shot


class HoverFollower(QObject):
    """The hover half of a chart's controller. Subclasses say which chart they follow
    (``info``: its info while it is on the canvas, else None), the point of an event they
    search at (``hover_point``), what is there (``find``) and how to show it
    (``_show_hover``, None when nothing is)."""

    HOVER_MS = 30

    def __init__(self, pane):
        super().__init__(pane)
        self.pane = pane
        self._hover_xy = None
        self._hover_timer = single_shot(self, self.HOVER_MS, self._hover)
        pane.canvas.mpl_connect("motion_notify_event", self._on_motion)

    def info(self):  # pragma: no cover - interface
        raise NotImplementedError

    def hover_point(self, event):  # pragma: no cover - interface
        raise NotImplementedError

    def find(self, info, x, y):  # pragma: no cover - interface
        raise NotImplementedError

    def _show_hover(self, hit) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def _on_motion(self, event) -> None:
        info = self.info()
        if info is None or event.inaxes is not info.ax or event.button is not None:
            self._hover_xy = None
            if info is not None and event.inaxes is not info.ax:
                self._show_hover(None)
            return
        self._hover_xy = self.hover_point(event)
        if not self._hover_timer.isActive():  # at most one search per HOVER_MS
            self._hover_timer.start()

    def _hover(self) -> None:
        info = self.info()
        if info is None or self._hover_xy is None:
            return
        self._show_hover(self.find(info, *self._hover_xy))
