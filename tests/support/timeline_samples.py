"""Generated cases for the timeline: flights, ground stays and gaps imported through the real
importers, events with partial dates in several zones, sources with a page's own date and
captures months later. Everything invented (registrations, pages, dates of captures)."""

from __future__ import annotations

import io
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from osintdesk.findings.entities import add_entity
from osintdesk.findings.events import add_event
from osintdesk.findings.ties import tie_source
from osintdesk.flights.ingest import import_flight_file
from osintdesk.sources.annotations import add_tag
from osintdesk.sources.local_files import add_files
from osintdesk.store import Case
from tests.support import flight_samples

UTC = timezone.utc
OUT_T = datetime(2023, 9, 19, 6, 0, tzinfo=UTC).timestamp()
BACK_T = datetime(2023, 9, 21, 9, 0, tzinfo=UTC).timestamp()
BERING_T = datetime(2023, 9, 20, 2, 0, tzinfo=UTC).timestamp()


def article_html(title: str, published: str | None, body: str) -> bytes:
    meta = f"<meta property='article:published_time' content='{published}'>" if published else ""
    return (f"<html><head><title>{title}</title>{meta}</head><body><article><p>{body}</p>"
            "</article></body></html>").encode()


ARTICLE = article_html("Il-62M seen in Pyongyang", "2023-09-14T10:30:00+03:00",
                       "The Il-62M RA-86496 landed at Pyongyang Sunan after the summit.")


def write_recaptured_warc(path: Path, url: str, body: bytes, dates: list[str]) -> Path:
    """A WARC holding the same page captured at each of ``dates`` (one source, several captures)."""
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True, warc_version="1.1")
        for date in dates:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body), http_headers=headers,
                warc_headers_dict={"WARC-Date": date}))
    return path


class StepClock:
    """A case clock set by hand, so local files are captured at chosen UTC times."""

    def __init__(self, when: datetime):
        self.when = when

    def __call__(self) -> datetime:
        return self.when


def write_timeline_case(path) -> dict:
    """The Il-62M story on a timeline. RA-86496 flies UUWW → ZKPY on 19 Sep 2023 (an hour
    and a half unseen at cruise), sits two days at ZKPY and flies back; N7423C flies PANC →
    UHPP on 20 Sep. Events: the summit (13 Sep, a day in Asia/Vladivostok), "September
    2023" talks (a month), a press conference 10:00–11:30 Vladivostok time, the return
    reported at 12:30 Moscow time on 21 Sep. Sources: the article (published 14 Sep,
    captured 3 Dec 2023 and 15 Jan 2024, tagged "pyongyang", tied to the summit) and a
    note without a date of its own, added 25 Sep. Returns the records' ids by name."""
    path = Path(path)
    ids: dict = {}
    with tempfile.TemporaryDirectory(prefix="osintdesk-timeline-") as folder:
        files = Path(folder)
        outbound = flight_samples.synthetic_flight("UUWW", "ZKPY", OUT_T, gaps=[(3600, 9000)],
                                                   callsign="RSD061")
        back = flight_samples.synthetic_flight("ZKPY", "UUWW", BACK_T, callsign="RSD062")
        bering = flight_samples.synthetic_flight("PANC", "UHPP", BERING_T, hex="a9c2f1",
                                                 callsign="N7423C", cruise_ft=37000)
        trace = flight_samples.write_readsb_trace(files / "trace_full_155abc.json", outbound + back)
        other = flight_samples.write_readsb_trace(files / "trace_full_a9c2f1.json", bering,
                                                  hex="a9c2f1", registration="N7423C",
                                                  type_code="B738", desc="BOEING 737-800",
                                                  own_op=None)
        warc = write_recaptured_warc(files / "article.warc.gz", "https://news.example/il62",
                                     ARTICLE, ["2023-12-03T09:00:00Z", "2024-01-15T16:20:00Z"])
        note = files / "analyst-note.html"
        note.write_bytes(article_html("Analyst note on RSD062", None, "RA-86496 back in Moscow."))
        clock = StepClock(datetime(2023, 9, 25, 8, 0, tzinfo=UTC))
        with Case.create(path, title="Il-62M timeline", examiner="Test Examiner") as case:
            pass
        with Case.open(path, examiner="Test Examiner", clock=clock) as case:
            import_flight_file(case, trace)
            import_flight_file(case, other)
            add_files(case, [warc, note])
            article = case.db.execute("SELECT uuid FROM sources WHERE url = ?",
                                      ["https://news.example/il62"]).fetchone()[0]
            note_id = case.db.execute("SELECT uuid FROM sources WHERE url IS NULL "
                                      "AND name = 'analyst-note.html'").fetchone()[0]
            kim = add_entity(case, "Person", "Kim Jong Un")
            putin = add_entity(case, "Person", "Vladimir Putin")
            summit = add_event(case, "Summit at Vostochny", "2023-09-13", zone="Asia/Vladivostok",
                               involved=[kim.id, putin.id], cite=[article])
            talks = add_event(case, "Talks on aircraft", "September 2023", involved=["RA-86496"])
            press = add_event(case, "Press conference", "2023-09-13T10:00", end="2023-09-13T11:30",
                              zone="Asia/Vladivostok", involved=[putin.id])
            back_event = add_event(case, "Return reported", "2023-09-21T12:30", zone="Europe/Moscow",
                                   involved=["RA-86496"])
            add_tag(case, article, "pyongyang")
            tie_source(case, article, summit["uuid"], "the article reports the summit")
            flights = [r[0] for r in case.db.execute("SELECT uuid FROM flights ORDER BY first_t")]
            planes = dict(case.db.execute("SELECT registration, uuid FROM aircraft").fetchall())
            stays = [r[0] for r in case.db.execute("SELECT uuid FROM ground_times ORDER BY start_t")]
            gaps = [r[0] for r in case.db.execute("SELECT uuid FROM coverage_gaps ORDER BY start_t")]
        ids.update(article=article, note=note_id, kim=kim.id, putin=putin.id, summit=summit["uuid"],
                   talks=talks["uuid"], press=press["uuid"], back=back_event["uuid"], flights=flights,
                   aircraft=planes, stays=stays, gaps=gaps, path=path)
    return ids


def write_big_timeline_case(path, *, events: int = 5000, flights: int = 2000, sources: int = 3000,
                            aircraft: int = 8, progress=None) -> Path:
    """A case for the benchmark: ``flights`` short flights shared by ``aircraft`` invented
    aircraft (hex f00000 up, registrations ZZ-001 up), ``events`` events at day, month and
    minute precision, ``sources`` local pages with a date of their own and a capture,
    spread over 2023. Built through the domain APIs (importers, add_event, add_files)."""
    path = Path(path)
    start = datetime(2023, 1, 1, tzinfo=UTC)
    with tempfile.TemporaryDirectory(prefix="osintdesk-bigtimeline-") as folder:
        files = Path(folder)
        per_plane = -(-flights // aircraft)
        traces = []
        airports = ("UUWW", "ZKPY", "UHPP", "UNNT", "PANC")
        for a in range(aircraft):
            hex_code = f"f{a:05x}"
            points = []
            t = start.timestamp() + a * 3600
            for i in range(per_plane if a < aircraft - 1 else flights - per_plane * (aircraft - 1)):
                dep, arr = airports[(a + i) % 5], airports[(a + i + 1) % 5]
                points += flight_samples.synthetic_flight(dep, arr, t, hex=hex_code,
                                                          callsign=f"ZZ{a:02d}{i % 100:02d}", step_s=240)
                t = points[-1].t + 86400 * (0.6 + (i % 3) * 0.3)
            traces.append(flight_samples.write_readsb_trace(
                files / f"trace_full_{hex_code}.json", points, hex=hex_code,
                registration=f"ZZ-{a + 1:03d}", type_code="B738", desc="BOEING 737-800", own_op=None))
        pages = []
        for i in range(sources):
            published = start + timedelta(hours=2.9 * i)
            page = files / f"page{i:05d}.html"
            page.write_bytes(article_html(f"Report {i} on ZZ-{i % aircraft + 1:03d}",
                                          published.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                          f"ZZ-{i % aircraft + 1:03d} was seen again."))
            pages.append(page)
        clock = StepClock(start)
        with Case.create(path, title="Benchmark timeline", examiner="bench"):
            pass
        with Case.open(path, examiner="bench", clock=clock) as case:
            for trace in traces:
                import_flight_file(case, trace)
            for i in range(0, len(pages), 250):
                # Captured two days after the last page of the batch was published.
                clock.when = start + timedelta(hours=2.9 * min(i + 249, len(pages) - 1), days=2)
                add_files(case, pages[i:i + 250])
            with case.transaction():
                for i in range(events):
                    day = start + timedelta(minutes=105 * i)
                    text = (day.strftime("%Y-%m-%d") if i % 3 == 0 else day.strftime("%Y-%m") if i % 3 == 1
                            else day.strftime("%Y-%m-%dT%H:%M"))
                    add_event(case, f"Event {i}", text)
            if progress:
                progress(1, 1)
    return path
