"""The demo stories: what happened (invented), as plain data a seed decides.

A story is a ``Plan``: the aircraft (an invented registration and Mode-S address), its
flights, the flight files that show them, the web pages written for the demo (articles
with publication dates, a registry page), the entities, links, events and claims an
investigator would record, and the answers an exercise asks for. ``build.py`` turns a plan
into a case with the app's own domain functions; ``classroom.py`` serves its pages.
All times are UTC epoch seconds and come from the seed, never from the clock.
"""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html import escape
from typing import Callable

from ..flights.model import TrackPoint
from ..timefmt import offset_time, record_date, record_time
from . import DEMO_MARK, DEMO_TITLE_PREFIX
from .flightfiles import flight_time_s, synthetic_flight

DAY = 86400.0
STEP_S = 15.0
TAXI_S = 300.0


@dataclass(frozen=True)
class Aircraft:
    registration: str
    hex: str
    type_code: str
    model: str
    operator: str


@dataclass
class Leg:
    """One flight: ``takeoff_t``/``landing_t`` are when it leaves and touches the ground."""
    origin: str
    destination: str
    start_t: float            # first (taxi) point
    callsign: str
    gaps: list[tuple[float, float]] = field(default_factory=list)   # s after take-off
    points: list[TrackPoint] = field(default_factory=list)

    @property
    def takeoff_t(self) -> float:
        return next(p.t for p in self.points if not p.on_ground)

    @property
    def landing_t(self) -> float:
        airborne = [p.t for p in self.points if not p.on_ground]
        return next(p.t for p in self.points if p.on_ground and p.t > airborne[-1])


@dataclass(frozen=True)
class FlightFile:
    name: str
    format: str               # fr24-csv | fr24-kml | readsb | opensky-csv
    legs: tuple[int, ...]     # indices into Plan.legs


@dataclass(frozen=True)
class Page:
    """A web page of the demo: ``path`` on the classroom server; ``in_case``: also added to
    the demo case as a source (a saved copy of the page)."""
    path: str
    title: str
    html: str
    published_t: float | None = None
    in_case: bool = True


@dataclass
class Plan:
    name: str
    title: str
    description: str
    aircraft: Aircraft
    legs: list[Leg]
    files: list[FlightFile]
    pages: list[Page]
    # Findings, naming what they point at by handle: "page:/path", "entity:key", the
    # registration, an airport code. build.py resolves handles to record ids.
    entities: list[dict] = field(default_factory=list)   # key, schema, name, props
    links: list[dict] = field(default_factory=list)      # from, to, type, role, start, cite
    events: list[dict] = field(default_factory=list)     # title, start, zone, place, involved, cite
    claims: list[dict] = field(default_factory=list)     # key, text, cite, quote, check..., expect
    ties: list[dict] = field(default_factory=list)       # page, target, reason
    investigation_t: float = 0.0                         # when the demo's examiner "worked"

    def stays(self) -> list[dict]:
        """The ground stays between consecutive legs: airport, from (landing), to (take-off)."""
        return [{"airport": a.destination, "from_t": a.landing_t, "to_t": b.takeoff_t}
                for a, b in zip(self.legs, self.legs[1:])]

    def page(self, path: str) -> Page:
        return next(p for p in self.pages if p.path == path)


# ----------------------------------------------------------------------------- helpers


def _day(t: float) -> str:
    return record_date(t)


def _words_day(t: float) -> str:
    """``7 June 2023``: how an article writes a UTC day."""
    year, month, day = (int(part) for part in record_date(t).split("-"))
    return f"{day} {calendar.month_name[month]} {year}"


def _fly(leg: Leg, aircraft: Aircraft, seed: int) -> Leg:
    leg.points = synthetic_flight(leg.origin, leg.destination, leg.start_t, hex=aircraft.hex,
                                  callsign=leg.callsign, squawk="4521", step_s=STEP_S,
                                  taxi_s=TAXI_S, gaps=leg.gaps, seed=seed)
    return leg


def article_html(title: str, published_t: float, paragraphs: list[str], *,
                 site: str = "Demo Herald") -> str:
    """A news page written for the demo, its publication date in the page's metadata and
    text, and a visible line saying it is synthetic."""
    iso = offset_time(float(int(published_t)))
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title>\n"
            f'<meta property="article:published_time" content="{iso}">\n'
            f'<meta name="author" content="{escape(site)} desk (fictional)"></head>\n'
            f"<body><p><strong>{DEMO_MARK}: a page written for osintdesk training; "
            f"not news, not evidence.</strong></p>\n<article><h1>{escape(title)}</h1>\n"
            f'<p class="byline">{escape(site)}, published <time datetime="{iso}">'
            f"{_words_day(published_t)}</time></p>\n{body}\n</article></body></html>\n")


def registry_html(aircraft: Aircraft, first_flight_year: int) -> str:
    rows = [("Registration", aircraft.registration), ("Mode-S (ICAO 24-bit) address", aircraft.hex.upper()),
            ("Type", f"{aircraft.model} ({aircraft.type_code})"), ("Operator", aircraft.operator),
            ("First flight", str(first_flight_year)), ("Status", "Active")]
    cells = "\n".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>Demo Aircraft Registry: {aircraft.registration}</title></head>\n"
            f"<body><p><strong>{DEMO_MARK}: an invented registry for osintdesk training."
            f"</strong></p>\n<h1>Demo Aircraft Registry: {aircraft.registration}</h1>\n<table>\n{cells}\n</table>"
            "</body></html>\n")


# ----------------------------------------------------------------------------- the Il-62M story


def il62(seed: int) -> Plan:
    """A state Il-62M flies Moscow Vnukovo to Pyongyang Sunan and back twice, weeks apart:
    a defence minister's visit, then a summit. The first flight has a coverage gap over the
    border; one claim (from a rumour) is contradicted by the tracks."""
    rng = random.Random(seed)
    aircraft = Aircraft("XX-62001", "fff0a1", "IL62", "Ilyushin Il-62M",
                        "State Transport Detachment 900 (fictional)")
    base = datetime(2023, 5, 1, tzinfo=timezone.utc).timestamp() + (seed * 37 % 150) * DAY
    out1 = base + rng.randrange(1 * 3600, 4 * 3600, 60)
    airborne = flight_time_s("UUWW", "ZKPY")
    # The coverage gap: from 80 to 40 minutes before landing, over the border region.
    legs = [Leg("UUWW", "ZKPY", out1, "XXS901", gaps=[(airborne - 4800, airborne - 2400)])]
    _fly(legs[0], aircraft, seed)
    back1 = legs[0].landing_t + rng.randrange(44, 56) * 3600
    legs.append(_fly(Leg("ZKPY", "UUWW", back1, "XXS902"), aircraft, seed + 1))
    out2 = base + rng.randrange(24, 36) * DAY + rng.randrange(1 * 3600, 4 * 3600, 60)
    legs.append(_fly(Leg("UUWW", "ZKPY", out2, "XXS901"), aircraft, seed + 2))
    back2 = legs[2].landing_t + rng.randrange(64, 80) * 3600
    legs.append(_fly(Leg("ZKPY", "UUWW", back2, "XXS902"), aircraft, seed + 3))
    reg = aircraft.registration
    stay1_mid = (legs[0].landing_t + legs[1].takeoff_t) / 2
    summit_t = legs[2].landing_t + DAY

    pages = [
        Page("/registry/" + reg.lower(), f"Demo Aircraft Registry: {reg}",
             registry_html(aircraft, 1989)),
        Page("/news/minister-lands-in-pyongyang", f"State jet {reg} brings defence minister to Pyongyang",
             article_html(f"State jet {reg} brings defence minister to Pyongyang",
                          legs[0].landing_t + 6 * 3600, [
                f"The state Ilyushin Il-62M {reg} landed at Pyongyang Sunan on "
                f"{_words_day(legs[0].landing_t)}, carrying the fictional defence minister "
                "Ivan Demonov for a two-day visit.",
                f"The aircraft, operated by the {aircraft.operator}, left Moscow Vnukovo the "
                "same morning. Spotters lost its signal for a while near the border.",
                "Officials in Pyongyang described the visit as a working meeting."]),
             legs[0].landing_t + 6 * 3600),
        Page("/news/summit-delegation", f"Summit delegation arrives on {reg}",
             article_html(f"Summit delegation arrives on {reg}", summit_t + 3 * 3600, [
                f"Weeks after the minister's trip, {reg} was back at Pyongyang Sunan on "
                f"{_words_day(legs[2].landing_t)}, a day before the summit.",
                "The fictional leaders Pak Example and Ivan Demonov met the next day.",
                f"The delegation flew home on {_words_day(legs[3].takeoff_t)}."]),
             summit_t + 3 * 3600),
        Page("/blog/rumour", f"Rumour: {reg} never left Pyongyang",
             article_html(f"Rumour: {reg} never left Pyongyang", legs[1].takeoff_t + 2 * DAY, [
                f"An anonymous post claims that {reg} stayed at Pyongyang Sunan until "
                f"{_words_day(legs[1].takeoff_t + DAY)} and never flew home after the "
                "minister's visit.",
                "The post gives no evidence."], site="Demo Rumour Blog"),
             legs[1].takeoff_t + 2 * DAY),
        # Classroom only: a page that changes between two visits, and the end of a redirect chain.
        Page("/live/apron-status", "Sunan apron status (changes on every visit)", "", in_case=False),
        Page("/r/start", "A short link that redirects twice", "", in_case=False),
    ]
    minister_page, summit_page, rumour_page = (
        "page:/news/minister-lands-in-pyongyang", "page:/news/summit-delegation", "page:/blog/rumour")
    registry_page = "page:/registry/" + reg.lower()
    stay1_from, stay1_to = record_time(stay1_mid - 6 * 3600), record_time(stay1_mid + 6 * 3600)
    rumour_from = record_time(legs[1].takeoff_t - 3 * 3600)
    rumour_to = record_time(legs[1].takeoff_t + DAY)
    return Plan(
        name="il62",
        title=f"{DEMO_TITLE_PREFIX}state Il-62M {reg}, Moscow-Pyongyang",
        description=(f"{DEMO_MARK}. An invented story for training: the state Il-62M {reg} "
                     "(invented registration and Mode-S address) flies Moscow Vnukovo to "
                     "Pyongyang Sunan and back twice, weeks apart. Nothing here is evidence."),
        aircraft=aircraft, legs=legs,
        files=[FlightFile(f"DEMO-SYNTHETIC_{reg}_fr24.csv", "fr24-csv", (0,)),
               FlightFile(f"DEMO-SYNTHETIC_{reg}_fr24.kml", "fr24-kml", (1,)),
               FlightFile(f"DEMO-SYNTHETIC_trace_full_{aircraft.hex}.json", "readsb", (2,)),
               FlightFile(f"DEMO-SYNTHETIC_opensky_{aircraft.hex}.csv", "opensky-csv", (3,))],
        pages=pages,
        entities=[
            {"key": "detachment", "schema": "Organization", "name": aircraft.operator,
             "props": [("country", "ru")]},
            {"key": "minister", "schema": "Person", "name": "Ivan Demonov (fictional)"},
            {"key": "leader", "schema": "Person", "name": "Pak Example (fictional)"},
        ],
        links=[
            {"from": "entity:detachment", "to": reg, "type": "operator", "start": "1989",
             "cite": [registry_page]},
            {"from": "entity:detachment", "to": "UUWW", "type": "linked", "role": "based at",
             "cite": [registry_page]},
        ],
        events=[
            {"key": "visit", "title": "Defence minister's visit to Pyongyang (fictional)",
             "start": _day(legs[0].landing_t + 9 * 3600), "zone": "Asia/Pyongyang", "place": "ZKPY",
             "involved": ["entity:minister"], "cite": [minister_page]},
            {"key": "summit", "title": "Summit in Pyongyang (fictional)",
             "start": _day(summit_t + 9 * 3600), "zone": "Asia/Pyongyang", "place": "ZKPY",
             "involved": ["entity:minister", "entity:leader"], "cite": [summit_page]},
        ],
        claims=[
            {"key": "flew-out", "text": f"{reg} flew Moscow Vnukovo to Pyongyang Sunan on "
                                        f"{_words_day(legs[0].start_t)}.",
             "cite": [minister_page], "quote": f"landed at Pyongyang Sunan on {_words_day(legs[0].landing_t)}",
             "confidence": "very likely",
             "check": {"check": "flew", "aircraft": reg, "origin": "UUWW", "destination": "ZKPY",
                       "date": _day(legs[0].start_t)}, "expect": "supported"},
            {"key": "taxied-in", "text": f"{reg} was seen taxiing at Sunan just after landing on "
                                         f"{_words_day(legs[0].landing_t)}.",
             "cite": [minister_page], "confidence": "likely",
             "check": {"check": "on-ground", "aircraft": reg, "at": "ZKPY",
                       "between": (record_time(legs[0].landing_t + 60),
                                   record_time(legs[0].landing_t + 240))}, "expect": "supported"},
            # Parked aircraft are not seen: the stay is inferred, and a gap is never support.
            {"key": "on-ground", "text": f"{reg} was on the ground at Sunan during the minister's visit.",
             "cite": [minister_page], "confidence": "likely",
             "check": {"check": "on-ground", "aircraft": reg, "at": "ZKPY",
                       "between": (stay1_from, stay1_to)}, "expect": "not_covered"},
            {"key": "rumour", "text": f"{reg} stayed at Pyongyang Sunan until "
                                      f"{_words_day(legs[1].takeoff_t + DAY)}.",
             "cite": [rumour_page], "quote": "never flew home", "confidence": "unlikely",
             "check": {"check": "on-ground", "aircraft": reg, "at": "ZKPY",
                       "between": (rumour_from, rumour_to)}, "expect": "contradicted"},
        ],
        ties=[{"page": minister_page, "target": "event:visit", "reason": "reports the visit"},
              {"page": summit_page, "target": "event:summit", "reason": "reports the summit"},
              {"page": registry_page, "target": reg, "reason": "the registry entry of the aircraft"},
              {"page": minister_page, "target": reg, "reason": "names the aircraft"},
              {"page": summit_page, "target": reg, "reason": "names the aircraft"},
              {"page": rumour_page, "target": reg, "reason": "makes a claim about the aircraft"}],
        investigation_t=legs[-1].landing_t + 14 * DAY + 9 * 3600,
    )


# ----------------------------------------------------------------------------- the business jet


def bizjet(seed: int) -> Plan:
    """A business jet shuttles between the home airports of two companies' owners, Geneva
    and Milan Linate, six times in three weeks: many short flights, short stays."""
    rng = random.Random(seed * 7 + 3)
    aircraft = Aircraft("XX-DMJ", "fff0b2", "GLF6", "Gulfstream G650 (fictional airframe)",
                        "Alpha Demo Holdings (fictional)")
    reg = aircraft.registration
    t = datetime(2024, 3, 4, tzinfo=timezone.utc).timestamp() + (seed * 11 % 90) * DAY
    legs: list[Leg] = []
    for k in range(6):
        origin, destination = ("LSGG", "LIML") if k % 2 == 0 else ("LIML", "LSGG")
        start = t + rng.randrange(6 * 3600, 10 * 3600, 60)
        legs.append(_fly(Leg(origin, destination, start, f"XXB{k + 1:02d}"), aircraft, seed + k))
        t = start + rng.randrange(2, 5) * DAY - (start % DAY)
    article_t = legs[-1].landing_t + 2 * DAY
    pages = [
        Page("/registry/" + reg.lower(), f"Demo Aircraft Registry: {reg}",
             registry_html(aircraft, 2016)),
        Page("/news/shuttle", f"Whose jet is {reg}?",
             article_html(f"Whose jet is {reg}?", article_t, [
                 f"The business jet {reg} has flown between Geneva and Milan Linate six times "
                 "in three weeks.",
                 "It is registered to Alpha Demo Holdings, whose owner lives near Geneva; "
                 "Beta Demo Shipping, based in Milan, is said to lease it.",
             ]), article_t),
    ]
    return Plan(
        name="bizjet",
        title=f"{DEMO_TITLE_PREFIX}business jet {reg}, Geneva-Milan shuttle",
        description=(f"{DEMO_MARK}. An invented story for training: the business jet {reg} "
                     "(invented registration and Mode-S address) shuttles between Geneva and "
                     "Milan Linate. Nothing here is evidence."),
        aircraft=aircraft, legs=legs,
        files=[FlightFile(f"DEMO-SYNTHETIC_trace_full_{aircraft.hex}.json", "readsb", (0, 1, 2, 3)),
               FlightFile(f"DEMO-SYNTHETIC_{reg}_fr24.csv", "fr24-csv", (4, 5))],
        pages=pages,
        entities=[
            {"key": "alpha", "schema": "Company", "name": "Alpha Demo Holdings (fictional)",
             "props": [("country", "ch")]},
            {"key": "beta", "schema": "Company", "name": "Beta Demo Shipping (fictional)",
             "props": [("country", "it")]},
        ],
        links=[
            {"from": "entity:alpha", "to": reg, "type": "owner", "start": "2016",
             "cite": ["page:/registry/" + reg.lower()]},
            {"from": "entity:beta", "to": reg, "type": "operator", "cite": ["page:/news/shuttle"]},
            {"from": "entity:alpha", "to": "LSGG", "type": "linked", "role": "owner's home airport",
             "cite": ["page:/news/shuttle"]},
            {"from": "entity:beta", "to": "LIML", "type": "linked", "role": "based at",
             "cite": ["page:/news/shuttle"]},
        ],
        claims=[
            {"key": "shuttle", "text": f"{reg} flew Geneva to Milan Linate on {_words_day(legs[0].start_t)}.",
             "cite": ["page:/news/shuttle"], "confidence": "likely",
             "check": {"check": "flew", "aircraft": reg, "origin": "LSGG", "destination": "LIML",
                       "date": _day(legs[0].start_t)}, "expect": "supported"},
        ],
        ties=[{"page": "page:/news/shuttle", "target": reg, "reason": "names the aircraft"},
              {"page": "page:/registry/" + reg.lower(), "target": reg,
               "reason": "the registry entry of the aircraft"}],
        investigation_t=legs[-1].landing_t + 10 * DAY + 9 * 3600,
    )


#: Every story, by name: ``demo list`` shows them in this order.
STORIES: dict[str, Callable[[int], Plan]] = {"il62": il62, "bizjet": bizjet}
#: What ``demo list`` says about each.
SUMMARIES = {
    "il62": "A state Il-62M (invented XX-62001) flies Moscow-Pyongyang twice, weeks apart: "
            "ground stays, a coverage gap, a minister's visit and a summit, three articles, "
            "claims with check results (one contradicted).",
    "bizjet": "A business jet (invented XX-DMJ) shuttles Geneva-Milan Linate six times in three "
              "weeks: two companies, ownership links, many short stays.",
    "tamper": "The il62 case altered behind the app's back (an artifact byte, an edited "
              "record, a removed audit entry) for the verify exercise.",
}
