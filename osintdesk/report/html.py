"""The report as one self-contained HTML file: styles and charts inline (SVG), no script,
no reference to anything outside the file, readable offline and printable (the banner and
the case's audit head are repeated on every printed page)."""

from __future__ import annotations

import base64
import re
from html import escape

from .model import Report, flight_columns
from ..words import counted

CSS = """
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 10.5pt;
       color: #111; max-width: 60em; margin: 0 auto; padding: 0 1em 3em; line-height: 1.4; }
h1 { font-size: 20pt; margin: 0.4em 0 0.2em; }
h2 { font-size: 15pt; border-bottom: 1px solid #999; margin-top: 1.6em; }
h3 { font-size: 12pt; margin: 1.2em 0 0.3em; }
table { border-collapse: collapse; width: 100%; margin: 0.4em 0 0.8em; }
th, td { border: 1px solid #bbb; padding: 2px 5px; text-align: left; vertical-align: top; }
th { background: #eee; }
td.hash, span.hash { font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt;
                     word-break: break-all; }
.banner { text-align: center; font-weight: bold; letter-spacing: 0.1em; color: #8b0000;
          border: 2px solid #8b0000; padding: 2px; margin: 0.4em 0; }
.verdict { font-size: 17pt; font-weight: bold; padding: 0.4em; margin: 0.6em 0; }
.verdict.ok { color: #0b5d1e; border: 3px solid #0b5d1e; }
.verdict.failed { color: #fff; background: #b00020; }
.claim { border-left: 4px solid #555; padding-left: 0.8em; margin: 1.2em 0; page-break-inside: avoid; }
.claim-text { font-size: 12pt; font-weight: bold; }
.result-supported { color: #0b5d1e; font-weight: bold; }
.result-contradicted { color: #b00020; font-weight: bold; }
.result-not-covered { color: #8a5a00; font-weight: bold; }
blockquote { border-left: 3px solid #bbb; margin: 0.3em 0 0.3em 0.5em; padding-left: 0.6em;
             font-style: italic; }
pre.page-text { white-space: pre-wrap; font-family: "DejaVu Sans", sans-serif; font-size: 9pt;
                background: #f6f6f6; border: 1px solid #ddd; padding: 0.5em; }
figure { margin: 0.8em 0; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; }
figcaption { font-weight: bold; }
.small { font-size: 8.5pt; color: #444; }
.page-head, .page-foot { display: none; }
@media print {
  body { max-width: none; }
  .page-head, .page-foot { display: block; position: fixed; left: 0; right: 0;
                           font-size: 8pt; text-align: center; }
  .page-head { top: 0; } .page-foot { bottom: 0; color: #444; }
  h2 { page-break-before: always; }
}
"""


def render_html(report: Report) -> str:
    """The whole report as one HTML document (text)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(report.title)}</title>",
        f"<style>{CSS}</style></head><body>",
    ]
    banner = report.options.banner
    if banner:
        parts.append(f'<div class="banner">{_e(banner)}</div>')
    parts += _cover(report)
    parts += _findings(report)
    parts += _charts(report)
    parts += _flights(report)
    parts += _exhibits(report)
    parts += _custody(report)
    parts += _hashes(report)
    if report.log is not None:
        parts += _appendix(report)
    if banner:
        parts.append(f'<div class="banner">{_e(banner)}</div>')
    # Printed, these two repeat at the head and foot of every page (fixed boxes); on screen
    # they are hidden, and a viewer that ignores the styles shows them once, at the end.
    head = _e(f"{report.title} · case {report.case['uuid']} · audit entry "
              f"{report.audit_head['seq']}")
    if banner:
        parts.append(f'<div class="page-head banner">{_e(banner)}</div>')
    parts.append(f'<div class="page-foot">{(_e(banner) + " · ") if banner else ""}{head}</div>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _e(text) -> str:
    return escape("" if text is None else str(text))


def _row(cells, header: bool = False, classes=()) -> str:
    tag = "th" if header else "td"
    out = []
    for n, cell in enumerate(cells):
        cls = f' class="{classes[n]}"' if n < len(classes) and classes[n] else ""
        out.append(f"<{tag}{cls}>{cell}</{tag}>")
    return "<tr>" + "".join(out) + "</tr>"


def _cover(report: Report) -> list[str]:
    v = report.verification
    case = report.case
    out = [f"<h1>{_e(report.title)}</h1>"]
    if v["ok"]:
        out.append('<div class="verdict ok">The case verified: every exhibit\'s hash, the audit '
                   'chain and every record matched when this report was made.</div>')
    else:
        out.append(f'<div class="verdict failed">THE CASE FAILED VERIFICATION: '
                   f'{len(v["failures"])} problem{"s" if len(v["failures"]) != 1 else ""} found '
                   f'when this report was made. Do not rely on it before they are explained.</div>')
        out.append("<ul>" + "".join(f"<li>{_e(f)}</li>" for f in v["failures"]) + "</ul>")
    rows = [("Case", f"{_e(case['title'])}" + (f" (number {_e(case['number'])})" if case["number"] else "")),
            ("Case id", f'<span class="hash">{_e(case["uuid"])}</span>'),
            ("Examiners", _e(", ".join(case["examiners"]))),
            ("Dates covered", _e(report.covered)),
            ("Claims reported", _e(report.scope)),
            ("Report made", f"{_e(report.made)} with osintdesk {_e(report.app_version)}"),
            ("Times shown in", _e(report.zone_label)),
            ("Audit chain head", f"entry {report.audit_head['seq']}, "
                                 f'<span class="hash">{_e(report.audit_head["hash"])}</span>'),
            ("Verification", ("holds" if v["ok"] else "FAILED") + _e(
                f" ({', '.join(f'{k} {n}' for k, n in sorted(v['checked'].items()))})"))]
    out.append("<table>" + "".join(_row([f"<b>{k}</b>", val]) for k, val in rows) + "</table>")
    if case.get("description"):
        out.append(f"<p>{_e(case['description'])}</p>")
    for note in v["notes"]:
        out.append(f'<p class="small">Note: {_e(note)}</p>')
    return out


def _exhibit_links(numbers) -> str:
    return ", ".join(f'<a href="#exhibit-{n}">Exhibit {n}</a>' for n in numbers)


def _findings(report: Report) -> list[str]:
    out = ['<h2 id="findings">Findings</h2>']
    if not report.claims:
        out.append("<p>No claims are reported.</p>")
    for n, claim in enumerate(report.claims, 1):
        out.append(f'<div class="claim" id="claim-{_e(claim["uuid"])}">')
        out.append(f'<p class="claim-text">Claim {n}. {_e(claim["text"])}</p>')
        out.append(f"<p>Status: <b>{_e(claim['status'])}</b> · confidence: "
                   f"<b>{_e(claim['confidence'] or 'not stated')}</b> · "
                   f"citations: {claim['supporting']} supporting, {claim['contradicting']} "
                   f"contradicting · {counted(claim['independent_sources'], 'independent source')}</p>")
        check = claim["check"]
        if check:
            cls = "result-" + check["result"].replace(" ", "-")
            out.append(f"<p>Flight-data check: {_e(claim['assertion'])}: "
                       f'<span class="{cls}">{_e(check["result"])}</span>: {_e(check["reason"])}</p>')
            if check["rests_on"]:
                out.append("<ul>" + "".join(
                    f"<li>{_e(item['label'])}"
                    + (f" ({_e(', '.join(f['file'] or '' for f in item['files']))}: "
                       f"{_exhibit_links(item.get('exhibits', []))})" if item["files"] else "")
                    + "</li>" for item in check["rests_on"]) + "</ul>")
        if claim["citations"]:
            out.append("<table>" + _row(["Evidence", "Stance", "Grade", "Exhibit"], header=True))
            for c in claim["citations"]:
                cell = _e(c["label"])
                if c["quote"]:
                    cell += f"<blockquote>“{_e(c['quote'])}”</blockquote>"
                if c["note"]:
                    cell += f'<div class="small">{_e(c["note"])}</div>'
                out.append(_row([cell, _e(c["stance"]), _e(c["grade"] or "–"),
                                 _exhibit_links(c["exhibits"]) or "–"]))
            out.append("</table>")
        else:
            out.append("<p>No citations.</p>")
        out.append("</div>")
    return out


_ID = re.compile(r'\bid="([^"]+)"')


def inline_svg(svg: str, prefix: str) -> str:
    """matplotlib's SVG made fit to sit inside HTML: no XML declaration, no DOCTYPE and no
    namespace URLs (HTML knows <svg>), its ids prefixed so several charts do not clash."""
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>", "", svg)
    svg = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", svg)
    for old in set(_ID.findall(svg)):
        svg = svg.replace(f'id="{old}"', f'id="{prefix}{old}"')
        svg = svg.replace(f'href="#{old}"', f'href="#{prefix}{old}"')
        svg = svg.replace(f"url(#{old})", f"url(#{prefix}{old})")
    return svg.strip()


def _section(anchor: str, title: str, items: list, empty: str) -> list[str]:
    """A section's heading, and what to say when it has nothing to show."""
    return [f'<h2 id="{anchor}">{_e(title)}</h2>'] + ([] if items else [f"<p>{_e(empty)}</p>"])


def _charts(report: Report) -> list[str]:
    out = _section("charts", "Timeline, maps and links", report.charts,
                   "The case holds nothing to chart.")
    for n, chart in enumerate(report.charts, 1):
        out.append(f'<figure id="chart-{_e(chart.key)}"><figcaption>Figure {n}. {_e(chart.title)}'
                   f"</figcaption>{inline_svg(chart.svg, f'c{n}-')}</figure>")
    return out


def _flights(report: Report) -> list[str]:
    out = _section("flights", "Flights", report.flights, "No flights are reported.")
    for plane in report.flights:
        out.append(f"<h3>{_e(plane['aircraft'])}</h3><p class=\"small\">{_e(plane['ident'])}</p>")
        if not plane["rows"]:
            out.append("<p>No flights in the case.</p>")
            continue
        out.append("<table>" + _row([_e(title) for _, title in flight_columns(report)], header=True))
        for r in plane["rows"]:
            out.append(_row([_e(r[k]) for k, _ in flight_columns(report)]))
        out.append("</table>")
    return out


def _exhibits(report: Report) -> list[str]:
    out = _section("exhibits", "Exhibits", report.exhibits, "No exhibits are cited.")
    for ex in report.exhibits:
        out.append(f'<h3 id="{ex["anchor"]}">Exhibit {ex["number"]}. {_e(ex["title"])}</h3>')
        rows = [("What", _e(ex["what"]))]
        if ex["kind"] == "source":
            rows += [("File or page", _e(ex["name"])), ("Source grade", _e(ex["grade"]))]
            if ex["tags"]:
                rows.append(("Tags", _e(ex["tags"])))
        else:
            rows += [("Imported", _e(ex["imported"])), ("Examiner", _e(ex["examiner"])),
                     ("SHA-256", f'<span class="hash">{_e(ex["sha256"][0])}</span>')]
        out.append("<table>" + "".join(_row([f"<b>{k}</b>", v]) for k, v in rows) + "</table>")
        for cap in ex["captures"]:
            rows = [("Captured", f"{_e(cap['captured'])} by {_e(cap['examiner'])} ({_e(cap['method'])})"),
                    ("Published (the page's own date)", _e(cap["published"]))]
            for url in cap["urls"]:
                rows.append(("URL", _e(url)))
            if cap["server_ip"]:
                rows.append(("Server IP", _e(cap["server_ip"])))
            for label, sha in cap["hashes"]:
                rows.append((f"SHA-256 ({_e(label)})", f'<span class="hash">{_e(sha)}</span>'))
            out.append(f"<p><b>Capture</b> {_e(cap['title'])}</p><table>"
                       + "".join(_row([f"<b>{k}</b>", v]) for k, v in rows) + "</table>")
        if ex["quotes"]:
            out.append("<p><b>Passages quoted in the findings</b></p>")
            out += [f"<blockquote>“{_e(q)}”</blockquote>" for q in ex["quotes"]]
        for image in ex["images"]:
            # The picture's own bytes, inline: the file stays self-contained.
            encoded = base64.b64encode(image["data"]).decode("ascii")
            out.append(f'<figure><img src="data:{image["media_type"]};base64,{encoded}" '
                       f'alt="{_e(image["name"])}" style="max-width: 60%; height: auto">'
                       f'<figcaption class="small">{_e(image["name"])}, SHA-256 '
                       f'<span class="hash">{_e(image["sha256"])}</span></figcaption></figure>')
        if ex["text"]:
            note = f' <span class="small">({_e(ex["text_note"])})</span>' if ex["text_note"] else ""
            out.append(f"<p><b>The page's text</b>{note}</p><pre class=\"page-text\">{_e(ex['text'])}</pre>")
    return out


def _custody(report: Report) -> list[str]:
    out = ['<h2 id="custody">Chain of custody</h2>',
           f"<p>Every change to the case is an entry in its audit log, each chained to the one "
           f"before by SHA-256. The log had {report.audit_head['seq']} entries when this report "
           f"was made. Who did what, when ({_e(report.zone_label)}):</p>",
           "<table>" + _row(["Examiner", "Action", "Entries", "First", "Last"], header=True)]
    out += [_row([_e(r["examiner"]), _e(r["action"]), str(r["count"]), _e(r["first"]), _e(r["last"])])
            for r in report.custody]
    out.append("</table>")
    if report.log is None:
        out.append('<p class="small">The full log is not appended to this report '
                   "(osintdesk log CASE prints it).</p>")
    return out


def _hashes(report: Report) -> list[str]:
    out = ['<h2 id="hashes">What a hash proves and what it does not</h2>']
    for heading, text in report.hash_explained:
        out.append(f"<h3>{_e(heading)}</h3><p>{_e(text)}</p>")
    return out


def _appendix(report: Report) -> list[str]:
    out = ['<h2 id="appendix">Appendix: the audit log</h2>',
           "<table>" + _row(["#", f"Time ({_e(report.zone_label)})", "Examiner", "Action",
                             "Object", "Entry hash"], header=True)]
    out += [_row([str(e["seq"]), _e(e["time"]), _e(e["examiner"]), _e(e["action"]),
                  _e(e["object"]), _e(e["entry_hash"])], classes=("", "", "", "", "", "hash"))
            for e in report.log]
    out.append("</table>")
    return out
