"""The report model: everything a report says, read once from the case through the query
modules and ``findings.views``, as plain text and numbers. The HTML and the PDF are both
rendered from it, so they say the same things.

Times are text here already (through ``timefmt``, in the zone the reader asked for), so a
renderer only lays the model out.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace

import matplotlib

from .. import __version__
from ..charts.export import new_figure
from ..charts.selection import ChartRequest, draw_chart
from ..demo import DEMO_MARK, demo_footer
from ..errors import Cancelled, InputError
from ..findings import queries as finding_queries
from ..findings import views
from ..flights import queries as flight_queries
from ..sources import queries as source_queries
from ..store import Case
from ..store.canonical import sha256_hex
from ..timefmt import display_in_zone, duration, record_stamp, user_zone
from ..verification import verify_case

# Text of a page kept in an exhibit: enough to read the passage in its context; the whole
# capture is in the case (export-original) and its hash is printed beside it.
PAGE_TEXT_CHARS = 6000
CHART_SIZE_PX = (1100, 640)
# Pictures an exhibit shows: what browsers and fpdf2 both draw, a few, not too big.
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif")
IMAGES_PER_EXHIBIT = 4
MAX_IMAGE_BYTES = 8 * 1024 * 1024

HASH_EXPLAINED = (
    ("What a SHA-256 hash proves",
     "Each exhibit is listed with the SHA-256 hash of the bytes stored in the case file when "
     "they were captured or imported. Anyone holding the case file (or an exported copy of "
     "the original, osintdesk export-original) can compute the hash again with any SHA-256 "
     "tool: the same hash means the bytes are exactly those stored, unchanged since capture. "
     "Changing a single byte gives a different hash."),
    ("What it does not prove",
     "A hash does not prove that the content is true, nor that the server sent the same page "
     "to anyone else, at another time or to another country: it proves only what this "
     "examiner received and stored. It does not prove when the capture was made either: the "
     "capture time is what the examiner's computer recorded; the signed checkpoints (and "
     "their RFC 3161 timestamps, when the case has them) anchor the history to a key and a "
     "time outside the examiner's control."),
    ("How this report is tied to the case",
     "The cover names the audit log entry that was the case's last when this report was "
     "made, and its hash. The case records the report (file name, SHA-256, options) in its "
     "reports register, and its audit log holds the entry named. osintdesk verify checks the "
     "whole chain up to and after it."),
)


@dataclass(frozen=True)
class ReportOptions:
    """What the reader asked for: a ``title`` (default: the case's), a handling ``banner``
    on every page, the claims by id (``claims``) or those citing sources tagged ``tag``,
    the full audit log as an ``appendix``, the ``zone`` times are shown in."""

    title: str | None = None
    banner: str | None = None
    tag: str | None = None
    claims: tuple[str, ...] = ()
    appendix: bool = False
    zone: str = "UTC"

    def as_dict(self) -> dict:
        return {"title": self.title, "banner": self.banner, "tag": self.tag,
                "claims": list(self.claims), "appendix": self.appendix, "zone": self.zone}


@dataclass
class Chart:
    key: str        # "timeline", "map-<aircraft>", "links"
    title: str
    svg: str        # matplotlib's SVG, text as paths (no font needed to read it)


@dataclass
class Report:
    options: ReportOptions
    title: str
    case: dict                      # uuid, title, number, description, examiners
    made: str                       # when the report was made, in the report's zone
    made_utc: str                   # the same, record form (the register and the PDF's date)
    app_version: str
    covered: str                    # the date range the case covers
    audit_head: dict                # seq, hash
    verification: dict              # ok, failures, notes, checked
    scope: str                      # which claims, in words
    claims: list[dict] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    flights: list[dict] = field(default_factory=list)     # one per aircraft
    exhibits: list[dict] = field(default_factory=list)
    custody: list[dict] = field(default_factory=list)     # examiner, action, count, first, last
    log: list[dict] | None = None                          # the full audit log (appendix)
    hash_explained: tuple = HASH_EXPLAINED

    @property
    def zone_label(self) -> str:
        return self.options.zone


def build_report(case: Case, options: ReportOptions, *, progress=None, cancelled=None,
                 keyring=None) -> Report:
    """Read everything the report says from ``case``: verify it first (writes nothing),
    then the claims in scope, the charts, the flights, the exhibits and the audit log.
    InputError for an unknown claim id, tag or zone; Cancelled when ``cancelled()``."""
    zone = user_zone(options.zone)
    options = ReportOptions(options.title, options.banner, options.tag, tuple(options.claims),
                            options.appendix, zone)
    claim_ids, scope = _claims_in_scope(case, options)
    step = _Stepper(progress, cancelled, 6)

    verification = verify_case(case, keyring=keyring, cancelled=cancelled).as_dict()
    step()
    seq, head = case.audit_head()
    meta = case.case_record()
    if demo_footer(meta) and not (options.banner or "").startswith(DEMO_MARK):   # on every page
        options = replace(options, banner=DEMO_MARK + (f"; {options.banner}" if options.banner else ""))
    now = case.clock()
    report = Report(
        options=options, title=options.title or meta["title"],
        case={"uuid": meta["uuid"], "title": meta["title"], "number": meta.get("number"),
              "description": meta.get("description"), "examiners": case.examiners()},
        made=display_in_zone(now, zone, seconds=True), made_utc=record_stamp(now),
        app_version=__version__, covered="", audit_head={"seq": seq, "hash": head},
        verification={"ok": verification["ok"],
                      "failures": [_failure_text(f) for f in verification["failures"]],
                      "notes": verification["notes"], "checked": verification["checked"]},
        scope=scope)

    claims = [_claim(case, uuid, zone) for uuid in claim_ids]
    report.claims = claims
    step()
    aircraft_ids, flight_ids = _aircraft_in_scope(case, claims, whole=not (options.claims or options.tag))
    report.flights = _flights(case, aircraft_ids, zone)
    report.covered = _covered(case, report.flights, zone)
    step()
    report.charts = _charts(case, options, aircraft_ids, cancelled)
    step()
    report.exhibits = _exhibits(case, claims, aircraft_ids,
                                whole=not (options.claims or options.tag), zone=zone)
    _link_citations(report)
    step()
    entries = list(case.audit_entries())
    report.custody = _custody(entries, zone)
    if options.appendix:
        report.log = [{"seq": e.seq, "time": display_in_zone(e.time_utc, zone, seconds=True),
                       "examiner": e.examiner, "action": e.action,
                       "object": f"{e.object_type or ''} {e.object_id or ''}".strip(),
                       "entry_hash": e.entry_hash} for e in entries if e.seq <= seq]
    step()
    return report


class _Stepper:
    def __init__(self, progress, cancelled, total: int):
        self.progress, self.cancelled, self.total, self.done = progress, cancelled, total, 0

    def __call__(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise Cancelled()
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)


def _failure_text(failure: dict) -> str:
    text = f"{failure['object']}: {failure['problem']}"
    if failure.get("expected") is not None or failure.get("found") is not None:
        text += f" (expected {failure.get('expected')}, found {failure.get('found')})"
    return text


# ----------------------------------------------------------------------------- claims


def _claims_in_scope(case: Case, options: ReportOptions) -> tuple[list[str], str]:
    """The claim ids the report covers, in the order they were made, and the scope in words."""
    every = [c["uuid"] for c in sorted(finding_queries.claims(case),
                                       key=lambda c: (c["created_utc"], c["uuid"]))]
    if options.claims:
        chosen = []
        for typed in options.claims:
            _, uuid = _chosen_claim(case, typed)
            if uuid not in chosen:
                chosen.append(uuid)
        ordered = [u for u in every if u in chosen]
        return ordered, f"{len(ordered)} claim{'s' if len(ordered) != 1 else ''} chosen by id"
    if options.tag:
        tagged = set(source_queries.sources_tagged(case, options.tag))
        if not tagged:
            raise InputError(f"no source carries the tag '{options.tag}'", path=case.path)
        citing = {row["owner_uuid"] for row in finding_queries.cited_sources(case)
                  if row["owner_kind"] == "claim" and row["source_uuid"] in tagged}
        ordered = [u for u in every if u in citing]
        return ordered, f"the claims citing sources tagged '{options.tag}'"
    return every, "every claim in the case"


def _chosen_claim(case: Case, typed: str) -> tuple[str, str]:
    """(kind, id) of the claim ``--claims`` names; InputError naming the case file and the id."""
    try:
        return finding_queries.resolve_target(case, typed, kinds=("claim",))
    except InputError as error:   # unknown or ambiguous: which case it was looked for in
        raise InputError(f"--claims: {error}", path=case.path) from None


def _claim(case: Case, uuid: str, zone: str) -> dict:
    detail = views.claim_detail(case, uuid)
    claim, view, check = detail["claim"], detail["corroboration"], detail["check"]
    citations = [{"label": c["label"], "stance": c["stance"], "quote": c["quote"],
                  "grade": c["grade"], "kind": c["kind"], "id": c["id"], "note": c["note"],
                  "files": _files_behind(case, c["kind"], c["id"]), "exhibits": []}
                 for c in view["citations"]]
    return {"uuid": uuid, "text": claim["text"], "status": claim["status"],
            "confidence": claim["confidence"], "assertion": detail["assertion_text"],
            "aircraft": (claim["assertion"] or {}).get("aircraft"),
            "check": None if check is None else {
                "result": check["result"].replace("_", " "), "reason": check["reason"],
                "rests_on": [{"label": r["label"], "kind": r["kind"], "id": r["id"],
                              "files": r["files"]} for r in check["rests_on"]]},
            "citations": citations, "independent_sources": view["independent_sources"],
            "contradicting": view["contradicting"],
            "supporting": sum(c["stance"] == "supports" for c in citations)}


def _files_behind(case: Case, kind: str, uuid: str | None) -> list[str]:
    """The flight files (import ids) a cited flight or ground stay rests on."""
    if kind not in ("flight", "ground-time") or uuid is None:
        return []
    row = finding_queries.get_record(case, kind, uuid)
    if row is None:
        return []
    first, last = (row["first_t"], row["last_t"]) if kind == "flight" else (row["start_t"], row["end_t"])
    return [r["uuid"] for r in flight_queries.files_behind(case, row["aircraft_uuid"], first, last)]


# ----------------------------------------------------------------------------- flights


def _aircraft_in_scope(case: Case, claims: list[dict], *, whole: bool) -> tuple[list[str], list[str]]:
    """The aircraft the report shows flights of: every aircraft for the whole case, else
    those the claims' checks name and those of the flights they cite."""
    if whole:
        return [a["uuid"] for a in flight_queries.aircraft(case)], []
    planes, flights = [], []
    for claim in claims:
        if claim["aircraft"]:
            planes.append(claim["aircraft"])
        flights += [c["id"] for c in claim["citations"] if c["kind"] == "flight" and c["id"]]
    planes += flight_queries.aircraft_of_flights(case, flights) if flights else []
    return sorted(set(planes)), flights


def _flights(case: Case, aircraft_ids: list[str], zone: str) -> list[dict]:
    from ..findings.checks import provider
    tables = []
    for plane in flight_queries.aircraft(case, aircraft_ids):
        rows = []
        for f in flight_queries.select_flights(case, aircraft_uuids=[plane["uuid"]]):
            gaps = flight_queries.gaps(case, f["uuid"])
            files = flight_queries.files_behind(case, plane["uuid"], f["first_t"], f["last_t"])
            rows.append({
                "route": f"{f['origin'] or '?'} → {f['destination'] or '?'}",
                "callsigns": f["callsigns"] or "",
                "departure": display_in_zone(f["first_t"], zone),
                "arrival": display_in_zone(f["last_t"], zone),
                "duration": duration(f["duration_s"]),
                "gaps": "; ".join(f"{display_in_zone(g['start_t'], zone)} for "
                                  f"{duration(g['end_t'] - g['start_t'])}" for g in gaps) or "none",
                "sources": "; ".join(sorted({f"{r['original_name']} ({provider(r['importer'], r['original_name'])})"
                                             for r in files}))})
        ident = ", ".join(f"{word} {plane[key]}" for word, key in (
            ("registration", "registration"), ("Mode-S", "hex"), ("type", "type_code")) if plane.get(key))
        tables.append({"aircraft": plane["label"], "uuid": plane["uuid"], "ident": ident, "rows": rows})
    return tables


def flight_columns(report: "Report") -> list[tuple[str, str]]:
    """The flights table's columns: (key in a row, title)."""
    return [("route", "Route"), ("callsigns", "Callsigns"),
            ("departure", f"Departure ({report.zone_label})"), ("arrival", "Arrival"),
            ("duration", "Duration"), ("gaps", "Coverage gaps"), ("sources", "Data sources")]


def _covered(case: Case, flights: list[dict], zone: str) -> str:
    """The span of the case's dated records: flights, events and captures."""
    moments = []
    for plane in flight_queries.aircraft(case, [f["uuid"] for f in flights]):
        moments += [t for t in (plane["first_t"], plane["last_t"]) if t is not None]
    for event in views.event_rows(case):
        moments += [event["start"]["first_utc"]]
    for source in source_queries.list_sources(case):
        moments += [t for t in (source.get("first_captured_utc"), source.get("last_captured_utc")) if t]
    stamps = []
    for moment in moments:
        text = display_in_zone(moment, zone)
        if text:
            stamps.append(text[:10])
    return f"{min(stamps)} to {max(stamps)}" if stamps else "no dated records"


# ----------------------------------------------------------------------------- charts


def figure_svg(mode: str, data, title: str, key: str) -> Chart:
    fig = new_figure(*CHART_SIZE_PX)
    draw_chart(fig, mode, data)
    buffer = io.BytesIO()
    # No date and a fixed salt for clip-path ids: the same case gives the same SVG.
    with matplotlib.rc_context({"svg.hashsalt": "osintdesk", "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", facecolor="white", metadata={"Date": None})
    svg = buffer.getvalue().decode("utf-8")
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    return Chart(key, title, svg)


def _charts(case: Case, options: ReportOptions, aircraft_ids: list[str], cancelled) -> list[Chart]:
    charts = []
    whole = not (options.claims or options.tag)
    timeline = ChartRequest(tag=options.tag, zone=options.zone,
                            aircraft=None if whole or options.tag else tuple(aircraft_ids))
    data = timeline.load("timeline", case, cancelled=cancelled)
    if data.timeline is not None and data.timeline.items:
        charts.append(figure_svg("timeline", data, f"Timeline ({options.zone})", "timeline"))
    for plane in flight_queries.aircraft(case, aircraft_ids):
        if not plane["flights"]:
            continue
        request = ChartRequest(aircraft=plane["uuid"])
        data = request.load("map", case, cancelled=cancelled)
        charts.append(figure_svg("map", data, f"Flights of {plane['label']}", f"map-{plane['uuid']}"))
    if whole and finding_queries.links(case):
        data = ChartRequest().load("links", case, cancelled=cancelled)
        charts.append(figure_svg("links", data, "Link chart", "links"))
    return charts


# ----------------------------------------------------------------------------- exhibits


def _cited_source_ids(case: Case, claims: list[dict], whole: bool) -> list[str]:
    ids = []
    shown = {c["uuid"] for c in claims}
    for row in finding_queries.cited_sources(case):
        if (whole or (row["owner_kind"] == "claim" and row["owner_uuid"] in shown)) \
                and row["source_uuid"] not in ids:
            ids.append(row["source_uuid"])
    return ids


def _exhibits(case: Case, claims: list[dict], aircraft_ids: list[str], *, whole: bool,
              zone: str) -> list[dict]:
    exhibits = []
    for source_id in _cited_source_ids(case, claims, whole):
        source = source_queries.get_source(case, source_id)
        if source is None:
            continue
        exhibits.append(_source_exhibit(case, source, zone, len(exhibits) + 1))
    # The quoted passages, under the exhibit they come from (a quote cites a capture).
    for claim in claims:
        for citation in claim["citations"]:
            if citation["quote"]:
                for exhibit in exhibits:
                    if citation["id"] in exhibit["ids"] and citation["quote"] not in exhibit["quotes"]:
                        exhibit["quotes"].append(citation["quote"])
    files = set()
    for claim in claims:
        for item in (claim["check"] or {}).get("rests_on", []):
            files.update(f["import"] for f in item["files"])
        for citation in claim["citations"]:
            files.update(citation["files"])
    imports = (flight_queries.flight_imports(case) if whole else
               flight_queries.flight_imports(case, sorted(files | _imports_of(case, aircraft_ids))))
    for row in imports:
        exhibits.append(_flight_file_exhibit(row, zone, len(exhibits) + 1))
    return exhibits


def _imports_of(case: Case, aircraft_ids: list[str]) -> set[str]:
    found = set()
    for plane in flight_queries.aircraft(case, aircraft_ids):
        if plane["first_t"] is not None:
            found.update(r["uuid"] for r in flight_queries.files_behind(
                case, plane["uuid"], plane["first_t"], plane["last_t"]))
    return found


def _source_exhibit(case: Case, source: dict, zone: str, number: int) -> dict:
    captures = []
    for c in source_queries.captures_of(case, source["uuid"]):
        urls = [u for u in dict.fromkeys((c.get("requested_url"), c.get("final_url"))) if u]
        captures.append({
            "uuid": c["uuid"], "captured": display_in_zone(c["captured_utc"], zone, seconds=True),
            "published": c.get("published_date") or "not stated", "method": c["method"],
            "urls": urls, "server_ip": c.get("server_ip") or "",
            "examiner": c["examiner"], "title": c.get("title") or "",
            "hashes": [(label, c.get(key)) for key, label in (
                ("body_sha256", "body as received"), ("decoded_sha256", "body decoded"),
                ("warc_sha256", "WARC record"), ("evidence_sha256", "file"))
                if c.get(key)],
        })
    latest = source.get("latest_capture")
    text = source_queries.capture_text(case, latest) if latest else ""
    images = _capture_images(case, latest) if latest else []
    clipped = len(text) > PAGE_TEXT_CHARS
    return {"number": number, "anchor": f"exhibit-{number}", "kind": "source",
            "ids": {source["uuid"], *(c["uuid"] for c in captures)},
            "title": source.get("title") or source["name"], "name": source["name"],
            "what": f"{source['kind']} source" + (f", {source['url']}" if source.get("url") else ""),
            "grade": source.get("grading") or source_queries.grading(source) or "not assessed",
            "tags": source.get("tags") or "", "captures": captures, "quotes": [],
            "text": text[:PAGE_TEXT_CHARS], "images": images,
            "text_note": (f"the first {PAGE_TEXT_CHARS:,} of {len(text):,} characters; the whole "
                          "capture is in the case" if clipped else ""),
            "sha256": sorted({h for c in captures for _, h in c["hashes"]})}


def _capture_images(case: Case, capture_uuid: str) -> list[dict]:
    """The images a capture holds: the capture itself when it is a picture, else the
    pictures its page shows that the case recorded (never fetched); at most
    ``IMAGES_PER_EXHIBIT``, each with its SHA-256 and media type."""
    capture = source_queries.get_capture(case, capture_uuid)
    sha = source_queries.viewable_sha256(capture)
    media = (capture.get("media_type") or "").split(";")[0].strip().lower()
    if sha is None:
        return []
    if media in IMAGE_TYPES:
        if (capture.get("body_size") or 0) > MAX_IMAGE_BYTES:
            return []
        return [{"name": capture.get("original_name") or capture.get("title") or "",
                 "media_type": media, "sha256": sha, "data": case.read_artifact(sha)}]
    if media not in ("text/html", "application/xhtml+xml"):
        return []
    import urllib.parse

    import lxml.html
    try:
        page = lxml.html.fromstring(case.read_artifact(sha))
    except (ValueError, lxml.etree.ParserError):
        return []
    base = capture.get("final_url") or capture.get("requested_url") or ""
    found, seen = [], set()
    for img in page.iter("img"):
        src = (img.get("src") or "").strip()
        url = urllib.parse.urljoin(base, src) if src else ""
        if not url.startswith(("http://", "https://")) or url in seen:
            continue
        seen.add(url)
        held = source_queries.resource_for_url(case, url)
        media_type = ((held[1] if held else "") or "").split(";")[0].strip().lower()
        if held is None or media_type not in IMAGE_TYPES or len(held[0]) > MAX_IMAGE_BYTES:
            continue
        found.append({"name": url, "media_type": media_type, "sha256": sha256_hex(held[0]),
                      "data": held[0]})
        if len(found) == IMAGES_PER_EXHIBIT:
            break
    return found


def _flight_file_exhibit(row: dict, zone: str, number: int) -> dict:
    from ..findings.checks import provider
    return {"number": number, "anchor": f"exhibit-{number}", "kind": "flight-file",
            "ids": {row["uuid"]}, "title": row["original_name"] or row["uuid"],
            "name": row["original_name"] or "",
            "what": f"flight-data file from {provider(row['importer'], row['original_name'])} "
                    f"(read by {row['importer']} {row['importer_version']}): {row['points']:,} "
                    f"positions, {row['skipped']:,} rows skipped",
            "imported": display_in_zone(row["created_utc"], zone, seconds=True),
            "examiner": row["examiner"], "captures": [], "quotes": [], "text": "",
            "text_note": "", "sha256": [row["sha256"]], "grade": "", "tags": "", "images": []}


def _link_citations(report: Report) -> None:
    """Point each citation (and each file a check rests on) at its exhibits."""
    by_id = {}
    for exhibit in report.exhibits:
        for uuid in exhibit["ids"]:
            by_id.setdefault(uuid, []).append(exhibit["number"])
    for claim in report.claims:
        for citation in claim["citations"]:
            found = list(by_id.get(citation["id"], []))
            found += [n for uuid in citation["files"] for n in by_id.get(uuid, [])]
            citation["exhibits"] = sorted(set(found))
        for item in (claim["check"] or {}).get("rests_on", []):
            item["exhibits"] = sorted({n for f in item["files"] for n in by_id.get(f["import"], [])})


# ----------------------------------------------------------------------------- custody


def _custody(entries, zone: str) -> list[dict]:
    """Who did what, when: one row per examiner and action, with a count and the first and
    last time."""
    rows: dict[tuple[str, str], dict] = {}
    for entry in entries:
        key = (entry.examiner, entry.action)
        row = rows.setdefault(key, {"examiner": entry.examiner, "action": entry.action, "count": 0,
                                    "first": entry.time_utc, "last": entry.time_utc})
        row["count"] += 1
        row["last"] = entry.time_utc
    out = sorted(rows.values(), key=lambda r: (r["first"], r["examiner"], r["action"]))
    for row in out:
        row["first"] = display_in_zone(row["first"], zone)
        row["last"] = display_in_zone(row["last"], zone)
    return out
