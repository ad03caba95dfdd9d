"""The classroom web server: a demo's pages served from 127.0.0.1 so trainees practise
capture with no internet. Articles with publication dates and a registry page (the same
bytes the demo case holds), a page that changes on every visit, a redirect chain, and the
demo's flight files for download. Synthetic, and every page says so.
"""

from __future__ import annotations

import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from . import DEMO_MARK
from .stories import Plan

DEFAULT_PORT = 8718
CHANGING_PAGE = "/live/apron-status"
REDIRECT_START = "/r/start"


def redirect_chain(plan: Plan) -> list[str]:
    """The paths a visit to the short link goes through, the last one a page."""
    target = next(p.path for p in plan.pages if p.in_case and p.path.startswith("/news/"))
    return [REDIRECT_START, "/r/middle", target]


def changing_page(plan: Plan, visit: int) -> str:
    """The apron status page as it reads on the ``visit``-th visit (1, 2...)."""
    reg = plan.aircraft.registration
    state = ("parked on the west apron" if visit % 2 else "no longer on the apron")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Apron status'
            f"</title></head><body><p><strong>{DEMO_MARK}</strong></p>\n<h1>Apron status</h1>\n"
            f"<p>Update {visit}: {escape(reg)} is {state}.</p></body></html>\n")


def index_page(plan: Plan, files: list[str]) -> str:
    pages = "".join(f'<li><a href="{escape(p.path)}">{escape(p.title)}</a></li>\n'
                    for p in plan.pages)
    downloads = "".join(f'<li><a href="/files/{escape(f)}">{escape(f)}</a></li>\n' for f in files)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>osintdesk '
            f"classroom: {escape(plan.name)}</title></head><body>\n<h1>{escape(plan.title)}</h1>\n"
            f"<p><strong>{DEMO_MARK}: everything served here was invented for training.</strong></p>"
            f"\n<h2>Pages</h2><ul>\n{pages}</ul>\n<h2>Flight files (synthetic)</h2><ul>\n"
            f"{downloads}</ul></body></html>\n")


class ClassroomServer(ThreadingHTTPServer):
    """Serves ``plan``'s pages; ``files_dir`` holds its flight files (``/files/NAME``)."""

    daemon_threads = True

    def __init__(self, plan: Plan, files_dir: Path | None, port: int = DEFAULT_PORT):
        self.plan = plan
        self.files_dir = files_dir
        self.visits = 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def files(self) -> list[str]:
        if self.files_dir is None:
            return []
        return sorted(p.name for p in self.files_dir.iterdir() if p.is_file())


class _Handler(BaseHTTPRequestHandler):
    server: ClassroomServer
    server_version = "osintdesk-classroom"

    def log_message(self, format, *args) -> None:   # quiet: the CLI says what it serves
        pass

    def do_GET(self) -> None:
        plan, path = self.server.plan, urlsplit(self.path).path
        chain = redirect_chain(plan)
        if path in ("/", "/index.html"):
            return self._send(200, index_page(plan, self.server.files()).encode("utf-8"))
        if path in chain[:-1]:
            self.send_response(302)
            self.send_header("Location", chain[chain.index(path) + 1])
            self.send_header("Content-Length", "0")
            return self.end_headers()
        if path == CHANGING_PAGE:
            with self.server.lock:
                self.server.visits += 1
                visit = self.server.visits
            return self._send(200, changing_page(plan, visit).encode("utf-8"))
        for page in plan.pages:
            if page.path == path and page.in_case:
                return self._send(200, page.html.encode("utf-8"))
        if path.startswith("/files/") and self.server.files_dir is not None:
            name = path[len("/files/"):]
            if name in self.server.files():
                return self._send(200, (self.server.files_dir / name).read_bytes(),
                                  "application/octet-stream")
        self._send(404, b"<html><body><p>Not found (osintdesk classroom)</p></body></html>")

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
