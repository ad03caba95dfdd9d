"""Tying a source by hand from the source viewer to what it is about, the tie shown from both
sides (the viewer; the aircraft, flight, entity and event details) and taken back: offscreen,
on the story case (the article is already tied to RA-86496)."""

from __future__ import annotations

from PySide6.QtCore import QUrl

from osintdesk.findings import queries, views
from osintdesk.ui.findings.dialogs import DeleteDialog, TieDialog
from osintdesk.verification import verify_case
from tests.findings.conftest import story_file  # noqa: F401  (the story, built once)
from tests.ui.test_findings_ui import article, run_dialog, state, story, window  # noqa: F401

REASON = "the photo of the arrival was taken at Sunan that morning"


def show_article(window):  # noqa: F811
    page = window.show_page("Sources")
    assert page.select_source(article(window.case)["uuid"])
    return page.viewer


def outbound(window):  # noqa: F811
    page = window.show_page("Flights")
    return page.model.row(0)


def test_tie_from_the_viewer_writes_an_audited_tie_shown_from_both_sides(qtbot, window):  # noqa: F811
    ui = window.findings_ui
    flight = outbound(window)
    viewer = show_article(window)
    details = viewer.details.text()
    assert "Tied by hand to:" in details and "RA-86496 (aircraft)" in details
    assert "photo shows this tail" in details
    assert "Test Examiner" in details

    # In the Text tab's context menu too.
    assert ui.action_tie in viewer.text_menu().actions()

    assert ui.action_tie.isEnabled()
    ui.action_tie.trigger()
    dialog = ui.dialog
    assert isinstance(dialog, TieDialog) and dialog.isVisible()
    assert not dialog.ok_button.isEnabled()
    kinds = {text.split(":")[0] for text in dialog.shown()}
    assert {"aircraft", "flight", "event", "entity"} <= kinds
    dialog.filter_edit.setText("ZKPY 09-19")
    assert dialog.shown() and all("ZKPY" in t for t in dialog.shown())
    dialog.choose(flight["uuid"])
    assert not dialog.ok_button.isEnabled()              # no reason yet
    dialog.reason_edit.setText(REASON)
    assert dialog.ok_button.isEnabled()
    before = window.case.audit_count()
    task = run_dialog(qtbot, window, dialog)
    assert task.error is None, task.error
    tie = task.result
    assert (tie["target_kind"], tie["target_uuid"], tie["reason"]) == ("flight", flight["uuid"], REASON)
    last = list(window.case.audit_entries())[-1]
    assert (last.action, last.object_type, last.object_id) == ("create", "source-tie", tie["uuid"])
    assert window.case.audit_count() == before + 1

    # The source's side: under the heading and in Metadata, each a link to the record.
    label = views.tie_target_label(window.case, "flight", flight["uuid"])
    assert label in viewer.details.text() and REASON in viewer.details.text()
    assert f"record:flight/{flight['uuid']}" in viewer.details.text()
    assert REASON in viewer.metadata.toPlainText()

    # The flight's side, and a jump back to the source from its link.
    viewer.details.linkActivated.emit(f"record:flight/{flight['uuid']}")
    flights = window.flights_page
    assert window.stack.currentWidget() is flights
    assert flights.selected_flights() == [flight["uuid"]]
    summary = flights.detail.summary.text()
    assert "Sources tied to it by hand" in summary and REASON in summary
    flights.detail.summary.linkActivated.emit(f"record:source/{tie['source_uuid']}")
    assert window.stack.currentWidget() is window.sources_ui.sources_page

    # The aircraft's side: the tie the story made.
    aircraft = window.show_page("Aircraft")
    plane = queries.resolve_entity_id(window.case, "RA-86496")
    assert aircraft.select_aircraft(plane)
    detail = aircraft.detail.text()
    assert "Sources tied to it by hand" in detail and "photo shows this tail" in detail
    assert f"record:source/{tie['source_uuid']}" in detail
    assert verify_case(window.case).ok


def test_a_tie_without_a_reason_is_refused_and_changes_nothing(qtbot, window):  # noqa: F811
    ui = window.findings_ui
    viewer = show_article(window)
    source = viewer.source["uuid"]
    summit = next(e for e in queries.events(window.case) if e["title"].startswith("Kim"))
    dialog = ui.tie_dialog(source)
    dialog.choose(summit["uuid"])
    dialog.reason_edit.setText("   ")
    assert not dialog.ok_button.isEnabled()               # the dialog does not offer it
    dialog.reject()
    before = state(window)
    task = ui.tie(source, summit["uuid"], "   ")          # and the domain refuses it
    qtbot.waitUntil(lambda: task not in window.runner.active, timeout=20000)
    assert "a tie needs a reason" in task.error
    box = window.last_message
    assert box.isVisible() and "a tie needs a reason" in box.text() and "Traceback" not in box.text()
    assert state(window) == before
    task = ui.tie(source, "RA-86496", "again")            # already tied: refused too
    qtbot.waitUntil(lambda: task not in window.runner.active, timeout=20000)
    assert "is already tied to aircraft" in window.last_message.text()
    assert state(window) == before


def test_removing_a_tie_asks_first_and_keeps_it_in_the_audit_log(qtbot, window):  # noqa: F811
    ui = window.findings_ui
    viewer = show_article(window)
    [tie] = queries.ties_of(window.case, viewer.source["uuid"])
    assert f"untie:{tie['uuid']}" in viewer.details.text()
    before = state(window)
    viewer.details.linkActivated.emit(f"untie:{tie['uuid']}")
    dialog = ui.dialog
    assert isinstance(dialog, DeleteDialog) and "RA-86496 (aircraft)" in dialog.message.text()
    dialog.reject()                                        # asked, and said no
    assert state(window) == before
    # The entity's detail offers it too.
    entities = window.show_page("Entities")
    entities.select(tie["target_uuid"])   # the detail is read on the task runner
    qtbot.waitUntil(lambda: f"untie:{tie['uuid']}" in entities.detail.toHtml(), timeout=20000)
    entities.detail.anchorClicked.emit(QUrl(f"untie:{tie['uuid']}"))
    ui.dialog.reason_edit.setText("the photo shows another Il-62M")
    task = run_dialog(qtbot, window, ui.dialog)
    assert task.error is None, task.error
    assert queries.ties_of(window.case, tie["source_uuid"]) == []
    last = list(window.case.audit_entries())[-1]
    assert (last.action, last.object_type, last.object_id) == ("delete", "source-tie", tie["uuid"])
    assert last.details["record"]["reason"] == tie["reason"]
    assert last.details["reason"] == "the photo shows another Il-62M"
    qtbot.waitUntil(lambda: "No source tied to it." in entities.detail.toPlainText(), timeout=20000)
    viewer = show_article(window)
    assert "Tied by hand" not in viewer.details.text()
    assert verify_case(window.case).ok


def test_the_viewer_and_the_aircraft_detail_render(qtbot, window, tmp_path):  # noqa: F811
    viewer = show_article(window)
    viewer.tabs.setCurrentIndex(2)
    shot = window.grab()
    assert not shot.isNull() and shot.save(str(tmp_path / "viewer.png"))
    aircraft = window.show_page("Aircraft")
    assert aircraft.select_aircraft(queries.resolve_entity_id(window.case, "RA-86496"))
    shot = window.grab()
    assert not shot.isNull() and shot.save(str(tmp_path / "aircraft.png"))
