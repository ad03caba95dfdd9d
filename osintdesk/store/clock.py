"""The clock a case reads "now" from (UTC); its stamps are written by ``timefmt.record_stamp``."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
