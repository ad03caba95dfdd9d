"""Sources in the case: web pages and files, their captures, what they say, and finding them again.

Qt-free; the CLI, the window and the tests call these functions with an open ``Case``:

- ``capture(case, urls, settings, session, ...)``: capture web pages (``web_capture.py``).
- ``add_files(case, paths, ...)``: local files and the pages inside WARC/WACZ (``local_files.py``).
- ``add_selector`` / ``list_selectors``: words the investigator watches (``selectors.py``).
- ``search(case, query)``: full-text search with snippets (``search.py``).
- ``diff_captures``: what changed between two captures (``diff.py``).
- ``add_note`` / ``add_tag`` / ``set_assessment``: notes, tags, Admiralty grading (``annotations.py``).
- ``list_sources``, ``sources_for_aircraft``... : reading it all back (``queries.py``).

Every write goes through the case's audited record API inside one transaction, so a
failure leaves the case exactly as it was.
"""

from .annotations import (CREDIBILITY, RELIABILITY, add_note, add_tag, edit_note, remove_tag,
                          set_assessment)
from .diff import CaptureDiff, diff_captures
from .local_files import FileOutcome, add_files
from .queries import (aircraft_for_source, capture_text, get_capture, list_sources,
                      resolve_source, sources_for_aircraft, sources_for_flight)
from .search import SearchHit, search
from .selectors import add_selector, list_selectors, remove_selector
from .web_capture import CaptureOutcome, capture

__all__ = [
    "CREDIBILITY", "RELIABILITY", "add_note", "add_tag", "edit_note", "remove_tag",
    "set_assessment", "CaptureDiff", "diff_captures", "FileOutcome", "add_files",
    "aircraft_for_source", "capture_text", "get_capture", "list_sources", "resolve_source",
    "sources_for_aircraft", "sources_for_flight", "SearchHit", "search", "add_selector",
    "list_selectors", "remove_selector", "CaptureOutcome", "capture",
]
