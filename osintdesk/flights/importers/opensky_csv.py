"""OpenSky Network state vectors CSV (``time,icao24,lat,lon,velocity,heading,vertrate,callsign,
onground,alert,spi,squawk,baroaltitude,geoaltitude,lastposupdate,lastcontact``).

Metres and metres per second (converted to feet, knots, ft/min). The position time is
``lastposupdate``, not ``time``: OpenSky writes a row every few seconds and keeps repeating
the last known position after the last contact. A row whose ``lastposupdate`` equals the
previous one for that aircraft is the same position again and is reported as skipped.
"""

from __future__ import annotations

from ..model import Skipped
from ..parsing import (BadRecord, Ticker, Validator, cell_float, clock_from, csv_header, csv_rows,
                       header_cells, header_index, m_to_ft, make_point, ms_to_fpm, ms_to_kt,
                       normalise_hex, normalise_squawk, parse_bool, skipped_record,
                       stripped_text, wrong_width)

NAME = "opensky-csv"
VERSION = "1"
DESCRIPTION = ("OpenSky Network state vectors CSV (time, icao24, lat, lon, velocity, ..., "
               "lastposupdate, lastcontact); metres and m/s; position time = lastposupdate")
EXTENSIONS = (".csv",)
SINGLE_FLIGHT = False

_COLUMNS = ("time", "icao24", "lat", "lon", "velocity", "heading", "vertrate", "callsign",
            "onground", "squawk", "baroaltitude", "lastposupdate")
_ALIASES = {column: (column,) for column in _COLUMNS}

REASON_REPEAT = "repeated state vector (same lastposupdate as the row before: not a new position)"
REASON_NO_POSITION = "state vector without a position"


def sniff(head: bytes, name: str) -> bool:
    cells = set(header_cells(head))
    return {"icao24", "lat", "lon", "lastposupdate", "lastcontact"} <= cells


def parse(stream, name, *, options=None, progress=None, cancelled=None):
    """Yield a TrackPoint per new position and a Skipped per repeated or position-less row."""
    check = Validator(name, clock_from(options))
    ticker = Ticker(stream, progress, cancelled)
    rows = csv_rows(stream, name)
    line, header = csv_header(rows, name)
    col = header_index(header, name, line, aliases=_ALIASES,
                       required=("icao24", "lat", "lon", "lastposupdate"))
    width = len(header)
    last_update: dict[str, float] = {}  # per aircraft: lastposupdate of its previous position
    for line, row in rows:
        if len(row) != width:
            yield wrong_width(name, line, width, len(row))
            continue
        try:
            yield _row(row, col, name, line, check, last_update)
        except BadRecord as exc:
            yield skipped_record(exc, line)
        ticker.tick()
    ticker.finish()


def _row(row, col, name, line, check, last_update):
    hex_code = normalise_hex(row[col["icao24"]], name, line)
    if hex_code is None:
        raise BadRecord("icao24 is empty", reason="icao24 is empty", path=name, line=line)
    lat = cell_float(row, col["lat"], "lat", name, line)
    lon = cell_float(row, col["lon"], "lon", name, line)
    t = cell_float(row, col["lastposupdate"], "lastposupdate", name, line)
    if lat is None or lon is None or t is None:
        return Skipped(line, REASON_NO_POSITION)
    check.position(lat, lon, line)
    check.time(t, line)
    if last_update.get(hex_code) == t:
        return Skipped(line, REASON_REPEAT)
    last_update[hex_code] = t
    get = col.get
    return make_point(
        t, lat, lon,
        m_to_ft(cell_float(row, get("baroaltitude"), "baroaltitude", name, line)),
        ms_to_kt(cell_float(row, get("velocity"), "velocity", name, line)),
        cell_float(row, get("heading"), "heading", name, line),
        ms_to_fpm(cell_float(row, get("vertrate"), "vertrate", name, line)),
        parse_bool(row[col["onground"]].strip(), "onground", name, line) if "onground" in col else None,
        stripped_text(row[col["callsign"]]) if "callsign" in col else None,
        normalise_squawk(row[col["squawk"]], name, line) if "squawk" in col else None,
        hex_code, False, False, line)
