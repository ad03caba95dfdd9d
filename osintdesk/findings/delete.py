"""Deleting an entity, a link, an event or a claim. What cites it is listed first (the CLI
and the window ask before going on); the deletion then takes with it what only existed to
point at it (citations of it, links to an entity, ties of a source to it, merged ids) and
takes it out of the events and the entity-valued properties (an aircraft's operator) that
name it. Every record removed keeps its content in the
audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..errors import InputError
from ..flights import queries as flight_queries
from ..sources import queries as source_queries
from ..store import Case
from . import queries
from .entities import dumps
from .queries import (aliases_of, cited_by, citations_of, entities_naming, events, get_entity,
                      resolve_entity_id, resolve_target)
from .views import record_label

KINDS = ("entity", "link", "event", "claim")


@dataclass
class Deletion:
    """What deleting a record means: the record, what cites it (``queries.cited_by``) and
    ``blocked``: why it cannot be deleted at all (None when it can)."""

    kind: str
    id: str
    label: str
    cited_by: list[dict] = field(default_factory=list)
    blocked: str | None = None

    def as_dict(self) -> dict:
        return {"kind": self.kind, "id": self.id, "label": self.label,
                "cited_by": self.cited_by, "blocked": self.blocked}


def resolve(case: Case, kind: str, typed: str) -> str:
    """The id of the ``kind`` record named by what the user typed (id or unique prefix; an
    entity also by registration, Mode-S address or airport code)."""
    if kind not in KINDS:
        raise InputError(f"only {', '.join(KINDS)} records are deleted here, not '{kind}'")
    if kind == "entity":
        return resolve_entity_id(case, typed)
    return resolve_target(case, typed, (kind,))[1]


def plan_deletion(case: Case, kind: str, typed: str) -> Deletion:
    """What deleting the record would touch; nothing is written."""
    uuid = resolve(case, kind, typed)
    found = Deletion(kind, uuid, record_label(case, kind, uuid))
    found.cited_by = [{**c, "label": record_label(case, c["kind"], c["uuid"])}
                      for c in cited_by(case, uuid)]
    if kind == "entity":
        entity = get_entity(case, uuid)
        if entity.kind == "aircraft" and flight_queries.has_track_points(case, uuid):
            found.blocked = (f"{entity.caption} has flight data from imported files; an aircraft "
                             "with tracks is not deleted by hand")
        checking = [c for c in found.cited_by if c["how"] == "checks its flights"]
        if checking and found.blocked is None:
            found.blocked = (f"claim {checking[0]['uuid']} checks the flights of {entity.caption}: "
                             "delete that claim (or its check) first")
    return found


def delete_finding(case: Case, kind: str, typed: str, reason: str | None = None) -> Deletion:
    """Delete the record and what only existed to point at it, in one transaction: its own
    citations, citations of it, links at either end of an entity (with their citations),
    sources' ties to it, ids merged into it; events naming an entity lose it from their place
    or involved list, entities lose it from their entity-valued properties. Returns what was planned (``plan_deletion``)."""
    plan = plan_deletion(case, kind, typed)
    if plan.blocked:
        raise InputError(plan.blocked)
    why = reason or f"deleted with {plan.label}"
    with case.transaction():
        if kind == "entity":
            _delete_entity(case, plan.id, why)
        else:
            _delete_with_citations(case, kind, plan.id, why)
            if kind == "event":
                _delete_ties(case, [plan.id], why)
    return plan


def _delete_citations(case: Case, ids: list[str], why: str) -> None:
    """Citations a record makes and citations that cite it (or its merged ids)."""
    for uuid in queries.citations_touching(case, ids):
        case.delete_record("citation", uuid, reason=why)


def _delete_ties(case: Case, ids: list[str], why: str) -> None:
    for uuid in queries.ties_naming(case, ids):
        case.delete_record("source-tie", uuid, reason=why)


def _delete_with_citations(case: Case, kind: str, uuid: str, why: str) -> None:
    _delete_citations(case, [uuid], why)
    case.delete_record(kind, uuid, reason=why)


def _delete_entity(case: Case, uuid: str, why: str) -> None:
    ids = [uuid, *aliases_of(case, uuid)]
    for link in queries.links(case, uuid):   # at either end of it or of its merged ids
        _delete_with_citations(case, "link", link["uuid"], why)
    for event in events(case):
        changes = {}
        if event["place_uuid"] in ids:
            changes["place_uuid"] = None
        if set(ids) & set(event["involved"]):
            remaining = [e for e in event["involved"] if e not in ids]
            changes["involved"] = json.dumps(remaining) if remaining else None
        if changes:
            case.update_record("event", event["uuid"], changes, reason=why)
    for other, properties, named in entities_naming(case, ids):
        kept = {p: [v for v in values if p not in named or v not in ids]
                for p, values in properties.items()}
        case.update_record("entity", other, {"properties": dumps({p: v for p, v in kept.items() if v})},
                           reason=why)
    _delete_ties(case, ids, why)
    _delete_citations(case, ids, why)
    for alias in aliases_of(case, uuid):
        case.delete_record("entity-alias", alias, reason=why)
    if case.get_record("entity", uuid) is not None:
        case.delete_record("entity", uuid, reason=why)
    if case.get_record("aircraft", uuid) is not None:
        case.delete_record("aircraft", uuid, reason=why)


def uncite(case: Case, claim_uuid: str, target: str, reason: str | None = None) -> list[dict]:
    """Remove the claim's citations of ``target`` (a record id or prefix; a source also
    matches citations of its captures). Returns the citations removed."""
    kind, uuid = resolve_target(case, target)
    rows = citations_of(case, claim_uuid)
    if kind == "source":
        captures = {c["uuid"] for c in source_queries.captures_of(case, uuid)}
        found = [r for r in rows if r["target_uuid"] == uuid or r["target_uuid"] in captures]
    else:
        found = [r for r in rows if r["target_uuid"] == uuid]
    if not found:
        raise InputError(f"claim {claim_uuid} does not cite {kind} {uuid}")
    with case.transaction():
        for row in found:
            case.delete_record("citation", row["uuid"], reason=reason or "citation withdrawn")
    return found

