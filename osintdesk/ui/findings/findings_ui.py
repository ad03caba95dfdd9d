"""What findings add to the main window: the Entities, Events and Claims pages, the Findings
menu (add an entity, a link, an event, a claim; merge; cite; change a claim's status;
delete), "Cite in a claim…" and "Make an entity…" on a passage selected in the source
viewer, "Tie to…" on the source shown there (and what it is tied to, each tie removable),
and "Cite this flight in a claim…" in the flight detail.

Every change runs on the window's task runner with the worker's own writable ``Case``; the
pages are re-read when it is done, and an error a user caused shows in the window's error
dialog, the case left as it was.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QPushButton

from ...findings import queries, views
from ...flights import queries as flight_queries
from ...sources import queries as source_queries
from ...store import Case
from ...store.header import is_writable
from ...timefmt import display_date
from ..sources.viewer import TextSelection
from .detail import parse_anchor, parse_untie, source_ties_html
from .dialogs import (CitationDialog, ClaimDialog, DeleteDialog, EntityDialog, EventDialog,
                      LinkDialog, MergeDialog, StatusDialog, TieDialog)
from .pages import ClaimsPage, EntitiesPage, EventsPage, RecordPage, SuggestionsPage

# Record kinds the pages show, and the kind their citations are owned by.
OWNER_KIND = {"Entities": "entity", "Events": "event", "Claims": "claim"}


class FindingsUi(QObject):
    """The window's findings part; ``MainWindow`` builds one after the sources part, and
    tests reach its pages, actions and dialogs through ``window.findings_ui``."""

    dialog_opened = Signal(object)   # a dialog, once what it offers was read and it is open

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.dialog = None
        self.entities_page = EntitiesPage()
        self.events_page = EventsPage()
        self.claims_page = ClaimsPage()
        for page in self.pages:
            window.add_page(page)
            page.open_record.connect(self.open_record)
            page.untie_requested.connect(self.untie_dialog)
            page.selection_changed.connect(lambda _row: self._update_actions())
        self.suggestions_page = SuggestionsPage()
        window.add_page(self.suggestions_page)
        for page in (*self.pages, self.suggestions_page):
            page.reader = self.read
        self.suggestions_page.accept_requested.connect(self.accept_suggestion)

        self.action_add_entity = self._action("Add &Entity…", self.entity_dialog, "action_add_entity")
        self.action_add_link = self._action("Add &Link…", self.link_dialog, "action_add_link")
        self.action_merge = self._action("&Merge Entities…", self.merge_dialog, "action_merge")
        self.action_add_event = self._action("Add E&vent…", self.event_dialog, "action_add_event")
        self.action_add_claim = self._action("Add &Claim…", self.claim_dialog, "action_add_claim")
        self.action_status = self._action("Change Claim &Status…", self.status_dialog,
                                          "action_claim_status")
        self.action_cite_flight = self._action("Cite This Flight in a &Claim…",
                                               self.cite_flight_dialog, "action_cite_flight")
        menu = self.menu = QMenu("F&indings", window)
        menu.setObjectName("findings_menu")
        for action in (self.action_add_entity, self.action_add_link, self.action_merge, None,
                       self.action_add_event, None, self.action_add_claim, self.action_status,
                       self.action_cite_flight):
            menu.addSeparator() if action is None else menu.addAction(action)
        help_action = window.menuBar().actions()[-1]   # Findings goes before Help
        window.menuBar().insertMenu(help_action, menu)

        # Buttons on each page: what adds to it, and what acts on its selected record.
        self.cite_buttons: dict[str, QPushButton] = {}
        self.delete_buttons: dict[str, QPushButton] = {}
        self.action_buttons: list[tuple[QPushButton, QAction]] = []
        for page, adders in ((self.entities_page, (self.action_add_entity, self.action_add_link,
                                                   self.action_merge)),
                             (self.events_page, (self.action_add_event,)),
                             (self.claims_page, (self.action_add_claim, self.action_status))):
            for action in adders:
                button = _button(action.text().replace("&", ""), action.trigger,
                                 f"{action.objectName()}_button")
                self.action_buttons.append((button, action))
                page.add_tool(button)
            self.cite_buttons[page.title] = _button("Add Citation…",
                                                    lambda p=page: self.citation_dialog(p),
                                                    f"cite_{page.title.lower()}")
            self.delete_buttons[page.title] = _button("Delete…", lambda p=page: self.delete_dialog(p),
                                                      f"delete_{page.title.lower()}")
            page.add_tool(self.cite_buttons[page.title])
            page.add_tool(self.delete_buttons[page.title])

        # From elsewhere: a passage of a source's text, a flight.
        viewer = window.sources_ui.sources_page.viewer
        self.action_cite_selection = viewer.add_selection_action(
            "Cite in a Claim…", self.cite_selection_dialog, "action_cite_selection")
        self.action_entity_from_selection = viewer.add_selection_action(
            "Make an Entity…", self.entity_from_selection_dialog, "action_entity_from_selection")
        self.action_tie = viewer.add_source_action("Tie to…", self.tie_dialog, "action_tie_source")
        self.action_tie.setToolTip("Tie this source by hand to an aircraft, a flight, an event or "
                                   "an entity it is about when its text never names it")
        viewer.set_details_provider(lambda case, uuid: source_ties_html(views.tie_rows(case, uuid)))
        viewer.link_activated.connect(self._link_activated)
        window.aircraft_page.open_record.connect(self.open_record)
        window.flights_page.detail.open_record.connect(self.open_record)
        self.cite_flight_button = _button("Cite This Flight in a Claim…",
                                          self.action_cite_flight.trigger, "cite_flight")
        window.flights_page.detail.add_tool(self.cite_flight_button)
        window.flights_page.selection_changed.connect(lambda _ids: self._update_actions())

        window.case_opened.connect(lambda _path: self._update_actions())
        window.case_closed.connect(self._update_actions)
        self._update_actions()
        if window.case is not None:
            for page in (*self.pages, self.suggestions_page):
                page.set_case(window.case)

    @property
    def pages(self) -> tuple[RecordPage, ...]:
        return (self.entities_page, self.events_page, self.claims_page)

    def _action(self, text: str, slot: Callable, name: str) -> QAction:
        action = QAction(text, self.window, objectName=name)
        action.triggered.connect(lambda _c=False: slot())
        return action

    def writable(self) -> bool:
        case = self.window.case
        return case is not None and is_writable(case.path)

    def _update_actions(self) -> None:
        writable = self.writable()
        for action in (self.action_add_entity, self.action_add_link, self.action_merge,
                       self.action_add_event, self.action_add_claim):
            action.setEnabled(writable)
        self.action_status.setEnabled(writable and self.claims_page.selected() is not None)
        self.action_cite_flight.setEnabled(writable and bool(self.window.flights_page.selected_flights()))
        self.cite_flight_button.setEnabled(self.action_cite_flight.isEnabled())
        for page in self.pages:
            chosen = writable and page.selected() is not None
            self.cite_buttons[page.title].setEnabled(chosen)
            self.delete_buttons[page.title].setEnabled(chosen)
        for button, action in self.action_buttons:
            button.setEnabled(action.isEnabled())
        self.suggestions_page.set_writable(writable)

    # ------------------------------------------------------------ running work

    def run_write(self, title: str, work: Callable[[Case], object],
                  on_success: Callable | None = None):
        """Run ``work(case)`` on the task runner with the worker's own writable case; the
        pages are re-read when it is done, then ``on_success(result)`` runs."""
        window = self.window
        if window.case is not None and not is_writable(window.case.path):
            window.show_error(f"{window.case.path} is open read-only; nothing was changed.", title)
            return None
        return window.run_task(title, lambda case, _p, _c: work(case), case="write",
                               on_success=on_success)

    def read(self, title: str, work: Callable[[Case], object], on_success: Callable) -> None:
        """Run ``work(case)`` on the task runner with the worker's own read-only case, then
        ``on_success(result)`` on the GUI thread (the pages' reads: nothing heavy runs on
        the GUI thread)."""
        if self.window.case is not None:
            self.window.run_task(title, lambda case, _p, _c: work(case), case="read",
                                 on_success=on_success)

    def _open(self, dialog, accepted: Callable[[], object]):
        """Show a dialog (kept as ``self.dialog`` for tests); ``accepted`` runs on OK."""
        self.dialog = dialog
        dialog.accepted.connect(accepted)
        dialog.open()
        self.dialog_opened.emit(dialog)
        return dialog

    def _open_after_reading(self, read: Callable[[Case], object], build: Callable[[object], object]):
        """Read what a dialog offers (entities, aircraft with their point counts, everything
        citable) on the task runner, then ``build(result)`` opens it on the GUI thread;
        ``dialog_opened`` says when."""
        self.read("Reading the case", read, build)

    def show_record(self, kind: str, uuid: str) -> None:
        """Show a record in its page (after it was written, or from a link in a detail)."""
        self.open_record(kind, uuid)

    # ------------------------------------------------------------ entities and links

    def entity_dialog(self):
        if not self.writable():
            return None
        dialog = EntityDialog(self.window)
        return self._open(dialog, lambda: self.add_entity(*dialog.values()))

    def add_entity(self, schema: str, name: str, props: list[tuple[str, str]]):
        from ...findings.entities import add_entity
        return self.run_write("Adding entity", lambda case: add_entity(case, schema, name, props),
                              lambda entity: self.show_record("entity", entity.id))

    def link_dialog(self):
        if not self.writable():
            return None
        selected = self.entities_page.selected_id()

        def build(entities):
            dialog = LinkDialog(entities, self.window, selected)
            return self._open(dialog, lambda: self.add_link(**dialog.values()))
        return self._open_after_reading(views.entity_rows, build)

    def add_link(self, from_id: str, to_id: str, link_type: str, role: str | None = None,
                 start: str | None = None, end: str | None = None):
        from ...findings.links import add_link
        return self.run_write(
            "Adding link", lambda case: add_link(case, from_id, to_id, link_type, role=role,
                                                 start=start, end=end),
            lambda link: self.show_record("entity", link["source_uuid"]))

    def merge_dialog(self):
        if not self.writable():
            return None
        selected = self.entities_page.selected_id()

        def build(entities):
            dialog = MergeDialog(entities, self.window, selected)
            return self._open(dialog, lambda: self.merge(*dialog.values()))
        return self._open_after_reading(views.entity_rows, build)

    def merge(self, keep: str, other: str, reason: str | None = None):
        from ...findings.entities import merge_entities
        return self.run_write("Merging entities",
                              lambda case: merge_entities(case, keep, other, reason),
                              lambda entity: self.show_record("entity", entity.id))

    # ------------------------------------------------------------ events

    def event_dialog(self):
        if not self.writable():
            return None
        def build(entities):
            dialog = EventDialog(entities, self.window)
            return self._open(dialog, lambda: self.add_event(**dialog.values()))
        return self._open_after_reading(views.entity_rows, build)

    def add_event(self, title: str, start: str, end: str | None = None, zone: str | None = None,
                  place: str | None = None, involved: list[str] = (), description: str | None = None):
        from ...findings.events import add_event
        return self.run_write(
            "Adding event", lambda case: add_event(case, title, start, end=end, zone=zone, place=place,
                                                   involved=list(involved), description=description),
            lambda event: self.show_record("event", event["uuid"]))

    # ------------------------------------------------------------ claims

    def claim_dialog(self):
        if not self.writable():
            return None
        def build(aircraft):
            dialog = ClaimDialog(aircraft, self.window)
            return self._open(dialog, lambda: self.cite_in_claim(dialog.values()))
        return self._open_after_reading(flight_queries.aircraft, build)

    def cite_in_claim(self, values: dict, target: str | None = None, quote: str | None = None,
                      quote_start: int | None = None):
        """A new claim (``values`` from ``ClaimDialog``, with its check), or a citation added to
        an existing one; ``target`` (a capture, a flight) is cited with its stance and quote."""
        from ...findings.citations import add_citation
        from ...findings.claims import add_claim, make_assertion

        def work(case):
            with case.transaction():
                if values["new"]:
                    check = dict(values["check"] or {})
                    assertion = make_assertion(case, check.pop("check"), **check) if check else None
                    claim = add_claim(case, values["text"], status=values["status"],
                                      confidence=values["confidence"], assertion=assertion)
                else:
                    claim = case.get_record("claim", values["claim"])
                if target is not None:
                    add_citation(case, "claim", claim["uuid"], target, stance=values["stance"],
                                 quote=quote, quote_start=quote_start)
            return claim
        title = "Adding claim" if values["new"] else "Citing in a claim"
        return self.run_write(title, work, lambda claim: self.show_record("claim", claim["uuid"]))

    def status_dialog(self):
        claim = self.claims_page.selected()
        if claim is None or not self.writable():
            return None
        dialog = StatusDialog(claim, self.window)
        return self._open(dialog, lambda: self.set_status(claim["uuid"], *dialog.values()))

    def set_status(self, claim_uuid: str, status: str, reason: str | None = None):
        from ...findings.claims import set_status
        return self.run_write("Changing claim status",
                              lambda case: set_status(case, claim_uuid, status, reason),
                              lambda claim: self.show_record("claim", claim["uuid"]))

    # ------------------------------------------------------------ citations and deletion

    def citation_dialog(self, page: RecordPage):
        row = page.selected()
        if row is None or not self.writable():
            return None
        kind, uuid = OWNER_KIND[page.title], row[page.key]

        def read(case):
            return (views.record_label(case, kind, uuid),
                    [c for c in views.citable(case) if c["uuid"] != uuid])

        def build(found):
            dialog = CitationDialog(*found, self.window)
            return self._open(dialog, lambda: self.add_citation(kind, uuid, **dialog.values()))
        return self._open_after_reading(read, build)

    def add_citation(self, owner_kind: str, owner_uuid: str, target: str, stance: str = "supports",
                     quote: str | None = None, note: str | None = None):
        from ...findings.citations import add_citation
        return self.run_write(
            "Adding citation", lambda case: add_citation(case, owner_kind, owner_uuid, target,
                                                         stance=stance, quote=quote, note=note),
            lambda _c: self.show_record(owner_kind, owner_uuid))

    def delete_dialog(self, page: RecordPage):
        """Say what cites the selected record and ask before deleting it."""
        from ...findings.delete import plan_deletion
        from ...errors import OsintdeskError
        row = page.selected()
        if row is None or not self.writable():
            return None
        kind = OWNER_KIND[page.title]
        try:
            plan = plan_deletion(self.window.case, kind, row[page.key])
        except OsintdeskError as error:
            self.window.show_error(str(error), "Cannot delete")
            return None
        if plan.blocked:
            self.window.show_error(plan.blocked, "Cannot delete")
            return None
        lines = [f"{c['label']} ({c['how']})" for c in plan.cited_by]
        dialog = DeleteDialog(plan.label, lines, self.window)
        return self._open(dialog, lambda: self.delete(kind, plan.id, dialog.reason()))

    def delete(self, kind: str, uuid: str, reason: str | None = None):
        from ...findings.delete import delete_finding
        return self.run_write(f"Deleting {kind}", lambda case: delete_finding(case, kind, uuid, reason))

    # ------------------------------------------------------------ from the viewer and the flights

    def _capture_label(self, selection: TextSelection) -> str:
        return views.record_label(self.window.case, "capture", selection.capture_uuid)

    def cite_selection_dialog(self, selection: TextSelection):
        """Cite the selected passage in a new claim or in one already in the case."""
        if not self.writable():
            return None
        self.last_selection = selection

        def read(case):
            return (flight_queries.aircraft(case), queries.claims(case),
                    views.record_label(case, "capture", selection.capture_uuid))

        def build(found):
            aircraft, claims, evidence = found
            dialog = ClaimDialog(aircraft, self.window, claims=claims, evidence=evidence,
                                 quote=selection.text)
            return self._open(dialog, lambda: self.cite_in_claim(
                dialog.values(), selection.capture_uuid, selection.text, selection.start))
        return self._open_after_reading(read, build)

    def entity_from_selection_dialog(self, selection: TextSelection):
        """Make an entity named by the selected passage, the capture cited with it quoted."""
        if not self.writable():
            return None
        dialog = EntityDialog(self.window, name=" ".join(selection.text.split()),
                              evidence=self._capture_label(selection), quote=selection.text)
        self.last_selection = selection
        return self._open(dialog, lambda: self.entity_from_selection(selection, *dialog.values()))

    def entity_from_selection(self, selection: TextSelection, schema: str, name: str,
                              props: list[tuple[str, str]]):
        from ...findings.suggestions import accept_suggestion, suggest_from_selection

        def work(case):
            suggestion = suggest_from_selection(case, selection.capture_uuid, selection.start,
                                                selection.end, schema)
            suggestion.name, suggestion.properties = name, list(props)   # as the dialog has them
            return accept_suggestion(case, suggestion)
        return self.run_write("Adding entity", work, lambda entity: self.show_record("entity", entity.id))

    def cite_flight_dialog(self):
        """Cite the selected flight in a claim; a new claim's check is filled in from the
        flight (this aircraft flew from here to there on that day)."""
        flights = self.window.flights_page.selected_flights()
        if not flights or not self.writable():
            return None
        def read(case):
            flight = flight_queries.select_flights(case, flight_uuids=flights[:1])[0]
            return (flight, views.record_label(case, "flight", flight["uuid"]),
                    flight_queries.aircraft(case), queries.claims(case))

        def build(found):
            flight, label, aircraft, claims = found
            day = display_date(flight["first_t"])
            text = ""
            if flight["origin"] and flight["destination"]:
                text = f"{flight['aircraft']} flew from {flight['origin']} to {flight['destination']} on {day}."
            dialog = ClaimDialog(aircraft, self.window, claims=claims, evidence=label, text=text)
            if text:
                dialog.check_box.prefill("flew", aircraft=flight["aircraft_uuid"], origin=flight["origin"],
                                         destination=flight["destination"], date=day)
            return self._open(dialog, lambda: self.cite_in_claim(dialog.values(), flight["uuid"]))
        return self._open_after_reading(read, build)

    def accept_suggestion(self, suggestion):
        """Make the suggested entity (or add the property), citing where it was found."""
        from ...findings.suggestions import accept_suggestion
        return self.run_write("Accepting suggestion", lambda case: accept_suggestion(case, suggestion),
                              lambda entity: self.show_record("entity", entity.id))

    # ------------------------------------------------------------ ties

    def tie_dialog(self, source_uuid: str):
        """Tie the source shown in the viewer to an aircraft, a flight, an event or an entity."""
        if not self.writable():
            return None
        case = self.window.case
        dialog = TieDialog(views.record_label(case, "source", source_uuid), views.tie_targets(case),
                           self.window)
        return self._open(dialog, lambda: self.tie(source_uuid, *dialog.values()))

    def tie(self, source_uuid: str, target: str, reason: str):
        from ...findings.ties import tie_source
        return self.run_write("Tying source", lambda case: tie_source(case, source_uuid, target, reason))

    def untie_dialog(self, tie_uuid: str):
        """Ask before taking a tie back (its content stays in the audit log)."""
        case = self.window.case
        found = queries.get_tie(case, tie_uuid) if self.writable() else None
        if found is None:
            return None
        tie = views.tie_row(case, found)
        label = (f"the tie of {views.record_label(case, 'source', tie['source_uuid'])} to "
                 f"{tie['target']} ({tie['reason']})")
        dialog = DeleteDialog(label, [], self.window)
        dialog.setWindowTitle("Remove tie")
        dialog.ok_button.setText("Remove tie")
        return self._open(dialog, lambda: self.untie(tie_uuid, dialog.reason()))

    def untie(self, tie_uuid: str, reason: str | None = None):
        from ...findings.ties import untie
        return self.run_write("Removing tie", lambda case: untie(case, tie_uuid, reason))

    def _link_activated(self, url: str) -> None:
        """A link in the source viewer's details: open the record, or remove a tie."""
        found = parse_anchor(url)
        if found is not None:
            self.open_record(*found)
        elif parse_untie(url):
            self.untie_dialog(parse_untie(url))

    # ------------------------------------------------------------ jumping to a record

    def open_record(self, kind: str, uuid: str) -> None:
        window = self.window
        case = window.case
        if case is None:
            return
        if kind in ("entity", "aircraft", "link"):
            if kind == "link":
                link = queries.get_record(case, "link", uuid)
                if link is None:
                    return
                uuid = link["source_uuid"]
            page = self.entities_page
            if not page.select(uuid):
                page.filter_edit.clear()
                page.schema_combo.setCurrentIndex(0)
                page.select(uuid)
        elif kind in ("event", "claim"):
            page = self.events_page if kind == "event" else self.claims_page
            if not page.select(uuid):
                page.filter_edit.clear()
                page.select(uuid)
        elif kind in ("source", "capture"):
            capture = source_queries.get_capture(case, uuid) if kind == "capture" else None
            source = capture["source_uuid"] if capture else uuid
            window.show_page("Sources")
            window.sources_ui.show_source(source)
            if capture is not None:
                window.sources_ui.sources_page.viewer.show_source(case, source, uuid)
            return
        elif kind in ("flight", "ground-time"):
            window.show_page("Flights")
            if kind == "flight":
                window.flights_page.select_flight(uuid)
            return
        else:
            return
        window.show_page(page.title)


def _button(text: str, slot: Callable, name: str) -> QPushButton:
    button = QPushButton(text, objectName=name)
    button.clicked.connect(lambda _c=False: slot())
    return button
