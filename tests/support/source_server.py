"""For the source tests and the sources window tests: a page server with more pages than
servers.PageServer (a page that changes, broken documents, remote content), and helpers to
compare case states."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
from pathlib import Path

from tests.support import servers
from tests.support import source_samples as samples


# ----------------------------------------------------------------------------- more pages

CHANGING_VERSIONS = [
    b"<html><head><title>Sunan arrivals</title></head><body><article>"
    b"<p>The Il-62M RA-86496 landed at Pyongyang Sunan at 18:45 local time.</p>"
    b"<p>Crowds waited at the terminal.</p></article></body></html>",
    b"<html><head><title>Sunan arrivals (updated)</title></head><body><article>"
    b"<p>The Il-62M RA-86496 landed at Pyongyang Sunan at 19:10 local time.</p>"
    b"<p>Crowds waited at the terminal.</p><p>Update: a second aircraft, P-885, followed.</p>"
    b"</article></body></html>",
]
REMOTE_PAGE = b"""<html><head><title>Page full of remote content</title>
<link rel="stylesheet" type="text/css" href="https://cdn.example.com/site.css">
<style>@import url("https://fonts.example.net/font.css"); body { background: url(bg.png) }</style>
<script src="https://analytics.example.org/track.js"></script>
</head><body>
<h1>Remote content RA-86496</h1>
<p>The Il-62M RA-86496 was photographed on the apron at Sunan.</p>
<img src="https://tracker.example.com/pixel.gif">
<img src="http://images.example.com/photo.jpg">
<img src="/pixel.png">
<img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7">
<iframe src="https://video.example.com/embed/1"></iframe>
<script>fetch("https://beacon.example.com/b")</script>
</body></html>"""


def _png() -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


PIXEL_PNG = _png()
BROKEN_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer garbage"


class SourceHandler(servers.PageHandler):
    """The capture tests' pages plus a page that changes, broken documents and remote content."""

    def do_GET(self):  # noqa: N802
        path = self.path
        if path == "/changing":
            with self.server.lock:
                version = CHANGING_VERSIONS[min(self.server.changing_hits, len(CHANGING_VERSIONS) - 1)]
                self.server.changing_hits += 1
            self._send(200, version, "text/html; charset=utf-8")
        elif path == "/broken.pdf":
            self._send(200, BROKEN_PDF, "application/pdf")
        elif path == "/broken.jpg":
            self._send(200, PIXEL_PNG[:30], "image/jpeg")
        elif path == "/remote.html":
            self._send(200, REMOTE_PAGE, "text/html; charset=utf-8")
        elif path == "/pixel.png":
            self._send(200, PIXEL_PNG, "image/png")
        elif path == "/story.txt":
            self._send(200, samples.STORY_TEXT.encode(), "text/plain; charset=utf-8")
        else:
            super().do_GET()


class SourceServer(servers.PageServer):
    def __init__(self):
        super().__init__(SourceHandler)
        self.lock = threading.Lock()
        self.changing_hits = 0


def warcio_check(path: Path) -> subprocess.CompletedProcess:
    """warcio's own checker on a WARC file."""
    cli = Path(sys.executable).with_name("warcio")
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "warcio.cli"]
    return subprocess.run(command + ["check", "-v", str(path)], capture_output=True, text=True)


def case_state(case) -> dict:
    """Row counts of every table and the audit log: equal before and after = unchanged."""
    names = [r[0] for r in case.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'source_search_%' "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    state = {name: case.conn.execute(f"SELECT count(*) FROM [{name}]").fetchone()[0] for name in names}
    state["audit_head"] = case.meta().get("audit_head")
    return state
