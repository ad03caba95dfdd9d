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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from ..errors import Cancelled, InputError, OsintdeskError
from ..store import Case
from ..timefmt import record_stamp
from ..words import counted

TAR_MAGIC_OFFSET = 257
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


BLOCK = 512
READ_BLOCK = 1 << 20   # the tar is read, and hashed, a megabyte at a time
_REGULAR = (b"0", b"\0", b"7")


class _TarStream:
    """Reads a tar file front to back in large blocks, hashing every byte, and yields
    ``(name, size, mtime, offset)`` per member without touching the data of members it is
    not asked for. ustar, GNU long names (``L``) and pax ``path`` records are understood.
    (``tarfile`` in stream mode does the same work in 10 KB reads; this is the hot path of
    a year of archives.)"""

    def __init__(self, stream, on_read: Callable[[int], None],
                 cancelled: Callable[[], bool] | None = None):
        self.stream = stream
        self.on_read = on_read
        self.cancelled = cancelled
        self.hash = hashlib.sha256()
        self.buf = b""
        self.pos = 0          # offset of buf[0] in the file
        self.members = 0

    def _fill(self, upto: int) -> bool:
        """Make buf hold the file up to offset ``upto``; False at the end of the file."""
        while self.pos + len(self.buf) < upto:
            block = self.stream.read(max(READ_BLOCK, upto - self.pos - len(self.buf)))
            if not block:
                return False
            self.hash.update(block)
            self.on_read(len(block))
            self.buf += block
        return True

    def _take(self, offset: int, size: int) -> bytes:
        if not self._fill(offset + size):
            raise tarfile.ReadError(f"unexpected end of data at byte {self.pos + len(self.buf):,} "
                                    f"(a member announces {size:,} bytes at {offset:,})")
        start = offset - self.pos
        return self.buf[start:start + size]

    def _drop_before(self, offset: int) -> None:
        if offset - self.pos > READ_BLOCK:
            cut = offset - self.pos
            self.buf, self.pos = self.buf[cut:], offset

    def members_and_data(self, wanted: set[str]):
        """``(name, data, mtime)`` for each wanted regular member, in order."""
        offset, long_name = 0, None
        while True:
            self._drop_before(offset)
            if not self._fill(offset + BLOCK):
                raise tarfile.ReadError("it ends without the end-of-archive marker "
                                        f"(after {self.members} members)")
            header = self._take(offset, BLOCK)
            if header == bytes(BLOCK):
                self._fill(offset + 2 * BLOCK)
                return
            size, mtime, kind, name = _header(header, offset)
            data_at, offset = offset + BLOCK, offset + BLOCK + -(-size // BLOCK) * BLOCK
            if kind in (b"L", b"x"):
                text = self._take(data_at, size)
                long_name = (text.rstrip(b"\0").decode("utf-8", "replace") if kind == b"L"
                             else _pax_path(text) or long_name)
                continue
            name, long_name = long_name or name, None
            self.members += 1
            if self.cancelled is not None and self.members % 256 == 1 and self.cancelled():
                raise Cancelled()
            name = name[2:] if name.startswith("./") else name
            if kind in _REGULAR and name in wanted:
                yield name, self._take(data_at, size), mtime
            elif not self._fill(offset):
                raise tarfile.ReadError(f"unexpected end of data in member {name}")

    def finish(self) -> str:
        """Hash the rest of the file (the padding after the end marker); its SHA-256."""
        while self._fill(self.pos + len(self.buf) + 1):
            self.buf = b""
        return self.hash.hexdigest()


def _octal(field: bytes, what: str, offset: int) -> int:
    text = field.rstrip(b"\0 ").lstrip(b" ")
    if field[:1] == b"\x80":   # GNU base-256 for big numbers
        return int.from_bytes(field[1:], "big")
    try:
        return int(text or b"0", 8)
    except ValueError:
        raise tarfile.ReadError(f"damaged header at byte {offset:,} ({what} is not a number)") from None


def _header(header: bytes, offset: int) -> tuple[int, float, bytes, str]:
    checksum = _octal(header[148:156], "checksum", offset)
    if checksum != sum(header[:148]) + 256 + sum(header[156:]):
        raise tarfile.ReadError(f"damaged header at byte {offset:,} (bad checksum)")
    name = header[:100].split(b"\0", 1)[0]
    if header[257:262] == b"ustar" and header[345:500].strip(b"\0"):
        name = header[345:500].split(b"\0", 1)[0] + b"/" + name
    return (_octal(header[124:136], "size", offset), float(_octal(header[136:148], "mtime", offset)),
            header[156:157], name.decode("utf-8", "replace"))


def _pax_path(text: bytes) -> str | None:
    for record in text.split(b"\n"):
        _, _, field = record.partition(b" ")
        key, _, value = field.partition(b"=")
        if key == b"path":
            return value.decode("utf-8", "replace")
    return None


def read_members(path: str | os.PathLike, wanted: set[str], *,
                 on_read: Callable[[int], None] = lambda n: None,
                 cancelled: Callable[[], bool] | None = None) -> tuple[str, list[ArchiveMember]]:
    """Read the tar at ``path`` once, front to back: its SHA-256 and the members named in
    ``wanted`` (names compared without a leading ``./``). InputError naming the archive
    when it is truncated, damaged or not a tar; Cancelled when ``cancelled()`` says so
    (checked every 256 members)."""
    path = Path(path)
    found: list[tuple[str, bytes, float]] = []
    try:
        with open(path, "rb", buffering=0) as raw:
            tar = _TarStream(raw, on_read, cancelled)
            found.extend(tar.members_and_data(wanted))
            sha256 = tar.finish()
    except OSError as exc:
        raise InputError(f"cannot read the archive ({exc.strerror or exc})", path=path) from None
    except tarfile.TarError as exc:
        raise InputError(f"the archive is truncated or damaged after "
                         f"{counted(len(found), 'wanted member')} {'was' if len(found) == 1 else 'were'} "
                         f"read ({exc})", path=path) from None
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

    def read(count: int) -> None:   # called by the reading thread only
        nonlocal done
        done += count
        if progress is not None and count:
            progress(done, total)

    def read_one(path: Path):
        try:
            return read_members(path, wanted, on_read=read, cancelled=cancelled)
        except InputError as exc:
            return exc

    results: list[ArchiveResult] = []
    # The next archive is read (and hashed: hashlib lets go of the GIL) while the members
    # of this one are imported.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-reader") as reader:
        ahead = reader.submit(read_one, paths[0]) if paths else None
        for index, path in enumerate(paths):
            result = ArchiveResult(file=str(path), aircraft_hex=hex_code)
            results.append(result)
            outcome = ahead.result()
            ahead = reader.submit(read_one, paths[index + 1]) if index + 1 < len(paths) else None
            try:
                if isinstance(outcome, InputError):
                    raise outcome
                sha256, members = outcome
                result.archive_sha256 = sha256
                if not members:
                    result.message = f"no trace of {hex_code} in this archive"
                for member in members:
                    imported = import_flight_file(case, member.label, fmt=readsb_trace,
                                                  member=member, cancelled=cancelled,
                                                  analyse=False)
                    result.members.append({"member": member.name, **imported.as_dict()})
                    result.points += imported.points
                    result.skipped += imported.skipped
            except InputError as exc:
                result.error = str(exc)
            except BaseException:
                if ahead is not None:
                    ahead.cancel()
                raise
    if progress is not None and total:
        progress(total, total)
    _analyse(case, hex_code, recompute_flights)
    return results


def _analyse(case: Case, hex_code: str, recompute_flights) -> None:
    """Work out the aircraft's flights once, after all its days are in."""
    row = case.conn.execute("SELECT uuid FROM aircraft WHERE hex = ?", (hex_code,)).fetchone()
    if row is not None:
        recompute_flights(case, row[0])
