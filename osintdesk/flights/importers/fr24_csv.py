"""FlightRadar24 per-flight CSV export (``Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction``).

``Position`` is one quoted ``"lat,lon"`` cell; altitude in feet (0 on the ground), speed in
knots, direction in degrees. The older export has no ``UTC`` column. Columns are found by
header name. The file names no aircraft: pass ``options={"hex": ...}`` to attribute it.
"""

from __future__ import annotations

from ... import timefmt
from ...errors import InputError
from ..parsing import (EARLIEST_T, BadRecord, Ticker, Validator, cell_float, clock_from, csv_header, csv_rows,
                       header_cells, header_index, make_point, options_hex, parse_iso_time,
                       skipped_record, stripped_text, wrong_width)

NAME = "fr24-csv"
VERSION = "1"
DESCRIPTION = ("FlightRadar24 per-flight CSV export (Timestamp, UTC, Callsign, Position, Altitude, "
               "Speed, Direction), with or without the UTC column")
EXTENSIONS = (".csv",)
SINGLE_FLIGHT = True  # one export describes one flight, across oceanic gaps

_ALIASES = {
    "timestamp": ("timestamp",),
    "utc": ("utc",),
    "callsign": ("callsign",),
    "position": ("position",),
    "altitude": ("altitude",),
    "speed": ("speed",),
    "direction": ("direction",),
}

# Seconds the Timestamp and UTC columns may differ before the row is called inconsistent.
_CLOCK_TOLERANCE_S = 1.0


def sniff(head: bytes, name: str) -> bool:
    cells = set(header_cells(head))
    return {"position", "callsign", "altitude"} <= cells and bool({"timestamp", "utc"} & cells)


def parse(stream, name, *, options=None, progress=None, cancelled=None):
    """Yield one TrackPoint per row (t from Timestamp, checked against UTC when both exist)."""
    hex_code = options_hex(options, name)
    check = Validator(name, clock_from(options))
    ticker = Ticker(stream, progress, cancelled)
    rows = csv_rows(stream, name)
    columns, width = _read_header(rows, name)
    fast = _fast_row(columns, hex_code, check)
    for line, row in rows:
        try:
            point = fast(row, line) if len(row) == width else None
        except (ValueError, TypeError):
            point = None
        if point is None:
            try:
                point = _checked_row(row, line, width, columns, hex_code, check, name)
            except BadRecord as exc:
                point = skipped_record(exc, line)
        yield point
        ticker.tick()
    ticker.finish()


def _fast_row(columns, hex_code, check):
    """The hot path for well-formed rows: returns None whenever anything looks wrong, and
    the row is then parsed again by ``_checked_row``, which says exactly what is wrong."""
    i_ts, i_utc, i_pos = columns.get("timestamp"), columns.get("utc"), columns["position"]
    i_alt, i_cs = columns.get("altitude"), columns.get("callsign")
    i_spd, i_dir = columns.get("speed"), columns.get("direction")
    earliest, latest = EARLIEST_T, check.latest_t
    fromiso = timefmt.parse_iso_strict

    def fast(row, line):
        if i_ts is None:
            return None
        t = float(row[i_ts])
        if i_utc is not None:
            moment = fromiso(row[i_utc])
            if moment.tzinfo is None or abs(moment.timestamp() - t) > _CLOCK_TOLERANCE_S:
                return None
        position = row[i_pos]
        comma = position.index(",")
        lat, lon = float(position[:comma]), float(position[comma + 1:])
        if not (earliest <= t <= latest and -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            return None
        alt = float(row[i_alt]) if i_alt is not None and row[i_alt] else None
        speed = float(row[i_spd]) if i_spd is not None and row[i_spd] else None
        direction = float(row[i_dir]) if i_dir is not None and row[i_dir] else None
        for value in (alt, speed, direction):
            if value is not None and value - value != 0.0:  # NaN or infinite
                return None
        callsign = row[i_cs].strip() or None if i_cs is not None else None
        return make_point(t, lat, lon, alt, speed, direction, None,
                          None if alt is None else alt == 0, callsign, None, hex_code,
                          False, False, line)

    return fast


def _checked_row(row, line, width, columns, hex_code, check, name):
    """Parse one row with every check, raising BadRecord naming the line and the column."""
    if len(row) != width:
        return wrong_width(name, line, width, len(row))
    t = _row_time(row, columns.get("timestamp"), columns.get("utc"), name, line)
    check.time(t, line)
    lat, lon = _position(row[columns["position"]], name, line)
    check.position(lat, lon, line)
    alt_ft = cell_float(row, columns.get("altitude"), "Altitude", name, line)
    i_cs = columns.get("callsign")
    return make_point(
        t, lat, lon, alt_ft,
        cell_float(row, columns.get("speed"), "Speed", name, line),
        cell_float(row, columns.get("direction"), "Direction", name, line),
        None,
        None if alt_ft is None else alt_ft == 0,  # FlightRadar24 writes 0 ft on the ground
        stripped_text(row[i_cs]) if i_cs is not None else None,
        None, hex_code, False, False, line)


def _read_header(rows, name):
    line, header = csv_header(rows, name)
    columns = header_index(header, name, line, required=("position",), aliases=_ALIASES)
    if "timestamp" not in columns and "utc" not in columns:
        raise InputError("missing column Timestamp (or UTC)", path=name, line=line)
    return columns, len(header)


def _row_time(row, i_ts, i_utc, name, line):
    t = None
    if i_ts is not None:
        cell = row[i_ts].strip()
        try:
            t = float(cell)
        except ValueError:
            raise BadRecord(f"Timestamp {cell!r} is not a number", reason="Timestamp is not a number",
                            path=name, line=line) from None
    if i_utc is not None and row[i_utc].strip():
        t_utc = parse_iso_time(row[i_utc], name, line, where="UTC ")
        if t is None:
            t = t_utc
        elif abs(t - t_utc) > _CLOCK_TOLERANCE_S:
            raise BadRecord(f"Timestamp {row[i_ts].strip()} and UTC {row[i_utc].strip()} "
                            f"disagree by {abs(t - t_utc):g} s",
                            reason="Timestamp and UTC disagree", path=name, line=line)
    return t


def _position(cell, name, line):
    parts = cell.split(",")
    if len(parts) != 2:
        raise BadRecord(f"Position {cell!r} is not \"latitude,longitude\"",
                        reason="Position is not \"latitude,longitude\"", path=name, line=line)
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise BadRecord(f"Position {cell!r} is not two numbers",
                        reason="Position is not two numbers", path=name, line=line) from None
