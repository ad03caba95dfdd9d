"""FlightRadar24 granular ADS-B CSV (``network_time,receiver_time,hex,callsign,latitude,longitude,...``).

Times are written like ``2024-01-02 07:41:03Z.515`` (fraction after the Z), addresses like
``0x8467d8``. The position time is ``receiver_time`` (when the receiver heard the message),
or ``network_time`` when a row has no receiver time. Rows flagged ``no_position`` carry
0,0 and are not positions: they are reported as skipped. Cells past the header are
``KEY:value`` pairs; the known keys (squawk, no_position, ...) are read, others ignored.
A ``receiver_time`` that cannot be a time of observation (``1970-01-01 00:00:00Z.000``, a
receiver clock never set) falls back to ``network_time``. Rows that still cannot be read
are skipped and counted by reason.
"""

from __future__ import annotations

from ...errors import InputError
from ..model import Skipped
from ..parsing import (BadRecord, Ticker, Validator, clock_from, csv_header, csv_rows, header_cells,
                       header_index, make_point, normalise_hex, normalise_squawk, options_hex,
                       parse_bool, parse_iso_time, skipped_record, stripped_text, to_float,
                       wrong_width)

NAME = "fr24-adsb-csv"
VERSION = "1"
DESCRIPTION = ("FlightRadar24 granular ADS-B CSV (network_time, receiver_time, hex, callsign, "
               "latitude, longitude, ...; KEY:value trailing cells; no_position rows skipped)")
EXTENSIONS = (".csv",)
SINGLE_FLIGHT = False

_ALIASES = {
    "network_time": ("network_time",),
    "receiver_time": ("receiver_time",),
    "hex": ("hex", "icao24", "modes", "mode_s"),
    "callsign": ("callsign", "flight"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon"),
    "altitude": ("altitude", "alt", "alt_baro", "baro_altitude"),
    "speed": ("ground_speed", "speed", "gs", "gspeed"),
    "track": ("track", "heading", "direction"),
    "vrate": ("vertical_rate", "vertical_speed", "vspeed", "vert_rate", "baro_rate"),
    "squawk": ("squawk",),
    "on_ground": ("on_ground", "ground", "onground"),
    "no_position": ("no_position",),
}
_KEY_TO_COLUMN = {spelling: canonical for canonical, spellings in _ALIASES.items()
                  for spelling in spellings}

# no_position values that do not flag the row; anything else (1, true, a count...) does.
# Rows at exactly 0,0 are skipped whatever the flag says.
_NOT_FLAGGED = frozenset(("", "0", "false", "f", "no", "n"))

REASON_NO_POSITION = "no position (no_position flag; the 0,0 is a placeholder)"
REASON_NULL_ISLAND = "position 0,0 without a no_position flag (a placeholder, not a position)"


def sniff(head: bytes, name: str) -> bool:
    cells = header_cells(head)
    return cells[:2] == ["network_time", "receiver_time"] and "hex" in cells


def parse(stream, name, *, options=None, progress=None, cancelled=None):
    """Yield a TrackPoint per positioned row and a Skipped per placeholder row."""
    default_hex = options_hex(options, name)
    check = Validator(name, clock_from(options))
    ticker = Ticker(stream, progress, cancelled)
    rows = csv_rows(stream, name)
    line, header = csv_header(rows, name)
    columns = header_index(header, name, line, aliases=_ALIASES,
                           required=("hex", "latitude", "longitude"))
    if "receiver_time" not in columns and "network_time" not in columns:
        raise InputError("missing column receiver_time (or network_time)", path=name, line=line)
    width = len(header)
    for line, row in rows:
        if len(row) < width:
            yield wrong_width(name, line, width, len(row))
            continue
        try:
            yield _row(_cells(row, width, columns), name, line, check, default_hex)
        except BadRecord as exc:
            yield skipped_record(exc, line)
        ticker.tick()
    ticker.finish()


def _cells(row: list[str], width: int, columns: dict[str, int]) -> dict[str, str]:
    """Canonical column -> cell text, with trailing ``KEY:value`` cells filling gaps."""
    cells = {canonical: row[index] for canonical, index in columns.items()}
    for extra in row[width:]:
        key, sep, value = extra.partition(":")
        if not sep:
            key, sep, value = extra.partition("=")
        canonical = _KEY_TO_COLUMN.get(key.strip().lower()) if sep else None
        if canonical and not cells.get(canonical, "").strip():
            cells[canonical] = value
    return cells


def _row_time(cells: dict[str, str], name: str, line: int, check: Validator) -> float:
    """``receiver_time``, or ``network_time`` when the receiver's time is absent or cannot
    be right; the receiver time's error when neither can be read."""
    first_error = None
    for column in ("receiver_time", "network_time"):
        text = cells.get(column, "").strip()
        if not text:
            continue
        try:
            return check.time(parse_iso_time(text, name, line, where=f"{column} "), line)
        except BadRecord as exc:
            first_error = first_error or exc
    if first_error is not None:
        raise first_error
    raise BadRecord("both receiver_time and network_time are empty", reason="no time",
                    path=name, line=line)


def _row(cells: dict[str, str], name: str, line: int, check: Validator, default_hex):
    if cells.get("no_position", "").strip().lower() not in _NOT_FLAGGED:
        return Skipped(line, REASON_NO_POSITION)
    lat = to_float(cells["latitude"].strip(), "latitude", name, line)
    lon = to_float(cells["longitude"].strip(), "longitude", name, line)
    if lat == 0 and lon == 0:
        return Skipped(line, REASON_NULL_ISLAND)
    check.position(lat, lon, line)
    t = _row_time(cells, name, line, check)
    hex_code = normalise_hex(cells["hex"], name, line) or default_hex
    on_ground = parse_bool(cells.get("on_ground", "").strip(), "on_ground", name, line)
    return make_point(
        t, lat, lon,
        to_float(cells.get("altitude", "").strip(), "altitude", name, line),
        to_float(cells.get("speed", "").strip(), "ground speed", name, line),
        to_float(cells.get("track", "").strip(), "track", name, line),
        to_float(cells.get("vrate", "").strip(), "vertical rate", name, line),
        on_ground, stripped_text(cells.get("callsign")),
        normalise_squawk(cells.get("squawk"), name, line, zero_is_none=True),
        hex_code, False, False, line)
