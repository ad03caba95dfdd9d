"""Counts in sentences: a number and its noun agreeing in number, in one place."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None, *, thousands: bool = False) -> str:
    """``1 evidence file``, ``2 evidence files``, ``1 audit entry``: ``n`` and ``noun``
    (``plural``, default noun + "s", unless n is 1); ``thousands`` writes 1,234."""
    number = f"{n:,}" if thousands else str(n)
    return f"{number} {noun if n == 1 else plural or noun + 's'}"


def listed(noun: str, names, plural: str | None = None) -> str:
    """``column lat``, ``columns lat, lon``: ``noun`` agreeing with how many ``names``
    follow it, then the names joined with commas."""
    names = list(names)
    return f"{noun if len(names) == 1 else plural or noun + 's'} {', '.join(names)}"
