"""The report of the story case, in HTML and PDF, read back by an HTML parser and by pypdf:
every claim, every exhibit's hash, the banner and "Page N of M" on every page, charts as
vectors, nothing fetched from outside the file; a case that fails verification says so
on page one."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import shutil
import sqlite3
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from osintdesk.report.html import render_html
from osintdesk.report.model import ReportOptions, build_report
from osintdesk.report.pdf import pdf_svg, render_pdf
from osintdesk.store import Case
from tests.support.report_samples import CLAIMS, QUOTE, write_report_case

BANNER = "OFFICIAL-SENSITIVE"
FAILED = "THE CASE FAILED VERIFICATION"


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    return write_report_case(folder / "story.osintcase")


@pytest.fixture(scope="module")
def report(story):
    with Case.open(story["path"], examiner="Reader", readonly=True) as case:
        return build_report(case, ReportOptions(banner=BANNER, appendix=True))


@pytest.fixture(scope="module")
def pdf(report):
    return PdfReader(io.BytesIO(render_pdf(report)))


def flat(text: str) -> str:
    return " ".join(text.split())


class Page(HTMLParser):
    """What an HTML file holds: its text, every element with its attributes, and its styles."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.texts, self.elements, self.styles, self._in_style = [], [], [], False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        (self.styles if self._in_style else self.texts).append(data)

    @property
    def text(self) -> str:
        return flat(" ".join(self.texts))

    def ids(self) -> set[str]:
        return {attrs["id"] for _, attrs in self.elements if "id" in attrs}


# ----------------------------------------------------------------------------- the model


def test_the_model_holds_every_claim_with_its_check_and_its_exhibits(report, story):
    texts = [c["text"] for c in report.claims]
    assert texts == [CLAIMS[k] for k in ("flew", "ground", "flight", "languages", "photo")]
    flew, ground, flight, _, photo = report.claims
    assert flew["check"]["result"] == "supported" and flew["citations"][0]["quote"] == QUOTE
    assert ground["check"]["result"] == "not covered"
    assert [c["stance"] for c in flight["citations"]] == ["supports", "contradicts"]
    numbers = {e["number"]: e for e in report.exhibits}
    # A quote cites the article's capture: its exhibit is the article, which shows the quote.
    article = numbers[flew["citations"][0]["exhibits"][0]]
    assert article["title"] == "Il-62M seen in Pyongyang" and QUOTE in article["quotes"]
    assert "https://news.example/il62" in article["captures"][0]["urls"]
    # A cited flight leads to the flight file it was derived from.
    flight_file = numbers[flight["citations"][0]["exhibits"][0]]
    assert flight_file["kind"] == "flight-file" and flight_file["title"] == "trace_full_155abc.json"
    # A photo cited is shown in its exhibit, its bytes as stored.
    [picture] = numbers[photo["citations"][0]["exhibits"][0]]["images"]
    assert picture["media_type"] == "image/jpeg" and picture["data"] == story["photo_bytes"]
    assert picture["sha256"] == hashlib.sha256(story["photo_bytes"]).hexdigest()
    assert report.verification["ok"] and report.audit_head["seq"] > 0
    assert [c.key.split("-")[0] for c in report.charts] == ["timeline", "map", "map", "links"]
    assert report.log and report.log[-1]["seq"] == report.audit_head["seq"]


def test_claims_by_id_or_by_tag_narrow_the_report(story):
    with Case.open(story["path"], examiner="Reader", readonly=True) as case:
        by_id = build_report(case, ReportOptions(claims=(story["claims"]["ground"][:8],)))
        by_tag = build_report(case, ReportOptions(tag="pyongyang"))
    assert [c["text"] for c in by_id.claims] == [CLAIMS["ground"]]
    assert [e["title"] for e in by_id.exhibits] == ["Analyst note on RSD062", "trace_full_155abc.json"]
    assert [c["text"] for c in by_tag.claims] == [CLAIMS["flew"]]
    assert by_id.log is None and "links" not in [c.key for c in by_id.charts]


def test_times_are_shown_in_the_zone_asked_for(story):
    with Case.open(story["path"], examiner="Reader", readonly=True) as case:
        moscow = build_report(case, ReportOptions(zone="Europe/Moscow"))
    departure = moscow.flights[0]["rows"][0]["departure"]
    assert departure.endswith("+03:00 Europe/Moscow"), departure


# ----------------------------------------------------------------------------- HTML


def test_the_html_says_everything_and_references_nothing_outside_itself(report):
    text = render_html(report)
    page = Page(text)
    for claim in CLAIMS.values():
        assert claim in page.text
    for exhibit in report.exhibits:
        for sha in exhibit["sha256"]:
            assert sha in page.text, exhibit["title"]
    assert page.text.count(BANNER) >= 2
    assert QUOTE in page.text and "What a hash proves" in page.text
    assert report.audit_head["hash"] in page.text
    # The banner heads and foots every printed page.
    assert re.search(r"\.page-head, \.page-foot \{ display: block; position: fixed", text)
    heads = [a for t, a in page.elements if "page-head" in a.get("class", "")]
    assert heads and any(BANNER in s for s in page.texts)
    # Nothing is fetched: no element points outside the file, no style imports anything.
    assert not [t for t, _ in page.elements if t in ("script", "link", "iframe", "object", "embed")]
    ids = page.ids()
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            if (tag, name) == ("img", "src"):   # a picture the case holds, inline
                assert value.startswith("data:image/jpeg;base64,"), value[:40]
                continue
            assert not re.match(r"\s*(https?:|//|file:|data:)", value or ""), (tag, name, value)
            if name in ("href", "xlink:href"):
                assert value.startswith("#") and value[1:] in ids, (tag, value)
    assert "url(" not in "".join(page.styles)
    assert not re.search(r"https?://", re.sub(r">[^<]*<", "><", text)), "a URL outside text"
    # The charts are inline vectors: one <svg> per chart, no bitmap inside.
    assert sum(t == "svg" for t, _ in page.elements) == len(report.charts) == 4
    assert not [t for t, _ in page.elements if t == "image"]
    assert "Самолёт Ил-62М" in page.text
    [image] = [a["src"] for t, a in page.elements if t == "img"]
    assert base64.b64decode(image.split(",", 1)[1]) == report.exhibits[2]["images"][0]["data"]


def test_citations_link_to_their_exhibits_in_the_html(report):
    page = Page(render_html(report))
    links = {a["href"] for t, a in page.elements if t == "a"}
    for claim in report.claims:
        for citation in claim["citations"]:
            for n in citation["exhibits"]:
                assert f"#exhibit-{n}" in links
    assert {f"exhibit-{e['number']}" for e in report.exhibits} <= page.ids()


# ----------------------------------------------------------------------------- PDF


def test_the_pdf_has_the_banner_and_page_n_of_m_on_every_page(pdf):
    pages = len(pdf.pages)
    assert pages >= 6
    for n, page in enumerate(pdf.pages, 1):
        text = page.extract_text()
        assert f"Page {n} of {pages}" in text, n
        assert text.count(BANNER) == 2, n   # head and foot


def test_the_pdf_holds_every_claim_every_hash_and_the_explanation(pdf, report):
    text = flat(" ".join(p.extract_text() for p in pdf.pages))
    for claim in CLAIMS.values():
        assert claim in text
    for exhibit in report.exhibits:
        for sha in exhibit["sha256"]:
            assert sha in text, exhibit["title"]
    assert QUOTE in text and "What it does not prove" in text
    assert report.audit_head["hash"] in text
    assert "The case verified" in flat(pdf.pages[0].extract_text())


def test_the_pdf_draws_charts_as_vectors_not_images(pdf, report, story):
    # The one picture in the PDF is the photo exhibit's, the JPEG as captured; the charts
    # are drawn, never a bitmap.
    pictures = [(n, image) for n, page in enumerate(pdf.pages) for image in page.images]
    assert len(pictures) == 1
    n, image = pictures[0]
    assert "Exhibit 3. apron.jpg" in pdf.pages[n].extract_text()
    xobject = image.indirect_reference.get_object()
    assert xobject["/Filter"] == "/DCTDecode" and xobject._data == story["photo_bytes"]
    for page in pdf.pages:
        if "Figure" in page.extract_text():
            resources = page.get("/Resources") or {}
            for xobject in (resources.get("/XObject") or {}).values():
                assert xobject.get_object().get("/Subtype") != "/Image"
    # The chart pages carry the drawings: thousands of path operators.
    charts = [p for p in pdf.pages if "Figure 1." in p.extract_text()]
    assert charts and len(charts[0].get_contents().get_data()) > 50_000
    fonts = {str(f.get_object()["/BaseFont"]) for p in pdf.pages
             for f in (p["/Resources"].get("/Font") or {}).values()}
    assert any("DejaVu" in f for f in fonts)


def test_hatching_the_pdf_cannot_draw_becomes_white_never_a_filled_bar():
    svg = ('<defs><pattern id="h1" width="72"><path d="M 0 0"/></pattern></defs>'
           '<path style="fill: url(#h1); stroke-dasharray: 3.7,1.6"/>')
    assert pdf_svg(svg) == '<defs></defs><path style="fill: #ffffff; stroke-dasharray: 3.7,1.6"/>'


# ----------------------------------------------------------------------------- a failing case


def test_a_case_that_fails_verification_says_so_on_page_one(story, tmp_path):
    path = tmp_path / "tampered.osintcase"
    shutil.copy(story["path"], path)
    with sqlite3.connect(path) as conn:   # an edit behind the app's back
        conn.execute("UPDATE claims SET text = 'RA-86496 never left Moscow.' WHERE uuid = ?",
                     [story["claims"]["flew"]])
    with Case.open(path, examiner="Reader", readonly=True) as case:
        tampered = build_report(case, ReportOptions())
    assert not tampered.verification["ok"]
    first = flat(PdfReader(io.BytesIO(render_pdf(tampered))).pages[0].extract_text())
    assert FAILED in first and story["claims"]["flew"] in first
    page = Page(render_html(tampered))
    verdicts = [a for t, a in page.elements if "verdict" in a.get("class", "")]
    assert verdicts == [{"class": "verdict failed"}]
    assert page.text.index(FAILED) < page.text.index("Findings")


def write_page_with_pictures(path, photo: bytes):
    """A WARC of a page showing two pictures, only the first of which was archived with it."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    page = (b"<html><head><title>Tail seen at Sunan</title></head><body><p>The tail.</p>"
            b"<img src='/img/tail.jpg'><img src='https://cdn.example/not-archived.jpg'>"
            b"</body></html>")
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True, warc_version="1.1")
        for url, body, media in (("https://news.example/tail", page, "text/html; charset=utf-8"),
                                 ("https://news.example/img/tail.jpg", photo, "image/jpeg")):
            headers = StatusAndHeaders("200 OK", [("Content-Type", media)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body), http_headers=headers,
                warc_headers_dict={"WARC-Date": "2024-01-15T16:20:00Z"}))
    return path


def test_a_page_exhibit_shows_the_pictures_the_case_holds_and_fetches_none(story, tmp_path):
    from osintdesk.findings.claims import add_claim
    from osintdesk.sources.local_files import add_files
    from osintdesk.sources.queries import list_sources
    warc = write_page_with_pictures(tmp_path / "tail.warc.gz", story["photo_bytes"])
    with Case.create(tmp_path / "pictures", title="Pictures", examiner="Test Examiner") as case:
        add_files(case, [warc])
        page = next(s["uuid"] for s in list_sources(case) if s.get("url") == "https://news.example/tail")
        add_claim(case, "The tail is RA-86496.", cite=[page])
        built = build_report(case, ReportOptions())
    [exhibit] = [e for e in built.exhibits if e["title"] == "Tail seen at Sunan"]
    assert [(i["name"], i["data"]) for i in exhibit["images"]] == \
        [("https://news.example/img/tail.jpg", story["photo_bytes"])]
    text = render_html(built)   # the picture not archived is neither shown nor fetched
    assert "not-archived" not in text and text.count("<img ") == 1


def test_long_work_reports_progress_and_stops_when_cancelled(story, tmp_path):
    from osintdesk.errors import Cancelled
    from osintdesk.report.register import make_report, register_rows
    path = tmp_path / "story.osintcase"
    shutil.copy(story["path"], path)
    seen = []
    with Case.open(path, examiner="Reader", readonly=True) as case:
        build_report(case, ReportOptions(), progress=lambda done, total: seen.append((done, total)))
    assert seen == [(n, 6) for n in range(1, 7)]
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 3   # after the verification has begun
    with Case.open(path, examiner="Reader") as case:
        before = case.audit_count()
        with pytest.raises(Cancelled):
            make_report(case, tmp_path / "report.pdf", ReportOptions(), cancelled=cancelled)
        assert case.audit_count() == before and register_rows(case) == []
    assert not (tmp_path / "report.pdf").exists()
    assert not list(tmp_path.glob(".report.pdf*"))
