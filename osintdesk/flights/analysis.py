"""Derive an aircraft's flights, coverage gaps and ground times from its stored points.

Run after every import that adds points to an aircraft: the derived rows of that
aircraft are replaced, and the audit log gets the digest of the new set. Flight ids
are stable (derived from the aircraft and the first point's time), so a flight that
did not change keeps its id when more data arrives.
"""

from __future__ import annotations

import json
import uuid as uuidlib
from dataclasses import dataclass

import numpy as np

from ..store import Case
from . import airports, importers
from .model import FileFlight
from ..store import trackblocks
from .segment import AircraftTrack, TrackSplitter, track_of_points

NAMESPACE = uuidlib.UUID("6f1c5a52-3c1e-4d7e-9a53-2b8f0e4f7a11")


def prepare() -> None:
    """Load the airports' tables the analysis looks positions and codes up in (once per
    process; a caller with a thread to spare runs it ahead of ``recompute_flights``)."""
    airports.nearest(0.0, 0.0)
    airports.lookup("ZZZZ")


def _stable_id(*parts: object) -> str:
    return str(uuidlib.uuid5(NAMESPACE, ":".join(repr(p) for p in parts)))


def _imports_of(case: Case, aircraft_uuid: str) -> list[tuple[int, bool, list[FileFlight]]]:
    """(import id, whether the file describes one flight, the file's own flights)."""
    out = []
    for uuid, importer, file_flights in case.conn.execute(
            "SELECT id, importer, file_flights FROM flight_imports "
            "WHERE aircraft_uuids LIKE ? ORDER BY created_utc", (f'%"{aircraft_uuid}"%',)):
        try:
            single = bool(getattr(importers.get(importer), "SINGLE_FLIGHT", False))
        except Exception:  # an importer this version no longer has
            single = False
        out.append((uuid, single, [FileFlight.from_dict(f)
                                   for f in json.loads(file_flights or "[]")]))
    return out


_COLUMNS = ("t", "lat", "lon", "alt_ft", "gs_kt", "on_ground", "leg_start", "callsign", "squawk")


@dataclass
class SplitInputs:
    """What splitting an aircraft's track takes besides its points (segment's rules 1, 4)."""

    aircraft_id: int
    hex: str | None
    leg_imports: set[int]          # one-flight files: the first point of each starts a leg
    spans: list[tuple[float, float]]   # their (first t, last t)
    file_flights: list[FileFlight]
    single_flight: bool            # the aircraft's one file describes one flight


def split_inputs(case: Case, aircraft_uuid: str) -> SplitInputs:
    imports = _imports_of(case, aircraft_uuid)
    aircraft_id, hex_code = case.conn.execute("SELECT id, hex FROM aircraft WHERE uuid = ?",
                                              (aircraft_uuid,)).fetchone()
    # One rule whatever the order files came in: each one-flight file starts a leg at its
    # first point and holds no split at altitude; landings split it (segment's rule 4).
    single_flight = len(imports) == 1 and imports[0][1]
    leg_imports = {uuid for uuid, single, _ in imports if single}
    return SplitInputs(aircraft_id, hex_code, leg_imports,
                       _spans(case, aircraft_uuid, leg_imports),
                       [f for _, _, flights in imports for f in flights], single_flight)


def split_aircraft(case: Case, aircraft_uuid: str, *,
                   window_points: int = trackblocks.WINDOW_POINTS,
                   given: SplitInputs | None = None) -> AircraftTrack:
    """The aircraft's flights, gaps and ground times from its stored points, read
    ``window_points`` at a time in time order (``TrackSplitter``: the same as splitting
    the whole track at once, without holding it)."""
    given = given or split_inputs(case, aircraft_uuid)
    spans = given.spans
    if given.single_flight:   # the one file's span is the whole track's (split_track's)
        first, last = case.conn.execute(
            f"SELECT min(first_t), max(last_t) FROM {trackblocks.TABLE} WHERE aircraft_id = ?",
            (given.aircraft_id,)).fetchone()
        if first is not None:
            spans = [*spans, (first, last)]
    splitter = TrackSplitter(given.hex, one_flight_spans=spans)
    legs_to_find = set(given.leg_imports)   # one-flight files whose first point is to come
    for window in trackblocks.read_points_in_windows(case.conn, given.aircraft_id, _COLUMNS,
                                                     window_points=window_points,
                                                     with_import=True):
        splitter.add(track_of_points(given.hex, window, legs_to_find))
        if legs_to_find:
            legs_to_find -= set(np.unique(window["import_id"]).tolist())
    return splitter.finish(file_flights=given.file_flights, single_flight=given.single_flight)


def _spans(case: Case, aircraft_uuid: str, import_ids: set[int]) -> list[tuple[float, float]]:
    """(first t, last t) of the aircraft's points from each of these imports."""
    return [r for r in case.conn.execute(
        f"SELECT min(b.first_t), max(b.last_t) FROM {trackblocks.TABLE} b JOIN aircraft a "
        "ON a.id = b.aircraft_id WHERE a.uuid = ? AND b.import_id IN "
        f"({', '.join('?' * len(import_ids))}) GROUP BY b.import_id",
        (aircraft_uuid, *sorted(import_ids)))] if import_ids else []


def recompute_flights(case: Case, aircraft_uuid: str, *,
                      window_points: int = trackblocks.WINDOW_POINTS) -> int:
    """Recompute and store the aircraft's flights, gaps and ground times; return the flight count.

    A file that describes one flight (a FlightRadar24 export) starts a new flight and is
    not split at gaps at altitude; landings seen in it split it like any other file.
    The points are read ``window_points`` at a time (about 130 bytes each), so memory
    holds a window and the longest flight or stay on the ground, not the whole track.
    """
    given = split_inputs(case, aircraft_uuid)
    track = split_aircraft(case, aircraft_uuid, window_points=window_points, given=given)
    with case.transaction():
        previous = case.conn.execute("SELECT count(*) FROM flights WHERE aircraft_uuid = ?",
                                     (aircraft_uuid,)).fetchone()[0]
        for table in ("coverage_gaps", "ground_times", "flights"):
            case.conn.execute(f"DELETE FROM {table} WHERE aircraft_uuid = ?", (aircraft_uuid,))
        flight_ids = _store(case, aircraft_uuid, track)
        case.record_bulk("analyse", "flight-analysis", aircraft_uuid,
                         {"flights": len(flight_ids), "previous_flights": previous,
                          "ground_times": len(track.ground_times),
                          "single_flight": given.single_flight})
    return len(flight_ids)


def _store(case: Case, aircraft_uuid: str, track: AircraftTrack) -> list[str]:
    ids = []
    flights, gaps, stays = [], [], []   # inserted a table at a time (hundreds of rows)
    for flight in track.flights:
        fid = _stable_id(aircraft_uuid, flight.start_t)
        ids.append(fid)
        dep, arr = flight.departure, flight.arrival
        flights.append({
            "uuid": fid, "aircraft_uuid": aircraft_uuid, "first_t": flight.start_t,
            "last_t": flight.end_t, "duration_s": flight.duration_s,
            "distance_km": flight.distance_km, "max_alt_ft": flight.max_alt_ft,
            "callsigns": ", ".join(flight.callsigns) or None,
            "flight_number": flight.flight_number,
            "origin": dep.code if dep else None, "origin_name": dep.name if dep else None,
            "origin_distance_km": dep.distance_km if dep else None,
            "origin_source": dep.source if dep else None, "origin_basis": dep.basis if dep else None,
            "destination": arr.code if arr else None,
            "destination_name": arr.name if arr else None,
            "destination_distance_km": arr.distance_km if arr else None,
            "destination_source": arr.source if arr else None,
            "destination_basis": arr.basis if arr else None,
            "point_count": flight.point_count, "gap_count": len(flight.gaps),
            "gap_distance_km": flight.gap_distance_km,
            "squawks": ", ".join(flight.squawks) or None,
            "departed_ground": int(flight.departed_ground),
            "arrived_ground": int(flight.arrived_ground),
            "start_reason": flight.start_reason, "end_reason": flight.end_reason,
            "notes": "; ".join(flight.notes) or None,
            "first_lat": flight.first_lat, "first_lon": flight.first_lon,
            "first_alt_ft": flight.first_alt_ft, "last_lat": flight.last_lat,
            "last_lon": flight.last_lon, "last_alt_ft": flight.last_alt_ft,
        })
        for gap in flight.gaps:
            gaps.append({
                "uuid": _stable_id(fid, gap.start_t), "flight_uuid": fid,
                "aircraft_uuid": aircraft_uuid, "start_t": gap.start_t, "end_t": gap.end_t,
                "duration_s": gap.duration_s, "start_lat": gap.start_lat,
                "start_lon": gap.start_lon, "start_alt_ft": gap.start_alt_ft,
                "end_lat": gap.end_lat, "end_lon": gap.end_lon,
                "end_alt_ft": gap.end_alt_ft, "distance_km": gap.distance_km})
    for stay in track.ground_times:
        stays.append({
            "uuid": _stable_id(aircraft_uuid, "ground", stay.start_t),
            "aircraft_uuid": aircraft_uuid, "airport": stay.airport_code,
            "airport_name": stay.airport_name, "start_t": stay.start_t, "end_t": stay.end_t,
            "duration_s": stay.duration_s, "lat": stay.lat, "lon": stay.lon,
            "distance_km": stay.distance_km, "observed": int(stay.observed),
            "description": stay.describe(),
            "after_flight": ids[stay.after_flight], "before_flight": ids[stay.before_flight]})
    for table, rows in (("flights", flights), ("coverage_gaps", gaps), ("ground_times", stays)):
        if rows:
            case.db[table].insert_all(rows)
    return ids
