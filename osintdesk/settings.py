"""User settings shared by the command line and the window (a small JSON file, no Qt).

The window keeps its own layout and recent cases in QSettings; what the CLI also
needs (examiner, capture options) lives here.
"""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path
from typing import Any

from .paths import config_dir

SETTINGS_FILE = "settings.json"


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def load_settings() -> dict[str, Any]:
    try:
        with open(settings_path(), encoding="utf-8") as fh:
            data = json.load(fh)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save_settings(values: dict[str, Any]) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    current = load_settings()
    current.update(values)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(current, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def resolve_examiner(explicit: str | None = None) -> str:
    """Who is working: ``--examiner``, then $OSINTDESK_EXAMINER, the settings, the login name."""
    for candidate in (explicit, os.environ.get("OSINTDESK_EXAMINER"),
                      load_settings().get("examiner")):
        if candidate and str(candidate).strip():
            return str(candidate).strip()
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): still never anonymous
        return "unknown examiner"
