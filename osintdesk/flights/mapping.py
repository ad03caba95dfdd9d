"""Column mappings for CSV files of any other layout, and the named presets users save them as.

A mapping says which column holds the time (and its format and zone), the latitude,
longitude and, optionally, altitude, speed, track, vertical rate (with their units),
callsign, squawk, aircraft address and on-ground flag. Presets live in one small JSON file
in the user's settings folder (``osintdesk.paths.config_dir()``); no Qt involved.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ..errors import InputError
from ..paths import config_dir
from ..words import listed
from .parsing import FPM_PER_MS, FT_PER_M, KT_PER_KMH, KT_PER_MPH, KT_PER_MS

PRESETS_FILE = "flight_csv_mappings.json"

# Multipliers into the model's units (feet, knots, ft/min).
ALTITUDE_UNITS = {"ft": 1.0, "m": FT_PER_M}
SPEED_UNITS = {"kt": 1.0, "m/s": KT_PER_MS, "km/h": KT_PER_KMH, "mph": KT_PER_MPH}
VRATE_UNITS = {"ft/min": 1.0, "m/s": FPM_PER_MS}
NAMED_TIME_FORMATS = ("iso", "epoch_s", "epoch_ms")


@dataclass
class ColumnMapping:
    """Which CSV column means what. Column names are matched case-insensitively.

    ``time_format``: ``iso``, ``epoch_s``, ``epoch_ms`` or a ``strptime`` pattern.
    ``utc_offset_s``: offset from UTC of times written without a zone (0 = they are UTC).
    """

    time: str
    lat: str
    lon: str
    time_format: str = "iso"
    utc_offset_s: float = 0.0
    alt: str | None = None
    alt_unit: str = "ft"
    speed: str | None = None
    speed_unit: str = "kt"
    track: str | None = None
    vrate: str | None = None
    vrate_unit: str = "ft/min"
    callsign: str | None = None
    squawk: str | None = None
    hex: str | None = None
    on_ground: str | None = None
    delimiter: str = ","

    def validate(self) -> "ColumnMapping":
        """Raise InputError for an incomplete mapping or an unknown unit; return self."""
        for name in ("time", "lat", "lon"):
            if not (getattr(self, name) or "").strip():
                raise InputError(f"the column mapping does not say which column is {name!r}")
        for value, allowed, what in ((self.alt_unit, ALTITUDE_UNITS, "altitude"),
                                     (self.speed_unit, SPEED_UNITS, "speed"),
                                     (self.vrate_unit, VRATE_UNITS, "vertical rate")):
            if value not in allowed:
                raise InputError(f"unknown {what} unit {value!r} in the column mapping; use one of "
                                 f"{', '.join(allowed)}")
        if self.time_format not in NAMED_TIME_FORMATS and "%" not in self.time_format:
            raise InputError(f"time format {self.time_format!r} is neither one of "
                             f"{', '.join(NAMED_TIME_FORMATS)} nor a strptime pattern")
        if len(self.delimiter) != 1:
            raise InputError(f"the CSV delimiter must be one character, not {self.delimiter!r}")
        return self

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ColumnMapping":
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise InputError(f"unknown {listed('column-mapping key', sorted(unknown))}")
        try:
            return cls(**data).validate()
        except TypeError as exc:
            raise InputError(f"incomplete column mapping ({exc})") from None


def presets_path() -> Path:
    return config_dir() / PRESETS_FILE


def list_presets() -> dict[str, ColumnMapping]:
    """Every saved preset by name (empty when none were saved)."""
    path = presets_path()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"the column-mapping presets cannot be read ({exc})", path=path) from None
    except RecursionError:   # JSON nested deeper than Python's stack
        raise InputError("the column-mapping presets cannot be read (JSON nested too deep)",
                         path=path) from None
    if not isinstance(data, dict):
        raise InputError("the column-mapping presets file is not a JSON object", path=path)
    for name, value in data.items():
        if not isinstance(value, dict):
            raise InputError(f"the column-mapping preset {name!r} is not a JSON object",
                             path=path)
    return {name: ColumnMapping.from_dict(value) for name, value in data.items()}


def load_preset(name: str) -> ColumnMapping:
    presets = list_presets()
    if name not in presets:
        known = ", ".join(sorted(presets)) or "none saved yet"
        raise InputError(f"no column-mapping preset called {name!r} (presets: {known})")
    return presets[name]


def save_preset(name: str, mapping: ColumnMapping) -> None:
    """Save (or replace) the preset ``name``; the file is replaced atomically."""
    if not name.strip():
        raise InputError("a column-mapping preset needs a name")
    mapping.validate()
    presets = {key: value.to_dict() for key, value in list_presets().items()}
    presets[name] = mapping.to_dict()
    _write(presets)


def delete_preset(name: str) -> None:
    presets = {key: value.to_dict() for key, value in list_presets().items()}
    if presets.pop(name, None) is None:
        raise InputError(f"no column-mapping preset called {name!r}")
    _write(presets)


def _write(presets: dict) -> None:
    path = presets_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".presets-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(presets, out, indent=2, sort_keys=True)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
