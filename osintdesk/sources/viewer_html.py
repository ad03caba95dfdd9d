"""The HTML the offline viewer and the search results show: a source's heading, notes and
metadata, a stored page that is not HTML, a search snippet and "what changed" between captures.

Plain strings in and out (no Qt): the window puts them in its text views, tests read them.
Nothing here refers to anything outside the case: no remote URLs, only ``data:`` images.
"""

from __future__ import annotations

import base64
import html

from ..store import Case
from ..timefmt import display_time
from ..words import counted
from . import queries
from .annotations import CREDIBILITY, RELIABILITY
from .diff import CaptureDiff

# Backgrounds that mark text: an identifier found, a selector's hit, a search match.
IDENTIFIER_COLOUR = "#fff1a8"
SELECTOR_COLOUR = "#ffc98a"
SEARCH_COLOUR = "#a8e6a1"
CURRENT_HIT_COLOUR = "#ff9ecf"   # the hit a double-click opened
HIGHLIGHT = "#ffe066"          # the matched words in a search snippet
EQUAL_CONTEXT_LINES = 3        # unchanged lines kept either side of a change


def legend_html() -> str:
    """What the marks in the text mean."""
    return (f"<span style='background:{IDENTIFIER_COLOUR}'>&nbsp;identifier&nbsp;</span> "
            f"<span style='background:{SELECTOR_COLOUR}'>&nbsp;selector&nbsp;</span> "
            f"<span style='background:{SEARCH_COLOUR}'>&nbsp;search&nbsp;</span> "
            f"<span style='background:{CURRENT_HIT_COLOUR}'>&nbsp;opened hit&nbsp;</span>")


def snippet_html(snippet: str, highlights: list) -> str:
    """The snippet as HTML, each highlighted span marked."""
    out, last = [], 0
    for start, end in highlights:
        out.append(html.escape(snippet[last:start]))
        out.append(f"<span style='background:{HIGHLIGHT};font-weight:bold'>"
                   f"{html.escape(snippet[start:end])}</span>")
        last = end
    out.append(html.escape(snippet[last:]))
    return " ".join("".join(out).split())


def heading_html(source: dict) -> str:
    """Title, grade badge, URL or file name, how many captures, tags."""
    e = html.escape
    grade = queries.grading(source)
    badge = (f" <span style='background:#e8eefc;border:1px solid #9ab;padding:1px 4px'>"
             f"{e(grade)}</span>" if grade else "")
    where = source["url"] or source["name"]
    tags = (f"<br><span style='color:#555'>Tags: {e(source['tags'])}</span>"
            if source["tags"] else "")
    retired = ""
    if source.get("retired_utc"):
        why = f": {e(source['retired_reason'])}" if source.get("retired_reason") else ""
        retired = (f"<br><span style='color:#b00020'>Retired {e(display_time(source['retired_utc']))}"
                   f" by {e(source.get('retired_by') or '')}{why}</span>")
    title = e(source['title'] or '')
    if source.get("retired_utc"):
        title = f"<s>{title}</s>"
    return (f"<b>{title}</b>{badge}{retired}<br>"
            f"<span style='color:#555'>{e(where)}</span> — "
            f"{counted(source['captures'], 'capture')}{tags}")


def notes_html(source: dict, notes: list[dict], tags: list[dict],
               warnings: list[tuple[dict, str]] = ()) -> str:
    """What reading the captures could not do (``queries.source_warnings``, the program's
    words, apart from the notes), the notes, who tagged the source with what and when, and
    its grading."""
    e = html.escape
    parts = []
    for capture, warning in warnings:
        parts.append(f"<p style='color:#8a5a00'><b>Capture warning</b> "
                     f"({display_time(capture['captured_utc'])}): {e(warning)}</p>")
    for n in notes:
        parts.append(f"<p><span style='color:#555'>{e(n['examiner'])}, {display_time(n['created_utc'])}"
                     f"</span><br>{e(n['text']).replace(chr(10), '<br>')}</p>")
    if not notes:
        parts.append("<p><i>No notes yet.</i></p>")
    if tags:
        parts.append("<p><b>Tags</b>: " + ", ".join(
            f"{e(t['tag'])} <span style='color:#555'>({e(t['examiner'])}, "
            f"{display_time(t['created_utc'])})</span>" for t in tags) + "</p>")
    s = source
    if s["reliability"] or s["credibility"]:
        parts.append(f"<p><b>Grading</b>: {e(queries.grading(s))} — "
                     f"{e(RELIABILITY.get(s['reliability'], 'reliability not graded'))}; "
                     f"{e(CREDIBILITY.get(s['credibility'], 'credibility not graded'))} "
                     f"<span style='color:#555'>({e(s['assessed_by'] or '')}, "
                     f"{display_time(s['assessed_utc'])})</span></p>")
    return "".join(parts)


def image_html(data: bytes, media_type: str | None) -> str:
    """A stored image as a page of its own (a ``data:`` URL: nothing is requested)."""
    uri = "data:%s;base64,%s" % (media_type or "image/png", base64.b64encode(data).decode("ascii"))
    return f"<img src='{uri}' style='max-width:100%'>"


def text_page_html(text: str) -> str:
    """A capture that cannot be rendered, shown as its extracted text."""
    if not text:
        return "<p><i>No rendering for this type; see Metadata and Export original.</i></p>"
    return f"<pre style='white-space:pre-wrap'>{html.escape(text)}</pre>"


def capture_label(capture: dict) -> str:
    """One capture in a list of them: when, how, and the HTTP status."""
    label = f"{display_time(capture['captured_utc'])}  {capture['method']}"
    if capture.get("status") is not None:
        label += f"  HTTP {capture['status']}"
    return label


def _row(label: str, value, *, code: bool = False) -> str:
    if value is None or value == "":
        return ""
    text = html.escape(str(value))
    if code:
        text = f"<code>{text}</code>"
    return f"<tr><td style='color:#555;padding-right:12px' valign='top'>{html.escape(label)}</td><td>{text}</td></tr>"


def _table(rows: list[str]) -> str:
    rows = [r for r in rows if r]
    return f"<table cellspacing='2'>{''.join(rows)}</table>" if rows else ""


def metadata_html(case: Case, source: dict, capture: dict) -> str:
    """Everything known about a capture, as an HTML page (no remote references)."""
    e = html.escape
    c = capture
    published = c.get("published_date")
    if c.get("published_utc"):
        published = f"{published or ''} ({display_time(c['published_utc'])})".strip()
    when = (
        "<table border='1' cellspacing='0' cellpadding='4' style='border-color:#ccc'>"
        "<tr><th>Captured (UTC) — when it was obtained</th>"
        "<th>Published — the page's own date</th></tr>"
        f"<tr><td>{e(display_time(c.get('captured_utc')))}</td>"
        f"<td>{e(published or 'not stated')}"
        + (f"<br><span style='color:#555'>from {e(c['published_source'])}</span>"
           if c.get("published_source") else "") + "</td></tr></table>")
    redirects = " → ".join(f"{r['url']} ({r['status']})" for r in (c.get("redirects") or []))
    proxy = ("yes" + (f" ({c['proxy']})" if c.get("proxy") else "")) if c.get("proxy_used") else (
        "no" if c.get("proxy_used") is not None else None)
    tls = {1: "yes", 0: "NO (verification was turned off)"}.get(c.get("tls_verified"))
    capture_rows = [
        _row("Source", source.get("url") or source.get("name")),
        _row("How", {"web": "captured from the web", "file": "local file added",
                     "archive": "page inside a WARC/WACZ file"}.get(c["method"], c["method"])),
        _row("Requested URL", c.get("requested_url")),
        _row("Redirects", redirects),
        _row("Final URL", c.get("final_url")),
        _row("Status", f"{c['status']} {c.get('reason') or ''}".strip()
             if c.get("status") is not None else None),
        _row("Server IP", c.get("server_ip") or ("not seen (through a proxy)"
                                                 if c.get("proxy_used") else None)),
        _row("Started (UTC)", display_time(c.get("started_utc"))),
        _row("User agent", c.get("user_agent")),
        _row("Proxy used", proxy),
        _row("TLS verified", tls),
        _row("Examiner", c.get("examiner")),
        _row("Stored (UTC)", display_time(c.get("created_utc"))),
        _row("Software", c.get("software")),
        _row("osintdesk version", c.get("app_version")),
    ]
    doc_rows = [
        _row("Title", c.get("title")), _row("Author", c.get("author")), _row("Site", c.get("site")),
        _row("Canonical URL", c.get("canonical_url")), _row("Type", c.get("media_type")),
        _row("Charset", c.get("charset")), _row("Content encoding", c.get("content_encoding")),
        _row("Decoding", c.get("decode_error")), _row("Taken (camera clock)", c.get("taken_local")),
        _row("Taken (UTC)", display_time(c.get("taken_utc"))), _row("Camera", c.get("camera")),
        _row("GPS position", f"{c['geo_lat']:.6f}, {c['geo_lon']:.6f}"
             + (f", {c['geo_alt_m']} m" if c.get("geo_alt_m") is not None else "")
             if c.get("geo_lat") is not None else None),
    ]
    meta = c.get("metadata") if isinstance(c.get("metadata"), dict) else {}
    for key, value in sorted((meta.get("metadata") or {}).items()):
        doc_rows.append(_row(key, value))
    hash_rows = [
        _row("Body SHA-256", c.get("body_sha256"), code=True),
        _row("Body size", f"{c['body_size']:,} bytes" if c.get("body_size") is not None else None),
        _row("Decoded body SHA-256", c.get("decoded_sha256"), code=True),
        _row("WARC SHA-256", c.get("warc_sha256"), code=True),
        _row("Text SHA-256", c.get("text_sha256"), code=True),
        _row("Evidence file", c.get("original_name")),
        _row("Evidence SHA-256", c.get("evidence_sha256"), code=True),
        _row("Original path", c.get("original_path")),
        _row("File modified (UTC)", display_time(c.get("original_mtime_utc"))),
        _row("Archive member", c.get("archive_member")),
        _row("Record offset", c.get("record_offset")),
        _row("WARC record id", c.get("record_id")),
        _row("Payload digest", c.get("payload_digest"), code=True),
    ]
    parts = [f"<h3>When</h3>{when}", "<h3>Capture</h3>" + _table(capture_rows),
             "<h3>Document</h3>" + _table(doc_rows), "<h3>Hashes and files</h3>" + _table(hash_rows)]
    warnings = meta.get("warnings") or []
    if warnings:
        parts.append("<h3>Warnings</h3><ul>" + "".join(f"<li>{e(w)}</li>" for w in warnings)
                     + "</ul>")
    aircraft = queries.aircraft_for_source(case, source["uuid"])
    if aircraft:
        items = []
        for a in aircraft:
            flights = "".join(f"<li>{e(display_time(f['departure_utc']))} {e(f['origin'] or '?')} → "
                              f"{e(f['destination'] or '?')} {e(f['callsigns'] or '')}</li>"
                              for f in a["flights"])
            items.append(f"<li><b>{e(a['label'])}</b> — {counted(len(a['flights']), 'flight')} in this case"
                         + (f"<ul>{flights}</ul>" if flights else "") + "</li>")
        parts.append("<h3>Aircraft in this case named here</h3><ul>" + "".join(items) + "</ul>")
    hits = queries.identifier_hits(case, c["uuid"])
    if hits:
        rows = "".join(f"<tr><td>{e(h['kind'])}</td><td><b>{e(h['value'])}</b></td>"
                       f"<td>{e(h['text'])}</td><td>{e(h['field'])} {h['start_offset']}</td></tr>"
                       for h in hits)
        parts.append("<h3>Identifiers found</h3><table cellspacing='4'><tr><th>Kind</th>"
                     "<th>Value</th><th>As written</th><th>Where</th></tr>" + rows + "</table>")
    exif = meta.get("exif") or {}
    if exif:
        parts.append("<h3>EXIF</h3>" + _table([_row(k, v) for k, v in sorted(exif.items())]))
    for key, label in (("response_headers", "Response headers"),
                       ("request_headers", "Request headers (as sent)")):
        headers = c.get(key) or []
        if headers:
            parts.append(f"<h3>{label}</h3>" + _table([_row(k, v) for k, v in headers]))
    return "".join(parts)


def diff_html(result: CaptureDiff) -> str:
    """A readable "what changed" page: facts that differ, then the text, changes marked."""
    e = html.escape
    parts = [f"<p><b>{e(display_time(result.a['captured_utc']))}</b> → "
             f"<b>{e(display_time(result.b['captured_utc']))}</b>: {e(result.summary())}</p>"]
    if result.fields:
        rows = "".join(f"<tr><td style='color:#555'>{e(name)}</td><td>{e(str(old))}</td>"
                       f"<td>{e(str(new))}</td></tr>" for name, (old, new) in result.fields.items())
        parts.append("<table cellspacing='4'><tr><th></th><th>Before</th><th>After</th></tr>"
                     + rows + "</table>")
    if result.same_text:
        return "".join(parts)
    styles = {"delete": ("#fde2e2", "− "), "insert": ("#dff5df", "+ "), "equal": ("", "  ")}
    equal_run: list[str] = []

    def flush() -> None:
        keep = equal_run if len(equal_run) <= 2 * EQUAL_CONTEXT_LINES else (
            equal_run[:EQUAL_CONTEXT_LINES] + [f"… {counted(len(equal_run) - 2 * EQUAL_CONTEXT_LINES, 'unchanged line')} …"]
            + equal_run[-EQUAL_CONTEXT_LINES:])
        for line in keep:
            parts.append(f"<p style='margin:0;color:#666;white-space:pre-wrap'>  {e(line)}</p>")
        equal_run.clear()

    for line in result.lines:
        if line.op == "equal":
            equal_run.append(line.text)
            continue
        flush()
        colour, mark = styles[line.op]
        if line.words:
            tag = "s" if line.op == "delete" else "b"
            body = "".join(e(text) if op == "equal" else f"<{tag}>{e(text)}</{tag}>"
                           for op, text in line.words)
        else:
            body = e(line.text)
        parts.append(f"<p style='margin:0;background:{colour};white-space:pre-wrap'>"
                     f"{mark}{body}</p>")
    flush()
    return "".join(parts)
