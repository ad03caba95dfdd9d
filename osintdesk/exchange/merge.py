"""Merging a colleague's bundle into a case: verify it first, plan what it adds and what
conflicts, then write everything in one transaction or nothing (docs/exchange.md).

Evidence is a grow-only set keyed by SHA-256 (re-hashed on the way in). Records are the
union of their versions: a record with one head holds that head's state, a record with
several is a conflict that stays visible until the investigator settles it
(``conflicts.resolve``). The bundle's audit logs are kept verbatim as foreign chains; a
later bundle whose log does not extend what is held raises a fork alarm. The merge itself
is one entry naming the bundle's SHA-256, its signer and the foreign head; each record it
changes is logged too, so ``verify`` checks merged rows as any other.
"""

from __future__ import annotations

import hashlib
import io
import json
import queue
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from ..custody.keys import Keyring
from ..filebytes import sha256_of_file
from ..store import aliases as same, foreign, versions
from ..store.artifacts import ArtifactChanged
from ..words import counted
from ..store.records import (IDENTIFIER_COLUMNS, IDENTIFIER_INSERT, IDENTIFIERS, RECORD_KINDS,
                             TRACK_POINTS)
from . import layout, validate
from .archive import BundleArchive, BundleError
from .check import (BundleReport, blocks_problem, deferred_problem, digest_problem,
                    member_problem, verify_bundle, verify_or_reason)

Progress = Callable[[int, int | None], None]
# The bundle file is hashed in a second thread in blocks this large: hashlib and reads let
# go of the interpreter for each, so the thread rarely waits on the one verifying or merging.
HASH_BLOCK_BYTES = 4 << 20


def _file_sha256(path: Path) -> str:
    """The file's SHA-256, read into one buffer again and again (a thread that allocated a
    block per read would leave its memory arena grown while the merge needs memory)."""
    digest = hashlib.sha256()
    buffer = bytearray(HASH_BLOCK_BYTES)
    with memoryview(buffer) as view, open(path, "rb", buffering=0) as stream:
        while read := stream.readinto(buffer):
            digest.update(view[:read])
    return digest.hexdigest()

@dataclass
class RecordChange:
    kind: str
    key: str
    action: str                  # add | change | delete
    version: str
    state: dict | None


@dataclass
class MergePlan:
    """What a merge would do, before anything is written (the preview)."""

    bundle: str
    sha256: str
    report: BundleReport
    new_versions: list = field(default_factory=list)
    changes: list[RecordChange] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    # Records the bundle holds under another id than this case (made in both cases
    # independently): kept as versions, the row held here stands for both (docs §3).
    same_as: list[dict] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)   # every alias, held and new
    new_evidence: list[str] = field(default_factory=list)
    new_imports: list[str] = field(default_factory=list)
    chains: dict = field(default_factory=dict)      # case uuid -> entries to keep
    forks: list[str] = field(default_factory=list)
    # identifiers the merge would add: {"captures": how many captures, "added": how many}
    identifiers: dict = field(default_factory=dict)
    new_chain_entries: int = 0                      # foreign audit entries not held yet

    def nothing_new(self) -> bool:
        """Whether merging would bring nothing this case lacks (a bundle merged before,
        one's own bundle back): no version, evidence, flight file, identifier or history."""
        return not (self.new_versions or self.new_evidence or self.new_imports
                    or self.identifiers.get("added") or self.new_chain_entries)

    def counts(self) -> dict:
        out: dict[str, dict[str, int]] = {}
        for change in self.changes:
            out.setdefault(change.kind, {}).setdefault(change.action, 0)
            out[change.kind][change.action] += 1
        return out

    def refusals(self) -> list[str]:
        """Why this bundle cannot be merged at all (a fork), in words; empty when it can."""
        out = []
        if self.forks:
            out.append("FORK: " + "; ".join(self.forks) + ". Someone holds a history that "
                       "differs from the one you merged before; nothing was merged")
        return out

    def as_dict(self) -> dict:
        signer = self.report.signer
        return {"bundle": self.bundle, "sha256": self.sha256,
                "case": self.report.case, "foreign_head": self.report.audit_head,
                "signer": {"state": signer.state, "key_id": signer.key_id,
                           "name": signer.name, "examiner": signer.examiner},
                "new_versions": len(self.new_versions), "records": self.counts(),
                "new_evidence": len(self.new_evidence), "new_flight_files": len(self.new_imports),
                "conflicts": self.conflicts, "same_as": self.same_as,
                "forks": self.forks, "identifiers": self.identifiers,
                "nothing_new": self.nothing_new()}


def plan_merge(case, path: str | Path, *, keyring: Keyring | None = None,
               accept_unsigned: bool = False, accept_unknown_signer: bool = False,
               progress: Progress | None = None,
               cancelled: Callable[[], bool] | None = None,
               report: BundleReport | None = None, defer: bool = False) -> MergePlan:
    """Verify the bundle and work out what merging it into ``case`` adds, changes and
    leaves in conflict. Writes nothing. Raises BundleError when it must not be merged.

    ``report``: this bundle's ``verify_bundle`` report when the caller made one already
    (a preview that shows it), so the bundle is not read through twice.
    ``defer``: the members the merge will store (evidence and track points this case
    lacks) are read once, by the merge, which checks their bytes as verify-bundle does as
    it stores them (``report.deferred``); only for a plan that is then merged."""
    path = Path(path)
    # Hashed as it is verified (a second thread: hashlib and file reads let the verifier
    # run meanwhile): the merge compares the file with this hash again after writing (and
    # before committing), so a file changed from the moment hashing began is never merged.
    with ThreadPoolExecutor(1) as pool:
        hashing = pool.submit(_file_sha256, path) if path.is_file() else None
        if report is None:
            report = verify_bundle(path, keyring=keyring, progress=progress,
                                   cancelled=cancelled,
                                   defer=(lambda name: _stored_by_merge(case, name))
                                   if defer else None)
        sha256 = hashing.result() if hashing is not None else None
    if not report.ok:
        first = "; ".join(str(f) for f in report.failures[:3])
        raise BundleError(f"does not verify ({counted(len(report.failures), 'problem')}: {first}); "
                          "nothing was merged ('osintdesk verify-bundle' lists them)", path=path)
    signer = report.signer
    if signer.state == "unsigned" and not accept_unsigned:
        raise BundleError("is not signed, so nothing shows who made it; merge it only if you "
                          "know where it comes from (--accept-unsigned)", path=path)
    if signer.state == "unknown" and not accept_unknown_signer:
        raise BundleError(f"is signed by a key you have not trusted ({signer.key_id}, "
                          f"fingerprint {signer.fingerprint}, examiner {signer.examiner!r}): "
                          "check the fingerprint with them and 'osintdesk key trust' the key, or "
                          "merge anyway with --accept-unknown-signer", path=path)
    plan = MergePlan(str(path), sha256 or sha256_of_file(path)[0], report)
    with BundleArchive(path) as bundle:
        _plan_chains(case, bundle, plan)
        _plan_records(case, bundle, plan)
        found = _new_identifiers(case, bundle, cancelled, planning=True)
        plan.identifiers = {"captures": len(found),
                            "added": sum(len(rows) for rows in found.values())}
    return plan


def _stored_by_merge(case, name: str) -> bool:
    """Whether merging will read this member to store it: evidence this case lacks, the
    track points of a flight file it lacks (a guess: ``_write`` checks any deferred member
    it did not store)."""
    if name.startswith("evidence/"):
        return not case.has_artifact(name.split("/", 1)[1])
    prefix = f"bulk/{TRACK_POINTS.name}/"
    if name.startswith(prefix):
        import_uuid = name[len(prefix):].rsplit(".", 1)[0]
        return name == layout.bulk_member(TRACK_POINTS.name, import_uuid) and \
            case.get_record("flight-import", import_uuid) is None
    return False


@dataclass
class MergePreview:
    """What the user sees before a merge: the verification, and the plan when it holds.

    ``error``: the bundle cannot be read at all (no report). ``plan`` is None when the
    bundle does not verify. Consent to an unsigned or unknown signer is asked separately:
    the preview is made as if it were given."""

    path: str
    report: BundleReport | None
    plan: MergePlan | None = None
    error: str | None = None

    def refusals(self) -> list[str]:
        """Why nothing can be merged; empty when the merge can go ahead."""
        if self.error is not None:
            return [self.error]
        if not self.report.ok:
            return [f"it does not verify ({counted(len(self.report.failures), 'problem')}); nothing "
                    "can be merged from a bundle that changed or was damaged on the way"]
        return self.plan.refusals() if self.plan is not None else []

    @property
    def needs_consent(self) -> bool:
        """Unsigned, or signed by a key not trusted: merged only once the user says so."""
        return self.report is not None and self.report.signer.state in ("unsigned", "unknown")


def preview_merge(case, path: str | Path, *, keyring: Keyring | None = None,
                  progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> MergePreview:
    """Verify the bundle and plan its merge into ``case`` (reading the bundle once for the
    check); writes nothing. A bundle that cannot be read or does not verify comes back
    with its reason, not as an exception."""
    path = Path(path)
    report, why = verify_or_reason(path, keyring=keyring, progress=progress,
                                   cancelled=cancelled)
    preview = MergePreview(str(path), report, error=why)
    if report is None or not report.ok:
        return preview
    try:
        preview.plan = plan_merge(case, path, keyring=keyring, accept_unsigned=True,
                                  accept_unknown_signer=True, progress=progress,
                                  cancelled=cancelled, report=report)
    except BundleError as exc:
        preview.error = str(exc)
    return preview


def _chain(bundle: BundleArchive, name: str) -> list:
    """An audit log member's entries, each checked as verify-bundle checks it."""
    return list(validate.parsed_lines(bundle, name, validate.audit_entry))


def _plan_chains(case, bundle: BundleArchive, plan: MergePlan) -> None:
    own = case.uuid
    chains = {plan.report.case["uuid"]: _chain(bundle, layout.AUDIT_LOG)}
    for name in bundle.names("audit/foreign/"):
        chains[name[len("audit/foreign/"):-len(".jsonl")]] = _chain(bundle, name)
    for case_uuid, entries in chains.items():
        if case_uuid == own:
            continue  # our own history, as the colleague received it: ours is the original
        why = foreign.fork(case.conn, case_uuid, entries)
        if why:
            plan.forks.append(f"the history of case {case_uuid}: {why}")
        else:
            plan.chains[case_uuid] = entries
            held_seq, _ = foreign.head(case.conn, case_uuid)
            plan.new_chain_entries += sum(1 for e in entries if e.seq > held_seq)


def _plan_records(case, bundle: BundleArchive, plan: MergePlan) -> None:
    conn = case.conn
    incoming = list(validate.parsed_lines(bundle, layout.VERSIONS, validate.version))
    plan.new_versions = [v for v in incoming if not versions.has_version(conn, v.version)]
    order = list(RECORD_KINDS)
    touched = sorted({(v.kind, v.key) for v in plan.new_versions},
                     key=lambda t: (order.index(t[0]) if t[0] in RECORD_KINDS
                                    else len(RECORD_KINDS), t[1]))
    new_by_record: dict[tuple[str, str], list] = {}
    for version in plan.new_versions:
        new_by_record.setdefault((version.kind, version.key), []).append(version)
    holders = same.Holders.of_case(conn)
    plan.aliases = same.of_case(conn, holders)
    # First what each record's heads will be, then (deletions known) what each row holds:
    # a record held here under another id (the same thing, made in both cases) gets no
    # second row, and what refers to it is written referring to the row held here.
    chosen: list[tuple[str, str, object, dict | None]] = []
    deleted: set[tuple[str, str]] = set()
    for kind, key in touched:
        if kind not in RECORD_KINDS:
            raise BundleError(f"holds versions of records of an unknown kind {kind!r}",
                              path=bundle.path)
        held = list(versions.versions_of(conn, kind, key))
        union = held + new_by_record[(kind, key)]
        heads = versions.ordered_heads(union)
        if len(heads) > 1:
            plan.conflicts.append({"kind": kind, "key": key,
                                   "versions": [v.version for v in heads]})
        row = case.get_record(kind, key)
        head = versions.chosen_head(heads)
        if head is None:
            if row is not None:
                plan.changes.append(RecordChange(kind, key, "delete", heads[0].version, None))
                deleted.add((kind, key))
            continue
        chosen.append((kind, key, head, row))
    for kind, key, head, row in sorted(chosen, key=lambda c: (same.order(c[0]), c[1])):
        if row is None and key in plan.aliases:
            continue   # the same thing as a row held here: its new version is kept, no row
        state = same.resolve(kind, head.state, plan.aliases)
        if row is not None and versions.portable_hash(kind, row) == versions.portable_hash(
                kind, state):
            continue
        if row is None:
            held_as = holders.find(kind, state)
            if held_as is not None and (kind, held_as) not in deleted:
                plan.aliases[key] = held_as
                plan.same_as.append({"kind": kind, "key": key, "same_as": held_as,
                                     "identity": same.describe(kind, state)})
                continue
        plan.changes.append(RecordChange(kind, key, "add" if row is None else "change",
                                         head.version, state))
    for name in bundle.names("evidence/"):
        sha256 = name.split("/", 1)[1]
        if not case.has_artifact(sha256):
            plan.new_evidence.append(sha256)
    for change in plan.changes:
        if change.kind == "flight-import" and change.action == "add":
            plan.new_imports.append(change.key)


@dataclass
class MergeResult:
    plan: MergePlan
    merged: bool
    audit_seq: int | None = None
    versions_digest: str | None = None
    # identifiers added to captures: {"captures": how many captures, "added": how many}
    identifiers: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        # plan.as_dict's "nothing_new" says it: merged False, nothing written or logged
        return {**self.plan.as_dict(), "merged": self.merged, "audit_seq": self.audit_seq,
                "versions_digest": self.versions_digest, "identifiers": self.identifiers}


def merge_bundle(case, path: str | Path, *, keyring: Keyring | None = None,
                 accept_unsigned: bool = False, accept_unknown_signer: bool = False,
                 dry_run: bool = False, progress: Progress | None = None,
                 cancelled: Callable[[], bool] | None = None,
                 expected_sha256: str | None = None) -> MergeResult:
    """Merge the bundle at ``path`` into ``case``, all or nothing (``dry_run``: only plan).

    ``expected_sha256``: the bundle the user saw in a preview; a file that changed since
    is refused, nothing written."""
    plan = plan_merge(case, path, keyring=keyring, accept_unsigned=accept_unsigned,
                      accept_unknown_signer=accept_unknown_signer, progress=progress,
                      cancelled=cancelled, defer=not dry_run)
    if expected_sha256 is not None and plan.sha256 != expected_sha256:
        raise BundleError(f"has changed since it was previewed (SHA-256 {plan.sha256[:16]}…, "
                          f"previewed {expected_sha256[:16]}…); nothing was merged: open it "
                          "again to see what it holds now", path=path)
    refused = plan.refusals()
    if refused:
        raise BundleError(refused[0], path=path)
    if dry_run:
        return MergeResult(plan, False, identifiers=plan.identifiers)
    if plan.nothing_new():
        return MergeResult(plan, False, identifiers=plan.identifiers)
    with BundleArchive(path) as bundle, case.transaction(), ThreadPoolExecutor(1) as pool:
        if plan.new_imports or any(c.kind == "aircraft" for c in plan.changes):
            # Loaded while evidence is stored (hashing and SQLite let go of the interpreter)
            pool.submit(_prepare_flight_analysis)
        try:
            touched = _write(case, bundle, plan, cancelled)
            found = _merge_identifiers(case, bundle, plan, cancelled)
            # Nothing more is read from the bundle: it is hashed again while what derives
            # from the merged rows is computed
            hashing = pool.submit(_file_sha256, path)
            _derive(case, plan, touched, found)
        except sqlite3.IntegrityError as exc:
            raise BundleError(f"holds records that do not fit this case ({exc}): they refer "
                              "to records the bundle lacks; nothing was merged",
                              path=path) from None
        identifiers = {"captures": len(found), "added": sum(found.values())}
        if hashing.result() != plan.sha256:
            raise BundleError("changed while it was being verified or merged (another program "
                              "wrote to it); nothing was merged", path=path)
        entry = case.record_event("merge", details={
            "bundle": Path(path).name, "sha256": plan.sha256,
            "signer": {"state": plan.report.signer.state, "key_id": plan.report.signer.key_id,
                       "examiner": plan.report.signer.examiner},
            "case": plan.report.case, "foreign_head": plan.report.audit_head,
            "records": plan.counts(), "new_versions": len(plan.new_versions),
            "versions_added": _digest_of(v.version for v in plan.new_versions),
            "conflicts": len(plan.conflicts), "same_as": len(plan.same_as),
            "new_evidence": len(plan.new_evidence), "identifiers": identifiers})
    return MergeResult(plan, True, entry.seq, versions.versions_digest(case.conn), identifiers)


def _digest_of(ids) -> str:
    digest = hashlib.sha256()
    for version in sorted(ids):
        digest.update(version.encode("ascii") + b"\n")
    return digest.hexdigest()


def _check(cancelled) -> None:
    if cancelled and cancelled():
        from ..errors import Cancelled
        raise Cancelled()


def _write(case, bundle: BundleArchive, plan: MergePlan, cancelled) -> set[str]:
    """Everything merged from the bundle's members; returns the aircraft touched. Every
    member whose check verify-bundle left to the merge is checked here (as it is stored,
    or read for the check alone)."""
    checked: set[str] = set()
    for sha256 in plan.new_evidence:
        _check(cancelled)
        name = layout.evidence_member(sha256)
        if bundle.files[name].sha256 != sha256:   # as verified: named for its own bytes
            raise BundleError(f"member {name}: is named for other bytes than the manifest "
                              "lists; nothing was merged", path=bundle.path)
        # Read once: the store hashes the bytes against the manifest's SHA-256 as it
        # writes them (so the archive need not hash them too)
        try:
            case.put_artifact(_MemberStream(_read_ahead(bundle.blocks(name, hashed=False))),
                              expected_sha256=sha256, expected_size=bundle.files[name].size)
        except ArtifactChanged:
            raise _unverified(bundle, name, "does not match the manifest (its SHA-256 "
                              "differs: altered after export)") from None
        checked.add(name)
    for version in plan.new_versions:
        versions.store(case.conn, version)
    foreign_ids = _foreign_aircraft_ids(bundle)
    aircraft_touched: set[str] = set()
    # Deletions first (the latest kinds first: what refers to a record goes before it),
    # then additions and changes in the order of the kinds (what is referred to first).
    order = list(RECORD_KINDS)
    deletions = sorted((c for c in plan.changes if c.action == "delete"),
                       key=lambda c: -order.index(c.kind))
    for change in deletions + [c for c in plan.changes if c.action != "delete"]:
        _check(cancelled)
        row = None if change.state is None else dict(change.state)
        case.merge_record(change.kind, change.key, row, version=change.version,
                          details={"bundle": plan.sha256})
        if change.kind == "aircraft":
            aircraft_touched.add(change.key)
        elif change.kind == "flight-import" and change.state is not None:
            aircraft_touched.update(json.loads(change.state.get("aircraft_uuids") or "[]"))
    for import_uuid in plan.new_imports:
        aircraft_touched |= _merge_track_points(case, bundle, import_uuid, foreign_ids, plan,
                                                checked)
    for name in plan.report.deferred:
        if name not in checked:
            _check(cancelled)
            why = deferred_problem(bundle, plan.report, name)
            if why:
                raise _unverified(bundle, name, why)
    return aircraft_touched


def _unverified(bundle: BundleArchive, name: str, why: str) -> BundleError:
    """A member whose check verify-bundle left to the merge (``report.deferred``) fails
    it: said as a bundle that does not verify is (``plan_merge``)."""
    return BundleError(f"does not verify (1 problem: member {name}: {why}); nothing was "
                       "merged ('osintdesk verify-bundle' lists them)", path=bundle.path)


def _prepare_flight_analysis() -> None:
    from ..flights import analysis
    analysis.prepare()


def _derive(case, plan: MergePlan, aircraft_touched: set[str],
            identifiers_found: dict[str, int]) -> None:
    """What the merged rows imply, computed here (never taken from the bundle): each
    touched aircraft's flights once, the search index, the foreign chains kept."""
    from ..flights.analysis import recompute_flights
    for aircraft_uuid in sorted(aircraft_touched):
        if case.get_record("aircraft", aircraft_uuid) is not None:
            recompute_flights(case, aircraft_uuid)
    if any(c.kind in ("capture", "note", "tag", "source") for c in plan.changes):
        from ..sources.search import rebuild_index
        rebuild_index(case)
    elif identifiers_found:   # identifiers found later in captures held already
        from ..sources.search import reindex_capture
        for capture_uuid in sorted(identifiers_found):
            reindex_capture(case, capture_uuid)
    for case_uuid, entries in plan.chains.items():
        foreign.append(case.conn, case_uuid, entries)


class _MemberStream(io.RawIOBase):
    """A member's bytes (``BundleArchive.blocks``: capped at the manifest's size) as a
    stream read once, each read giving all it asks but at the end (the store's chunks are
    whole) and the archive's blocks as they are when they fit."""

    def __init__(self, blocks):
        self._blocks = blocks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        parts: list[bytes] = []
        wanted = size
        while wanted:
            if not self._pending:
                self._pending = next(self._blocks, b"")
                if not self._pending:
                    break
            if wanted < 0 or len(self._pending) <= wanted:
                part, self._pending = self._pending, b""
            else:
                part, self._pending = self._pending[:wanted], self._pending[wanted:]
            parts.append(part)
            if wanted > 0:
                wanted -= len(part)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


READ_AHEAD_BLOCKS = 4


def _read_ahead(blocks: Iterator[bytes], depth: int = READ_AHEAD_BLOCKS) -> Iterator[bytes]:
    """``blocks`` (a member's bytes) read on a second thread, at most ``depth`` blocks
    ahead: reading, inflating and hashing a member let go of the interpreter, so they run
    beside the checking and storing of the blocks before. What the reader raises (a
    member that does not match the manifest) is raised here, in its place."""
    handed: queue.Queue = queue.Queue(depth)
    stop = threading.Event()

    def hand(item) -> bool:
        while not stop.is_set():
            try:
                handed.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for block in blocks:
                if not hand((True, block)):
                    return
            hand((False, None))
        except BaseException as exc:   # handed over, raised by the reader of the blocks
            hand((False, exc))
        finally:
            blocks.close()

    thread = threading.Thread(target=read, name="bundle read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            more, value = handed.get()
            if more:
                yield value
            elif value is None:
                return
            else:
                raise value
    finally:
        stop.set()
        thread.join()


class _NotHeld(BundleError):
    """Track points of an aircraft the bundle does not hold."""


class _Storing:
    """A block digest for ``check.blocks_problem`` that stores each checked block as it
    is added (``store``), so the member is read, checked and stored in one pass."""

    def __init__(self, digest, store):
        self._digest, self._store = digest, store

    def section(self, name: str) -> None:
        self._digest.section(name)

    def add_block(self, *block) -> None:
        self._store(*block)


def _foreign_aircraft_ids(bundle: BundleArchive) -> dict[int, str]:
    """The exporting case's integer aircraft ids, to the aircraft uuids they stand for."""
    member = layout.record_member("aircraft")
    if member not in bundle.files:
        return {}
    return {row["id"]: row["uuid"] for row in bundle.lines(member)}


def _merge_track_points(case, bundle: BundleArchive, import_uuid: str,
                        foreign_ids: dict[int, str], plan: MergePlan, checked: set[str]
                        ) -> set[str]:
    """Store a new flight file's points, block by block as the bundle carries them, with
    this case's integer aircraft ids (points held already are left out, as an import does);
    log the group with the digest of the blocks written. Each block is checked
    (``trackblocks.block_problem``) before it is stored, and when verify-bundle left the
    member to the merge, the blocks as sent against the digest the bundle's log holds."""
    from ..store import trackblocks
    member = layout.bulk_member(TRACK_POINTS.name, import_uuid)
    if member not in bundle.files:
        return set()
    import_id = case.get_record("flight-import", import_uuid)["id"]
    local_ids: dict[int, int] = {}
    touched: set[str] = set()

    def local_id(foreign_id: int) -> int:
        aircraft_uuid = foreign_ids.get(foreign_id)
        aircraft_uuid = plan.aliases.get(aircraft_uuid, aircraft_uuid)
        local = case.get_record("aircraft", aircraft_uuid) if aircraft_uuid else None
        if local is None:
            raise _NotHeld(f"has track points of an aircraft it does not hold "
                           f"(id {foreign_id})", path=bundle.path)
        touched.add(aircraft_uuid)
        local_ids[foreign_id] = local["id"]
        return local["id"]

    digest = trackblocks.BlockDigest()
    digest.section(trackblocks.SECTION)
    sent = trackblocks.BlockDigest()      # of the blocks as the bundle's log has them

    def store(foreign_id, *block) -> None:
        aircraft_id = local_ids.get(foreign_id) or local_id(foreign_id)
        for written in trackblocks.write_block(case.conn, import_id, aircraft_id, *block):
            digest.add_block(*written)
        sent.add_block(foreign_id, *block)

    try:
        why = blocks_problem(bundle, member, _Storing(sent, store),
                             _read_ahead(bundle.blocks(member)))
    except _NotHeld:
        raise
    except BundleError as exc:   # the member's size or SHA-256 (at its end)
        if member not in plan.report.deferred:
            raise
        why = member_problem(exc, member)
    if why is None and member in plan.report.deferred:
        why = digest_problem(sent.hexdigest(), plan.report.deferred[member])
        checked.add(member)
    if why:
        raise _unverified(bundle, member, why)
    case.record_bulk("merge", TRACK_POINTS.name, import_uuid, {"bundle": plan.sha256},
                     digest=digest)
    return touched


def _merge_identifiers(case, bundle: BundleArchive, plan: MergePlan, cancelled
                       ) -> dict[str, int]:
    """Each capture's identifiers the bundle carries that this case lacks
    (``_new_identifiers``), added to the capture. Each capture that gains some is logged as
    one ``merge`` entry with its group's digest as it then is. Returns how many were added
    per capture."""
    added: dict[str, int] = {}
    for capture_uuid, new_rows in _new_identifiers(case, bundle, cancelled).items():
        case.conn.executemany(IDENTIFIER_INSERT, new_rows)
        case.record_bulk("merge", IDENTIFIERS.name, capture_uuid,
                         {"bundle": plan.sha256, "added": len(new_rows)})
        added[capture_uuid] = len(new_rows)
    return added


def _new_identifiers(case, bundle: BundleArchive, cancelled, *, planning: bool = False
                     ) -> dict[str, list[tuple]]:
    """Each capture's identifiers the bundle carries (``bulk/identifiers/CAPTURE.jsonl``)
    that the capture as this case holds it lacks (the same position in the same field, or
    the same id, is held already: a capture both cases hold gets no second copy), as rows
    to insert referring to this case's source of the capture. ``planning``: before the
    merge, a capture the case does not hold yet (the bundle brings it) lacks them all."""
    prefix = f"bulk/{IDENTIFIERS.name}/"
    columns = list(IDENTIFIER_COLUMNS)
    source_at = columns.index("source_uuid")
    key_at = [columns.index(c) for c in ("field", "kind", "start_offset", "end_offset")]
    found: dict[str, list[tuple]] = {}
    for member in bundle.names(prefix):
        _check(cancelled)
        capture_uuid = member[len(prefix):-len(".jsonl")]
        capture = case.get_record("capture", capture_uuid)
        if capture is None and not planning:
            raise BundleError(f"member {member}: holds identifiers of a capture the bundle "
                              "does not carry; nothing was merged", path=bundle.path)
        held = case.conn.execute(
            "SELECT uuid, field, kind, start_offset, end_offset FROM identifier_hits "
            "WHERE capture_uuid = ?", (capture_uuid,)).fetchall()
        held_ids = {r[0] for r in held}
        held_at = {tuple(r[1:]) for r in held}
        new_rows = []
        width = None
        for number, value in enumerate(bundle.lines(member), 1):
            if isinstance(value, dict):   # the table's header, as verify-bundle checked it
                if value != {"table": "identifier_hits", "columns": columns}:
                    raise BundleError(f"member {member}: line {number} is not the header of "
                                      "the identifiers; nothing was merged", path=bundle.path)
                width = len(columns)
                continue
            why = validate.rows_problem(value, width) if width else "rows before their header"
            if why:
                raise BundleError(f"member {member}: line {number}: {why}; nothing was "
                                  "merged", path=bundle.path)
            for row in value:
                at = tuple(row[i] for i in key_at)
                if row[0] in held_ids or at in held_at:
                    continue
                held_ids.add(row[0])
                held_at.add(at)
                if capture is not None:
                    row[source_at] = capture["source_uuid"]
                new_rows.append((row[0], capture_uuid, *row[1:]))
        if new_rows:
            found[capture_uuid] = new_rows
    return found
