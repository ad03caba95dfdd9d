"""capture/web.py against real servers on 127.0.0.1: exact bytes, every hop in the WARC,
clear errors and nothing left behind on failure."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import socket
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
from warcio.archiveiterator import ArchiveIterator

from osintdesk.sources.acquire.readers import kind_for_media_type
from osintdesk.sources.acquire.web import CaptureSettings, capture_url, describe_failure, read_captured
from osintdesk.errors import Cancelled, InputError, NetworkError

from tests.support import servers


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class TickingClock:
    """A clock that starts at a known moment and moves one second per reading."""

    def __init__(self, start=datetime(2023, 12, 1, 9, 0, 0, tzinfo=timezone.utc)):
        self.now = start

    def __call__(self):
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture()
def work(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def capture(url, session, work, **settings):
    return capture_url(url, session=session, settings=CaptureSettings(**settings), work_dir=work,
                       examiner="Test Examiner")


def warc_records(path: Path, *, decoded: bool = False) -> list[dict]:
    """Each record's type, headers and payload, read back with warcio's own reader."""
    records = []
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            payload = (record.content_stream() if decoded else record.raw_stream).read()
            records.append({
                "type": record.rec_type,
                "warc": dict(record.rec_headers.headers),
                "http": record.http_headers,
                "payload": payload,
            })
    return records


def warcio_check(path: Path) -> subprocess.CompletedProcess:
    cli = Path(sys.executable).with_name("warcio")
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "warcio.cli"]
    return subprocess.run(command + ["check", "-v", str(path)], capture_output=True, text=True)


def assert_nothing_left(work: Path):
    assert list(work.iterdir()) == []


# ----------------------------------------------------------------------------- successful captures


def test_redirect_chain_every_hop_in_the_warc(page_server, session, work):
    clock = TickingClock()
    result = capture_url(page_server.base_url + "/redirect/3", session=session, settings=CaptureSettings(),
                         work_dir=work, examiner="Test Examiner", clock=clock)

    base = page_server.base_url
    assert result.requested_url == base + "/redirect/3"
    assert result.final_url == base + "/page.html"
    assert [e.status for e in result.exchanges] == [301, 302, 307, 308, 200]
    assert [e.location for e in result.redirects] == [
        base + "/redirect/2", base + "/redirect/1", base + "/redirect/0", base + "/page.html"]
    assert result.status == 200 and result.server_ip == "127.0.0.1"
    assert result.media_type == "text/html" and result.charset == "utf-8"
    assert kind_for_media_type(result.media_type) == "html"
    page = read_captured(result)   # read without a case, by the declared type
    assert page.kind == "html" and page.title.startswith("Il-62M RA-86496 flew Moscow to Pyongyang")
    assert result.proxy_used is False and result.tls_verified is True
    assert result.captured_utc == result.final.received_utc and result.captured_utc.tzinfo is not None
    assert result.started_utc < result.captured_utc <= clock.now

    # The stored body is byte for byte what the server sent.
    assert result.body.path.read_bytes() == servers.PAGE_HTML
    assert result.body.sha256 == sha256(servers.PAGE_HTML) == result.final.body_sha256
    assert result.decoded_body is None and result.viewable_body is result.body
    assert result.warc.sha256 == sha256(result.warc.path.read_bytes())

    records = warc_records(result.warc.path)
    assert [r["type"] for r in records] == ["warcinfo"] + ["request", "response"] * 5 + ["metadata"]
    assert all(r["warc"]["WARC-Date"].startswith("2023-12-01T09:00:") for r in records)
    responses = [r for r in records if r["type"] == "response"]
    assert [r["warc"]["WARC-Target-URI"] for r in responses] == [e.url for e in result.exchanges]
    assert [r["http"].get_statuscode() for r in responses] == ["301", "302", "307", "308", "200"]
    assert responses[0]["http"].get_header("Location") == base + "/redirect/2"
    assert responses[0]["payload"] == f"moved to {base}/redirect/2".encode()
    assert sha256(responses[-1]["payload"]) == sha256(servers.PAGE_HTML)
    assert all(r["warc"]["WARC-IP-Address"] == "127.0.0.1" for r in responses)
    requests_ = [r for r in records if r["type"] == "request"]
    assert requests_[0]["http"].protocol == "GET" and requests_[0]["http"].statusline == "/redirect/3 HTTP/1.1"
    assert requests_[0]["http"].get_header("User-Agent") == result.user_agent
    assert all(q["warc"]["WARC-Concurrent-To"] == p["warc"]["WARC-Record-ID"] for q, p in zip(requests_, responses))

    info = records[0]["payload"].decode()
    assert "operator: Test Examiner" in info and f"http-header-user-agent: {result.user_agent}" in info
    assert "proxy: none" in info and "format: WARC File Format 1.1" in info
    assert records[0]["warc"]["WARC-Filename"] == result.warc.path.name
    summary = json.loads(records[-1]["payload"])
    assert summary["body_sha256"] == result.body.sha256 and summary["final_url"] == result.final_url
    assert len(summary["redirects"]) == 4

    check = warcio_check(result.warc.path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("digest pass") == len(records)
    assert page_server.requests_seen[-1][1]["User-Agent"] == result.user_agent


def test_server_ip_of_a_server_that_closes_after_answering(page_server, session, work):
    # http.client lets go of the connection's socket once the headers say "close"; the
    # address must still be read (from the socket the body is read from).
    result = capture(page_server.base_url + "/close.html", session, work)
    assert result.status == 200 and result.server_ip == "127.0.0.1"
    responses = [r for r in warc_records(result.warc.path) if r["type"] == "response"]
    assert responses[0]["warc"]["WARC-IP-Address"] == "127.0.0.1"


def test_gzip_body_kept_raw_with_decoded_copy(page_server, session, work):
    result = capture(page_server.base_url + "/gzip", session, work)

    assert result.content_encoding == "gzip"
    assert result.body.sha256 == sha256(servers.GZIP_BODY)            # exactly as sent
    assert result.decoded_body.sha256 == sha256(servers.GZIP_HTML)    # for viewing
    assert result.decoded_body.path.read_bytes() == servers.GZIP_HTML
    assert result.viewable_body is result.decoded_body
    raw = [r for r in warc_records(result.warc.path) if r["type"] == "response"][0]
    assert raw["payload"] == servers.GZIP_BODY and raw["http"].get_header("Content-Encoding") == "gzip"
    decoded = [r for r in warc_records(result.warc.path, decoded=True) if r["type"] == "response"][0]
    assert decoded["payload"] == servers.GZIP_HTML
    assert warcio_check(result.warc.path).returncode == 0


def test_chunked_body_is_dechunked_and_its_header_renamed(page_server, session, work):
    result = capture(page_server.base_url + "/chunked", session, work)

    assert result.body.path.read_bytes() == servers.CHUNKED_HTML
    assert ("Transfer-Encoding", "chunked") in result.final.response_headers  # the record of what was sent
    response = [r for r in warc_records(result.warc.path) if r["type"] == "response"][0]
    assert response["http"].get_header("Transfer-Encoding") is None
    assert response["http"].get_header("X-Archive-Orig-Transfer-Encoding") == "chunked"
    assert response["payload"] == servers.CHUNKED_HTML
    assert warcio_check(result.warc.path).returncode == 0


def test_binary_body_exact(page_server, session, work):
    seen = []
    result = capture_url(page_server.base_url + "/binary", session=session, settings=CaptureSettings(),
                         work_dir=work, progress=lambda done, total: seen.append((done, total)))

    assert result.body.sha256 == sha256(servers.BINARY_BODY) and result.body.size_bytes == len(servers.BINARY_BODY)
    assert result.media_type == "application/octet-stream"
    assert kind_for_media_type(result.media_type) is None and read_captured(result).kind == "other"
    assert seen[-1] == (len(servers.BINARY_BODY), len(servers.BINARY_BODY))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_header_bytes_and_repeated_headers_are_kept(page_server, session, work):
    result = capture(page_server.base_url + "/latin1-header", session, work)

    assert result.final.header("X-Note") == servers.LATIN1_HEADER_VALUE
    assert [v for k, v in result.final.response_headers if k == "Set-Cookie"] == ["a=1", "b=2"]
    warc_bytes = gzip.decompress(result.warc.path.read_bytes())
    assert b"X-Note: caf\xe9 cr\xe8me\r\n" in warc_bytes
    assert warcio_check(result.warc.path).returncode == 0


def test_error_status_is_captured_not_refused(page_server, session, work):
    result = capture(page_server.base_url + "/404", session, work)
    assert result.status == 404 and result.body.path.read_bytes().startswith(b"<html>")


def test_unsupported_or_corrupt_encoding_keeps_the_raw_body(page_server, session, work):
    brotli = capture(page_server.base_url + "/brotli", session, work)
    assert brotli.decoded_body is None and "br" in brotli.decode_error
    corrupt = capture(page_server.base_url + "/gzip-corrupt", session, work)
    assert corrupt.decoded_body is None and "could not be decoded" in corrupt.decode_error
    assert corrupt.body.size_bytes == 40


def test_captures_of_the_same_url_are_separate(page_server, session, work):
    first = capture(page_server.base_url + "/page.html", session, work)
    second = capture(page_server.base_url + "/page.html", session, work)
    assert first.work_dir != second.work_dir and first.warc.path.exists() and second.warc.path.exists()
    first.discard()
    assert not first.work_dir.exists() and second.warc.path.exists()


# ----------------------------------------------------------------------------- proxies


def test_http_proxy_carries_every_request(page_server, counting_proxy, session, work):
    result = capture(page_server.base_url + "/redirect/3", session, work, proxy=counting_proxy.url)

    assert counting_proxy.seen == [e.url for e in result.exchanges]  # every hop went through it
    assert result.proxy_used and result.proxy == counting_proxy.url
    assert result.server_ip is None  # we only saw the proxy's address
    assert result.final.header("Via") == "1.1 test-proxy"
    assert result.body.sha256 == sha256(servers.PAGE_HTML)
    records = warc_records(result.warc.path)
    assert f"proxy: {counting_proxy.url}" in records[0]["payload"].decode()
    assert records[1]["http"].statusline == f"{page_server.base_url}/redirect/3 HTTP/1.1"  # absolute form
    assert all("WARC-IP-Address" not in r["warc"] for r in records)


def test_proxy_credentials_never_reach_the_record(page_server, counting_proxy, session, work):
    port = counting_proxy.server_address[1]
    result = capture(page_server.base_url + "/page.html", session, work,
                     proxy=f"http://analyst:s3cret@127.0.0.1:{port}")
    assert result.proxy == f"http://127.0.0.1:{port}" and len(counting_proxy.seen) == 1
    assert b"s3cret" not in gzip.decompress(result.warc.path.read_bytes())


def test_settings_not_the_environment_decide_the_proxy(page_server, counting_proxy, session, work, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", counting_proxy.url)
    monkeypatch.setenv("http_proxy", counting_proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    session.proxies = {"http": counting_proxy.url}

    result = capture(page_server.base_url + "/page.html", session, work)

    assert counting_proxy.seen == [] and result.proxy_used is False and result.server_ip == "127.0.0.1"


def test_socks5h_proxy_resolves_the_host_name(page_server, socks_proxy, session, work):
    port = page_server.server_address[1]
    result = capture(f"http://localhost:{port}/page.html", session, work, proxy=socks_proxy.url)

    assert socks_proxy.seen == [("domain", "localhost", port)]  # the name, not an address we resolved
    assert result.body.sha256 == sha256(servers.PAGE_HTML) and result.proxy_used


def test_unreachable_proxy(page_server, closed_port_url, session, work):
    proxy = closed_port_url.rstrip("/")
    with pytest.raises(NetworkError) as caught:
        capture(page_server.base_url + "/page.html", session, work, proxy=proxy)
    assert f"the proxy {proxy} could not be reached" in str(caught.value)
    assert_nothing_left(work)


# ----------------------------------------------------------------------------- failures


def test_too_large_announced_response(page_server, session, work):
    url = page_server.base_url + "/big"
    with pytest.raises(NetworkError) as caught:
        capture(url, session, work, max_bytes=1024 * 1024)
    assert str(caught.value).startswith(url + ": ")
    assert "more than the limit of 1,048,576 bytes" in str(caught.value)
    assert_nothing_left(work)


def test_too_large_unannounced_response_is_cut_off(page_server, session, work):
    url = page_server.base_url + "/big-unannounced"
    with pytest.raises(NetworkError) as caught:
        capture(url, session, work, max_bytes=1024 * 1024)
    assert "larger than the limit of 1,048,576 bytes" in str(caught.value) and url in str(caught.value)
    assert_nothing_left(work)


def test_gzip_bomb_is_refused(page_server, session, work):
    with pytest.raises(NetworkError, match="decompresses to more than the limit"):
        capture(page_server.base_url + "/gzip-bomb", session, work, max_bytes=1024 * 1024)
    assert_nothing_left(work)


def test_slow_body_times_out(page_server, session, work):
    url = page_server.base_url + "/slow"
    with pytest.raises(NetworkError) as caught:
        capture(url, session, work, timeout_s=0.5)
    assert "sent nothing for 0.5 s (timeout)" in str(caught.value) and url in str(caught.value)
    assert_nothing_left(work)


def test_endless_trickle_hits_the_duration_limit(page_server, session, work):
    with pytest.raises(NetworkError, match="still arriving after 0.3 s"):
        capture(page_server.base_url + "/trickle", session, work, timeout_s=5, max_duration_s=0.3)
    assert_nothing_left(work)


@pytest.mark.parametrize("mode, words", [
    ("garbage", "malformed HTTP response"),
    ("reset", "nothing was stored"),
    ("close", "closed the connection without sending a response"),
    ("short", "closed before the whole response arrived (100 bytes received, 900 more expected)"),
    ("headers-flood", "malformed HTTP response"),
])
def test_broken_responses(raw_server, session, work, mode, words):
    url = raw_server.url(mode)
    with pytest.raises(NetworkError) as caught:
        capture(url, session, work, timeout_s=3)
    assert words in str(caught.value) and str(caught.value).startswith(url)
    assert_nothing_left(work)


def test_connection_reset_is_named(raw_server, session, work):
    with pytest.raises(NetworkError, match="reset the connection|closed before the whole response"):
        capture(raw_server.url("reset"), session, work, timeout_s=3)


def test_unreachable_host(closed_port_url, session, work):
    with pytest.raises(NetworkError) as caught:
        capture(closed_port_url, session, work)
    assert "was refused (nothing is listening there)" in str(caught.value)
    assert closed_port_url in str(caught.value)
    assert_nothing_left(work)


def test_dns_failure_is_fast_and_offline(session, work, monkeypatch):
    def no_lookups(*args, **kwargs):
        raise AssertionError("a DNS lookup was attempted")
    monkeypatch.setattr(socket, "getaddrinfo", no_lookups)
    with pytest.raises(NetworkError) as caught:
        capture("https://evidence.example.invalid/page", session, work)
    assert "evidence.example.invalid could not be resolved (DNS)" in str(caught.value)
    assert_nothing_left(work)


def test_dns_errors_are_worded_plainly():
    error = requests.exceptions.ConnectionError(socket.gaierror(-2, "Name or service not known"))
    message = describe_failure(error, "https://no-such-host.example/", CaptureSettings())
    assert message == "the host name no-such-host.example could not be resolved (DNS lookup failed)"


def test_tls_certificate_error(tls_server, session, work):
    url = f"https://127.0.0.1:{tls_server.server_address[1]}/page.html"
    with pytest.raises(NetworkError) as caught:
        capture(url, session, work)
    assert "TLS certificate could not be verified" in str(caught.value) and url in str(caught.value)
    assert_nothing_left(work)


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_tls_verification_can_be_switched_off_and_is_recorded(tls_server, session, work):
    result = capture(f"https://127.0.0.1:{tls_server.server_address[1]}/page.html", session, work,
                     verify_tls=False)
    assert result.tls_verified is False and result.body.sha256 == sha256(servers.PAGE_HTML)
    assert result.server_ip == "127.0.0.1"
    assert "tls-verification: off" in warc_records(result.warc.path)[0]["payload"].decode()


def test_redirect_loop_and_bad_redirect(page_server, session, work):
    with pytest.raises(NetworkError, match="more than 5 redirects"):
        capture(page_server.base_url + "/loop", session, work, max_redirects=5)
    with pytest.raises(NetworkError, match="redirected to ftp://127.0.0.1/file, which cannot be captured"):
        capture(page_server.base_url + "/to-ftp", session, work)
    assert_nothing_left(work)


@pytest.mark.parametrize("url, words", [
    ("ftp://example.org/file", "only http:// and https:// URLs"),
    ("http:///nohost", "has no host name"),
    ("http://127.0.0.1:99999/", "not a valid URL"),
])
def test_urls_that_cannot_be_captured(session, work, url, words):
    with pytest.raises(NetworkError, match=words):
        capture(url, session, work)
    assert_nothing_left(work)


def test_cancel_during_the_body(page_server, session, work):
    calls = []
    with pytest.raises(Cancelled):
        capture_url(page_server.base_url + "/binary", session=session, settings=CaptureSettings(),
                    work_dir=work, progress=lambda done, total: calls.append(done),
                    cancelled=lambda: len(calls) >= 1)
    assert_nothing_left(work)


@pytest.mark.parametrize("settings", [
    {"proxy": "socks5://127.0.0.1:9050"}, {"proxy": "ftp://127.0.0.1:21"}, {"timeout_s": 0}, {"max_bytes": -1},
])
def test_bad_settings(settings):
    with pytest.raises(InputError):
        CaptureSettings(**settings)


def test_clock_must_be_aware(page_server, session, work):
    with pytest.raises(ValueError, match="aware"):
        capture_url(page_server.base_url + "/page.html", session=session, settings=CaptureSettings(),
                    work_dir=work, clock=lambda: datetime(2023, 1, 1))
    assert_nothing_left(work)


def test_warc_is_a_valid_gzip_per_record(page_server, session, work):
    result = capture(page_server.base_url + "/page.html", session, work)
    data = result.warc.path.read_bytes()
    assert data.startswith(b"\x1f\x8b")
    assert gzip.GzipFile(fileobj=io.BytesIO(data)).read().startswith(b"WARC/1.1\r\n")
