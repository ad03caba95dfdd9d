"""The Entities, Events and Claims pages, their dialogs, citing from the source viewer and the
flight detail: offscreen, on the story case (an Il-62M flown Moscow–Pyongyang and back, with a
coverage gap at cruise, and an article about it)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QLabel

from osintdesk.app import build_window
from osintdesk.findings import queries
from osintdesk.findings.claims import add_claim, make_assertion
from osintdesk.findings.delete import plan_deletion
from osintdesk.findings.entities import add_entity
from osintdesk.findings.events import add_event
from osintdesk.findings.links import add_link
from osintdesk.findings.suggestions import suggestions
from osintdesk.findings.ties import tie_source
from osintdesk.sources import queries as source_queries
from osintdesk.store import Case
from osintdesk.ui.findings import FindingsUi
from osintdesk.ui.findings.dialogs import ClaimDialog, EntityDialog
from osintdesk.ui.findings.models import FindingsModel, property_choices
from osintdesk.verification import verify_case
from tests.findings.conftest import OUT_T, story_file  # noqa: F401  (the story, built once)

QUOTE = "landed at Pyongyang Sunan on 19 September"


def gap_time() -> str:
    """A moment inside the coverage gap of the outbound flight (an hour after take-off)."""
    return datetime.fromtimestamp(OUT_T + 300 + 3600 + 900, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def story(story_file, tmp_path):  # noqa: F811
    """The story case with a few findings: who operates the aircraft, the summit, three
    claims (supported, contradicted, not covered because of the gap), a tie."""
    path = tmp_path / story_file.name
    path.write_bytes(story_file.read_bytes())
    with Case.open(path, examiner="Test Examiner") as case:
        article = source_queries.list_sources(case)[0]["uuid"]
        air_force = add_entity(case, "Organization", "Russian Air Force", [("country", "RU")])
        kim = add_entity(case, "Person", "Kim Jong Un", [("nationality", "kp")])
        plane = queries.resolve_entity_id(case, "RA-86496")
        add_link(case, air_force.id, plane, "operator", start="2010", cite=[article])
        add_event(case, "Kim-Putin summit at Vostochny", "2023-09-13", zone="Asia/Vladivostok",
                  place="UHWW", involved=[kim.id], cite=[article])
        add_event(case, "Defence minister's visit", "July 2023")
        add_claim(case, "RA-86496 flew from Moscow to Pyongyang on 19 September 2023.",
                  status="supported", confidence="very likely", cite=[article], quote=QUOTE,
                  assertion=make_assertion(case, "flew", aircraft="RA-86496", origin="UUWW",
                                           destination="ZKPY", date="2023-09-19"))
        add_claim(case, "RA-86496 flew from Pyongyang to Vladivostok on 21 September 2023.",
                  assertion=make_assertion(case, "flew", aircraft="RA-86496", origin="ZKPY",
                                           destination="UHWW",   # the data covers all of this
                                           between=("2023-09-21T09:10Z", "2023-09-21T09:30Z")))
        add_claim(case, "RA-86496 was in the air over the Yellow Sea.",
                  assertion=make_assertion(case, "airborne", aircraft="RA-86496", time=gap_time()))
        tie_source(case, article, "RA-86496", "the article's photo shows this tail")
    return path


@pytest.fixture
def window(qtbot, story):
    win = build_window("Window Examiner")
    qtbot.addWidget(win)
    assert isinstance(win.findings_ui, FindingsUi)   # built by the window itself
    win.resize(1400, 900)
    win.show()
    assert win.open_case(str(story))
    settle(qtbot, win)
    yield win
    win.runner.wait()


def state(window):
    """What must not move when a change is refused: the file's bytes and the audit count."""
    return hashlib.sha256(window.case.path.read_bytes()).hexdigest(), window.case.audit_count()


def settle(qtbot, window):
    """Wait until every task is done: the pages read on the task runner."""
    qtbot.waitUntil(lambda: not window.runner.active, timeout=20000)


def select(qtbot, page, record_id) -> bool:
    """Select a record and wait for its detail (read on the task runner)."""
    with qtbot.waitSignal(page.detail_shown, timeout=20000):
        assert page.select(record_id)
    return True


def opened(qtbot, ui, open_it):
    """Open a dialog whose choices are read on the task runner; returns it once open."""
    with qtbot.waitSignal(ui.dialog_opened, timeout=20000) as shown:
        open_it()
    return shown.args[0]


def run_dialog(qtbot, window, dialog):
    """Press OK and wait until the write it starts and the reads after it have been
    handled; returns the task."""
    with qtbot.waitSignal(window.runner.started, timeout=5000) as started:
        dialog.ok_button.click()
    task = started.args[0]
    qtbot.waitUntil(lambda: task not in window.runner.active, timeout=20000)
    settle(qtbot, window)
    return task


def rows(page) -> list[dict]:
    return [page.model.row(r) for r in range(page.model.rowCount())]


def shown(page) -> list[str]:
    """The first column as the table shows it (filtered and sorted)."""
    return [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]


def article(case) -> dict:
    return source_queries.list_sources(case)[0]


# ----------------------------------------------------------------------------- pages


def test_entities_page_lists_what_the_domain_returns(qtbot, window):
    ui = window.findings_ui
    page = window.show_page("Entities")
    assert page is ui.entities_page
    expected = queries.list_entities(window.case)
    assert [r["id"] for r in rows(page)] == [e.id for e in expected]
    plane = next(r for r in rows(page) if r["schema"] == "Airplane")
    assert plane["caption"] == "RA-86496" and "Mode-S address: 155abc" in plane["identity"]
    assert select(qtbot, page, plane["id"])
    detail = page.detail.toPlainText()
    for text in ("RA-86496", "Airplane", "Mode-S address", "155abc", "is its operator",
                 "Russian Air Force", "Sources tied to it by hand",
                 "the article's photo shows this tail", "an aircraft of the case"):
        assert text in detail, text
    assert "{" not in detail                     # no raw JSON
    kim = next(r for r in rows(page) if r["caption"] == "Kim Jong Un")
    assert select(qtbot, page, kim["id"])
    assert "Kim-Putin summit at Vostochny" in page.detail.toPlainText()
    assert "2023-09-13 (Asia/Vladivostok)" in page.detail.toPlainText()


def test_entities_filter_by_text_and_schema(qtbot, window):
    page = window.show_page("Entities")
    page.filter_edit.setText("air force")
    assert shown(page) == ["Russian Air Force"]
    page.filter_edit.clear()
    with qtbot.waitSignal(page.rows_shown, timeout=20000):
        page.schema_combo.setCurrentIndex(page.schema_combo.findData("Airplane"))
    assert shown(page) == ["RA-86496"]
    with qtbot.waitSignal(page.rows_shown, timeout=20000):
        page.schema_combo.setCurrentIndex(page.schema_combo.findData("Person"))
    assert shown(page) == ["Kim Jong Un"]
    with qtbot.waitSignal(page.rows_shown, timeout=20000):
        page.schema_combo.setCurrentIndex(0)
    assert len(shown(page)) == len(queries.list_entities(window.case))


def test_events_show_dates_in_their_precision_and_zone(qtbot, window):
    page = window.show_page("Events")
    by_title = {r["title"]: r for r in rows(page)}
    summit = by_title["Kim-Putin summit at Vostochny"]
    assert (summit["when"], summit["precision"]) == ("2023-09-13 (Asia/Vladivostok)", "day")
    assert summit["place"].startswith("Vladivostok International Airport")
    assert summit["involved_text"] == "Kim Jong Un" and summit["citations"] == 1
    visit = by_title["Defence minister's visit"]
    assert (visit["when"], visit["precision"]) == ("July 2023", "month")
    # Sorted by the moment a date means, not by its text ("July" after "2023-09").
    page.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert shown(page) == ["Defence minister's visit", "Kim-Putin summit at Vostochny"]
    page.filter_edit.setText("July")
    assert shown(page) == ["Defence minister's visit"]
    page.filter_edit.clear()
    assert select(qtbot, page, summit["uuid"])
    detail = page.detail.toPlainText()
    assert "known to the day, given in Asia/Vladivostok" in detail
    assert "2023-09-12 14:00 UTC to 2023-09-13 14:00 UTC" in detail
    assert "supports source Il-62M seen in Pyongyang" in detail


def test_claims_page_shows_each_check_result_and_the_corroboration(qtbot, window):
    page = window.show_page("Claims")
    checks = {r["text"]: r["check_text"] for r in rows(page)}
    assert checks == {
        "RA-86496 flew from Moscow to Pyongyang on 19 September 2023.": "flew: supported",
        "RA-86496 flew from Pyongyang to Vladivostok on 21 September 2023.": "flew: contradicted",
        "RA-86496 was in the air over the Yellow Sea.": "airborne: not covered"}
    page.filter_edit.setText("contradicted")
    assert shown(page) == ["RA-86496 flew from Pyongyang to Vladivostok on 21 September 2023."]
    page.filter_edit.clear()
    supported = next(r for r in rows(page) if r["check_text"] == "flew: supported")
    assert select(qtbot, page, supported["uuid"])
    detail = page.detail.toPlainText()
    for text in ("Evidence: 1 independent source supports it", "supports", f"“{QUOTE}”",
                 "article.html", "RA-86496 flew UUWW → ZKPY on 2023-09-19: SUPPORTED",
                 "It rests on", "trace_full_155abc.json", "ADS-B receivers", "very likely"):
        assert text in detail, text
    gap = next(r for r in rows(page) if r["check_text"] == "airborne: not covered")
    assert select(qtbot, page, gap["uuid"])
    detail = page.detail.toPlainText()
    assert "NOT COVERED" in detail and "coverage gap" in detail
    assert "No evidence cited yet" in detail


def test_models_pass_the_modeltester(qtmodeltester, window):
    for page in window.findings_ui.pages:
        assert page.model.rowCount() > 0
        assert isinstance(page.model, FindingsModel)
        qtmodeltester.check(page.model)


def test_a_link_in_a_detail_opens_the_record(qtbot, window):
    ui = window.findings_ui
    events = window.show_page("Events")
    summit = next(r for r in rows(events) if r["title"].startswith("Kim"))
    kim = queries.resolve_entity_id(window.case, summit["involved"][0])
    assert select(qtbot, events, summit["uuid"])
    assert f"record:entity/{kim}" in events.detail.toHtml()
    events.detail.anchorClicked.emit(QUrl(f"record:entity/{kim}"))
    assert window.stack.currentWidget() is ui.entities_page
    assert ui.entities_page.selected_id() == kim
    capture = queries.citations_of(window.case, summit["uuid"])[0]["target_uuid"]
    ui.entities_page.detail.anchorClicked.emit(QUrl(f"record:source/{capture}"))
    assert window.stack.currentWidget() is window.sources_ui.sources_page


# ----------------------------------------------------------------------------- dialogs


def test_add_entity_through_the_dialog_writes_an_audited_record(qtbot, window):
    ui = window.findings_ui
    before = window.case.audit_count()
    ui.action_add_entity.trigger()
    dialog = ui.dialog
    assert isinstance(dialog, EntityDialog) and dialog.isVisible()
    assert not dialog.ok_button.isEnabled()          # no name yet
    dialog.schema_combo.setCurrentIndex(dialog.schema_combo.findData("Person"))
    dialog.name_edit.setText("Sergei Shoigu")
    row = dialog.rows[0]
    row.prop_combo.setCurrentIndex(row.prop_combo.findData("nationality"))
    row.value_edit.setText("RU")
    dialog.add_row()
    dialog.rows[1].prop_combo.setCurrentIndex(dialog.rows[1].prop_combo.findData("position"))
    dialog.rows[1].value_edit.setText("Minister of Defence")
    task = run_dialog(qtbot, window, dialog)
    assert task.error is None, task.error
    entity = task.result
    assert entity.properties == {"name": ["Sergei Shoigu"], "nationality": ["ru"],
                                 "position": ["Minister of Defence"]}
    last = list(window.case.audit_entries())[-1]
    assert (last.action, last.object_type, last.object_id) == ("create", "entity", entity.id)
    assert window.case.audit_count() == before + 1
    page = ui.entities_page
    assert window.stack.currentWidget() is page and page.selected_id() == entity.id
    assert "Minister of Defence" in page.detail.toPlainText()


@pytest.mark.parametrize("prop, value, message", [
    ("birthDate", "sometime", "--prop birthDate 'sometime' is not a date"),
    ("addressEntity", "nobody-at-all", "no entity 'nobody-at-all' in this case"),
])
def test_a_refused_entity_shows_the_error_and_changes_nothing(qtbot, window, prop, value, message):
    ui = window.findings_ui
    before = state(window)
    dialog = ui.entity_dialog()
    dialog.name_edit.setText("Somebody")
    dialog.rows[0].prop_combo.setCurrentIndex(dialog.rows[0].prop_combo.findData(prop))
    dialog.rows[0].value_edit.setText(value)
    task = run_dialog(qtbot, window, dialog)
    assert task.error is not None and message in task.error
    box = window.last_message
    assert box.isVisible() and message in box.text() and "Traceback" not in box.text()
    assert state(window) == before


def test_add_link_event_and_claim_through_dialogs(qtbot, window):
    ui = window.findings_ui
    case = window.case
    plane = queries.resolve_entity_id(case, "RA-86496")
    ui.action_add_entity.trigger()
    ui.dialog.schema_combo.setCurrentIndex(ui.dialog.schema_combo.findData("Person"))
    ui.dialog.name_edit.setText("Vladimir Putin")
    putin = run_dialog(qtbot, window, ui.dialog).result

    dialog = opened(qtbot, ui, ui.action_add_link.trigger)
    dialog.source_picker.choose(putin.id)
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("UnknownLink"))
    dialog.target_picker.choose(plane)
    dialog.role_edit.setText("passenger")
    dialog.start_edit.setText("September 2023")
    link = run_dialog(qtbot, window, dialog).result
    assert (link["schema"], link["role"], link["start_date"]) == ("UnknownLink", "passenger", "2023-09")
    assert "passenger" in ui.entities_page.detail.toPlainText()

    dialog = opened(qtbot, ui, ui.action_add_event.trigger)
    assert not dialog.ok_button.isEnabled()
    dialog.title_edit.setText("Putin meets Kim in Pyongyang")
    dialog.start_edit.setText("June 2024")
    dialog.zone_combo.setCurrentText("Asia/Pyongyang")
    dialog.place_picker.setCurrentText("ZKPY")             # an airport code: its place is made
    [item] = [dialog.involved_list.item(r) for r in range(dialog.involved_list.count())
              if dialog.involved_list.item(r).data(Qt.ItemDataRole.UserRole) == putin.id]
    item.setCheckState(Qt.CheckState.Checked)             # ticked, as a click does
    event = run_dialog(qtbot, window, dialog).result
    assert (event["start_text"], event["zone"]) == ("2024-06", "Asia/Pyongyang")
    assert queries.get_entity(window.case, event["place_uuid"]).extra["icao"] == "ZKPY"
    assert event["involved"] == f'["{putin.id}"]'
    events = ui.events_page
    assert window.stack.currentWidget() is events and events.selected_id() == event["uuid"]
    assert events.selected()["when"] == "June 2024 (Asia/Pyongyang)"

    dialog = opened(qtbot, ui, ui.action_add_claim.trigger)
    assert isinstance(dialog, ClaimDialog) and not dialog.ok_button.isEnabled()
    dialog.text_edit.setPlainText("RA-86496 was on the ground at Sunan on 20 September 2023.")
    dialog.confidence_combo.setCurrentIndex(dialog.confidence_combo.findData("likely"))
    dialog.check_box.setChecked(True)
    dialog.check_box.check_combo.setCurrentIndex(dialog.check_box.check_combo.findData("on-ground"))
    assert dialog.check_box.at_edit.isVisibleTo(dialog) and not dialog.check_box.to_edit.isVisibleTo(dialog)
    dialog.check_box.at_edit.setText("FNJ")
    dialog.check_box.first_edit.setText("2023-09-20T00:00Z")
    dialog.check_box.last_edit.setText("2023-09-20T23:59Z")
    claim = run_dialog(qtbot, window, dialog).result
    claims = ui.claims_page
    assert claims.selected_id() == claim["uuid"]
    # No position was seen on the 20th: the stay is inferred, and a gap never supports.
    assert claims.selected()["check_text"] == "on-ground: not covered"
    assert claims.selected()["confidence"] == "likely"
    assert verify_case(window.case).ok


def test_a_bad_check_shows_one_clear_message_and_changes_nothing(qtbot, window):
    ui = window.findings_ui
    before = state(window)
    dialog = opened(qtbot, ui, ui.claim_dialog)
    dialog.text_edit.setPlainText("It flew to Wonsan.")
    dialog.check_box.setChecked(True)
    dialog.check_box.from_edit.setText("UUWW")
    dialog.check_box.to_edit.setText("XXXX")
    dialog.check_box.date_edit.setText("2023-09-19")
    task = run_dialog(qtbot, window, dialog)
    assert "--to 'XXXX' is not an airport in the airports table" in window.last_message.text()
    assert task.error.count("\n") == 0
    assert state(window) == before


def test_a_bad_event_date_is_refused(qtbot, window):
    ui = window.findings_ui
    before = state(window)
    dialog = opened(qtbot, ui, ui.event_dialog)
    dialog.title_edit.setText("Something")
    dialog.start_edit.setText("last autumn")
    run_dialog(qtbot, window, dialog)
    assert "--start 'last autumn' is not a date" in window.last_message.text()
    assert state(window) == before


def test_merge_status_and_citation_through_dialogs(qtbot, window):
    ui = window.findings_ui
    case = window.case
    kim = queries.resolve_entity_id(case, next(e.id for e in queries.list_entities(case, "Person")))
    ui.entity_dialog()
    ui.dialog.name_edit.setText("Kim Jong-un")
    other = run_dialog(qtbot, window, ui.dialog).result

    ui.entities_page.select(kim)
    dialog = opened(qtbot, ui, ui.merge_dialog)
    assert dialog.keep_picker.value() == kim
    dialog.other_picker.choose(other.id)
    merged = run_dialog(qtbot, window, dialog).result
    assert merged.id == kim and merged.properties["alias"] == ["Kim Jong-un"]
    assert queries.resolve_entity_id(window.case, other.id) == kim
    assert other.id in ui.entities_page.detail.toPlainText()   # the merged id, still valid

    claims = ui.claims_page
    contradicted = next(r for r in rows(claims) if r["check_text"] == "flew: contradicted")
    claims.view.clearSelection()
    assert claims.selected() is None and not ui.action_status.isEnabled()   # no claim to change
    claims.select(contradicted["uuid"])
    assert ui.action_status.isEnabled()
    ui.action_status.trigger()
    ui.dialog.status_combo.setCurrentText("refuted")
    ui.dialog.reason_edit.setText("the track goes back to Vnukovo")
    run_dialog(qtbot, window, ui.dialog)
    assert claims.selected()["status"] == "refuted"
    last = list(window.case.audit_entries())[-1]
    assert last.details["reason"] == "the track goes back to Vnukovo"

    events = ui.events_page
    visit = next(r for r in rows(events) if r["title"] == "Defence minister's visit")
    events.select(visit["uuid"])
    dialog = opened(qtbot, ui, ui.cite_buttons["Events"].click)
    dialog.target_combo.setCurrentIndex(dialog.target_combo.findData(article(window.case)["uuid"]))
    dialog.quote_edit.setText("days after the summit at Vostochny")
    citation = run_dialog(qtbot, window, dialog).result
    assert citation["quote"] == "days after the summit at Vostochny"
    assert events.selected()["citations"] == 1
    assert "“days after the summit at Vostochny”" in events.detail.toPlainText()
    assert verify_case(window.case).ok


def test_delete_says_what_cites_the_record_and_asks_first(qtbot, window):
    ui = window.findings_ui
    page = ui.entities_page
    air_force = next(r for r in rows(page) if r["caption"] == "Russian Air Force")
    assert [c["kind"] for c in plan_deletion(window.case, "entity", air_force["id"]).cited_by] == ["link"]
    page.select(air_force["id"])
    before = state(window)
    ui.delete_buttons["Entities"].click()
    dialog = ui.dialog
    assert "Delete <b>Organization Russian Air Force</b>?" in dialog.message.text()
    assert "1 record cites or names it" in dialog.message.text() and "link" in dialog.message.text()
    dialog.reject()                                  # asked, and said no: nothing happens
    assert state(window) == before
    ui.delete_buttons["Entities"].click()
    ui.dialog.reason_edit.setText("entered by mistake")
    task = run_dialog(qtbot, window, ui.dialog)
    assert task.error is None, task.error
    assert all(r["caption"] != "Russian Air Force" for r in rows(page))
    deleted = [e for e in window.case.audit_entries() if e.action == "delete"
               and e.object_type == "entity"]
    assert deleted and deleted[-1].details["record"]["uuid"] == air_force["id"]


# ----------------------------------------------------------------------------- from elsewhere


def show_article_text(window):
    page = window.show_page("Sources")
    assert page.select_source(article(window.case)["uuid"])
    viewer = page.viewer
    viewer.tabs.setCurrentIndex(1)
    return viewer


def test_selection_in_the_viewer_cites_the_quote_in_a_new_claim(qtbot, window):
    ui = window.findings_ui
    viewer = show_article_text(window)
    text = viewer.text_view.toPlainText()
    assert not ui.action_cite_selection.isEnabled()          # nothing selected yet
    start = text.index("left for Moscow two days later")
    viewer.select_text(start, start + len("left for Moscow two days later"))
    assert ui.action_cite_selection.isEnabled()
    dialog = opened(qtbot, ui, ui.action_cite_selection.trigger)
    assert isinstance(dialog, ClaimDialog)
    assert "“left for Moscow two days later”" in dialog.findChild(QLabel, "evidence_label").text()
    dialog.text_edit.setPlainText("RA-86496 left Pyongyang for Moscow on 21 September 2023.")
    claim = run_dialog(qtbot, window, dialog).result
    [citation] = queries.citations_of(window.case, claim["uuid"])
    assert (citation["quote"], citation["quote_start"]) == ("left for Moscow two days later", start)
    assert citation["stance"] == "supports" and citation["target_kind"] == "capture"
    assert window.stack.currentWidget() is ui.claims_page
    assert "“left for Moscow two days later”" in ui.claims_page.detail.toPlainText()
    assert verify_case(window.case).ok


def test_the_selected_occurrence_is_the_one_quoted(qtbot, window):
    ui = window.findings_ui
    viewer = show_article_text(window)
    text = viewer.text_view.toPlainText()
    second = text.index("days", text.index("days") + 1)           # "two days later"
    viewer.select_text(second - 1, second + len("days") + 1)       # with the spaces around it
    selection = viewer.text_selection()
    assert (selection.text, selection.start) == ("days", second)
    opened(qtbot, ui, ui.action_cite_selection.trigger)
    ui.dialog.text_edit.setPlainText("It stayed two days.")
    claim = run_dialog(qtbot, window, ui.dialog).result
    [citation] = queries.citations_of(window.case, claim["uuid"])
    assert citation["quote_start"] == second


def test_selection_cites_in_an_existing_claim_as_contradicting(qtbot, window):
    ui = window.findings_ui
    claims = {r["text"]: r["uuid"] for r in queries.claims(window.case)}
    target = claims["RA-86496 was in the air over the Yellow Sea."]
    viewer = show_article_text(window)
    text = viewer.text_view.toPlainText()
    start = text.index(QUOTE)
    viewer.select_text(start, start + len(QUOTE))
    dialog = opened(qtbot, ui, ui.action_cite_selection.trigger)
    dialog.existing_radio.setChecked(True)
    assert not dialog.text_edit.isVisibleTo(dialog) and not dialog.check_box.isVisibleTo(dialog)
    dialog.existing_combo.setCurrentIndex(dialog.existing_combo.findData(target))
    dialog.stance_combo.setCurrentIndex(dialog.stance_combo.findData("contradicts"))
    before = window.case.audit_count()
    run_dialog(qtbot, window, dialog)
    [citation] = queries.citations_of(window.case, target)
    assert (citation["stance"], citation["quote"]) == ("contradicts", QUOTE)
    assert window.case.audit_count() == before + 1
    detail = ui.claims_page.detail.toPlainText()
    assert "1 citation contradicts it" in detail


def test_make_an_entity_from_a_selection(qtbot, window):
    ui = window.findings_ui
    viewer = show_article_text(window)
    text = viewer.text_view.toPlainText()
    start = text.index("Pyongyang Sunan")
    viewer.select_text(start, start + len("Pyongyang Sunan"))
    ui.action_entity_from_selection.trigger()
    dialog = ui.dialog
    assert isinstance(dialog, EntityDialog) and dialog.name_edit.text() == "Pyongyang Sunan"
    dialog.schema_combo.setCurrentIndex(dialog.schema_combo.findData("Address"))
    entity = run_dialog(qtbot, window, dialog).result
    assert entity.schema == "Address"
    [citation] = queries.citations_of(window.case, entity.id)
    assert (citation["quote"], citation["quote_start"]) == ("Pyongyang Sunan", start)
    assert citation["note"] == "selection found in the source"   # suggest_from_selection's
    assert ui.entities_page.selected_id() == entity.id
    assert "“Pyongyang Sunan”" in ui.entities_page.detail.toPlainText()


def test_cite_this_flight_in_a_claim(qtbot, window):
    ui = window.findings_ui
    flights = window.show_page("Flights")
    assert not ui.cite_flight_button.isEnabled()
    outbound = flights.model.row(0)
    assert flights.select_flight(outbound["uuid"])
    assert ui.cite_flight_button.isEnabled()
    dialog = opened(qtbot, ui, ui.cite_flight_button.click)
    assert dialog.text_edit.toPlainText() == "RA-86496 flew from UUWW to ZKPY on 2023-09-19."
    assert dialog.check_box.isChecked() and dialog.check_box.values()["origin"] == "UUWW"
    claim = run_dialog(qtbot, window, dialog).result
    [citation] = queries.citations_of(window.case, claim["uuid"])
    assert (citation["target_kind"], citation["target_uuid"]) == ("flight", outbound["uuid"])
    page = ui.claims_page
    assert page.selected()["check_text"] == "flew: supported"
    assert "ADS-B receivers" in page.detail.toPlainText()


def test_a_read_only_case_offers_no_changes(qtbot, window, story):
    story.chmod(0o444)
    try:
        assert window.open_case(str(story))
        ui = window.findings_ui
        assert not ui.action_add_entity.isEnabled() and not ui.action_add_claim.isEnabled()
        before = state(window)
        assert ui.run_write("Adding entity", lambda case: None) is None
        assert "read-only" in window.last_message.text()
        assert state(window) == before
    finally:
        story.chmod(0o644)


def test_a_suggestion_is_accepted_in_one_click(qtbot, window, tmp_path):
    ui = window.findings_ui
    note = tmp_path / "spotter.txt"
    note.write_text("Spotted RA-86559 (Il-62M) on the apron at UHWW this morning.", encoding="utf-8")
    task = window.add_files([str(note)])
    qtbot.waitUntil(lambda: task not in window.runner.active, timeout=20000)
    with qtbot.waitSignal(ui.suggestions_page.rows_shown, timeout=20000):
        page = window.show_page("Suggestions")   # read on the task runner when shown
    assert page is ui.suggestions_page
    labels = [s.label for s in page.suggestions]
    assert labels == [s.label for s in suggestions(window.case)]   # what the domain suggests
    assert any("RA-86559" in label for label in labels), labels
    row = next(i for i, s in enumerate(page.suggestions) if s.name == "RA-86559")
    assert page.model.row(row)["found_in"] == "Spotted RA-86559 (Il-62M) on the apron at UHWW this morning."
    before = window.case.audit_count()
    with qtbot.waitSignal(window.runner.started, timeout=5000) as started:
        page.buttons[row].click()
    task = started.args[0]
    qtbot.waitUntil(lambda: task not in window.runner.active, timeout=20000)
    settle(qtbot, window)
    assert task.error is None, task.error
    entity = queries.get_entity(window.case, queries.resolve_entity_id(window.case, "RA-86559"))
    assert entity.schema == "Airplane" and window.case.audit_count() > before
    [citation] = queries.citations_of(window.case, entity.id)
    assert citation["quote"] == "RA-86559"
    assert ui.entities_page.selected_id() == entity.id
    window.show_page("Suggestions")   # read again when the write was done (settled above)
    assert all(s.name != "RA-86559" for s in page.suggestions)   # accepted: no longer offered


def test_an_aircraft_with_tracks_is_not_deleted(qtbot, window):
    ui = window.findings_ui
    page = ui.entities_page
    page.select(queries.resolve_entity_id(window.case, "RA-86496"))
    before = state(window)
    ui.dialog = None
    ui.delete_buttons["Entities"].click()
    assert ui.dialog is None                          # not even asked
    assert "has flight data from imported files" in window.last_message.text()
    assert state(window) == before


def test_pages_and_details_are_read_on_the_task_runner(qtbot, window):
    """Claims' checks read the tracks: rows and details are read by tasks, and an answer
    overtaken by a newer read is dropped."""
    page = window.findings_ui.claims_page
    titles, shown_rows = [], []
    window.runner.started.connect(lambda task: titles.append(task.title))
    page.rows_shown.connect(lambda: shown_rows.append(page.model.rowCount()))
    page.set_case(window.case)
    assert page.model.rowCount() == 3 and not shown_rows   # the old rows until the new come
    page.set_case(window.case)                              # overtakes the first read
    settle(qtbot, window)
    assert titles.count("Reading claims") == 2 and shown_rows == [3]
    claim = queries.claims(window.case)[0]
    assert select(qtbot, page, claim["uuid"])
    assert "Reading the claims detail" in titles
    assert "Evidence" in page.detail.toPlainText()


def test_dialogs_open_once_what_they_offer_was_read(qtbot, window):
    """The aircraft list (a point count each) and everything citable are read by a task."""
    ui = window.findings_ui
    titles = []
    window.runner.started.connect(lambda task: titles.append(task.title))
    with qtbot.waitSignal(ui.dialog_opened, timeout=20000) as shown:
        assert ui.claim_dialog() is None          # nothing read on the GUI thread
        assert titles == ["Reading the case"]
    assert shown.args[0] is ui.dialog and shown.args[0].isVisible()
    shown.args[0].reject()
    page = ui.events_page
    assert select(qtbot, page, queries.events(window.case)[0]["uuid"])
    titles.clear()
    dialog = opened(qtbot, ui, ui.cite_buttons["Events"].click)
    assert titles == ["Reading the case"] and dialog.isVisible()
    dialog.reject()


def test_the_entity_dialog_offers_every_field_the_domain_takes():
    """An aircraft's callsigns (and every other field FtM has no property for) can be given."""
    from osintdesk.findings.entities import EXTRA_FIELDS
    for schema, fields in EXTRA_FIELDS.items():
        assert set(fields) <= {prop for _label, prop in property_choices(schema)}, schema
