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
