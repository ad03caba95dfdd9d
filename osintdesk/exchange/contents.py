"""Looking into a bundle without merging it: the verification report and the records it
holds per kind, read through the hostile-safe reader (never extracted, nothing written).

The window's File › Open Bundle shows this; the rows are the records as they travel
(all columns), a kind whose member does not match the manifest is listed as unreadable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..custody.keys import Keyring
from ..store.records import RECORD_KINDS
from . import layout
from .archive import BundleArchive, BundleError
from .check import BundleReport, verify_or_reason

Progress = Callable[[int, int | None], None]

# Rows kept per kind for showing (all are read and counted, so the member is checked whole).
MAX_SHOWN_ROWS = 5000


@dataclass
class KindContents:
    kind: str
    label: str
    count: int = 0
    rows: list[dict] = field(default_factory=list)   # the first MAX_SHOWN_ROWS
    problem: str | None = None                       # why the member cannot be read

    @property
    def truncated(self) -> bool:
        return self.count > len(self.rows)


@dataclass
class BundleContents:
    path: str
    report: BundleReport | None          # None when the bundle cannot be read at all
    error: str | None = None             # why it cannot (not a ZIP, a forbidden name...)
    kinds: list[KindContents] = field(default_factory=list)
    evidence: int = 0                    # evidence files the manifest lists
    bulk_groups: int = 0                 # bulk members (a flight file's points each)

    @property
    def ok(self) -> bool:
        return self.report is not None and self.report.ok


def read_contents(path: str | Path, *, keyring: Keyring | None = None,
                  progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> BundleContents:
    """Verify the bundle at ``path`` and read its records per kind; writes nothing.

    A bundle that cannot be opened safely comes back with ``error`` set and no report."""
    path = Path(path)
    report, why = verify_or_reason(path, keyring=keyring, progress=progress,
                                   cancelled=cancelled)
    contents = BundleContents(str(path), report, error=why)
    if report is None:
        return contents
    try:
        with BundleArchive(path) as bundle:
            contents.evidence = len(bundle.names("evidence/"))
            contents.bulk_groups = len(bundle.names("bulk/"))
            for kind, record_kind in RECORD_KINDS.items():
                member = layout.record_member(kind)
                if member in bundle.files:
                    contents.kinds.append(_read_kind(bundle, member, kind, record_kind.label,
                                                     cancelled))
    except BundleError as exc:  # changed since it was verified
        contents.error = str(exc)
    return contents


def _read_kind(bundle: BundleArchive, member: str, kind: str, label: str,
               cancelled) -> KindContents:
    found = KindContents(kind, label)
    try:
        for value in bundle.lines(member):
            if cancelled and cancelled():
                from ..errors import Cancelled
                raise Cancelled()
            found.count += 1
            if len(found.rows) < MAX_SHOWN_ROWS and isinstance(value, dict):
                found.rows.append(value)
    except BundleError as exc:
        # Nothing read from a member that does not match the manifest is shown.
        found.rows = []
        found.problem = str(exc)
    return found
