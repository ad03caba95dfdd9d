"""Local files as sources: each file is stored write-once as evidence and read for what it says.

HTML, PDF, images (EXIF time, camera and GPS kept as data), text and Markdown become one
source each; every HTML page inside a WARC or WACZ becomes a source of its own (a capture
of its URL at the record's date, so it sits beside live captures of the same URL).

A batch of files is all or nothing: a file that cannot be read raises :class:`InputError`
naming it and the case is left as it was. A file already in the case adds nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .acquire.documents import ArchivePage, EvidenceFile
from .acquire.files import read_evidence_file
from ..errors import Cancelled, InputError, ReadOnlyCaseError
from ..store import Case
from ..store.artifacts import ArtifactChanged
from ..timefmt import record_stamp, record_stamp_or_none
from ..words import counted
from .ingest import ensure_source, file_identity, store_capture, url_identity

Progress = Callable[[int, "int | None"], None]
IsCancelled = Callable[[], bool]
UNITS_PER_FILE = 1000
ARCHIVE_KINDS = ("warc", "wacz")


@dataclass
class FileOutcome:
    """What adding one file did. ``added`` is False when the file was already in the case."""

    file: str
    evidence: str
    sha256: str
    size: int
    kind: str
    added: bool
    message: str
    sources: list[dict] = field(default_factory=list)   # uuid, name, capture, new_source
    warnings: list[str] = field(default_factory=list)
    resources: int = 0   # WARC/WACZ: images, stylesheets... kept for the offline viewer

    def as_dict(self) -> dict:
        return asdict(self)


def add_files(case: Case, paths: Iterable[str | Path], progress: Progress | None = None,
              cancelled: IsCancelled | None = None) -> list[FileOutcome]:
    """Add files as evidence and sources, all in one transaction (all or nothing)."""
    if case.readonly:
        raise ReadOnlyCaseError("is open read-only; nothing was added", path=case.path)
    paths = [Path(p) for p in paths]
    total = len(paths) * UNITS_PER_FILE
    outcomes = []
    with case.transaction():
        for index, path in enumerate(paths):
            base = index * UNITS_PER_FILE

            def step(done: int, size: int | None, _base=base) -> None:
                if progress:
                    fraction = min(done / size, 1.0) if size else 0.0
                    progress(_base + int(fraction * UNITS_PER_FILE * 0.5), total)
            outcomes.append(add_file(case, path, step, cancelled))
            if progress:
                progress(base + UNITS_PER_FILE, total)
    return outcomes


def add_file(case: Case, path: Path, progress: Progress | None = None,
             cancelled: IsCancelled | None = None) -> FileOutcome:
    """Add one file (inside the caller's transaction). Raises :class:`InputError` naming it."""
    path = Path(path)
    if not path.exists():
        raise InputError("no such file", path=path)
    if not path.is_file():
        raise InputError("is not a file", path=path)
    read = read_evidence_file(path, progress=progress, cancelled=cancelled,
                              spool_dir=case.work_dir())   # beside the case, not in /tmp
    try:
        return _store_file(case, path, read, cancelled)
    finally:
        read.document.close()   # the spooled archive resources


def _store_file(case: Case, path: Path, read: EvidenceFile,
                cancelled: IsCancelled | None) -> FileOutcome:
    document = read.document
    resources = 0
    with case.transaction():
        try:
            evidence, _ = case.add_evidence_file(path, kind=document.kind,
                                                 media_type=document.media_type,
                                                 cancelled=cancelled, expected_sha256=read.sha256)
        except ArtifactChanged:
            raise InputError("the file changed while it was being added; nothing was added",
                             path=path) from None
        existing = _sources_of(case, evidence["uuid"])
        if existing:
            return _outcome(path, evidence, document.kind, False,
                            f"already in the case ({counted(len(existing), 'source')}); nothing added",
                            existing, [])
        if document.kind in ARCHIVE_KINDS:
            stored = [_add_archive_page(case, evidence, read, page) for page in document.pages]
            resources = _add_archive_resources(case, evidence, document, cancelled)
            message = (f"{counted(len(stored), 'page')} added as sources" if stored else
                       "no HTML pages inside; kept as evidence only")
            if resources:
                message += f"; {counted(resources, 'resource')} kept for the offline view"
        else:
            stored = [_add_document(case, evidence, read)]
            message = "added"
    sources = [{"uuid": s.source_uuid, "name": s.name, "title": s.title, "capture": s.capture_uuid,
                "new_source": s.new_source, "identifiers": s.identifiers,
                "selector_hits": s.selector_hits} for s in stored]
    warnings = list(document.warnings) + [w for s in stored for w in s.warnings
                                          if w not in document.warnings]
    return _outcome(path, evidence, document.kind, True, message, sources, warnings, resources)


def _outcome(path, evidence, kind, added, message, sources, warnings, resources=0) -> FileOutcome:
    return FileOutcome(file=str(path), evidence=evidence["uuid"], sha256=evidence["sha256"],
                       size=evidence["size"], kind=kind, added=added, message=message,
                       sources=sources, warnings=warnings, resources=resources)


def _sources_of(case: Case, evidence_uuid: str) -> list[dict]:
    rows = case.db.query(
        "SELECT s.uuid, s.name, c.title, c.uuid AS capture FROM captures c "
        "JOIN sources s ON s.uuid = c.source_uuid WHERE c.evidence_uuid = ? "
        "ORDER BY c.created_utc, c.uuid", [evidence_uuid])
    return [{**row, "new_source": False} for row in rows]


def _add_document(case: Case, evidence: dict, read: EvidenceFile):
    document = read.document
    source, new_source = ensure_source(case, identity=file_identity(read.sha256), kind="file",
                                       url=None, name=read.original_name)
    fields = {
        "method": "file", "captured_utc": record_stamp(case.clock()), "media_type": document.media_type,
        "body_sha256": read.sha256, "body_size": read.size_bytes,
        "evidence_uuid": evidence["uuid"],
    }
    return store_capture(case, source=source, new_source=new_source, fields=fields,
                         document=document, text_origin_sha256=read.sha256, action="add",
                         details={"file": read.original_name})


def _add_archive_page(case: Case, evidence: dict, read: EvidenceFile, page: ArchivePage):
    content = case.put_artifact(page.content, expected_sha256=page.content_sha256)
    source, new_source = ensure_source(case, identity=url_identity(page.url), kind="web",
                                       url=page.url, name=page.url)
    fields = {
        "method": "archive", "requested_url": page.url, "final_url": page.url,
        "status": page.status,
        "captured_utc": record_stamp_or_none(page.captured_utc) or record_stamp(case.clock()),
        "media_type": page.media_type, "body_sha256": content.sha256,
        "body_size": content.size,
        "warc_sha256": read.sha256 if read.document.kind == "warc" else None,
        "evidence_uuid": evidence["uuid"], "archive_member": page.member,
        "record_offset": page.record_offset, "record_id": page.record_id,
        "payload_digest": page.payload_digest,
    }
    return store_capture(case, source=source, new_source=new_source, fields=fields,
                         document=page.document, text_origin_sha256=content.sha256,
                         action="add", details={"file": read.original_name, "url": page.url,
                                                "record_offset": page.record_offset})


def _add_archive_resources(case: Case, evidence: dict, document, cancelled: IsCancelled | None
                           ) -> int:
    """Store each image, stylesheet... of the archive write-once and record where it was."""
    for resource in document.resources:
        if cancelled and cancelled():
            raise Cancelled()
        try:
            artifact = case.put_artifact(resource.path, cancelled=cancelled,
                                         expected_sha256=resource.sha256)
        except ArtifactChanged:
            raise InputError(f"the payload of {resource.url} changed while it was being added; "
                             "nothing was added", path=evidence["original_name"]) from None
        case.insert_record("archive-resource", {
            "evidence_uuid": evidence["uuid"], "url": resource.url,
            "url_key": url_identity(resource.url), "status": resource.status,
            "media_type": resource.media_type, "sha256": artifact.sha256, "size": artifact.size,
            "captured_utc": record_stamp_or_none(resource.captured_utc), "archive_member": resource.member,
            "record_offset": resource.record_offset, "record_id": resource.record_id,
            "payload_digest": resource.payload_digest,
        }, action="add", details={"url": resource.url})
    return len(document.resources)
