"""What every export shares: the scope a user asked for (a tag, aircraft, a time window),
the provenance each file carries where its format has room (case uuid, app version, the
audit chain head), and writing the file whole or not at all, then logging it.

A format is a module with ``FORMAT = ExportFormat(...)`` registered in
``osintdesk/exports/__init__.py`` (an explicit list, no discovery).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .. import __version__
from ..errors import OsintdeskError
from ..filebytes import partial_beside, sha256_of_file

Progress = Callable[[int, int | None], None]
IsCancelled = Callable[[], bool]


@dataclass
class Scope:
    """What to export. None everywhere: the whole case.

    ``records``: kind -> record ids, when a tag selected them (``exchange.selection``:
    the tagged sources, the findings citing them and what those cite); ``aircraft``:
    aircraft uuids (from ``--aircraft`` and/or the tag's); ``t_from``/``t_to``: UTC epoch
    seconds, things overlapping the window; ``asked_aircraft``: the aircraft ``--aircraft``
    named (None when it was not given: a tag's aircraft do not narrow its sources and
    people); ``max_points``: reduce tracks to about this
    many points (only on request, only formats that say they can, and the file says so)."""

    tag: str | None = None
    records: dict[str, set[str]] | None = None
    aircraft: set[str] | None = None
    asked_aircraft: set[str] | None = None
    t_from: float | None = None
    t_to: float | None = None
    max_points: int | None = None

    def includes(self, kind: str, key: str) -> bool:
        return self.records is None or key in self.records.get(kind, ())

    def includes_aircraft(self, aircraft_uuid: str) -> bool:
        return self.aircraft is None or aircraft_uuid in self.aircraft

    def overlaps(self, start_t: float | None, end_t: float | None = None) -> bool:
        """Does a span (or a moment) meet the window? Undated things are kept."""
        if start_t is None:
            return True
        end_t = start_t if end_t is None else end_t
        return ((self.t_from is None or end_t >= self.t_from)
                and (self.t_to is None or start_t <= self.t_to))

    def describe(self) -> dict:
        described = {"tag": self.tag, "aircraft": sorted(self.aircraft)
                     if self.aircraft is not None else None, "from": self.t_from,
                     "to": self.t_to}
        if self.max_points is not None:
            described["max_points"] = self.max_points
        return described


def make_scope(case, *, tag: str | None = None, aircraft=None, t_from: float | None = None,
               t_to: float | None = None, max_points: int | None = None) -> Scope:
    """The scope for what the user typed (aircraft as registrations, hex codes or ids)."""
    from ..flights.queries import resolve_aircraft
    if max_points is not None and max_points < 2:
        raise OsintdeskError(f"--max-points {max_points}: a track needs at least 2 points")
    scope = Scope(tag=tag, t_from=t_from, t_to=t_to, max_points=max_points)
    if tag is not None:
        from ..exchange.selection import tagged
        chosen = tagged(case, tag)
        if not chosen.records.get("source"):
            raise OsintdeskError(f"no source carries the tag {tag!r}", path=case.path)
        scope.records = chosen.records
        scope.aircraft = set(chosen.aircraft)
    if aircraft:
        wanted = set(resolve_aircraft(case, aircraft))
        scope.asked_aircraft = wanted
        scope.aircraft = wanted if scope.aircraft is None else scope.aircraft & wanted
    return scope


@dataclass(frozen=True)
class Provenance:
    """Where a file comes from: put in every export where its format has a place."""

    case_uuid: str
    case_title: str
    app_version: str
    audit_seq: int
    audit_hash: str

    @classmethod
    def of(cls, case) -> "Provenance":
        seq, head = case.audit_head()
        return cls(case.uuid, case.title, __version__, seq, head)

    def as_dict(self) -> dict:
        return {"case_uuid": self.case_uuid, "case_title": self.case_title,
                "app": f"osintdesk {self.app_version}",
                "audit_head": f"{self.audit_seq}:{self.audit_hash}"}

    def line(self) -> str:
        """One line of text, for formats with only a comment or a description."""
        return (f"Exported by osintdesk {self.app_version} from case {self.case_uuid} "
                f"({self.case_title}), audit chain head {self.audit_seq}:{self.audit_hash}")


@dataclass(frozen=True)
class ExportFormat:
    """One export format. ``write(case, scope, provenance, out_path, progress, cancelled)``
    writes the file (``out_path`` is a temporary name beside the destination) and returns
    what it wrote, counted by kind ({"flights": 3, "points": 1200}); ``notes`` is what the
    user must know (points reduced on request...); ``reduces_points``: the format honours
    ``Scope.max_points``."""

    name: str
    extension: str
    title: str
    write: Callable[..., dict]
    reduces_points: bool = False


@dataclass
class ExportResult:
    format: str
    path: Path
    sha256: str
    size: int
    counts: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    scope: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"format": self.format, "path": str(self.path), "sha256": self.sha256,
                "size": self.size, "counts": self.counts, "notes": self.notes,
                "scope": self.scope}


def check_extension(fmt: ExportFormat, out: str | os.PathLike) -> None:
    """OsintdeskError unless ``out`` ends with the format's extension (a ZIP named
    ``.csv`` or JSON lines named ``.timesketch`` would open wrongly, or not at all)."""
    out = Path(out)
    if out.suffix.lower() != f".{fmt.extension}":
        raise OsintdeskError(f"the {fmt.name} export is written as .{fmt.extension}: name the "
                             f"file {out.stem or 'export'}.{fmt.extension}", path=out)


def run_export(case, fmt: ExportFormat, out: str | os.PathLike, scope: Scope, *,
               progress: Progress | None = None, cancelled: IsCancelled | None = None
               ) -> ExportResult:
    """Write ``out`` in format ``fmt`` (whole or not at all: a hidden temporary name beside
    it, renamed when complete); reads the case in one snapshot. Logging is the caller's
    (``log_export``), so an export of a write-protected case still works."""
    from ..store.verify import read_snapshot
    out = Path(out)
    check_extension(fmt, out)
    if scope.max_points is not None and not fmt.reduces_points:
        raise OsintdeskError(f"the {fmt.name} export does not reduce points; --max-points "
                             "is for the map formats (kml, geojson)")
    if not out.parent.is_dir():
        raise OsintdeskError("its folder does not exist", path=out)
    try:
        fd, partial = partial_beside(out)
    except OSError as exc:
        raise OsintdeskError(f"cannot write the export: {exc.strerror or exc}", path=out) from exc
    os.close(fd)   # each format opens it by name (the same mode as the report files)
    try:
        with read_snapshot(case.conn):
            provenance = Provenance.of(case)
            counts = fmt.write(case, scope, provenance, partial, progress, cancelled) or {}
        notes = list(counts.pop("notes", []))
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    sha256, size = sha256_of_file(out)
    return ExportResult(fmt.name, out, sha256, size, counts, notes, scope.describe())


def log_export(case, result: ExportResult) -> None:
    """The export in the audit log: the format, the file, what and how much, its SHA-256."""
    case.record_event("export", details={
        "format": result.format, "file": result.path.name, "sha256": result.sha256,
        "size": result.size, "counts": result.counts, "scope": result.scope})
