"""Claims: sentences the investigator asserts, with a status, a confidence in words and
citations that support or contradict them; a claim may carry an assertion about the flight
data (``flew``, ``on-ground``, ``airborne``) that ``checks`` evaluates against the tracks."""

from __future__ import annotations

import json

from ..errors import InputError
from ..flights import airports
from ..store import Case
from ..timefmt import parse_partial, parse_user_time, record_time
from .citations import add_citation
from .queries import resolve_target

from .vocab import CHECKS, CONFIDENCES, STATUSES  # noqa: F401 (the names claims are read by)


def _airport(code: str, what: str) -> str:
    airport = airports.lookup(code)
    if airport is None:
        raise InputError(f"{what} '{code}' is not an airport in the airports table "
                         "(give an ICAO or IATA code)")
    return airport.code


def _aircraft(case: Case, typed: str | None) -> str:
    """The aircraft id ``--aircraft`` names: a registration, a Mode-S address, an id or a
    unique prefix, a merged-away id (the aircraft it became)."""
    if not typed:
        raise InputError("a flight check needs --aircraft (a registration, Mode-S address or id)")
    return resolve_target(case, typed, ("aircraft",))[1]


def make_assertion(case: Case, check: str, *, aircraft: str | None = None, origin: str | None = None,
                   destination: str | None = None, date: str | None = None,
                   between: tuple[str, str] | None = None, at: str | None = None,
                   time: str | None = None, zone: str | None = None) -> dict:
    """A flight assertion, its aircraft and airports checked and its times in UTC:
    ``flew`` (from, to, a date or two times), ``on-ground`` (at, two times),
    ``airborne`` (a time). InputError naming what is missing or wrong."""
    if check not in CHECKS:
        raise InputError(f"--check must be one of {', '.join(CHECKS)}, not '{check}'")
    found = {"check": check, "aircraft": _aircraft(case, aircraft)}
    window = None
    if between:
        first = parse_user_time(between[0], "--between")
        last = parse_user_time(between[1], "--between", end_of_day=True)
        if last < first:
            raise InputError(f"--between {between[1]} is before {between[0]}")
        window = [record_time(first), record_time(last)]
    if check == "flew":
        if not (origin and destination):
            raise InputError("--check flew needs --from and --to airports")
        found.update({"from": _airport(origin, "--from"), "to": _airport(destination, "--to")})
        if date:
            day = parse_partial(date, "--date", zone=zone)
            first, end = day.span_utc()
            found.update(date=day.text, zone=day.zone)
            window = [record_time(first), record_time(end - 1)]
        if window is None:
            raise InputError("--check flew needs --date or --between")
        found["between"] = window
    elif check == "on-ground":
        if not at or window is None:
            raise InputError("--check on-ground needs --at an airport and --between two times")
        found.update({"at": _airport(at, "--at"), "between": window})
    else:
        if not time:
            raise InputError("--check airborne needs --time")
        found["time"] = record_time(parse_user_time(time, "--time"))
    return found


def add_claim(case: Case, text: str, *, status: str = "open", confidence: str | None = None,
              assertion: dict | None = None, cite: list[str] = (), quote: str | None = None,
              contradicted_by: list[str] = (), quote_start: int | None = None) -> dict:
    """A new claim with its citations, all in one transaction. ``quote`` is a passage of
    the first cited capture (or source), ``quote_start`` its offset when it was selected."""
    if not text or not text.strip():
        raise InputError("a claim needs its text")
    if status not in STATUSES:
        raise InputError(f"status must be one of {', '.join(STATUSES)}, not '{status}'")
    if confidence is not None and confidence not in CONFIDENCES:
        raise InputError(f"confidence must be one of: {', '.join(CONFIDENCES)}")
    if quote and not cite:
        raise InputError("--quote needs --cite naming the capture or source it is from")
    with case.transaction():
        claim = case.insert_record("claim", {
            "text": " ".join(text.split()), "status": status, "confidence": confidence,
            "assertion": json.dumps(assertion, sort_keys=True) if assertion else None})
        for n, target in enumerate(cite):
            add_citation(case, "claim", claim["uuid"], target, quote=quote if n == 0 else None,
                         quote_start=quote_start if n == 0 else None)
        for target in contradicted_by:
            add_citation(case, "claim", claim["uuid"], target, stance="contradicts")
    return claim


def set_status(case: Case, claim_uuid: str, status: str, reason: str | None = None) -> dict:
    if status not in STATUSES:
        raise InputError(f"status must be one of {', '.join(STATUSES)}, not '{status}'")
    return case.update_record("claim", claim_uuid, {"status": status}, reason=reason)
