"""What the timeline shows, read from a case: one item per event, flight, ground stay,
coverage gap and source, each with its UTC span, how precisely it is known, its label,
its lane and the record it comes from; and the filters that choose them.

No SQL here (the query modules read the case) and no drawing (``draw.py``). Times are
UTC epoch seconds; the record forms printed by ``osintdesk timeline`` come from timefmt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ... import timefmt
from ...errors import Cancelled, OsintdeskError
from ...findings import queries as finding_queries
from ...flights import queries as flight_queries
from ...flights import sightings as flight_sightings
from ...sources import queries as source_queries
from ..case_data import aircraft_label, route_text

# The kinds of item, in the order the lanes and the legend show them.
KINDS = ("event", "flight", "ground-stay", "gap", "source", "sighting")
EVENTS_LANE = "Events"
SOURCES_LANE = "Sources"
LABEL_CHARS = 36       # a label longer than this is cut on the chart where it would not fit


@dataclass(frozen=True)
class TimelineItem:
    """One mark on the timeline.

    ``start_t``/``end_t``: the whole span in UTC epoch seconds (end exclusive for partial
    dates: "September 2023" is the month). ``precision``: year, month, day, minute or
    second (flights, stays, gaps and captures are observed to the second). ``zone``: the
    zone an event was given in (UTC for the rest). ``record_kind``/``record_id``: the
    record it comes from (event, flight, ground-time, coverage-gap, source);
    ``select_kind``/``select_id``: the row a click selects (a gap selects its flight, a
    ground stay its aircraft). ``certain_t``: for an event, the part of the span it surely
    covers (None: it is known only to the span its dates mean, drawn faded). For a source,
    ``published_t`` (the start of its publication date's span; None when the page gives no
    date), ``published_end_t`` (that span's end, exclusive: a day alone is the whole day),
    ``published_precision`` (day or second), ``published_text`` (the record form:
    ``2023-09-22`` for a day, the UTC time otherwise) and ``captured_t`` (each capture).
    """

    kind: str
    start_t: float
    end_t: float
    precision: str
    label: str
    lane: str
    record_kind: str
    record_id: str
    select_kind: str
    select_id: str
    zone: str = "UTC"
    certain_t: tuple[float, float] | None = None
    published_t: float | None = None
    published_precision: str | None = None
    published_end_t: float | None = None
    published_text: str | None = None
    captured_t: tuple[float, ...] = ()
    aircraft_uuid: str | None = None
    ordinal: int | None = None      # a flight's place among the case's flights: its colour

    def as_row(self) -> dict:
        """The row ``osintdesk timeline`` prints: times in the record form (UTC)."""
        return {
            "kind": self.kind, "start": timefmt.record_time(self.start_t),
            "end": timefmt.record_time(self.end_t), "precision": self.precision,
            "zone": self.zone, "label": self.label, "lane": self.lane,
            "record_kind": self.record_kind, "record_id": self.record_id,
            "published": self.published_text or timefmt.record_time_or_none(self.published_t),
            "published_precision": self.published_precision,
            "captured": [timefmt.record_time(t) for t in self.captured_t],
        }

    def describe(self, zone: str = "UTC") -> str:
        """What the mark is, for a tooltip or a status line, with times in ``zone``."""
        def when(t):
            return timefmt.display_in_zone(t, zone)
        if self.kind == "source":
            parts = [f"source · {self.label}"]
            if self.published_t is not None and self.published_precision in (None, "second"):
                parts.append(f"published {when(self.published_t)}")
            elif self.published_t is not None:  # a day (the page's own, in no zone of ours)
                parts.append(f"published {self.published_text} (known to the {self.published_precision})")
            parts.append("captured " + ", ".join(when(t) for t in self.captured_t))
            return "  ·  ".join(parts)
        span = f"{when(self.start_t)} – {when(self.end_t)}"
        extra = "" if self.precision in ("minute", "second") else f" (known to the {self.precision})"
        where = "" if self.lane == EVENTS_LANE else f"{self.lane} · "
        name = {"ground-stay": "on the ground", "gap": "coverage gap, not seen",
                "sighting": "heard without a position"}.get(self.kind, self.kind)
        return f"{name} · {where}{self.label}  ·  {span}{extra}"


@dataclass(frozen=True)
class TimelineFilter:
    """What to show. ``t_from``/``t_to``: a UTC window (items overlapping it). ``aircraft``:
    what the user typed (registrations, Mode-S addresses, ids); ``entities``: entity ids,
    names as ``entity`` commands take them; both are the *subjects*: their flights, ground
    stays and gaps (aircraft), the events at or involving them, and the sources tied to
    them, cited for them or for a shown event, or naming a subject aircraft. ``kinds``:
    some of ``KINDS``. ``tag``: the sources tagged so, and what they are about (events
    citing or tied to them; flights, stays and gaps of the aircraft they name or are tied
    to, and flights tied to them). Filters combine; None or empty means no filter.
    """

    t_from: float | None = None
    t_to: float | None = None
    aircraft: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    kinds: tuple[str, ...] | None = None
    tag: str | None = None

    def check(self) -> None:
        """OsintdeskError for a filter that cannot select anything sensible."""
        if self.t_from is not None and self.t_to is not None and self.t_to < self.t_from:
            raise OsintdeskError(f"--to {timefmt.display_time(self.t_to)} is before --from "
                                 f"{timefmt.display_time(self.t_from)}")
        unknown = [k for k in self.kinds or () if k not in KINDS]
        if unknown:
            raise OsintdeskError(f"--kind '{unknown[0]}' is not a kind of timeline item "
                                 f"(give {', '.join(KINDS)})")


@dataclass
class Timeline:
    """The items (in lane order, then time order), the lanes top to bottom, and the filter."""

    items: list[TimelineItem] = field(default_factory=list)
    lanes: list[str] = field(default_factory=list)
    filter: TimelineFilter = field(default_factory=TimelineFilter)

    def rows(self) -> list[dict]:
        return [item.as_row() for item in self.items]


def _short(text: str | None) -> str:
    """The label on one line, whole: the rows and JSON carry it all; only the chart cuts it."""
    return " ".join((text or "").split()) or "?"


def _t(record: str | None) -> float | None:
    if not record:
        return None
    try:
        return timefmt.parse_record(record).timestamp()
    except ValueError:
        return None  # a date the page gave that cannot be read is not drawn


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def event_item(row: dict) -> TimelineItem:
    """An event row (``findings.queries.events``) as a timeline item."""
    first = timefmt.PartialTime(row["start_text"], row["zone"])
    start, first_end = first.span_utc()
    fine = ("minute", "second")
    end, certain = first_end, None
    if row["end_text"]:
        last = timefmt.PartialTime(row["end_text"], row["zone"])
        last_start, end = last.span_utc()
        # The part it surely covers: from the end of the start's span (or the start, known to
        # the minute) to the start of the end's span (or its end).
        sure = (start if first.precision in fine else first_end,
                end if last.precision in fine else last_start)
        if sure[1] > sure[0]:
            certain = sure
    elif first.precision in fine:
        certain = (start, end)
    return TimelineItem("event", start, end, first.precision, _short(row["title"]), EVENTS_LANE,
                        "event", row["uuid"], "event", row["uuid"], zone=row["zone"],
                        certain_t=certain)


def _published(row: dict) -> tuple[float | None, float | None, str | None, str | None]:
    """A source's publication as (start, end exclusive, precision, record form): the UTC
    time when the page gave one with its offset (a second), else the day it gave alone (the
    whole of that day, a partial time); Nones when it gives neither (or nothing readable)."""
    day_text = (row.get("published_date") or "").strip()
    published = _t(row.get("published_utc"))
    if published is not None:
        # A page that gives only its day: the UTC reading is that day's midnight.
        if _DAY.fullmatch(day_text) and published % 86400 == 0:
            start, end = timefmt.parse_partial(day_text, "publication date").span_utc()
            return start, end, "day", day_text
        return published, published + 1, "second", timefmt.record_time(published)
    if not day_text:
        return None, None, None, None
    try:
        partial = timefmt.parse_partial(day_text, "publication date")
    except OsintdeskError:
        return None, None, None, None  # a date the page gave that cannot be read is not drawn
    start, end = partial.span_utc()
    return start, end, partial.precision, partial.text


def source_item(row: dict) -> TimelineItem | None:
    """A source (``sources.queries.timeline_sources``) as a timeline item: from its
    publication (or first capture) to its last capture. A publication known only to its
    day (``published_date`` without ``published_utc``) is that day, precision ``day``."""
    captured = tuple(t for t in (_t(c) for c in row["captured"]) if t is not None)
    published, published_end, precision, text = _published(row)
    times = list(captured) + ([published] if published is not None else [])
    if not times:
        return None
    return TimelineItem("source", min(times), max(times), precision or "second",
                        _short(row["title"] or row["name"]), SOURCES_LANE, "source", row["uuid"],
                        "source", row["uuid"], published_t=published, published_precision=precision,
                        published_end_t=published_end, published_text=text, captured_t=captured)


def _flight_label(row: dict) -> str:
    route = route_text(row)
    return f"{route} {row['callsigns']}" if row.get("callsigns") else route


def read_timeline(case, filt: TimelineFilter = TimelineFilter(), *, progress=None,
                  cancelled=None) -> Timeline:
    """The timeline of ``case`` for ``filt`` (see ``TimelineFilter``); unknown aircraft,
    entities or tags raise an OsintdeskError naming them. Runs on any thread with its own
    case; ``progress(done, total)`` counts the kinds read, ``cancelled()`` is checked
    between them (raises Cancelled)."""
    filt.check()
    steps = 5

    def step(done: int) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled()
        if progress is not None:
            progress(done, steps)

    kinds = set(filt.kinds or KINDS)
    subjects: set[str] | None = None
    if filt.aircraft or filt.entities:
        subjects = set(flight_queries.resolve_aircraft(case, list(filt.aircraft))) if filt.aircraft else set()
        for typed in filt.entities:
            subjects.add(finding_queries.resolve_entity_id(case, typed))
        for uuid in list(subjects):
            subjects.update(finding_queries.aliases_of(case, uuid))
    names = {a["uuid"]: a for a in flight_queries.aircraft_names(case)}
    ties = finding_queries.all_ties(case)
    citations = finding_queries.cited_sources(case)
    sources = source_queries.timeline_sources(case)
    named = source_queries.aircraft_named_by_sources(case)
    step(1)

    # What a tag selects: its sources, and what they are about.
    tagged: set[str] | None = None
    tag_events: set[str] = set()
    tag_aircraft: set[str] = set()
    tag_flights: set[str] = set()
    if filt.tag is not None:
        tagged = {s["uuid"] for s in sources if filt.tag in s["tags"]}
        if not tagged:
            raise OsintdeskError(f"no source is tagged '{filt.tag}' (`osintdesk sources CASE` "
                                 "shows the tags)", path=case.path)
        for tie in ties:
            if tie["source_uuid"] in tagged:
                {"event": tag_events, "aircraft": tag_aircraft,
                 "flight": tag_flights}.get(tie["target_kind"], set()).add(tie["target_uuid"])
        tag_events |= {c["owner_uuid"] for c in citations
                       if c["owner_kind"] == "event" and c["source_uuid"] in tagged}
        for source_uuid in tagged:
            tag_aircraft |= named.get(source_uuid, set())

    def in_window(start: float, end: float) -> bool:
        return ((filt.t_from is None or end >= filt.t_from)
                and (filt.t_to is None or start <= filt.t_to))

    items: list[TimelineItem] = []
    # Events.
    shown_events: set[str] = set()
    for row in finding_queries.events(case):
        if subjects is not None and not (subjects & ({row["place_uuid"]} | set(row["involved"]))):
            continue
        if tagged is not None and row["uuid"] not in tag_events:
            continue
        item = event_item(row)
        if in_window(item.start_t, item.end_t):
            shown_events.add(row["uuid"])
            if "event" in kinds:
                items.append(item)
    step(2)

    # Flights, ground stays and coverage gaps, one lane per aircraft.
    planes = None if subjects is None else [u for u in names if u in subjects]
    if planes is not None and not planes:
        planes = []
    flights = flight_queries.select_flights(case, aircraft_uuids=planes, t_from=filt.t_from,
                                            t_to=filt.t_to)
    if tagged is not None:
        flights = [f for f in flights if f["aircraft_uuid"] in tag_aircraft or f["uuid"] in tag_flights]
    lane_of = {u: aircraft_label(a["label"], a["type_code"]) for u, a in names.items()}
    shown_flights = {f["uuid"] for f in flights}
    if "flight" in kinds:
        for f in flights:
            items.append(TimelineItem("flight", f["first_t"], f["last_t"], "second", _flight_label(f),
                                      lane_of[f["aircraft_uuid"]], "flight", f["uuid"], "flight",
                                      f["uuid"], aircraft_uuid=f["aircraft_uuid"],
                                      ordinal=f.get("ordinal")))
    if "gap" in kinds:
        for g in flight_queries.coverage_gaps(case, planes, filt.t_from, filt.t_to):
            if g["flight_uuid"] not in shown_flights:
                continue  # a gap is shown with its flight (the tag chose flights)
            items.append(TimelineItem("gap", g["start_t"], g["end_t"], "second",
                                      f"no data {timefmt.duration(g['duration_s'])}",
                                      lane_of[g["aircraft_uuid"]], "coverage-gap", g["uuid"], "flight",
                                      g["flight_uuid"], aircraft_uuid=g["aircraft_uuid"]))
    if "ground-stay" in kinds:
        for g in flight_queries.ground_times(case, None, filt.t_from, filt.t_to):
            if planes is not None and g["aircraft_uuid"] not in planes:
                continue
            if tagged is not None and g["aircraft_uuid"] not in tag_aircraft:
                continue
            label = f"{g['airport'] or '?'} {timefmt.duration(g['duration_s'])}"
            items.append(TimelineItem("ground-stay", g["start_t"], g["end_t"], "second", label,
                                      lane_of[g["aircraft_uuid"]], "ground-time", g["uuid"], "aircraft",
                                      g["aircraft_uuid"], aircraft_uuid=g["aircraft_uuid"]))
    if "sighting" in kinds:   # heard without a position: a mark on the aircraft's lane
        for s in flight_sightings.sightings(case, planes):
            if not in_window(s["t"], s["t"]):
                continue
            if tagged is not None and s["aircraft_uuid"] not in tag_aircraft:
                continue
            label = " ".join(x for x in (s["callsign"], s["squawk"] and f"sq {s['squawk']}") if x)
            items.append(TimelineItem("sighting", s["t"], s["t"] + 1, "second",
                                      _short(label or "heard"), lane_of[s["aircraft_uuid"]],
                                      "sighting", s["uuid"], "aircraft", s["aircraft_uuid"],
                                      aircraft_uuid=s["aircraft_uuid"]))
    step(3)

    # Sources.
    if "source" in kinds:
        about: set[str] | None = None
        if subjects is not None:
            targets = subjects | shown_events | shown_flights
            about = {t["source_uuid"] for t in ties if t["target_uuid"] in targets}
            about |= {c["source_uuid"] for c in citations
                      if c["owner_uuid"] in subjects or c["owner_uuid"] in shown_events}
            about |= {s for s, planes_named in named.items() if planes_named & subjects}
        for row in sources:
            if tagged is not None and row["uuid"] not in tagged:
                continue
            if about is not None and row["uuid"] not in about:
                continue
            item = source_item(row)
            if item is not None and in_window(item.start_t, item.end_t):
                items.append(item)
    step(4)

    aircraft_lanes = sorted({i.lane for i in items if i.lane not in (EVENTS_LANE, SOURCES_LANE)})
    if planes:  # the chosen aircraft keep their lane, even when empty
        aircraft_lanes = sorted(set(aircraft_lanes) | {lane_of[u] for u in planes})
    # The events and sources lanes show when asked for by --kind, or when they hold something.
    shown = {i.kind for i in items}
    lanes = ([EVENTS_LANE] if "event" in shown or "event" in (filt.kinds or ()) else []) + \
        aircraft_lanes + ([SOURCES_LANE] if "source" in shown or "source" in (filt.kinds or ()) else [])
    order = {lane: i for i, lane in enumerate(lanes)}
    kind_order = {k: i for i, k in enumerate(KINDS)}
    items.sort(key=lambda i: (order[i.lane], i.start_t, kind_order[i.kind], i.end_t, i.label,
                              i.record_id))
    step(5)
    return Timeline(items=items, lanes=lanes, filter=filt)
