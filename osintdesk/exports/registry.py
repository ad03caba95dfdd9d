"""The export formats, in the order the CLI and the window list them."""

from __future__ import annotations

from . import geojson, kml, wacz
from .base import ExportFormat

FORMATS: list[ExportFormat] = [
    kml.FORMAT,
    geojson.FORMAT,
    wacz.FORMAT,
]


def by_name(name: str) -> ExportFormat:
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(name)
