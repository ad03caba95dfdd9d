"""Made-up but realistic chart data for the tests and the benchmark (no third-party data,
never shipped).

Flights follow great circles (through optional waypoints) with a taxi, climb, cruise with a
slowly varying wind, descent and taxi-in; positions are sampled at a fixed interval, some
speeds are missing, and stretches of the route are cut out as coverage gaps.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Sequence

import numpy as np

from osintdesk import timefmt
from osintdesk.charts.data import ActivityRow, ChartAirport, ChartFlight, ChartPlace, find_gaps
from osintdesk.charts.projection import great_circle, to_unit_vectors, from_unit_vectors
from osintdesk.flights.geo import great_circle_km

# Positions from OurAirports (resources/reference/airports_large_medium.csv).
AIRPORTS = {
    "UUWW": ChartAirport("UUWW", 55.591499, 37.261501, "Moscow Vnukovo"),
    "ZKPY": ChartAirport("ZKPY", 39.224098, 125.669998, "Pyongyang Sunan"),
    "PANC": ChartAirport("PANC", 61.179004, -149.992561, "Anchorage"),
    "UHPP": ChartAirport("UHPP", 53.168716, 158.451068, "Petropavlovsk-Kamchatsky Yelizovo"),
    "UHWW": ChartAirport("UHWW", 43.396256, 132.148155, "Vladivostok"),
    "UNNT": ChartAirport("UNNT", 55.019756, 82.618675, "Novosibirsk Tolmachevo"),
    "UIII": ChartAirport("UIII", 52.266707, 104.395563, "Irkutsk"),
    "UNKL": ChartAirport("UNKL", 56.175743, 92.485788, "Krasnoyarsk"),
    "UEEE": ChartAirport("UEEE", 62.0933, 129.770996, "Yakutsk"),
    "UHHH": ChartAirport("UHHH", 48.528338, 135.188588, "Khabarovsk"),
    "ZBAA": ChartAirport("ZBAA", 40.077349, 116.596702, "Beijing Capital"),
    "ZMUB": ChartAirport("ZMUB", 47.843102, 106.766998, "Ulaanbaatar"),
    "ZYTX": ChartAirport("ZYTX", 41.6398, 123.483668, "Shenyang Taoxian"),
    "UIAA": ChartAirport("UIAA", 52.024841, 113.305839, "Chita"),
    "UHSS": ChartAirport("UHSS", 46.885461, 142.717466, "Yuzhno-Sakhalinsk"),
    "RJTT": ChartAirport("RJTT", 35.549678, 139.786958, "Tokyo Haneda"),
}

KT_TO_MS = 1852.0 / 3600.0


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> float:
    """UTC epoch seconds for a calendar time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.timezone.utc).timestamp()


def _route(points: Sequence[tuple[float, float]]):
    """A dense great-circle route through (lat, lon) points: unit vectors and distance in metres."""
    lats, lons = [], []
    for (la1, lo1), (la2, lo2) in zip(points[:-1], points[1:]):
        la, lo = great_circle(la1, lo1, la2, lo2, max_step_deg=0.05)
        if lats:
            la, lo = la[1:], lo[1:]
        lats.append(la)
        lons.append(lo)
    lat, lon = np.concatenate(lats), np.concatenate(lons)
    seg_m = great_circle_km(lat[:-1], lon[:-1], lat[1:], lon[1:]) * 1000.0
    return to_unit_vectors(lon, lat), np.concatenate([[0.0], np.cumsum(seg_m)])


def synthetic_flight(
    flight_id,
    dep: ChartAirport,
    arr: ChartAirport,
    t_departure: float,
    *,
    via: Sequence[tuple[float, float]] = (),
    cruise_ft: float = 35000.0,
    cruise_kt: float = 460.0,
    step_s: float = 10.0,
    n_points: int | None = None,
    gaps: Sequence[tuple[float, float]] = (),
    missing_speed: float = 0.01,
    label: str | None = None,
    aircraft_label: str = "RA-64504 (Tu-204-300)",
    seed: int = 0,
) -> ChartFlight:
    """A flight from ``dep`` to ``arr`` leaving the gate at ``t_departure`` (UTC epoch s).

    ``gaps`` are (start, end) fractions of the flight time with no positions. Positions
    come every ``step_s`` seconds, or ``n_points`` evenly over the flight.
    """
    rng = np.random.default_rng(seed)
    vec, cum = _route([(dep.lat, dep.lon), *via, (arr.lat, arr.lon)])
    total_m = cum[-1]
    taxi_out, taxi_in = 480.0 + rng.uniform(0, 300), 300.0 + rng.uniform(0, 240)
    taxi_kt = 14.0
    climb_s = cruise_ft / 2100.0 * 60.0
    descent_s = cruise_ft / 1700.0 * 60.0
    wind_amp = rng.uniform(10, 35)
    wind_period = rng.uniform(3000, 9000)
    wind_phase = rng.uniform(0, 2 * math.pi)

    def wind(t):
        return wind_amp * np.sin(2 * math.pi * t / wind_period + wind_phase)

    # Distance flown in the fixed-length phases, then how long the cruise must last.
    tc = np.arange(0.0, climb_s, 1.0)
    climb_gs = 150 + (cruise_kt - 150) * np.sqrt(tc / climb_s)
    td = np.arange(0.0, descent_s, 1.0)
    descent_gs = cruise_kt - (cruise_kt - 140) * (td / descent_s) ** 1.5
    fixed_m = (climb_gs.sum() + descent_gs.sum()) * KT_TO_MS + (taxi_out + taxi_in) * taxi_kt * KT_TO_MS
    cruise_s = max(60.0, (total_m - fixed_m) / (cruise_kt * KT_TO_MS))

    # Ground speed and altitude on a 1-second grid, then distance by integration.
    t_air0 = taxi_out
    t_cr0 = t_air0 + climb_s
    t_de0 = t_cr0 + cruise_s
    t_land = t_de0 + descent_s
    t_end = t_land + taxi_in
    grid = np.arange(0.0, t_end + 1.0, 1.0)
    gs = np.full_like(grid, taxi_kt)
    alt = np.zeros_like(grid)
    m = (grid >= t_air0) & (grid < t_cr0)
    frac = (grid[m] - t_air0) / climb_s
    gs[m] = 150 + (cruise_kt - 150) * np.sqrt(frac)
    alt[m] = cruise_ft * (1 - (1 - frac) ** 1.6)
    m = (grid >= t_cr0) & (grid < t_de0)
    gs[m] = cruise_kt + wind(grid[m])
    alt[m] = cruise_ft
    m = (grid >= t_de0) & (grid < t_land)
    frac = (grid[m] - t_de0) / descent_s
    gs[m] = cruise_kt - (cruise_kt - 140) * frac ** 1.5
    alt[m] = cruise_ft * (1 - frac) ** 1.15
    dist = np.concatenate([[0.0], np.cumsum(gs[:-1] * KT_TO_MS)])
    dist *= total_m / dist[-1]  # absorb the wind so the flight ends at the gate
    on_ground = (grid < t_air0) | (grid >= t_land)

    if n_points is not None:
        # Spread exactly n_points over the time that is not cut out as a gap.
        edges = np.array(sorted([0.0, t_end] + [f * t_end for ab in gaps for f in ab]))
        kept = np.ones(len(edges) - 1, dtype=bool)
        for a, b in gaps:
            kept &= ~((edges[:-1] >= a * t_end) & (edges[1:] <= b * t_end))
        lengths = np.where(kept, np.diff(edges), 0.0)
        u = np.linspace(0.0, lengths.sum(), n_points)
        k = np.clip(np.searchsorted(np.cumsum(lengths), u, side="left"), 0, len(lengths) - 1)
        t = edges[k] + u - (np.cumsum(lengths) - lengths)[k]
    else:
        t = np.arange(0.0, t_end, step_s) + rng.uniform(0, min(step_s, 2.0))
        t = t[t <= t_end]
    s = np.interp(t, grid, dist)
    v = np.column_stack([np.interp(s, cum, vec[:, k]) for k in range(3)])
    lon, lat = from_unit_vectors(v)
    alt_ft = np.round(np.interp(t, grid, alt) / 25.0) * 25.0
    gs_kt = np.round(np.interp(t, grid, gs) + rng.normal(0, 1.5, len(t)), 1)
    ground = np.interp(t, grid, on_ground.astype(float)) > 0.5
    gs_kt[ground] = np.round(np.clip(taxi_kt + rng.normal(0, 4, ground.sum()), 0, 30), 1)
    gs_kt[rng.random(len(t)) < missing_speed] = np.nan

    keep = np.ones(len(t), dtype=bool)
    if n_points is None:
        for a, b in gaps:
            keep &= ~((t >= a * t_end) & (t <= b * t_end))
    t, lat, lon, alt_ft, gs_kt, ground = (arr_[keep] for arr_ in (t, lat, lon, alt_ft, gs_kt, ground))
    t_abs = t + t_departure
    min_gap = max(120.0, 5 * (t_end / max(1, len(t)) if n_points else step_s))
    date = timefmt.display_date(t_departure)
    return ChartFlight(
        id=flight_id,
        label=label or f"{dep.code} → {arr.code}  {date}",
        aircraft_label=aircraft_label,
        t_utc=t_abs, lat=lat, lon=lon, alt_ft=alt_ft, gs_kt=gs_kt, on_ground=ground,
        gaps=find_gaps(t_abs, lat, lon, min_gap_s=min_gap),
        departure=dep, arrival=arr,
    )


def moscow_pyongyang(flight_id=1, t_departure: float | None = None, **kw) -> ChartFlight:
    """UUWW Moscow Vnukovo → ZKPY Pyongyang, with a coverage gap from Siberia to Mongolia."""
    t0 = utc(2025, 7, 10, 5, 40) if t_departure is None else t_departure
    kw.setdefault("gaps", ((0.58, 0.79),))
    kw.setdefault("via", ((51.6, 104.0),))
    return synthetic_flight(flight_id, AIRPORTS["UUWW"], AIRPORTS["ZKPY"], t0, seed=11, **kw)


def pyongyang_moscow(flight_id=2, t_departure: float | None = None, **kw) -> ChartFlight:
    """The return, ZKPY → UUWW, two days later and a little further north."""
    t0 = utc(2025, 7, 12, 16, 50) if t_departure is None else t_departure
    kw.setdefault("gaps", ((0.12, 0.24),))
    kw.setdefault("via", ((46.0, 126.5), (56.5, 98.0)))
    return synthetic_flight(flight_id, AIRPORTS["ZKPY"], AIRPORTS["UUWW"], t0, seed=12, **kw)


def alaska_kamchatka(flight_id=3, t_departure: float | None = None, **kw) -> ChartFlight:
    """PANC Anchorage → UHPP Petropavlovsk-Kamchatsky, across the antimeridian, with a gap over the Bering Sea."""
    t0 = utc(2025, 8, 3, 21, 15) if t_departure is None else t_departure
    kw.setdefault("gaps", ((0.40, 0.62),))
    kw.setdefault("aircraft_label", "N7423C (B737-800)")
    return synthetic_flight(flight_id, AIRPORTS["PANC"], AIRPORTS["UHPP"], t0, cruise_ft=37000,
                            seed=13, **kw)


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
        flights.append(synthetic_flight(
            100 + i, AIRPORTS[dep], AIRPORTS[arr], t0 + i * 86400 * 2.3,
            n_points=count, gaps=((g0, g0 + rng.uniform(0.05, 0.2)),),
            cruise_ft=float(rng.choice([31000, 33000, 35000, 37000, 39000])),
            cruise_kt=float(rng.uniform(420, 490)), seed=seed * 1000 + i,
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
        dep, arr = (AIRPORTS["UUWW"], AIRPORTS["ZKPY"]) if i % 2 == 0 else (AIRPORTS["ZKPY"], AIRPORTS["UUWW"])
        g0 = rng.uniform(0.3, 0.6)
        gaps = ((g0, g0 + rng.uniform(0.05, 0.15)),) if gap_every and i % gap_every == 0 else ()
        flights.append(synthetic_flight(200 + i, dep, arr, t0 + i * 1.5 * 86400, n_points=n_points,
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
