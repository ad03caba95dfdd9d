"""When Qt cannot start (no display, a missing X11 library such as libxcb-cursor0), the
window's start says so in one line and exits 2; the command line keeps working."""

import os
import subprocess
import sys

import pytest

from osintdesk.qt_check import XCB_LIBRARIES, why_qt_cannot_start


def run(*args, env):
    return subprocess.run([sys.executable, "-m", "osintdesk", *args], capture_output=True,
                          text=True, timeout=120, env=env)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 is checked on Linux")
def test_no_display_or_library_is_one_line_and_the_cli_still_works(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"
    for args in (("gui",), ()):
        result = run(*args, env=env)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("osintdesk: error: cannot open the window: ")
        assert "no display" in lines[0] or "sudo apt install" in lines[0]
        assert "qt.qpa" not in result.stderr and "Aborted" not in result.stderr
    assert run("--version", env=env).returncode == 0
    listed = run("demo", "list", env=env)
    assert listed.returncode == 0 and "il62" in listed.stdout


def test_what_is_checked():
    # Other platforms than X11 are Qt's to judge; on X11 the message names the package.
    assert why_qt_cannot_start({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert why_qt_cannot_start({"QT_QPA_PLATFORM": "wayland", "WAYLAND_DISPLAY": "w"}) is None
    assert ("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor") in XCB_LIBRARIES
    if sys.platform.startswith("linux"):
        message = why_qt_cannot_start({"QT_QPA_PLATFORM": "xcb"})
        assert message is not None and "\n" not in message
