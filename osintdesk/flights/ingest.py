"""Import a flight file into a case: the file as evidence, its aircraft and points, all or nothing.

The file is stored write-once and every track point points back to its import; points
are gathered as numpy columns per aircraft (straight from the file, a chunk at a time, when
``columnar`` can read it, else from the importer's TrackPoints) and stored packed
in blocks (``store/trackblocks.py``) inside one transaction, so a file that fails halfway
leaves the case exactly as it was. Exact duplicates (same aircraft, time and position)
are dropped, within a file and across files. Blocks are stored as each aircraft's points
fill one (``trackblocks.BlockWriter``), so memory does not grow with the file. Flights are
then split from the stored points, one way whatever the order files came in
(``analysis.recompute_flights``).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterable

from ..errors import InputError
from ..store import Case
from ..filebytes import sha256_of_file
from ..store import trackblocks
from ..store.records import TRACK_POINTS
from ..sources.text import match_key
from ..timefmt import display_time
from . import columnar, importers
from .model import AircraftInfo, FileFlight, Sighting, Skipped, TrackPoint
from .parsing import REASON_CUT_ROW, ObjectSpool

BATCH = 20000


@dataclass
class ImportResult:
    """What one file gave (the CLI's --json output per file)."""

    file: str
    format: str
    importer_version: str
    sha256: str
    already_imported: bool = False
    import_uuid: str | None = None
    points: int = 0
    duplicates: int = 0
    skipped: int = 0
    skipped_reasons: dict[str, dict] = field(default_factory=dict)
    sightings: int = 0          # aircraft heard without a position (kept, not on the map)
    aircraft: list[str] = field(default_factory=list)
    flights: int = 0
    message: str = ""
    warnings: list[str] = field(default_factory=list)   # what the reader must not miss

    def as_dict(self) -> dict:
        return asdict(self)


class _AircraftBook:
    """Finds or creates the case's aircraft for the hex codes and identities a file names."""

    def __init__(self, case: Case, hint: str | None):
        self.case = case
        self.by_hex: dict[str, str] = {}
        self.touched: dict[str, None] = {}  # aircraft uuids with new points, in order
        self.row_ids: dict[str, int] = {}   # aircraft uuid -> integer id the points are stored under
        self.file_identity: AircraftInfo | None = None
        self.hint = hint
        self.no_hex_uuid: str | None = None

    def _find(self, hex_code: str | None, registration: str | None) -> str | None:
        conn = self.case.conn
        if hex_code:
            row = conn.execute("SELECT uuid FROM aircraft WHERE hex = ?", (hex_code,)).fetchone()
            if row:
                return row[0]
        if registration:   # compared by match_key: RA86496 added by hand is RA-86496
            key = match_key(registration)
            for uuid, hex_value, known in conn.execute(
                    "SELECT uuid, hex, registration FROM aircraft WHERE registration IS NOT NULL "
                    "AND (hex IS NULL OR ? IS NULL OR hex = ?) ORDER BY id", (hex_code, hex_code)):
                if match_key(known) == key:
                    return uuid
        return None

    def _create(self, info: AircraftInfo, fallback_label: str) -> str:
        facts = describe_aircraft(info.hex, info.registration, info.type_code)
        label = info.registration or (info.hex and info.hex.upper()) or fallback_label
        record = self.case.insert_record("aircraft", {
            "hex": info.hex, "registration": info.registration,
            "type_code": info.type_code, "type_name": info.type_name or facts.get("type_name"),
            "operator": info.operator, "hex_country": facts.get("hex_country"),
            "hex_military": facts.get("hex_military"),
            "registration_country": facts.get("registration_country"), "label": label})
        return record["uuid"]

    def learn(self, info: AircraftInfo) -> None:
        """Identity facts from the file: fill what the case does not know yet."""
        if not (info.hex or info.registration):
            return
        if self.file_identity is None:
            self.file_identity = info
        existing = self._find(info.hex, info.registration)
        if existing is None:
            if info.hex and info.hex in self.by_hex:
                existing = self.by_hex[info.hex]
            else:
                return  # created when its first point arrives
        self._fill(existing, info)

    def _fill(self, aircraft_uuid: str, info: AircraftInfo) -> None:
        row = self.case.get_record("aircraft", aircraft_uuid)
        changes = {k: v for k, v in (("hex", info.hex), ("registration", info.registration),
                                     ("type_code", info.type_code), ("type_name", info.type_name),
                                     ("operator", info.operator)) if v and not row.get(k)}
        if changes:
            changes = with_learned_facts(row, changes)
            self.case.update_record("aircraft", aircraft_uuid, changes,
                                    reason="identity named by an imported file")

    def _row_id(self, aircraft_uuid: str) -> int:
        self.touched[aircraft_uuid] = None
        if aircraft_uuid not in self.row_ids:
            self.row_ids[aircraft_uuid] = self.case.conn.execute(
                "SELECT id FROM aircraft WHERE uuid = ?", (aircraft_uuid,)).fetchone()[0]
        return self.row_ids[aircraft_uuid]

    def _with_hint(self, info: AircraftInfo) -> AircraftInfo:
        """What the file names, with what it does not name taken from ``--aircraft`` (a
        registration for a file that names only the address, and the reverse)."""
        hint = _hint_identity(self.hint)
        if hint is None:
            return info
        if hint.hex and info.hex and hint.hex != info.hex.lower():
            return info   # the file names another aircraft than the hint: the file wins
        return replace(info, hex=info.hex or hint.hex,
                       registration=info.registration or hint.registration)

    def _hinted(self, hex_code: str, registration: str | None) -> str | None:
        """The aircraft of the case that ``--aircraft`` (with the registration the file
        names) points to, when it has no address yet: the file's address is then its."""
        found = self._find(None, registration) if registration else None
        if found is None or self.case.get_record("aircraft", found)["hex"]:
            return None
        self._fill(found, AircraftInfo(hex=hex_code))
        return found

    def for_point(self, hex_code: str | None, file_label: str) -> int:
        """The integer id of the aircraft a point belongs to (created on first sight)."""
        if hex_code:
            known = self.by_hex.get(hex_code)
            if known is None:
                info = (self.file_identity if self.file_identity and
                        self.file_identity.hex == hex_code else AircraftInfo(hex=hex_code))
                info = self._with_hint(info)
                known = (self._find(hex_code, info.registration)
                         or (self._hinted(hex_code, info.registration)
                             if info.hex == hex_code else None)
                         or self._create(info, hex_code))
                self.by_hex[hex_code] = known
                self._row_id(known)
            self.touched[known] = None
            return self.row_ids[known]
        if self.no_hex_uuid is None:
            info = self._with_hint(self.file_identity or AircraftInfo())
            found = self._find(info.hex, info.registration)
            self.no_hex_uuid = found or self._create(info, f"unidentified ({file_label})")
            self._row_id(self.no_hex_uuid)
        self.touched[self.no_hex_uuid] = None
        return self.row_ids[self.no_hex_uuid]


def with_learned_facts(row: dict, changes: dict) -> dict:
    """``changes`` to an aircraft row plus what the reference tables say about a newly
    learned address, registration or type (countries, military block, type name; a type
    name or country that followed a replaced value follows the new one), and the
    registration as label when the aircraft was only known by its hex."""
    learned = {**row, **changes}
    facts = describe_aircraft(learned["hex"], learned["registration"], learned["type_code"])
    follows = {"type_name": "type_code", "registration_country": "registration",
               "hex_country": "hex", "hex_military": "hex"}
    found = dict(changes)
    found.update({k: v for k, v in facts.items() if k not in changes and v is not None
                  and (row.get(k) is None or row.get(follows[k]) != learned[follows[k]])})
    if "registration" in changes and row["label"] in (None, (row["hex"] or "").upper()):
        found.setdefault("label", changes["registration"])
    return found


def identity_taken(case: Case, *, registration: str | None = None, hex_code: str | None = None,
                   other_than: str | None = None) -> str | None:
    """Why another aircraft of the case already has this registration or Mode-S address
    (a sentence), or None: registrations compare by ``match_key`` (``RA86496`` is
    ``RA-86496``), addresses without case."""
    for uuid, hex_value, reg in case.conn.execute("SELECT uuid, hex, registration FROM aircraft"):
        if uuid == other_than:
            continue
        if hex_code and hex_value and hex_value.lower() == hex_code.lower():
            return f"an aircraft with Mode-S address {hex_value} is already in the case"
        if registration and reg and match_key(reg) == match_key(registration):
            return f"an aircraft with registration {reg} is already in the case"
    return None


def describe_aircraft(hex_code: str | None, registration: str | None,
                      type_code: str | None) -> dict:
    """Countries from the address block and the registration prefix, and the type's name."""
    from . import identity  # reference tables load on first use
    facts: dict = {}
    block = identity.address_country(hex_code)
    if block is not None and block.iso2 != "ZZ":
        facts["hex_country"] = block.country
        facts["hex_military"] = int(block.military)
    reg = identity.registration_country(registration)
    if reg is not None:
        facts["registration_country"] = reg.country
    facts["type_name"] = identity.describe_type(type_code)
    return facts


def _hint_identity(hint: str | None) -> AircraftInfo | None:
    """``--aircraft``: a registration (``RA-86496``) or an ICAO hex (``155abc``)."""
    if not hint:
        return None
    text = hint.strip()
    if len(text) == 6 and all(c in "0123456789abcdefABCDEF" for c in text):
        return AircraftInfo(hex=text.lower())
    return AircraftInfo(registration=text.upper())


def _read_columns(case: Case, book: _AircraftBook, file_label: str, read: tuple,
                  points: trackblocks.BlockWriter, skip: Callable[[Skipped], None]) -> tuple:
    """Store the points a column reader gives, chunk by chunk, under a savepoint: a chunk
    found irregular midway (``columnar.Irregular``) drops what the earlier ones stored and
    the file is read by its importer. Returns (the read or None, the writer, the count)."""
    hex_code, chunks = read
    aircraft_id = book.for_point(hex_code, file_label)   # outside the savepoint: kept
    attempted = 0
    try:
        with case.transaction():   # nested: a savepoint
            for columns in chunks:
                if isinstance(columns, Skipped):   # the file's end cut its last row
                    skip(columns)
                    continue
                points.add_columns(aircraft_id, columns)
                attempted += len(columns["t"])
    except columnar.Irregular:
        return None, trackblocks.BlockWriter(case.conn, points.import_id), 0
    return read, points, attempted


def _aircraft_uuid(book: _AircraftBook, hex_code: str | None, file_label: str) -> str:
    """The uuid of the aircraft a record with this address belongs to (created if new)."""
    book.for_point(hex_code, file_label)
    return book.by_hex[hex_code] if hex_code else book.no_hex_uuid


def _flights_of_import(case: Case, import_id: int) -> int:
    """How many flights hold positions from this import (including ones already known)."""
    return case.conn.execute(
        "SELECT count(*) FROM flights f JOIN aircraft a ON a.uuid = f.aircraft_uuid "
        f"JOIN (SELECT aircraft_id, min(first_t) AS t0, max(last_t) AS t1 FROM {trackblocks.TABLE} "
        "      WHERE import_id = ? GROUP BY aircraft_id) p ON p.aircraft_id = a.id "
        "WHERE f.first_t <= p.t1 AND f.last_t >= p.t0", (import_id,)).fetchone()[0]


def _already_imported(case: Case, sha256: str, result: ImportResult) -> bool:
    """Fill ``result`` and say so when these bytes were imported before."""
    previous = case.conn.execute(
        "SELECT uuid, created_utc, original_name FROM flight_imports WHERE sha256 = ?",
        (sha256,)).fetchone()
    if previous:
        result.already_imported = True
        result.import_uuid = previous[0]
        result.message = f"already imported on {display_time(previous[1])} as {previous[2]}; nothing added"
    return bool(previous)


def import_flight_file(case: Case, path: str | os.PathLike, *,
                       fmt: ModuleType | None = None, aircraft: str | None = None,
                       options: dict | None = None,
                       progress: Callable[[int, int | None], None] | None = None,
                       cancelled: Callable[[], bool] | None = None,
                       member=None, analyse: bool = True) -> ImportResult:
    """Import one flight file into ``case``; the same bytes imported again add nothing.

    ``fmt``: the importer ``import_order`` chose for the file, or None to detect it here.
    ``member``: an archive member (``archives.ArchiveMember``) to import instead of a
    file; ``path`` then names it. ``analyse=False`` leaves the flight analysis to the
    caller (``analysis.recompute_flights`` once after several imports of one aircraft).
    """
    path = Path(path)
    if member is None and not path.is_file():
        raise InputError("no such file" if not path.exists() else "is not a file", path=path)
    data = None if member is None else member.data
    importer = fmt or importers.detect(path, data=data)
    sha256 = member.sha256 if member is not None else sha256_of_file(path, cancelled=cancelled)[0]
    result = ImportResult(file=str(path), format=importer.NAME,
                          importer_version=str(importer.VERSION), sha256=sha256)
    if _already_imported(case, sha256, result):
        return result

    with case.transaction():
        if _already_imported(case, sha256, result):   # the same file, imported meanwhile
            return result
        if member is not None:
            evidence = member.add_evidence(case, importer)
        else:
            evidence, _ = case.add_evidence_file(
                path, kind="flight-file", cancelled=cancelled, expected_sha256=sha256,
                details={"importer": importer.NAME, "importer_version": str(importer.VERSION)})
        import_uuid = case.new_uuid()
        # Points reference the import by integer id; the import record (with its counts)
        # is written after them with this id, inside the same transaction.
        import_id = (case.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM flight_imports")
                     .fetchone()[0])
        book = _AircraftBook(case, aircraft)
        skipped: Counter = Counter()
        first_record: dict[str, int | None] = {}
        file_flights: list[dict] = []
        points = trackblocks.BlockWriter(case.conn, import_id)   # stored as blocks fill
        batch: list[tuple] = []
        attempted = 0
        seen = ObjectSpool()   # sightings: stored after the import record they cite

        file_label = path.name
        last_hex, aircraft_id = None, None
        reader = columnar.READERS.get(importer.NAME)   # a regular file, column by column
        read = reader(path, options=options, progress=progress,
                      cancelled=cancelled) if reader and data is None else None
        def skip(item: Skipped) -> None:
            skipped[item.reason] += 1
            first_record.setdefault(item.reason, item.record)

        if read is not None:
            read, points, attempted = _read_columns(case, book, file_label, read, points, skip)
        items = () if read is not None else importers.parse_path(
            path, importer, display_name=str(path), options=options, progress=progress,
            cancelled=cancelled, data=data)
        for item in items:
            if type(item) is TrackPoint:
                if item.hex != last_hex or aircraft_id is None:  # most files: one aircraft
                    points.add(aircraft_id, batch)
                    batch = []
                    last_hex, aircraft_id = item.hex, book.for_point(item.hex, file_label)
                batch.append(item)   # its fields are the stored columns, and its hex
                attempted += 1
                if len(batch) >= BATCH:
                    points.add(aircraft_id, batch)
                    batch = []
            elif isinstance(item, AircraftInfo):
                book.learn(item)
            elif isinstance(item, FileFlight):
                file_flights.append(item.to_dict())
            elif isinstance(item, Skipped):
                skip(item)
            elif isinstance(item, Sighting):
                seen.append(item)
        points.add(aircraft_id, batch)
        inserted, digest = points.finish()
        if attempted == 0 and not len(seen):
            reasons = "; ".join(f"{r} ({n}×)" for r, n in skipped.most_common(3))
            raise InputError("contains no track positions" + (f": {reasons}" if reasons else ""),
                             path=path)
        result.import_uuid = import_uuid
        result.points = inserted
        result.duplicates = attempted - inserted
        result.skipped = sum(skipped.values())
        result.skipped_reasons = {reason: {"count": n, "first_record": first_record[reason]}
                                  for reason, n in skipped.most_common()}
        if REASON_CUT_ROW in skipped:
            result.warnings.append(
                f"the file ends in the middle of a row (line {first_record[REASON_CUT_ROW]}): "
                "it looks cut short; the rows before it were imported, that row was skipped")
        record = {
            "id": import_id, "uuid": import_uuid, "evidence_uuid": evidence["uuid"], "sha256": sha256,
            "original_name": path.name, "importer": importer.NAME,
            "importer_version": str(importer.VERSION), "points": inserted,
            "duplicates": result.duplicates, "skipped": result.skipped,
            "skipped_reasons": json.dumps(result.skipped_reasons, sort_keys=True),
            "file_flights": json.dumps(file_flights, sort_keys=True, default=str),
            "aircraft_uuids": json.dumps(list(book.touched)),
        }
        case.insert_record("flight-import", record, action="import",
                           details={"file": path.name, "format": importer.NAME,
                                    "points": inserted})
        if len(seen):
            from .sightings import store_sightings
            result.sightings = store_sightings(
                case, import_uuid, seen, lambda hex_code: _aircraft_uuid(book, hex_code, file_label),
                path.name)
            seen.close()
        case.record_bulk("import", TRACK_POINTS.name, import_uuid,
                         {"file": path.name, "duplicates": result.duplicates}, digest=digest)
        from .analysis import recompute_flights
        for aircraft_uuid in book.touched if analyse else ():
            recompute_flights(case, aircraft_uuid)
        from ..sources.linking import link_serials
        link_serials(case)   # an aircraft registered by military serial: the sources naming it
        result.flights = _flights_of_import(case, import_id) if analyse else 0
        result.aircraft = [case.get_record("aircraft", a)["label"] for a in book.touched]
    return result


def import_order(paths: Iterable[str | os.PathLike], fmt: str | None = None,
                 options: dict | None = None
                 ) -> tuple[list[tuple[Path, ModuleType | None]], dict]:
    """The files in the order to import them, each with its importer, and the options to
    share between them. Pass each pair to ``import_flight_file`` (``fmt=``): a file's
    content is sniffed once on its way in.

    The importer is the one named ``fmt`` (``--format``; an unknown name raises an
    InputError listing the formats) when given, else the one detected here; None for a
    file that cannot be detected (``import_flight_file`` then reports why). readsb/dump1090
    snapshots (``aircraft.json``, ``history_N.json``) are put in the order of their
    ``now`` and share one repeat filter, so a position reported by several snapshots is
    imported once.
    """
    from .importers import readsb_aircraft
    named = importers.get(fmt) if fmt else None
    planned: list[tuple[Path, ModuleType | None]] = []
    for path in map(Path, paths):
        try:
            planned.append((path, named or importers.detect(path)))
        except (InputError, OSError):
            planned.append((path, None))  # reported when that file is imported
    snapshots = [path for path, found in planned if found is readsb_aircraft]
    options = dict(options or {})
    if len(snapshots) > 1:
        by_time = iter(readsb_aircraft.order_snapshots(snapshots))
        planned = [(next(by_time), found) if path in snapshots else (path, found)
                   for path, found in planned]
        options.setdefault("repeat_filter", readsb_aircraft.RepeatFilter())
    return planned, options
