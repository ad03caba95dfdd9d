"""What a tagged bundle holds: the sources carrying the tag, the findings that cite or
tie them, and everything those cite in turn (captures with their evidence and their
identifiers' bulk group, aircraft with their flight files and points, the entities of
links and events), until nothing is added, so that a partial bundle is complete in itself
(docs/exchange.md, section 1)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

OWNER_KINDS = {"claim": "claims", "link": "links", "event": "events", "entity": "entities"}


@dataclass
class Selection:
    tag: str
    records: dict[str, set[str]] = field(default_factory=dict)   # kind -> keys
    artifacts: set[str] = field(default_factory=set)
    imports: set[str] = field(default_factory=set)               # flight-import uuids
    aircraft: set[str] = field(default_factory=set)

    def has(self, kind: str, key: str) -> bool:
        return key in self.records.get(kind, ())

    def keep(self, kind: str, key: str | None) -> bool:
        """Add a record; True when it was not held yet (so its references are followed)."""
        if not key:
            return False
        keys = self.records.setdefault(kind, set())
        if key in keys:
            return False
        keys.add(key)
        return True


class _Walk:
    def __init__(self, case, selection: Selection):
        self.conn = case.conn
        self.sel = selection

    def rows(self, sql: str, params=()) -> list[dict]:
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r)) for r in cursor.fetchall()]

    # ------------------------------------------------------------ sources

    def source(self, uuid: str, *, whole: bool) -> None:
        """A source row; ``whole``: with all its captures, notes, tags and ties."""
        self.sel.keep("source", uuid)
        if not whole:
            return
        for row in self.rows("SELECT uuid FROM captures WHERE source_uuid = ?", (uuid,)):
            self.capture(row["uuid"])
        for kind, table in (("note", "source_notes"), ("tag", "source_tags")):
            for row in self.rows(f"SELECT uuid FROM [{table}] WHERE source_uuid = ?", (uuid,)):
                self.sel.keep(kind, row["uuid"])
        for row in self.rows("SELECT uuid FROM source_retirements WHERE source_uuid = ?",
                             (uuid,)):
            self.sel.keep("retirement", row["uuid"])
        for tie in self.rows("SELECT * FROM source_ties WHERE source_uuid = ?", (uuid,)):
            if self.sel.keep("source-tie", tie["uuid"]):
                self.target(tie["target_kind"], tie["target_uuid"], None)

    def capture(self, uuid: str) -> None:
        if not self.sel.keep("capture", uuid):
            return
        [row] = self.rows("SELECT * FROM captures WHERE uuid = ?", (uuid,))
        self.source(row["source_uuid"], whole=False)
        for column in ("body_sha256", "decoded_sha256", "warc_sha256"):
            self.artifact(row.get(column))
        self.evidence(row.get("evidence_uuid"))
        if row.get("text_uuid"):
            self.derived(row["text_uuid"])
        for hit in self.rows("SELECT uuid, selector_uuid FROM selector_hits WHERE "
                             "capture_uuid = ?", (uuid,)):
            self.sel.keep("selector-hit", hit["uuid"])
            self.sel.keep("selector", hit["selector_uuid"])

    def evidence(self, uuid: str | None) -> None:
        if not uuid or not self.sel.keep("evidence", uuid):
            return
        for row in self.rows("SELECT sha256 FROM evidence WHERE uuid = ?", (uuid,)):
            self.artifact(row["sha256"])
        for row in self.rows("SELECT uuid, sha256 FROM archive_resources WHERE "
                             "evidence_uuid = ?", (uuid,)):
            self.sel.keep("archive-resource", row["uuid"])
            self.artifact(row["sha256"])

    def derived(self, uuid: str) -> None:
        if self.sel.keep("derived", uuid):
            for row in self.rows("SELECT origin_sha256 FROM derived WHERE uuid = ?", (uuid,)):
                self.artifact(row["origin_sha256"])

    def artifact(self, sha256: str | None) -> None:
        if sha256 and sha256 not in self.sel.artifacts:
            self.sel.artifacts.add(sha256)
            for row in self.rows("SELECT uuid FROM derived WHERE origin_sha256 = ?", (sha256,)):
                self.sel.keep("derived", row["uuid"])

    # ------------------------------------------------------------ flights

    def aircraft(self, uuid: str | None) -> None:
        if not uuid or uuid in self.sel.aircraft:
            return
        self.sel.aircraft.add(uuid)
        self.sel.keep("aircraft", uuid)
        if self.rows("SELECT 1 FROM entities WHERE uuid = ?", (uuid,)):
            self.owner("entity", uuid)
        for row in self.rows("SELECT uuid, evidence_uuid, aircraft_uuids FROM flight_imports"):
            if uuid in json.loads(row["aircraft_uuids"] or "[]") and row["uuid"] not in \
                    self.sel.imports:
                self.sel.imports.add(row["uuid"])
                self.sel.keep("flight-import", row["uuid"])
                self.evidence(row["evidence_uuid"])
                for other in json.loads(row["aircraft_uuids"] or "[]"):
                    self.aircraft(other)  # the file's points need every aircraft it names

    # ------------------------------------------------------------ findings

    def owner(self, kind: str, uuid: str) -> None:
        """A claim, link, event or entity with everything it cites and names."""
        if not self.sel.keep(kind, uuid):
            return
        table = OWNER_KINDS[kind]
        rows = self.rows(f"SELECT * FROM [{table}] WHERE uuid = ?", (uuid,))
        if kind == "entity" and self.rows("SELECT 1 FROM aircraft WHERE uuid = ?", (uuid,)):
            self.aircraft(uuid)   # an aircraft's further properties share its uuid
        for row in rows:
            if kind == "link":
                self.target("entity", row["source_uuid"], None)
                self.target("entity", row["target_uuid"], None)
            elif kind == "event":
                self.target("entity", row.get("place_uuid"), None)
                for involved in json.loads(row.get("involved") or "[]"):
                    self.target("entity", involved, None)
            elif kind == "claim" and row.get("assertion"):
                # The check is evaluated against the aircraft's flight data: without it
                # the receiver's claim says "aircraft ... is no longer in the case".
                self.target("entity", json.loads(row["assertion"]).get("aircraft"), None)
        if kind == "entity":
            for alias in self.rows("SELECT uuid FROM entity_aliases WHERE entity_uuid = ?",
                                   (uuid,)):
                self.sel.keep("entity-alias", alias["uuid"])
        for citation in self.rows("SELECT * FROM citations WHERE owner_uuid = ?", (uuid,)):
            if self.sel.keep("citation", citation["uuid"]):
                self.target(citation["target_kind"], citation["target_uuid"],
                            citation.get("target_aircraft"))

    def target(self, kind: str, uuid: str | None, aircraft: str | None) -> None:
        if not uuid:
            return
        if kind == "capture":
            self.capture(uuid)
        elif kind == "source":
            self.source(uuid, whole=False)
        elif kind in OWNER_KINDS:
            if kind == "entity" and not self.rows("SELECT 1 FROM entities WHERE uuid = ?",
                                                  (uuid,)):
                if self.rows("SELECT 1 FROM aircraft WHERE uuid = ?", (uuid,)):
                    self.aircraft(uuid)
                    return
                alias = self.rows("SELECT entity_uuid FROM entity_aliases WHERE uuid = ?",
                                  (uuid,))
                if alias:
                    self.sel.keep("entity-alias", uuid)
                    self.target("entity", alias[0]["entity_uuid"], None)
                return
            self.owner(kind, uuid)
        elif kind == "aircraft":
            self.aircraft(uuid)
        else:  # flight, ground-time, gap: derived from an aircraft's points
            flown = self.rows("SELECT aircraft_uuid FROM flights WHERE uuid = ? UNION "
                              "SELECT aircraft_uuid FROM ground_times WHERE uuid = ?",
                              (uuid, uuid))
            self.aircraft(flown[0]["aircraft_uuid"] if flown else aircraft)


def tagged(case, tag: str) -> Selection:
    """Everything a bundle of the sources tagged ``tag`` must hold to be complete."""
    selection = Selection(tag)
    walk = _Walk(case, selection)
    tagged_sources = [r["source_uuid"] for r in walk.rows(
        "SELECT DISTINCT source_uuid FROM source_tags WHERE tag = ? ORDER BY 1", (tag,))]
    for uuid in tagged_sources:
        walk.source(uuid, whole=True)
    captures = sorted(selection.records.get("capture", ()))
    for uuid in tagged_sources + captures:
        for citation in walk.rows("SELECT owner_kind, owner_uuid FROM citations WHERE "
                                  "target_uuid = ?", (uuid,)):
            if citation["owner_kind"] in OWNER_KINDS:
                walk.owner(citation["owner_kind"], citation["owner_uuid"])
    _object_annotations(walk)
    for row in walk.rows("SELECT uuid FROM checkpoints"):
        selection.keep("checkpoint", row["uuid"])
    _deletions(case, selection)
    return selection


def _object_annotations(walk: _Walk) -> None:
    """The notes and tags on the aircraft, flights and evidence files the bundle holds."""
    sel = walk.sel
    flights = {r["uuid"] for r in walk.rows("SELECT uuid, aircraft_uuid FROM flights")
               if r["aircraft_uuid"] in sel.aircraft}
    held = {"aircraft": sel.aircraft, "flight": flights,
            "evidence": sel.records.get("evidence", set())}
    for kind, table in (("object-note", "object_notes"), ("object-tag", "object_tags")):
        for row in walk.rows(f"SELECT uuid, object_kind, object_uuid FROM [{table}]"):
            if row["object_uuid"] in held.get(row["object_kind"], ()):
                sel.keep(kind, row["uuid"])


def _deletions(case, selection: Selection) -> None:
    """Records deleted since a colleague may have received them with this tag: those whose
    last state referred to a record the bundle holds (a note or tag of a tagged source, a
    citation of one of its captures), and what those referred to that is deleted too (the
    claim of a deleted citation). Their versions travel, so the receiver deletes them."""
    from ..store.aliases import referenced
    from ..store.versions import deletions
    pending = {(d.kind, d.key): state for d, state in deletions(case.conn)}
    held = {key for keys in selection.records.values() for key in keys}
    wanted_by_deleted: set[str] = set()
    added = True
    while added and pending:
        added = False
        for (kind, key), state in list(pending.items()):
            if key in wanted_by_deleted or referenced(kind, state) & held:
                selection.keep(kind, key)
                held.add(key)
                wanted_by_deleted |= referenced(kind, state)
                del pending[(kind, key)]
                added = True
