"""Capture settings shared by the command line and the window (kept in settings.json).

User agent, proxy, timeout, maximum size and TLS verification. A proxy that does not parse
is an error, never silently dropped: capturing without the proxy the investigator chose
could reveal who is looking.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from .acquire.web import DEFAULT_USER_AGENT, CaptureSettings
from ..errors import InputError
from ..settings import load_settings, save_settings

SETTINGS_KEY = "capture"
_OLD_DEFAULT = re.compile(r"Mozilla/5\.0 \(compatible; osintdesk/[\w.+-]+\)")
_FIELDS = ("user_agent", "proxy", "timeout_s", "max_bytes", "verify_tls")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b|bytes)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "bytes": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1024 ** 2,
          "mb": 1024 ** 2, "mib": 1024 ** 2, "g": 1024 ** 3, "gb": 1024 ** 3, "gib": 1024 ** 3}


def settings_from(values: dict[str, Any]) -> CaptureSettings:
    """CaptureSettings from stored values; unknown keys ignored, invalid ones an InputError."""
    kwargs: dict[str, Any] = {}
    for key in _FIELDS:
        if values.get(key) is not None and values.get(key) != "":
            kwargs[key] = values[key]
    try:
        if "timeout_s" in kwargs:
            kwargs["timeout_s"] = float(kwargs["timeout_s"])
        if "max_bytes" in kwargs:
            kwargs["max_bytes"] = parse_size(kwargs["max_bytes"])
        if "verify_tls" in kwargs:
            kwargs["verify_tls"] = bool(kwargs["verify_tls"])
    except (TypeError, ValueError):
        raise InputError("the capture settings hold a value that is not a number",
                         path="capture settings") from None
    if "user_agent" in kwargs:
        kwargs["user_agent"] = str(kwargs["user_agent"]).strip() or DEFAULT_USER_AGENT
        if _OLD_DEFAULT.fullmatch(kwargs["user_agent"]):
            # The default of earlier versions, saved with the other settings: it named
            # the tool to every target. The investigator never chose it; the new one is used.
            kwargs["user_agent"] = DEFAULT_USER_AGENT
    return CaptureSettings(**kwargs)


def load_capture_settings() -> CaptureSettings:
    stored = load_settings().get(SETTINGS_KEY)
    return settings_from(stored if isinstance(stored, dict) else {})


def save_capture_settings(settings: CaptureSettings) -> None:
    save_settings({SETTINGS_KEY: {key: getattr(settings, key) for key in _FIELDS}})


def with_overrides(settings: CaptureSettings, **overrides: Any) -> CaptureSettings:
    """``settings`` with the given fields replaced (None means: keep)."""
    changes = {k: v for k, v in overrides.items() if v is not None}
    if "max_bytes" in changes:
        changes["max_bytes"] = parse_size(changes["max_bytes"])
    return dataclasses.replace(settings, **changes)


def parse_size(value: int | str) -> int:
    """Bytes from ``1048576``, ``100M``, ``1.5 GiB``..."""
    if isinstance(value, int):
        return value
    match = _SIZE.match(str(value))
    if not match:
        raise InputError("not a size (use a number of bytes or e.g. 100M, 2G)",
                         path=f"size {value!r}")
    number, unit = match.groups()
    return int(float(number) * _UNITS[(unit or "").lower()])
