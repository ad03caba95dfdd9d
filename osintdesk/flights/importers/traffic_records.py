"""What the three ``traffic`` importers share: one record of the ``traffic`` Python library's
flight table (``timestamp``, ``icao24``, ``callsign``, ``latitude``, ``longitude``,
``altitude`` in feet, ``groundspeed`` in knots, ``track`` in degrees, ``vertical_rate`` in
ft/min, ``onground``, ``squawk``...) turned into a TrackPoint. Not an importer itself.

``timestamp`` is epoch milliseconds (pandas' JSON default), epoch seconds, or an ISO 8601
text (CSV); the same record read from JSON, CSV or Parquet gives the same point.
"""

from __future__ import annotations

from typing import Any, Callable

from ..parsing import (BadRecord, Validator, make_point, normalise_hex, normalise_squawk,
                       parse_bool, parse_iso_time, stripped_text, to_float)

# The columns that make a file traffic's (sniffing), and those read when present.
REQUIRED = ("timestamp", "icao24", "latitude", "longitude")
COLUMNS = REQUIRED + ("callsign", "altitude", "geoaltitude", "groundspeed", "track",
                      "vertical_rate", "onground", "squawk")

# Epoch values above this are milliseconds (1e11 s is the year 5138).
_MS_ABOVE = 1e11


def record_time(value: Any, name: str, record: int | None, where: str = "") -> float:
    """``timestamp`` as UTC epoch seconds: epoch ms or s as a number (or numeric text), or ISO."""
    if value is None or value == "":
        raise BadRecord(f"{where}timestamp is empty", reason="timestamp is empty", path=name,
                        line=record)
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            return parse_iso_time(text, name, record, where=where)
    else:
        number = to_float(value, "timestamp", name, record, where)
    return number / 1000.0 if abs(number) > _MS_ABOVE else number


def point(get: Callable[[str], Any], record: int, name: str, check: Validator, *,
          line: int | None = None, where: str = ""):
    """The TrackPoint of one record; ``get(column)`` gives its value (None when absent).
    Raises BadRecord (the importer skips the record) when a value cannot be read."""
    t = check.time(record_time(get("timestamp"), name, line, where), line, where)
    lat = to_float(get("latitude"), "latitude", name, line, where)
    lon = to_float(get("longitude"), "longitude", name, line, where)
    check.position(lat, lon, line, where)
    alt = to_float(get("altitude"), "altitude", name, line, where)
    if alt is None:
        alt = to_float(get("geoaltitude"), "geoaltitude", name, line, where)
    hex_code = normalise_hex(get("icao24"), name, line, where)
    return make_point(
        t, lat, lon, alt,
        to_float(get("groundspeed"), "groundspeed", name, line, where),
        to_float(get("track"), "track", name, line, where),
        to_float(get("vertical_rate"), "vertical_rate", name, line, where),
        parse_bool(get("onground"), "onground", name, line, where),
        stripped_text(get("callsign")),
        normalise_squawk(get("squawk"), name, line, where=where),
        hex_code, False, False, record)


def is_missing(value: Any) -> bool:
    """pandas writes a missing value as null (JSON), an empty cell (CSV) or NaN."""
    return value is None or value == "" or (isinstance(value, float) and value != value)
