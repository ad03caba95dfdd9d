"""The export formats, in the order the CLI and the window list them."""

from __future__ import annotations

from . import csv_tables, ftm, geojson, graphml, kml, timesketch, wacz
from .base import ExportFormat

FORMATS: list[ExportFormat] = [
    ftm.FORMAT,
    graphml.FORMAT,
    csv_tables.FORMAT,
    kml.FORMAT,
    geojson.FORMAT,
    wacz.FORMAT,
    timesketch.FORMAT,
    timesketch.CSV_FORMAT,
]


def by_name(name: str) -> ExportFormat:
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(name)
