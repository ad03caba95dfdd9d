"""Chart inputs from a case: flights with their track points, activity rows, places.

The bridge between the query layers (``flights.queries``, ``sources.queries``) and the
chart functions (which only know ``charts.data``); no SQL of its own. Track points come
as numpy arrays from the case's packed blocks (``flights.queries.point_arrays``), so a
million positions cost a fraction of a second, not a Python object per value. Times are UTC epoch seconds
throughout.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

import numpy as np

from .. import timefmt
from ..errors import Cancelled
from ..flights import airports, queries
from ..sources import queries as source_queries
from .data import (ActivityFlight, ActivityRow, ChartAirport, ChartFlight, ChartPlace, CoverageGap,
                   GroundStay)

Progress = Callable[[int, int | None], None]

_POINT_COLUMNS = ("t", "lat", "lon", "alt_ft", "gs_kt", "on_ground")


# --------------------------------------------------------------------------- selection

def select(case, flight_ids: Iterable[str] | None = None, aircraft=None,
           t_from: float | None = None, t_to: float | None = None) -> list[dict]:
    """The flights to chart (rows of ``flights.queries.select_flights``, without points).

    ``flight_ids``: flight uuids (or unique prefixes); ``aircraft``: what the user typed (a
    hex, registration, label or id; or a list: ``flights.queries.find_aircraft``), each
    resolved once; ``t_from``/``t_to``: UTC epoch seconds, selecting the flights that
    overlap the window (each is drawn whole). Filters combine; None means no filter.
    Unknown ids or aircraft raise an OsintdeskError.
    """
    flight_uuids = None if flight_ids is None else queries.resolve_flights(case, flight_ids)
    aircraft_uuids = None if aircraft is None else queries.resolve_aircraft(case, aircraft)
    return queries.select_flights(case, flight_uuids, aircraft_uuids, t_from, t_to)


def estimated_points(rows: Iterable[dict]) -> int:
    """How many track points ``read_flights`` would read for these flight rows (known from
    the flights table, so instantly)."""
    return sum(int(r["point_count"] or 0) for r in rows)


# --------------------------------------------------------------------------- labels

def aircraft_label(label: str, type_code: str | None) -> str:
    """``RA-86496 (IL62)``: the aircraft's label and type code."""
    return f"{label} ({type_code})" if type_code else label


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

def _airport(code: str | None, name: str | None, lat, lon, on_ground) -> ChartAirport | None:
    """The airport to mark: from the reference table, else where the aircraft stood."""
    if not code:
        return None
    known = airports.lookup(code)
    if known is not None:
        return ChartAirport(code, known.lat, known.lon, name or known.name)
    # A code the file gave but the table lacks: only where the aircraft was seen on the ground.
    if on_ground and lat is not None and lon is not None:
        return ChartAirport(code, float(lat), float(lon), name or "")
    return None


def load_points(case, aircraft_uuid: str, first_t: float, last_t: float, *,
                cancelled: Callable[[], bool] | None = None,
                on_rows: Callable[[int], None] | None = None) -> np.ndarray:
    """One aircraft's points between two UTC times (inclusive), time-ordered, as an (n, 6)
    float array: t, lat, lon, alt_ft, gs_kt, on_ground (NaN where the case has NULL)."""
    if cancelled is not None and cancelled():
        raise Cancelled()
    columns = queries.point_arrays(case, aircraft_uuid, first_t, last_t, columns=_POINT_COLUMNS)
    points = np.empty((len(columns["t"]), len(_POINT_COLUMNS)))
    for k, name in enumerate(_POINT_COLUMNS):
        points[:, k] = columns[name]
    if len(points):
        points[points[:, 5] < 0, 5] = np.nan   # on_ground unknown
        if on_rows is not None:
            on_rows(len(points))
    return points


def _gaps(case, flight_uuid: str) -> list[CoverageGap]:
    """The flight's coverage gaps whose two ends are known (the others cannot be drawn)."""
    return [CoverageGap(**{name: g[name] for name in CoverageGap._fields})
            for g in queries.gaps(case, flight_uuid)
            if g["start_lat"] is not None and g["end_lat"] is not None]


def chart_flights(case, flight_ids: Iterable[str] | None = None, aircraft=None,
                  t_from: float | None = None, t_to: float | None = None, *,
                  progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> list[ChartFlight]:
    """The selected flights (see ``select``), each with its track points, coverage gaps
    and airports (see ``read_flights``)."""
    return read_flights(case, select(case, flight_ids, aircraft, t_from, t_to),
                        progress=progress, cancelled=cancelled)


def read_flights(case, rows: Sequence[dict], *, progress: Progress | None = None,
                 cancelled: Callable[[], bool] | None = None) -> list[ChartFlight]:
    """The flights of ``rows`` (from ``select``) with their track points, coverage gaps and
    airports. ``progress(done, total)`` counts points; ``cancelled()`` is checked between
    flights (raises Cancelled)."""
    total = estimated_points(rows)
    done = 0

    def counted(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    # Each aircraft's points are read once, over the span of its selected flights: a
    # block of stored points holds many flights, so reading per flight reads it again.
    spans: dict[str, tuple[float, float]] = {}
    for row in rows:
        first, last = spans.get(row["aircraft_uuid"], (row["first_t"], row["last_t"]))
        spans[row["aircraft_uuid"]] = (min(first, row["first_t"]), max(last, row["last_t"]))
    held: dict[str, np.ndarray] = {}
    flights = []
    for row in rows:
        aircraft_uuid = row["aircraft_uuid"]
        if aircraft_uuid not in held:
            held[aircraft_uuid] = load_points(case, aircraft_uuid, *spans[aircraft_uuid],
                                              cancelled=cancelled)
        if cancelled is not None and cancelled():
            raise Cancelled()
        every = held[aircraft_uuid]
        t = every[:, 0]
        pts = every[np.searchsorted(t, row["first_t"], "left"):
                    np.searchsorted(t, row["last_t"], "right")]
        counted(len(pts))
        flights.append(ChartFlight(
            id=row["uuid"], ordinal=row.get("ordinal"),
            label=flight_label(row),
            aircraft_label=aircraft_label(row["aircraft"], row["type_code"]),
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

def activity_rows(case, aircraft_uuids: Sequence[str] | None = None,
                  t_from: float | None = None, t_to: float | None = None) -> list[ActivityRow]:
    """One row per aircraft (by label): its flights as bars and its ground times by airport.

    ``aircraft_uuids``: the aircraft (ids as the case holds them: ``flights.queries.
    resolve_aircraft`` turns what the user typed into them), each given a row even when
    empty; None: every aircraft with something to show. Only what the analysis derived is
    shown: a ground time is a stay between two observed flights; nothing is guessed before
    the first flight or after the last. With a window (UTC epoch seconds), flights and
    stays overlapping it.
    """
    planes = queries.aircraft(case, aircraft_uuids)
    flights: dict[str, list[ActivityFlight]] = {p["uuid"]: [] for p in planes}
    stays: dict[str, list[GroundStay]] = {p["uuid"]: [] for p in planes}
    for f in queries.select_flights(case, aircraft_uuids=aircraft_uuids, t_from=t_from, t_to=t_to):
        flights[f["aircraft_uuid"]].append(ActivityFlight(f["first_t"], f["last_t"], route_text(f)))
    for g in queries.ground_times(case, None, t_from, t_to):
        if g["aircraft_uuid"] in stays:
            stays[g["aircraft_uuid"]].append(GroundStay(g["start_t"], g["end_t"], g["airport"] or "?"))
    return [ActivityRow(aircraft_label(p["label"], p["type_code"]), flights[p["uuid"]],
                        stays[p["uuid"]])
            for p in planes
            if flights[p["uuid"]] or stays[p["uuid"]] or aircraft_uuids is not None]


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
    captured files). With a UTC window, places whose time is known and outside it are left
    out."""
    found: dict[tuple, ChartPlace] = {}
    for row in source_queries.located_captures(case):
        if _in_window(row["taken_utc"], t_from, t_to):
            place = ChartPlace(_short_name(row["name"]), float(row["geo_lat"]),
                               float(row["geo_lon"]), "photo (EXIF)"
                               if row["document_kind"] == "image" else "file location")
            found.setdefault((place.label, place.lat, place.lon), place)
    return [p for p in found.values() if -90 <= p.lat <= 90 and -180 <= p.lon <= 360]


def source_places(case, source_uuid: str) -> list[ChartPlace]:
    """What one source puts on the map: the airports its text names (ICAO or IATA codes
    the reference table knows) and where its captures were taken (EXIF GPS)."""
    from ..flights.identifiers import AIRPORT_IATA, AIRPORT_ICAO
    found: dict[tuple, ChartPlace] = {}
    for hit in source_queries.identifiers_of_source(case, source_uuid):
        if hit["kind"] in (AIRPORT_ICAO, AIRPORT_IATA):
            airport = airports.lookup(hit["normalised"] or hit["value"])
            if airport is not None:
                place = ChartPlace(airport.code, airport.lat, airport.lon, "airport named by the source")
                found.setdefault((place.label, place.lat, place.lon), place)
    for row in source_queries.located_captures(case):
        if row["source_uuid"] == source_uuid:
            place = ChartPlace(_short_name(row["name"]), float(row["geo_lat"]), float(row["geo_lon"]),
                               "photo (EXIF)" if row["document_kind"] == "image" else "file location")
            found.setdefault((place.label, place.lat, place.lon), place)
    return [p for p in found.values() if -90 <= p.lat <= 90 and -180 <= p.lon <= 360]
