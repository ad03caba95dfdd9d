"""What an HTML page says: title, main text, author, site name and its own publication date.

trafilatura finds the main text and metadata. The publication date is read first from the
page's declared metadata (JSON-LD, ``<meta>``, ``<time>``), which gives a time and offset
when the page states one; only if there is none does htmldate guess, and the result says so.
The capture time is never mixed in: a page captured in December can report September.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime
from email.utils import parsedate_to_datetime

import lxml.html
from lxml import etree

from ... import timefmt
from .decoding import decode_text
from .documents import ExtractedDocument

_log = logging.getLogger(__name__)

# Declared publication dates, most explicit first. Names are compared in lower case.
_META_DATE_NAMES = (
    "article:published_time", "og:article:published_time", "og:published_time", "published_time",
    "datepublished", "dc.date.issued", "dcterms.issued", "citation_publication_date",
    "citation_date", "parsely-pub-date", "sailthru.date", "publish-date", "publish_date",
    "publishdate", "publication_date", "pubdate", "date", "dc.date", "dcterms.date",
)
_WHITESPACE = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_MIN_YEAR, _MAX_YEAR = 1900, 2100


def extract_html(html: bytes, *, url: str | None = None, declared_charset: str | None = None) -> ExtractedDocument:
    """Read an HTML page. Never raises for odd HTML: what cannot be found stays empty.

    ``declared_charset`` is the charset from the HTTP Content-Type, if any.
    """
    text_html, encoding = decode_text(html, declared_charset)
    tree, too_deep = _parse(text_html)
    found = _trafilatura(text_html, url)
    document = ExtractedDocument(
        kind="html", media_type="text/html", title=_clean(found.get("title") or _title_from_tree(tree)),
        author=_clean(found.get("author")), site=_clean(found.get("sitename")),
        url=_canonical_url(tree), metadata={"encoding": encoding})
    _apply_publication_date(document, tree, text_html, url)
    document.text = found.get("text") or _visible_text(tree)  # last: it prunes the tree
    if not found.get("text") and document.text:
        document.warnings.append("main-text extraction found nothing; the page's visible text is used")
    if too_deep:
        document.warnings.append(
            f"the page nests its elements more than {MAX_DEPTH} deep: its text past that depth "
            "could not be read")
    return document


# ----------------------------------------------------------------------------- text and metadata


MAX_DEPTH = 256   # libxml2's nesting limit (without XML_PARSE_HUGE): deeper text is dropped


def _parse(text_html: str):
    """The page's tree (None when there is none), and whether it was nested past
    ``MAX_DEPTH`` (the parser then drops what lies deeper, trafilatura too)."""
    if not text_html.strip():
        return None, False
    parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        # lxml refuses str input that declares an encoding; bytes of our decoded text are safe.
        tree = lxml.html.document_fromstring(text_html.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError):
        tree = None
    too_deep = any(e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT and "depth" in e.message
                   for e in parser.error_log)
    return tree, too_deep


def _trafilatura(text_html: str, url: str | None) -> dict:
    """trafilatura's findings as a dict; empty when it finds nothing or fails."""
    try:
        import trafilatura
        document = trafilatura.bare_extraction(text_html, url=url, with_metadata=True,
                                               include_comments=False, include_tables=True)
    except Exception as error:  # a third-party extractor must not lose the capture
        _log.warning("trafilatura failed on %s: %s", url or "a page", error)
        return {}
    if document is None:
        return {}
    found = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    return {key: found.get(key) for key in ("title", "text", "author", "sitename") if found.get(key)}


def _title_from_tree(tree) -> str | None:
    if tree is None:
        return None
    for xpath in ("//title", "//meta[@property='og:title']/@content", "//h1"):
        hits = tree.xpath(xpath)
        if hits:
            value = hits[0] if isinstance(hits[0], str) else hits[0].text_content()
            if value and value.strip():
                return value
    return None


def _visible_text(tree) -> str:
    """All text a reader would see, without scripts and styles, paragraphs kept apart."""
    if tree is None:
        return ""
    for element in tree.xpath("//script|//style|//noscript|//template"):
        element.drop_tree()
    body = tree.find("body")
    raw = (body if body is not None else tree).text_content()
    lines = (_WHITESPACE.sub(" ", line).strip() for line in raw.splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _canonical_url(tree) -> str | None:
    if tree is None:
        return None
    for xpath in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"):
        hits = tree.xpath(xpath)
        if hits and hits[0].strip():
            return hits[0].strip()
    return None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = _WHITESPACE.sub(" ", value).strip()
    return value or None


# ----------------------------------------------------------------------------- publication date


def _apply_publication_date(document: ExtractedDocument, tree, text_html: str, url: str | None) -> None:
    declared = declared_publication(tree) if tree is not None else None
    if declared is not None:
        source, moment, has_time = declared
        document.published_source = source
        document.published_date = moment.date().isoformat()
        if has_time and moment.tzinfo is not None:
            document.published_utc = timefmt.record_time(moment)
        return
    guessed = _htmldate_guess(text_html, url)
    if guessed:
        document.published_date = guessed
        document.published_source = "htmldate (inferred)"


def declared_publication(tree) -> tuple[str, datetime, bool] | None:
    """(where, when, whether a time of day was given) of the page's declared publication date."""
    for source, value in _declared_date_values(tree):
        parsed = parse_timestamp(value)
        if parsed is not None:
            return (source, *parsed)
    return None


def _declared_date_values(tree):
    for value in _json_ld_values(tree, "datePublished"):
        yield "json-ld datePublished", value
    metas = {}
    for meta in tree.xpath("//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key and key not in metas:
            metas[key] = meta.get("content")
    for name in _META_DATE_NAMES:
        if name in metas:
            yield f"meta {name}", metas[name]
    for element in tree.xpath("//*[@itemprop='datePublished']"):
        value = element.get("datetime") or element.get("content") or element.text_content()
        yield "itemprop datePublished", value
    for element in tree.xpath("//time[@pubdate][@datetime]"):
        yield "time pubdate", element.get("datetime")


def _json_ld_values(tree, key: str):
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text_content())
            found = list(_walk_for(data, key))
        except (ValueError, TypeError, RecursionError):   # a page's JSON may be anything
            continue
        yield from found


def _walk_for(data, key: str):
    if isinstance(data, dict):
        if isinstance(data.get(key), str):
            yield data[key]
        for value in data.values():
            yield from _walk_for(value, key)
    elif isinstance(data, list):
        for item in data:
            yield from _walk_for(item, key)


def parse_timestamp(value: str | None) -> tuple[datetime, bool] | None:
    """(moment, whether it has a time of day) from ISO 8601 or RFC 2822 text; None if neither.

    A moment without an offset stays naive: we do not guess the page's time zone.
    """
    if not value or not value.strip():
        return None
    value = value.strip()
    has_time = re.search(r"\d{1,2}:\d{2}", value) is not None
    moment = None
    try:
        moment = timefmt.parse_iso(value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            compact = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", value)
            if compact:
                try:
                    moment = datetime(*map(int, compact.groups()))
                except ValueError:
                    moment = None
    if moment is None or not (_MIN_YEAR <= moment.year <= _MAX_YEAR):
        return None
    return moment, has_time


def _htmldate_guess(text_html: str, url: str | None) -> str | None:
    if not text_html.strip():
        return None
    try:
        from htmldate import find_date
        return find_date(text_html, extensive_search=False, original_date=True, url=url)
    except Exception as error:  # a heuristic must never lose the capture
        _log.warning("htmldate failed on %s: %s", url or "a page", error)
        return None
