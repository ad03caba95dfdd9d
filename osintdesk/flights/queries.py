"""Read flights, aircraft, ground times and points back out of a case (for CLI, window, charts)."""

from __future__ import annotations

from ..store import Case
from ..timefmt import record_duration, record_time


def utc(t: float | None) -> str | None:
    """The record form of a time in these rows (``2024-01-02T07:41:03Z``); None stays None."""
    return None if t is None else record_time(t)


def flights(case: Case, aircraft: str | None = None, *, flight_uuid: str | None = None
            ) -> list[dict]:
    """Every flight with its aircraft, in time order; ``aircraft`` filters by hex or
    registration, ``flight_uuid`` picks one flight."""
    sql = ("SELECT f.*, a.label AS aircraft, a.hex AS hex, a.registration AS registration "
           "FROM flights f JOIN aircraft a ON a.uuid = f.aircraft_uuid WHERE 1")
    params: list = []
    if aircraft:
        sql += " AND (lower(a.hex) = lower(?) OR upper(a.registration) = upper(?))"
        params += [aircraft, aircraft]
    if flight_uuid:
        sql += " AND f.uuid = ?"
        params.append(flight_uuid)
    sql += " ORDER BY f.first_t"
    rows = []
    for row in case.db.query(sql, params):
        row["departure_utc"] = utc(row["first_t"])
        row["arrival_utc"] = utc(row["last_t"])
        row["duration"] = record_duration(row["duration_s"])
        rows.append(row)
    return rows


def gaps(case: Case, flight_uuid: str) -> list[dict]:
    return list(case.db.query("SELECT * FROM coverage_gaps WHERE flight_uuid = ? ORDER BY start_t",
                              [flight_uuid]))


def ground_times(case: Case, aircraft_uuid: str | None = None) -> list[dict]:
    sql = ("SELECT g.*, a.label AS aircraft FROM ground_times g "
           "JOIN aircraft a ON a.uuid = g.aircraft_uuid")
    params: list = []
    if aircraft_uuid:
        sql += " WHERE g.aircraft_uuid = ?"
        params.append(aircraft_uuid)
    rows = []
    for row in case.db.query(sql + " ORDER BY g.start_t", params):
        row["from_utc"], row["to_utc"] = utc(row["start_t"]), utc(row["end_t"])
        row["duration"] = record_duration(row["duration_s"])
        row["text"] = (f"on the ground at {row['airport'] or 'an unknown airport'} from "
                       f"{row['from_utc']} to {row['to_utc']}, {row['duration']}")
        rows.append(row)
    return rows


def aircraft(case: Case) -> list[dict]:
    rows = list(case.db.query(
        "SELECT a.*, (SELECT count(*) FROM flights f WHERE f.aircraft_uuid = a.uuid) AS flights, "
        "(SELECT count(*) FROM track_points p WHERE p.aircraft_id = a.id) AS points, "
        "(SELECT min(first_t) FROM flights f WHERE f.aircraft_uuid = a.uuid) AS first_t, "
        "(SELECT max(last_t) FROM flights f WHERE f.aircraft_uuid = a.uuid) AS last_t "
        "FROM aircraft a ORDER BY a.label"))
    for row in rows:
        row["first_seen_utc"], row["last_seen_utc"] = utc(row["first_t"]), utc(row["last_t"])
        row["ground_times"] = [g["text"] for g in ground_times(case, row["uuid"])]
    return rows


def points(case: Case, *, aircraft_uuid: str, first_t: float, last_t: float,
           columns: str = "t, lat, lon, alt_ft, gs_kt, on_ground, callsign, stale"):
    """A cursor over one aircraft's points between two times (inclusive), in time order."""
    return case.conn.execute(
        f"SELECT {columns} FROM track_points WHERE aircraft_id = "
        "(SELECT id FROM aircraft WHERE uuid = ?) AND t BETWEEN ? AND ? ORDER BY t",
        (aircraft_uuid, first_t, last_t))
