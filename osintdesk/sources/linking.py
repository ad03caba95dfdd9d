"""Linking the case's sources to its military aircraft by serial (``09-0540``, ``ZZ336``),
and to aircraft whose registration no civil register prefix explains (``XX-62001``).

A serial reads like any number, so it is looked for only once an aircraft of the case
carries it as its registration (``acquire.identifiers.serial_key``). A capture stored after
the aircraft is matched as it is stored (``serial_hits`` from ``ingest``); the captures
already in the case are matched when aircraft arrive (``link_serials``, called after a
flight import). Each serial found is an identifier record of kind ``registration`` whose
value is the aircraft's registration, so every link to aircraft (the aircraft's and the
flight's sources, the map, the timeline) sees it with nothing more.
"""

from __future__ import annotations

from ..store import Case
from .acquire.identifiers import find_serials, serial_key
from .search import reindex_capture
from .text import match_key


def case_serials(case: Case) -> dict[str, str]:
    """Serial match key -> registration, for the case's aircraft registered by serial."""
    keys = {}
    for (registration,) in case.conn.execute(
            "SELECT registration FROM aircraft WHERE registration IS NOT NULL"):
        key = serial_key(registration)
        if key:
            keys[key] = registration
    return keys


def serial_hits(text: str, serials: dict[str, str], taken: list) -> list:
    """The serial hits in ``text`` that overlap none of the hits ``taken`` already."""
    spans = [(h.start, h.end) for h in taken]
    return [hit for hit in find_serials(text, serials)
            if not any(hit.start < end and start < hit.end for start, end in spans)]


def link_serials(case: Case, *, progress=None, cancelled=None) -> int:
    """Find the case's serials in every capture not yet linked to them; returns how many
    identifier records were added. Call inside the transaction that added the aircraft
    (or on its own: it opens one)."""
    serials = case_serials(case)
    if not serials:
        return 0
    from .ingest import store_serial_hits
    captures = case.conn.execute(
        "SELECT uuid, source_uuid, title, text_uuid FROM captures ORDER BY created_utc, uuid"
    ).fetchall()
    added = 0
    with case.transaction():
        for done, (capture_uuid, source_uuid, title, text_uuid) in enumerate(captures, 1):
            if cancelled and cancelled():
                from ..errors import Cancelled
                raise Cancelled()
            known = {match_key(v) for (v,) in case.conn.execute(
                "SELECT value FROM identifier_hits WHERE capture_uuid = ? AND kind = 'registration'",
                (capture_uuid,))}
            wanted = {k: r for k, r in serials.items() if match_key(r) not in known}
            if wanted:
                found = store_serial_hits(case, {"uuid": capture_uuid, "source_uuid": source_uuid},
                                          text_uuid, title, wanted)
                if found:   # the index's identifiers column says what the records say
                    reindex_capture(case, capture_uuid)
                added += found
            if progress:
                progress(done, len(captures))
    return added
