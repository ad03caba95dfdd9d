"""Demo cases for trainers: invented stories built into real case files by the app's own
domain code, a classroom web server that serves their pages, and exercises with an answer key.

Everything here is synthetic and says so: a demo case's title starts with ``DEMO_TITLE_PREFIX``,
and ``is_demo`` (the one place that decides) makes the window's banner, every chart's footer
and the report say ``DEMO_MARK``.
"""

from __future__ import annotations

from typing import Mapping

DEMO_MARK = "DEMO, synthetic data"
DEMO_TITLE_PREFIX = f"{DEMO_MARK}: "


def is_demo(meta: Mapping | None) -> bool:
    """Whether a case (its ``case.meta()``) is a demo case: its title says so."""
    return bool(meta) and str(meta.get("title") or "").startswith(DEMO_TITLE_PREFIX)


def demo_footer(meta: Mapping | None) -> str | None:
    """The words a chart's footer or a report carries for a demo case (None otherwise)."""
    return DEMO_MARK if is_demo(meta) else None
