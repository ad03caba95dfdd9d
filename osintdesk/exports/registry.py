"""The export formats, in the order the CLI and the window list them."""

from __future__ import annotations

from . import csv_tables, ftm, graphml, timesketch
from .base import ExportFormat

FORMATS: list[ExportFormat] = [
    ftm.FORMAT,
    graphml.FORMAT,
    csv_tables.FORMAT,
    timesketch.FORMAT,
    timesketch.CSV_FORMAT,
]


def by_name(name: str) -> ExportFormat:
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(name)
