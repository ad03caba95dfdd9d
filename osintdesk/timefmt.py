"""The one place times and durations are read from text and written as text (all in UTC).

Two families of text, kept apart on purpose:

- **Record forms** are what a case stores and ``--json`` prints. They are a data contract
  (scripts read them) and part of the audit chain (entries are hashed), so they stay
  byte-identical from one version to the next: ``record_stamp``, ``record_time``,
  ``record_date``, ``record_duration``, ``file_stamp`` (and the ``*_or_none`` forms of
  the first two, for times that may be unknown).
- **Display forms** are what people read: tables, details, CLI text and chart labels.
  One form for a moment (``2023-09-19 05:12:03 UTC``, or ``2023-09-19 05:12 UTC`` where
  seconds do not matter), one for a date (``2023-09-19``), one compact form for labels on
  a time axis (``05:12 UTC``) and one for a duration (``12 min 5 s``, ``3 h 5 min``,
  ``2 d 4 h``), so a flight's duration reads the same in the CLI, the tables, the details
  and the charts: ``display_time``, ``display_date``, ``display_clock``, ``duration``.

Reading: ``parse_iso`` is the generic ISO 8601 reader (importers add their own quirks
around it), ``parse_record`` reads a record form back, ``parse_user_time`` reads what a
user typed (a date or a date-time, with or without a zone) and raises one clear error.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone

from .errors import OsintdeskError

UTC = timezone.utc

# A moment as the callers hold it: UTC epoch seconds, an aware datetime, or record text.
Moment = float | int | datetime | str


# --------------------------------------------------------------------------- record forms


def record_stamp(moment: datetime | float) -> str:
    """``2024-09-17T06:05:00.000000Z``: the case's own time stamps (audit entries, created,
    captured, stored); from an aware datetime or UTC epoch seconds. Naive datetimes are
    refused: a case stores only UTC times."""
    return _utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record_time(moment: datetime | float) -> str:
    """``2024-01-02T07:41:03Z`` (seconds truncated): times derived from data (flight
    departures, points, page publication, file modification)."""
    return _utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def record_time_or_none(moment: datetime | float | None) -> str | None:
    """``record_time`` of a time that may be unknown (a NULL column): None stays None."""
    return None if moment is None else record_time(moment)


def record_stamp_or_none(moment: datetime | float | str | None) -> str | None:
    """``record_stamp`` of a time that may be unknown or given as text (a record form, or any
    ISO 8601 date-time, UTC when it has no zone): None, or text that is not a time, gives
    None (a page's or an archive's own date that cannot be read is not stored)."""
    if isinstance(moment, str):
        try:
            moment = parse_record(moment)
        except ValueError:
            return None
    return None if moment is None else record_stamp(moment)


def record_date(t: float) -> str:
    """``2024-01-02``: the UTC date of ``t`` (UTC epoch seconds)."""
    return _utc(t).date().isoformat()


def record_duration(seconds: float) -> str:
    """The ``duration`` field of flight rows printed by ``--json`` and of the ground-time
    sentences of ``aircraft --json``: whole minutes, rounded (``2 d 0 h``, ``5 h 20 min``,
    ``12 min``). Frozen because scripts read it; people read ``duration``."""
    seconds = max(0, int(round(seconds)))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def file_stamp(moment: datetime | float) -> str:
    """``20240102T074103Z``: a moment in a file name (sorts, and has no ``:``)."""
    return _utc(moment).strftime("%Y%m%dT%H%M%SZ")


# --------------------------------------------------------------------------- reading


# The strict reader for hot loops (an importer's rows): no surrounding spaces, upper-case
# ``Z``. Where it raises ValueError, the caller falls back to ``parse_iso`` or its own error.
parse_iso_strict = datetime.fromisoformat


def parse_iso(text: str) -> datetime:
    """An ISO 8601 date or date-time as written (aware with ``Z``/``z`` or an offset,
    naive without); ``ValueError`` if it is not one. The generic reader under every
    importer's and page's time parsing."""
    try:
        return parse_iso_strict(text)
    except ValueError:
        pass
    return parse_iso_strict(text.strip().replace("z", "Z"))


def parse_record(text: str) -> datetime:
    """A record form (or any ISO 8601 date-time) back as an aware UTC datetime; without a
    zone it is UTC. ``ValueError`` if the text is not one."""
    return _utc(parse_iso(text), naive_is_utc=True)


def parse_user_time(text: str, what: str = "time", *, end_of_day: bool = False) -> float:
    """UTC epoch seconds from what a user typed: an ISO 8601 date or date-time, with an
    offset, ``Z`` or no zone (then UTC).

    A bare date is the start of that day, or with ``end_of_day`` its last moment, so
    ``--from 2024-07-01 --to 2024-07-31`` is the whole of July. ``what`` names the field
    (``--from``) in the error, which also quotes the text.
    """
    value = text.strip()
    try:
        if len(value) <= 10:  # a date alone: 2024-07-01 (or 20240701)
            day = date.fromisoformat(value)
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
            if end_of_day:
                moment += timedelta(days=1, microseconds=-1)
        else:
            moment = parse_record(value)
    except ValueError:
        raise OsintdeskError(f"{what} '{text}' is not an ISO 8601 date or date-time in UTC "
                             "(e.g. 2024-07-01 or 2024-07-01T06:30Z)") from None
    return moment.timestamp()


# --------------------------------------------------------------------------- display forms


def display_time(moment: Moment | None, *, seconds: bool = True) -> str:
    """``2024-01-02 07:41:03 UTC`` (``2024-01-02 07:41 UTC`` without ``seconds``) from UTC
    epoch seconds, an aware datetime or record text; "" for None. Text that is not a time
    is shown as it is: a display never hides what the case holds."""
    when = _display_moment(moment)
    if not isinstance(when, datetime):
        return when
    return when.strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")


def display_date(moment: Moment | None) -> str:
    """``2024-01-02``: the UTC date; "" for None."""
    when = _display_moment(moment)
    return when.strftime("%Y-%m-%d") if isinstance(when, datetime) else when


def display_clock(moment: Moment | None) -> str:
    """``07:41 UTC``: the compact form for labels on a time axis, where the date shows on
    the axis; "" for None."""
    when = _display_moment(moment)
    return when.strftime("%H:%M UTC") if isinstance(when, datetime) else when


# The date under a chart's time axis (matplotlib's ConciseDateFormatter ``offset_formats``,
# coarsest to finest zoom) in the display date form; the ticks keep matplotlib's compact
# ``06:00``, ``Jul``, ``10``.
AXIS_OFFSET_FORMATS = ("", "%Y", "%Y-%m", "%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d %H:%M")


def duration(seconds: float | None) -> str:
    """``0 s``, ``59 s``, ``1 min``, ``12 min 5 s``, ``1 h``, ``3 h 12 min``, ``2 d``,
    ``2 d 3 h``: the two largest units, the rest dropped (never rounded up, so a stay of
    2 d 3 h 59 min reads ``2 d 3 h``). Negative reads ``0 s``; None or not finite, "".

    Ground-time descriptions stored in a case use this form: change it only on purpose.
    """
    if seconds is None or not math.isfinite(seconds):
        return ""
    total = int(max(0.0, seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


def display_field(key: str, value) -> str | None:
    """The display text of a table cell that holds a time or a duration, by the naming
    rule of the case's columns: ``*_utc`` holds record text, ``duration_s`` seconds.
    None for any other column (the table shows it its own way)."""
    if value is None:
        return None
    if key.endswith("_utc") and isinstance(value, str):
        return display_time(value)
    if key.endswith("duration_s") and isinstance(value, (int, float)):
        return duration(value)
    return None


# --------------------------------------------------------------------------- helpers


def _utc(moment: datetime | float, *, naive_is_utc: bool = False) -> datetime:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            if not naive_is_utc:
                raise ValueError("naive datetime: a case stores only UTC times")
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    return datetime.fromtimestamp(float(moment), UTC)


def _display_moment(moment: Moment | None) -> datetime | str:
    """The moment as a UTC datetime, or the text to show instead ("" for None)."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        try:
            return parse_record(moment)
        except ValueError:
            return moment
    return _utc(moment, naive_is_utc=True)
