"""One answer, whatever the order: the flights of an aircraft do not depend on the order
its files were imported in, on how its points were cut into files, or on which code path
split them (issue 15). Scenarios are generated from seeded random numbers: random
flights between airports, ground stays, coverage gaps at cruise, file cuts and orders."""

from __future__ import annotations

import random

import pytest

from osintdesk.flights import importers, queries
from osintdesk.flights.ingest import import_flight_file
from osintdesk.flights.model import TrackPoint
from osintdesk.flights.segment import split_track
from osintdesk.store import Case
from tests.support import flight_samples as samples

AIRPORTS = ("UUWW", "ZKPY", "UUEE", "ULLI", "ZBAA", "UHWW", "UNNT", "USSS", "UIII", "VIDP")
HEX = "f0a0b1"   # invented
IDENTITY = {"hex": HEX, "registration": "XX-ORDER", "type_code": None, "desc": None,
            "own_op": None}


def rotation(rng: random.Random, flights: int, *, step_s: float, stay_s=None,
             origin: str | None = None) -> list[list[TrackPoint]]:
    """``flights`` invented flights of one aircraft, each from where the last one landed,
    with a stay on the ground between them (``stay_s`` or random) and now and then a
    coverage gap at cruise."""
    out: list[list[TrackPoint]] = []
    here = origin or rng.choice(AIRPORTS)
    t = samples.T0 + rng.randrange(0, 86400)
    for k in range(flights):
        there = rng.choice([a for a in AIRPORTS if a != here])
        airborne = samples.flight_time_s(here, there)
        gaps = []
        if airborne > 3 * 3600 and rng.random() < 0.5:
            start = rng.uniform(1800, airborne - 5400)
            gaps = [(start, start + rng.uniform(600, 3600))]
        points = samples.synthetic_flight(here, there, t, hex=HEX, step_s=step_s,
                                          callsign=f"XXA{k % 7:03d}", gaps=gaps, seed=k)
        out.append(points)
        t = points[-1].t + (stay_s if stay_s is not None else rng.randrange(2 * 3600, 3 * 86400))
        here = there
    return out


def stored_flights(case: Case) -> list[tuple]:
    return [(f["first_t"], f["last_t"], f["point_count"], f["gap_count"])
            for f in queries.select_flights(case)]


def in_memory(points: list[TrackPoint], **kwargs) -> list[tuple]:
    return [(f.start_t, f.end_t, f.point_count, len(f.gaps))
            for f in split_track(points, **kwargs).flights]


def import_all(folder, files, name) -> list[tuple]:
    with Case.create(folder / name, title=name, examiner="Order") as case:
        for path in files:
            result = import_flight_file(case, path, aircraft=HEX)
            assert result.points > 0
        return stored_flights(case)


def write_traces(folder, parts: list[list[TrackPoint]], tag: str) -> list:
    return [samples.write_readsb_trace(folder / f"{tag}{k}_trace_full_{HEX}.json", part,
                                       **IDENTITY) for k, part in enumerate(parts)]


def cut(rng: random.Random, points: list[TrackPoint], files: int) -> list[list[TrackPoint]]:
    """The points cut into ``files`` runs at random places (also mid-flight)."""
    cuts = sorted(rng.sample(range(1, len(points)), files - 1))
    return [points[a:b] for a, b in zip([0, *cuts], [*cuts, len(points)])]


@pytest.mark.parametrize("seed", range(5))
def test_flights_do_not_depend_on_file_cuts_orders_or_code_path(tmp_path, seed):
    rng = random.Random(seed)
    flights = rotation(rng, rng.randint(2, 5), step_s=60.0)
    points = [p for flight in flights for p in flight]
    # The file as read by its importer, split in memory: the reference answer.
    whole = write_traces(tmp_path, [points], "whole")
    parsed = [p for p in importers.parse_path(whole[0]) if type(p) is TrackPoint]
    reference = in_memory(parsed)
    assert len(reference) == len(flights)
    assert import_all(tmp_path, whole, "whole") == reference
    # The same points cut anywhere into files, imported in random orders.
    parts = write_traces(tmp_path, cut(rng, points, rng.randint(2, 4)), "part")
    for attempt in range(2):
        rng.shuffle(parts)
        assert import_all(tmp_path, parts, f"parts{attempt}") == reference, parts
    # One-flight files (FlightRadar24 exports), one per flight or several flights in one,
    # alone or after another file of the aircraft, in any order.
    exports = [samples.write_fr24_csv(tmp_path / f"export{k}.csv", flight)
               for k, flight in enumerate(flights)]
    rng.shuffle(exports)
    assert import_all(tmp_path, exports, "exports") == reference
    joined = [samples.write_fr24_csv(tmp_path / "joined.csv", points)]
    assert import_all(tmp_path, joined, "joined") == reference
    earlier = rotation(random.Random(seed + 100), 1, step_s=60.0, origin="UUWW")[0]
    earlier = [p._replace(t=p.t - 30 * 86400) for p in earlier]
    other = write_traces(tmp_path, [earlier], "earlier")
    alone = import_all(tmp_path, other, "earlier")
    for order in (other + joined, joined + other):
        assert import_all(tmp_path, order, "mixed" + order[0].stem) == sorted(alone + reference)


def test_a_hundred_flights_in_one_export_are_a_hundred_flights_in_any_order(tmp_path):
    """The issue's file: 100 flights Moscow-Pyongyang and back with two hours on the
    ground between them gave 1 flight of 42 days with 99 gaps in a new case, and 100
    flights after another file of the same aircraft."""
    legs = []
    t = samples.T0
    for k in range(100):
        here, there = ("UUWW", "ZKPY") if k % 2 == 0 else ("ZKPY", "UUWW")
        legs.append(samples.synthetic_flight(here, there, t, hex=HEX, step_s=30.0,
                                             callsign=f"XXA{k:03d}"))
        t = legs[-1][-1].t + 2 * 3600
    export = samples.write_fr24_csv(tmp_path / "hundred.csv", [p for leg in legs for p in leg])
    alone = import_all(tmp_path, [export], "alone")
    assert len(alone) == 100 and all(gaps == 0 for *_, gaps in alone)
    assert all(leg[0].t <= a < b <= leg[-1].t for (a, b, *_), leg in zip(alone, legs))
    earlier = samples.synthetic_flight("UUWW", "ZKPY", samples.T0 - 10 * 86400, hex=HEX,
                                       step_s=30.0)
    other = write_traces(tmp_path, [earlier], "other")
    after = import_all(tmp_path, other + [export], "after")
    assert len(after) == 101 and after[1:] == alone
    assert import_all(tmp_path, [export] + other, "before") == after
