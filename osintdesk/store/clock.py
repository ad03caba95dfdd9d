"""UTC time stamps as stored in a case: ISO 8601 with microseconds and a ``Z``."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def to_utc_text(moment: datetime) -> str:
    """``2024-09-17T06:05:00.000000Z``; naive datetimes are refused (ambiguous)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: a case stores only UTC times")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_utc_text(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def epoch_to_utc_text(t: float) -> str:
    return to_utc_text(datetime.fromtimestamp(t, timezone.utc))
