"""The report as PDF, with fpdf2 from the same model as the HTML: the charts embedded as
vectors (matplotlib's SVG drawn as PDF paths, never a bitmap), DejaVu fonts (shipped with
matplotlib: Latin, Cyrillic and Greek), the banner at the head and foot of every page and
"Page N of M" in the footer."""

from __future__ import annotations

import io
import re
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from ..timefmt import parse_record
from .model import Report, flight_columns
from ..words import counted

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONTS = {("DejaVu", ""): "DejaVuSans.ttf", ("DejaVu", "B"): "DejaVuSans-Bold.ttf",
         ("DejaVu", "I"): "DejaVuSans-Oblique.ttf", ("DejaVu", "BI"): "DejaVuSans-BoldOblique.ttf",
         ("DejaVuMono", ""): "DejaVuSansMono.ttf"}
RED, GREEN, GREY, DARK_RED = (176, 0, 32), (11, 93, 30), (90, 90, 90), (139, 0, 0)
HEADINGS = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))


class ReportPDF(FPDF):
    """A page with the banner above and below and the page count in the footer."""

    def __init__(self, report: Report):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report = report
        for (family, style), name in FONTS.items():
            self.add_font(family, style, str(FONT_DIR / name))
        self.set_margins(18, 20, 18)
        self.set_auto_page_break(True, margin=20)
        self.alias_nb_pages("{nb}")
        self.set_title(report.title)
        self.set_author(", ".join(report.case["examiners"]))
        self.set_creator("osintdesk")
        self.set_producer(f"osintdesk {report.app_version}")
        self.set_creation_date(parse_record(report.made_utc))

    def header(self) -> None:
        banner = self.report.options.banner
        if banner:
            self.set_y(7)
            self.set_font("DejaVu", "B", 10)
            self.set_text_color(*DARK_RED)
            self.cell(0, 6, banner, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(0)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(-15)
        banner = self.report.options.banner
        if banner:
            self.set_font("DejaVu", "B", 9)
            self.set_text_color(*DARK_RED)
            self.cell(0, 5, banner, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("DejaVu", "", 7.5)
        self.set_text_color(*GREY)
        head = self.report.audit_head
        self.cell(0, 4, f"{self.report.title} · audit entry {head['seq']} "
                        f"{head['hash'][:16]}…", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0)

    # --------------------------------------------------------------------- helpers

    def heading(self, text: str, level: int = 1, *, new_page: bool = False, link=None) -> None:
        if new_page:
            self.add_page()
        elif self.will_page_break(20 if level == 1 else 14):
            self.add_page()
        self.set_font("DejaVu", "B", 15 if level == 1 else 11.5)
        if link is not None:
            self.set_link(link, y=self.get_y(), page=self.page_no())
        self.multi_cell(0, 8 if level == 1 else 6, text, align="L", new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)
        if level == 1:
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
            self.ln(2)
        self.set_font("DejaVu", "", 9.5)

    def para(self, text: str, *, size: float = 9.5, style: str = "", color=(0, 0, 0),
             height: float = 5) -> None:
        self.set_font("DejaVu", style, size)
        self.set_text_color(*color)
        self.multi_cell(0, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)
        self.set_font("DejaVu", "", 9.5)

    def key_values(self, rows: list[tuple[str, str]], *, mono: set[str] = frozenset()) -> None:
        self.set_font("DejaVu", "", 8.5)
        with self.table(col_widths=(32, 100), first_row_as_headings=False, line_height=4.5,
                        padding=1, text_align="LEFT") as table:
            for key, value in rows:
                row = table.row()
                row.cell(key, style=FontFace(emphasis="BOLD"))
                row.cell(value, style=FontFace(family="DejaVuMono", size_pt=7.5) if key in mono else None)
        self.ln(2)
        self.set_font("DejaVu", "", 9.5)

    def grid(self, header: list[str], rows: list[list], widths: tuple, size: float = 7.5) -> None:
        self.set_font("DejaVu", "", size)
        with self.table(col_widths=widths, headings_style=HEADINGS, line_height=size * 0.5,
                        padding=0.8, text_align="LEFT") as table:
            table.row(header)
            for cells in rows:
                row = table.row()
                for cell in cells:
                    if isinstance(cell, tuple):   # (text, link)
                        row.cell(cell[0], link=cell[1])
                    else:
                        row.cell(str(cell))
        self.ln(2)
        self.set_font("DejaVu", "", 9.5)

    def svg(self, svg: str) -> None:
        width = self.w - self.l_margin - self.r_margin
        height = width * 640 / 1100
        if self.will_page_break(height):
            self.add_page()
        self.image(io.BytesIO(pdf_svg(svg).encode("utf-8")), x=self.l_margin, w=width)
        self.ln(3)


_PATTERN = re.compile(r"<pattern\b.*?</pattern>", re.S)
_PATTERN_FILL = re.compile(r"fill:\s*url\(#[^)]*\)")


def pdf_svg(svg: str) -> str:
    """matplotlib's SVG as fpdf2 can draw it. fpdf2 has no hatch patterns: a coverage gap's
    hatching becomes white (nothing seen) inside its dashed outline, never a filled bar that
    could be read as flown."""
    return _PATTERN_FILL.sub("fill: #ffffff", _PATTERN.sub("", svg))


def render_pdf(report: Report) -> bytes:
    """The whole report as PDF bytes."""
    pdf = ReportPDF(report)
    # Placed on page 1 for now: the exhibits come after the findings that link to them, and
    # each link is moved to its exhibit's heading when that is written.
    exhibit_links = {ex["number"]: pdf.add_link(page=1) for ex in report.exhibits}
    _cover(pdf, report)
    _findings(pdf, report, exhibit_links)
    _charts(pdf, report)
    _flights(pdf, report)
    _exhibits(pdf, report, exhibit_links)
    _custody(pdf, report)
    _hashes(pdf, report)
    if report.log is not None:
        _appendix(pdf, report)
    return bytes(pdf.output())


def _cover(pdf: ReportPDF, report: Report) -> None:
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 20)
    pdf.multi_cell(0, 10, report.title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    v = report.verification
    if v["ok"]:
        pdf.para("The case verified: every exhibit's hash, the audit chain and every record "
                 "matched when this report was made.", size=13, style="B", color=GREEN, height=7)
    else:
        count = len(v["failures"])
        pdf.set_fill_color(*RED)
        pdf.set_text_color(255)
        pdf.set_font("DejaVu", "B", 18)
        pdf.multi_cell(0, 9, f"THE CASE FAILED VERIFICATION: {count} problem{'s' if count != 1 else ''} "
                             "found when this report was made. Do not rely on it before they are "
                             "explained.", fill=True, align="L", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
        pdf.set_text_color(0)
        pdf.set_fill_color(255)   # the tables below fill with the current colour
        pdf.ln(1)
        for failure in v["failures"]:
            pdf.para(f"• {failure}", size=8.5, color=RED)
    pdf.ln(3)
    case = report.case
    checked = ", ".join(f"{k} {n}" for k, n in sorted(v["checked"].items()))
    pdf.key_values([
        ("Case", case["title"] + (f" (number {case['number']})" if case["number"] else "")),
        ("Case id", case["uuid"]),
        ("Examiners", ", ".join(case["examiners"])),
        ("Dates covered", report.covered),
        ("Claims reported", report.scope),
        ("Report made", f"{report.made} with osintdesk {report.app_version}"),
        ("Times shown in", report.zone_label),
        ("Audit chain head", f"entry {report.audit_head['seq']}, {report.audit_head['hash']}"),
        ("Verification", ("holds" if v["ok"] else "FAILED") + (f" ({checked})" if checked else "")),
    ], mono={"Case id"})
    if case.get("description"):
        pdf.para(case["description"])
    for note in v["notes"]:
        pdf.para(f"Note: {note}", size=8, color=GREY)


def _exhibit_text(numbers) -> str:
    return ", ".join(f"Exhibit {n}" for n in numbers) or "–"


def _findings(pdf: ReportPDF, report: Report, links: dict) -> None:
    pdf.heading("Findings", new_page=True)
    if not report.claims:
        pdf.para("No claims are reported.")
    for n, claim in enumerate(report.claims, 1):
        pdf.heading(f"Claim {n}. {claim['text']}", level=2)
        pdf.para(f"Status: {claim['status']} · confidence: {claim['confidence'] or 'not stated'} · "
                 f"citations: {claim['supporting']} supporting, {claim['contradicting']} "
                 f"contradicting · {counted(claim['independent_sources'], 'independent source')}", size=8.5)
        check = claim["check"]
        if check:
            color = {"supported": GREEN, "contradicted": RED}.get(check["result"], (138, 90, 0))
            pdf.para(f"Flight-data check: {claim['assertion']}: {check['result'].upper()}: "
                     f"{check['reason']}", size=8.5, style="B", color=color)
            for item in check["rests_on"]:
                files = ", ".join(f["file"] or "" for f in item["files"])
                pdf.para(f"  – {item['label']}" + (f" ({files}: {_exhibit_text(item.get('exhibits', []))})"
                                                   if files else ""), size=8)
        if claim["citations"]:
            rows = []
            for c in claim["citations"]:
                text = c["label"] + (f"\n“{c['quote']}”" if c["quote"] else "") + \
                    (f"\n{c['note']}" if c["note"] else "")
                first = c["exhibits"][0] if c["exhibits"] else None
                rows.append([text, c["stance"], c["grade"] or "–",
                             (_exhibit_text(c["exhibits"]), links[first]) if first else "–"])
            pdf.grid(["Evidence", "Stance", "Grade", "Exhibit"], rows, (90, 22, 14, 28), size=8)
        else:
            pdf.para("No citations.", size=8.5)
        pdf.ln(2)


def _charts(pdf: ReportPDF, report: Report) -> None:
    pdf.heading("Timeline, maps and links", new_page=True)
    if not report.charts:
        pdf.para("The case holds nothing to chart.")
    for n, chart in enumerate(report.charts, 1):
        if pdf.will_page_break(110):
            pdf.add_page()
        pdf.para(f"Figure {n}. {chart.title}", style="B")
        pdf.svg(chart.svg)


def _flights(pdf: ReportPDF, report: Report) -> None:
    pdf.heading("Flights", new_page=True)
    if not report.flights:
        pdf.para("No flights are reported.")
    for plane in report.flights:
        pdf.heading(plane["aircraft"], level=2)
        pdf.para(plane["ident"], size=8, color=GREY)
        if not plane["rows"]:
            pdf.para("No flights in the case.")
            continue
        columns = flight_columns(report)
        pdf.grid([title for _, title in columns], [[r[k] for k, _ in columns] for r in plane["rows"]],
                 (22, 18, 24, 24, 16, 28, 42), size=7)


def _exhibits(pdf: ReportPDF, report: Report, links: dict) -> None:
    pdf.heading("Exhibits", new_page=True)
    if not report.exhibits:
        pdf.para("No exhibits are cited.")
    for ex in report.exhibits:
        pdf.heading(f"Exhibit {ex['number']}. {ex['title']}", level=2, link=links[ex["number"]])
        rows = [("What", ex["what"])]
        if ex["kind"] == "source":
            rows += [("File or page", ex["name"]), ("Source grade", ex["grade"])]
            if ex["tags"]:
                rows.append(("Tags", ex["tags"]))
            pdf.key_values(rows)
        else:
            rows += [("Imported", ex["imported"]), ("Examiner", ex["examiner"]),
                     ("SHA-256", ex["sha256"][0])]
            pdf.key_values(rows, mono={"SHA-256"})
        for cap in ex["captures"]:
            rows = [("Capture", cap["title"] or "–"),
                    ("Captured", f"{cap['captured']} by {cap['examiner']} ({cap['method']})"),
                    ("Published", f"{cap['published']} (the page's own date)")]
            rows += [("URL", url) for url in cap["urls"]]
            if cap["server_ip"]:
                rows.append(("Server IP", cap["server_ip"]))
            hash_keys = set()
            for label, sha in cap["hashes"]:
                key = f"SHA-256 ({label})"
                hash_keys.add(key)
                rows.append((key, sha))
            pdf.key_values(rows, mono=hash_keys)
        if ex["quotes"]:
            pdf.para("Passages quoted in the findings", style="B", size=9)
            for quote in ex["quotes"]:
                pdf.para(f"“{quote}”", style="I", size=9)
        for image in ex["images"]:
            _image(pdf, image)
        if ex["text"]:
            pdf.para("The page's text" + (f" ({ex['text_note']})" if ex["text_note"] else ""),
                     style="B", size=9)
            pdf.set_fill_color(246, 246, 246)
            pdf.set_font("DejaVu", "", 8)
            pdf.multi_cell(0, 4, ex["text"], fill=True, align="L", new_x=XPos.LMARGIN,
                           new_y=YPos.NEXT)
            pdf.set_fill_color(255)
            pdf.ln(3)


def _image(pdf: ReportPDF, image: dict) -> None:
    """A picture an exhibit holds, embedded as stored (a JPEG stays the JPEG captured), at
    most 80 mm wide and 90 mm high, with its SHA-256 under it."""
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(io.BytesIO(image["data"])) as picture:
            width_px, height_px = picture.size
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError) as exc:
        pdf.para(f"(the picture {image['name']} cannot be drawn here: {exc}; its bytes are in "
                 "the case)", size=8, color=GREY)
        return
    scale = min(80 / width_px, 90 / height_px, 25.4 / 96)   # mm per pixel, never enlarged
    width, height = width_px * scale, height_px * scale
    if pdf.will_page_break(height + 8):
        pdf.add_page()
    pdf.image(io.BytesIO(image["data"]), x=pdf.l_margin, w=width, h=height)
    pdf.para(f"{image['name']}, SHA-256 {image['sha256']}", size=7.5, color=GREY)
    pdf.ln(2)


def _custody(pdf: ReportPDF, report: Report) -> None:
    pdf.heading("Chain of custody", new_page=True)
    pdf.para("Every change to the case is an entry in its audit log, each chained to the one "
             f"before by SHA-256. The log had {report.audit_head['seq']} entries when this report "
             f"was made. Who did what, when ({report.zone_label}):")
    pdf.ln(1)
    pdf.grid(["Examiner", "Action", "Entries", "First", "Last"],
             [[r["examiner"], r["action"], str(r["count"]), r["first"], r["last"]]
              for r in report.custody], (40, 30, 16, 44, 44), size=8)
    if report.log is None:
        pdf.para("The full log is not appended to this report (osintdesk log CASE prints it).",
                 size=8, color=GREY)


def _hashes(pdf: ReportPDF, report: Report) -> None:
    pdf.heading("What a hash proves and what it does not", new_page=False)
    for heading, text in report.hash_explained:
        pdf.para(heading, style="B", size=10)
        pdf.para(text)
        pdf.ln(1)


def _appendix(pdf: ReportPDF, report: Report) -> None:
    pdf.heading("Appendix: the audit log", new_page=True)
    pdf.grid(["#", f"Time ({report.zone_label})", "Examiner", "Action", "Object", "Entry hash"],
             [[str(e["seq"]), e["time"], e["examiner"], e["action"], e["object"], e["entry_hash"]]
              for e in report.log], (8, 28, 24, 16, 50, 48), size=6.5)
