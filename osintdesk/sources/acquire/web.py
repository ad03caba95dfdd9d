"""Capturing a web page as evidence: fetch it (following redirects ourselves), keep the exact
bytes, and write a WARC/1.1 file that records every request and response.

No Qt, no case file: :func:`capture_url` returns a :class:`WebCapture` (plain data and files
in a work folder) that the store saves, and :func:`read_captured` says what its body says.
Every failure is one :class:`NetworkError` naming the URL and the reason; on failure nothing
is left behind.

Bodies and the gzip question
----------------------------
The WARC holds the body exactly as the server sent it after HTTP *transfer* decoding (chunk
framing removed by urllib3): with ``Content-Encoding: gzip`` that is the gzip bytes, next to
the header that says so. That is what WARC readers (warcio, pywb, replayweb.page) expect,
and the SHA-256 of those bytes is what anyone re-fetching the same resource can compare.
For viewing, searching and extraction we also keep the decoded body as a second artifact
(``decoded_body``); it is derived from the first, never a replacement for it.
Because the chunk framing is not kept, the WARC copy of a ``Transfer-Encoding`` header is
renamed ``X-Archive-Orig-Transfer-Encoding`` (the convention of pywb and browsertrix).
"""

from __future__ import annotations

import hashlib
import http.client
import shutil
import socket
import ssl
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Callable
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import urllib3

from ... import APP_NAME, __version__, timefmt
from ...errors import Cancelled, InputError, NetworkError
from ...filebytes import HashingWriter
from .artifacts import CHUNK_BYTES, Artifact, artifact_for
from .decoding import (DecodedTooLarge, UnsupportedCoding, charset_from_content_type, decode_content,
                       media_type_from_content_type, needs_decoding, parse_content_codings)
from .documents import ExtractedDocument
from .readers import kind_for_media_type, read_document, read_document_as
from .readers.html import extract_file
from .warc_writer import CaptureWarcWriter, WarcExchange, warc_date

Clock = Callable[[], datetime]
Progress = Callable[[int, "int | None"], None]
IsCancelled = Callable[[], bool]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PROXY_SCHEMES = ("http", "https", "socks5h")
# OPSEC: what a mainstream browser sends (Firefox ESR on Windows), so the target's logs do
# not name the tool; the investigator can choose another in the capture settings or with
# ``--user-agent``, and each capture records the one it sent (and its WARC request record).
DEFAULT_USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0"
# The Accept headers that browser sends with a page request (a lone User-Agent stands out).
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
BROWSER_ACCEPT_LANGUAGE = "en-US,en;q=0.5"
# We can only undo these codings, so we only offer these.
ACCEPT_ENCODING = "gzip, deflate"


@dataclass(frozen=True)
class CaptureSettings:
    """How to fetch: the window's capture settings and the CLI flags map onto this.

    ``proxy`` is ``http://``, ``https://`` or ``socks5h://`` (host names resolved by the proxy,
    as Tor needs). ``timeout_s`` bounds connecting and each wait for data; ``max_duration_s``
    bounds a whole capture (a server trickling bytes forever). ``max_bytes`` bounds each body,
    before and after gzip decoding. These settings are authoritative: proxy variables in the
    environment are ignored, so "proxy used" in the record is always true to what happened.
    """

    user_agent: str = DEFAULT_USER_AGENT
    proxy: str | None = None
    timeout_s: float = 30.0
    max_bytes: int = 100 * 1024 * 1024
    verify_tls: bool = True
    max_redirects: int = 20
    max_duration_s: float = 600.0

    def __post_init__(self):
        if self.proxy is not None:
            scheme = urlsplit(self.proxy).scheme.lower()
            if scheme not in PROXY_SCHEMES or not urlsplit(self.proxy).hostname:
                raise InputError("the proxy must look like http://host:port, https://host:port or "
                                 "socks5h://host:port (socks5h so that the proxy resolves host names)",
                                 path=redact_url(self.proxy))
        if self.timeout_s <= 0 or self.max_duration_s <= 0 or self.max_bytes <= 0 or self.max_redirects < 0:
            raise InputError("timeout, duration, size and redirect limits must be positive",
                             path="capture settings")


@dataclass(frozen=True)
class HttpExchange:
    """One request and its response: a redirect hop or the final page."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    http_version: str
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    location: str | None          # the absolute URL this hop redirects to, if it does
    server_ip: str | None         # None when a proxy was used: we only see the proxy
    sent_utc: datetime
    received_utc: datetime
    body_size_bytes: int
    body_sha256: str

    def header(self, name: str) -> str | None:
        """The first response header called ``name`` (case-insensitive)."""
        return first_header(self.response_headers, name)


@dataclass(frozen=True)
class WebCapture:
    """Everything a capture produced, for the store to save.

    ``work_dir`` holds the artifact files and belongs to the caller: move the files into
    the case, then call :meth:`discard` (or discard straight away if the case refuses them).
    """

    requested_url: str
    final_url: str
    exchanges: tuple[HttpExchange, ...]   # redirect hops in order, the final response last
    started_utc: datetime
    captured_utc: datetime                # when the final response arrived
    user_agent: str
    proxy_used: bool
    proxy: str | None                     # without any user:password
    tls_verified: bool
    examiner: str | None
    software: str
    media_type: str | None                # from Content-Type, e.g. "text/html"
    charset: str | None
    content_encoding: str | None
    body: Artifact                        # exactly as sent (after transfer decoding)
    decoded_body: Artifact | None         # Content-Encoding undone, when there was one
    decode_error: str | None              # why decoded_body is missing although encoded
    warc: Artifact
    work_dir: Path

    @property
    def final(self) -> HttpExchange:
        return self.exchanges[-1]

    @property
    def status(self) -> int:
        return self.final.status

    @property
    def server_ip(self) -> str | None:
        return self.final.server_ip

    @property
    def redirects(self) -> tuple[HttpExchange, ...]:
        return self.exchanges[:-1]

    @property
    def viewable_body(self) -> Artifact:
        """The body to show and extract text from: decoded if it was encoded."""
        return self.decoded_body or self.body

    @property
    def artifacts(self) -> tuple[Artifact, ...]:
        return tuple(a for a in (self.body, self.decoded_body, self.warc) if a is not None)

    def discard(self) -> None:
        """Delete the work folder and its files."""
        shutil.rmtree(self.work_dir, ignore_errors=True)


# ----------------------------------------------------------------------------- public entry


def capture_url(url: str, *, session: requests.Session, settings: CaptureSettings,
                work_dir: Path | None = None, examiner: str | None = None,
                clock: Clock | None = None, progress: Progress | None = None,
                cancelled: IsCancelled | None = None) -> WebCapture:
    """Fetch ``url`` and everything needed to prove later what it returned.

    ``work_dir``: a parent folder for this capture's files (pass one on the case's disk so
    the store can move instead of copy); a fresh sub-folder is made in it. ``clock`` returns
    an aware datetime (UTC) and is used for every recorded time. ``progress(done_bytes,
    total_bytes_or_None)`` is called as each body arrives. ``cancelled()`` returning True
    stops the capture with :class:`Cancelled`. Raises :class:`NetworkError`; on any failure
    or cancellation the capture's folder is removed.
    """
    job = _CaptureJob(url, session, settings, examiner, clock or _utc_now,
                      progress or (lambda done, total: None), cancelled or (lambda: False))
    folder = Path(tempfile.mkdtemp(prefix="capture-", dir=work_dir))
    try:
        return job.run(folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


# ----------------------------------------------------------------------------- what it says


def read_captured(web: WebCapture, *, check_cancel: Callable[[], None] = lambda: None
                  ) -> ExtractedDocument:
    """What the captured body says, read by its declared type (sniffed when undeclared).

    A successful response (2xx) whose body claims to be a PDF or an image but cannot be
    read raises :class:`InputError` naming the URL: nothing is stored half understood.
    """
    body = web.viewable_body
    if web.decode_error:
        return ExtractedDocument(kind="other", media_type=web.media_type or "",
                                 warnings=[web.decode_error])
    kind = kind_for_media_type(web.media_type)
    strict = 200 <= web.status < 300
    if kind == "html":   # read from a bounded prefix: any page costs the same memory
        return extract_file(body.path, url=web.final_url, declared_charset=web.charset)
    try:
        if kind in ("pdf", "image", "text", "markdown"):
            return read_document_as(body.path, kind, check_cancel=check_cancel,
                                    spool_dir=web.work_dir)
        if kind is None:
            document = read_document(body.path, check_cancel=check_cancel,
                                     spool_dir=web.work_dir)
            if document.kind in ("warc", "wacz"):
                return ExtractedDocument(kind="other", media_type=web.media_type or "")
            return document
    except InputError as error:
        reason = str(error).removeprefix(f"{error.path}: ")
        if strict:
            raise InputError(f"the response is {reason}; nothing was stored",
                             path=web.requested_url) from None
        return ExtractedDocument(kind="other", media_type=web.media_type or "",
                                 warnings=[f"the body could not be read: {reason}"])
    return ExtractedDocument(kind="other", media_type=web.media_type or "")


# ----------------------------------------------------------------------------- the capture job


@dataclass
class _Hop:
    """A fetched hop: its exchange record plus the temporary body file."""

    exchange: HttpExchange
    request_line: str
    body_path: Path


class _CaptureJob:
    def __init__(self, url, session, settings, examiner, clock, progress, cancelled):
        self.url = url
        self.session = session
        self.settings = settings
        self.examiner = examiner
        self.clock = clock
        self.progress = progress
        self.is_cancelled = cancelled
        self.deadline = time.monotonic() + settings.max_duration_s

    def check_cancel(self) -> None:
        if self.is_cancelled():
            raise Cancelled()

    def fail(self, reason: str, url: str | None = None) -> NetworkError:
        return NetworkError(reason, path=url or self.url)

    def run(self, folder: Path) -> WebCapture:
        check_capturable_url(self.url)
        started_utc = self._now()
        hops = self._follow_redirects(folder)
        final = hops[-1]
        final.body_path = final.body_path.rename(folder / "body")
        body = artifact_for("body", final.body_path, _media_type(final.exchange) or "application/octet-stream")
        decoded, decode_error = self._decode_body(final, folder)
        warc = self._write_warc(folder, hops, started_utc, body, decoded)
        for hop in hops[:-1]:
            hop.body_path.unlink()  # redirect bodies live on inside the WARC
        return WebCapture(
            requested_url=self.url, final_url=final.exchange.url,
            exchanges=tuple(h.exchange for h in hops),
            started_utc=started_utc, captured_utc=final.exchange.received_utc,
            user_agent=self.settings.user_agent, proxy_used=self.settings.proxy is not None,
            proxy=redact_url(self.settings.proxy) if self.settings.proxy else None,
            tls_verified=self.settings.verify_tls, examiner=self.examiner, software=software_name(),
            media_type=_media_type(final.exchange),
            charset=charset_from_content_type(final.exchange.header("Content-Type")),
            content_encoding=final.exchange.header("Content-Encoding"),
            body=body, decoded_body=decoded, decode_error=decode_error, warc=warc, work_dir=folder)

    def _now(self) -> datetime:
        moment = self.clock()
        if moment.tzinfo is None:
            raise ValueError("the capture clock must return an aware datetime")
        return moment.astimezone(timezone.utc)

    # -- redirects

    def _follow_redirects(self, folder: Path) -> list[_Hop]:
        hops: list[_Hop] = []
        url = self.url
        while True:
            self.check_cancel()
            hop = self._fetch(url, folder / f"hop{len(hops)}.body")
            hops.append(hop)
            next_url = hop.exchange.location
            if next_url is None:
                return hops
            if len(hops) > self.settings.max_redirects:
                raise self.fail(f"more than {self.settings.max_redirects} redirects "
                                f"(last one to {next_url}); the page never settles")
            try:
                check_capturable_url(next_url)
            except NetworkError as error:
                raise self.fail(f"redirected to {next_url}, which cannot be captured: {error}") from None
            url = next_url

    # -- one request

    def _fetch(self, url: str, body_path: Path) -> _Hop:
        sent_utc = self._now()
        seen: dict = {}

        def read_before_requests_does(response: requests.Response, **_kwargs) -> requests.Response:
            # With allow_redirects=False requests still reads (and gunzips) a redirect's body
            # itself, right after the response hooks. Reading it here, from the raw stream,
            # keeps the exact bytes and applies our limits to every hop.
            try:
                seen["received_utc"] = self._now()
                seen["server_ip"] = None if self.settings.proxy else _peer_ip(response)
                seen["body"] = self._read_body(response, url, body_path)
            except BaseException:
                response.close()  # raising out of a hook skips requests' own clean-up
                raise
            return response

        try:
            response = self.session.get(
                url, headers={"User-Agent": self.settings.user_agent, "Accept": BROWSER_ACCEPT,
                         "Accept-Language": BROWSER_ACCEPT_LANGUAGE,
                         "Accept-Encoding": ACCEPT_ENCODING},
                proxies=self._proxies(url), timeout=(self.settings.timeout_s, self.settings.timeout_s),
                verify=None if self.settings.verify_tls else False,
                allow_redirects=False, stream=True, hooks={"response": [read_before_requests_does]})
        except requests.RequestException as error:
            raise self.fail(describe_failure(error, url, self.settings), url) from error
        try:
            sha256, size_bytes = seen["body"]
            exchange = _exchange_from(response, url, sent_utc, seen["received_utc"], seen["server_ip"],
                                      sha256, size_bytes)
            return _Hop(exchange, _request_line(response, url, self.settings.proxy), body_path)
        finally:
            response.close()

    def _proxies(self, url: str) -> dict[str, str | None]:
        """A proxies mapping that overrides every key requests would consult for ``url``."""
        parts = urlsplit(url)
        keys = (parts.scheme, "all", f"{parts.scheme}://{parts.hostname}", f"all://{parts.hostname}",
                "http", "https")
        return {key: self.settings.proxy for key in keys}

    def _read_body(self, response: requests.Response, url: str, body_path: Path) -> tuple[str, int]:
        limit = self.settings.max_bytes
        announced = _announced_length(response)
        if announced is not None and announced > limit:
            raise self.fail(f"the server announced {announced:,} bytes, more than the limit of "
                            f"{limit:,} bytes; nothing was stored", url)
        with open(body_path, "wb") as raw_file:
            writer = HashingWriter(raw_file)
            try:
                for chunk in response.raw.stream(CHUNK_BYTES, decode_content=False):
                    writer.write(chunk)
                    if writer.size_bytes > limit:
                        raise self.fail(f"the response is larger than the limit of {limit:,} bytes; "
                                        "it was cut off and nothing was stored", url)
                    if time.monotonic() > self.deadline:
                        raise self.fail(f"the response was still arriving after "
                                        f"{self.settings.max_duration_s:g} s (endless or very slow "
                                        "response); nothing was stored", url)
                    self.progress(writer.size_bytes, announced)
                    self.check_cancel()
            except (urllib3.exceptions.HTTPError, requests.RequestException, OSError,
                    http.client.HTTPException) as error:
                raise self.fail(describe_failure(error, url, self.settings), url) from error
        return writer.sha256, writer.size_bytes

    # -- after fetching

    def _decode_body(self, final: _Hop, folder: Path) -> tuple[Artifact | None, str | None]:
        codings = parse_content_codings(final.exchange.header("Content-Encoding"))
        if not needs_decoding(codings):
            return None, None
        target = folder / "body.decoded"
        try:
            decode_content(final.body_path, target, codings, max_bytes=self.settings.max_bytes,
                           check_cancel=self.check_cancel)
        except DecodedTooLarge:
            raise self.fail(f"the response decompresses to more than the limit of "
                            f"{self.settings.max_bytes:,} bytes; nothing was stored") from None
        except UnsupportedCoding as error:
            target.unlink(missing_ok=True)
            return None, f"content encoding {error} cannot be decoded; only the raw body is kept"
        except Exception as error:  # zlib.error and friends: corrupt data from the server
            target.unlink(missing_ok=True)
            return None, f"the {', '.join(codings)} body could not be decoded ({error}); only the raw body is kept"
        return artifact_for("decoded_body", target, _media_type(final.exchange) or "application/octet-stream"), None

    def _write_warc(self, folder: Path, hops: list[_Hop], started_utc: datetime,
                    body: Artifact, decoded: Artifact | None) -> Artifact:
        self.check_cancel()
        filename = f"{APP_NAME}-{timefmt.file_stamp(started_utc)}-{_short_id(self.url, started_utc)}.warc.gz"
        path = folder / filename
        with open(path, "wb") as stream:
            writer = CaptureWarcWriter(stream, filename=filename, info=self._warcinfo(), created_utc=started_utc)
            response_id = ""
            for hop in hops:
                response_id = writer.write_exchange(_warc_exchange(hop))
            writer.write_metadata(hops[-1].exchange.url, self._summary(hops, started_utc, body, decoded),
                                  concurrent_to=response_id, date_utc=hops[-1].exchange.received_utc)
        return artifact_for("warc", path, "application/warc")

    def _warcinfo(self) -> dict[str, str]:
        return {
            "software": software_name(),
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "operator": self.examiner or "",
            "http-header-user-agent": self.settings.user_agent,
            "proxy": redact_url(self.settings.proxy) if self.settings.proxy else "none",
            "tls-verification": "on" if self.settings.verify_tls else "off",
        }

    def _summary(self, hops: list[_Hop], started_utc: datetime, body: Artifact,
                 decoded: Artifact | None) -> dict:
        final = hops[-1].exchange
        return {
            "requested_url": self.url,
            "final_url": final.url,
            "redirects": [{"url": h.exchange.url, "status": h.exchange.status, "location": h.exchange.location}
                          for h in hops[:-1]],
            "status": final.status,
            "server_ip": final.server_ip,
            "started_utc": warc_date(started_utc),
            "captured_utc": warc_date(final.received_utc),
            "user_agent": self.settings.user_agent,
            "proxy_used": self.settings.proxy is not None,
            "proxy": redact_url(self.settings.proxy) if self.settings.proxy else None,
            "tls_verified": self.settings.verify_tls,
            "examiner": self.examiner,
            "software": software_name(),
            "body_sha256": body.sha256,
            "body_size_bytes": body.size_bytes,
            "decoded_body_sha256": decoded.sha256 if decoded else None,
            "decoded_body_size_bytes": decoded.size_bytes if decoded else None,
        }


# ----------------------------------------------------------------------------- small helpers


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def software_name() -> str:
    """What wrote the capture, with the versions that matter for reading it back."""
    return f"{APP_NAME}/{__version__} (warcio/{_dist_version('warcio')}; requests/{requests.__version__})"


def _dist_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


def _short_id(url: str, moment: datetime) -> str:
    return hashlib.sha256(f"{url}\n{moment.isoformat()}".encode()).hexdigest()[:8]


def first_header(headers: list[tuple[str, str]], name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers:
        if key.lower() == lowered:
            return value
    return None


def _media_type(exchange: HttpExchange) -> str | None:
    return media_type_from_content_type(exchange.header("Content-Type"))


def redact_url(url: str) -> str:
    """The URL without any ``user:password@`` part (for proxies, which may carry credentials)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def check_capturable_url(url: str) -> None:
    """Refuse what cannot be fetched, before any network traffic.

    Names under ``.invalid`` are refused here (RFC 6761 asks resolvers to do so) so that a
    lookup never leaves the machine for them.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as error:
        raise NetworkError(f"not a valid URL ({error})", path=url) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise NetworkError("only http:// and https:// URLs can be captured", path=url)
    if not host:
        raise NetworkError("the URL has no host name", path=url)
    if host.rstrip(".").lower().endswith(".invalid") or host.lower() == "invalid":
        raise NetworkError(f"the host name {host} could not be resolved (DNS): "
                           "names under .invalid never exist", path=url)


def _announced_length(response: requests.Response) -> int | None:
    value = response.headers.get("Content-Length")
    if value is None or "chunked" in response.headers.get("Transfer-Encoding", "").lower():
        return None
    try:
        return int(value.split(",")[0].strip())
    except ValueError:
        return None


def _peer_ip(response: requests.Response) -> str | None:
    """The server's IP address from the connection's socket, if it can still be seen.

    A server that closes after its answer (HTTP/1.0, ``Connection: close``: the classroom
    server, many small sites) makes http.client drop the connection's socket as soon as
    the headers are read; the response still reads from that socket's file, so the peer
    is asked there when the connection no longer has it.
    """
    for sock in (_connection_socket(response), _response_file_socket(response)):
        try:
            return sock.getpeername()[0]
        except (AttributeError, OSError, IndexError, TypeError):
            continue
    return None


def _connection_socket(response: requests.Response):
    return getattr(getattr(response.raw, "connection", None), "sock", None)


def _response_file_socket(response: requests.Response):
    # urllib3 HTTPResponse -> http.client.HTTPResponse -> BufferedReader -> SocketIO.
    reader = getattr(getattr(response.raw, "_fp", None), "fp", None)
    return getattr(getattr(reader, "raw", None), "_sock", None)


def _raw_headers(response: requests.Response) -> tuple[str, str, list[tuple[str, str]]]:
    """(HTTP version, reason, headers in wire order with duplicates) of a response."""
    original = getattr(response.raw, "_original_response", None)
    if original is not None:
        version = {9: "HTTP/0.9", 10: "HTTP/1.0", 11: "HTTP/1.1"}.get(original.version, "HTTP/1.1")
        return version, original.reason or "", [(k, v) for k, v in original.msg.items()]
    return "HTTP/1.1", response.reason or "", list(response.raw.headers.items())


def _request_headers(response: requests.Response, url: str) -> list[tuple[str, str]]:
    """The request headers as sent: Host (added by http.client) first, then the prepared ones."""
    parts = urlsplit(url)
    default_port = {"http": 80, "https": 443}[parts.scheme.lower()]
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    host_header = host if parts.port in (None, default_port) else f"{host}:{parts.port}"
    # Credentials are sent, never recorded: not in the capture record, not in the WARC.
    sent = [(k, v) for k, v in response.request.headers.items()
            if k.lower() not in ("proxy-authorization", "authorization")]
    return [("Host", host_header)] + sent


def _request_line(response: requests.Response, url: str, proxy: str | None) -> str:
    # Through an http(s) proxy a plain-http request carries the absolute URL.
    plain_http_via_proxy = proxy is not None and not proxy.startswith("socks") and url.lower().startswith("http:")
    target = response.request.url if plain_http_via_proxy else (response.request.path_url or "/")
    return f"{response.request.method} {target} HTTP/1.1"


def _exchange_from(response, url, sent_utc, received_utc, server_ip, sha256, size_bytes) -> HttpExchange:
    version, reason, headers = _raw_headers(response)
    location = first_header(headers, "Location")
    next_url = urljoin(url, location.strip()) if (response.status_code in REDIRECT_STATUSES and location) else None
    return HttpExchange(
        url=url, method=response.request.method, request_headers=_request_headers(response, url),
        http_version=version, status=response.status_code, reason=reason, response_headers=headers,
        location=next_url, server_ip=server_ip, sent_utc=sent_utc, received_utc=received_utc,
        body_size_bytes=size_bytes, body_sha256=sha256)


def _warc_exchange(hop: _Hop) -> WarcExchange:
    ex = hop.exchange
    return WarcExchange(
        url=ex.url, request_line=hop.request_line, request_headers=ex.request_headers,
        http_version=ex.http_version, status=ex.status, reason=ex.reason,
        response_headers=ex.response_headers, body_path=hop.body_path,
        body_size_bytes=ex.body_size_bytes, sent_utc=ex.sent_utc, received_utc=ex.received_utc,
        server_ip=ex.server_ip)


# ----------------------------------------------------------------------------- error wording


def _chain(error: BaseException) -> list[BaseException]:
    """The error, its causes and contexts, and urllib3's wrapped ``reason``s, outermost first."""
    seen: list[BaseException] = []
    todo = [error]
    while todo:
        current = todo.pop(0)
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        todo.extend([getattr(current, "reason", None) if isinstance(getattr(current, "reason", None), BaseException) else None,
                     current.__cause__, current.__context__])
        todo.extend(arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException))
    return seen


def describe_failure(error: BaseException, url: str, settings: CaptureSettings) -> str:
    """Plain words for why fetching ``url`` failed."""
    chain = _chain(error)

    def has(*types) -> BaseException | None:
        return next((e for e in chain if isinstance(e, types)), None)

    parts = urlsplit(url)
    host = parts.hostname or url
    port = parts.port or (443 if parts.scheme == "https" else 80)
    proxy = redact_url(settings.proxy) if settings.proxy else None
    if has(requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
           requests.exceptions.InvalidSchema, urllib3.exceptions.LocationParseError):
        if "SOCKS" in str(error):
            return "SOCKS proxy support is missing (install PySocks)"
        return "not a valid URL"
    if proxy and (has(requests.exceptions.ProxyError, urllib3.exceptions.ProxyError)
                  or any(type(e).__module__ == "socks" for e in chain)):
        return f"the proxy {proxy} could not be reached or would not connect to {host}"
    if has(urllib3.exceptions.NameResolutionError, socket.gaierror):
        return f"the host name {host} could not be resolved (DNS lookup failed)"
    if has(ConnectionRefusedError):
        return f"the connection to {host}:{port} was refused (nothing is listening there)"
    certificate = has(ssl.SSLCertVerificationError)
    if certificate is not None:
        detail = getattr(certificate, "verify_message", None) or str(certificate)
        return f"the server's TLS certificate could not be verified ({detail})"
    if has(ssl.SSLError, requests.exceptions.SSLError, urllib3.exceptions.SSLError):
        return f"the TLS handshake with {host} failed ({has(ssl.SSLError) or error})"
    if has(requests.exceptions.ConnectTimeout, urllib3.exceptions.ConnectTimeoutError) \
            and not has(urllib3.exceptions.NewConnectionError):
        return f"no connection to {host} within {settings.timeout_s:g} s (timeout)"
    if has(requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError, TimeoutError, socket.timeout):
        return f"the server sent nothing for {settings.timeout_s:g} s (timeout); nothing was stored"
    if has(http.client.RemoteDisconnected):  # a ConnectionResetError too: test it first
        return "the server closed the connection without sending a response"
    incomplete = has(http.client.IncompleteRead)
    if incomplete is not None:
        return ("the connection closed before the whole response arrived "
                f"({_incomplete_detail(incomplete)}); nothing was stored")
    if has(ConnectionResetError, ConnectionAbortedError, BrokenPipeError):
        return "the server reset the connection before the response was complete; nothing was stored"
    if has(http.client.HTTPException, urllib3.exceptions.ProtocolError, requests.exceptions.ChunkedEncodingError):
        return "the server sent a malformed HTTP response; nothing was stored"
    if has(urllib3.exceptions.NewConnectionError, ConnectionError, requests.exceptions.ConnectionError):
        return f"could not connect to {host}:{port}"
    return f"the request failed ({type(error).__name__}: {error})"


def _incomplete_detail(error: http.client.IncompleteRead) -> str:
    received = error.partial if isinstance(error.partial, int) else len(error.partial or b"")
    if error.expected is not None:
        return f"{received:,} bytes received, {error.expected:,} more expected"
    return f"{received:,} bytes received"
