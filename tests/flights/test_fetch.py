"""fetch-flights: OpenSky's REST API asked through the capture path (a local server on
127.0.0.1 answering like the API), each answer a capture with its WARC, the tracks
imported; rate limits and errors in one line; credentials in the settings, never in the
case or the WARC."""

import base64
import json
import os
import subprocess
import sys

import pytest
import requests

from osintdesk.errors import NetworkError
from osintdesk.flights.fetch import fetch_flights, save_credentials, saved_credentials
from osintdesk.sources.acquire.web import CaptureSettings
from osintdesk.store import Case, verify_case
from tests.support import flight_samples as samples
from tests.support.opensky_server import OpenSkyServer
from tests.support.servers import start, stop
from tests.ui.test_flight_pages import wait_for, window  # noqa: F401 (the window fixture)
from tests.support.points import point_count

HEX = "f0beef"
DAY = 86400.0


@pytest.fixture
def flights():
    out = samples.synthetic_flight("UUWW", "ZKPY", hex=HEX, step_s=60)
    back = samples.synthetic_flight("ZKPY", "UUWW", start_t=out[-1].t + 2 * DAY, hex=HEX, step_s=60)
    return [{"points": out, "origin": "UUWW", "destination": "ZKPY"},
            {"points": back, "origin": "ZKPY", "destination": "UUWW"}]


@pytest.fixture
def api(flights):
    server = start(OpenSkyServer({HEX: flights}))
    yield server
    stop(server)


@pytest.fixture
def case(tmp_path):
    with Case.create(tmp_path / "online", title="Online", examiner="Alice") as c:
        yield c


def fetch(case, api, session=None, **kwargs):
    with session or requests.Session() as s:
        return fetch_flights(case, HEX, samples.T0 - DAY, samples.T0 + 5 * DAY, session=s,
                             settings=CaptureSettings(timeout_s=10), base_url=api.api_url, **kwargs)


def test_flights_and_tracks_are_captured_then_imported(case, api, flights):
    result = fetch(case, api)
    assert result.flights_listed == 2 and len(result.imports) == 2
    assert result.points == sum(len(f["points"]) for f in flights)
    assert [c["status"] for c in result.captures] == [200, 200, 200]
    assert result.captures[0]["url"].startswith(f"{api.api_url}/flights/aircraft?icao24={HEX}")
    # Each answer is a capture with its WARC; each track's body is the imported evidence.
    for captured in result.captures:
        record = case.get_record("capture", captured["capture_uuid"])
        assert record["requested_url"] == captured["url"] and record["warc_sha256"]
    imp = case.get_record("flight-import", result.imports[0]["import_uuid"])
    evidence = case.get_record("evidence", imp["evidence_uuid"])
    assert json.loads(evidence["details"])["url"] == result.captures[1]["url"]
    assert case.conn.execute("SELECT origin, destination FROM flights ORDER BY first_t"
                             ).fetchall() == [("UUWW", "ZKPY"), ("ZKPY", "UUWW")]
    assert verify_case(case).ok


def test_credentials_are_sent_but_never_recorded(case, api):
    save_credentials("analyst", "s3cret-pass")
    assert saved_credentials() == ("analyst", "s3cret-pass")
    with requests.Session() as session:
        session.auth = saved_credentials()
        result = fetch(case, api, session=session)
    token = base64.b64encode(b"analyst:s3cret-pass").decode()
    assert all(h.get("Authorization") == f"Basic {token}" for _, h in api.requests_seen)
    for captured in result.captures:
        record = case.get_record("capture", captured["capture_uuid"])
        assert "authorization" not in record["request_headers"].lower()
        warc = case.read_artifact(record["warc_sha256"])
        import gzip
        text = gzip.decompress(warc) if warc[:2] == b"\x1f\x8b" else warc
        assert b"Authorization" not in text and token.encode() not in text
        assert b"s3cret" not in text
    dump = b"".join(case.read_artifact(r[0]) for r in case.conn.execute("SELECT sha256 FROM artifacts"))
    assert token.encode() not in dump
    assert case.conn.execute("SELECT count(*) FROM audit_log WHERE details LIKE '%s3cret%'"
                             ).fetchone()[0] == 0


@pytest.mark.parametrize("status, message", [
    (429, "OpenSky's rate limit was reached (HTTP 429); try again in 3600 s"),
    (500, "OpenSky answered HTTP 500; nothing was imported from it"),
])
def test_rate_limit_and_errors_are_one_line(case, api, status, message):
    api.fail_with = status
    with pytest.raises(NetworkError) as info:
        fetch(case, api)
    text = str(info.value)
    assert message in text and "\n" not in text and text.startswith(api.api_url)
    assert point_count(case.conn) == 0
    # The refusal itself is kept, like any capture.
    assert case.conn.execute("SELECT status FROM captures").fetchall() == [(status,)]


def run(*args, **env):
    return subprocess.run([sys.executable, "-m", "osintdesk", *map(str, args)],
                          capture_output=True, text=True, env={**os.environ, **env}, timeout=180)


def test_cli_fetch_flights(tmp_path, api, flights):
    assert run("new", tmp_path / "c", "--title", "Online").returncode == 0
    case_path = tmp_path / "c.osintcase"
    result = run("fetch-flights", case_path, "--aircraft", HEX, "--from", "2024-01-01",
                 "--to", "2024-01-06", "--source", "opensky", "--user", "analyst",
                 "--api", api.api_url, "--json", OSINTDESK_OPENSKY_PASSWORD="pw-123")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["flights_listed"] == 2 and report["points"] == sum(len(f["points"]) for f in flights)
    settings = json.loads((tmp_path.parent / os.environ["OSINTDESK_CONFIG_DIR"] /
                           "settings.json").read_text())
    assert settings["opensky"] == {"user": "analyst", "password": "pw-123"}
    assert b"pw-123" not in case_path.read_bytes()
    api.fail_with = 429
    limited = run("fetch-flights", case_path, "--aircraft", HEX, "--from", "2024-01-01",
                  "--to", "2024-01-06", "--api", api.api_url)
    assert limited.returncode == 2
    lines = limited.stderr.strip().splitlines()
    assert len(lines) == 1 and "rate limit was reached (HTTP 429); try again in 3600 s" in lines[0]


def test_window_fetches_flights_and_reports_a_rate_limit(qtbot, window, api, flights):
    dialog = window.fetch_flights_dialog()
    assert window.action_fetch_flights in window.case_menu.actions()
    dialog.aircraft.setText(HEX)
    dialog.t_from.setText("2024-01-01")
    dialog.t_to.setText("2024-01-06")
    values = dialog.values()
    assert values["source"] == "opensky"
    dialog.grab().save(str(window.case.path.parent / "fetch_dialog.png"))
    dialog.reject()
    task = window.fetch_flights(**values, base_url=api.api_url)
    wait_for(qtbot, window, task)
    assert task.error is None, task.error
    assert window.statusBar().currentMessage().startswith(f"{HEX}: 2 flights listed, 2 tracks")
    assert window.show_page("Flights").model.rowCount() == 2
    api.fail_with = 429
    task = window.fetch_flights(**values, base_url=api.api_url)
    wait_for(qtbot, window, task)
    assert "rate limit was reached (HTTP 429); try again in 3600 s" in window.last_message.text()
