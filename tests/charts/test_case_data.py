"""Chart inputs read from a real case file made by the real importers (charts/case_data.py)."""

import numpy as np
import pytest

from osintdesk.charts import case_data, draw_map
from osintdesk.charts.selection import ChartRequest
from osintdesk.flights import queries
from osintdesk.errors import Cancelled, OsintdeskError


def flights_table(case):
    return case.conn.execute("SELECT uuid, first_t, last_t, origin, destination FROM flights "
                             "ORDER BY first_t").fetchall()


def test_every_flight_with_its_points_in_time_order(sample_case):
    flights = case_data.chart_flights(sample_case)
    table = flights_table(sample_case)
    assert [f.id for f in flights] == [row[0] for row in table]
    for f, (uuid, first_t, last_t, origin, destination) in zip(flights, table):
        aircraft_uuid = queries.aircraft_of_flights(sample_case, [uuid])[0]
        count = len(queries.track_points(sample_case, aircraft_uuid, first_t, last_t,
                                         columns=("t",)).fetchall())
        assert len(f) == count > 100
        assert (np.diff(f.t_utc) >= 0).all()
        assert f.t_utc[0] == first_t and f.t_utc[-1] == last_t
        assert f.departure.code == origin and f.arrival.code == destination
        assert f.label.startswith(f"{origin} → {destination}")
        # Taxi points at both ends are on the ground, the cruise is not.
        assert f.on_ground[0] and f.on_ground[-1] and not f.on_ground[len(f) // 2]


def test_values_and_missing_values(sample_case):
    flights = {f.aircraft_label: f for f in case_data.chart_flights(sample_case, aircraft="N7423C")}
    bering = flights["N7423C (B738)"]
    assert np.nanmax(bering.alt_ft) == 37000
    assert np.nanmax(bering.gs_kt) == pytest.approx(450, abs=1)
    # readsb reports "ground" instead of an altitude: NULL in the case, NaN here, never 0 ft.
    assert np.isnan(bering.alt_ft[0])
    assert bering.lon.min() < -140 and bering.lon.max() > 150  # across the antimeridian


def test_coverage_gaps_and_airports_from_the_case(sample_case):
    outbound = case_data.chart_flights(sample_case, aircraft="RA-86496")[0]
    (row,) = sample_case.conn.execute(
        "SELECT start_t, start_lat, start_lon, end_t, end_lat, end_lon, "
        "start_alt_ft, end_alt_ft FROM coverage_gaps WHERE flight_uuid = ?",
        (outbound.id,)).fetchall()
    assert outbound.gaps == [tuple(row)]
    assert outbound.gaps[0].duration_s > 3500
    assert outbound.departure.name.startswith("Vnukovo")
    assert outbound.arrival.lat == pytest.approx(39.2241, abs=1e-3)


def test_selection_by_aircraft_flight_and_time(sample_case):
    table = flights_table(sample_case)
    assert len(case_data.chart_flights(sample_case, aircraft="ra-86496")) == 2
    assert len(case_data.chart_flights(sample_case, aircraft="A9C2F1")) == 1  # hex, any case
    (uuid,) = sample_case.conn.execute(
        "SELECT uuid FROM aircraft WHERE registration = 'N7423C'").fetchone()
    assert len(case_data.chart_flights(sample_case, aircraft=uuid)) == 1
    assert [f.id for f in case_data.chart_flights(sample_case, [table[2][0], table[0][0]])] == \
        [table[0][0], table[2][0]]  # time order, whatever the order asked
    assert [f.id for f in case_data.chart_flights(sample_case, [table[1][0][:8]])] == [table[1][0]]
    # A window selects the flights overlapping it, each whole.
    middle = case_data.chart_flights(sample_case, t_from=table[1][1] + 60, t_to=table[1][2] - 60)
    assert [f.id for f in middle] == [table[1][0]]
    assert case_data.chart_flights(sample_case, t_from=table[2][2] + 1) == []
    assert case_data.chart_flights(sample_case, []) == []
    assert case_data.chart_flights(sample_case, [table[0][0]], aircraft="N7423C") == []


def test_unknown_flight_or_aircraft_is_a_clear_error(sample_case):
    with pytest.raises(OsintdeskError, match="no flight 'deadbeef' in this case"):
        case_data.chart_flights(sample_case, ["deadbeef"])
    with pytest.raises(OsintdeskError, match="no aircraft 'RA-00000' in this case"):
        case_data.chart_flights(sample_case, aircraft="RA-00000")
    with pytest.raises(OsintdeskError, match="no aircraft 'XX'"):
        ChartRequest(aircraft="XX").load("activity", sample_case)


def test_points_are_read_with_progress_and_cancel(sample_case):
    calls = []
    whole = case_data.chart_flights(sample_case,
                                    progress=lambda done, total: calls.append((done, total)))
    total = case_data.estimated_points(case_data.select(sample_case))
    assert total == sum(len(f) for f in whole)
    assert calls[-1] == (total, total) and len(calls) >= len(whole)
    with pytest.raises(Cancelled):
        case_data.chart_flights(sample_case, cancelled=lambda: True)


def test_activity_rows_flights_and_ground_times(sample_case):
    rows = {r.aircraft_label: r for r in case_data.activity_rows(sample_case)}
    assert set(rows) == {"RA-86496", "N7423C (B738)"}
    il62 = rows["RA-86496"]
    assert [f.label for f in il62.flights] == ["UUWW → ZKPY", "ZKPY → UNNT"]
    (stay,) = il62.ground_stays
    assert stay.airport == "ZKPY"
    assert stay.start_t == il62.flights[0].end_t and stay.end_t == il62.flights[1].start_t
    assert stay.end_t - stay.start_t == pytest.approx(2 * 86400, abs=3600)
    assert rows["N7423C (B738)"].ground_stays == []
    # Only what was observed: no stay is invented before the first or after the last flight.
    assert all(g.start_t is not None and g.end_t is not None for r in rows.values() for g in r.ground_stays)


def test_activity_rows_in_a_window_and_for_one_aircraft(sample_case):
    il62 = case_data.activity_rows(sample_case, queries.resolve_aircraft(sample_case, "RA-86496"))
    assert [r.aircraft_label for r in il62] == ["RA-86496"]
    first_end = il62[0].flights[0].end_t
    early = case_data.activity_rows(sample_case, t_to=first_end - 3600)
    assert [r.aircraft_label for r in early] == ["RA-86496"]
    assert len(early[0].flights) == 1 and early[0].ground_stays == []
    # An aircraft asked for by name keeps its row even when nothing falls in the window.
    late = case_data.activity_rows(sample_case, queries.resolve_aircraft(sample_case, "N7423C"),
                                   t_from=first_end + 30 * 86400)
    assert [(r.aircraft_label, r.flights) for r in late] == [("N7423C (B738)", [])]


def test_activity_rows_read_each_table_once_for_resolved_aircraft(sample_case, monkeypatch):
    uuids = queries.resolve_aircraft(sample_case, ["RA-86496", "N7423C"])
    calls = []
    for name in ("find_aircraft", "select_flights", "ground_times"):
        real = getattr(queries, name)
        monkeypatch.setattr(queries, name, lambda *a, _real=real, _name=name, **kw:
                            calls.append(_name) or _real(*a, **kw))
    rows = case_data.activity_rows(sample_case, uuids)
    assert [r.aircraft_label for r in rows] == ["N7423C (B738)", "RA-86496"]
    assert sorted(calls) == ["ground_times", "select_flights"]  # not per aircraft, no resolving


def test_a_case_without_located_captures_has_no_places(sample_case):
    assert case_data.places(sample_case) == []


def test_a_map_from_the_case(sample_case, fig):
    flights = case_data.chart_flights(sample_case)
    info = draw_map(fig, flights, case_data.places(sample_case),
                    title=case_data.selection_title(flights))
    assert len(info.tracks) == 3 and all(t.line is not None for t in info.tracks.values())
    assert sum(len(t.gap_lines) for t in info.tracks.values()) == 1
    assert set(info.airport_labels) == {"UUWW", "ZKPY", "UNNT", "PANC", "UHPP"}
    assert case_data.selection_title(flights) == "2 aircraft: 3 flights, 2024-01-02 – 2024-01-04 (UTC)"
    labels = [t.get_text() for t in info.legend.get_texts()]
    assert "N7423C  PANC → UHPP  2024-01-03" in labels  # two aircraft: each entry says whose
