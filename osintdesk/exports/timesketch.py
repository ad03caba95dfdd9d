"""Timesketch timelines: one row per moment of the case's timeline (``charts.timeline``),
as JSON lines (format ``timesketch``, ``.jsonl``) or CSV (``timesketch-csv``, ``.csv``):
two names rather than one guessing from the extension, so the window and
``export-formats`` show each with its own extension.

Every row has what Timesketch's importer requires, ``message``, ``datetime`` (ISO 8601
with an offset, UTC) and ``timestamp_desc``, plus ``timestamp`` (UTC epoch microseconds),
the record it comes from (``record_kind``, ``record_id``) and the provenance (``case_uuid``,
``app``, ``audit_head``) as attributes: Timesketch keeps extra fields as attributes, and a
provenance row of its own would show as an event. The moments of each item: a flight's
departure and arrival, a ground stay's arrival and departure, a coverage gap's loss and
regain of coverage, an event's start (and end when it has one: a partial date is written
at the start of its span and says its precision), a source's publication and each capture.
The items are the timeline's (``read_timeline``), kept when the scope selects their record
as it does in every format (``content.select``: the same sources, events and flights, by
the same spans, for a tag, aircraft or a window).

Text is written as stored (no spreadsheet neutralising: Timesketch would keep the ``'``);
for spreadsheets use the ``csv`` format. Column names avoid those Timesketch scrubs or
parses itself (``_id``, ``_index``, ``tag``...).
"""

from __future__ import annotations

import csv
import json

from ..charts.timeline.items import TimelineFilter, TimelineItem, read_timeline
from ..findings import queries as finding_queries
from ..sources import queries as source_queries
from ..timefmt import PartialTime, epoch_microseconds, offset_time, record_time
from .base import ExportFormat
from .content import Content, select

# Required by Timesketch's importer, then ours, in the CSV's column order.
REQUIRED = ["message", "datetime", "timestamp_desc"]
COLUMNS = REQUIRED + ["timestamp", "record_kind", "record_id", "timeline_kind", "name", "lane",
                      "precision", "zone", "span_start_utc", "span_end_utc", "aircraft_uuid",
                      "case_uuid", "app", "audit_head"]
# What each kind of item gives: its moments' timestamp_desc, at its start and at its end.
MOMENTS = {
    "flight": ("Flight departure", "Flight arrival"),
    "ground-stay": ("Arrival at airport", "Departure from airport"),
    "gap": ("Coverage lost", "Coverage regained"),
    "event": ("Event start", "Event end"),
}


def timeline_filter(scope) -> TimelineFilter:
    """The timeline read for an export: all of it; what is kept is decided by ``kept``,
    from the records the scope selects in every format (a second filter here could only
    disagree with it)."""
    return TimelineFilter()


def kept(scope, held: Content):
    """A test for timeline items: is the item in the scope? Events, sources and flights
    when the scope selects them (``content.select``, the one answer every format gives,
    spans and all); a flight's coverage gaps with it; an aircraft's ground stays when the
    aircraft is selected and the stay overlaps the window."""
    ids = {"event": {e["uuid"] for e in held.events},
           "source": {s["uuid"] for s in held.sources}}
    flights = {f["uuid"] for f in held.flights}
    aircraft = set(held.aircraft_ids())

    def selected(item: TimelineItem) -> bool:
        if item.kind in ids:
            return item.record_id in ids[item.kind]
        if item.kind in ("flight", "gap"):
            return item.select_id in flights
        return item.aircraft_uuid in aircraft and scope.overlaps(item.start_t, item.end_t)
    return selected


class _Rows:
    """The rows of the items, with the full names the timeline's labels shorten."""

    def __init__(self, case, provenance):
        self.events = {e["uuid"]: e for e in finding_queries.events(case)}
        self.sources = {s["uuid"]: s for s in source_queries.timeline_sources(case)}
        self.provenance = {"case_uuid": provenance.case_uuid,
                           "app": f"osintdesk {provenance.app_version}",
                           "audit_head": f"{provenance.audit_seq}:{provenance.audit_hash}"}

    def name(self, item: TimelineItem) -> str:
        if item.kind == "event":
            return self.events[item.record_id]["title"]
        if item.kind == "source":
            source = self.sources[item.record_id]
            return source["title"] or source["name"]
        return item.label

    def row(self, item: TimelineItem, t: float, desc: str, precision: str,
            known: str | None = None) -> dict:
        name = self.name(item)
        about = name if item.kind in ("event", "source") else f"{item.lane} · {name}"
        note = f" (known to the {precision}: {known})" if known else ""
        return {
            "message": f"{desc}: {about}{note}", "datetime": offset_time(t),
            "timestamp_desc": desc, "timestamp": epoch_microseconds(t),
            "record_kind": item.record_kind, "record_id": item.record_id,
            "timeline_kind": item.kind, "name": name, "lane": item.lane,
            "precision": precision, "zone": item.zone,
            "span_start_utc": record_time(item.start_t), "span_end_utc": record_time(item.end_t),
            "aircraft_uuid": item.aircraft_uuid or "", **self.provenance,
        }

    def of(self, item: TimelineItem) -> list[dict]:
        """The rows of one item: one per moment it has."""
        if item.kind == "source":
            rows = [self.row(item, t, "Capture", "second") for t in item.captured_t]
            if item.published_t is not None:
                day = item.published_precision == "day"
                rows.append(self.row(item, item.published_t, "Publication",
                                     item.published_precision or "second",
                                     self.sources[item.record_id]["published_date"] if day
                                     else None))
            return rows
        if item.kind == "sighting":
            return [self.row(item, item.start_t, "Heard without a position", "second")]
        start_desc, end_desc = MOMENTS[item.kind]
        if item.kind != "event":
            return [self.row(item, item.start_t, start_desc, item.precision),
                    self.row(item, item.end_t, end_desc, item.precision)]
        event = self.events[item.record_id]
        rows = [self._partial(item, event["start_text"], start_desc)]
        if event["end_text"]:
            rows.append(self._partial(item, event["end_text"], end_desc))
        return rows

    def _partial(self, item: TimelineItem, text: str, desc: str) -> dict:
        """An event's moment, at the start of the span its (maybe partial) date means."""
        moment = PartialTime(text, item.zone)
        coarse = moment.precision not in ("minute", "second")
        return self.row(item, moment.span_utc()[0], desc, moment.precision,
                        moment.display() if coarse else None)


def timesketch_rows(case, scope, provenance, progress=None, cancelled=None
                    ) -> tuple[list[dict], dict]:
    """The rows of what ``scope`` selects, in time order, and their counts by kind."""
    held = select(case, scope)
    timeline = read_timeline(case, timeline_filter(scope), progress=progress,
                             cancelled=cancelled)
    selected = kept(scope, held)
    items = [i for i in timeline.items if selected(i)]
    rows_of = _Rows(case, provenance)
    rows = [row for item in items for row in rows_of.of(item)]
    order = {desc: n for n, desc in enumerate(
        [d for pair in MOMENTS.values() for d in pair] + ["Publication", "Capture"])}
    rows.sort(key=lambda r: (r["timestamp"], order[r["timestamp_desc"]], r["record_kind"],
                             r["record_id"]))
    counts = {"items": len(items), "rows": len(rows)}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return rows, counts


def write_jsonl(case, scope, provenance, out_path, progress=None, cancelled=None) -> dict:
    """One JSON object a line (keys sorted), as Timesketch imports ``.jsonl``; non-ASCII
    characters escaped, so no reader can cut a line at U+2028 or U+0085 in a title."""
    rows, counts = timesketch_rows(case, scope, provenance, progress, cancelled)
    with open(out_path, "w", encoding="ascii", newline="\n") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=True, sort_keys=True) + "\n")
    return counts


def write_csv(case, scope, provenance, out_path, progress=None, cancelled=None) -> dict:
    """A header naming the columns, then one row a moment (UTF-8 without a byte order
    mark, which would become part of the first column's name), as Timesketch imports
    ``.csv``."""
    rows, counts = timesketch_rows(case, scope, provenance, progress, cancelled)
    with open(out_path, "w", encoding="utf-8", newline="") as out:
        write_csv_rows(out, rows)
    return counts


def write_csv_rows(out, rows: list[dict]) -> None:
    """The header and ``rows`` to a text stream opened with ``newline=""`` (RFC 4180
    quoting keeps commas, quotes and newlines in a cell)."""
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)


FORMAT = ExportFormat("timesketch", "jsonl", "Timesketch timeline, JSON lines (one row per "
                      "moment: departures, arrivals, events, publications, captures)",
                      write_jsonl)
CSV_FORMAT = ExportFormat("timesketch-csv", "csv", "Timesketch timeline, CSV (the same rows)",
                          write_csv)
