"""Where things live: the user's config and data folders and the bundled resources/ folder.

Works from a source checkout, an installed wheel and a frozen (PyInstaller) app.
``OSINTDESK_CONFIG_DIR`` overrides the config folder (tests use it to stay isolated).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from . import APP_NAME


def resources_dir() -> Path:
    """The folder holding basemap/, reference/ and LICENSES.md."""
    candidates = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.append(Path(frozen) / "resources")
    here = Path(__file__).resolve().parent
    candidates.append(here / "resources")  # installed wheel: mapped into the package
    candidates.append(here.parent / "resources")  # source checkout / editable install
    for candidate in candidates:
        if (candidate / "reference").is_dir():
            return candidate
    raise FileNotFoundError("osintdesk resources folder not found; looked in "
                            + ", ".join(str(c) for c in candidates))


def resource(*parts: str) -> Path:
    """Path of one bundled resource file, e.g. ``resource("reference", "airports_large_medium.csv")``."""
    return resources_dir().joinpath(*parts)


def config_dir() -> Path:
    """The user's osintdesk settings folder (not created here)."""
    override = os.environ.get("OSINTDESK_CONFIG_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / APP_NAME
