"""Records in conflict after a merge (more than one latest version), and settling one:
a new version that replaces every head, with the value the investigator chose (audited)."""

from __future__ import annotations

import json
from typing import Sequence

from ..errors import OsintdeskError
from ..store import versions
from ..store.records import RECORD_KINDS


def list_conflicts(case) -> list[dict]:
    """Each record in conflict with its heads (version, who made it where, when, state;
    the title of the case it was made in when this case knows it, and the reason its
    examiner gave for the change, if any)."""
    out = []
    titles = None
    for kind, key, _count in versions.conflicts(case.conn):
        if titles is None:
            titles = case_titles(case)
        heads = versions.heads(case.conn, kind, key)
        shown = versions.chosen_head(heads)
        out.append({"kind": kind, "key": key,
                    "shown": shown.version if shown else None,
                    "heads": [{"version": v.version, "examiner": v.examiner,
                               "created_utc": v.created_utc, "origin_case": v.origin_case,
                               "origin_title": titles.get(v.origin_case),
                               "reason": _reason(case, v),
                               "deleted": v.deleted, "state": v.state} for v in heads]})
    return out


def case_titles(case) -> dict[str, str]:
    """The title of each case this case knows: its own, and those of the bundles merged
    here or into a case merged here (their merge entries name the bundle's case)."""
    titles = {case.uuid: case.title}
    rows = case.conn.execute(
        "SELECT details FROM audit_log WHERE action = 'merge' AND object_type IS NULL "
        "UNION ALL SELECT details FROM foreign_audit WHERE action = 'merge' AND "
        "object_type IS NULL").fetchall()
    for (details,) in rows:
        merged = json.loads(details).get("case") if details else None
        if isinstance(merged, dict) and merged.get("uuid") and merged.get("title"):
            titles.setdefault(merged["uuid"], merged["title"])
    return titles


def _reason(case, version) -> str | None:
    """The ``--reason`` given for the change that made ``version``: the details of its
    audit entry (in this case's log or the merged log of the case it was made in), the
    last entry of that examiner on the record logged no later than the version."""
    where = "FROM audit_log WHERE" if version.origin_case == case.uuid else \
        "FROM foreign_audit WHERE case_uuid = ? AND"
    params = () if version.origin_case == case.uuid else (version.origin_case,)
    row = case.conn.execute(
        f"SELECT details {where} object_type = ? AND object_id = ? AND examiner = ? AND "
        "time_utc <= ? ORDER BY seq DESC LIMIT 1",
        (*params, version.kind, version.key, version.examiner, version.created_utc)).fetchone()
    details = json.loads(row[0]) if row and row[0] else {}
    reason = details.get("reason") if isinstance(details, dict) else None
    return reason if isinstance(reason, str) and reason else None


def _find(case, typed: str) -> tuple[str, str, list]:
    """A conflicted record by its id (or a unique prefix of it)."""
    matches = [(k, key) for k, key, _n in versions.conflicts(case.conn)
               if key == typed or (len(typed) >= 4 and key.startswith(typed))]
    if not matches:
        raise OsintdeskError(f"no record in conflict has the id {typed!r} "
                             "('osintdesk conflicts CASE' lists them)", path=case.path)
    if len(matches) > 1:
        raise OsintdeskError(f"{typed!r} names {len(matches)} records in conflict: give more of "
                             "the id", path=case.path)
    kind, key = matches[0]
    return kind, key, versions.heads(case.conn, kind, key)


def resolve(case, record: str, keep: str, *, reason: str | None = None) -> dict:
    """Settle a conflict by keeping the head ``keep`` (a version id or unique prefix): a new
    version replacing every head, holding that head's state (or the deletion)."""
    kind, key, heads = _find(case, record)
    chosen = [v for v in heads if v.version == keep or (len(keep) >= 6
                                                         and v.version.startswith(keep))]
    if len(chosen) != 1:
        listed = ", ".join(v.version[:12] for v in heads)
        raise OsintdeskError(f"{keep!r} is not one of the versions in conflict for {kind} {key} "
                             f"({listed})", path=case.path)
    winner = chosen[0]
    table = RECORD_KINDS[kind]
    with case.transaction():
        row = None
        if winner.state is not None:
            current = case.get_record(kind, key)
            row = dict(winner.state)
            for column in versions.LOCAL_COLUMNS.get(kind, ()):
                if current is not None:
                    row[column] = current[column]
        version = versions.make(kind, key, [v.version for v in heads], row,
                                origin_case=case.uuid, created_utc=case.now_stamp(),
                                examiner=case.examiner)
        versions.store(case.conn, version)
        case.merge_record(kind, key, row, version=version.version,
                          details={"resolved": [v.version for v in heads],
                                   **({"reason": reason} if reason else {})})
        case.record_event("resolve", details={"kind": table.name, "key": key,
                                              "kept": winner.version, "version": version.version,
                                   "replaced": [v.version for v in heads],
                                   **({"reason": reason} if reason else {})})
    return {"kind": kind, "key": key, "kept": winner.version, "version": version.version}


# Fields every version of a record shares by construction: never "what differs".
QUIET_FIELDS = ("uuid",)


def flat_state(state: dict | None) -> dict | None:
    """A record's state with its JSON-object columns (an entity's ``properties``) opened
    into one field each (``properties.alias``), so that what differs is the property."""
    if state is None:
        return None
    out = {}
    for key, value in state.items():
        opened = None
        if isinstance(value, str) and value.startswith("{"):
            try:
                opened = json.loads(value)
            except ValueError:
                opened = None
        if isinstance(opened, dict) and opened:
            out.update({f"{key}.{sub}": v for sub, v in opened.items()})
        else:
            out[key] = value
    return out


def differing_fields(heads: Sequence[dict]) -> tuple[list[str], set[str]]:
    """The fields of the versions' states, those that differ first (each group sorted),
    and the set of those that differ. A deletion differs from every field of a state."""
    states = [None if h["deleted"] else flat_state(h["state"]) for h in heads]
    keys = sorted({k for s in states if s for k in s} - set(QUIET_FIELDS))
    differing = {k for k in keys
                 if len({json.dumps(s.get(k) if s is not None else "\0deleted",
                                    sort_keys=True) for s in states}) > 1}
    return sorted(differing) + [k for k in keys if k not in differing], differing
