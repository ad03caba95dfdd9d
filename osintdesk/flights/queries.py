"""The flights package's read queries: aircraft, flights, coverage gaps, ground times and
track points out of a case, for the CLI, the window and the charts (none of which writes
SQL), and the one resolver from what the user typed to an aircraft or a flight."""

from __future__ import annotations

from itertools import islice
from typing import Iterable, Iterator, Sequence

import numpy as np

from ..errors import OsintdeskError
from ..store import Case, trackblocks
from ..timefmt import record_duration, record_time_or_none

# An id typed in part must give at least this many characters.
MIN_ID_PREFIX = 4


def aircraft(case: Case, uuids: Sequence[str] | None = None) -> list[dict]:
    """The aircraft (all, or those with these uuids) ordered by label, each with how many
    ``flights`` and ``points`` it has and when it was first and last seen (``first_t``,
    ``last_t``: UTC epoch seconds; ``first_seen_utc``, ``last_seen_utc``: record forms)."""
    where, params = "", []
    if uuids is not None:
        if not uuids:
            return []
        where, params = " WHERE " + _in("a.uuid", uuids), list(uuids)
    rows = list(case.db.query(
        "SELECT a.*, count(f.uuid) AS flights, min(f.first_t) AS first_t, "
        "max(f.last_t) AS last_t, "
        f"(SELECT ifnull(sum(count), 0) FROM {trackblocks.TABLE} p "
        "WHERE p.aircraft_id = a.id) AS points "
        f"FROM aircraft a LEFT JOIN flights f ON f.aircraft_uuid = a.uuid{where} "
        "GROUP BY a.id ORDER BY a.label, a.uuid", params))
    for row in rows:
        row["first_seen_utc"] = record_time_or_none(row["first_t"])
        row["last_seen_utc"] = record_time_or_none(row["last_t"])
    return rows


def gaps(case: Case, flight_uuid: str) -> list[dict]:
    return list(case.db.query("SELECT * FROM coverage_gaps WHERE flight_uuid = ? ORDER BY start_t",
                              [flight_uuid]))


def ground_times(case: Case, aircraft_uuid: str | None = None, t_from: float | None = None,
                 t_to: float | None = None) -> list[dict]:
    """Stays on the ground between flights, in time order: of one aircraft or all, and with
    a UTC window those overlapping it. Each row has the aircraft's label (``aircraft``),
    the stored ``description`` people read (``on the ground at ZKPY from 2024-01-02 15:28
    UTC to 2024-01-04 18:38 UTC, 2 d 3 h``) and the record forms ``from_utc``, ``to_utc``
    and ``duration`` (see ``record_sentence``)."""
    sql = ("SELECT g.*, a.label AS aircraft FROM ground_times g "
           "JOIN aircraft a ON a.uuid = g.aircraft_uuid WHERE 1")
    params: list = []
    if aircraft_uuid:
        sql += " AND g.aircraft_uuid = ?"
        params.append(aircraft_uuid)
    window, extra = _overlapping("g.start_t", "g.end_t", t_from, t_to)
    rows = []
    for row in case.db.query(sql + window + " ORDER BY g.start_t", params + extra):
        row["from_utc"] = record_time_or_none(row["start_t"])
        row["to_utc"] = record_time_or_none(row["end_t"])
        row["duration"] = record_duration(row["duration_s"])
        rows.append(row)
    return rows


def record_sentence(stay: dict) -> str:
    """A ground time (a ``ground_times`` row) in the record forms ``aircraft --json`` prints
    under ``ground_times``: ``on the ground at ZKPY from 2024-01-02T15:28:23Z to
    2024-01-04T18:38:23Z, 2 d 3 h``. A data contract, frozen like the record forms it is
    made of (``record_duration`` gives ``2 d 0 h`` where the description people read says
    ``2 d``); the window and the CLI's text show the stored ``description``."""
    return (f"on the ground at {stay['airport'] or 'an unknown airport'} from "
            f"{stay['from_utc']} to {stay['to_utc']}, {stay['duration']}")


# --------------------------------------------------------------------------- what the user typed

def _unknown(case: Case, message: str) -> OsintdeskError:
    return OsintdeskError(message, path=case.path)


def _prefix_pattern(text: str) -> str:
    """A LIKE pattern (with ``ESCAPE '\\'``) for values starting with ``text``."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def find_aircraft(case: Case, typed: str) -> list[dict]:
    """The aircraft records that what the user typed names, ordered by label: a
    registration, a Mode-S (ICAO 24-bit) hex code or a label, in any case, or an aircraft
    id or a unique prefix of one (at least 4 characters).

    Several records when a registration or label names more than one. An OsintdeskError
    naming the value when it names no aircraft in the case, or when it is an id prefix
    shared by several.
    """
    text = str(typed).strip()
    rows = list(case.db.query(
        "SELECT * FROM aircraft WHERE uuid = ? OR lower(hex) = lower(?) "
        "OR upper(registration) = upper(?) OR upper(label) = upper(?) ORDER BY label",
        [text, text, text, text]))
    if not rows and len(text) >= MIN_ID_PREFIX:
        rows = list(case.db.query("SELECT * FROM aircraft WHERE uuid LIKE ? ESCAPE '\\' "
                                  "ORDER BY label LIMIT 2", [_prefix_pattern(text.lower())]))
        if len(rows) > 1:
            raise _unknown(case, f"aircraft id '{text}' is ambiguous: give more of it")
    if not rows:
        raise _unknown(case, f"no aircraft '{text}' in this case (give a hex code or a "
                             "registration; `osintdesk aircraft CASE` lists them)")
    return rows


def resolve_aircraft(case: Case, aircraft: str | Sequence[str]) -> list[str]:
    """Aircraft uuids for what the user typed (one value or a list; see ``find_aircraft``),
    each once, in the order given."""
    values = [aircraft] if isinstance(aircraft, str) else list(aircraft)
    found: list[str] = []
    for value in values:
        found += [row["uuid"] for row in find_aircraft(case, value) if row["uuid"] not in found]
    return found


def resolve_flights(case: Case, flight_ids: Iterable[str]) -> list[str]:
    """Flight uuids for full ids or unique prefixes (at least 4 characters), in the order given.

    An OsintdeskError naming the id when it matches no flight, or several.
    """
    found: list[str] = []
    for value in flight_ids:
        text = str(value).strip().lower()
        rows = case.conn.execute("SELECT uuid FROM flights WHERE uuid = ?", (text,)).fetchall()
        if not rows and len(text) >= MIN_ID_PREFIX:
            rows = case.conn.execute("SELECT uuid FROM flights WHERE uuid LIKE ? ESCAPE '\\' "
                                     "LIMIT 2", (_prefix_pattern(text),)).fetchall()
        if not rows:
            raise _unknown(case, f"no flight '{value}' in this case (`osintdesk flights CASE` "
                                 "lists them)")
        if len(rows) > 1:
            raise _unknown(case, f"flight id '{value}' is ambiguous: give more of it")
        if rows[0][0] not in found:
            found.append(rows[0][0])
    return found


# --------------------------------------------------------------------------- selections

def _in(column: str, values: Sequence) -> str:
    return f"{column} IN ({', '.join('?' * len(values))})"


def _overlapping(start_col: str, end_col: str, t_from: float | None,
                 t_to: float | None) -> tuple[str, list]:
    """SQL (" AND ...") and parameters for rows whose [start, end] overlaps the UTC window."""
    sql, params = "", []
    if t_from is not None:
        sql += f" AND {end_col} >= ?"
        params.append(float(t_from))
    if t_to is not None:
        sql += f" AND {start_col} <= ?"
        params.append(float(t_to))
    return sql, params


def select_flights(case: Case, flight_uuids: Sequence[str] | None = None,
                   aircraft_uuids: Sequence[str] | None = None, t_from: float | None = None,
                   t_to: float | None = None) -> list[dict]:
    """Flights with their aircraft's label (``aircraft``), hex, registration and type code
    and the record forms ``departure_utc``, ``arrival_utc`` and ``duration``, in time order;
    ``ordinal``: the flight's place among all the case's flights in time order (whatever
    the filters), which gives it its colour in every view (``charts.style``).

    ``flight_uuids``, ``aircraft_uuids``: ids as the case holds them (``resolve_flights``
    and ``resolve_aircraft`` turn what the user typed into them, once); ``t_from``/``t_to``:
    UTC epoch seconds, selecting the flights that overlap the window. Filters combine; None
    means no filter, an empty list selects nothing.
    """
    where, params = [], []
    for column, uuids in (("f.uuid", flight_uuids), ("f.aircraft_uuid", aircraft_uuids)):
        if uuids is not None:
            uuids = list(uuids)
            if not uuids:
                return []
            where.append(_in(column, uuids))
            params += uuids
    window, extra = _overlapping("f.first_t", "f.last_t", t_from, t_to)
    rows = list(case.db.query(
        "SELECT f.*, a.label AS aircraft, a.hex, a.registration, a.type_code "
        "FROM (SELECT *, row_number() OVER (ORDER BY first_t, uuid) - 1 AS ordinal "
        "FROM flights) f JOIN aircraft a ON a.uuid = f.aircraft_uuid WHERE 1"
        + "".join(" AND " + w for w in where) + window + " ORDER BY f.first_t, f.uuid",
        params + extra))
    for row in rows:
        row["departure_utc"] = record_time_or_none(row["first_t"])
        row["arrival_utc"] = record_time_or_none(row["last_t"])
        row["duration"] = record_duration(row["duration_s"])
    return rows


def aircraft_of_flights(case: Case, flight_ids: Iterable[str]) -> list[str]:
    """The aircraft uuids the flights belong to (unknown ids are skipped)."""
    ids = list(flight_ids)
    if not ids:
        return []
    return [r[0] for r in case.conn.execute(
        f"SELECT DISTINCT aircraft_uuid FROM flights WHERE {_in('uuid', ids)}", ids)]


# --------------------------------------------------------------------------- track points

POINT_COLUMNS = ("t", "lat", "lon", "alt_ft", "gs_kt", "track_deg", "vrate_fpm", "on_ground",
                 "callsign", "squawk", "leg_start", "stale", "record")


class PointRows:
    """Track point rows read like a sqlite3 cursor: ``fetchmany``, ``fetchone``,
    ``fetchall``, iteration and ``close``; values as SQLite gives them (None when missing).
    The numpy columns become Python values a chunk at a time, as they are read."""

    CHUNK = 65536

    def __init__(self, columns: dict[str, np.ndarray], names: Sequence[str]):
        self._columns, self._names = columns, tuple(names)
        self._n = len(columns[self._names[0]]) if self._names else 0
        self._next = 0
        self._rows: Iterator[tuple] = iter(())

    def _chunks(self) -> Iterator[tuple]:
        while True:
            yield from self._rows
            if self._next >= self._n:
                return
            end = min(self._n, self._next + self.CHUNK)
            part = {name: self._columns[name][self._next:end] for name in self._names}
            self._rows = zip(*trackblocks.rows_from_columns(part, self._names))
            self._next = end

    def fetchmany(self, size: int = 1) -> list[tuple]:
        return list(islice(self, size))

    def fetchone(self) -> tuple | None:
        return next(iter(self), None)

    def fetchall(self) -> list[tuple]:
        return list(self)

    def __iter__(self) -> Iterator[tuple]:
        if not hasattr(self, "_iter"):
            self._iter = self._chunks()
        return self._iter

    def close(self) -> None:
        self._next, self._rows, self._iter = self._n, iter(()), iter(())


def _aircraft_id(case: Case, aircraft_uuid: str) -> int | None:
    row = case.conn.execute("SELECT id FROM aircraft WHERE uuid = ?", (aircraft_uuid,)).fetchone()
    return row[0] if row else None


def point_arrays(case: Case, aircraft_uuid: str, first_t: float, last_t: float, *,
                 columns: Sequence[str] = POINT_COLUMNS) -> dict[str, np.ndarray]:
    """One aircraft's points between two UTC epoch times (inclusive), in time order (then
    position), as numpy arrays per column of ``POINT_COLUMNS`` (read-only; NaN for a
    missing number, -1 for an unknown on_ground): the fast way for charts and maps."""
    unknown = [c for c in columns if c not in POINT_COLUMNS]
    if unknown:
        raise ValueError(f"not a track point column: {', '.join(unknown)}")
    aircraft_id = _aircraft_id(case, aircraft_uuid)
    if aircraft_id is None:
        return trackblocks.sorted_points([], columns)
    return trackblocks.read_points(case.conn, aircraft_id, float(first_t), float(last_t), columns)


def track_points(case: Case, aircraft_uuid: str, first_t: float, last_t: float, *,
                 columns: Sequence[str] = POINT_COLUMNS, offset: int = 0,
                 limit: int | None = None) -> PointRows:
    """A cursor over one aircraft's points between two UTC epoch times (inclusive), in time
    order: the ``columns`` named (of ``POINT_COLUMNS``; units in the names), from the
    ``offset``-th point, at most ``limit`` points. Read it a page at a time (a table) or in
    chunks with ``fetchmany`` (a chart)."""
    points = point_arrays(case, aircraft_uuid, first_t, last_t, columns=columns)
    end = None if limit is None else offset + limit
    if offset or end is not None:
        points = {name: values[offset:end] for name, values in points.items()}
    return PointRows(points, columns)


def has_track_points(case: Case, aircraft_uuid: str) -> bool:
    """Whether imported files gave this aircraft any track point."""
    return case.conn.execute(
        f"SELECT 1 FROM {trackblocks.TABLE} WHERE aircraft_id = "
        "(SELECT id FROM aircraft WHERE uuid = ?) LIMIT 1", (aircraft_uuid,)).fetchone() is not None


def count_track_points(case: Case, aircraft_uuid: str, first_t: float, last_t: float) -> int:
    """How many points ``track_points`` gives for the same aircraft and times."""
    return len(point_arrays(case, aircraft_uuid, first_t, last_t, columns=("t",))["t"])


def files_behind(case: Case, aircraft_uuid: str, first_t: float, last_t: float) -> list[dict]:
    """The flight files whose points of this aircraft fall between two UTC epoch times:
    uuid, original_name and importer of each import, in the order they were imported."""
    aircraft_id = _aircraft_id(case, aircraft_uuid)
    if aircraft_id is None:
        return []
    found = trackblocks.read_points(case.conn, aircraft_id, float(first_t), float(last_t),
                                    ("t",), with_import=True)
    ids = sorted(set(found["import_id"].tolist()))
    if not ids:
        return []
    return list(case.db.query(
        f"SELECT uuid, original_name, importer FROM flight_imports WHERE {_in('id', ids)} "
        "ORDER BY id", ids))


# --------------------------------------------------------------------------- timeline

def coverage_gaps(case: Case, aircraft_uuids: Sequence[str] | None = None,
                  t_from: float | None = None, t_to: float | None = None) -> list[dict]:
    """Every coverage gap (of these aircraft, overlapping the UTC window), in time order:
    ``uuid``, ``flight_uuid``, ``aircraft_uuid``, ``start_t``, ``end_t`` (UTC epoch
    seconds), ``duration_s``. The timeline draws them inside their flights, never as flown."""
    sql, params = ("SELECT uuid, flight_uuid, aircraft_uuid, start_t, end_t, duration_s "
                   "FROM coverage_gaps WHERE 1"), []
    if aircraft_uuids is not None:
        if not aircraft_uuids:
            return []
        sql += " AND " + _in("aircraft_uuid", aircraft_uuids)
        params += list(aircraft_uuids)
    window, extra = _overlapping("start_t", "end_t", t_from, t_to)
    return list(case.db.query(sql + window + " ORDER BY start_t, uuid", params + extra))


def aircraft_names(case: Case) -> list[dict]:
    """Every aircraft's ``uuid``, ``label``, ``registration``, ``hex`` and ``type_code``, by
    label (without the counts ``aircraft`` adds, which read every track point)."""
    return list(case.db.query("SELECT uuid, label, registration, hex, type_code FROM aircraft "
                              "ORDER BY label, uuid"))


def flight_imports(case: Case, uuids: Sequence[str] | None = None) -> list[dict]:
    """The flight files imported (all, or those with these import uuids), in import order:
    uuid, sha256, original_name, importer, points, skipped, created_utc, examiner."""
    where, params = "", []
    if uuids is not None:
        if not uuids:
            return []
        where, params = " WHERE " + _in("uuid", uuids), list(uuids)
    return list(case.db.query(
        "SELECT uuid, sha256, original_name, importer, importer_version, points, skipped, "
        f"created_utc, examiner FROM flight_imports{where} ORDER BY id", params))
