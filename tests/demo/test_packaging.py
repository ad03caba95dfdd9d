"""The installable app's metadata: the desktop entry and the AppStream metainfo pass their
validators, and every screenshot the metainfo names is one the app rendered (committed
under packaging/screenshots/, at the size stated). The frozen app itself is built and run
by .ci/run (packaging/build.sh, packaging/check_frozen.sh)."""

import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import defusedxml.ElementTree as ET
import pytest
from PIL import Image

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
DESKTOP = PACKAGING / "org.osintdesk.OsintDesk.desktop"
METAINFO = PACKAGING / "org.osintdesk.OsintDesk.metainfo.xml"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_the_desktop_entry_validates():
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0 and "error" not in result.stdout.lower(), result.stdout


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream not installed")
def test_the_metainfo_validates():
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_screenshot_named_was_rendered_at_its_size():
    images = ET.parse(METAINFO).getroot().findall("./screenshots/screenshot/image")
    assert len(images) >= 2
    for image in images:
        local = PACKAGING / "screenshots" / Path(urlsplit(image.text.strip()).path).name
        with Image.open(local) as png:
            assert png.size == (int(image.get("width")), int(image.get("height"))), local
            assert len(png.getcolors(1 << 20) or range(1 << 20)) > 50   # not a blank window
