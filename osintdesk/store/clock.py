"""The clock a case reads "now" from (UTC), and where its new record ids come from; its stamps
are written by ``timefmt.record_stamp``. A demo case passes both, seeded, so it is reproducible."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Callable

Clock = Callable[[], datetime]
Ids = Callable[[], str]   # a new record or audit entry id (a UUID's text)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def random_uuid() -> str:
    return str(uuid.uuid4())
