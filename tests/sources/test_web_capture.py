"""Capturing web pages into a real case from real servers on 127.0.0.1: what is stored, that the
WARC is sound, that a second capture is added beside the first, and that every failure
leaves the case exactly as it was."""

from __future__ import annotations

import gzip
import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from warcio.archiveiterator import ArchiveIterator

from osintdesk.sources.acquire.web import DEFAULT_USER_AGENT, CaptureSettings
from osintdesk.errors import Cancelled, InputError, NetworkError
from osintdesk.sources.web_capture import capture
from osintdesk.sources.queries import capture_text, captures_of, get_capture, list_sources
from osintdesk.store import verify_case

from tests.support import servers
from tests.support.source_server import case_state, warcio_check


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_capture_stores_body_warc_metadata_and_text(case, page_server, session, tmp_path):
    url = page_server.base_url + "/page.html"
    [outcome] = capture(case, [url], CaptureSettings(), session)
    assert outcome.ok and outcome.new_source and outcome.status == 200

    # The stored body is byte for byte what the server sent.
    assert outcome.body_sha256 == sha256(servers.PAGE_HTML)
    assert case.read_artifact(outcome.body_sha256) == servers.PAGE_HTML

    # The WARC is stored, reads back with warcio and passes `warcio check`.
    warc = case.export_artifact(outcome.warc_sha256, tmp_path / "capture.warc.gz")
    assert sha256(warc.read_bytes()) == outcome.warc_sha256
    check = warcio_check(warc)
    assert check.returncode == 0, check.stdout + check.stderr
    with open(warc, "rb") as stream:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
                    r.content_stream().read() if r.rec_type == "response" else None)
                   for r in ArchiveIterator(stream)]
    assert [r[0] for r in records] == ["warcinfo", "request", "response", "metadata"]
    assert records[2][1] == url and records[2][2] == servers.PAGE_HTML

    row = get_capture(case, outcome.capture_uuid)
    assert row["requested_url"] == row["final_url"] == url
    assert row["server_ip"] == "127.0.0.1" and row["proxy_used"] == 0 and row["tls_verified"] == 1
    assert row["examiner"] == "Test Examiner" and row["app_version"]
    assert row["user_agent"] == DEFAULT_USER_AGENT and "osintdesk" not in row["user_agent"]
    assert ["Content-Type", "text/html; charset=utf-8"] in row["response_headers"]
    assert row["redirects"] == []
    # The page's own date is kept apart from the capture time.
    assert row["published_date"] == "2023-09-14"
    assert row["published_utc"] == "2023-09-14T07:30:00Z"
    assert row["captured_utc"].startswith(str(datetime.now(timezone.utc).year))
    assert row["title"] == "Il-62M RA-86496 flew Moscow to Pyongyang"
    assert row["author"] == "Jane Analyst"
    assert "landed at Pyongyang Sunan" in capture_text(case, outcome.capture_uuid)
    values = {(h["kind"], h["value"]) for h in case.db.query(
        "SELECT kind, value FROM identifier_hits WHERE capture_uuid = ?", [outcome.capture_uuid])}
    assert {("registration", "RA-86496"), ("icao24", "155ABC"), ("callsign", "RSD062"),
            ("airport_icao", "UUWW"), ("date", "2023-09-12")} <= values
    assert verify_case(case).ok


def test_capturing_again_adds_a_capture_to_the_same_source(case, page_server, session):
    url = page_server.base_url + "/page.html"
    [first] = capture(case, [url], CaptureSettings(), session)
    [second] = capture(case, [url + "#section"], CaptureSettings(), session)
    assert second.ok and not second.new_source
    assert second.source_uuid == first.source_uuid
    assert second.capture_uuid != first.capture_uuid
    captures = captures_of(case, first.source_uuid)
    assert len(captures) == 2
    # Both captures keep their own record; the identical body is stored once.
    assert {c["body_sha256"] for c in captures} == {first.body_sha256}
    assert case.conn.execute("SELECT count(*) FROM artifacts WHERE sha256 = ?",
                             (first.body_sha256,)).fetchone()[0] == 1
    assert [s["captures"] for s in list_sources(case)] == [2]
    assert verify_case(case).ok


def test_redirects_and_gzip(case, page_server, session):
    [redirected, gzipped] = capture(case, [page_server.base_url + "/redirect/3",
                                           page_server.base_url + "/gzip"], CaptureSettings(), session)
    row = get_capture(case, redirected.capture_uuid)
    assert row["final_url"] == page_server.base_url + "/page.html"
    assert [r["status"] for r in row["redirects"]] == [301, 302, 307, 308]
    assert redirected.body_sha256 == sha256(servers.PAGE_HTML)

    # gzip: the body as sent (gzip bytes) and the decoded body, both kept.
    assert gzipped.body_sha256 == sha256(servers.GZIP_BODY)
    assert case.read_artifact(gzipped.decoded_sha256) == gzip.decompress(servers.GZIP_BODY)
    assert get_capture(case, gzipped.capture_uuid)["site"] == "Gzip Aviation News"


def test_binary_and_text_bodies(case, page_server, session):
    binary, story = capture(case, [page_server.base_url + "/binary",
                                   page_server.base_url + "/story.txt"], CaptureSettings(), session)
    assert binary.ok and case.read_artifact(binary.body_sha256) == servers.BINARY_BODY
    assert get_capture(case, binary.capture_uuid)["text_uuid"] is None
    assert story.ok and story.identifiers > 5
    assert verify_case(case).ok


def test_proxy_is_recorded(case, page_server, session, counting_proxy):
    url = page_server.base_url + "/page.html"
    [outcome] = capture(case, [url], CaptureSettings(proxy=counting_proxy.url), session)
    assert outcome.ok and counting_proxy.seen == [url]
    row = get_capture(case, outcome.capture_uuid)
    assert row["proxy_used"] == 1 and row["proxy"] == counting_proxy.url
    assert row["server_ip"] is None   # through a proxy we only ever see the proxy


# ----------------------------------------------------------------------------- bad input


BAD = [
    ("unreachable", lambda s, raw, closed: closed, {}, "refused"),
    ("dns", lambda s, raw, closed: "http://no-such-host.invalid/page", {}, "could not be resolved"),
    ("timeout", lambda s, raw, closed: s.base_url + "/slow", {"timeout_s": 0.5}, "timeout"),
    ("too large", lambda s, raw, closed: s.base_url + "/big", {"max_bytes": 1024 * 1024},
     "more than the limit"),
    ("too large unannounced", lambda s, raw, closed: s.base_url + "/big-unannounced",
     {"max_bytes": 1024 * 1024}, "limit"),
    ("malformed", lambda s, raw, closed: raw.url("garbage"), {}, "malformed"),
    ("cut off", lambda s, raw, closed: raw.url("short"), {}, "nothing was stored"),
    ("endless redirects", lambda s, raw, closed: s.base_url + "/loop", {"max_redirects": 5},
     "redirects"),
    ("broken pdf", lambda s, raw, closed: s.base_url + "/broken.pdf", {}, "not a readable PDF"),
    ("broken image", lambda s, raw, closed: s.base_url + "/broken.jpg", {}, "not a readable image"),
]


@pytest.mark.parametrize("name,make_url,settings,message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_names_the_url_and_changes_nothing(case, page_server, raw_server, closed_port_url,
                                                     session, name, make_url, settings, message):
    url = make_url(page_server, raw_server, closed_port_url)
    before = case_state(case)
    [outcome] = capture(case, [url], CaptureSettings(**settings), session)
    assert not outcome.ok
    assert url in outcome.error and message in outcome.error
    assert case_state(case) == before
    with pytest.raises((NetworkError, InputError)) as error:
        capture(case, [url], CaptureSettings(**settings), session, keep_going=False)
    assert url in str(error.value)
    assert case_state(case) == before
    assert verify_case(case).ok


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_tls_error_changes_nothing(case, tls_server, session):
    url = f"https://127.0.0.1:{tls_server.server_address[1]}/page.html"
    before = case_state(case)
    [outcome] = capture(case, [url], CaptureSettings(), session)
    assert "certificate" in outcome.error and url in outcome.error
    assert case_state(case) == before
    # With verification off (recorded), the same page is captured.
    [insecure] = capture(case, [url], CaptureSettings(verify_tls=False), session)
    assert insecure.ok and get_capture(case, insecure.capture_uuid)["tls_verified"] == 0


def test_one_bad_url_does_not_stop_the_others(case, page_server, closed_port_url, session):
    good, bad = capture(case, [page_server.base_url + "/page.html", closed_port_url],
                        CaptureSettings(), session)
    assert good.ok and not bad.ok
    assert len(list_sources(case)) == 1


def test_cancelling_stores_nothing(case, page_server, session):
    before = case_state(case)
    with pytest.raises(Cancelled):
        capture(case, [page_server.base_url + "/binary"], CaptureSettings(), session,
                cancelled=lambda: True)
    assert case_state(case) == before


def test_failure_while_storing_rolls_back_everything(case, page_server, session, monkeypatch):
    from osintdesk.sources import ingest
    before = case_state(case)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(ingest, "index_capture", broken)
    with pytest.raises(RuntimeError):
        capture(case, [page_server.base_url + "/page.html"], CaptureSettings(), session)
    assert case_state(case) == before
    assert verify_case(case).ok


def test_capture_times_come_from_the_clock(case, page_server, session):
    moments = iter(datetime(2023, 12, 1, 9, 0, tzinfo=timezone.utc) + timedelta(seconds=i)
                   for i in range(100))
    [outcome] = capture(case, [page_server.base_url + "/page.html"], CaptureSettings(), session,
                        clock=lambda: next(moments))
    row = get_capture(case, outcome.capture_uuid)
    assert row["started_utc"].startswith("2023-12-01T09:00:0")
    assert row["captured_utc"].startswith("2023-12-01T09:00:0")
    assert row["published_date"] == "2023-09-14"   # never mixed with the capture time

