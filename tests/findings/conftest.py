"""A case for the findings tests, from generated data: an aircraft flown Vnukovo to
Pyongyang and back (with a coverage gap at cruise on the way out), and an article."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from osintdesk.flights.ingest import import_flight_file
from osintdesk.sources.local_files import add_files
from osintdesk.store import Case
from tests.support import flight_samples

OUT_T = datetime(2023, 9, 19, 6, 0, tzinfo=timezone.utc).timestamp()
BACK_T = datetime(2023, 9, 21, 9, 0, tzinfo=timezone.utc).timestamp()
ARTICLE = ("<html><head><title>Il-62M seen in Pyongyang</title></head><body><article>"
           "<p>A Russian Air Force Il-62M landed at Pyongyang Sunan on 19 September, days after "
           "the summit at Vostochny.</p><p>The aircraft left for Moscow two days later.</p>"
           "</article></body></html>")


@pytest.fixture(scope="module")
def story_file(tmp_path_factory):
    """The case as it stands before any finding (built once, copied per test)."""
    folder = tmp_path_factory.mktemp("story")
    outbound = flight_samples.synthetic_flight("UUWW", "ZKPY", OUT_T, gaps=[(3600, 5400)])
    back = flight_samples.synthetic_flight("ZKPY", "UUWW", BACK_T, callsign="RSD002")
    article = folder / "article.html"
    article.write_text(ARTICLE, encoding="utf-8")
    with Case.create(folder / "story", title="Il-62M", examiner="Test Examiner") as case:
        import_flight_file(case, flight_samples.write_readsb_trace(folder / "trace_full_155abc.json",
                                                                   outbound + back))
        add_files(case, [article])
        return case.path


@pytest.fixture()
def case(story_file, tmp_path):
    copy = tmp_path / story_file.name
    copy.write_bytes(story_file.read_bytes())
    with Case.open(copy, examiner="Test Examiner") as opened:
        yield opened
