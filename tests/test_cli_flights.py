"""Flight commands of the CLI, run as a real process on generated files."""

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from tests.support import flight_samples as samples

DAY = 86400.0


def run(*args):
    return subprocess.run([sys.executable, "-m", "osintdesk", *map(str, args)],
                          capture_output=True, text=True, env=os.environ.copy(), timeout=180)


@pytest.fixture
def case(tmp_path):
    assert run("new", tmp_path / "c", "--title", "Il-62M").returncode == 0
    return tmp_path / "c.osintcase"


@pytest.fixture
def files(tmp_path):
    out = samples.synthetic_flight("UUWW", "ZKPY", gaps=[(3600, 2 * 3600)])
    back = samples.synthetic_flight("ZKPY", "UUWW", start_t=out[-1].t + 2 * DAY + 3 * 3600)
    return {"trace": samples.write_readsb_trace(tmp_path / "trace_full_155abc.json", out + back),
            "csv": samples.write_fr24_csv(tmp_path / "RA-86496.csv", out)}


def test_import_list_flights_and_aircraft(case, files):
    result = run("import-flights", case, files["trace"], "--json")
    assert result.returncode == 0, result.stderr
    [report] = json.loads(result.stdout)
    assert report["format"] == "readsb-trace" and report["flights"] == 2
    assert report["aircraft"] == ["RA-86496"] and report["skipped"] == 0

    again = json.loads(run("import-flights", case, files["trace"], "--json").stdout)
    assert again[0]["already_imported"] is True

    flights = json.loads(run("flights", case, "--json").stdout)
    assert [(f["origin"], f["destination"]) for f in flights] == [("UUWW", "ZKPY"),
                                                                    ("ZKPY", "UUWW")]
    assert len(flights[0]["gaps"]) == 1
    rows = list(csv.DictReader(io.StringIO(run("flights", case, "--csv").stdout)))
    assert rows[0]["origin"] == "UUWW" and rows[1]["destination"] == "UUWW"
    text = run("flights", case, "--aircraft", "RA-86496").stdout
    assert "UUWW" in text and "ZKPY" in text
    unknown = run("flights", case, "--aircraft", "RA-00000")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert "no aircraft 'RA-00000'" in unknown.stderr and "Traceback" not in unknown.stderr

    aircraft = json.loads(run("aircraft", case, "--json").stdout)
    assert aircraft[0]["hex"] == "155abc" and aircraft[0]["registration_country"] == "Russia"
    text = run("aircraft", case).stdout
    assert "on the ground at ZKPY" in text and "2 d 3 h" in text
    assert run("verify", case).returncode == 0


def test_one_bad_file_does_not_stop_the_others(case, files, tmp_path):
    bad = tmp_path / "garbage.json"
    bad.write_bytes(os.urandom(500))
    result = run("import-flights", case, bad, files["csv"], "--aircraft", "RA-86496")
    assert result.returncode == 2
    assert "garbage.json" in result.stderr and "Traceback" not in result.stderr
    assert "RA-86496.csv: fr24-csv" in result.stdout


def test_formats_lists_every_importer():
    data = json.loads(run("formats", "--json").stdout)
    names = {f["name"] for f in data}
    assert {"fr24-csv", "fr24-kml", "fr24-json", "fr24-adsb-csv", "readsb-trace",
            "readsb-aircraft", "opensky-csv", "opensky-json", "kml-track", "gpx",
            "csv-mapping"} <= names


def test_column_mapping_preset(case, tmp_path):
    own = tmp_path / "tracker.csv"
    own.write_text("when,latitude,longitude,alt_m\n2024-09-17T06:05:00Z,55.59,37.26,100\n"
                   "2024-09-17T06:06:00Z,55.65,37.50,1200\n")
    refused = run("import-flights", case, own)
    assert refused.returncode == 2 and "csv-mapping save" in refused.stderr
    assert run("csv-mapping", "save", "mine", "--time", "when", "--lat", "latitude", "--lon",
               "longitude", "--alt", "alt_m", "--alt-unit", "m").returncode == 0
    assert "mine" in run("csv-mapping", "list").stdout
    result = run("import-flights", case, own, "--mapping", "mine", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["points"] == 2
    bad = run("csv-mapping", "save", "x", "--time", "a", "--lat", "b", "--lon", "c",
              "--alt-unit", "furlongs")
    assert bad.returncode == 2 and "furlongs" in bad.stderr
