"""Claims checked against the flight tracks: ``flew`` (from one airport to another on a day
or between two times), ``on-ground`` (at an airport between two times) and ``airborne``
(at a time). A check is evaluated when it is read, so it always reflects every import.

The result is *supported* (naming the flights or ground stays and the files and providers
behind them), *contradicted* (naming what the data shows instead) or *not covered* (naming
the coverage gap or the absence of data). A coverage gap is never read as support.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import asdict, dataclass, field

from ..flights import queries as flight_queries
from ..sources import queries as source_queries
from ..store import Case
from ..timefmt import display_time, duration, parse_record
from . import queries

SUPPORTED, CONTRADICTED, NOT_COVERED = "supported", "contradicted", "not_covered"
# Who stands behind a file, by importer: files of one provider are not independent.
PROVIDERS = {"fr24": "FlightRadar24", "readsb": "ADS-B receivers (readsb: ADS-B Exchange, "
             "adsb.lol, airplanes.live)", "opensky": "OpenSky Network"}


@dataclass
class CheckResult:
    result: str                      # supported | contradicted | not_covered
    reason: str                      # one sentence saying why
    rests_on: list[dict] = field(default_factory=list)   # flights, stays, gaps with their files

    def as_dict(self) -> dict:
        return asdict(self)


def provider(importer: str, original_name: str | None = None) -> str:
    """The data provider behind a flight file (its own file name when it names none)."""
    for prefix, name in PROVIDERS.items():
        if importer.startswith(prefix):
            return name
    return f"file {original_name or importer}"


def _files(case: Case, aircraft_uuid: str, first_t: float, last_t: float) -> list[dict]:
    return [{"import": row["uuid"], "file": row["original_name"], "importer": row["importer"],
             "provider": provider(row["importer"], row["original_name"])}
            for row in flight_queries.files_behind(case, aircraft_uuid, first_t, last_t)]


def _route(row: dict) -> str:
    return f"{row.get('origin') or '?'} → {row.get('destination') or '?'}"


def _flight(case: Case, row: dict) -> dict:
    return {"kind": "flight", "id": row["uuid"],
            "label": f"{_route(row)}, {display_time(row['first_t'], seconds=False)} to "
                     f"{display_time(row['last_t'], seconds=False)}",
            "files": _files(case, row["aircraft_uuid"], row["first_t"], row["last_t"])}


def _stay(case: Case, row: dict) -> dict:
    return {"kind": "ground-time", "id": row["uuid"],
            "label": f"on the ground at {row['airport'] or 'an unknown airport'} from "
                     f"{display_time(row['start_t'], seconds=False)} to "
                     f"{display_time(row['end_t'], seconds=False)}",
            "files": _files(case, row["aircraft_uuid"], row["start_t"], row["end_t"])}


def _gap(row: dict) -> dict:
    return {"kind": "coverage-gap", "id": row["uuid"],
            "label": f"no data from {display_time(row['start_t'])} to {display_time(row['end_t'])} "
                     f"({duration(row['end_t'] - row['start_t'])})", "files": []}


def _window(assertion: dict) -> tuple[float, float]:
    first, last = assertion["between"]
    return parse_record(first).timestamp(), parse_record(last).timestamp()


def _flights(case: Case, aircraft: str, t_from: float, t_to: float) -> list[dict]:
    return flight_queries.select_flights(case, aircraft_uuids=[aircraft], t_from=t_from, t_to=t_to)


def _no_data(label: str, t_from: float, t_to: float) -> CheckResult:
    return CheckResult(NOT_COVERED, f"the case has no flight data for {label} between "
                                    f"{display_time(t_from)} and {display_time(t_to)}")


def _observed(case: Case, flights: list[dict], t_from: float, t_to: float) -> list[tuple[float, float]]:
    """The parts of [t_from, t_to] the flights saw: their spans less their coverage gaps."""
    spans = []
    for flight in flights:
        start = max(flight["first_t"], t_from)
        for gap in flight_queries.gaps(case, flight["uuid"]):
            if gap["start_t"] > start:
                spans.append((start, min(gap["start_t"], t_to)))
            start = max(start, gap["end_t"])
        if min(flight["last_t"], t_to) > start:
            spans.append((start, min(flight["last_t"], t_to)))
    return sorted(s for s in spans if s[1] > s[0])


def _unseen(spans: list[tuple[float, float]], t_from: float, t_to: float) -> list[tuple[float, float]]:
    """The parts of [t_from, t_to] no span covers."""
    unseen, at = [], t_from
    for first, last in spans:
        if first > at:
            unseen.append((at, first))
        at = max(at, last)
    if at < t_to:
        unseen.append((at, t_to))
    return unseen


def _spans_text(spans: list[tuple[float, float]]) -> str:
    return ", ".join(f"{display_time(a, seconds=False)} to {display_time(b, seconds=False)}"
                     for a, b in spans[:3]) + (" ..." if len(spans) > 3 else "")


def _stay_unseen(case: Case, stay: dict, t_from: float, t_to: float) -> bool:
    """Whether no position was seen during the part of a ground stay in the window: the
    stay is then only inferred (landed here, next left from here), never observed."""
    return flight_queries.count_track_points(case, stay["aircraft_uuid"], max(t_from, stay["start_t"]),
                                             min(t_to, stay["end_t"])) == 0


def check_flew(case: Case, a: dict, label: str) -> CheckResult:
    t_from, t_to = _window(a)
    flights = _flights(case, a["aircraft"], t_from, t_to)
    matching = [f for f in flights if f["origin"] == a["from"] and f["destination"] == a["to"]]
    if matching:
        return CheckResult(SUPPORTED, f"{label} flew {a['from']} → {a['to']} "
                                      f"({len(matching)} flight{'s' if len(matching) > 1 else ''})",
                           [_flight(case, f) for f in matching])
    open_ended = [f for f in flights if (f["origin"] in (a["from"], None) and not f["destination"])
                  or (f["destination"] in (a["to"], None) and not f["origin"])]
    if open_ended:
        return CheckResult(NOT_COVERED, "the track starts or ends in the air, so where it came "
                                        "from or went is not in the data",
                           [_flight(case, f) for f in open_ended])
    unseen = _unseen(_observed(case, flights, t_from, t_to), t_from, t_to)
    if flights and not unseen:
        return CheckResult(CONTRADICTED, f"{label} flew {', '.join(_route(f) for f in flights)} "
                                         "in that time instead, and the data covers all of it",
                           [_flight(case, f) for f in flights])
    if flights:
        return CheckResult(NOT_COVERED, f"{label} flew {', '.join(_route(f) for f in flights)} in that "
                                        f"time, but the data does not cover {_spans_text(unseen)}",
                           [_flight(case, f) for f in flights])
    stays = flight_queries.ground_times(case, a["aircraft"], t_from, t_to)
    if stays:
        return CheckResult(NOT_COVERED, f"no flight of {label} was seen in that time; "
                                        + "; ".join(_stay_words(s) for s in stays),
                           [_stay(case, s) for s in stays])
    return _no_data(label, t_from, t_to)


def _stay_words(stay: dict) -> str:
    return (f"it landed at {stay['airport'] or 'an unknown airport'} at "
            f"{display_time(stay['start_t'], seconds=False)} and next left at "
            f"{display_time(stay['end_t'], seconds=False)}")


def check_on_ground(case: Case, a: dict, label: str) -> CheckResult:
    t_from, t_to = _window(a)
    stays = flight_queries.ground_times(case, a["aircraft"], t_from, t_to)
    covering = [s for s in stays if s["airport"] == a["at"] and s["start_t"] <= t_from
                and s["end_t"] >= t_to]
    if covering and not _stay_unseen(case, covering[0], t_from, t_to):
        return CheckResult(SUPPORTED, f"{label} was seen on the ground at {a['at']} in that time, "
                                      "between landing there and leaving from there",
                           [_stay(case, s) for s in covering])
    flights = _flights(case, a["aircraft"], t_from, t_to)
    seen_flying = _observed(case, flights, t_from, t_to)
    seen_elsewhere = [s for s in stays if s["airport"] and s["airport"] != a["at"]
                      and not _stay_unseen(case, s, t_from, t_to)]
    if seen_flying or seen_elsewhere:
        what = [f"in flight {_route(f)}" for f in flights if _observed(case, [f], t_from, t_to)] + \
               [f"on the ground at {s['airport']}" for s in seen_elsewhere]
        return CheckResult(CONTRADICTED, f"{label} was seen {' and '.join(what)} in that time",
                           [_flight(case, f) for f in flights] + [_stay(case, s) for s in seen_elsewhere])
    if stays:
        return CheckResult(NOT_COVERED, "no position was seen in that time: "
                                        + "; ".join(_stay_words(s) for s in stays)
                                        + " (a gap in the data is never read as support)",
                           [_stay(case, s) for s in stays])
    return _no_data(label, t_from, t_to)


# Positions this close to a moment show where the aircraft was at that moment.
NEAR_S = 600.0


def check_airborne(case: Case, a: dict, label: str) -> CheckResult:
    t = parse_record(a["time"]).timestamp()
    flights = _flights(case, a["aircraft"], t, t)
    for flight in flights:
        gap = next((g for g in flight_queries.gaps(case, flight["uuid"])
                    if g["start_t"] < t < g["end_t"]), None)
        if gap is not None:
            return CheckResult(NOT_COVERED, f"{display_time(t)} falls in a coverage gap of the "
                                            f"flight {_route(flight)}: a gap is never read as support",
                               [_flight(case, flight), _gap(gap)])
        return CheckResult(SUPPORTED, f"{label} was in flight {_route(flight)} at {display_time(t)}",
                           [_flight(case, flight)])
    stays = flight_queries.ground_times(case, a["aircraft"], t, t)
    seen = [s for s in stays if not _stay_unseen(case, s, t - NEAR_S, t + NEAR_S)]
    if seen:
        return CheckResult(CONTRADICTED, f"{label} was seen on the ground at {seen[0]['airport'] or '?'} "
                                         f"within {duration(NEAR_S)} of {display_time(t)}",
                           [_stay(case, s) for s in seen])
    if stays:
        return CheckResult(NOT_COVERED, f"no position was seen near {display_time(t)}: "
                                        + "; ".join(_stay_words(s) for s in stays),
                           [_stay(case, s) for s in stays])
    return CheckResult(NOT_COVERED, f"the case has no flight data for {label} at {display_time(t)}")


CHECKERS = {"flew": check_flew, "on-ground": check_on_ground, "airborne": check_airborne}


def evaluate(case: Case, assertion: dict) -> CheckResult:
    """The assertion checked against the flight data as the case holds it now."""
    entity = queries.get_entity(case, assertion["aircraft"])
    if entity is None:
        return CheckResult(NOT_COVERED, f"aircraft {assertion['aircraft']} is no longer in the case")
    a = {**assertion, "aircraft": entity.id}
    return CHECKERS[a["check"]](case, a, entity.caption)


def evaluate_claim(case: Case, claim: dict) -> CheckResult | None:
    """The check result of a claim row, or None when it carries no flight assertion."""
    assertion = claim.get("assertion")
    if isinstance(assertion, str):
        assertion = json.loads(assertion)
    return evaluate(case, assertion) if assertion else None


# ----------------------------------------------------------------------------- corroboration


def _site(url: str | None) -> str | None:
    host = urllib.parse.urlsplit(url or "").hostname or ""
    return host.removeprefix("www.") or None


def _describe(case: Case, kind: str, uuid: str | None) -> tuple[str, str, list[str]]:
    """(label, Admiralty grade, independence keys) of a cited record as the case holds it now."""
    if uuid is None:
        return f"a {kind} no longer in the case", "", []
    if kind in ("capture", "source"):
        capture = source_queries.get_capture(case, uuid) if kind == "capture" else None
        source = source_queries.get_source(case, capture["source_uuid"] if capture else uuid) or {}
        when = f", captured {display_time(capture['captured_utc'], seconds=False)}" if capture else ""
        key = _site(source.get("url")) or f"source {source.get('name') or source.get('uuid')}"
        return f"{source.get('name', uuid)}{when}", source_queries.grading(source), [key]
    if kind in ("flight", "ground-time"):
        row = queries.get_record(case, kind, uuid)
        described = _flight(case, row) if kind == "flight" else _stay(case, row)
        return described["label"], "", sorted({f["provider"] for f in described["files"]})
    if kind in ("entity", "aircraft"):
        entity = queries.get_entity(case, uuid)
        return (entity.caption if entity else f"entity {uuid}"), "", []
    record = queries.get_record(case, kind, uuid) or {}
    label = record.get("title") or record.get("text") or record.get("original_name") or f"{kind} {uuid}"
    return label, "", [f"file {record['sha256']}"] if kind == "evidence" else []


def corroboration(case: Case, claim_uuid: str) -> dict:
    """A claim's evidence: each citation with what it cites, its stance, its quote and the
    source's Admiralty grade, and how many independent sources support it (captures of one
    site, or files from one data provider, count once)."""
    citations, groups = [], {}
    for row in queries.citations_of(case, claim_uuid):
        kind, uuid = queries.current_target(case, row)
        label, grade, keys = _describe(case, kind, uuid)
        citations.append({"citation": row["uuid"], "kind": kind, "id": uuid,
                          "label": label, "stance": row["stance"], "quote": row["quote"],
                          "grade": grade, "independence": keys, "note": row["note"]})
        if row["stance"] == "supports":
            for key in keys:
                groups.setdefault(key, []).append(row["uuid"])
    claim = queries.get_record(case, "claim", claim_uuid) or {}
    check = evaluate_claim(case, claim) if claim else None
    return {"claim": claim_uuid, "citations": citations, "independent_sources": len(groups),
            "groups": [{"key": key, "citations": ids} for key, ids in sorted(groups.items())],
            "contradicting": sum(1 for c in citations if c["stance"] == "contradicts"),
            "check": check.as_dict() if check else None}
