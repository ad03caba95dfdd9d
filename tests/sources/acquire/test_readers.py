"""acquire/readers/: the explicit list of file readers, and how a served Content-Type picks one."""

from __future__ import annotations

from pathlib import Path

import pytest

from osintdesk.sources.acquire import readers

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
