"""Identifiers in the text of a page or file: the aviation ones (``flights.identifiers``: registrations,
ICAO 24-bit addresses, callsigns, airport codes, aircraft types) and dates, each with its
(start, end) offsets in the text it was found in, so the viewer can highlight it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Iterator

from ...flights.identifiers import (PRIORITY, IdentifierHit, aviation_candidates, make_hit, plain_dashes,
                                    with_original_text, without_overlaps)

DATE = "date"
# When two hits overlap, the longer wins; on a tie a date wins, then the aviation order.
_PRIORITY = (DATE, *PRIORITY)


def find_identifiers(text: str) -> list[IdentifierHit]:
    """All identifiers in ``text``, ordered by position, no two overlapping."""
    norm = plain_dashes(text)
    hits = aviation_candidates(norm) + list(_find_dates(norm))
    return [with_original_text(hit, text) for hit in without_overlaps(hits, _PRIORITY)]


# ----------------------------------------------------------------------------- dates

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
}
_MONTH = "(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_DATE_PATTERNS = (
    ("iso", re.compile(r"(?<![\d-])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?![\d])")),
    ("day-month-year", re.compile(rf"(?i)(?<![\w]){_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}(?:\s*(?:г\.|года))?(?!\d)")),
    ("month-day-year", re.compile(rf"(?i)(?<![\w]){_MONTH}\s+{_DAY},?\s+{_YEAR}(?!\d)")),
    ("dotted", re.compile(r"(?<![\d.])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?![\d]|\.\d)")),
    ("slashed", re.compile(r"(?<![\d/])(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?P<year>\d{4})(?![\d/])")),
)


def _valid_date(year: int, month: int, day: int) -> date | None:
    if not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _find_dates(norm: str) -> Iterator[IdentifierHit]:
    for style, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(norm):
            year = int(match.group("year"))
            if style == "slashed":
                yield from _slashed_date(norm, match, year)
                continue
            month_text = match.group("month")
            month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.lower()]
            found = _valid_date(year, month, int(match.group("day")))
            if found:
                yield make_hit(DATE, match, norm, found.isoformat(), style=style)


def _slashed_date(norm, match, year):
    """dd/mm/yyyy or mm/dd/yyyy: the value is ISO only when the reading is unambiguous."""
    first, second = int(match.group("first")), int(match.group("second"))
    readings = {d for d in (_valid_date(year, second, first), _valid_date(year, first, second)) if d}
    if len(readings) == 1:
        yield make_hit(DATE, match, norm, readings.pop().isoformat(), style="slashed")
    elif readings:
        both = " or ".join(sorted(d.isoformat() for d in readings))
        yield make_hit(DATE, match, norm, match.group(0), style="slashed", ambiguous=both)


# ----------------------------------------------------------------------------- military serials
#
# Military aircraft carry serials, not civil registrations, and their forms read like any
# number ("09-0540" is also a score or a part number). So a serial is recognised only when
# an aircraft of the case carries it as its registration: ``serial_key`` says whether a
# registration is in one of these forms, ``find_serials`` finds the case's own serials in a
# text. Each form: the air forces that write it, and its pattern.

from ...flights.identifiers import REGISTRATION  # noqa: E402 - kept with what uses it

SERIAL_FORMS = (
    # USAF / US Army fiscal-year serials: 09-0540, 62-4125, 86-0026, 96-00001.
    ("US fiscal-year serial", re.compile(r"(?<![\w-])(\d{2})-(\d{3,5})(?![\w-])")),
    # RAF and other UK forces: two letters and three digits, ZZ336, ZM415.
    ("UK military serial", re.compile(r"(?<![\w-])([A-Z]{2})-?(\d{3})(?![\w-])", re.IGNORECASE)),
    # Luftwaffe: 10+21, 98+08, 15+01.
    ("German military serial", re.compile(r"(?<![\w+])(\d{2})\+(\d{2})(?![\w+])")),
    # Any other registration an aircraft of the case carries that the civil prefixes do not
    # know (a prefix from no register, a made-up training registration): written with its
    # dash, so a plain word or number is never one.
    ("registration held by the case",
     re.compile(r"(?<![\w-])([A-Z0-9]{1,3})-([A-Z0-9]{2,6})(?![\w-])", re.IGNORECASE)),
)


def serial_key(registration: str | None) -> str | None:
    """The match key (letters and digits, upper case) of a registration written in one of
    ``SERIAL_FORMS``; None when it is in none of them."""
    if not registration:
        return None
    value = plain_dashes(registration.strip()).upper()
    for name, pattern in SERIAL_FORMS:
        match = pattern.fullmatch(value)
        if match and (name != SERIAL_FORMS[-1][0] or not _known_registration(value)):
            return "".join(match.groups())
    return None


def _known_registration(value: str) -> bool:
    """Whether the civil-register finder recognises ``value`` whole as a registration."""
    return any(h.kind == REGISTRATION and h.start == 0 and h.end == len(value)
               for h in find_identifiers(value))


def find_serials(text: str, keys: dict[str, str]) -> list[IdentifierHit]:
    """The serials in ``text`` that are keys of ``keys`` (serial match key -> the
    aircraft's registration as the case holds it), as registration hits whose value is
    that registration (so they link to the aircraft), by position."""
    if not keys:
        return []
    norm = plain_dashes(text)
    hits = []
    spans: set[tuple[int, int]] = set()
    for name, pattern in SERIAL_FORMS:
        for match in pattern.finditer(norm):
            registration = keys.get("".join(match.groups()).upper())
            if registration is not None and match.span() not in spans:   # first form wins
                spans.add(match.span())
                hits.append(with_original_text(
                    make_hit(REGISTRATION, match, norm, registration, serial_form=name), text))
    return sorted(hits, key=lambda h: (h.start, h.end))
