"""Online history of an aircraft: the OpenSky Network REST API (``/flights/aircraft``, then
``/tracks/all`` for each flight) asked through the capture path, so that every response is
kept as evidence like any capture (body, WARC, URL, time, proxy), then imported by the
OpenSky importer. Credentials, when given, come from the user's settings and go in the
Authorization header only, which the capture never records.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode

from ..errors import InputError, NetworkError
from ..settings import load_settings, save_settings
from ..store import Case

OPENSKY_API = "https://opensky-network.org/api"
SOURCES = ("opensky",)
MAX_INTERVAL_S = 30 * 86400     # /flights/aircraft answers for at most 30 days at a time
SETTINGS_KEY = "opensky"
RETRY_HEADER = "X-Rate-Limit-Retry-After-Seconds"


def saved_credentials() -> tuple[str, str] | None:
    """The OpenSky user name and password kept in the user's settings, if any."""
    stored = load_settings().get(SETTINGS_KEY)
    if isinstance(stored, dict) and stored.get("user") and stored.get("password"):
        return str(stored["user"]), str(stored["password"])
    return None


def save_credentials(user: str, password: str) -> None:
    """Keep the OpenSky credentials in the user's settings (never in a case)."""
    save_settings({SETTINGS_KEY: {"user": user, "password": password}})


@dataclass
class CapturedBody:
    """A captured response's body as a flight file (the ``member=`` of ``import_flight_file``)."""

    data: bytes
    url: str
    capture_uuid: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def add_evidence(self, case: Case, importer) -> dict:
        """The body (already stored by the capture) as flight-file evidence naming its capture."""
        from .archives import add_bytes_evidence
        return add_bytes_evidence(case, self.data, importer, original_name="tracks-all.json",
                                  original_path=self.url,
                                  details={"url": self.url, "capture_uuid": self.capture_uuid})


@dataclass
class FetchResult:
    """What fetching gave (``fetch-flights --json``)."""

    aircraft_hex: str
    source: str
    captures: list[dict] = field(default_factory=list)   # url, status, capture_uuid, warc_sha256
    flights_listed: int = 0
    imports: list[dict] = field(default_factory=list)    # an ImportResult per track
    points: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def fetch_flights(case: Case, aircraft: str, t_from: float, t_to: float, *, session, settings,
                  source: str = "opensky", base_url: str = OPENSKY_API, progress=None,
                  cancelled=None, clock=None) -> FetchResult:
    """Ask ``source`` for the flights of ``aircraft`` (hex, or a registration the case knows)
    between ``t_from`` and ``t_to`` (UTC epoch seconds), capture every response into the
    case, and import each flight's track. ``session`` (a requests Session, with ``auth``
    when the user gave credentials) and ``settings`` (CaptureSettings: proxy, timeout...)
    come from the caller. A rate limit or an error answer raises NetworkError in one line
    (what was captured before stays)."""
    from .archives import resolve_hex
    if source not in SOURCES:
        raise InputError(f"unknown source {source!r}; known sources: {', '.join(SOURCES)}")
    if not t_to > t_from:
        raise InputError("--to must be after --from")
    hex_code = resolve_hex(case, aircraft).lstrip("~")
    result = FetchResult(aircraft_hex=hex_code, source=source)
    base = base_url.rstrip("/")
    windows = max(1, math.ceil((t_to - t_from) / MAX_INTERVAL_S))
    flights: list[dict] = []
    for index in range(windows):
        begin = int(t_from + index * MAX_INTERVAL_S)
        end = int(min(t_to, begin + MAX_INTERVAL_S))
        url = f"{base}/flights/aircraft?{urlencode({'icao24': hex_code, 'begin': begin, 'end': end})}"
        body = _ask(case, url, session, settings, cancelled, clock, result, empty_on_404=True)
        flights += _flight_list(body, url)
        _report(progress, index + 1, windows * 2)
    result.flights_listed = len(flights)
    from .importers import opensky_json
    from .ingest import import_flight_file
    for number, flight in enumerate(flights, start=1):
        first = flight.get("firstSeen")
        if not isinstance(first, (int, float)):
            continue
        url = f"{base}/tracks/all?{urlencode({'icao24': hex_code, 'time': int(first)})}"
        body = _ask(case, url, session, settings, cancelled, clock, result, empty_on_404=True)
        if body:
            imported = import_flight_file(
                case, url, fmt=opensky_json, cancelled=cancelled,
                member=CapturedBody(body, url, _capture_uuid(result)))
            result.imports.append(imported.as_dict())
            result.points += imported.points
        _report(progress, windows + number * windows // max(1, len(flights)), windows * 2)
    return result


def _report(progress, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _capture_uuid(result: FetchResult) -> str | None:
    return result.captures[-1]["capture_uuid"] if result.captures else None


def _ask(case, url, session, settings, cancelled, clock, result, *, empty_on_404) -> bytes:
    """Capture ``url`` into the case; its body, or one-line NetworkError for a refusal."""
    from ..sources.web_capture import capture_one
    outcome = capture_one(case, url, settings, session, cancelled=cancelled, clock=clock)
    result.captures.append({"url": url, "status": outcome.status,
                            "capture_uuid": outcome.capture_uuid,
                            "warc_sha256": outcome.warc_sha256})
    status = outcome.status or 0
    if status == 404 and empty_on_404:
        return b""   # OpenSky answers 404 when it has nothing for the aircraft and time
    if status == 429:
        wait = _retry_after(case, outcome.capture_uuid)
        raise NetworkError("OpenSky's rate limit was reached (HTTP 429)"
                           + (f"; try again in {wait} s" if wait else "; try again later")
                           + " (the answer is kept as a capture)", path=url)
    if status in (401, 403):
        raise NetworkError(f"OpenSky refused the request (HTTP {status}); check the user name "
                           "and password (fetch-flights --user)", path=url)
    if status >= 400:
        raise NetworkError(f"OpenSky answered HTTP {status}; nothing was imported from it "
                           "(the answer is kept as a capture)", path=url)
    sha256 = outcome.decoded_sha256 or outcome.body_sha256
    return case.read_artifact(sha256)


def _retry_after(case: Case, capture_uuid: str | None) -> str | None:
    if capture_uuid is None:
        return None
    headers = json.loads(case.get_record("capture", capture_uuid)["response_headers"] or "[]")
    for name, value in headers:
        if name.lower() == RETRY_HEADER.lower():
            return value.strip()
    return None


def _flight_list(body: bytes, url: str) -> list[dict]:
    if not body:
        return []
    try:
        flights = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise NetworkError("OpenSky's answer is not JSON", path=url) from None
    if not isinstance(flights, list):
        raise NetworkError("OpenSky's answer is not a list of flights", path=url)
    return [f for f in flights if isinstance(f, dict)]
