"""Writing a bundle: the case's records, bulk rows, evidence bytes and audit log into one
ZIP, a manifest listing every member's size and SHA-256, its digest, and a minisign
signature by the examiner's key. Streamed: memory stays flat whatever the case's size.

The bundle is written beside its destination under a hidden name and renamed when
complete, so a failed or cancelled export leaves nothing behind.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .. import __version__
from ..errors import OsintdeskError
from ..filebytes import HashingWriter, sha256_of_file
from ..store.canonical import canonical_json, sha256_hex
from ..store.records import (BULK_GROUPS, IDENTIFIERS, RECORD_KINDS, TRACK_POINTS, artifact_rows,
                             group_ids, group_part_rows, kind_rows)
from ..store import foreign, trackblocks, versions
from ..store.verify import read_snapshot
from ..timefmt import record_stamp
from . import layout
from .selection import Selection, tagged

Progress = Callable[[int, int | None], None]
# Evidence that deflates by less than this is stored as it is (images, archives, PDFs).
STORE_RATIO = 0.9
PROBE_BYTES = 64 << 10
DEFLATE_LEVEL = 1
BULK_LINE_ROWS = 1000


@dataclass
class ExportResult:
    path: Path
    sha256: str
    size: int
    signed_by: str | None
    audit_head: dict
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"path": str(self.path), "sha256": self.sha256, "size": self.size,
                "signed_by": self.signed_by, "audit_head": self.audit_head,
                "counts": self.counts}


class _Writer:
    """Members into the ZIP, each hashed as written for the manifest."""

    def __init__(self, zf: zipfile.ZipFile, cancelled):
        self.zf = zf
        self.cancelled = cancelled
        self.files: list[dict] = []

    def _check(self) -> None:
        if self.cancelled and self.cancelled():
            from ..errors import Cancelled
            raise Cancelled()

    def member(self, name: str, chunks: Iterator[bytes], *, deflate: bool = True,
               large: bool = True) -> None:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
        if deflate:
            # zipfile takes the level from the ZipInfo: compress_level from Python 3.13,
            # _compresslevel before
            name_of_level = "compress_level" if hasattr(info, "compress_level") else "_compresslevel"
            setattr(info, name_of_level, DEFLATE_LEVEL)
        with self.zf.open(info, "w", force_zip64=large) as out:
            hashing = HashingWriter(out)
            for chunk in chunks:
                self._check()
                hashing.write(chunk)
        self.files.append({"path": name, "size": hashing.size_bytes, "sha256": hashing.sha256})

    def json_lines(self, name: str, values: Iterator) -> int:
        count = 0

        def chunks():
            nonlocal count
            batch: list[bytes] = []
            size = 0
            for value in values:
                line = canonical_json(value)
                batch.append(line)
                size += len(line)
                count += 1
                if size >= 1 << 20:   # about a megabyte at a time, whatever a line holds
                    yield b"\n".join(batch) + b"\n"
                    batch, size = [], 0
            if batch:
                yield b"\n".join(batch) + b"\n"

        self.member(name, chunks())
        return count


    def blocks(self, name: str, conn, import_uuid: str) -> int:
        """An import's track points as stored: its blocks, framed (``trackblocks.frame``),
        never decoded; returns how many points they hold."""
        count = 0

        def chunks():
            nonlocal count
            for block in trackblocks.import_blocks(conn, import_uuid):
                count += block[1]
                yield from trackblocks.frame(*block)

        self.member(name, chunks())
        return count


def _compresses(case, sha256: str) -> bool:
    with case.open_artifact(sha256) as stream:
        probe = stream.read(PROBE_BYTES)
    return not probe or len(zlib.compress(probe, DEFLATE_LEVEL)) < len(probe) * STORE_RATIO


def _artifact_chunks(case, sha256: str) -> Iterator[bytes]:
    with case.open_artifact(sha256) as stream:
        while block := stream.read(1 << 20):
            yield block


def check_bundle_name(out: str | os.PathLike) -> None:
    """OsintdeskError unless ``out`` ends with .osintbundle (as ``export`` refuses a file
    named for another format; the window adds the extension itself)."""
    out = Path(out)
    if out.suffix.lower() != layout.EXTENSION:
        raise OsintdeskError(f"a bundle is written as {layout.EXTENSION}: name the file "
                             f"{out.stem or 'bundle'}{layout.EXTENSION}", path=out)


def export_bundle(case, out: str | os.PathLike, *, signer=None, tag: str | None = None,
                  progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> ExportResult:
    """Write the whole case to ``out`` (a new ``.osintbundle`` file).

    ``signer`` is the examiner's unlocked key (``custody.keys.ExaminerKey``) or None for an
    unsigned bundle. With ``tag``, only the sources carrying it and what makes them
    complete (``selection.tagged``); the audit log travels whole. Everything is read in one snapshot of the case, so a concurrent
    writer cannot make the records and the audit log disagree. Writes nothing to the case
    (the caller logs the export: see ``log_export``).
    """
    out = Path(out)
    if out.exists():
        raise OsintdeskError("exists already; choose another name (a bundle is never "
                             "overwritten)", path=out)
    if not out.parent.is_dir():
        raise OsintdeskError("its folder does not exist", path=out)
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    try:
        with read_snapshot(case.conn):
            chosen = None
            if tag is not None:
                chosen = tagged(case, tag)
                if not chosen.records.get("source"):
                    raise OsintdeskError(f"no source carries the tag {tag!r}; nothing to export "
                                         "('osintdesk sources' shows the tags)", path=case.path)
            result = _write(case, partial, out, signer, progress, cancelled, chosen)
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return result


def _write(case, partial: Path, out: Path, signer, progress, cancelled,
           chosen: Selection | None) -> ExportResult:
    conn = case.conn
    artifacts = [row for row in artifact_rows(conn)
                 if chosen is None or row["sha256"] in chosen.artifacts]
    groups = [(group, sorted(i for i in group_ids(conn, group)
                             if chosen is None or i in _chosen_groups(chosen, group.name)))
              for group in BULK_GROUPS.values()]
    wanted = (lambda kind, key: True) if chosen is None else chosen.has
    total = len(RECORD_KINDS) + sum(len(ids) for _, ids in groups) + len(artifacts) + 2
    step = 0

    def tick():
        nonlocal step
        step += 1
        if progress:
            progress(step, total)

    counts: dict[str, int] = {}
    with open(partial, "xb") as raw, zipfile.ZipFile(raw, "w", allowZip64=True) as zf:
        writer = _Writer(zf, cancelled)
        entries = case.audit_entries()
        counts["audit_entries"] = writer.json_lines(layout.AUDIT_LOG,
                                                    (e.as_dict() for e in entries))
        writer.json_lines(layout.CASE_RECORD, iter([case.case_record()]))
        for case_uuid in foreign.case_uuids(conn):
            writer.json_lines(layout.foreign_member(case_uuid), foreign.as_lines(conn, case_uuid))
        tick()
        for kind in RECORD_KINDS.values():
            counts[kind.name] = writer.json_lines(
                layout.record_member(kind.name),
                (r for r in kind_rows(conn, kind) if wanted(kind.name, r[kind.key])))
            tick()
        counts["artifact"] = writer.json_lines(layout.record_member("artifact"), iter(artifacts))
        counts["versions"] = writer.json_lines(layout.VERSIONS, (
            versions.bundle_line(v) for v in versions.all_versions(conn)
            if wanted(v.kind, v.key)))
        for group, ids in groups:
            rows = 0
            for group_id in ids:
                name = layout.bulk_member(group.name, group_id)
                if group.name == layout.BLOCKS_GROUP:
                    rows += writer.blocks(name, conn, group_id)
                else:
                    tally = [0]   # rows, not lines (a header and chunks of rows)
                    writer.json_lines(name, _group_lines(conn, group, group_id, tally))
                    rows += tally[0]
                tick()
            counts[group.name] = rows
        for row in artifacts:
            writer.member(layout.evidence_member(row["sha256"]),
                          _artifact_chunks(case, row["sha256"]),
                          deflate=_compresses(case, row["sha256"]), large=row["size"] > 1 << 30)
            tick()
        seq, head_hash = case.audit_head()
        manifest = {
            "format": layout.FORMAT, "format_version": layout.FORMAT_VERSION,
            "app_version": __version__, "created_utc": record_stamp(case.clock()),
            "case": {"uuid": case.uuid, "title": case.title,
                     "number": case.meta().get("number")},
            "exported_by": {"examiner": case.examiner,
                            "key_id": signer.public.key_id_hex if signer else None,
                            "public_key": signer.public.base64 if signer else None},
            "selection": {"tag": chosen.tag if chosen else None},
            "audit_head": {"seq": seq, "hash": head_hash},
            "counts": counts,
            "files": sorted(writer.files, key=lambda f: f["path"]),
        }
        manifest_bytes = canonical_json(manifest) + b"\n"
        zf.writestr(_small_info(layout.MANIFEST), manifest_bytes)
        zf.writestr(_small_info(layout.MANIFEST_DIGEST),
                    (sha256_hex(manifest_bytes) + "\n").encode("ascii"))
        if signer is not None:
            signature = signer.sign(manifest_bytes, trusted_comment=trusted_comment(manifest))
            zf.writestr(_small_info(layout.MANIFEST_SIGNATURE), signature.encode("utf-8"))
        tick()
    sha256, size = sha256_of_file(partial)
    return ExportResult(out, sha256, size, signer.public.key_id_hex if signer else None,
                        manifest["audit_head"], counts)


def _chosen_groups(chosen: Selection, group: str) -> set[str]:
    """The ids of a bulk group's members a tagged bundle carries: the flight files' points,
    the captures' identifiers, the aircraft's flights."""
    if group == TRACK_POINTS.name:
        return chosen.imports
    if group == IDENTIFIERS.name:
        return chosen.records.get("capture", set())
    return chosen.aircraft


def trusted_comment(manifest: dict) -> str:
    """What the signature's trusted comment says (minisign -V prints it)."""
    head = manifest["audit_head"]
    return (f"osintdesk bundle of case {manifest['case']['uuid']} head {head['seq']} "
            f"{head['hash']} files {len(manifest['files'])}")


def _small_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    info.compress_type = zipfile.ZIP_STORED
    return info


def _group_lines(conn, group, group_id: str, tally: list[int]) -> Iterator:
    """Per table of the group: a header naming its columns, then lines of up to
    ``BULK_LINE_ROWS`` rows each (one JSON array of row arrays: encoding a million points
    one call per row costs twenty times more). ``tally[0]`` counts the rows."""
    for part in group.parts:
        yield {"table": part.table, "columns": list(part.columns)}
        chunk: list[tuple] = []
        for row in group_part_rows(conn, part, group_id):
            tally[0] += 1
            chunk.append(row)
            if len(chunk) >= BULK_LINE_ROWS:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def log_export(case, result: ExportResult) -> None:
    """The export in the case's audit log: what was written, how much, its SHA-256."""
    case.record_event("export", details={
        "format": "bundle", "file": result.path.name, "sha256": result.sha256, "size": result.size,
        "signed_by": result.signed_by, "audit_head": result.audit_head,
        "counts": result.counts})
