"""Made-up chart data for the tests and the benchmark (no third-party data, never shipped).

The flights are ``flight_samples.synthetic_flight`` tracks (the one generator of invented
flights) between airports of the reference table, through optional waypoints, with
stretches cut out as coverage gaps and some speeds missing, as chart inputs.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

import numpy as np

from osintdesk import timefmt
from osintdesk.charts.data import ActivityRow, ChartAirport, ChartFlight, ChartPlace, find_gaps
from osintdesk.flights.airports import lookup
from tests.support import flight_samples


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> float:
    """UTC epoch seconds for a calendar time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.timezone.utc).timestamp()


def chart_airport(code: str) -> ChartAirport:
    """The airport of the reference table with this code, as a chart marks it."""
    airport = lookup(code)
    return ChartAirport(airport.code, airport.lat, airport.lon, airport.name)


def chart_flight(
    flight_id,
    origin: str,
    destination: str,
    t_departure: float,
    *,
    gaps: Sequence[tuple[float, float]] = (),
    n_points: int | None = None,
    missing_speed: float = 0.01,
    label: str | None = None,
    aircraft_label: str = "RA-64504 (Tu-204-300)",
    seed: int = 0,
    **track,
) -> ChartFlight:
    """A ``synthetic_flight`` from airport ``origin`` to ``destination`` (ICAO codes)
    leaving the gate at ``t_departure`` (UTC epoch s), as a chart draws it.

    ``gaps`` are (start, end) fractions of the time airborne with no positions;
    ``n_points``: exactly that many positions, spread evenly over the flight (else one
    every ``step_s``). Other keywords (``via``, ``cruise_ft``, ``speed_kt``, ``step_s``)
    go to ``synthetic_flight``.
    """
    airborne_s = flight_samples.flight_time_s(origin, destination, via=track.get("via", ()),
                                              speed_kt=track.get("speed_kt", 450.0))
    cut = [(a * airborne_s, b * airborne_s) for a, b in gaps]
    if n_points is not None:  # dense enough for n_points outside the gaps, then thinned
        flown = (1 - sum(b - a for a, b in gaps)) * airborne_s
        track["step_s"] = max(0.05, flown / (1.2 * n_points + 100))
    points = flight_samples.synthetic_flight(origin, destination, t_departure, gaps=cut,
                                             missing_speed=missing_speed, seed=seed, **track)
    if n_points is not None:
        assert len(points) >= n_points, "not enough positions to thin"
        points = [points[i] for i in np.round(np.linspace(0, len(points) - 1, n_points)).astype(int)]
    t = np.array([p.t for p in points])
    lat = np.array([p.lat for p in points])
    lon = np.array([p.lon for p in points])
    step_s = (t[-1] - t[0]) / max(1, len(t) - 1)
    dep, arr = chart_airport(origin), chart_airport(destination)
    return ChartFlight(
        id=flight_id,
        label=label or f"{dep.code} → {arr.code}  {timefmt.display_date(t_departure)}",
        aircraft_label=aircraft_label,
        t_utc=t, lat=lat, lon=lon,
        alt_ft=np.array([np.nan if p.alt_ft is None else p.alt_ft for p in points]),
        gs_kt=np.array([np.nan if p.gs_kt is None else p.gs_kt for p in points]),
        on_ground=np.array([bool(p.on_ground) for p in points]),
        gaps=find_gaps(t, lat, lon, min_gap_s=max(120.0, 5 * step_s)),
        departure=dep, arrival=arr,
    )


def moscow_pyongyang(flight_id=1, t_departure: float | None = None, **kw) -> ChartFlight:
    """UUWW Moscow Vnukovo → ZKPY Pyongyang, with a coverage gap from Siberia to Mongolia."""
    t0 = utc(2025, 7, 10, 5, 40) if t_departure is None else t_departure
    kw.setdefault("gaps", ((0.58, 0.79),))
    kw.setdefault("via", ((51.6, 104.0),))
    return chart_flight(flight_id, "UUWW", "ZKPY", t0, speed_kt=460.0, seed=11, **kw)


def pyongyang_moscow(flight_id=2, t_departure: float | None = None, **kw) -> ChartFlight:
    """The return, ZKPY → UUWW, two days later and a little further north."""
    t0 = utc(2025, 7, 12, 16, 50) if t_departure is None else t_departure
    kw.setdefault("gaps", ((0.12, 0.24),))
    kw.setdefault("via", ((46.0, 126.5), (56.5, 98.0)))
    return chart_flight(flight_id, "ZKPY", "UUWW", t0, speed_kt=460.0, seed=12, **kw)


def alaska_kamchatka(flight_id=3, t_departure: float | None = None, **kw) -> ChartFlight:
    """PANC Anchorage → UHPP Petropavlovsk-Kamchatsky, across the antimeridian, with a gap over the Bering Sea."""
    t0 = utc(2025, 8, 3, 21, 15) if t_departure is None else t_departure
    kw.setdefault("gaps", ((0.40, 0.62),))
    kw.setdefault("aircraft_label", "N7423C (B737-800)")
    return chart_flight(flight_id, "PANC", "UHPP", t0, cruise_ft=37000, speed_kt=460.0, seed=13,
                        **kw)


def photo_places() -> list[ChartPlace]:
    """Two photo locations from EXIF, one on the apron at Pyongyang, one near Vnukovo."""
    return [
        ChartPlace("IMG_2231.jpg", 39.2290, 125.6745, "photo (EXIF)"),
        ChartPlace("spotter photo", 55.6080, 37.2950, "photo (EXIF)"),
    ]


def activity_rows() -> list[ActivityRow]:
    """Two aircraft over a summer: one flies to Pyongyang in July and again in September."""
    rows = []
    for label, trips in (
        ("RA-64504 (Tu-204)", [
            ("UUWW", "ZKPY", utc(2025, 7, 10, 5, 40), 8.1 * 3600),
            ("ZKPY", "UUWW", utc(2025, 7, 12, 16, 50), 8.6 * 3600),
            ("UUWW", "UNNT", utc(2025, 8, 4, 9, 0), 4.0 * 3600),
            ("UNNT", "UUWW", utc(2025, 8, 5, 14, 30), 4.3 * 3600),
            ("UUWW", "ZKPY", utc(2025, 9, 3, 4, 50), 8.0 * 3600),
            ("ZKPY", "UUWW", utc(2025, 9, 5, 8, 20), 8.5 * 3600),
        ]),
        ("RA-96018 (Il-96-300)", [
            ("UUWW", "UHWW", utc(2025, 7, 20, 6, 0), 8.4 * 3600),
            ("UHWW", "ZKPY", utc(2025, 7, 22, 3, 0), 1.4 * 3600),
            ("ZKPY", "UUWW", utc(2025, 7, 25, 6, 10), 8.7 * 3600),
        ]),
    ):
        flights, stays = [], []
        prev_end, prev_airport = None, trips[0][0]
        for dep, arr, t0, dur in trips:
            stays.append((prev_end, t0, dep))
            flights.append((t0, t0 + dur, f"{dep}→{arr}"))
            prev_end, prev_airport = t0 + dur, arr
        stays.append((prev_end, None, prev_airport))
        rows.append(ActivityRow(label, flights, stays))
    return rows


_BENCH_PAIRS = (
    ("UUWW", "ZKPY"), ("ZKPY", "UUWW"), ("UUWW", "UNNT"), ("UNNT", "UIII"), ("UIII", "ZKPY"),
    ("UHWW", "UUWW"), ("UNKL", "UHHH"), ("ZBAA", "UNNT"), ("ZMUB", "UUWW"), ("UEEE", "UHWW"),
    ("UIAA", "ZYTX"), ("UHSS", "UNKL"), ("RJTT", "UHHH"), ("UUWW", "UEEE"), ("ZKPY", "UHWW"),
    ("UIII", "UUWW"), ("UHHH", "ZBAA"), ("UNNT", "ZMUB"), ("UHPP", "UHWW"), ("ZYTX", "UUWW"),
)


def many_flights(n_points: int = 1_000_000, n_flights: int = 40, seed: int = 0) -> list[ChartFlight]:
    """``n_flights`` flights over Russia and East Asia with ``n_points`` positions in all."""
    rng = np.random.default_rng(seed)
    flights = []
    per = n_points // n_flights
    t0 = utc(2025, 6, 1)
    for i in range(n_flights):
        dep, arr = _BENCH_PAIRS[i % len(_BENCH_PAIRS)]
        count = per + (n_points - per * n_flights if i == n_flights - 1 else 0)
        g0 = rng.uniform(0.2, 0.6)
        flights.append(chart_flight(
            100 + i, dep, arr, t0 + i * 86400 * 2.3,
            n_points=count, gaps=((g0, g0 + rng.uniform(0.05, 0.2)),),
            cruise_ft=float(rng.choice([31000, 33000, 35000, 37000, 39000])),
            speed_kt=float(rng.uniform(420, 490)), seed=seed * 1000 + i,
            aircraft_label=f"RA-{64500 + i % 7}",
        ))
    return flights


def shuttle_flights(n_flights: int = 150, n_points: int = 1500, gap_every: int = 2,
                    seed: int = 0) -> list[ChartFlight]:
    """One aircraft flying UUWW <-> ZKPY ``n_flights`` times (one every 1.5 days), every
    ``gap_every``-th flight with a coverage gap: hundreds of tracks over the same pixels."""
    rng = np.random.default_rng(seed)
    flights = []
    t0 = utc(2025, 6, 1)
    for i in range(n_flights):
        dep, arr = ("UUWW", "ZKPY") if i % 2 == 0 else ("ZKPY", "UUWW")
        g0 = rng.uniform(0.3, 0.6)
        gaps = ((g0, g0 + rng.uniform(0.05, 0.15)),) if gap_every and i % gap_every == 0 else ()
        flights.append(chart_flight(200 + i, dep, arr, t0 + i * 1.5 * 86400, n_points=n_points,
                                    gaps=gaps, seed=seed * 1000 + i, aircraft_label="RA-64504 (Tu-204)"))
    return flights


def write_sample_case(path, *, examiner: str = "Sample Examiner", title: str = "Sample flights"):
    """A case file of invented flights imported through the real importers, for tests and demos.

    RA-86496 (Il-62, FlightRadar24 CSV files) flies UUWW → ZKPY on 2 Jan 2024 with an hour
    of no coverage over Siberia, stays two days at ZKPY and flies on to UNNT; N7423C (B738,
    a readsb trace) flies PANC → UHPP across the antimeridian on 3 Jan. Returns the path.
    """
    import tempfile
    from pathlib import Path

    from tests.support import flight_samples
    from osintdesk.flights.ingest import import_flight_file
    from osintdesk.store import Case

    t0 = flight_samples.T0
    outbound = flight_samples.synthetic_flight("UUWW", "ZKPY", t0, gaps=[(3600, 7200)], step_s=20)
    onward = flight_samples.synthetic_flight("ZKPY", "UNNT", outbound[-1].t + 2 * 86400,
                                             step_s=20, callsign="RSD002")
    bering = flight_samples.synthetic_flight("PANC", "UHPP", t0 + 86400, hex="a9c2f1",
                                             callsign="N7423C", cruise_ft=37000, step_s=20)
    with tempfile.TemporaryDirectory(prefix="osintdesk-sample-") as folder, \
            Case.create(path, title=title, examiner=examiner) as case:
        files = Path(folder)
        flight_samples.write_fr24_csv(files / "RSD001.csv", outbound)
        flight_samples.write_fr24_csv(files / "RSD002.csv", onward)
        flight_samples.write_readsb_trace(files / "trace_full_a9c2f1.json", bering, hex="a9c2f1",
                                          registration="N7423C", type_code="B738",
                                          desc="BOEING 737-800", own_op=None)
        import_flight_file(case, files / "RSD001.csv", aircraft="RA-86496")
        import_flight_file(case, files / "RSD002.csv", aircraft="RA-86496")
        import_flight_file(case, files / "trace_full_a9c2f1.json")
        return case.path
