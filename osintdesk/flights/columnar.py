"""Column-at-a-time reading of regular flight files, a chunk of lines at a time: the same
points their importer gives, without a Python object per point.

A FlightRadar24 CSV export of a million rows costs seconds row by row (a TrackPoint, a
UTC check and a range check each). When every row of the file is regular (the exact
header, seven cells, numbers in every numeric cell, ``YYYY-MM-DDTHH:MM:SSZ`` times within
a second of the Timestamp, positions on the globe, no blank or multi-line rows), the
columns are converted and checked with numpy at once. Anything else gives None and the
importer reads the file (it says which row is wrong and how). Equality with the importer
is tested on generated files (tests/flights/test_columnar.py).
"""

from __future__ import annotations

import csv
from operator import methodcaller
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from ..errors import Cancelled
from .parsing import EARLIEST_T, Validator, clock_from, cut_row, options_hex

FR24_HEADER = "Timestamp,UTC,Callsign,Position,Altitude,Speed,Direction"
_CLOCK_TOLERANCE_S = 1.0   # as the importer allows between Timestamp and UTC
# Where the separators of YYYY-MM-DDTHH:MM:SSZ sit; every other character is a digit.
_ISO_MARKS = {4: "-", 7: "-", 10: "T", 13: ":", 16: ":", 19: "Z"}


def _utc_seconds(cells) -> np.ndarray | None:
    """Epoch seconds of ``YYYY-MM-DDTHH:MM:SSZ`` cells, or None if any cell is not one."""
    if set(map(len, cells)) != {20}:
        return None
    codes = np.array(cells, dtype="U20").view(np.uint32).reshape(len(cells), 20)
    for column, mark in _ISO_MARKS.items():
        if not (codes[:, column] == ord(mark)).all():
            return None
    digits = np.delete(codes, list(_ISO_MARKS), axis=1).astype(np.int64) - ord("0")
    if ((digits < 0) | (digits > 9)).any():
        return None
    try:
        days = np.array([c[:10] for c in cells], dtype="datetime64[D]").astype(np.int64)
    except ValueError:   # a month 13 or a February 30th: the importer says so
        return None
    hours = digits[:, 8] * 10 + digits[:, 9]
    minutes = digits[:, 10] * 10 + digits[:, 11]
    seconds = digits[:, 12] * 10 + digits[:, 13]
    if (hours > 23).any() or (minutes > 59).any() or (seconds > 59).any():
        return None
    return (days * 86400 + hours * 3600 + minutes * 60 + seconds).astype(float)


CHUNK_BYTES = 1 << 20   # read this much at a time, cut at the last line end in it


class Irregular(Exception):
    """A part of the file is not regular: the importer must read the whole file row by row
    (the caller drops what it stored of the earlier parts)."""


def fr24_csv(path: Path, *, options: dict | None = None,
             progress: Callable[[int, int | None], None] | None = None,
             cancelled: Callable[[], bool] | None = None
             ) -> tuple[str | None, Iterator[dict[str, np.ndarray]]] | None:
    """The points of a regular FlightRadar24 CSV export as (hex, an iterator of
    ``trackblocks`` point columns, one chunk of the file's lines after another, in file
    order), or None when the importer must read it row by row: the header is not the
    export's. A later part that is not regular raises ``Irregular`` from the iterator:
    the file is read a chunk at a time (``CHUNK_BYTES``), in memory bounded by a chunk.
    A last line the file's end cut gives a ``Skipped`` (``parsing.REASON_CUT_ROW``) after
    the columns of the lines before it."""
    path = Path(path)
    with open(path, "rb") as handle:
        head = handle.read(len(FR24_HEADER) + 1)
    if head != FR24_HEADER.encode() + b"\n":
        return None
    latest = Validator(str(path), clock_from(options)).latest_t
    return options_hex(options, str(path)), _fr24_chunks(path, latest, progress, cancelled)


def _fr24_chunks(path: Path, latest: float, progress, cancelled
                 ) -> Iterator[dict[str, np.ndarray]]:
    size = path.stat().st_size
    line_number = 2   # the first data line
    rows = 0
    with open(path, "rb") as handle:
        handle.readline()
        done = handle.tell()
        rest = b""
        while True:
            if cancelled is not None and cancelled():
                raise Cancelled()
            data = handle.read(CHUNK_BYTES)
            chunk = rest + data
            if not data:   # the end: a last line without a line end is a line too
                rest = b""
            else:
                cut = chunk.rfind(b"\n") + 1
                chunk, rest = chunk[:cut], chunk[cut:]
                if len(rest) > CHUNK_BYTES:   # a line longer than a chunk: not an export's
                    raise Irregular()
            if chunk and not data and _cut_short(chunk):
                yield cut_row(str(path), line_number)   # parsing.REASON_CUT_ROW
                break
            if chunk:
                lines = _lines(chunk)
                part = _fr24_rows(lines, line_number, latest) if lines else None
                if part is None:
                    raise Irregular()
                line_number += len(lines)
                rows += len(lines)
                done += len(chunk)
                del chunk, lines
                yield part
                if progress is not None:
                    progress(done, size)
            if not data:
                break
    if not rows:
        raise Irregular()


def _cut_short(last: bytes) -> bool:
    """Whether the file's last line, which has no line end, is a row its end cut: inside
    a quoted cell or with fewer cells than the header (the rule ``parsing.csv_rows``
    follows for the importer)."""
    try:
        cells = next(csv.reader([last.decode("utf-8", "replace")], strict=True), [])
    except csv.Error:
        return True
    return 0 < len(cells) < FR24_HEADER.count(",") + 1


def _lines(chunk: bytes) -> list[str] | None:
    """The lines of a chunk that ends at a line end (or the file's end), or None when the
    chunk is not plain UTF-8 lines without blank ones."""
    if b"\x00" in chunk or b"\r" in chunk:
        return None
    try:
        lines = chunk.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return None
    if lines[-1] == "":
        lines.pop()
    return None if "" in lines else lines


def _fr24_rows(lines: list[str], first_line: int, latest: float) -> dict[str, np.ndarray] | None:
    """The point columns of data lines (the first one is line ``first_line`` of the file).

    A regular line is ``ts,utc,callsign,"lat,lon",alt,speed,direction``: seven commas and
    two quotes, the quotes around the fourth cell. With the quotes made commas, each line
    splits into ten cells whose fourth and seventh are empty (which holds the quotes in
    place); a callsign with a comma or a quote changes the counts and is left to csv."""
    if set(map(methodcaller("count", ","), lines)) != {7} or \
            set(map(methodcaller("count", '"'), lines)) != {2}:
        return None
    cells = ",".join(lines).replace('"', ",").split(",")
    if len(cells) != 10 * len(lines):
        return None
    if set(cells[3::10]) != {""} or set(cells[6::10]) != {""}:
        return None
    ts, utc, callsign, lat, lon, alt, speed, direction = (
        cells[k::10] for k in (0, 1, 2, 4, 5, 7, 8, 9))
    del cells
    if "" in ts or "" in alt or "" in speed or "" in direction or "" in lat or "" in lon:
        return None
    try:
        t, lat, lon, *numbers = (np.array(column, dtype=float)
                                 for column in (ts, lat, lon, alt, speed, direction))
    except ValueError:
        return None
    utc_t = _utc_seconds(utc)
    if utc_t is None or not (np.abs(utc_t - t) <= _CLOCK_TOLERANCE_S).all():
        return None
    if not ((t >= EARLIEST_T) & (t <= latest) & (lat >= -90.0) & (lat <= 90.0)
            & (lon >= -180.0) & (lon <= 180.0)).all():
        return None
    if not all(np.isfinite(values).all() for values in numbers):
        return None
    n = len(t)
    names = np.empty(n, dtype=object)
    names[:] = [c.strip() or None for c in callsign]
    return {"t": t, "lat": lat, "lon": lon, "alt_ft": numbers[0], "gs_kt": numbers[1],
            "track_deg": numbers[2], "vrate_fpm": np.full(n, np.nan),
            "on_ground": (numbers[0] == 0).astype(np.int8), "callsign": names,
            "squawk": np.empty(n, dtype=object), "leg_start": np.zeros(n, np.uint8),
            "stale": np.zeros(n, np.uint8),
            "record": np.arange(first_line, first_line + n, dtype=np.int64)}


# Importer name -> its column reader (ingest tries it first).
READERS = {"fr24-csv": fr24_csv}
