"""Making a report: build the model, render it, write the file whole or not at all, and
record it in the case's reports register (file name, SHA-256, options, the audit head it
names, whether the case verified), audited like every record. The command line and the
window both make reports through ``make_report``."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from ..charts.export import format_by_suffix
from ..errors import InputError
from ..filebytes import partial_beside
from ..store import Case
from ..store.canonical import canonical_json, sha256_hex
from .html import render_html
from .model import Report, ReportOptions, build_report
from .pdf import render_pdf

FORMATS = {".html": "html", ".pdf": "pdf"}


@dataclass
class ReportResult:
    path: str
    format: str
    sha256: str
    size: int
    pages: int | None            # a PDF's page count
    audit_head: dict             # seq, hash: the head the report names
    verified: bool               # the case verified just before the report was made
    failures: list[str]
    recorded: bool               # in the reports register (not when the case is write-protected)
    register_id: str | None

    def as_dict(self) -> dict:
        return asdict(self)


def report_format(path) -> str:
    """'html' or 'pdf' from the file name; InputError naming the file otherwise."""
    return format_by_suffix(path, FORMATS, "write a report")


def check_output(path) -> str:
    """Refuse a bad output before any work: a wrong extension, a file that exists (a report
    is never written over), a folder that does not exist. Returns the format."""
    fmt = report_format(path)
    path = Path(path)
    if path.exists():
        raise InputError("already exists: a report is never written over another file; "
                         "choose a new name", path=path)
    if not path.parent.is_dir():
        raise InputError("the folder to write the report in does not exist", path=path.parent)
    return fmt


def render(report: Report, fmt: str) -> bytes:
    """The report's bytes as HTML (UTF-8) or PDF."""
    return render_html(report).encode("utf-8") if fmt == "html" else render_pdf(report)


def make_report(case: Case, path, options: ReportOptions, *, progress=None, cancelled=None,
                keyring=None) -> ReportResult:
    """Verify ``case``, build the report, render it to ``path`` (.html or .pdf) and record
    it in the reports register, in one transaction with the file: either both are there
    or neither. A write-protected case still gets its report, not recorded (``recorded``
    says so). InputError for a bad output, claim id, tag or zone, with nothing written."""
    fmt = check_output(path)
    report = build_report(case, options, progress=progress, cancelled=cancelled, keyring=keyring)
    data = render(report, fmt)
    result = ReportResult(path=str(path), format=fmt, sha256=sha256_hex(data), size=len(data),
                          pages=_pdf_pages(data) if fmt == "pdf" else None,
                          audit_head=report.audit_head, verified=report.verification["ok"],
                          failures=report.verification["failures"], recorded=False,
                          register_id=None)
    if case.readonly:
        _write_new(Path(path), data)
        return result
    with case.transaction():
        row = case.insert_record("report", {
            "file_name": Path(path).name, "format": fmt, "sha256": result.sha256,
            "size": result.size, "options": canonical_json(report.options.as_dict()).decode(),
            "audit_seq": report.audit_head["seq"], "audit_hash": report.audit_head["hash"],
            "verified": int(result.verified), "made_utc": report.made_utc,
            "app_version": report.app_version})
        _write_new(Path(path), data)   # a failure here rolls the register entry back
    result.recorded, result.register_id = True, row["uuid"]
    return result


def _pdf_pages(data: bytes) -> int:
    import io

    from pypdf import PdfReader
    return len(PdfReader(io.BytesIO(data)).pages)


def _write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all, never over an existing file: into a
    temporary file beside it, then linked to its name (which fails if the name was taken
    meanwhile)."""
    try:
        fd, temp = partial_beside(path)
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror or exc}", path=path) from exc
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            try:
                os.link(temp, path)
            except FileExistsError:
                raise
            except OSError:
                # No hard links (FAT and exFAT media): claim the name, then move into it.
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL))
                os.replace(temp, path)
        except FileExistsError:
            raise InputError("already exists: a report is never written over another file; "
                             "choose a new name", path=path) from None
        except OSError as exc:
            raise InputError(f"cannot write the report: {exc.strerror or exc}", path=path) from exc
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def register_rows(case: Case) -> list[dict]:
    """The reports register, oldest first, its options decoded."""
    rows = list(case.db.query("SELECT * FROM reports ORDER BY made_utc, uuid"))
    for row in rows:
        row["options"] = json.loads(row["options"])
        row["verified"] = bool(row["verified"])
    return rows
