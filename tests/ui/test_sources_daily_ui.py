"""Issue 17 in the window: an error page is kept only when the investigator says so, a
retired source leaves the list until "Show retired", a selector hit shows its passage and a
double-click opens it highlighted in the Text tab, whose paragraphs keep their space."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from osintdesk.sources.viewer_html import CURRENT_HIT_COLOUR
from osintdesk.store import Case, verify_case
from osintdesk.ui.sources import models
from tests.ui.test_sources_ui import (add_story_and_other, capture, page_server,  # noqa: F401
                                      wait_for, window)

SHOTS = os.environ.get("OSINTDESK_SHOTS")


def shot(widget, name: str) -> None:
    """Save what the widget shows when OSINTDESK_SHOTS names a folder (to look at); a
    window at each size OSINTDESK_SHOT_SIZES lists (e.g. "1200x780,1600x1000")."""
    if not SHOTS:
        return
    sizes = os.environ.get("OSINTDESK_SHOT_SIZES")
    if not sizes or widget.parent() is not None:
        widget.grab().save(os.path.join(SHOTS, name))
        return
    for size in sizes.split(","):
        width, height = (int(v) for v in size.split("x"))
        widget.resize(width, height)
        QApplication.processEvents()
        widget.grab().save(os.path.join(SHOTS, name.replace(".png", f"-{size}.png")))


def sources_in_case(window) -> int:
    with Case.open(window.case.path, examiner="x", readonly=True) as case:
        return case.conn.execute("SELECT count(*) FROM sources").fetchone()[0]


def test_error_page_is_kept_only_after_asking(qtbot, window, page_server):  # noqa: F811
    url = page_server.base_url + "/404"
    [refused] = capture(qtbot, window, url)
    assert refused.not_kept and refused.status == 404
    assert sources_in_case(window) == 0
    box = window.sources_ui.dialog
    assert isinstance(box, QMessageBox) and "HTTP 404" in box.text()
    shot(box, "keep-error-page.png")
    box.button(QMessageBox.StandardButton.Discard).click()
    window.runner.wait()
    assert sources_in_case(window) == 0

    capture(qtbot, window, url)
    box = window.sources_ui.dialog
    keep = next(b for b in box.buttons() if b.objectName() == "keep_error_button")
    keep.click()
    qtbot.waitUntil(lambda: window.sources_ui.last_outcomes[0].ok, timeout=20000)
    assert sources_in_case(window) == 1
    [kept] = window.sources_ui.last_outcomes
    assert kept.ok and kept.status == 404


def test_retire_hides_the_source_and_show_retired_strikes_it_through(qtbot, window, tmp_path):  # noqa: F811
    page = add_story_and_other(qtbot, window, tmp_path)
    assert page.model.rowCount() == 2
    row = next(r for r in range(2) if "story" in page.model.row(r)["name"])
    page.view.selectRow(page.proxy.mapFromSource(page.model.index(row, 0)).row())
    viewer = page.viewer
    assert viewer.retire_button.text() == "Retire…"
    wait_for(qtbot, window, viewer.retire("mistyped, not this story"))
    assert page.model.rowCount() == 1 and "quiet day" not in ""   # the story left the list
    assert all("story" not in page.model.row(r)["name"] for r in range(page.model.rowCount()))
    page.retired_check.setChecked(True)
    assert page.model.rowCount() == 2
    retired_row = next(r for r in range(2) if page.model.row(r)["retired_utc"])
    font = page.model.data(page.model.index(retired_row, 0), Qt.ItemDataRole.FontRole)
    assert font is not None and font.strikeOut()
    page.view.selectRow(page.proxy.mapFromSource(page.model.index(retired_row, 0)).row())
    assert "<s>" in viewer.heading.text() and "mistyped, not this story" in viewer.heading.text()
    assert viewer.retire_button.text() == "Un-retire"
    shot(window, "sources-show-retired.png")
    wait_for(qtbot, window, viewer.retire_dialog())   # retired: the button brings it back
    page.retired_check.setChecked(False)
    assert page.model.rowCount() == 2
    with Case.open(window.case.path, examiner="x", readonly=True) as case:
        actions = [e.action for e in case.audit_entries() if e.object_type == "retirement"]
        assert actions == ["retire", "delete"] and verify_case(case).ok


def test_selector_hit_passage_and_double_click_opens_it_highlighted(qtbot, window, tmp_path):  # noqa: F811
    add_story_and_other(qtbot, window, tmp_path)
    selectors = window.show_page("Selectors")
    selectors.pattern_edit.setText("Il-62")
    wait_for(qtbot, window, selectors.add_from_fields())
    assert selectors.model.row(0)["hits"] >= 2          # "Il-62M" and "IL62" in the story
    selectors.view.selectRow(0)
    hits = selectors.hits_model
    assert hits.rowCount() >= 2
    first = hits.row(0)
    marked = hits.data(hits.index(0, models.SELECTOR_HIT_SNIPPET_COLUMN), models.SNIPPET_HTML_ROLE)
    assert f">{first['text']}</span>" in marked and "At" not in [c for c, _ in models.SELECTOR_HIT_COLUMNS]
    shot(window, "selector-hits-passages.png")
    # Double-click the hit that is in the text.
    row = next(r for r in range(hits.rowCount()) if hits.row(r)["field"] == "text"
               and hits.row(r)["text"] == "IL62")
    rect = selectors.hits_view.visualRect(hits.index(row, 0))
    # As a mouse does it: a press, then the double-click (Qt's view wants both).
    qtbot.mouseClick(selectors.hits_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(selectors.hits_view.viewport(), Qt.MouseButton.LeftButton,
                      pos=rect.center())
    page = window.sources_ui.sources_page
    assert window.stack.currentWidget() is page
    viewer = page.viewer
    assert viewer.tabs.currentIndex() == 1
    text = viewer.text_view.toPlainText()
    start, end = viewer.marked_passage
    assert text[start:end] == "IL62"
    marks = [(s.cursor.selectionStart(), s.cursor.selectionEnd())
             for s in viewer.text_view.extraSelections()
             if s.format.background().color().name() == CURRENT_HIT_COLOUR]
    assert marks == [(start, end)]
    assert viewer.text_view.textCursor().position() == start
    # A text with blank lines between its paragraphs is shown as it is.
    assert viewer.text_view.document().firstBlock().blockFormat().bottomMargin() == 0
    shot(window, "text-tab-opened-hit.png")


def test_text_tab_spaces_one_paragraph_a_line_text(qtbot, window, tmp_path):  # noqa: F811
    lines = tmp_path / "lines.txt"
    lines.write_text("First paragraph of the article.\nSecond paragraph, no blank line.\n",
                     encoding="utf-8")
    wait_for(qtbot, window, window.add_files([str(lines)]))
    viewer = window.show_page("Sources").viewer
    assert viewer.text_view.toPlainText().startswith("First paragraph")
    block = viewer.text_view.document().firstBlock()
    assert block.blockFormat().bottomMargin() > 0 and block.next().blockFormat().bottomMargin() > 0


def test_serial_links_the_article_and_the_detail_link_opens_it(qtbot, window, tmp_path):  # noqa: F811
    import re

    from tests.sources.test_serials import _article, _trace
    wait_for(qtbot, window, window.import_flights([str(_trace(tmp_path, "00-9999", "f0a001"))]))
    wait_for(qtbot, window, window.add_files([str(_article(tmp_path))]))
    aircraft = window.show_page("Aircraft")
    aircraft.view.selectRow(0)
    detail = aircraft.detail.text()
    [href] = re.findall(r"href='(record:source/[^']+)'", detail)
    assert "A C-17 of the USAF" in detail
    shot(window, "aircraft-detail-serial-link.png")
    aircraft.detail.linkActivated.emit(href)   # what a click on the link sends
    page = window.sources_ui.sources_page
    assert window.stack.currentWidget() is page
    assert page.viewer.source["uuid"] == href.rsplit("/", 1)[1]
    flights = window.show_page("Flights")
    assert flights.select_flight(flights.model.row(0)["uuid"])
    assert href in flights.detail.summary.text()


def test_evidence_page_lists_a_web_capture_previews_it_and_exports_a_checked_copy(
        qtbot, window, page_server, tmp_path):  # noqa: F811
    import hashlib

    from tests.support import servers
    url = page_server.base_url + "/page.html"
    capture(qtbot, window, url)
    page = window.show_page("Evidence")
    kinds = {page.model.row(r)["kind"] for r in range(page.model.rowCount())}
    assert {"web capture body", "WARC of a web capture"} <= kinds
    body = hashlib.sha256(servers.PAGE_HTML).hexdigest()
    assert page.select(body)
    assert page.facts["sha256"].text() == body
    assert page.facts["belongs_to"].text().startswith("source: Il-62M RA-86496")
    assert page.facts["kind"].text() == "web capture body, HTTP 200"
    assert page.preview.currentWidget() is page.text
    assert "Pyongyang" in page.text.toPlainText() and "<html" not in page.text.toPlainText()
    shot(window, "evidence-page.png")
    dest = tmp_path / "copy.html"
    wait_for(qtbot, window, page.export(str(dest)))
    qtbot.waitUntil(lambda: page.last_export is not None, timeout=5000)
    assert page.last_export["matches"] and dest.read_bytes() == servers.PAGE_HTML
    assert body in page.result_box.text() and "matches" in page.result_box.text()
    shot(page.result_box, "evidence-export-checked.png")
    # The WARC previews as text (its gzip undone).
    warc = next(page.model.row(r) for r in range(page.model.rowCount())
                if page.model.row(r)["kind"] == "WARC of a web capture")
    assert page.select(warc["sha256"]) and "WARC/1" in page.text.toPlainText()


def test_note_and_tag_on_a_flight_and_an_aircraft_from_the_window(qtbot, window, tmp_path):  # noqa: F811
    from tests.sources.test_serials import _trace
    wait_for(qtbot, window, window.import_flights([str(_trace(tmp_path, "XX-ABD", "f0a004"))]))
    flights = window.show_page("Flights")
    flight = flights.model.row(0)["uuid"]
    assert flights.select_flight(flight)
    panel = flights.detail.notes
    assert panel.add_note_button.isEnabled()
    panel.note_edit.setText("Squawked 7700 over the sea")
    wait_for(qtbot, window, panel.add_note(panel.note_edit.text()))
    qtbot.waitUntil(lambda: "Squawked 7700" in panel.shown.text(), timeout=5000)
    wait_for(qtbot, window, panel.add_tag("diverted"))
    qtbot.waitUntil(lambda: "diverted" in panel.shown.text(), timeout=5000)
    flights.detail.tabs.setCurrentWidget(panel)
    shot(window, "flight-notes.png")
    aircraft = window.show_page("Aircraft")
    aircraft.view.selectRow(0)
    wait_for(qtbot, window, aircraft.notes.add_note("Seen at Sunan twice"))
    qtbot.waitUntil(lambda: "Seen at Sunan twice" in aircraft.notes.shown.text(), timeout=5000)
    with Case.open(window.case.path, examiner="x", readonly=True) as case:
        from osintdesk.sources.queries import notes_on, tags_on
        assert [n["text"] for n in notes_on(case, "flight", flight)] == ["Squawked 7700 over the sea"]
        assert [t["tag"] for t in tags_on(case, "flight", flight)] == ["diverted"]
        assert verify_case(case).ok
