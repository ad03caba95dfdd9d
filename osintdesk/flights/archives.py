"""A year of one aircraft from daily ADS-B archives (adsb.lol ``globe_history`` releases: a
tar a day holding ``traces/<last two hex digits>/trace_full_<hex>.json``, gzip-compressed
though named ``.json``).

Each tar is read as a stream, once: only the named aircraft's members are kept (in
memory, a few hundred KB a day), never unpacked to disk, while the tar's SHA-256 is
computed on the way. Each member is then imported as its own evidence (its bytes are
the artifact; the evidence names the archive, its SHA-256 and the member), and the
aircraft's flights are worked out once at the end. A truncated archive or member gives
a clear message for that archive; the others are imported.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tarfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from ..errors import Cancelled, InputError, OsintdeskError
from ..store import Case
from ..timefmt import record_stamp

TAR_MAGIC_OFFSET = 257
READ_BYTES = 1 << 20   # the tar is read (and hashed) in large blocks: skipping members is cheap
_HEX = re.compile(r"~?[0-9a-f]{6}")


def is_archive(path: str | os.PathLike) -> bool:
    """True for a tar file (plain ``ustar``, or one tarfile can open compressed)."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(512)
    except OSError:
        return False
    if head[TAR_MAGIC_OFFSET:TAR_MAGIC_OFFSET + 5] == b"ustar":
        return True
    name = Path(path).name.lower()
    return ".tar" in name and tarfile.is_tarfile(path)


def member_name(hex_code: str) -> str:
    """The member holding the trace of ``hex_code``: ``traces/<last two>/trace_full_<hex>.json``."""
    return f"traces/{hex_code[-2:]}/trace_full_{hex_code}.json"


@dataclass
class ArchiveMember:
    """One member's bytes and where they came from (the ``member=`` of ``import_flight_file``)."""

    data: bytes
    name: str                  # the member's name in the archive
    archive: Path
    archive_sha256: str
    mtime: float | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def label(self) -> str:
        """How the member is named to the user: ``archive.tar:traces/bc/trace_full_....json``."""
        return f"{self.archive}:{self.name}"

    def add_evidence(self, case: Case, importer) -> dict:
        """Store the member's bytes as evidence naming the archive it came from."""
        return add_bytes_evidence(
            case, self.data, importer, original_name=PurePosixPath(self.name).name,
            original_path=f"{self.archive.absolute()}:{self.name}",
            original_mtime_utc=record_stamp(self.mtime) if self.mtime else None,
            details={"archive": self.archive.name, "archive_sha256": self.archive_sha256,
                     "member": self.name})


def add_bytes_evidence(case: Case, data: bytes, importer, *, original_name: str,
                       original_path: str, details: dict,
                       original_mtime_utc: str | None = None) -> dict:
    """Flight-file evidence for bytes that are not a file of their own (an archive member,
    a captured answer): stored write-once, the same bytes added again give the existing
    record. ``details`` say where they came from."""
    sha256 = hashlib.sha256(data).hexdigest()
    case.put_artifact(data, expected_sha256=sha256)
    existing = case.conn.execute(
        "SELECT uuid FROM evidence WHERE sha256 = ? AND kind = 'flight-file' "
        "ORDER BY created_utc", (sha256,)).fetchone()
    if existing:
        return case.get_record("evidence", existing[0])
    details = {"importer": importer.NAME, "importer_version": str(importer.VERSION), **details}
    return case.insert_record("evidence", {
        "sha256": sha256, "kind": "flight-file", "original_name": original_name,
        "original_path": original_path, "original_mtime_utc": original_mtime_utc,
        "media_type": "application/json", "size": len(data),
        "details": json.dumps(details, sort_keys=True)}, action="add")


@dataclass
class ArchiveResult:
    """What one archive gave (a row of ``import-flights --json`` for an archive)."""

    file: str
    archive_sha256: str | None = None
    aircraft_hex: str | None = None
    members: list[dict] = field(default_factory=list)   # each member's ImportResult
    points: int = 0
    skipped: int = 0
    message: str = ""
    error: str | None = None

    def as_dict(self) -> dict:
        found = asdict(self)
        if self.error is None:
            del found["error"]
        return found


class _HashingReader:
    """A read-only file object that hashes what is read through it."""

    def __init__(self, raw, on_read: Callable[[int], None]):
        self.raw = raw
        self.hash = hashlib.sha256()
        self.on_read = on_read

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.hash.update(data)
        self.on_read(len(data))
        return data

    def finish(self) -> str:
        """Read (and hash) what is left after the tar's end marker; the SHA-256 of the file."""
        while self.read(1 << 20):
            pass
        return self.hash.hexdigest()


def read_members(path: str | os.PathLike, wanted: set[str], *,
                 on_read: Callable[[int], None] = lambda n: None,
                 cancelled: Callable[[], bool] | None = None) -> tuple[str, list[ArchiveMember]]:
    """Stream the tar at ``path`` once: its SHA-256 and the members named in ``wanted``
    (names compared without a leading ``./``). InputError naming the archive when it is
    truncated or not a tar; Cancelled when ``cancelled()`` says so (checked per member)."""
    path = Path(path)
    found: list[tuple[str, bytes, float]] = []
    try:
        with open(path, "rb") as raw:
            reader = _HashingReader(raw, on_read)
            count = 0
            with tarfile.open(fileobj=reader, mode="r|*", bufsize=READ_BYTES) as tar:
                for info in tar:
                    count += 1
                    if cancelled is not None and count % 256 == 1 and cancelled():
                        raise Cancelled()
                    name = info.name[2:] if info.name.startswith("./") else info.name
                    if name in wanted and info.isfile():
                        handle = tar.extractfile(info)
                        found.append((name, handle.read(), info.mtime))
                # A tar ends with two zero blocks after its last member's data; a file that
                # stops before them was cut short (tarfile takes a short read as the end).
                if os.fstat(raw.fileno()).st_size < tar.offset + 2 * tarfile.BLOCKSIZE:
                    raise tarfile.ReadError(f"it ends before the end-of-archive marker "
                                            f"(after {count} members)")
            sha256 = reader.finish()
    except OSError as exc:
        raise InputError(f"cannot read the archive ({exc.strerror or exc})", path=path) from None
    except (tarfile.TarError, EOFError) as exc:
        raise InputError(f"the archive is truncated or damaged after {len(found)} wanted "
                         f"member(s) were read ({exc})", path=path) from None
    return sha256, [ArchiveMember(data, name, path, sha256, mtime) for name, data, mtime in found]


def resolve_hex(case: Case, aircraft: str) -> str:
    """The Mode-S address for ``--aircraft``: a hex as given, or the hex of the case's
    aircraft with that registration. OsintdeskError when neither."""
    text = aircraft.strip().lower()
    if _HEX.fullmatch(text):
        return text
    from . import queries
    try:
        uuids = queries.resolve_aircraft(case, aircraft)
    except OsintdeskError:
        uuids = []
    hexes = [case.get_record("aircraft", u)["hex"] for u in uuids]
    hexes = [h for h in hexes if h]
    if len(hexes) != 1:
        raise InputError(f"--aircraft {aircraft!r}: archives are searched by Mode-S address; "
                         "give the 6-digit hex (or import a file naming this registration and "
                         "its hex first)")
    return hexes[0]


def import_aircraft_from_archives(case: Case, archives: Iterable[str | os.PathLike],
                                  aircraft: str, *, progress=None, cancelled=None
                                  ) -> list[ArchiveResult]:
    """Import the trace of ``aircraft`` (hex, or a registration the case knows) from each
    daily archive. One ArchiveResult per archive, in the order given; an archive that
    fails has ``error`` set and adds nothing. ``progress(done_bytes, total_bytes)`` runs
    across all archives; ``cancelled()`` stops between members (Cancelled)."""
    from .analysis import recompute_flights
    from .ingest import import_flight_file
    from .importers import readsb_trace
    paths = [Path(p) for p in archives]
    hex_code = resolve_hex(case, aircraft)
    wanted = {member_name(hex_code)}
    total = sum(p.stat().st_size for p in paths if p.is_file()) or None
    done = 0

    def read(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None and count:
            progress(done, total)

    results: list[ArchiveResult] = []
    for path in paths:
        result = ArchiveResult(file=str(path), aircraft_hex=hex_code)
        results.append(result)
        start = done
        try:
            sha256, members = read_members(path, wanted, on_read=read, cancelled=cancelled)
            result.archive_sha256 = sha256
            if not members:
                result.message = f"no trace of {hex_code} in this archive"
            for member in members:
                imported = import_flight_file(case, member.label, fmt=readsb_trace,
                                              member=member, cancelled=cancelled, analyse=False)
                result.members.append({"member": member.name, **imported.as_dict()})
                result.points += imported.points
                result.skipped += imported.skipped
        except InputError as exc:
            result.error = str(exc)
            done = start + (path.stat().st_size if path.is_file() else 0)
    _analyse(case, hex_code, recompute_flights)
    return results


def _analyse(case: Case, hex_code: str, recompute_flights) -> None:
    """Work out the aircraft's flights once, after all its days are in."""
    row = case.conn.execute("SELECT uuid FROM aircraft WHERE hex = ?", (hex_code,)).fetchone()
    if row is not None:
        recompute_flights(case, row[0])
