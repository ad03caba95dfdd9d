"""The flight-file importers, listed explicitly (no package scanning: the frozen app must find
them), and how to pick one: by content first, by file extension second.

Every importer module exposes ``NAME``, ``VERSION``, ``DESCRIPTION``, ``EXTENSIONS``,
``SINGLE_FLIGHT`` (one file describes one flight), ``sniff(head, name) -> bool`` and
``parse(stream, name, *, options=None, progress=None, cancelled=None)``, a generator of
``TrackPoint``, ``AircraftInfo``, ``FileFlight``, ``Sighting`` and ``Skipped``. A record
that cannot be read is a ``Skipped`` with its reason, never a reason to refuse the file.
A module with ``BINARY = True`` reads a binary format and is sniffed before binary
content is refused.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType
from typing import Iterator

from ...errors import InputError
from ..parsing import HEAD_BYTES, looks_binary, open_maybe_gzip
from . import (fr24_csv, fr24_granular, fr24_json, fr24_kml, generic_csv, gpx, kml_track,
               opensky_csv, opensky_json, readsb_aircraft, readsb_trace, traffic_csv,
               traffic_json, traffic_parquet)

# Order matters only where two sniffs could both match: specific formats come first.
IMPORTERS: list[ModuleType] = [
    fr24_csv,
    fr24_granular,
    opensky_csv,
    fr24_kml,
    kml_track,
    gpx,
    fr24_json,
    readsb_trace,
    readsb_aircraft,
    opensky_json,
    traffic_json,
    traffic_csv,
    traffic_parquet,
    generic_csv,
]


def names() -> list[str]:
    return [importer.NAME for importer in IMPORTERS]


def get(name: str) -> ModuleType:
    """The importer called ``name`` (``--format NAME``); InputError listing the names if none."""
    for importer in IMPORTERS:
        if importer.NAME == name:
            return importer
    raise InputError(f"unknown flight format {name!r}; known formats: {', '.join(names())}")


def _extension(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".gzip"):
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def detect_from_head(head: bytes, path: str | os.PathLike) -> ModuleType:
    """Pick the importer for content ``head`` (first 64 KiB, gunzipped) of file ``path``."""
    path = Path(path)
    if not head.strip():
        raise InputError("the file is empty", path=str(path))
    for importer in IMPORTERS:
        if getattr(importer, "BINARY", False) and importer.sniff(head, path.name):
            return importer
    if looks_binary(head):
        raise InputError("this is a binary file, not a flight-data format osintdesk can read",
                         path=str(path))
    for importer in IMPORTERS:
        if importer.sniff(head, path.name):
            return importer
    extension = _extension(path)
    by_extension = [imp for imp in IMPORTERS if extension and extension in imp.EXTENSIONS]
    if len(by_extension) == 1:
        return by_extension[0]
    hint = ""
    if extension == ".csv":
        hint = ("; for another CSV layout save a column mapping (osintdesk csv-mapping save) "
                "and import with --mapping NAME")
    first_line = head.split(b"\n", 1)[0][:120].decode("utf-8", "replace").strip()
    raise InputError(f"not a flight-data format osintdesk recognises (starts with "
                     f"{first_line!r}){hint}", path=str(path))


def detect(path: str | os.PathLike, *, data: bytes | None = None) -> ModuleType:
    """The importer for the file at ``path`` (or for ``data``, the bytes of an archive
    member that ``path`` names): by content first, by extension second.

    Raises InputError naming the file when it is empty, binary, damaged or unknown.
    """
    with open_maybe_gzip(path, data=data) as stream:
        head = stream.read(HEAD_BYTES)
    return detect_from_head(head, path)


def parse_path(path: str | os.PathLike, importer: ModuleType | None = None, *,
               display_name: str | None = None, options: dict | None = None,
               progress=None, cancelled=None, data: bytes | None = None) -> Iterator:
    """Open ``path`` (gunzipping by magic bytes) and yield what the importer reads from it.

    ``importer``: the module (``get`` names one), or None to detect it. ``data``: read
    these bytes (an archive member) instead of the file. The file is closed when the
    generator finishes or is closed.
    """
    if importer is None:
        importer = detect(path, data=data)
    name = display_name or str(path)
    with open_maybe_gzip(path, name, data=data) as stream:
        yield from importer.parse(stream, name, options=options, progress=progress,
                                  cancelled=cancelled)
