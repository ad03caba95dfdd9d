"""Writing capture WARC files (WARC/1.1, gzip per record) with warcio's writer API.

Records are built one by one with ``create_warc_record``; nothing here patches the
network stack. HTTP header blocks are written byte for byte as the server sent them
(latin-1, as ``http.client`` decoded them), not percent-encoded as warcio does by default.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.warcwriter import WARCWriter

from ... import timefmt

WARC_VERSION = "1.1"
# Header names that describe the bytes on the wire but not the body we store: urllib3
# removes the chunked framing, so the stored body is the de-chunked entity. Keeping the
# header would make every WARC reader try to de-chunk it again.
_TRANSFER_HEADERS = {"transfer-encoding"}
ORIGINAL_HEADER_PREFIX = "X-Archive-Orig-"


def warc_date(moment: datetime) -> str:
    """A WARC/1.1 date: UTC, ISO 8601, microseconds when there are any."""
    return timefmt.record_stamp(moment) if moment.microsecond else timefmt.record_time(moment)


def new_record_id() -> str:
    """A fresh ``<urn:uuid:...>`` WARC record id."""
    return StatusAndHeadersParser.make_warc_id()


class _ExactHeaders(StatusAndHeaders):
    """Status line and headers serialised as latin-1, i.e. the bytes the server sent."""

    def compute_headers_buffer(self, header_filter=None):
        try:
            self.headers_buff = self.to_bytes(header_filter, encoding="latin-1")
        except UnicodeEncodeError:  # only values we built ourselves can be non-latin-1
            super().compute_headers_buffer(header_filter)


@dataclass(frozen=True)
class WarcExchange:
    """One HTTP request and its response, as they go into a pair of WARC records."""

    url: str
    request_line: str                      # "GET /path HTTP/1.1"
    request_headers: list[tuple[str, str]]
    http_version: str                      # "HTTP/1.1"
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    body_path: Path
    body_size_bytes: int
    sent_utc: datetime
    received_utc: datetime
    server_ip: str | None


def warc_response_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers for the WARC copy: Transfer-Encoding is renamed because the body is de-chunked."""
    return [((ORIGINAL_HEADER_PREFIX + name) if name.lower() in _TRANSFER_HEADERS else name, value)
            for name, value in headers]


class CaptureWarcWriter:
    """Writes one capture (warcinfo, request/response pairs, a metadata record) to a stream."""

    def __init__(self, stream: BinaryIO, *, filename: str, info: dict[str, str], created_utc: datetime):
        self._writer = WARCWriter(stream, gzip=True, warc_version=WARC_VERSION)
        self.warcinfo_id = new_record_id()
        self._write_warcinfo(filename, info, created_utc)

    def _write_warcinfo(self, filename: str, info: dict[str, str], created_utc: datetime) -> None:
        lines = "".join(f"{name}: {value}\r\n" for name, value in info.items() if value)
        payload = lines.encode("utf-8")
        record = self._writer.create_warc_record(
            "", "warcinfo", payload=BytesIO(payload), length=len(payload),
            warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Record-ID": self.warcinfo_id,
                               "WARC-Filename": filename,
                               "WARC-Date": warc_date(created_utc)})
        self._writer.write_record(record)

    def write_exchange(self, exchange: WarcExchange) -> str:
        """Write the request record, then the response record; returns the response record id."""
        request_id, response_id = new_record_id(), new_record_id()
        request_headers = _ExactHeaders(exchange.request_line, exchange.request_headers,
                                        is_http_request=True)
        request = self._writer.create_warc_record(
            exchange.url, "request", http_headers=request_headers,
            warc_headers_dict={"WARC-Record-ID": request_id,
                               "WARC-Date": warc_date(exchange.sent_utc),
                               "WARC-Warcinfo-ID": self.warcinfo_id,
                               "WARC-Concurrent-To": response_id})
        self._writer.write_record(request)

        response_headers = _ExactHeaders(f"{exchange.status} {exchange.reason}".rstrip(),
                                         warc_response_headers(exchange.response_headers),
                                         protocol=exchange.http_version)
        warc_headers = {"WARC-Record-ID": response_id,
                        "WARC-Date": warc_date(exchange.received_utc),
                        "WARC-Warcinfo-ID": self.warcinfo_id,
                        "WARC-Concurrent-To": request_id}
        if exchange.server_ip:
            warc_headers["WARC-IP-Address"] = exchange.server_ip
        with open(exchange.body_path, "rb") as body:
            response = self._writer.create_warc_record(
                exchange.url, "response", payload=body, length=exchange.body_size_bytes,
                http_headers=response_headers, warc_headers_dict=warc_headers)
            self._writer.write_record(response)
        return response_id

    def write_metadata(self, url: str, summary: dict, *, concurrent_to: str, date_utc: datetime) -> None:
        """A ``metadata`` record holding the capture summary as JSON (so the WARC stands alone)."""
        payload = json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8")
        record = self._writer.create_warc_record(
            url, "metadata", payload=BytesIO(payload), length=len(payload),
            warc_content_type="application/json",
            warc_headers_dict={"WARC-Record-ID": new_record_id(),
                               "WARC-Date": warc_date(date_utc),
                               "WARC-Warcinfo-ID": self.warcinfo_id,
                               "WARC-Concurrent-To": concurrent_to})
        self._writer.write_record(record)
