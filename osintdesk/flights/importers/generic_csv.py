"""Any other CSV, read through a column mapping (``options={"mapping": ColumnMapping}`` or
``options={"preset": "name"}`` for one the user saved). Never chosen by sniffing: the user
says which column is what.
"""

from __future__ import annotations

import csv
import os

from ...errors import InputError
from ..mapping import ALTITUDE_UNITS, SPEED_UNITS, VRATE_UNITS, ColumnMapping, load_preset
from ..parsing import (BadRecord, Ticker, Validator, cell_float, clock_from, csv_header, csv_rows,
                       header_index, header_line, make_point, normalise_header, normalise_hex,
                       normalise_squawk, open_maybe_gzip, options_hex, parse_bool,
                       parse_time_with_format, read_head, skipped_record, stripped_text,
                       wrong_width)

NAME = "csv-mapping"
VERSION = "1"
DESCRIPTION = ("any other CSV through a saved column mapping (time, lat, lon, optional altitude, "
               "speed, track, vertical rate with units; callsign, squawk, hex, on-ground)")
EXTENSIONS: tuple[str, ...] = ()
SINGLE_FLIGHT = False

_OPTIONAL = ("alt", "speed", "track", "vrate", "callsign", "squawk", "hex", "on_ground")
DELIMITERS = ",;\t|"


def sniff(head: bytes, name: str) -> bool:
    return False  # needs a mapping: chosen with --format csv-mapping


def read_header(path: str | os.PathLike) -> tuple[list[str], str]:
    """The header cells of a CSV file as ``parse`` reads them (gunzipped, byte-order mark
    dropped, cells stripped) and its delimiter, guessed among ``DELIMITERS``: what a column
    mapping can name. An InputError when there is no header of at least three columns."""
    name = str(path)
    try:
        delimiter = csv.Sniffer().sniff(header_line(read_head(path)), DELIMITERS).delimiter
    except csv.Error:
        delimiter = ","
    with open_maybe_gzip(path, name) as stream:
        rows = csv_rows(stream, name, delimiter=delimiter)
        try:
            _, cells = next(rows, (1, []))
        finally:
            rows.close()
    if len(cells) < 3:
        raise InputError("has no header row with at least time, latitude and longitude "
                         "columns", path=name)
    return [c.strip() for c in cells], delimiter


def mapping_from(options: dict | None) -> ColumnMapping:
    """The mapping given in the options (a ColumnMapping, a dict, or a preset name)."""
    options = options or {}
    mapping = options.get("mapping")
    if mapping is None and options.get("preset"):
        return load_preset(options["preset"])
    if isinstance(mapping, dict):
        return ColumnMapping.from_dict(mapping)
    if isinstance(mapping, ColumnMapping):
        return mapping.validate()
    raise InputError(f"the {NAME} format needs a column mapping: save a preset and name it")


def parse(stream, name, *, options=None, progress=None, cancelled=None):
    """Yield one TrackPoint per row, reading the columns the mapping names."""
    mapping = mapping_from(options)
    default_hex = options_hex(options, name)
    check = Validator(name, clock_from(options))
    ticker = Ticker(stream, progress, cancelled)
    rows = csv_rows(stream, name, delimiter=mapping.delimiter)
    line, header = csv_header(rows, name)
    aliases = {}
    for field_name in ("time", "lat", "lon") + _OPTIONAL:
        column = getattr(mapping, field_name)
        if column:
            aliases[field_name] = (normalise_header(column),)
    col = header_index(header, name, line, required=tuple(aliases), aliases=aliases)
    scale = (ALTITUDE_UNITS[mapping.alt_unit], SPEED_UNITS[mapping.speed_unit],
             VRATE_UNITS[mapping.vrate_unit])
    width = len(header)
    for line, row in rows:
        if len(row) != width:
            yield wrong_width(name, line, width, len(row))
            continue
        try:
            yield _row(row, col, mapping, scale, name, line, check, default_hex)
        except BadRecord as exc:
            yield skipped_record(exc, line)
        ticker.tick()
    ticker.finish()


def _scaled(value, factor):
    return None if value is None else value * factor


def _row(row, col, mapping, scale, name, line, check, default_hex):
    t = parse_time_with_format(row[col["time"]], mapping.time_format, name, line,
                               utc_offset_s=mapping.utc_offset_s, where=f"{mapping.time} ")
    check.time(t, line)
    lat = cell_float(row, col["lat"], mapping.lat, name, line)
    lon = cell_float(row, col["lon"], mapping.lon, name, line)
    check.position(lat, lon, line)
    get = col.get
    hex_code = normalise_hex(row[col["hex"]], name, line) if "hex" in col else None
    return make_point(
        t, lat, lon,
        _scaled(cell_float(row, get("alt"), mapping.alt or "", name, line), scale[0]),
        _scaled(cell_float(row, get("speed"), mapping.speed or "", name, line), scale[1]),
        cell_float(row, get("track"), mapping.track or "", name, line),
        _scaled(cell_float(row, get("vrate"), mapping.vrate or "", name, line), scale[2]),
        parse_bool(row[col["on_ground"]].strip(), mapping.on_ground, name, line)
        if "on_ground" in col else None,
        stripped_text(row[col["callsign"]]) if "callsign" in col else None,
        normalise_squawk(row[col["squawk"]], name, line) if "squawk" in col else None,
        hex_code or default_hex, False, False, line)
