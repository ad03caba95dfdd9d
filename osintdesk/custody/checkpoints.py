"""Signed checkpoints: the examiner's key signs the audit chain's head (entry number, hash,
case uuid, time, examiner), the signature is stored in the case as a write-once record, and
can be written out as a receipt kept apart from the case.

``verify`` then checks that every signature holds and that each signed head is still a
prefix of the chain (the entry at that number still has that hash): rewriting or truncating
the history before a checkpoint needs the examiner's private key. A receipt is checked the
same way, and is the stronger check, since it never lived in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..store import audit
from ..store.verify import VerifyReport
from ..timefmt import record_stamp
from ..words import counted
from . import minisign
from .keys import ExaminerKey, Keyring
from .minisign import SignatureError

STATEMENT_TITLE = "osintdesk checkpoint"
STATEMENT_FIELDS = (("case", "case"), ("entry", "seq"), ("head", "hash"), ("signed", "time"),
                    ("examiner", "examiner"), ("reason", "reason"), ("key", "key_id"),
                    ("public key", "public_key"))
RECEIPT_SIGNATURE_SUFFIX = ".minisig"
TOKEN_SUFFIX = ".tsr"           # a receipt's RFC 3161 timestamp token, beside it
NO_CHECKPOINT = "no signed checkpoint"


@dataclass(frozen=True)
class Statement:
    """What a checkpoint signs."""

    case: str
    seq: int
    hash: str
    time: str
    examiner: str
    reason: str
    key_id: str
    public_key: str

    def text(self) -> str:
        lines = [STATEMENT_TITLE]
        for label, attr in STATEMENT_FIELDS:
            lines.append(f"{label}: {_one_line(str(getattr(self, attr)))}")
        return "\n".join(lines) + "\n"

    def trusted_comment(self) -> str:
        return (f"osintdesk checkpoint of case {self.case}: entry {self.seq} head {self.hash} "
                f"signed {self.time} by {_one_line(self.examiner)}")

    def describe(self) -> str:
        return f"entry {self.seq}, signed {self.time} by {self.examiner}"

    @classmethod
    def parse(cls, text: str) -> "Statement":
        lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
        labels = [label for label, _ in STATEMENT_FIELDS]
        if len(lines) != len(labels) + 1 or lines[0] != STATEMENT_TITLE:
            raise SignatureError("is not an osintdesk checkpoint statement")
        values = {}
        for line, (label, attr) in zip(lines[1:], STATEMENT_FIELDS):
            prefix = f"{label}: "
            if not line.startswith(prefix):
                raise SignatureError(f"is not an osintdesk checkpoint statement "
                                     f"(expected '{label}:', found {line[:40]!r})")
            values[attr] = line[len(prefix):]
        try:
            values["seq"] = int(values["seq"])
        except ValueError:
            raise SignatureError("is not an osintdesk checkpoint statement (entry is not a "
                                 "number)") from None
        return cls(**values)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def create(case, key: ExaminerKey, *, reason: str) -> dict:
    """Sign the case's current chain head with ``key`` and store the checkpoint (one
    transaction: the head cannot move between signing and storing). Returns the record."""
    with case.transaction():
        return store(case, sign(case, key, reason=reason))


def sign(case, key: ExaminerKey, *, reason: str) -> dict:
    """The fields of a checkpoint of the current head, signed but not stored (``store``
    stores them; a head that moved in between leaves a checkpoint of an earlier head, which
    holds all the same)."""
    seq, head = audit.head(case.conn)
    statement = Statement(case.uuid, seq, head, record_stamp(case.clock()),
                          _one_line(case.examiner), reason, key.public.key_id_hex,
                          key.public.base64)
    text = statement.text()
    signature = key.sign(text.encode("utf-8"), trusted_comment=statement.trusted_comment())
    return {"audit_seq": seq, "audit_hash": head, "signed_utc": statement.time,
            "reason": reason, "key_id": statement.key_id, "public_key": statement.public_key,
            "statement": text, "signature": signature}


def store(case, fields: dict) -> dict:
    """Store a checkpoint made by ``sign`` with its audit entry."""
    return case.insert_record("checkpoint", fields, details={
        "audit_seq": fields["audit_seq"], "audit_hash": fields["audit_hash"],
        "reason": fields["reason"], "key_id": fields["key_id"]})


def checkpoint_rows(case) -> list[dict]:
    return list(case.db.query("SELECT * FROM checkpoints ORDER BY audit_seq, signed_utc, uuid"))


def latest(case) -> dict | None:
    """This case's latest checkpoint (those that came with merged bundles sign other
    cases' histories)."""
    rows = [r for r in checkpoint_rows(case) if _statement_case(r) == case.uuid]
    return rows[-1] if rows else None


def find(case, prefix: str | None) -> dict:
    """The checkpoint whose uuid starts with ``prefix`` (the latest when None)."""
    if prefix is None:
        row = latest(case)
        if row is None:
            raise InputError("has no checkpoint yet ('osintdesk checkpoint' makes one)",
                             path=case.path)
        return row
    rows = [r for r in checkpoint_rows(case) if r["uuid"].startswith(prefix.strip().lower())]
    if len(rows) != 1:
        raise InputError(f"{'no' if not rows else 'more than one'} checkpoint has an id "
                         f"starting with {prefix!r} ('osintdesk log' lists them)", path=case.path)
    return rows[0]


# ------------------------------------------------------------------ receipts


def receipt_paths(path: str | Path) -> tuple[Path, Path]:
    """(statement file, signature file) of a receipt named by either of them."""
    path = Path(path)
    if path.name.endswith(RECEIPT_SIGNATURE_SUFFIX):
        return path.with_name(path.name[:-len(RECEIPT_SIGNATURE_SUFFIX)]), path
    return path, path.with_name(path.name + RECEIPT_SIGNATURE_SUFFIX)


def write_receipt(checkpoint: dict, path: str | Path) -> tuple[Path, Path]:
    """Write the signed statement and its ``.minisig`` beside it (``minisign -Vm STATEMENT
    -P KEY`` checks them); refuses to replace existing files."""
    text_path, sig_path = receipt_paths(path)
    for target in (text_path, sig_path):
        if target.exists():
            raise InputError("already exists; choose another name (nothing was written)",
                             path=target)
    if not text_path.parent.is_dir():
        raise InputError(f"folder {text_path.parent} does not exist", path=text_path)
    with open(text_path, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(checkpoint["statement"])
    with open(sig_path, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(checkpoint["signature"])
    return text_path, sig_path


@dataclass(frozen=True)
class Receipt:
    path: Path
    statement: Statement
    signature: str
    statement_text: str
    token: bytes | None = None       # its RFC 3161 timestamp (the .tsr beside it), if any


def read_receipt(path: str | Path) -> Receipt:
    text_path, sig_path = receipt_paths(path)
    try:
        statement_text = text_path.read_bytes().decode("utf-8")
        signature = sig_path.read_bytes().decode("utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"receipt file {exc.filename} is missing (a receipt is the statement "
                         f"and its {RECEIPT_SIGNATURE_SUFFIX} beside it)", path=text_path) from None
    except UnicodeDecodeError:
        raise InputError("is not a checkpoint receipt (not text)", path=text_path) from None
    try:
        statement = Statement.parse(statement_text)
    except SignatureError as exc:
        raise InputError(str(exc), path=text_path) from None
    token_path = text_path.with_name(text_path.name + TOKEN_SUFFIX)
    token = token_path.read_bytes() if token_path.is_file() else None
    return Receipt(text_path, statement, signature, statement_text, token)


# ------------------------------------------------------------------ verification


def _signature_problem(statement_text: str, signature: str, public_key: str,
                       statement: Statement) -> str | None:
    try:
        public = minisign.parse_public_key(public_key)
        sig = minisign.verify(public, statement_text.encode("utf-8"), signature)
    except SignatureError as exc:
        return f"its signature does not hold: {exc}"
    if sig.trusted_comment != statement.trusted_comment():
        return "its signed comment does not describe its statement"
    return None


def _signer_note(report: VerifyReport, label: str, statement: Statement,
                 keyring: Keyring) -> None:
    public = minisign.parse_public_key(statement.public_key)
    if keyring.find(public) is None:
        report.notes.append(_unknown_signer_text(label, statement, public, 1))


def _unknown_signer_text(label: str, statement: Statement, public, count: int) -> str:
    verb = "are" if count > 1 else "is"
    return (f"{label} {verb} signed by an unknown key {public.key_id_hex} (fingerprint "
            f"{public.fingerprint}, examiner named {statement.examiner!r}); if it is theirs, "
            "'osintdesk key trust' it")


def _check_head(case, report: VerifyReport, check: str, label: str,
                statement: Statement) -> None:
    if statement.case != case.uuid:
        _check_merged_head(case, report, check, label, statement)
        return
    row = case.conn.execute("SELECT entry_hash FROM audit_log WHERE seq = ?",
                            (statement.seq,)).fetchone()
    if row is None:
        report.fail(check, label,
                    f"the history it signed was truncated: audit entry {statement.seq} is "
                    "missing", statement.hash, "(no entry)")
    elif row[0] != statement.hash:
        report.fail(check, label,
                    f"the history it signed was rewritten: audit entry {statement.seq} has "
                    "another hash", statement.hash, row[0])


def _check_merged_head(case, report: VerifyReport, check: str, label: str,
                       statement: Statement) -> None:
    """A checkpoint that came with a merged bundle signs the head of that case's history,
    which is kept here as a merged log: its signed entry must be there, unchanged."""
    from ..store import foreign
    held = foreign.case_uuids(case.conn) if _has_table(case, "foreign_audit") else []
    if statement.case not in held:
        report.fail(check, label, "was signed for another case, whose history was never "
                    "merged into this one", statement.case, case.uuid)
        return
    found = foreign.hash_at(case.conn, statement.case, statement.seq)
    if found is None:
        report.fail(check, label, f"the merged history of case {statement.case} it signed was "
                    f"truncated: its entry {statement.seq} is missing", statement.hash,
                    "(no entry)")
    elif found != statement.hash:
        report.fail(check, label, f"the merged history of case {statement.case} it signed was "
                    f"rewritten: its entry {statement.seq} has another hash", statement.hash,
                    found)


def check_checkpoints(case, report: VerifyReport, keyring: Keyring | None = None) -> None:
    """Every checkpoint's signature holds and its signed head is still in the chain."""
    keyring = keyring if keyring is not None else Keyring.load()
    rows = checkpoint_rows(case) if _has_checkpoints_table(case) else []
    unknown: dict[str, list] = {}
    for row in rows:
        label = f"checkpoint {row['uuid']}"
        try:
            statement = Statement.parse(row["statement"])
        except SignatureError as exc:
            report.fail("checkpoint", label, f"its statement {exc}")
            continue
        label = f"checkpoint {row['uuid']} ({statement.describe()})"
        problem = _signature_problem(row["statement"], row["signature"], row["public_key"],
                                     statement)
        if problem:
            report.fail("checkpoint", label, problem)
            continue
        if (statement.seq, statement.hash, statement.public_key) != (
                row["audit_seq"], row["audit_hash"], row["public_key"]):
            report.fail("checkpoint", label, "its record differs from what was signed")
            continue
        _check_head(case, report, "checkpoint", label, statement)
        public = minisign.parse_public_key(statement.public_key)
        if keyring.find(public) is None:
            unknown.setdefault(public.key_id_hex, []).append((label, statement, public))
    for signed in unknown.values():   # one note per key, however many checkpoints it signed
        label, statement, public = signed[0]
        if len(signed) > 1:
            label = f"{len(signed)} checkpoints (the first: {label})"
        report.notes.append(_unknown_signer_text(label, statement, public, len(signed)))
    report.checked["checkpoints"] = len(rows)
    own = [r for r in rows if _statement_case(r) == case.uuid]
    if own:
        last = max(r["audit_seq"] for r in own)
        after = case.conn.execute(
            "SELECT count(*) FROM audit_log WHERE seq > ? AND coalesce(object_type, '') "
            "NOT IN ('checkpoint', 'timestamp')", (last,)).fetchone()[0]
        if after:
            report.notes.append(f"{counted(after, 'audit entry', 'audit entries')} after entry "
                                f"{last} (the latest signed head) {'is' if after == 1 else 'are'} "
                                "covered by no checkpoint yet")
    else:
        report.notes.append(f"{NO_CHECKPOINT}: nothing outside this file vouches for its "
                            "history ('osintdesk checkpoint' makes one)")


def _has_checkpoints_table(case) -> bool:
    return _has_table(case, "checkpoints")


def _has_table(case, name: str) -> bool:
    return case.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                             (name,)).fetchone() is not None


def _statement_case(row: dict) -> str | None:
    try:
        return Statement.parse(row["statement"]).case
    except SignatureError:
        return None


def check_receipt(case, report: VerifyReport, receipt: Receipt,
                  keyring: Keyring | None = None) -> None:
    """The case against a receipt kept elsewhere: its signature holds and its head is in
    the chain."""
    keyring = keyring if keyring is not None else Keyring.load()
    statement = receipt.statement
    label = f"receipt {receipt.path} ({statement.describe()})"
    problem = _signature_problem(receipt.statement_text, receipt.signature,
                                 statement.public_key, statement)
    if problem:
        report.fail("receipt", label, problem)
        return
    _check_head(case, report, "receipt", label, statement)
    _signer_note(report, label, statement, keyring)
    if receipt.token is not None:
        from .timestamps import check_token
        from .tsa_trust import TsaTrust
        check_token(report, "receipt", label, receipt.token, receipt.statement_text,
                    statement.time, TsaTrust.load())
    report.checked["receipts"] = report.checked.get("receipts", 0) + 1
