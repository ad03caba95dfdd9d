"""The investigator's own words about a source: notes, tags and the Admiralty grading.

Every note and tag keeps who wrote it and when (the record's examiner and creation time);
edits and removals go through the audited record API, so the old wording stays in the
audit log. Notes and tags are searchable.
"""

from __future__ import annotations

from ..errors import InputError
from ..store import Case
from ..timefmt import record_stamp
from .search import index_note, index_tag, unindex

# NATO AJP-2.1 / the "Admiralty code": how reliable the source is, how credible the information.
RELIABILITY = {
    "A": "Completely reliable", "B": "Usually reliable", "C": "Fairly reliable",
    "D": "Not usually reliable", "E": "Unreliable", "F": "Reliability cannot be judged",
}
CREDIBILITY = {
    1: "Confirmed by other sources", 2: "Probably true", 3: "Possibly true", 4: "Doubtful",
    5: "Improbable", 6: "Truth cannot be judged",
}
MAX_TAG_CHARS = 60


def _source(case: Case, source_uuid: str) -> dict:
    source = case.get_record("source", source_uuid)
    if source is None:
        raise InputError("no such source in the case", path=f"source {source_uuid}")
    return source


def add_note(case: Case, source_uuid: str, text: str) -> dict:
    """Add a note to a source (examiner and time are recorded); returns the note record."""
    text = text.strip()
    if not text:
        raise InputError("the note is empty; nothing was added", path=f"source {source_uuid}")
    _source(case, source_uuid)
    with case.transaction():
        note = case.insert_record("note", {"source_uuid": source_uuid, "text": text},
                                  details={"source": source_uuid})
        index_note(case, note)
    return note


def edit_note(case: Case, note_uuid: str, text: str) -> dict:
    """Change a note's wording; the audit entry keeps the old text."""
    text = text.strip()
    if not text:
        raise InputError("a note cannot be made empty", path=f"note {note_uuid}")
    with case.transaction():
        note = case.update_record("note", note_uuid, {"text": text})
        unindex(case, note_uuid)
        index_note(case, note)
    return note


def add_tag(case: Case, source_uuid: str, tag: str) -> tuple[dict, bool]:
    """Tag a source; a tag it already has adds nothing. Returns (tag record, added)."""
    tag = " ".join(tag.split())
    if not tag:
        raise InputError("the tag is empty", path=f"source {source_uuid}")
    if len(tag) > MAX_TAG_CHARS:
        raise InputError(f"a tag has at most {MAX_TAG_CHARS} characters", path=f"tag {tag!r}")
    _source(case, source_uuid)
    row = case.conn.execute("SELECT uuid FROM source_tags WHERE source_uuid = ? AND tag = ?",
                            (source_uuid, tag)).fetchone()
    if row:
        return case.get_record("tag", row[0]), False
    with case.transaction():
        record = case.insert_record("tag", {"source_uuid": source_uuid, "tag": tag},
                                    action="tag", details={"source": source_uuid})
        index_tag(case, record)
    return record, True


def remove_tag(case: Case, source_uuid: str, tag: str) -> bool:
    """Remove a tag from a source (logged with the removed record); False if it had none."""
    row = case.conn.execute("SELECT uuid FROM source_tags WHERE source_uuid = ? AND tag = ?",
                            (source_uuid, " ".join(tag.split()))).fetchone()
    if row is None:
        return False
    with case.transaction():
        case.delete_record("tag", row[0])
        unindex(case, row[0])
    return True


def set_assessment(case: Case, source_uuid: str, reliability: str | None,
                   credibility: int | str | None, *, reason: str | None = None) -> dict:
    """Grade a source: reliability A-F and credibility 1-6 (None clears a grade)."""
    reliability = (reliability or "").strip().upper() or None
    if reliability is not None and reliability not in RELIABILITY:
        raise InputError("source reliability must be one of A, B, C, D, E, F",
                         path=f"source {source_uuid}")
    if credibility in ("", None):
        credibility = None
    else:
        try:
            credibility = int(credibility)
        except (TypeError, ValueError):
            credibility = 0
        if credibility not in CREDIBILITY:
            raise InputError("information credibility must be a number from 1 to 6",
                             path=f"source {source_uuid}")
    source = _source(case, source_uuid)
    if (source["reliability"], source["credibility"]) == (reliability, credibility):
        return source
    return case.update_record("source", source_uuid, {
        "reliability": reliability, "credibility": credibility,
        "assessed_utc": record_stamp(case.clock()), "assessed_by": case.examiner}, reason=reason)


# ----------------------------------------------------------------------------- other records
#
# The same notes and tags on flights, aircraft and evidence files: each kept with the kind
# and id of what it is about (``object_notes``, ``object_tags``), who wrote it and when,
# through the audited record API. ``add_note_on`` / ``add_tag_on`` take a source too, so
# the CLI and the window have one way to annotate anything.

OBJECT_KINDS = ("flight", "aircraft", "evidence")
ANNOTATED_KINDS = ("source", *OBJECT_KINDS)


def _check_object(case: Case, kind: str, uuid: str) -> None:
    if kind not in OBJECT_KINDS:
        raise InputError(f"notes and tags go on {', '.join(ANNOTATED_KINDS)}", path=f"{kind} {uuid}")
    table = {"flight": "flights", "aircraft": "aircraft", "evidence": "evidence"}[kind]
    if case.conn.execute(f"SELECT 1 FROM [{table}] WHERE uuid = ?", (uuid,)).fetchone() is None:
        raise InputError(f"no such {kind} in the case", path=f"{kind} {uuid}")


def add_note_on(case: Case, kind: str, uuid: str, text: str) -> dict:
    """Add a note to a source, flight, aircraft or evidence file; returns the note record."""
    if kind == "source":
        return add_note(case, uuid, text)
    text = text.strip()
    if not text:
        raise InputError("the note is empty; nothing was added", path=f"{kind} {uuid}")
    _check_object(case, kind, uuid)
    with case.transaction():
        return case.insert_record("object-note", {"object_kind": kind, "object_uuid": uuid,
                                                  "text": text}, details={kind: uuid})


def add_tag_on(case: Case, kind: str, uuid: str, tag: str) -> tuple[dict, bool]:
    """Tag a source, flight, aircraft or evidence file; a tag it has already adds nothing.
    Returns (tag record, added)."""
    if kind == "source":
        return add_tag(case, uuid, tag)
    tag = " ".join(tag.split())
    if not tag:
        raise InputError("the tag is empty", path=f"{kind} {uuid}")
    if len(tag) > MAX_TAG_CHARS:
        raise InputError(f"a tag has at most {MAX_TAG_CHARS} characters", path=f"tag {tag!r}")
    _check_object(case, kind, uuid)
    row = case.conn.execute("SELECT uuid FROM object_tags WHERE object_kind = ? AND "
                            "object_uuid = ? AND tag = ?", (kind, uuid, tag)).fetchone()
    if row:
        return case.get_record("object-tag", row[0]), False
    with case.transaction():
        record = case.insert_record("object-tag", {"object_kind": kind, "object_uuid": uuid,
                                                   "tag": tag}, action="tag", details={kind: uuid})
    return record, True


def remove_tag_on(case: Case, kind: str, uuid: str, tag: str) -> bool:
    """Remove a tag (logged with the removed record); False if it had none."""
    if kind == "source":
        return remove_tag(case, uuid, tag)
    row = case.conn.execute("SELECT uuid FROM object_tags WHERE object_kind = ? AND "
                            "object_uuid = ? AND tag = ?",
                            (kind, uuid, " ".join(tag.split()))).fetchone()
    if row is None:
        return False
    with case.transaction():
        case.delete_record("object-tag", row[0])
    return True
