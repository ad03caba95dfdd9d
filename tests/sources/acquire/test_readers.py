"""acquire/readers/: the explicit list of file readers, and how a served Content-Type picks one."""

from __future__ import annotations

from pathlib import Path

import pytest

from osintdesk.sources.acquire import readers
from osintdesk.sources.acquire.readers.common import SNIFF_BYTES, Head

INTERFACE = ("KIND", "LABEL", "TEXTUAL", "EXTENSIONS", "served_as", "sniff", "read")


def test_every_reader_module_is_listed_once_with_the_interface():
    folder = Path(readers.__file__).parent
    modules = {path.stem for path in folder.glob("*.py")} - {"__init__", "common"}
    listed = [reader.__name__.rpartition(".")[2] for reader in readers.READERS]
    assert sorted(listed) == sorted(modules) and len(set(listed)) == len(listed)
    for reader in readers.READERS:
        missing = [name for name in INTERFACE if not hasattr(reader, name)]
        assert missing == [], reader.__name__
    assert len({reader.KIND for reader in readers.READERS}) == len(readers.READERS)
    assert readers.FALLBACK.KIND == "other"


@pytest.mark.parametrize("media_type, kind", [
    ("text/html", "html"), ("application/XHTML+xml", "html"), ("application/pdf", "pdf"),
    ("image/png", "image"), ("image/x-icon", "image"), ("image/svg+xml", None),
    ("text/plain", "text"), ("text/x-markdown", "markdown"), ("application/warc", "warc"),
    ("application/wacz", None), ("application/json", None), (None, None), ("", None),
])
def test_kind_for_media_type(media_type, kind):
    assert readers.kind_for_media_type(media_type) == kind


def test_reading_as_an_unknown_kind_is_a_programming_error(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("text")
    with pytest.raises(ValueError, match="unknown document kind"):
        readers.read_document_as(path, "spreadsheet")
    assert readers.read_document_as(path, "text").text == "text"


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_only_a_whole_byte_order_mark_is_dropped_before_sniffing(tmp_path, bom):
    # U+FF48 (a full-width h) is \xef\xbd\x88: its first byte is one of the mark's.
    text = "\uff48 is not a tag, but <html> after it is no page start either".encode("utf-8")
    path = tmp_path / "note.txt"
    path.write_bytes(bom + text)
    head = Head(path, path.read_bytes()[:SNIFF_BYTES])
    assert head.without_bom == text
    assert readers.sniff(path) == ("text", None)
    page = tmp_path / "page.html"
    page.write_bytes(bom + b"<html><head><title>T</title></head><body>RA-86496</body></html>")
    assert readers.sniff(page) == ("html", None)


@pytest.mark.parametrize("depth, noted", [(200, False), (100_000, True)])
def test_a_page_nested_past_the_parser_depth_says_its_deep_text_was_not_read(tmp_path, depth,
                                                                              noted):
    """libxml2 stops at 256 levels: what lies deeper is dropped, and the source says so."""
    path = tmp_path / "deep.html"
    path.write_text("<!DOCTYPE html><html><body>" + "<div>" * depth + "words down the well"
                    + "</div>" * depth + "</body></html>")
    document = readers.read_document(path)
    deep_note = [w for w in document.warnings if "nests its elements more than 256 deep" in w]
    assert bool(deep_note) == noted
    assert ("words down the well" in document.text) == (not noted)
