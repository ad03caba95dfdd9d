"""The Sources and Selectors pages, the offline viewer and the capture dialogs, offscreen, against
real servers on 127.0.0.1 and a real case file."""

from __future__ import annotations

import socket
import sys
import threading

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from osintdesk.app import build_window
from osintdesk.sources import queries as source_queries
from osintdesk.sources.search import search
from osintdesk.sources.settings import load_capture_settings
from osintdesk.store import Case, verify_case
from osintdesk.sources.viewer_html import SEARCH_COLOUR
from osintdesk.ui.models import PagedQueryModel
from osintdesk.ui.sources import SourcesUi, models, sources_page
from osintdesk.ui.sources.viewer import BANNER_TEXT
from tests.support import servers
from tests.support import source_samples as samples
from tests.support import source_server as shared




@pytest.fixture(scope="module")
def page_server():
    server = servers.start(shared.SourceServer())
    yield server
    servers.stop(server)


@pytest.fixture
def window(qtbot, tmp_path):
    with Case.create(tmp_path / "c", title="Il-62M", examiner="A"):
        pass
    win = build_window("Window Examiner")
    qtbot.addWidget(win)
    assert isinstance(win.sources_ui, SourcesUi)   # built by the window itself
    win.resize(1400, 900)
    win.show()
    assert win.open_case(str(tmp_path / "c.osintcase"))
    yield win
    win.runner.wait()


def wait_for(qtbot, window, task):
    assert task is not None
    qtbot.waitUntil(lambda: task not in window.runner.active, timeout=20000)
    assert task.error is None, task.error


def state(window):
    with Case.open(window.case.path, examiner="x", readonly=True) as case:
        return shared.case_state(case)


def verified(window) -> bool:
    with Case.open(window.case.path, examiner="x", readonly=True) as case:
        return verify_case(case).ok


def capture(qtbot, window, *urls):
    task = window.sources_ui.capture_urls(list(urls))
    wait_for(qtbot, window, task)
    return task.result


def test_capture_through_the_window(qtbot, window, page_server):
    url = page_server.base_url + "/page.html"
    [outcome] = capture(qtbot, window, url)
    assert outcome.ok and "Captured 1 of 1" in window.statusBar().currentMessage()
    page = window.sources_ui.sources_page
    assert window.stack.currentWidget() is page
    assert page.model.rowCount() == 1
    viewer = page.viewer
    assert "Il-62M RA-86496 flew Moscow to Pyongyang" in viewer.heading.text()
    assert viewer.banner.isVisible() and viewer.banner.text().startswith(BANNER_TEXT)
    assert "Vnukovo" in viewer.browser.toPlainText()
    assert "Vnukovo" in viewer.text_view.toPlainText()
    metadata = viewer.metadata.toPlainText()
    for expected in ("2023-09-14", "127.0.0.1", outcome.body_sha256, outcome.warc_sha256,
                     "Window Examiner", "Captured (UTC)", "Published"):
        assert expected in metadata
    assert verified(window)


def test_failed_capture_names_the_url_and_changes_nothing(qtbot, window, page_server):
    before = state(window)
    url = page_server.base_url + "/broken.pdf"
    [outcome] = capture(qtbot, window, url)
    assert not outcome.ok
    assert url in window.last_message.text() and "not a readable PDF" in window.last_message.text()
    assert state(window) == before


def test_capture_can_be_cancelled(qtbot, window, page_server):
    before = state(window)
    task = window.sources_ui.capture_urls([page_server.base_url + "/trickle"])
    qtbot.waitUntil(lambda: window.task_progress.isVisible(), timeout=5000)
    window.task_progress.cancel_button.click()
    qtbot.waitUntil(lambda: task not in window.runner.active, timeout=20000)
    assert task.result is None and task.error is None
    assert "cancelled" in window.statusBar().currentMessage()
    assert state(window) == before


def test_capture_dialog_and_settings(qtbot, window, page_server):
    window.sources_ui.action_capture.trigger()
    dialog = window.sources_ui.dialog
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.urls_edit.setPlainText(page_server.base_url + "/page.html\n")
    assert ok.isEnabled() and "TLS verification: on" in dialog.settings_label.text()

    dialog.edit_settings()
    settings = dialog.settings_dialog
    settings.proxy_edit.setText("ftp://not-a-proxy")
    settings.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert "proxy" in settings.error_label.text() and settings.isVisible()
    settings.proxy_edit.setText("")
    settings.user_agent_edit.setText("UA-Test/1.0")
    settings.timeout_spin.setValue(12)
    settings.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not settings.isVisible()
    assert load_capture_settings().user_agent == "UA-Test/1.0"
    assert load_capture_settings().timeout_s == 12
    assert "UA-Test/1.0" in dialog.settings_label.text()

    ok.click()
    qtbot.waitUntil(lambda: bool(window.sources_ui.last_outcomes), timeout=20000)
    window.runner.wait()
    [outcome] = window.sources_ui.last_outcomes
    with Case.open(window.case.path, examiner="x", readonly=True) as case:
        row = case.conn.execute("SELECT user_agent FROM captures WHERE uuid = ?",
                                (outcome.capture_uuid,)).fetchone()
    assert row[0] == "UA-Test/1.0"


def add_story_and_other(qtbot, window, tmp_path):
    """Two text sources, one naming Vnukovo; returns the Sources page."""
    story = tmp_path / "story.txt"
    story.write_text(samples.STORY_TEXT, encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text("A quiet day in Vladivostok.", encoding="utf-8")
    wait_for(qtbot, window, window.add_files([str(story), str(other)]))
    return window.show_page("Sources")


def block_network(monkeypatch) -> list:
    """From now on any connection or name lookup fails the test; returns the attempts."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"the viewer tried to open a connection: {args}")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    # The guard sees an attempt (else "no attempts" below could never fail).
    with pytest.raises(AssertionError, match="tried to open a connection"):
        socket.create_connection(("127.0.0.1", 9))
    assert attempts
    attempts.clear()
    return attempts


def test_viewer_opens_no_socket(qtbot, window, page_server, monkeypatch):
    capture(qtbot, window, page_server.base_url + "/pixel.png", page_server.base_url + "/remote.html")
    page = window.sources_ui.sources_page
    attempts = block_network(monkeypatch)

    remote = next(page.model.row(r)["uuid"] for r in range(page.model.rowCount())
                  if (page.model.row(r)["url"] or "").endswith("/remote.html"))
    assert page.select_source(remote)
    viewer = page.viewer
    viewer.tabs.setCurrentIndex(0)
    remote = {"https://cdn.example.com/site.css", "https://fonts.example.net/font.css",
              "https://tracker.example.com/pixel.gif", "http://images.example.com/photo.jpg",
              page_server.base_url + "/bg.png"}
    viewer.grab()            # lay out and paint: every resource is asked for now
    qtbot.waitUntil(lambda: remote <= set(viewer.browser.refused), timeout=5000)
    assert attempts == []
    served = set(viewer.browser.served)
    assert page_server.base_url + "/pixel.png" in served          # captured: from the case
    assert any(url.startswith("data:image/gif") for url in served)
    assert viewer.banner.isVisible()
    assert viewer.banner.text().startswith(BANNER_TEXT) and "refused" in viewer.banner.text()
    assert "PySide6.QtNetwork" not in sys.modules
    # Clicking a link shows where it goes; it is not followed.
    from PySide6.QtCore import QUrl
    viewer.browser.anchorClicked.emit(QUrl("https://example.com/elsewhere"))
    assert "not followed" in viewer.link_label.text()
    assert attempts == []


def test_viewer_shows_warc_images_from_the_case_only(qtbot, window, tmp_path, monkeypatch):
    warc = samples.make_warc_with_resources(tmp_path / "gallery.warc.gz")
    wait_for(qtbot, window, window.add_files([str(warc)]))
    assert verified(window)
    attempts = block_network(monkeypatch)

    page = window.sources_ui.sources_page
    gallery = next(page.model.row(r)["uuid"] for r in range(page.model.rowCount())
                   if page.model.row(r)["url"] == samples.RESOURCE_PAGE_URL)
    assert page.select_source(gallery)
    viewer = page.viewer
    viewer.tabs.setCurrentIndex(0)
    viewer.grab()            # lay out and paint: every resource is asked for now
    browser = viewer.browser
    qtbot.waitUntil(lambda: {samples.RESOURCE_IMAGE_URL, samples.RESOURCE_CSS_URL}
                    <= set(browser.served), timeout=5000)
    assert viewer.grab().save(str(tmp_path / "viewer.png"))   # the banner now counts them all
    assert "https://elsewhere.example/not-recorded.png" in browser.refused
    # Relative URLs resolve against the page's URL; the image comes back as a QImage.
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QImage, QTextDocument
    image = browser.loadResource(QTextDocument.ResourceType.ImageResource, QUrl("img/apron.png"))
    assert isinstance(image, QImage) and not image.isNull() and image.width() == 120
    assert browser.loadResource(QTextDocument.ResourceType.ImageResource,
                                QUrl("img/missing.png")) is None
    assert "https://news.example/gallery/img/missing.png" in browser.refused
    css = browser.loadResource(QTextDocument.ResourceType.StyleSheetResource,
                               QUrl("../static/site.css"))
    assert "#b00020" in css
    text = viewer.banner.text()
    assert text.startswith(BANNER_TEXT) and "refused" in text
    assert "2 resources served from the case" in text
    assert attempts == [] and "PySide6.QtNetwork" not in sys.modules


def test_search_field_shows_snippets_and_marks_the_text(qtbot, window, tmp_path):
    page = add_story_and_other(qtbot, window, tmp_path)
    assert page.model.rowCount() == 2
    page.search_edit.setText("Vnukovo")
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.results_view
                    and page.results_model.rowCount() == 1, timeout=5000)
    index = page.results_model.index(0, models.SNIPPET_COLUMN)
    marked = page.results_model.data(index, models.SNIPPET_HTML_ROLE)
    assert "font-weight:bold'>Vnukovo</span>" in marked
    page.results_view.selectRow(0)
    viewer = page.viewer
    assert viewer.tabs.currentIndex() == 1
    text = viewer.text_view.toPlainText()
    searched = [text[s:e] for s, e, colour in viewer.text_ranges if colour == SEARCH_COLOUR]
    assert searched == ["Vnukovo"]
    page.results_view.grab()   # the snippet delegate paints
    page.search_edit.setText('"')
    with qtbot.waitSignal(page.search_finished, timeout=10000) as finished:
        page.refresh_list()
    assert finished.args == ['"']
    assert "nothing to search" in page.count_label.text()
    page.search_edit.clear()
    page.refresh_list()
    assert page.stack.currentWidget() is page.view


def test_the_viewer_reads_a_capture_text_once(qtbot, window, tmp_path, monkeypatch):
    page = add_story_and_other(qtbot, window, tmp_path)
    reads = []
    real = source_queries.capture_text

    def counting(case, capture_uuid):
        reads.append(capture_uuid)
        return real(case, capture_uuid)
    monkeypatch.setattr(source_queries, "capture_text", counting)
    page.viewer.show_source(window.case, page.model.row(1)["uuid"])
    assert len(reads) == 1   # a text file: its page and its text tab show the same text
    assert page.viewer.text_view.toPlainText() == real(window.case, reads[0])


def test_typing_runs_one_search_off_the_gui_thread(qtbot, window, tmp_path, monkeypatch):
    page = add_story_and_other(qtbot, window, tmp_path)
    searched = []   # (query, on the GUI thread?) for every search run

    def counting_search(case, query):
        searched.append((query, threading.current_thread() is threading.main_thread()))
        return search(case, query)
    monkeypatch.setattr(sources_page, "search", counting_search)
    with qtbot.waitSignal(page.search_finished, timeout=10000) as finished:
        qtbot.keyClicks(page.search_edit, "Vnukovo")   # seven keystrokes, well within the delay
    assert finished.args == ["Vnukovo"]
    assert searched == [("Vnukovo", False)]
    assert page.results_model.rowCount() == 1 and "1 source matches" in page.count_label.text()
    # Nothing further is queued: the delay has passed and no second search comes.
    with qtbot.assertNotEmitted(page.search_finished, wait=2 * sources_page.SEARCH_DELAY_MS):
        pass
    assert len(searched) == 1


def test_results_of_a_query_no_longer_asked_are_dropped(qtbot, window, tmp_path):
    page = add_story_and_other(qtbot, window, tmp_path)
    shown = []
    page.search_finished.connect(shown.append)
    first = page.run_search("Vladivostok")
    second = page.run_search("Vnukovo")     # asked before the first could answer
    for task in (first, second):
        wait_for(qtbot, window, task)       # both ran, both results came back
    assert first.result[0] and shown == ["Vnukovo"]
    assert [page.results_model.row(r)["title"] for r in range(page.results_model.rowCount())] \
        == [h.title for h in second.result[0]]
    # Clearing the box drops a search still running, and shows the list.
    third = page.run_search("Vladivostok")
    page.search_edit.clear()
    page.refresh_list()
    wait_for(qtbot, window, third)
    assert shown == ["Vnukovo"] and page.stack.currentWidget() is page.view


def test_notes_tags_grading_and_export_from_the_viewer(qtbot, window, page_server, tmp_path):
    [outcome] = capture(qtbot, window, page_server.base_url + "/gzip")
    viewer = window.sources_ui.sources_page.viewer
    wait_for(qtbot, window, viewer.add_note("Compare with the tower log."))
    assert "Compare with the tower log." in viewer.notes_view.toPlainText()
    assert "Window Examiner" in viewer.notes_view.toPlainText()
    wait_for(qtbot, window, viewer.add_tag("Il-62"))
    assert "Il-62" in viewer.heading.text()
    wait_for(qtbot, window, viewer.set_assessment("B", 2))
    assert "B2" in viewer.heading.text()
    assert viewer.reliability_combo.currentData() == "B"
    wait_for(qtbot, window, viewer.remove_tag("Il-62"))
    assert "Tags" not in viewer.heading.text()

    dest = tmp_path / "exported.html.gz"
    wait_for(qtbot, window, viewer.export("body", str(dest)))
    assert dest.read_bytes() == servers.GZIP_BODY     # exactly as received
    decoded = tmp_path / "decoded.html"
    wait_for(qtbot, window, viewer.export("decoded", str(decoded)))
    assert decoded.read_bytes() == servers.GZIP_HTML
    assert len(viewer.export_menu.actions()) == 3           # body, decoded body, WARC
    with Case.open(window.case.path, examiner="x", readonly=True) as case:
        exports = [e for e in case.audit_entries() if e.action == "export"]
        assert [e.object_id for e in exports] == [outcome.body_sha256, outcome.decoded_sha256]
    assert verified(window)


def test_what_changed_between_captures(qtbot, window, page_server):
    page_server.changing_hits = 0
    url = page_server.base_url + "/changing"
    capture(qtbot, window, url)
    capture(qtbot, window, url)
    viewer = window.sources_ui.sources_page.viewer
    assert viewer.capture_combo.count() == 2
    viewer.tabs.setCurrentIndex(3)
    assert not viewer.diff_button.isEnabled()
    viewer.captures_view.selectAll()
    assert viewer.diff_button.isEnabled()
    started = []
    window.runner.started.connect(lambda task: started.append((task.title, task.writes)))
    with qtbot.waitSignal(viewer.diff_shown, timeout=10000):
        viewer.diff_button.click()   # compared on the task runner, shown when done
    assert started == [("Comparing captures", False)]
    text = viewer.diff_view.toPlainText()
    assert "18:45" in text and "19:10" in text and "P-885" in text
    assert viewer.last_diff.fields["title"][1] == "Sunan arrivals (updated)"
    # Choosing the older capture shows it.
    viewer.capture_combo.setCurrentIndex(1)
    assert "18:45" in viewer.text_view.toPlainText()


def test_selectors_page(qtbot, window, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(samples.STORY_TEXT, encoding="utf-8")
    wait_for(qtbot, window, window.add_files([str(story)]))
    page = window.show_page("Selectors")
    page.pattern_edit.setText("RSD06\\d")
    page.regex_check.setChecked(True)
    task = page.add_from_fields()
    wait_for(qtbot, window, task)
    assert task.result["hits"] == 2
    assert page.model.rowCount() == 1 and page.model.row(0)["type"] == "regex"
    page.view.selectRow(0)
    assert [page.hits_model.row(r)["text"] for r in range(page.hits_model.rowCount())] == [
        "RSD062", "RSD063"]
    wait_for(qtbot, window, page.remove_selected())
    assert page.model.rowCount() == 0


def test_sources_naming_an_aircraft(qtbot, window, tmp_path, monkeypatch):
    from tests.support import flight_samples
    trace = flight_samples.write_readsb_trace(tmp_path / "trace_full_155abc.json",
                                              flight_samples.synthetic_flight("UUWW", "ZKPY"))
    wait_for(qtbot, window, window.import_flights([str(trace)]))
    named = tmp_path / "named.txt"
    named.write_text("On 2 January 2024 the Il-62M RA-86496 flew to Pyongyang.", encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text("Nothing about aircraft. Pyongyang in the news.", encoding="utf-8")
    wait_for(qtbot, window, window.add_files([str(named), str(other)]))
    page = window.show_page("Sources")
    assert page.model.rowCount() == 2 and page.count_label.text() == "2 sources"
    combo = page.aircraft_combo
    assert combo.count() == 2 and "RA-86496" in combo.itemText(1)
    combo.setCurrentIndex(1)
    assert page.model.rowCount() == 1
    assert page.model.row(0)["flight_dates"] == ["2024-01-02"]
    named_uuid = page.model.row(0)["uuid"]
    page.select_source(named_uuid)
    metadata = page.viewer.metadata.toPlainText()
    assert "Aircraft in this case named here" in metadata and "UUWW" in metadata

    # Searching with the aircraft chosen: the filter runs with the search, off the GUI thread.
    filtered = []   # on the GUI thread? for every aircraft filter run
    real = source_queries.sources_for_aircraft

    def recording(case, aircraft_uuid):
        filtered.append(threading.current_thread() is threading.main_thread())
        return real(case, aircraft_uuid)
    monkeypatch.setattr(source_queries, "sources_for_aircraft", recording)
    with qtbot.waitSignal(page.search_finished, timeout=10000) as finished:
        qtbot.keyClicks(page.search_edit, "Pyongyang")
    assert finished.args == ["Pyongyang"] and filtered == [False]
    assert [h.source_uuid for h in page.hits] == [named_uuid]
    assert "1 source matches" in page.count_label.text()
    combo.setCurrentIndex(0)   # all sources: the other one matches too
    qtbot.waitUntil(lambda: page.results_model.rowCount() == 2, timeout=10000)
    assert filtered == [False]


def test_bad_file_is_named_and_nothing_added(qtbot, window, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("fine")
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 truncated")
    before = state(window)
    task = window.add_files([str(good), str(bad)])
    qtbot.waitUntil(lambda: task not in window.runner.active, timeout=20000)
    assert str(bad) in window.last_message.text()
    assert "not a readable image" in window.last_message.text()
    assert state(window) == before


def test_models_pass_the_model_tester(qtmodeltester):
    rows = [{"title": f"Source {i}", "kind": "capture", "snippet": f"…found {i}…",
             "highlights": [(1, 6)], "captured_utc": "2024-01-02T07:41:03.000000Z",
             "matches": i, "url": None, "source_uuid": str(i), "capture_uuid": str(i)}
            for i in range(7)]
    model = models.SearchResultsModel(models.RESULT_COLUMNS)
    model.page_size = 3
    model.set_source(lambda o, n: rows[o:o + n], lambda: len(rows))
    qtmodeltester.check(model)
    assert isinstance(model, PagedQueryModel)
    assert model.data(model.index(0, 3)) == "2024-01-02 07:41:03 UTC"
    assert "font-weight:bold'>found</span>" in model.data(
        model.index(0, models.SNIPPET_COLUMN), models.SNIPPET_HTML_ROLE)


def test_the_notes_tab_shows_what_reading_a_capture_could_not_do(qtbot, window, tmp_path):
    from tests.support.bounded_samples import identifier_dense_html
    dense = tmp_path / "dates.html"
    dense.write_bytes(identifier_dense_html(3000))
    wait_for(qtbot, window, window.add_files([str(dense)]))
    [row] = source_queries.list_sources(window.case)
    viewer = window.sources_ui.sources_page.viewer
    viewer.show_source(window.case, row["uuid"])
    shown = viewer.notes_view.toPlainText()
    assert "Capture warning" in shown and "3,000 identifiers found" in shown
    assert "No notes yet" in shown      # the program's words are not the investigator's notes
