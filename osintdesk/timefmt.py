"""The one place times and durations are read from text and written as text (all in UTC).

Two families of text, kept apart on purpose:

- **Record forms** are what a case stores and ``--json`` prints. They are a data contract
  (scripts read them) and part of the audit chain (entries are hashed), so they stay
  byte-identical from one version to the next: ``record_stamp``, ``record_time``,
  ``record_date``, ``record_duration``, ``file_stamp`` (and the ``*_or_none`` forms of
  the first two, for times that may be unknown).
  ``offset_time`` and ``epoch_microseconds`` are the same UTC moments as another tool
  wants them (Timesketch: ISO 8601 with a numeric offset, epoch microseconds).
- **Display forms** are what people read: tables, details, CLI text and chart labels.
  One form for a moment (``2023-09-19 05:12:03 UTC``, or ``2023-09-19 05:12 UTC`` where
  seconds do not matter), one for a date (``2023-09-19``), one compact form for labels on
  a time axis (``05:12 UTC``) and one for a duration (``12 min 5 s``, ``3 h 5 min``,
  ``2 d 4 h``), so a flight's duration reads the same in the CLI, the tables, the details
  and the charts: ``display_time``, ``display_date``, ``display_clock``, ``duration``.

Reading: ``parse_iso`` is the generic ISO 8601 reader (importers add their own quirks
around it), ``parse_record`` reads a record form back, ``parse_user_time`` reads what a
user typed (a date or a date-time, with or without a zone) and raises one clear error;
``parse_partial`` reads a date known only to a year, a month or a day (an event's start,
a link's end) into a ``PartialTime`` that keeps its precision and its zone.
"""

from __future__ import annotations

import calendar
import math
import re
import time
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo

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


def ftm_date(moment: datetime | float | str) -> str:
    """``2024-01-02T07:41:03``: a UTC time as FollowTheMoney writes dates (no zone, no
    fraction); from an aware datetime, UTC epoch seconds or a record form."""
    if isinstance(moment, str):
        moment = parse_record(moment)
    return _utc(moment).strftime("%Y-%m-%dT%H:%M:%S")


def offset_time(moment: datetime | float) -> str:
    """``2024-01-02T07:41:03+00:00``: a UTC time in ISO 8601 with a numeric offset, as
    Timesketch's importer wants its ``datetime`` (microseconds only when the moment has
    them); from an aware datetime or UTC epoch seconds."""
    moment = _utc(moment)
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")


def epoch_microseconds(moment: datetime | float) -> int:
    """UTC epoch microseconds (Timesketch's ``timestamp``), exact for the moment
    ``offset_time`` writes."""
    moment = _utc(moment)
    return calendar.timegm(moment.timetuple()) * 1_000_000 + moment.microsecond


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


# --------------------------------------------------------------------------- export forms


def export_time(t: float) -> str:
    """``2024-01-02T07:41:03Z``, or ``2024-01-02T07:41:03.250Z`` when the UTC epoch seconds
    have a fraction (to the millisecond): a track point's time in a file another tool reads
    (KML ``when``, GeoJSON properties), keeping what the data holds."""
    whole = math.floor(t)
    millis = round((t - whole) * 1000)
    if millis == 1000:
        whole, millis = whole + 1, 0
    # gmtime and an f-string: a third faster than a datetime's strftime, for a million points
    year, month, day, hour, minute, second = time.gmtime(whole)[:6]
    text = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
    return f"{text}.{millis:03d}Z" if millis else text + "Z"


def warc_timestamp(text: str) -> str:
    """``20240102074103``: the 14-digit form CDX(J) indexes key records by, from a WARC-Date
    or a record form (any ISO 8601 date-time; UTC when it has no zone)."""
    return parse_record(text).strftime("%Y%m%d%H%M%S")


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


def display_in_zone(moment: Moment | None, zone: str = "UTC", *, seconds: bool = False) -> str:
    """``2023-09-13 10:00 UTC``, or in another zone ``2023-09-13 12:00 +02:00 Europe/Berlin``
    (the offset of that moment, so a DST change reads right): a chart drawn in a chosen
    zone labels its marks in it. ``zone``: ``UTC``, an offset or an IANA name."""
    when = _display_moment(moment)
    if not isinstance(when, datetime):
        return when
    if zone in ("UTC", "Z"):
        return display_time(when, seconds=seconds)
    local = when.astimezone(zone_info(zone))
    text = local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    offset = _offset_text(local.utcoffset())
    return f"{text} {offset}" if zone == offset else f"{text} {offset} {zone}"


def local_offset() -> str:
    """This computer's offset from UTC now, as a zone: ``+02:00``."""
    return _offset_text(datetime.now().astimezone().utcoffset())


def user_zone(text: str, what: str = "--tz") -> str:
    """The zone a user typed (``UTC``, an offset such as ``+09:00`` or an IANA name such as
    ``Europe/Berlin``), checked; one OsintdeskError naming ``what`` otherwise."""
    value = (text or "").strip()
    try:
        zone_info(value)
    except ValueError:
        raise OsintdeskError(f"{what} '{text}' is not a time zone (give UTC, an offset such as "
                             "+09:00 or an IANA name such as Europe/Berlin)") from None
    return "UTC" if value == "Z" else value


# A chart's time axis (matplotlib's ConciseDateFormatter, coarsest to finest zoom: years,
# months, days, hours, minutes, seconds). A day tick names its month (``08 Jun``,
# ``01 Jul``), so a range that crosses months never reads ``08`` as a day of the month in
# the corner; an hour tick at midnight names its day the same way. The date under the
# axis (``offset_formats``) is in the display date form and never repeats what the ticks
# say: the year alone under day ticks.
AXIS_FORMATS = ("%Y", "%b", "%d %b", "%H:%M", "%H:%M", "%S.%f")
AXIS_ZERO_FORMATS = ("", "%Y", "%d %b", "%d %b", "%H:%M", "%H:%M")
AXIS_OFFSET_FORMATS = ("", "%Y", "%Y", "%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d %H:%M")


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


# --------------------------------------------------------------------------- partial times


PRECISIONS = ("year", "month", "day", "minute", "second")
_MONTHS = {name: n for n, name in enumerate(
    ("january february march april may june july august september october november "
     "december").split(), start=1)}
_MONTHS.update({name[:3]: n for name, n in list(_MONTHS.items())})
_ISO_PARTIAL = re.compile(
    r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})(?:[T ](?P<H>\d{2}):(?P<M>\d{2})"
    r"(?::(?P<S>\d{2}))?(?:\.\d+)?)?)?)?\s*(?P<zone>Z|[+-]\d{2}:?\d{2})?")
_WORDS_PARTIAL = re.compile(r"(?:(?P<d>\d{1,2})\s+)?(?P<month>[A-Za-z]+)\.?,?\s+(?P<y>\d{4})")


@dataclass(frozen=True)
class PartialTime:
    """A moment known to a year, a month, a day, a minute or a second, in the zone it was
    given in: "September 2023" is the whole month, not 2023-09-01T00:00.

    ``text`` is the record form (an ISO 8601 prefix in local time: ``2023``, ``2023-09``,
    ``2023-09-13``, ``2023-09-13T10:00``), ``zone`` the zone it is in (``UTC``, an offset
    such as ``+09:00``, or an IANA name such as ``Asia/Pyongyang``).
    """

    text: str
    zone: str = "UTC"

    @property
    def precision(self) -> str:
        return {4: "year", 7: "month", 10: "day", 16: "minute", 19: "second"}[len(self.text)]

    def first_local(self) -> datetime:
        """The first moment of the span, aware, in the zone it was given in."""
        parts = [int(p) for p in re.split(r"[-T:]", self.text)]
        return datetime(*(parts + [1, 1][len(parts) - 1:] if len(parts) < 3 else parts),
                        tzinfo=zone_info(self.zone))

    def span_utc(self) -> tuple[float, float]:
        """(first, end) in UTC epoch seconds: the whole span the text means, end exclusive."""
        first = self.first_local()
        precision = self.precision
        if precision == "year":
            end = first.replace(year=first.year + 1)
        elif precision == "month":
            end = (first.replace(year=first.year + 1, month=1) if first.month == 12
                   else first.replace(month=first.month + 1))
        else:
            end = first + {"day": timedelta(days=1), "minute": timedelta(minutes=1),
                           "second": timedelta(seconds=1)}[precision]
        return first.timestamp(), end.timestamp()

    def display(self) -> str:
        """``2023``, ``September 2023``, ``2023-09-13``, ``2023-09-13 10:00 (+09:00)``."""
        if self.precision == "month":
            year, month = self.text.split("-")
            text = f"{calendar.month_name[int(month)]} {year}"
        else:
            text = self.text.replace("T", " ")
        return text if self.zone == "UTC" else f"{text} ({self.zone})"

    def as_dict(self) -> dict:
        first, end = self.span_utc()
        return {"text": self.text, "zone": self.zone, "precision": self.precision,
                "first_utc": record_time(first), "end_utc": record_time(end)}


def zone_info(zone: str) -> tzinfo:
    """``UTC``, an offset (``+09:00``, ``-0330``) or an IANA zone name, as a tzinfo.
    ValueError for anything else."""
    if zone in ("UTC", "Z"):
        return UTC
    offset = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", zone)
    if offset:
        sign = 1 if offset.group(1) == "+" else -1
        return timezone(sign * timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3))))
    try:
        return zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {zone!r}") from None


def parse_partial(text: str, what: str = "date", *, zone: str | None = None) -> PartialTime:
    """A partial time from what a user typed: ``2023``, ``2023-09``, ``September 2023``,
    ``13 Sep 2023``, ``2023-09-13``, ``2023-09-13T10:00``, ``2023-09-13 10:00+09:00``.

    The zone is the one written in the text, else ``zone`` (``UTC``, an offset or an IANA
    name), else UTC. One OsintdeskError naming ``what`` and quoting the text otherwise.
    """
    value = " ".join(text.split())
    problem = (f"{what} '{text}' is not a date (give 2023, 2023-09, September 2023, "
               "2023-09-13 or 2023-09-13T10:00, with an optional zone such as +09:00)")
    iso = _ISO_PARTIAL.fullmatch(value)
    words = None if iso else _WORDS_PARTIAL.fullmatch(value)
    if iso:
        fields = [iso.group(k) for k in ("y", "m", "d", "H", "M", "S")]
        fields = [f for f in fields if f is not None]
        written_zone = iso.group("zone")
    elif words and words.group("month").lower() in _MONTHS:
        fields = [words.group("y"), f"{_MONTHS[words.group('month').lower()]:02d}"]
        if words.group("d"):
            fields.append(f"{int(words.group('d')):02d}")
        written_zone = None
    else:
        raise OsintdeskError(problem)
    record = "-".join(fields[:3]) + ("T" + ":".join(fields[3:]) if len(fields) > 3 else "")
    if written_zone == "Z":
        written_zone = "UTC"
    elif written_zone and ":" not in written_zone:
        written_zone = written_zone[:3] + ":" + written_zone[3:]
    chosen = written_zone or zone or "UTC"
    try:
        zone_info(chosen)
        partial = PartialTime(record, chosen)
        partial.span_utc()  # rejects 2023-02-30, month 13, hour 25
    except ValueError as error:
        if "time zone" in str(error):
            raise OsintdeskError(f"{what}: {error}") from None
        raise OsintdeskError(problem) from None
    if partial.precision in ("minute", "second"):
        _check_wall_clock(partial, f"{what} '{text}'")
    return partial


def _check_wall_clock(partial: PartialTime, quoted: str) -> None:
    """Refuse a local time the zone skips (clocks moved forward) or has twice (clocks moved
    back): either would be read as a moment the user did not mean."""
    local = partial.first_local()
    back = datetime.fromtimestamp(local.timestamp(), local.tzinfo)
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise OsintdeskError(f"{quoted} does not exist in {partial.zone} (the clocks skip it): "
                             "give the time with its offset")
    offsets = {local.replace(fold=fold).utcoffset() for fold in (0, 1)}
    if len(offsets) > 1:
        written = sorted(_offset_text(o) for o in offsets)
        raise OsintdeskError(f"{quoted} happens twice in {partial.zone} (at {written[1]} and "
                             f"{written[0]}): give the time with its offset")


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def parse_partial_date(text: str, what: str = "date") -> PartialTime:
    """A date known to a year, a month or a day, in UTC (a link's start and end, a date
    property: FollowTheMoney's dates are dates). A time of day or a zone is refused with
    one OsintdeskError naming ``what``: a date stored without them must not silently
    drop them."""
    partial = parse_partial(text, what)
    if partial.precision not in ("year", "month", "day") or partial.zone != "UTC":
        raise OsintdeskError(f"{what} '{text}' is a date, without a time of day or a zone "
                             "(give 2023, 2023-09, September 2023 or 2023-09-13)")
    return partial


def check_order(first: PartialTime, last: PartialTime, start: str, end: str) -> None:
    """OsintdeskError when ``last`` ends before ``first`` begins, each taken as its whole
    span in UTC (``2023-09`` is not before ``2023-09-13``): events and links alike.
    ``start`` and ``end`` are the texts as typed, quoted in the message."""
    if last.span_utc()[1] <= first.span_utc()[0]:
        raise OsintdeskError(f"--end {end} is before --start {start}")


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
