"""The chart pane shown offscreen on a case, for the window's tests (Qt: imported by tests/ui only)."""

from __future__ import annotations


def shown_pane(qtbot, case, width: int = 1000, height: int = 700):
    """A ChartPane of ``width`` x ``height`` showing ``case``, once its first drawing is done
    and no resize is pending. The caller waits for its tasks (``pane.wait()``) at the end."""
    from osintdesk.ui.chart_pane import ChartPane

    widget = ChartPane()
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    with qtbot.waitSignal(widget.redrawn, timeout=10000):
        widget.set_case(case)
    qtbot.waitUntil(lambda: not widget._resize_timer.isActive(), timeout=5000)
    return widget
