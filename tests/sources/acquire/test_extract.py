"""capture/extract.py: title, text, author, site and the page's own publication date."""

from __future__ import annotations

import pytest

from osintdesk.sources.acquire.extract import extract_html, parse_timestamp

from tests.support import servers


def page(head: str = "", body: str = "<p>Body text.</p>") -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


def test_article_metadata_and_text():
    document = extract_html(servers.PAGE_HTML, url="https://news.example/il62")

    assert document.title == "Il-62M RA-86496 flew Moscow to Pyongyang"
    assert document.author == "Jane Analyst" and document.site == "Example Aviation News"
    assert "landed at Pyongyang Sunan (FNJ)" in document.text
    assert "Home | World" not in document.text and "Copyright" not in document.text  # boilerplate left out
    assert document.published_date == "2023-09-14"
    assert document.published_utc == "2023-09-14T07:30:00Z"   # 10:30 at +03:00
    assert document.published_source == "meta article:published_time"


def test_json_ld_date_wins_and_is_converted_to_utc():
    head = ('<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", '
            '"datePublished": "2023-09-14T08:30:00+02:00", "dateModified": "2023-12-01T00:00:00Z"}]}</script>'
            '<meta name="date" content="2020-01-01">')
    document = extract_html(page(head))
    assert (document.published_date, document.published_utc) == ("2023-09-14", "2023-09-14T06:30:00Z")
    assert document.published_source == "json-ld datePublished"


def test_date_without_offset_is_not_called_utc():
    document = extract_html(page('<meta property="article:published_time" content="2023-09-14T10:00:00">'))
    assert document.published_date == "2023-09-14" and document.published_utc is None


def test_date_only_and_time_element():
    assert extract_html(page('<meta name="dc.date.issued" content="2023-09-14">')).published_date == "2023-09-14"
    timed = extract_html(page(body='<article><time pubdate datetime="2023-09-14T10:00:00Z">14 Sep</time>'
                                   '<p>Text.</p></article>'))
    assert timed.published_utc == "2023-09-14T10:00:00Z" and timed.published_source == "time pubdate"


def test_without_declared_date_a_guess_is_labelled_as_such():
    document = extract_html(page(body="<p>Published 14 September 2023.</p>"),
                            url="https://news.example/2023/09/14/story.html")
    assert document.published_date == "2023-09-14" and document.published_source == "htmldate (inferred)"
    assert document.published_utc is None


def test_page_without_any_date():
    document = extract_html(servers.PAGE_NO_DATE_HTML)
    assert document.published_date is None and document.published_source is None
    assert document.title == "Plain" and document.text == "No dates here."


def test_fallback_when_extraction_finds_nothing():
    document = extract_html(b"<html><head><title> Short  page </title><script>var x = 1;</script></head>"
                            b"<body><div>Tiny</div><style>p{}</style></body></html>")
    assert document.title == "Short page"
    assert "var x" not in document.text and "Tiny" in document.text


@pytest.mark.parametrize("data", [b"", b"   ", b"\x00\x01\x02", b"<html", b"<<<>>>"])
def test_odd_input_never_raises(data):
    document = extract_html(data)
    assert document.kind == "html" and isinstance(document.text, str)


def test_charset_from_header_and_meta():
    russian = "<html><head><title>Самолёт</title></head><body><p>Борт RA-86496.</p></body></html>"
    assert extract_html(russian.encode("cp1251"), declared_charset="cp1251").title == "Самолёт"
    with_meta = russian.replace("<head>", '<head><meta charset="windows-1251">').encode("cp1251")
    document = extract_html(with_meta)
    assert document.title == "Самолёт" and document.metadata["encoding"] == "cp1251"


@pytest.mark.parametrize("value, expected", [
    ("2023-09-14T10:30:00+03:00", ("2023-09-14T10:30:00+03:00", True)),
    ("2023-09-14T07:30:00Z", ("2023-09-14T07:30:00+00:00", True)),
    ("Thu, 14 Sep 2023 07:30:00 GMT", ("2023-09-14T07:30:00+00:00", True)),
    ("2023-09-14", ("2023-09-14T00:00:00", False)),
    ("20230914", ("2023-09-14T00:00:00", False)),
    ("yesterday", None),
    ("1066-10-14", None),
])
def test_parse_timestamp(value, expected):
    parsed = parse_timestamp(value)
    if expected is None:
        assert parsed is None
    else:
        assert (parsed[0].isoformat(), parsed[1]) == expected
