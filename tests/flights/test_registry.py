"""The importer registry: explicit list, detection by content then extension, bad files."""

import gzip
import subprocess
import sys

import pytest

from osintdesk.errors import Cancelled, InputError
from osintdesk.flights import importers
from tests.support import flight_samples as samples


def test_every_importer_has_the_interface():
    assert len(set(importers.names())) == len(importers.IMPORTERS) == 14
    for importer in importers.IMPORTERS:
        assert importer.NAME and importer.VERSION and importer.DESCRIPTION
        assert isinstance(importer.EXTENSIONS, tuple) and isinstance(importer.SINGLE_FLIGHT, bool)
        assert callable(importer.sniff) and callable(importer.parse)
        assert importer.__doc__


def test_get_by_name():
    assert importers.get("fr24-csv").NAME == "fr24-csv"
    with pytest.raises(InputError, match="unknown flight format 'fr25'.*fr24-csv"):
        importers.get("fr25")


def test_content_wins_over_extension(tmp_path, flight):
    path = samples.write_fr24_csv(tmp_path / "looks_like.json", flight[:3])
    assert importers.detect(path).NAME == "fr24-csv"


def test_extension_is_the_second_resort(tmp_path):
    path = tmp_path / "odd.gpx"
    path.write_text("<?xml version='1.0'?>\n<!-- a GPX file whose root comes late -->\n" + " " * 70000 + "<gpx/>")
    assert importers.detect(path).NAME == "gpx"
    packed = tmp_path / "odd.gpx.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    assert importers.detect(packed).NAME == "gpx"


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"   \n\n", "the file is empty"),
    (b"\x00\x01\x02\x03binary\xff", "binary file"),
    (b'{"hello": "world"}', "not a flight-data format"),
    (b"a,b,c\n1,2,3\n", "--mapping NAME"),
])
def test_unrecognised_files_name_the_file(tmp_path, expect_error, content, message):
    path = tmp_path / "mystery.csv"
    path.write_bytes(content)
    expect_error(lambda: importers.detect(path), path, contains=message)


def test_truncated_gzip_is_reported_by_detect(tmp_path, expect_error):
    path = tmp_path / "trace_full_155abc.json"
    path.write_bytes(gzip.compress(b'{"icao": "155abc"' + b" " * 200000)[:30])
    expect_error(lambda: importers.detect(path), path, contains="truncated or corrupt")


def test_progress_and_cancel(tmp_path, flight):
    path = samples.write_fr24_csv(tmp_path / "f.csv", flight * 20)
    calls = []
    list(importers.parse_path(path, progress=lambda done, total: calls.append((done, total))))
    size = path.stat().st_size
    assert calls[-1] == (size, size)
    assert all(total == size for _, total in calls)
    with pytest.raises(Cancelled):
        list(importers.parse_path(path, cancelled=lambda: True))


def test_display_name_is_used_in_errors(tmp_path, expect_error):
    path = tmp_path / "x.csv"
    path.write_text("Timestamp,UTC,Callsign,Altitude,Speed,Direction\n1,2,3,4,5,6\n")
    fr24_csv = importers.get("fr24-csv")
    expect_error(lambda: list(importers.parse_path(path, fr24_csv,
                                                   display_name="evidence/AFL100.csv")),
                 "evidence/AFL100.csv", line=1, contains="missing column position")


def test_flights_package_is_qt_free():
    """Every flights module imports with PySide6 blocked (Qt stays in ui/)."""
    modules = ["osintdesk.flights." + name for name in (
        "model", "parsing", "identity", "airports", "segment", "mapping", "importers")]
    modules += [f"osintdesk.flights.importers.{importer.__name__.rsplit('.', 1)[1]}"
                for importer in importers.IMPORTERS]
    code = ("import sys; sys.modules['PySide6'] = None\n"
            + "".join(f"import {module}\n" for module in modules)
            + "assert not any(m.startswith('PySide6.') for m in sys.modules)\n")
    subprocess.run([sys.executable, "-c", code], check=True)
