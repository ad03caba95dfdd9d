"""Sightings: aircraft heard without a position (address, callsign, squawk at a time), kept
from the files that list them. They belong on the aircraft and on the timeline, never on
the map. Each is a write-once record (``sighting``) tied to its flight import.
"""

from __future__ import annotations

import json
from typing import Callable, Iterable

from ..store import Case
from .model import Sighting


def store_sightings(case: Case, import_uuid: str, sightings: Iterable[Sighting],
                    aircraft_of: Callable[[str | None], str], file_name: str) -> int:
    """Insert the sightings of one import (inside its transaction); ``aircraft_of(hex)``
    gives the uuid of the aircraft a sighting belongs to. Returns how many were stored."""
    count = 0
    for sighting in sightings:
        case.insert_record("sighting", {
            "import_uuid": import_uuid, "aircraft_uuid": aircraft_of(sighting.hex),
            "t": float(sighting.t), "hex": sighting.hex, "callsign": sighting.callsign,
            "squawk": sighting.squawk, "record": sighting.record,
            "details": json.dumps(sighting.extra, sort_keys=True) if sighting.extra else None,
        }, action="import", details={"file": file_name})
        count += 1
    return count


_COLUMNS = ("uuid", "import_uuid", "aircraft_uuid", "t", "hex", "callsign", "squawk", "record",
            "details")


def sightings(case: Case, aircraft_uuids: Iterable[str] | None = None) -> list[dict]:
    """The case's sightings in time order (of these aircraft only, when given), each a dict
    with the aircraft's label and the file it came from."""
    sql = (f"SELECT {', '.join('s.' + c for c in _COLUMNS)}, a.label AS aircraft, "
           "i.original_name AS file FROM sightings s "
           "JOIN aircraft a ON a.uuid = s.aircraft_uuid "
           "JOIN flight_imports i ON i.uuid = s.import_uuid")
    params: list = []
    if aircraft_uuids is not None:
        wanted = list(aircraft_uuids)
        sql += f" WHERE s.aircraft_uuid IN ({', '.join('?' * len(wanted))})"
        params = wanted
    cursor = case.conn.execute(sql + " ORDER BY s.t, s.uuid", params)
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row)) for row in cursor.fetchall()]
    for row in rows:
        row["details"] = json.loads(row["details"]) if row["details"] else {}
    return rows


def count_by_aircraft(case: Case) -> dict[str, int]:
    """aircraft uuid -> how many sightings it has."""
    return dict(case.conn.execute(
        "SELECT aircraft_uuid, count(*) FROM sightings GROUP BY aircraft_uuid").fetchall())


def sentence(row: dict) -> str:
    """One line for a sighting: ``heard 2024-01-02 07:41:03 UTC, callsign SBI1234, squawk 7700
    (no position)``."""
    from ..timefmt import display_time
    parts = [f"heard {display_time(row['t'])}"]
    if row.get("callsign"):
        parts.append(f"callsign {row['callsign']}")
    if row.get("squawk"):
        parts.append(f"squawk {row['squawk']}")
    return ", ".join(parts) + " (no position)"
