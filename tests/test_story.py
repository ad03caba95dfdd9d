"""The story the app grew from, end to end: two Il-62M flights to Pyongyang weeks apart,
the article that names the aircraft, a photo taken at Sunan, a verifiable case file."""

import json
import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from osintdesk.charts import case_data
from osintdesk.flights import queries
from tests.support import flight_samples as samples
from osintdesk.flights.ingest import import_flight_file
from osintdesk.sources.local_files import add_files
from osintdesk.sources.search import search
from osintdesk.sources.queries import sources_for_aircraft
from osintdesk.store import Case, verify_case

JUNE = datetime(2024, 6, 20, 6, 0, tzinfo=timezone.utc).timestamp()
JULY = datetime(2024, 7, 10, 6, 0, tzinfo=timezone.utc).timestamp()
DAY = 86400.0


def photo_at_sunan(path):
    from PIL import Image
    from PIL.TiffImagePlugin import IFDRational
    image = Image.new("RGB", (64, 48), (20, 40, 120))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "TestCam", "Model X"
    exif.get_ifd(0x8769)[0x9003] = "2024:07:10 18:45:10"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[3] = "N", "E"
    gps[2] = (IFDRational(39, 1), IFDRational(13, 1), IFDRational(2676, 100))
    gps[4] = (IFDRational(125, 1), IFDRational(40, 1), IFDRational(12, 1))
    image.save(path, "JPEG", exif=exif)
    return path


@pytest.fixture
def story(tmp_path):
    first = samples.synthetic_flight("UUWW", "ZKPY", JUNE, callsign="RFF7075",
                                     gaps=[(3600, 2 * 3600)])
    back1 = samples.synthetic_flight("ZKPY", "UUWW", first[-1].t + 2 * DAY, callsign="RFF7076")
    second = samples.synthetic_flight("UUWW", "ZKPY", JULY, callsign="RFF7075")
    csv_june = samples.write_fr24_csv(tmp_path / "RA-86496_june.csv", first)
    trace = samples.write_readsb_trace(tmp_path / "trace_full_155abc.json", back1 + second)
    article = tmp_path / "article.html"
    article.write_text(
        "<html><head><title>Il-62M RA-86496 returns to Pyongyang</title>"
        "<meta property='article:published_time' content='2024-07-12T08:00:00+00:00'></head>"
        "<body><p>The Russian Air Force Ilyushin Il-62M RA-86496 landed at Pyongyang Sunan "
        "on 10 July 2024, days after the summit. The same aircraft flew Moscow to Pyongyang "
        "on 20 June 2024 after the defence minister's visit.</p></body></html>")
    photo = photo_at_sunan(tmp_path / "apron.jpg")
    path = tmp_path / "il62.osintcase"
    with Case.create(path, title="Il-62M RA-86496", examiner="Alice") as case:
        import_flight_file(case, csv_june, aircraft="RA-86496")
        import_flight_file(case, trace)
        add_files(case, [article, photo])
    return path


def test_the_story_holds_together(story):
    with Case.open(story, examiner="Bob", readonly=True) as case:
        flights = queries.select_flights(case)
        assert [(f["origin"], f["destination"]) for f in flights] == [
            ("UUWW", "ZKPY"), ("ZKPY", "UUWW"), ("UUWW", "ZKPY")]
        assert {f["aircraft"] for f in flights} == {"RA-86496"}
        [aircraft] = queries.aircraft(case)
        assert any(g["description"].startswith("on the ground at ZKPY")
                   for g in queries.ground_times(case, aircraft["uuid"]))
        [article] = sources_for_aircraft(case, aircraft["uuid"])
        assert "returns to Pyongyang" in article["title"]
        assert "2024-07-10" in article["flight_dates"] and "2024-06-20" in article["flight_dates"]
        hits = search(case, "Sunan")
        assert any("returns to Pyongyang" in h.title and "Sunan" in h.snippet for h in hits)
        places = case_data.places(case)
        assert any(abs(p.lat - 39.2241) < 0.01 and abs(p.lon - 125.67) < 0.01 for p in places)
        rows = case_data.activity_rows(case)
        assert len(rows) == 1 and len(rows[0].flights) == 3
        assert verify_case(case).ok


def test_the_colleague_can_verify_and_chart_it(story, tmp_path):
    env = {**os.environ, "OSINTDESK_EXAMINER": "Colleague"}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "osintdesk", *map(str, args)],
                               capture_output=True, text=True, env=env, timeout=300)
    result = run("verify", story, "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["ok"] is True
    for kind in ("map", "activity"):
        out = tmp_path / f"{kind}.png"
        result = run("chart", story, kind, "--aircraft", "RA-86496", "-o", out)
        assert result.returncode == 0, result.stderr
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = tmp_path / "map.pdf"
    assert run("chart", story, "map", "--from", "2024-07-01", "-o", pdf).returncode == 0
    assert pdf.read_bytes()[:5] == b"%PDF-"
