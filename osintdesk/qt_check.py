"""Why the window cannot start, in one line, before Qt is asked to (no Qt imported here).

Without a display, or without the X11 libraries Qt's xcb platform plugin needs (since Qt
6.5 ``libxcb-cursor0`` among them), Qt prints a page about plugins and aborts the process;
the command line never needs them. ``why_qt_cannot_start`` names what is missing and how
to install it, so the window's start can say that instead.
"""

from __future__ import annotations

import ctypes
import os
import sys
from typing import Mapping

# The X11 libraries Qt's xcb plugin loads, and the Debian/Ubuntu package of each
# (Fedora's names follow in the message).
XCB_LIBRARIES = (
    ("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor"),
    ("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11"),
)


def _loadable(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def _platform(environ: Mapping[str, str]) -> str:
    """The platform plugin Qt will pick: the one asked for, else wayland or xcb."""
    asked = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if asked:
        return asked
    return "wayland" if environ.get("WAYLAND_DISPLAY") else "xcb"


def why_qt_cannot_start(environ: Mapping[str, str] | None = None) -> str | None:
    """One line saying what the window lacks (a display, a system library) and how to get
    it; None when nothing is known to be missing (Linux with X11 is checked)."""
    environ = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") or _platform(environ) != "xcb":
        return None
    missing = [(deb, rpm) for lib, deb, rpm in XCB_LIBRARIES if not _loadable(lib)]
    if missing:
        debs, rpms = " ".join(d for d, _ in missing), " ".join(r for _, r in missing)
        return (f"cannot open the window: the system librar{'ies' if len(missing) > 1 else 'y'} "
                f"{', '.join(d for d, _ in missing)} {'are' if len(missing) > 1 else 'is'} missing; "
                f"install {'them' if len(missing) > 1 else 'it'} (Debian/Ubuntu: sudo apt install "
                f"{debs}; Fedora: sudo dnf install {rpms}). The command line works without "
                "them: osintdesk --help")
    if not environ.get("DISPLAY"):
        return ("cannot open the window: there is no display (DISPLAY is not set); start it "
                "from a desktop session, or use the command line: osintdesk --help")
    return None


def qt_import_problem(error: ImportError) -> str:
    """One line for Qt itself failing to load (``libEGL.so.1: cannot open shared object``)."""
    text = str(error)
    library = text.split(":")[0].strip() if ".so" in text else text
    return (f"cannot open the window: Qt cannot load ({library} is missing; on Debian/Ubuntu: "
            "sudo apt install libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3). "
            "The command line works without it: osintdesk --help")
