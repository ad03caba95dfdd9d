"""Verifying a bundle without any case: every member against the manifest, the manifest
against its digest, the signature and who made it, the audit log's chain, and every
record and bulk group against its last logged state.

A bundle that cannot be read safely at all (not a ZIP, a forbidden name, a duplicate
member...) raises :class:`~osintdesk.exchange.archive.BundleError`; everything else found
wrong is listed in the report, member by member.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from ..custody import minisign
from ..custody.keys import Keyring
from ..custody.minisign import SignatureError
from ..store import audit, trackblocks, versions
from ..store.aliases import of_rows
from ..store.canonical import decoded, sha256_hex
from ..store.records import BULK_GROUPS, RECORD_KINDS, empty_digest, state_hash
from ..store.schema import artifact_references
from ..store.verify import EVENT_ACTIONS, Failure
from . import layout, validate
from .archive import BundleArchive, BundleError
from .export import trusted_comment

Progress = Callable[[int, int | None], None]


@dataclass
class Signer:
    state: str                      # trusted | unknown | invalid | unsigned
    key_id: str | None = None
    fingerprint: str | None = None
    name: str | None = None         # the trusted key's name
    examiner: str | None = None     # who the manifest says exported it
    problem: str | None = None


@dataclass
class BundleReport:
    path: str
    ok: bool = True
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)
    signer: Signer = field(default_factory=lambda: Signer("unsigned"))
    case: dict = field(default_factory=dict)
    audit_head: dict = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)
    # Members whose bytes a merge checks as it stores them (``verify_bundle``'s ``defer``):
    # evidence (None: stored under, and re-hashed against, the manifest's SHA-256) and
    # blocks of track points (the digest their log holds). Not part of what is shown.
    deferred: dict[str, str | None] = field(default_factory=dict)

    def fail(self, *args, **kwargs) -> None:
        self.failures.append(Failure(*args, **kwargs))
        self.ok = False

    def as_dict(self) -> dict:
        summary = {k: self.manifest.get(k) for k in ("app_version", "created_utc",
                                                     "exported_by", "selection", "counts")}
        return {"path": self.path, "ok": self.ok, "signer": asdict(self.signer),
                "case": self.case, "audit_head": self.audit_head, "bundle": summary,
                "checked": self.checked, "failures": [asdict(f) for f in self.failures],
                "notes": self.notes}


def verify_bundle(path: str | Path, *, keyring: Keyring | None = None,
                  progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None,
                  defer: Callable[[str], bool] | None = None) -> BundleReport:
    """Check the bundle at ``path`` through and through; reads it once, writes nothing.

    ``defer``: for a merge that reads some members once, to store them: evidence and
    blocks of track points for which ``defer(name)`` is true are checked here by name and
    log only, and listed in ``report.deferred``; the merge must check each one's bytes as
    this would (``deferred_problem``, or as it stores them) before it commits anything."""
    with BundleArchive(path) as bundle:
        return BundleCheck(bundle, keyring, progress, cancelled, defer).run()


def deferred_problem(bundle: BundleArchive, report: BundleReport, name: str) -> str | None:
    """What is wrong with the bytes of a member ``verify_bundle`` deferred, or None."""
    try:
        if name.startswith("evidence/"):
            for _ in bundle.blocks(name):
                pass
            return None
        digest = BULK_GROUPS[layout.BLOCKS_GROUP].new_digest()
        problem = blocks_problem(bundle, name, digest)
    except BundleError as exc:
        return member_problem(exc, name)
    return problem or digest_problem(digest.hexdigest(), report.deferred.get(name))


def member_problem(exc: BundleError, name: str) -> str:
    """What a BundleError about member ``name`` says is wrong with it."""
    return str(exc).split(": ", 1)[-1].removeprefix(f"member {name}: ")


def blocks_problem(bundle: BundleArchive, name: str, digest, chunks=None) -> str | None:
    """Read a member of framed blocks into ``digest``, checking each block: what is wrong
    with them, or None (BundleError when the member cannot be read). ``chunks``: the
    member's bytes as ``bundle.blocks(name)`` gives them, when the caller reads them."""
    digest.section(trackblocks.SECTION)
    try:
        for number, block in enumerate(trackblocks.read_frames(
                bundle.blocks(name) if chunks is None else chunks), 1):
            why = trackblocks.block_problem(*block[1:])
            if why:
                return f"block {number}: {why}"
            digest.add_block(*block)
    except ValueError as exc:
        return str(exc)
    return None


def digest_problem(found: str, logged: str | None) -> str | None:
    """A deferred member's blocks against the digest its log holds."""
    if logged is None or found != logged:
        return f"rows differ from their logged digest ({logged}, found {found})"
    return None


def verify_or_reason(path: str | Path, *, keyring: Keyring | None = None,
                     progress: Progress | None = None,
                     cancelled: Callable[[], bool] | None = None
                     ) -> tuple[BundleReport | None, str | None]:
    """``verify_bundle``, with a bundle that cannot be read at all (not a ZIP, a forbidden
    name...) given back as its reason instead of raised: (report, None) or (None, why)."""
    try:
        return verify_bundle(path, keyring=keyring, progress=progress,
                             cancelled=cancelled), None
    except BundleError as exc:
        return None, str(exc)


class BundleCheck:
    def __init__(self, bundle: BundleArchive, keyring: Keyring | None, progress, cancelled,
                 defer: Callable[[str], bool] | None = None):
        self.bundle = bundle
        self.defer = defer or (lambda name: False)
        self.keyring = keyring if keyring is not None else Keyring.load()
        self.progress = progress
        self.cancelled = cancelled
        self.report = BundleReport(path=str(bundle.path), manifest=bundle.manifest,
                                   case=dict(bundle.manifest.get("case") or {}))
        self.states: dict = {}
        self.history = False    # the exporter's log was read: what it logged can be compared
        self.step = 0

    def tick(self) -> None:
        if self.cancelled and self.cancelled():
            from ..errors import Cancelled
            raise Cancelled()
        self.step += 1
        if self.progress:
            self.progress(self.step, len(self.bundle.files) + 1)

    def run(self) -> BundleReport:
        self.check_manifest()
        self.tick()
        self.check_chain()
        evidence = self.check_evidence()
        heads = self.check_versions(evidence)
        self.check_records(evidence, heads)
        self.check_bulk()
        return self.report

    # ------------------------------------------------------------ manifest and signature

    def check_manifest(self) -> None:
        bundle, report = self.bundle, self.report
        digest = sha256_hex(bundle.manifest_bytes)
        if not bundle.has(layout.MANIFEST_DIGEST):
            report.fail("manifest", layout.MANIFEST_DIGEST, "is missing")
        else:
            written = bundle.read_small(layout.MANIFEST_DIGEST).decode("ascii", "replace").strip()
            if written != digest:
                report.fail("manifest", layout.MANIFEST, "does not match its digest "
                            f"({layout.MANIFEST_DIGEST}): it was altered", written, digest)
        exported_by = bundle.manifest["exported_by"]   # an object: archive checked it
        signer = Signer("unsigned", examiner=exported_by.get("examiner"))
        report.signer = signer
        if not bundle.has(layout.MANIFEST_SIGNATURE):
            report.notes.append("the bundle is not signed: nothing shows who made it")
            return
        text = bundle.read_small(layout.MANIFEST_SIGNATURE).decode("utf-8", "replace")
        try:
            public = minisign.parse_public_key(str(exported_by.get("public_key") or ""))
        except SignatureError as exc:
            signer.state, signer.problem = "invalid", f"the manifest names no usable key ({exc})"
            report.fail("signature", layout.MANIFEST_SIGNATURE, signer.problem)
            return
        signer.key_id, signer.fingerprint = public.key_id_hex, public.fingerprint
        try:
            sig = minisign.verify(public, bundle.manifest_bytes, text)
            if sig.trusted_comment != trusted_comment(bundle.manifest):
                raise SignatureError("its trusted comment does not describe this bundle")
        except SignatureError as exc:
            signer.state, signer.problem = "invalid", str(exc)
            report.fail("signature", layout.MANIFEST_SIGNATURE, f"the signature does not hold: {exc}")
            return
        known = self.keyring.find(public)
        if known is None:
            signer.state = "unknown"
            report.notes.append(
                f"signed by an unknown key {public.key_id_hex} (fingerprint {public.fingerprint}, "
                f"examiner named {signer.examiner!r}); if it is theirs, 'osintdesk key trust' it")
        else:
            signer.state, signer.name = "trusted", known.name

    # ------------------------------------------------------------ members

    def _member_ok(self, name: str, consume) -> bool:
        """Run ``consume`` over a member; a read or manifest mismatch is one failure."""
        try:
            consume()
        except BundleError as exc:
            self.report.fail("member", name, member_problem(exc, name))
            return False
        finally:
            self.tick()
        return True

    def read_chain(self, name: str) -> list[audit.AuditEntry] | None:
        """A member's audit entries (None when it cannot be read: reported)."""
        entries: list = []

        def consume():
            entries.extend(validate.parsed_lines(self.bundle, name, validate.audit_entry))

        return entries if self._member_ok(name, consume) else None

    def check_foreign_chain(self, name: str) -> None:
        """A merged case's log the exporter held: checked as a chain from its first entry."""
        entries = self.read_chain(name)
        if entries is not None:
            for label, *rest in audit.walk_chain(entries, EVENT_ACTIONS).problems:
                self.report.fail("audit", f"{name}, {label}", *rest)

    def check_chain(self) -> None:
        if layout.AUDIT_LOG not in self.bundle.files:
            self.report.fail("audit", layout.AUDIT_LOG, "is missing: the bundle has no history")
            return
        entries = self.read_chain(layout.AUDIT_LOG)
        if entries is None:
            return
        walk = audit.walk_chain(entries, EVENT_ACTIONS)
        for problem in walk.problems:
            self.report.fail("audit", *problem)
        self.states, self.history = walk.states, True
        self.report.audit_head = {"seq": walk.head_seq, "hash": walk.head_hash}
        self.report.checked["audit_entries"] = walk.count
        for name in self.bundle.names("audit/foreign/"):
            self.check_foreign_chain(name)
        declared = self.bundle.manifest["audit_head"]
        if (declared.get("seq"), declared.get("hash")) != (walk.head_seq, walk.head_hash):
            self.report.fail("audit", "audit log head", "the log does not end where the "
                             "manifest says (entries were removed or added)",
                             f"{declared.get('seq')}:{declared.get('hash')}",
                             f"{walk.head_seq}:{walk.head_hash}")

    def check_evidence(self) -> set[str]:
        held: set[str] = set()
        for name in self.bundle.names("evidence/"):
            sha256 = name.split("/", 1)[1]
            if self.bundle.files[name].sha256 != sha256:
                self.report.fail("evidence", name, "is named for other bytes than the "
                                 "manifest lists", sha256, self.bundle.files[name].sha256)
                self.tick()
                continue
            if self.defer(name):
                self.report.deferred[name] = None
                self.tick()
            if name in self.report.deferred or self._member_ok(
                    name, lambda: [None for _ in self.bundle.blocks(name)]):
                held.add(sha256)
                logged = self.states.get(("artifact", sha256))
                if self.history and logged is None:
                    self.report.fail("evidence", name, "was never logged in the bundle's "
                                     "audit log (added outside osintdesk)")
        self.report.checked["evidence"] = len(held)
        return held

    def check_versions(self, evidence: set[str]) -> dict | None:
        """Every version's shape (``validate.version``), id, state hash and the evidence
        its state cites; returns each record's heads (None: the versions are unreadable)."""
        found: list = []

        def consume():
            found.extend(validate.parsed_lines(self.bundle, layout.VERSIONS, validate.version))

        if layout.VERSIONS not in self.bundle.files:
            self.report.fail("version", layout.VERSIONS, "is missing: the bundle has no "
                             "record versions")
            return None
        if not self._member_ok(layout.VERSIONS, consume):
            return None
        self.report.checked["record_versions"] = len(found)
        for version in found:
            if version.state is not None:
                self._check_references(version.kind, f"version {version.version[:16]} of "
                                       f"{version.key}", version.state,
                                       artifact_references(RECORD_KINDS[version.kind].table),
                                       evidence)
        return versions.check_graph(found, lambda *a: self.report.fail("version", *a))

    def check_records(self, evidence: set[str], heads: dict | None) -> None:
        """Every record line against its kind's columns, its last logged state and its
        record's chosen head. Every record whose chosen head is not a deletion must have
        its line, in a tagged bundle too: each row a merge makes from a version is then
        one the exporter's audit log vouches for."""
        kinds = {**{k.name: k.key for k in RECORD_KINDS.values()}, "case": "uuid",
                 "artifact": "sha256"}
        tables = {k.name: k.table for k in RECORD_KINDS.values()}
        whole = not self.bundle.manifest["selection"]["tag"]
        rows_of: dict[str, list[dict]] = {}
        unread: set[str] = set()
        checked = 0
        for name in self.bundle.names("records/"):
            kind = name[len("records/"):-len(".jsonl")]
            if kind not in kinds:
                self.report.fail("record", name, f"holds records of a kind this osintdesk "
                                 f"does not know ({kind!r})")
                self.tick()
                continue
            lines: list = []
            if not self._member_ok(name, lambda: lines.extend(self.bundle.lines(name))):
                unread.add(kind)
                continue
            rows = rows_of.setdefault(kind, [])
            for number, line in enumerate(lines, 1):
                problem = validate.record_problem(kind, line)
                if problem is None and not isinstance(line[kinds[kind]], str):
                    problem = f"its {kinds[kind]!r} is not text"
                if problem:
                    self.report.fail("record", f"{name} line {number}",
                                     f"is not a valid {kind} record ({problem})")
                    continue
                row = decoded(line)
                key = row[kinds[kind]]
                rows.append(row)
                checked += 1
                self._check_references(kind, key, row, artifact_references(
                    tables.get(kind, "")), evidence)
                if kind == "artifact":
                    continue  # logged by its SHA-256, checked with the evidence
                if not self.history:
                    continue  # an unreadable log is one failure, not one per record
                logged = self.states.get((kind, key))
                found = state_hash(row)
                if logged is None:
                    self.report.fail("record", f"{kind} {key}", "is not in the audit log "
                                     "(added outside osintdesk)")
                elif logged[0] == "delete":
                    self.report.fail("record", f"{kind} {key}", f"was deleted (audit entry "
                                     f"{logged[2]}) but is in the bundle")
                elif logged[1] != found:
                    self.report.fail("record", f"{kind} {key}", "differs from its last logged "
                                     f"state (audit entry {logged[2]})", logged[1], found)
        self._check_case_record(rows_of.get("case"), "case" in unread)
        said = {f.object for f in self.report.failures}
        aliases = of_rows(rows_of, heads) if heads is not None else {}
        for kind in RECORD_KINDS.values():
            if heads is not None and kind.name not in unread:   # unreadable: said already
                versions.check_rows(kind.name, kind.key, rows_of.get(kind.name, []), heads,
                                    lambda obj, *a: None if obj in said
                                    else self.report.fail("version", obj, *a), whole=True,
                                    aliases=aliases)
        if whole and self.history:
            seen = {(kind, row[kinds[kind]]) for kind, rows in rows_of.items() for row in rows}
            for (otype, oid), (action, _hash, seq) in self.states.items():
                if otype in RECORD_KINDS and action != "delete" and (otype, oid) not in seen:
                    self.report.fail("record", f"{otype} {oid}", "is logged (audit entry "
                                     f"{seq}) but missing from the bundle")
                if otype == "artifact" and oid not in evidence:
                    self.report.fail("evidence", f"artifact {oid}", "is logged (audit entry "
                                     f"{seq}) but its bytes are missing from the bundle")
        self.report.checked["records"] = checked

    def _check_case_record(self, rows: list[dict] | None, unread: bool) -> None:
        """The one case record, of the case the manifest names."""
        if unread:
            return
        declared = self.bundle.manifest["case"]["uuid"]
        if rows is None or len(rows) != 1:
            self.report.fail("record", layout.CASE_RECORD, "must hold the one case record",
                             "1 record", f"{len(rows or ())} records")
        elif rows[0]["uuid"] != declared:
            self.report.fail("record", layout.CASE_RECORD, "is not the case the manifest "
                             "names (case.uuid)", declared, rows[0]["uuid"])

    def _check_references(self, kind: str, key: str, row: dict, columns: tuple[str, ...],
                          evidence: set[str]) -> None:
        if kind == "artifact":
            columns = ("sha256",)
        for column in columns:
            value = row.get(column)
            if isinstance(value, str) and value not in evidence:
                self.report.fail("record", f"{kind} {key}",
                                 f"cites evidence the bundle lacks ({column} {value})")

    def check_bulk(self) -> None:
        rows_checked = 0
        for name in self.bundle.names("bulk/"):
            _, group_name, file_name = name.split("/")
            group_id = file_name.rsplit(".", 1)[0]
            group = BULK_GROUPS.get(group_name)
            if group is None:
                self.report.fail("record", name, f"holds rows of a group this osintdesk does "
                                 f"not know ({group_name!r})")
                self.tick()
                continue
            if name != layout.bulk_member(group_name, group_id):
                self.report.fail("record", name, f"is not how a bundle carries {group_name} "
                                 f"({layout.bulk_member(group_name, group_id)})")
                self.tick()
                continue
            digest = group.new_digest()
            problem: list[str] = []
            deferred = group_name == layout.BLOCKS_GROUP and self.defer(name)

            def consume_blocks():
                why = blocks_problem(self.bundle, name, digest)
                if why:
                    problem.append(why)

            def consume():
                columns: dict[str, list[str]] = {p.table: list(p.columns) for p in group.parts}
                width = None    # rows before a header have no columns to fit
                for number, value in enumerate(self.bundle.lines(name), 1):
                    if isinstance(value, dict):
                        table = value.get("table")
                        if not isinstance(table, str) or table not in columns:
                            problem.append(f"line {number} names a table {validate.shown(table)} "
                                           f"that is not part of {group_name}")
                            return
                        if value.get("columns") != columns[table]:
                            problem.append(f"line {number}: the columns of {table} are not "
                                           f"{', '.join(columns[table])}")
                            return
                        width = len(columns[table])
                        digest.section(table)
                        continue
                    why = (validate.rows_problem(value, width) if width is not None
                           else "rows before a header naming their table")
                    if why:
                        problem.append(f"line {number}: {why}")
                        return
                    digest.add([tuple(r) for r in value])

            if deferred:
                self.tick()
                found = None
            else:
                if not self._member_ok(name, consume_blocks if group_name == layout.BLOCKS_GROUP
                                       else consume):
                    continue
                if problem:
                    self.report.fail("record", name, problem[0])
                    continue
                found = digest.hexdigest()
                rows_checked += digest.count
            if not self.history:
                continue
            logged = self.states.get((group_name, group_id))
            if logged is None:
                self.report.fail("record", f"{group_name} {group_id}", "is not in the audit "
                                 "log (added outside osintdesk)")
            elif found is None:
                self.report.deferred[name] = logged[1]
            elif logged[1] != found:
                self.report.fail("record", f"{group_name} {group_id}", "rows differ from "
                                 f"their logged digest (audit entry {logged[2]})", logged[1], found)
        self.report.checked["bulk_rows"] = rows_checked
        self._check_bulk_whole()

    def _check_bulk_whole(self) -> None:
        """A whole bundle carries every group of rows its log says the case holds (a
        capture's identifiers, an aircraft's flights; not yet checked for the track
        points, whose digest is read from stored blocks)."""
        if self.bundle.manifest["selection"]["tag"] or not self.history:
            return
        for (otype, oid), (action, logged, seq) in self.states.items():
            group = BULK_GROUPS.get(otype)
            if (group is None or otype == layout.BLOCKS_GROUP or action == "delete"
                    or layout.bulk_member(otype, oid) in self.bundle.files
                    or logged == empty_digest(group)):
                continue
            self.report.fail("record", f"{otype} {oid}", f"rows are logged (audit entry "
                             f"{seq}) but missing from the bundle")

