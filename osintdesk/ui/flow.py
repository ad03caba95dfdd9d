"""A layout that wraps: its widgets side by side while they fit, on the next line when they
do not (Qt's flow layout example), so a row of controls in a narrow pane is never cut.

A widget wider than the whole line is given the line (never less than its minimum size
hint): a combo box then elides its text rather than running out of sight.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QWidgetItem


class FlowLayout(QLayout):
    """Widgets left to right, wrapped onto as many lines as the width needs. ``stretch``
    widgets (``addWidget(w, stretch=True)``) take the room left on their line."""

    def __init__(self, parent=None, spacing: int = 6):
        super().__init__(parent)
        self._items: list = []
        self._stretch: set[int] = set()      # ids of the items that take what is left
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(spacing)

    # ------------------------------------------------------------ QLayout

    def addItem(self, item) -> None:  # noqa: N802 - Qt's name
        self._items.append(item)

    def addWidget(self, widget, stretch: bool = False) -> None:  # noqa: N802 - Qt's name
        self.addChildWidget(widget)
        item = QWidgetItem(widget)
        self._items.append(item)
        if stretch:
            self._stretch.add(id(item))
        self.invalidate()

    def insertWidget(self, index: int, widget, stretch: bool = False) -> None:  # noqa: N802
        """``addWidget`` at ``index`` (as QBoxLayout's): before the item there."""
        self.addWidget(widget, stretch)
        self._items.insert(index, self._items.pop())
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):  # noqa: N802 - Qt's name
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):  # noqa: N802 - Qt's name
        if 0 <= index < len(self._items):
            item = self._items.pop(index)
            self._stretch.discard(id(item))
            return item
        return None

    def expandingDirections(self):  # noqa: N802 - Qt's name
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt's name
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """All on one line."""
        width, height = 0, 0
        for item in self._shown():
            hint = item.sizeHint()
            width += hint.width() + (self.spacing() if width else 0)
            height = max(height, hint.height())
        m = self.contentsMargins()
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt's name
        """As narrow as the widest widget's minimum (everything wrapped)."""
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    # ------------------------------------------------------------ placing

    def _shown(self) -> list:
        return [item for item in self._items if not item.isEmpty()]

    def lines(self, width: int) -> list[list]:
        """The shown items on each line at ``width`` pixels (contents margins included)."""
        m = self.contentsMargins()
        room = max(1, width - m.left() - m.right())
        lines: list[list] = [[]]
        used = 0
        for item in self._shown():
            w = min(item.sizeHint().width(), room)
            if lines[-1] and used + self.spacing() + w > room:
                lines.append([])
                used = 0
            used += (self.spacing() if lines[-1] else 0) + w
            lines[-1].append(item)
        return [line for line in lines if line]

    def _arrange(self, rect: QRect, apply: bool) -> int:
        m = self.contentsMargins()
        room = max(1, rect.width() - m.left() - m.right())
        y = rect.y() + m.top()
        for line in self.lines(rect.width()):
            widths = [max(min(i.sizeHint().width(), room), i.minimumSize().width()) for i in line]
            spare = room - sum(widths) - self.spacing() * (len(line) - 1)
            stretching = [n for n, i in enumerate(line) if id(i) in self._stretch]
            for n in stretching:
                widths[n] += max(0, spare) // len(stretching)
            height = max(i.sizeHint().height() for i in line)
            x = rect.x() + m.left()
            for item, w in zip(line, widths):
                if apply:
                    h = item.sizeHint().height()
                    # Centred on the line: a check box beside a taller combo box.
                    item.setGeometry(QRect(QPoint(x, y + (height - h) // 2), QSize(w, h)))
                x += w + self.spacing()
            y += height + self.spacing()
        return y - self.spacing() - rect.y() + m.bottom()

