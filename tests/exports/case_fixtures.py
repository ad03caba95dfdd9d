"""Fixtures for the KML, GeoJSON and WACZ tests (imported by them, so they stay apart from
the conftest of the other formats): the sample flights case with hostile text in it and a
photo with a position, written once per module and opened read-only."""

from __future__ import annotations

import pytest

# Quotes, markup, an ampersand, a newline and right-to-left text (with an override mark),
# no slash (it names a file too): each format must carry it through its own escaping and
# give it back unchanged.
HOSTILE = "Q \"quoted\" 'single' <b>bold<b> & co\nline two \u202eשלום مرحبا"

# The aircraft (as the case stores it: upper case) and the callsign of a flight.
HOSTILE_AIRCRAFT = "<B>\"Q\" & 'X' \u202eשלום"
HOSTILE_CALLSIGN = "RSD<&\"1"


@pytest.fixture(scope="module")
def map_case_file(tmp_path_factory):
    """``chart_samples.write_sample_case`` (RA-86496 UUWW → ZKPY with a coverage gap, then
    ZKPY → UNNT; N7423C PANC → UHPP across the antimeridian) titled with HOSTILE, plus a
    photo of the apron at Sunan (EXIF position) whose file name is HOSTILE, and on 7 Jan a
    flight UUWW → ZKPY of an aircraft named HOSTILE_AIRCRAFT with HOSTILE_CALLSIGN."""
    from osintdesk.flights.ingest import import_flight_file
    from osintdesk.sources.local_files import add_files
    from osintdesk.store import Case
    from tests.support import flight_samples
    from tests.support.chart_samples import write_sample_case
    from tests.support.source_samples import make_jpeg_with_exif

    folder = tmp_path_factory.mktemp("exports")
    path = write_sample_case(folder / "maps.osintcase", title=HOSTILE)
    photo = make_jpeg_with_exif(folder / f"{HOSTILE}.jpg")
    hostile = flight_samples.synthetic_flight("UUWW", "ZKPY", flight_samples.T0 + 5 * 86400,
                                              step_s=60, callsign=HOSTILE_CALLSIGN)
    flight_samples.write_fr24_csv(folder / "hostile.csv", hostile)
    with Case.open(path, examiner="Test Examiner") as case:
        add_files(case, [photo])
        import_flight_file(case, folder / "hostile.csv", aircraft=HOSTILE_AIRCRAFT)
    return path


@pytest.fixture
def map_case(map_case_file):
    from osintdesk.store import Case
    with Case.open(map_case_file, examiner="Test Examiner", readonly=True) as opened:
        yield opened
