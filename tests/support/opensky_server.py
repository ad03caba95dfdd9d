"""A local server answering like the OpenSky Network REST API (``/api/flights/aircraft``,
``/api/tracks/all``) from generated flights, with switches for a rate limit (429 with
X-Rate-Limit-Retry-After-Seconds) and a server error (500). It records the requests'
headers so tests can check what was sent."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from . import flight_samples as samples
from .servers import QuietServer


class OpenSkyHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        server: OpenSkyServer = self.server
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        server.requests_seen.append((self.path, dict(self.headers.items())))
        if server.fail_with == 429:
            return self._send(429, {"error": "Too many requests"},
                              [("X-Rate-Limit-Retry-After-Seconds", "3600")])
        if server.fail_with:
            return self._send(server.fail_with, {"error": "Internal Server Error"})
        if parts.path == "/api/flights/aircraft":
            begin, end = float(query["begin"]), float(query["end"])
            found = [f for f in server.flights.get(query["icao24"], [])
                     if f["points"][0].t < end and f["points"][-1].t > begin]
            if not found:
                return self._send(404, {"error": "no flights"})
            return self._send(200, [samples.opensky_flight(
                query["icao24"], f["points"][0].t, f["points"][-1].t, f["origin"],
                f["destination"]) for f in found])
        if parts.path == "/api/tracks/all":
            t = float(query["time"])
            for f in server.flights.get(query["icao24"], []):
                if f["points"][0].t <= t <= f["points"][-1].t:
                    return self._send(200, samples.opensky_track(f["points"], hex=query["icao24"]))
            return self._send(404, {"error": "no track"})
        self._send(404, {"error": "unknown"})

    def _send(self, status, document, extra=()):
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class OpenSkyServer(QuietServer):
    """``flights``: hex -> [{"points": [TrackPoint...], "origin": ICAO, "destination": ICAO}]."""

    def __init__(self, flights: dict):
        super().__init__(("127.0.0.1", 0), OpenSkyHandler)
        self.flights = flights
        self.fail_with: int | None = None
        self.requests_seen: list[tuple[str, dict]] = []

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api"
