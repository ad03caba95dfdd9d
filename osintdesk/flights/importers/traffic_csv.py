"""CSV written by ``traffic`` (the Python library, ``Flight.to_csv()`` / pandas): its column
names (``timestamp``, ``icao24``, ``callsign``, ``latitude``, ``longitude``, ``altitude``,
``groundspeed``, ``track``, ``vertical_rate``, ...), ``timestamp`` as ISO text
(``2024-01-02 07:41:03+00:00``) or epoch seconds/milliseconds; an unnamed index column is
ignored. Units are traffic's: feet, knots, ft/min.
"""

from __future__ import annotations

from ..parsing import (Ticker, Validator, clock_from, csv_header, csv_rows, header_cells,
                       header_index, read_or_skip, wrong_width)
from . import traffic_records

NAME = "traffic-csv"
VERSION = "1"
DESCRIPTION = ("CSV from the traffic library (timestamp, icao24, callsign, latitude, longitude, "
               "altitude ft, groundspeed kt, track, vertical_rate ft/min, ...)")
EXTENSIONS = (".csv",)
SINGLE_FLIGHT = False

_ALIASES = {column: (column,) for column in traffic_records.COLUMNS}


def sniff(head: bytes, name: str) -> bool:
    cells = set(header_cells(head))
    return set(traffic_records.REQUIRED) <= cells and "lastposupdate" not in cells


def parse(stream, name, *, options=None, progress=None, cancelled=None):
    """Yield a TrackPoint per row (Skipped for a row that cannot be read)."""
    check = Validator(name, clock_from(options))
    ticker = Ticker(stream, progress, cancelled)
    rows = csv_rows(stream, name)
    line, header = csv_header(rows, name)
    columns = header_index(header, name, line, aliases=_ALIASES, required=traffic_records.REQUIRED)
    width = len(header)
    for line, row in rows:
        if len(row) != width:
            yield wrong_width(name, line, width, len(row))
            continue

        def get(column, row=row):
            index = columns.get(column)
            return None if index is None or not row[index].strip() else row[index]

        yield read_or_skip(traffic_records.point, line, get, line, name, check, line=line)
        ticker.tick()
    ticker.finish()
