"""Capturing web pages into the case: fetch and read (``acquire.web``), then store all or nothing.

Each URL is one unit: its body, decoded body and WARC, the capture record, the extracted
text, identifiers and selector hits are stored in one transaction, or nothing is. The same
URL captured again becomes a new capture of the same source; nothing is ever overwritten.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Callable

import requests

from .acquire.documents import ExtractedDocument
from .acquire.web import CaptureSettings, WebCapture, capture_url, read_captured
from ..errors import CaseBusyError, Cancelled, NetworkError, OsintdeskError, ReadOnlyCaseError
from ..store import Case
from ..store.artifacts import ArtifactChanged
from ..timefmt import record_stamp_or_none
from .ingest import as_json, ensure_source, store_capture, url_identity

Progress = Callable[[int, "int | None"], None]


class ErrorStatusNotKept(OsintdeskError):
    """The server answered with a status outside 2xx and the investigator did not ask to
    keep error pages: nothing was stored."""

    def __init__(self, url: str, status: int, reason: str | None):
        self.status = status
        super().__init__(f"the server answered HTTP {status}"
                         + (f" {reason}" if reason else "")
                         + "; nothing was stored (keep the error page only if it is evidence)",
                         path=url)
IsCancelled = Callable[[], bool]
Clock = Callable[[], datetime]
UNITS_PER_URL = 1000


@dataclass
class CaptureOutcome:
    """What capturing one URL did: stored (with ids and hashes) or why not (``error``)."""

    url: str
    error: str | None = None
    source_uuid: str | None = None
    capture_uuid: str | None = None
    new_source: bool = False
    status: int | None = None
    final_url: str | None = None
    # Every address the request went through when it was redirected: the URL asked for,
    # each hop, the final URL (empty when the page answered straight away).
    redirect_chain: list[str] = field(default_factory=list)
    server_ip: str | None = None
    title: str | None = None
    published_date: str | None = None
    captured_utc: str | None = None
    body_sha256: str | None = None
    decoded_sha256: str | None = None
    warc_sha256: str | None = None
    identifiers: int = 0
    selector_hits: int = 0
    warnings: list[str] = field(default_factory=list)
    # The server answered non-2xx and ``keep_errors`` was off: nothing was stored; asked
    # again with ``keep_errors`` the error page is kept (it may be evidence of a removal).
    not_kept: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_dict(self) -> dict:
        return asdict(self)


def capture(case: Case, urls: list[str], settings: CaptureSettings, session: requests.Session,
            progress: Progress | None = None, cancelled: IsCancelled | None = None, *,
            clock: Clock | None = None, keep_going: bool = True,
            keep_errors: bool = True) -> list[CaptureOutcome]:
    """Capture each URL into the case.

    A URL that cannot be captured (network, TLS, size, a body that claims to be a PDF or
    image but is not) leaves the case unchanged for that URL; with ``keep_going`` its
    outcome carries the message and the next URL is tried, otherwise the error is raised.
    ``progress(done, total)`` counts ``UNITS_PER_URL`` per URL; ``cancelled()`` stops the
    capture under way (nothing of it is stored; URLs done before stay).
    Without ``keep_errors`` an answer outside 2xx (a mistyped URL's 404) is not stored:
    its outcome has ``not_kept``, the status and the message (the CLI and the window ask
    the investigator, then capture again with ``keep_errors``).
    """
    if case.readonly:
        raise ReadOnlyCaseError("is open read-only; nothing was captured", path=case.path)
    outcomes = []
    total = len(urls) * UNITS_PER_URL
    for index, url in enumerate(urls):
        base = index * UNITS_PER_URL

        def step(done: int, size: int | None, _base=base) -> None:
            if progress:
                fraction = min(done / size, 1.0) if size else 0.5
                progress(_base + int(fraction * UNITS_PER_URL * 0.8), total)
        try:
            outcomes.append(capture_one(case, url, settings, session, step, cancelled,
                                        clock=clock, keep_errors=keep_errors))
        except ErrorStatusNotKept as error:
            if not keep_going:
                raise
            outcomes.append(CaptureOutcome(url=url, error=str(error), status=error.status,
                                           not_kept=True))
        except CaseBusyError:
            raise   # the next URL would wait as long again: the whole capture stops
        except OsintdeskError as error:
            if not keep_going:
                raise
            outcomes.append(CaptureOutcome(url=url, error=str(error)))
        if progress:
            progress(base + UNITS_PER_URL, total)
    return outcomes


def capture_one(case: Case, url: str, settings: CaptureSettings, session: requests.Session,
                progress: Progress | None = None, cancelled: IsCancelled | None = None, *,
                clock: Clock | None = None, keep_errors: bool = True) -> CaptureOutcome:
    """Capture one URL into the case, all or nothing. Raises the error that stopped it
    (:class:`ErrorStatusNotKept` for an answer outside 2xx without ``keep_errors``)."""
    url = url.strip()
    # The capture's files stay beside the case (private to the user), never in a shared
    # temp folder; a killed capture's folder is swept when the case is next opened.
    web = capture_url(url, session=session, settings=settings, examiner=case.examiner,
                      work_dir=case.work_dir(), clock=clock or case.clock, progress=progress,
                      cancelled=cancelled)
    try:
        status = web.final.status
        if not keep_errors and status is not None and not 200 <= status < 300:
            raise ErrorStatusNotKept(url, status, web.final.reason)
        document = read_captured(web, check_cancel=lambda: _check(cancelled))
        return _store(case, web, document, cancelled)
    finally:
        web.discard()


def _check(cancelled: IsCancelled | None) -> None:
    if cancelled and cancelled():
        raise Cancelled()


def _store(case: Case, web: WebCapture, document: ExtractedDocument,
           cancelled: IsCancelled | None) -> CaptureOutcome:
    final = web.final
    with case.transaction():
        source, new_source = ensure_source(case, identity=url_identity(web.requested_url),
                                           kind="web", url=web.requested_url,
                                           name=web.requested_url)
        stored = {}
        for artifact in web.artifacts:
            try:
                case.put_artifact(artifact.path, cancelled=cancelled, expected_sha256=artifact.sha256)
            except ArtifactChanged:   # the work file changed under us
                raise NetworkError("the captured files changed before they were stored; "
                                   "nothing was stored", path=web.requested_url) from None
            stored[artifact.role] = artifact.sha256
        fields = {
            "method": "web", "requested_url": web.requested_url, "final_url": web.final_url,
            "redirects": json.dumps([{"url": e.url, "status": e.status, "location": e.location}
                                     for e in web.redirects], ensure_ascii=False),
            "status": final.status, "reason": final.reason, "http_version": final.http_version,
            "request_headers": as_json([list(h) for h in final.request_headers]),
            "response_headers": as_json([list(h) for h in final.response_headers]),
            "server_ip": web.server_ip, "started_utc": record_stamp_or_none(web.started_utc),
            "captured_utc": record_stamp_or_none(web.captured_utc),
            "user_agent": web.user_agent,
            "proxy_used": int(web.proxy_used), "proxy": web.proxy,
            "tls_verified": int(web.tls_verified), "software": web.software,
            "media_type": web.media_type, "charset": web.charset,
            "content_encoding": web.content_encoding, "decode_error": web.decode_error,
            "body_sha256": stored["body"], "body_size": web.body.size_bytes,
            "decoded_sha256": stored.get("decoded_body"), "warc_sha256": stored["warc"],
        }
        result = store_capture(case, source=source, new_source=new_source, fields=fields,
                               document=document, text_origin_sha256=web.viewable_body.sha256,
                               action="capture",
                               details={"url": web.requested_url, "status": final.status})
    return CaptureOutcome(
        url=web.requested_url, source_uuid=result.source_uuid, capture_uuid=result.capture_uuid,
        new_source=new_source, status=final.status, final_url=web.final_url,
        redirect_chain=redirect_chain(web), server_ip=web.server_ip,
        title=document.title, published_date=document.published_date,
        captured_utc=fields["captured_utc"], body_sha256=fields["body_sha256"],
        decoded_sha256=fields["decoded_sha256"], warc_sha256=fields["warc_sha256"],
        identifiers=result.identifiers, selector_hits=result.selector_hits,
        warnings=result.warnings)


def redirect_chain(web: WebCapture) -> list[str]:
    """The addresses a redirected request went through, the final URL last ([] if none)."""
    if not web.redirects:
        return []
    return [hop.url for hop in web.redirects] + [web.final_url]
