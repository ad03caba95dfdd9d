"""CSV tables for spreadsheets: track points, flights, sources and claims, one file each,
in one ZIP (``-o OUT.zip``), so that the export is one file, written whole or not at all
and logged with one SHA-256; ``provenance.txt`` beside the tables says where they come
from (CSV has no place for it).

Units are in the header names (``alt_ft``, ``gs_kt``, ``t_epoch_s``); times are UTC. Text
cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) are prefixed with ``'`` (OWASP's advice); numbers are written
as numbers. Files are UTF-8 with a byte order mark, which Excel needs to read UTF-8.
A table longer than a spreadsheet holds is written whole, and the export says so.
"""

from __future__ import annotations

import csv
import io
import zipfile

from ..errors import Cancelled
from ..flights import queries as flight_queries
from ..timefmt import record_time, record_time_or_none
from .base import ExportFormat
from .content import cited_source, count_points, point_window, select

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SPREADSHEET_ROWS = 1_048_576          # Excel's and LibreOffice Calc's last row
CHUNK = 10_000
POINT_HEADER = ["aircraft_uuid", "aircraft", "time_utc", "t_epoch_s", "lat_deg", "lon_deg",
                "alt_ft", "gs_kt", "track_deg", "vrate_fpm", "on_ground", "callsign", "squawk"]
POINT_COLUMNS = ("t", "lat", "lon", "alt_ft", "gs_kt", "track_deg", "vrate_fpm", "on_ground",
                 "callsign", "squawk")


def cell(value):
    """A value as a spreadsheet must get it: text that would start a formula neutralised."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


class _Zip:
    """A ZIP whose members have fixed dates, so the same case gives the same bytes."""

    def __init__(self, path):
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)

    def table(self, name: str):
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        stream = io.TextIOWrapper(self.zip.open(info, "w", force_zip64=True),
                                  encoding="utf-8-sig", newline="")
        return stream, csv.writer(stream, lineterminator="\r\n")


def _rows(stream_writer, header, rows) -> int:
    stream, writer = stream_writer
    n = 0
    try:
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell(v) for v in row])
            n += 1
    finally:
        stream.close()    # also when cancelled: the ZIP closes, then the caller removes it
    return n


def _flights(content):
    for f in content.flights:
        yield [f["uuid"], f["aircraft_uuid"], f["aircraft"], f["registration"], f["hex"],
               f["callsigns"], f["origin"], f["destination"], f["departure_utc"],
               f["arrival_utc"], f["duration_s"], f["distance_km"], f["max_alt_ft"],
               f["point_count"], f["gap_count"], f["gap_distance_km"]]


def _sources(content):
    for s in content.sources:
        capture = s["capture"]
        yield [s["uuid"], s["kind"], s["name"], s["url"], s["title"], capture.get("published_date"),
               s["first_captured_utc"], s["last_captured_utc"], s["captures"], s["grading"],
               s["tags"], capture.get("evidence_sha256") or capture.get("body_sha256")]


def _claims(case, content):
    for c in content.claims:
        assertion = c["assertion"] or {}
        window = assertion.get("between") or [assertion.get("time")] * 2
        stances = {"supports": [], "contradicts": []}
        for citation in content.citations_of(c["uuid"]):
            stances[citation["stance"]].append(cited_source(case, citation)
                                               or citation["target_uuid"])
        yield [c["uuid"], c["text"], c["status"], c["confidence"], assertion.get("check"),
               assertion.get("aircraft"), window[0], window[1],
               " ".join(stances["supports"]), " ".join(stances["contradicts"]),
               c["created_utc"], c["examiner"]]


def _points(case, content, scope, progress, cancelled, total):
    first, last = point_window(scope)
    labels = {e.id: e.caption for e in content.entities}
    done = 0
    for aircraft_uuid in sorted(content.aircraft_ids()):
        cursor = flight_queries.track_points(case, aircraft_uuid, first, last,
                                             columns=POINT_COLUMNS)
        while True:
            if cancelled and cancelled():
                raise Cancelled()
            chunk = cursor.fetchmany(CHUNK)
            if not chunk:
                break
            for t, lat, lon, alt, gs, track, vrate, ground, callsign, squawk in chunk:
                yield [aircraft_uuid, labels[aircraft_uuid], record_time(t), t, lat, lon, alt,
                       gs, track, vrate, None if ground is None else int(bool(ground)),
                       callsign, squawk]
            done += len(chunk)
            if progress:
                progress(done, total)


def write(case, scope, provenance, out_path, progress=None, cancelled=None) -> dict:
    """The four tables of what ``scope`` selects, in a ZIP at ``out_path``."""
    content = select(case, scope)
    total = count_points(case, content, scope)
    archive = _Zip(out_path)
    try:
        counts = {
            "flights": _rows(archive.table("flights.csv"), [
                "flight_uuid", "aircraft_uuid", "aircraft", "registration", "icao24",
                "callsigns", "origin", "destination", "departure_utc", "arrival_utc",
                "duration_s", "distance_km", "max_alt_ft", "points", "coverage_gaps",
                "gap_distance_km"], _flights(content)),
            "sources": _rows(archive.table("sources.csv"), [
                "source_uuid", "kind", "name", "url", "title", "published", "first_captured_utc",
                "last_captured_utc", "captures", "grading", "tags", "sha256"],
                _sources(content)),
            "claims": _rows(archive.table("claims.csv"), [
                "claim_uuid", "text", "status", "confidence", "check", "aircraft_uuid",
                "window_from_utc", "window_to_utc", "supported_by", "contradicted_by",
                "created_utc", "examiner"], _claims(case, content)),
            "points": _rows(archive.table("track_points.csv"), POINT_HEADER,
                            _points(case, content, scope, progress, cancelled, total)),
        }
        scope_text = ", ".join(f"{k} {v}" for k, v in scope.describe().items()
                               if v is not None and k in ("tag", "aircraft"))
        info = zipfile.ZipInfo("provenance.txt", date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        archive.zip.writestr(info, (
            f"{provenance.line()}\nScope: {scope_text or 'the whole case'}\n"
            f"From {record_time_or_none(scope.t_from) or 'the start'} to "
            f"{record_time_or_none(scope.t_to) or 'the end'} (UTC).\n").encode("utf-8"))
        archive.zip.comment = provenance.line().encode("utf-8")[:65535]
    finally:
        archive.zip.close()
    if counts["points"] + 1 > SPREADSHEET_ROWS:
        counts["notes"] = [f"track_points.csv has {counts['points']} rows: spreadsheets open "
                           f"only the first {SPREADSHEET_ROWS - 1} (all are in the file; "
                           "filter with --aircraft or --from/--to for fewer)"]
    return counts


FORMAT = ExportFormat("csv", "zip", "CSV tables in a ZIP: track points, flights, sources, "
                      "claims (spreadsheets)", write)
