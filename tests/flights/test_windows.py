"""The flight analysis reads an aircraft's points a window at a time (issue 12: memory
stays flat however long the track). Its flights, coverage gaps and ground times must be
exactly those of splitting the whole track at once, for any window size, on seeded random
tracks: flights between random airports, short and long stays on the ground, coverage
gaps at cruise and around landings, stray ground points, files cut anywhere and imported
in random orders, and one-flight exports (leg starts, rule 4) overlapping them in time."""

from __future__ import annotations

import random

import numpy as np
import pytest

from osintdesk.flights import analysis
from osintdesk.flights.airports import lookup
from osintdesk.flights.ingest import import_flight_file
from osintdesk.flights.segment import split_track, track_of_points
from osintdesk.store import Case, trackblocks
from tests.flights.test_import_order import AIRPORTS, HEX, write_traces
from tests.support import flight_samples as samples

WINDOWS = (1, 7, 50, 333)


def random_track(rng: random.Random) -> list:
    """An invented aircraft's flights, with what makes splitting hard."""
    points = []
    here = rng.choice(AIRPORTS)
    t = samples.T0 + rng.randrange(0, 86400)
    for k in range(rng.randint(3, 6)):
        there = rng.choice([a for a in AIRPORTS if a != here])
        airborne = samples.flight_time_s(here, there)
        gaps = []
        if airborne > 3 * 3600 and rng.random() < 0.5:        # at cruise
            start = rng.uniform(1800, airborne - 5400)
            gaps.append((start, start + rng.uniform(600, 3600)))
        if rng.random() < 0.2:                                # around the landing
            gaps.append((airborne - 900, airborne + 4000))
        flight = samples.synthetic_flight(
            here, there, t, hex=HEX, step_s=rng.choice((20.0, 45.0)),
            taxi_s=rng.choice((15.0, 50.0, 400.0)), callsign=f"XXW{rng.randrange(4):03d}",
            squawk=rng.choice(("1000", "2000", None)), gaps=gaps, missing_speed=0.1, seed=k)
        if rng.random() < 0.2:                                # first seen in the air
            flight = [p for p in flight if not p.on_ground or p.t > flight[len(flight) // 2].t]
        if rng.random() < 0.3:                                # a stray ground flag
            stray = rng.randrange(len(flight) // 4, 3 * len(flight) // 4)
            flight[stray] = flight[stray]._replace(on_ground=True)
        points += flight
        t = flight[-1].t + rng.choice((10.0, 40.0, 600.0, 3 * 3600.0, 2 * 86400.0))
        here = there
        if rng.random() < 0.3:   # towed 11 km away on the ground: no airport, no same place
            airport = lookup(there)
            here = (airport.lat + 0.1, airport.lon)
    return points


def cut(rng: random.Random, points: list, files: int) -> list[list]:
    cuts = sorted(rng.sample(range(1, len(points)), files - 1))
    return [points[a:b] for a, b in zip([0, *cuts], [*cuts, len(points)])]


def build_case(folder, seed: int) -> tuple[Case, str]:
    rng = random.Random(seed)
    points = random_track(rng)
    files = write_traces(folder, cut(rng, points, rng.randint(1, 4)), f"s{seed}part")
    if rng.random() < 0.7:   # a one-flight export of part of the track, overlapping it
        a = rng.randrange(0, len(points) // 2)
        span = points[a:a + rng.randrange(50, len(points) // 2)]
        files.append(samples.write_fr24_csv(folder / f"s{seed}export.csv",
                                            [p._replace(t=p.t + 5) for p in span]))
    rng.shuffle(files)
    case = Case.create(folder / f"windows{seed}", title="Windows", examiner="Windows")
    for path in files:
        assert import_flight_file(case, path, aircraft=HEX, analyse=False).points > 0
    (aircraft_uuid,) = [r[0] for r in case.conn.execute("SELECT uuid FROM aircraft")]
    return case, aircraft_uuid


def whole_track(case: Case, aircraft_uuid: str):
    """The reference: every point read at once and split in one go."""
    given = analysis.split_inputs(case, aircraft_uuid)
    points = trackblocks.read_points(case.conn, given.aircraft_id, names=(
        "t", "lat", "lon", "alt_ft", "gs_kt", "on_ground", "leg_start", "callsign", "squawk"),
        with_import=True)
    return split_track(track_of_points(given.hex, points, given.leg_imports),
                       file_flights=given.file_flights, single_flight=given.single_flight,
                       one_flight_spans=given.spans)


def stored_rows(case: Case) -> dict[str, list[tuple]]:
    return {table: case.conn.execute(f"SELECT * FROM {table} ORDER BY uuid").fetchall()
            for table in ("flights", "coverage_gaps", "ground_times")}


@pytest.mark.parametrize("seed", range(6))
def test_flights_read_in_windows_are_those_of_the_whole_track(tmp_path, seed):
    case, aircraft_uuid = build_case(tmp_path, seed)
    with case:
        reference = whole_track(case, aircraft_uuid)
        assert len(reference.flights) >= 2
        for window in WINDOWS:
            assert analysis.split_aircraft(case, aircraft_uuid, window_points=window) \
                == reference, window
        analysis.recompute_flights(case, aircraft_uuid, window_points=10 ** 9)
        one_window = stored_rows(case)
        assert len(one_window["flights"]) == len(reference.flights)
        assert len(one_window["ground_times"]) == len(reference.ground_times)
        assert len(one_window["coverage_gaps"]) == sum(len(f.gaps) for f in reference.flights)
        for window in WINDOWS:
            analysis.recompute_flights(case, aircraft_uuid, window_points=window)
            assert stored_rows(case) == one_window, window


@pytest.mark.parametrize("seed", range(3))
def test_points_read_in_windows_come_in_the_order_of_all_at_once(tmp_path, seed):
    """Blocks of several imports overlap in time: the windows merge them in order."""
    case, _ = build_case(tmp_path, seed)
    with case:
        aircraft_id = case.conn.execute("SELECT id FROM aircraft").fetchone()[0]
        every = trackblocks.read_points(case.conn, aircraft_id, with_import=True)
        for window in (1, 64, 1000, 10 ** 9):
            parts = list(trackblocks.read_points_in_windows(
                case.conn, aircraft_id, window_points=window, with_import=True))
            assert all(0 < len(part["t"]) <= window for part in parts)
            for name, values in every.items():
                joined = np.concatenate([part[name] for part in parts])
                assert len(joined) == len(values)
                assert (joined == values).all() or name in trackblocks._FLOATS and \
                    np.array_equal(joined, values, equal_nan=True), name


def test_imports_of_one_aircraft_overlap_in_time(tmp_path):
    """The scenarios above do test what they say: some have blocks of several imports
    whose times overlap (the reader must merge them, not read them one after another)."""
    overlapping = 0
    for seed in range(6):
        (tmp_path / str(seed)).mkdir()
        case, _ = build_case(tmp_path / str(seed), seed)
        with case:
            spans = case.conn.execute(
                f"SELECT min(first_t), max(last_t) FROM {trackblocks.TABLE} "
                "GROUP BY import_id ORDER BY 1").fetchall()
            overlapping += any(b[0] < a[1] for a, b in zip(spans, spans[1:]))
    assert overlapping >= 2
