"""Chart inputs from a case: flights with their track points, activity rows, places.

The bridge between the store and the chart functions (which only know ``charts.data``).
Track points are read in chunks straight into numpy arrays, so a million positions cost
about a second and a few tens of megabytes, not a Python object per value. Times are UTC
epoch seconds throughout.
"""

from __future__ import annotations

import sqlite3
from typing import Callable, Iterable, Sequence

import numpy as np

from .. import timefmt
from ..errors import Cancelled, OsintdeskError
from ..flights import airports, queries
from .data import ActivityFlight, ActivityRow, Airport, ChartFlight, ChartPlace, CoverageGap, GroundStay

# Rows fetched from SQLite per numpy conversion: large enough to be quick, small enough
# that the temporary Python tuples stay at a few megabytes.
CHUNK_ROWS = 65_536

Progress = Callable[[int, int | None], None]

_FLIGHT_SQL = (
    "SELECT f.uuid, f.aircraft_uuid, f.first_t, f.last_t, f.origin, f.origin_name, "
    "f.destination, f.destination_name, f.first_lat, f.first_lon, f.last_lat, f.last_lon, "
    "f.departed_ground, f.arrived_ground, f.callsigns, f.point_count, "
    "a.label, a.registration, a.hex, a.type_code "
    "FROM flights f JOIN aircraft a ON a.uuid = f.aircraft_uuid")
_POINT_COLUMNS = "t, lat, lon, alt_ft, gs_kt, on_ground"


# --------------------------------------------------------------------------- selection

def _unknown(case, what: str) -> OsintdeskError:
    return OsintdeskError(what, path=case.path)


def resolve_aircraft(case, aircraft: str | Sequence[str]) -> list[str]:
    """Aircraft uuids for hex codes, registrations, labels or uuids (one or a list).

    An OsintdeskError naming the value when one matches no aircraft in the case.
    """
    values = [aircraft] if isinstance(aircraft, str) else list(aircraft)
    found: list[str] = []
    for value in values:
        text = str(value).strip()
        rows = case.conn.execute(
            "SELECT uuid FROM aircraft WHERE uuid = ? OR lower(hex) = lower(?) "
            "OR upper(registration) = upper(?) OR upper(label) = upper(?) ORDER BY label",
            (text, text, text, text)).fetchall()
        if not rows:
            raise _unknown(case, f"no aircraft '{text}' in this case (give a hex code or a "
                                 "registration; `osintdesk aircraft CASE` lists them)")
        found += [r[0] for r in rows if r[0] not in found]
    return found


def resolve_flights(case, flight_ids: Iterable[str]) -> list[str]:
    """Flight uuids for full ids or unique prefixes (at least 4 characters), in the order given.

    An OsintdeskError naming the id when it matches no flight, or several.
    """
    found: list[str] = []
    for value in flight_ids:
        text = str(value).strip().lower()
        rows = case.conn.execute("SELECT uuid FROM flights WHERE uuid = ?", (text,)).fetchall()
        if not rows and len(text) >= 4:
            pattern = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            rows = case.conn.execute("SELECT uuid FROM flights WHERE uuid LIKE ? ESCAPE '\\' LIMIT 3",
                                     (pattern,)).fetchall()
        if not rows:
            raise _unknown(case, f"no flight '{value}' in this case (`osintdesk flights CASE` "
                                 "lists them)")
        if len(rows) > 1:
            raise _unknown(case, f"flight id '{value}' is ambiguous: give more of it")
        if rows[0][0] not in found:
            found.append(rows[0][0])
    return found


def flight_rows(case, flight_ids: Iterable[str] | None = None, aircraft=None,
                t_from: float | None = None, t_to: float | None = None) -> list[dict]:
    """The flights table rows (with the aircraft's label, hex, registration, type) selected by
    ids, aircraft and a UTC time window (flights overlapping it), in time order."""
    where, params = [], []
    if flight_ids is not None:
        ids = resolve_flights(case, flight_ids)
        if not ids:
            return []
        where.append(f"f.uuid IN ({', '.join('?' * len(ids))})")
        params += ids
    if aircraft is not None:
        uuids = resolve_aircraft(case, aircraft)
        where.append(f"f.aircraft_uuid IN ({', '.join('?' * len(uuids))})")
        params += uuids
    window, extra = _overlapping("f.first_t", "f.last_t", t_from, t_to)
    sql = (_FLIGHT_SQL + " WHERE 1" + "".join(" AND " + w for w in where) + window
           + " ORDER BY f.first_t, f.uuid")
    params += extra
    cursor = case.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def estimated_points(case, flight_ids: Iterable[str] | None = None, aircraft=None) -> int:
    """How many track points ``chart_flights`` would read (from the flights table, instantly)."""
    return sum(int(r["point_count"] or 0) for r in flight_rows(case, flight_ids, aircraft))


# --------------------------------------------------------------------------- labels

def aircraft_label(row: dict) -> str:
    """``RA-86496 (IL62)``: the aircraft's label and type code."""
    label = row.get("label") or row.get("registration") or row.get("hex") or "unknown aircraft"
    return f"{label} ({row['type_code']})" if row.get("type_code") else label


def route_text(row: dict) -> str:
    """``UUWW → ZKPY`` (``?`` for an airport not known)."""
    return f"{row.get('origin') or '?'} → {row.get('destination') or '?'}"


def flight_label(row: dict) -> str:
    """Legend text: ``UUWW → ZKPY  2024-01-02`` (the map adds the aircraft when several fly)."""
    return f"{route_text(row)}  {timefmt.display_date(row['first_t'])}"


def selection_title(flights: Sequence[ChartFlight]) -> str | None:
    """A chart title for the flights shown: the aircraft, the count and the UTC date span."""
    if not flights:
        return None
    planes = list(dict.fromkeys(f.aircraft_label for f in flights))
    who = planes[0] if len(planes) == 1 else f"{len(planes)} aircraft"
    times = [t for f in flights for t in (f.t_utc[:1].tolist() + f.t_utc[-1:].tolist())]
    if not times:
        return f"{who}: {len(flights)} flight{'s' if len(flights) != 1 else ''}"
    first, last = timefmt.display_date(min(times)), timefmt.display_date(max(times))
    span = first if first == last else f"{first} – {last}"
    count = f"{len(flights)} flight{'s' if len(flights) != 1 else ''}"
    return f"{who}: {count}, {span} (UTC)"


# --------------------------------------------------------------------------- flights

def _airport(code: str | None, name: str | None, lat, lon, on_ground) -> Airport | None:
    """The airport to mark: from the reference table, else where the aircraft stood."""
    if not code:
        return None
    known = airports.lookup(code)
    if known is not None:
        return Airport(code, known.lat, known.lon, name or known.name)
    # A code the file gave but the table lacks: only where the aircraft was seen on the ground.
    if on_ground and lat is not None and lon is not None:
        return Airport(code, float(lat), float(lon), name or "")
    return None


def load_points(case, aircraft_uuid: str, first_t: float, last_t: float, *,
                cancelled: Callable[[], bool] | None = None,
                on_rows: Callable[[int], None] | None = None) -> np.ndarray:
    """One aircraft's points between two UTC times (inclusive), time-ordered, as an (n, 6)
    float array: t, lat, lon, alt_ft, gs_kt, on_ground (NaN where the case has NULL)."""
    cursor = queries.points(case, aircraft_uuid=aircraft_uuid, first_t=float(first_t),
                            last_t=float(last_t), columns=_POINT_COLUMNS)
    chunks = []
    try:
        while True:
            if cancelled is not None and cancelled():
                raise Cancelled()
            rows = cursor.fetchmany(CHUNK_ROWS)
            if not rows:
                break
            chunks.append(np.array(rows, dtype=float).reshape(len(rows), 6))
            if on_rows is not None:
                on_rows(len(rows))
    finally:
        cursor.close()
    if not chunks:
        return np.empty((0, 6))
    return chunks[0] if len(chunks) == 1 else np.concatenate(chunks)


def _gaps(case, flight_uuid: str) -> list[CoverageGap]:
    return [CoverageGap(*row) for row in case.conn.execute(
        "SELECT start_t, start_lat, start_lon, end_t, end_lat, end_lon FROM coverage_gaps "
        "WHERE flight_uuid = ? AND start_lat IS NOT NULL AND end_lat IS NOT NULL ORDER BY start_t",
        (flight_uuid,))]


def chart_flights(case, flight_ids: Iterable[str] | None = None, aircraft=None,
                  t_from: float | None = None, t_to: float | None = None, *,
                  progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> list[ChartFlight]:
    """The selected flights, each with its track points, coverage gaps and airports.

    ``flight_ids``: flight uuids (or unique prefixes); ``aircraft``: hex, registration or
    uuid (or a list); ``t_from``/``t_to``: UTC epoch seconds, selecting the flights that
    overlap the window (each is drawn whole). Filters combine; None means no filter.
    Unknown ids or aircraft raise an OsintdeskError. ``progress(done, total)`` counts
    points; ``cancelled()`` is checked between chunks (raises Cancelled).
    """
    rows = flight_rows(case, flight_ids, aircraft, t_from, t_to)
    total = sum(int(r["point_count"] or 0) for r in rows)
    done = 0

    def counted(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    flights = []
    for row in rows:
        pts = load_points(case, row["aircraft_uuid"], row["first_t"], row["last_t"],
                          cancelled=cancelled, on_rows=counted)
        flights.append(ChartFlight(
            id=row["uuid"],
            label=flight_label(row),
            aircraft_label=aircraft_label(row),
            t_utc=pts[:, 0], lat=pts[:, 1], lon=pts[:, 2], alt_ft=pts[:, 3], gs_kt=pts[:, 4],
            on_ground=pts[:, 5] == 1.0,
            gaps=_gaps(case, row["uuid"]),
            departure=_airport(row["origin"], row["origin_name"], row["first_lat"],
                               row["first_lon"], row["departed_ground"]),
            arrival=_airport(row["destination"], row["destination_name"], row["last_lat"],
                             row["last_lon"], row["arrived_ground"]),
        ))
    return flights


# --------------------------------------------------------------------------- activity

def _overlapping(start_col: str, end_col: str, t_from, t_to) -> tuple[str, list]:
    """SQL ("AND ...") and parameters for rows whose [start, end] overlaps the UTC window."""
    sql, params = "", []
    if t_from is not None:
        sql += f" AND {end_col} >= ?"
        params.append(float(t_from))
    if t_to is not None:
        sql += f" AND {start_col} <= ?"
        params.append(float(t_to))
    return sql, params


def activity_rows(case, aircraft=None, t_from: float | None = None,
                  t_to: float | None = None) -> list[ActivityRow]:
    """One row per aircraft (by label): its flights as bars and its ground times by airport.

    Only what the analysis derived is shown: a ground time is a stay between two observed
    flights; nothing is guessed before the first flight or after the last. With a window
    (UTC epoch seconds), flights and stays overlapping it.
    """
    params: list = []
    sql = "SELECT uuid, label, registration, hex, type_code FROM aircraft"
    if aircraft is not None:
        uuids = resolve_aircraft(case, aircraft)
        sql += f" WHERE uuid IN ({', '.join('?' * len(uuids))})"
        params += uuids
    cursor = case.conn.execute(sql + " ORDER BY label, uuid", params)
    names = [d[0] for d in cursor.description]
    planes = [dict(zip(names, r)) for r in cursor]

    rows = []
    for plane in planes:
        where, extra = _overlapping("first_t", "last_t", t_from, t_to)
        flights = [ActivityFlight(a, b, f"{o or '?'} → {d or '?'}") for a, b, o, d in case.conn.execute(
            "SELECT first_t, last_t, origin, destination FROM flights WHERE aircraft_uuid = ?"
            + where + " ORDER BY first_t", [plane["uuid"], *extra])]
        where, extra = _overlapping("start_t", "end_t", t_from, t_to)
        stays = [GroundStay(a, b, code or "?") for a, b, code in case.conn.execute(
            "SELECT start_t, end_t, airport FROM ground_times WHERE aircraft_uuid = ?"
            + where + " ORDER BY start_t", [plane["uuid"], *extra])]
        if flights or stays or aircraft is not None:
            rows.append(ActivityRow(aircraft_label(plane), flights, stays))
    return rows


def aircraft_of_flights(case, flight_ids: Iterable[str]) -> list[str]:
    """The aircraft uuids the flights belong to (unknown ids are skipped)."""
    ids = list(flight_ids)
    if not ids:
        return []
    return [r[0] for r in case.conn.execute(
        f"SELECT DISTINCT aircraft_uuid FROM flights WHERE uuid IN ({', '.join('?' * len(ids))})", ids)]


# --------------------------------------------------------------------------- places

def _short_name(name: str) -> str:
    """A file name or the last part of a URL, at most 40 characters."""
    text = (name or "").rstrip("/").rsplit("/", 1)[-1] or name or "?"
    return text if len(text) <= 40 else text[:39] + "…"


def _in_window(taken_utc: str | None, t_from, t_to) -> bool:
    """Whether a place's UTC time falls in the window; a place with no time always shows."""
    if not taken_utc or (t_from is None and t_to is None):
        return True
    try:
        t = timefmt.parse_record(taken_utc).timestamp()
    except ValueError:
        return True
    return (t_from is None or t >= t_from) and (t_to is None or t <= t_to)


def places(case, t_from: float | None = None, t_to: float | None = None) -> list[ChartPlace]:
    """Places with coordinates to mark on the map: where photos were taken (EXIF GPS of
    captured files) and rows of a ``places`` table when the case has one.

    With a UTC window, places whose time is known and outside it are left out. A case
    without these tables (older schema) simply has no places.
    """
    found: dict[tuple, ChartPlace] = {}
    tables = {r[0] for r in case.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    try:
        if {"captures", "sources"} <= tables:
            for name, lat, lon, kind, taken in case.conn.execute(
                    "SELECT s.name, c.geo_lat, c.geo_lon, c.document_kind, c.taken_utc "
                    "FROM captures c JOIN sources s ON s.uuid = c.source_uuid "
                    "WHERE c.geo_lat IS NOT NULL AND c.geo_lon IS NOT NULL ORDER BY c.captured_utc"):
                if _in_window(taken, t_from, t_to):
                    place = ChartPlace(_short_name(name), float(lat), float(lon),
                                       "photo (EXIF)" if kind == "image" else "file location")
                    found.setdefault((place.label, place.lat, place.lon), place)
    except sqlite3.Error:
        pass
    try:
        if "places" in tables:
            columns = {r[1] for r in case.conn.execute("PRAGMA table_info(places)")}
            label = next((c for c in ("label", "name", "title") if c in columns), None)
            if label is not None and {"lat", "lon"} <= columns:
                kind = "kind" if "kind" in columns else "'place'"
                for text, lat, lon, k in case.conn.execute(
                        f"SELECT {label}, lat, lon, {kind} FROM places "
                        "WHERE lat IS NOT NULL AND lon IS NOT NULL"):
                    place = ChartPlace(str(text or ""), float(lat), float(lon), str(k or "place"))
                    found.setdefault((place.label, place.lat, place.lon), place)
    except (sqlite3.Error, TypeError, ValueError):
        pass
    return [p for p in found.values() if -90 <= p.lat <= 90 and -180 <= p.lon <= 360]
