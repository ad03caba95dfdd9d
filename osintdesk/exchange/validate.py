"""The shape of what a bundle holds, value by value, before anything uses it: the
manifest's fields, audit entries, record lines and record versions (docs/exchange.md,
section 2). Whoever sent the bundle chose every one of these values: a wrong JSON type
here must be a refusal in words, never a traceback further on.

Each check returns the problem in words (None when the value is right) or raises
``Invalid`` with it; ``parsed_lines`` names the member and the line.
"""

from __future__ import annotations

import itertools
import re
from typing import Any, Callable, Iterator

from ..store import versions
from ..store.audit import AUDIT_COLUMNS, AuditEntry
from ..store.canonical import canonical_json
from ..store.records import CASE_FIELDS, RECORD_KINDS
from ..store.schema import expected_columns
from ..words import listed

HEX64 = re.compile(r"[0-9a-f]{64}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX = re.compile(r"(?:[0-9a-f]{2})*")
# Record lines that are not a table's rows as they are: the case's metadata and the
# artifacts' (records.artifact_rows).
_OTHER_COLUMNS = {"case": CASE_FIELDS,
                  "artifact": ("sha256", "uuid", "size", "created_utc", "examiner")}


class Invalid(ValueError):
    """A value of the wrong shape; the message says what is wrong with it."""


def is_count(value: Any) -> bool:
    """An integer (a JSON number without a fraction, not true/false) of at least 0."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def is_sha256(value: Any) -> bool:
    return isinstance(value, str) and HEX64.fullmatch(value) is not None


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and UUID.fullmatch(value) is not None


def _optional_str(value: Any) -> bool:
    return value is None or isinstance(value, str)


def shown(value: Any, limit: int = 60) -> str:
    """A value someone sent, for a message: text cut short, anything else by its type (a
    repr of a deeply nested value would itself fail)."""
    return repr(value[:limit]) if isinstance(value, str) else f"a JSON {_json_type(value)}"


# ------------------------------------------------------------------ manifest

def manifest_problem(manifest: dict) -> str | None:
    """What is wrong with the manifest's fields (docs/exchange.md, section 1), or None."""
    for name in ("app_version", "created_utc"):
        if not isinstance(manifest.get(name), str):
            return f"its '{name}' is not text"
    case = manifest.get("case")
    if not isinstance(case, dict):
        return "its 'case' is not an object"
    if not is_uuid(case.get("uuid")):
        return "its 'case.uuid' is not a case uuid"
    if not (_optional_str(case.get("title")) and _optional_str(case.get("number"))):
        return "its 'case.title' or 'case.number' is not text"
    exported_by = manifest.get("exported_by")
    if not isinstance(exported_by, dict):
        return "its 'exported_by' is not an object"
    for name in ("examiner", "key_id", "public_key"):
        if not _optional_str(exported_by.get(name)):
            return f"its 'exported_by.{name}' is not text"
    selection = manifest.get("selection")
    if not isinstance(selection, dict) or not _optional_str(selection.get("tag")):
        return "its 'selection' is not an object with a text or null 'tag'"
    head = manifest.get("audit_head")
    if (not isinstance(head, dict) or not is_count(head.get("seq"))
            or not is_sha256(head.get("hash"))):
        return "its 'audit_head' is not {seq: a whole number, hash: a SHA-256}"
    counts = manifest.get("counts")
    if not isinstance(counts, dict) or not all(is_count(v) for v in counts.values()):
        return "its 'counts' are not whole numbers"
    files = manifest.get("files")
    if not isinstance(files, list):
        return "its 'files' is not a list"
    for number, item in enumerate(files, 1):
        if (not isinstance(item, dict) or not isinstance(item.get("path"), str)
                or not is_count(item.get("size")) or not is_sha256(item.get("sha256"))):
            return ("lists a file without a path, a size in whole bytes and a lower-case "
                    f"SHA-256 (file {number})")
    return None


# ------------------------------------------------------------------ audit entries

_AUDIT_TEXT = ("uuid", "time_utc", "examiner", "action")
_AUDIT_OPTIONAL = ("object_type", "object_id", "object_hash")


def audit_entry(value: Any) -> AuditEntry:
    """An audit log line as an entry; Invalid when a field is missing or of the wrong type."""
    if not isinstance(value, dict) or set(value) != set(AUDIT_COLUMNS):
        raise Invalid(f"is not an audit entry (its fields must be {', '.join(AUDIT_COLUMNS)})")
    if not is_count(value["seq"]):
        raise Invalid("is not an audit entry (its 'seq' is not a whole number)")
    for name in _AUDIT_TEXT:
        if not isinstance(value[name], str):
            raise Invalid(f"is not an audit entry (its '{name}' is not text)")
    for name in _AUDIT_OPTIONAL:
        if not _optional_str(value[name]):
            raise Invalid(f"is not an audit entry (its '{name}' is not text or null)")
    if not isinstance(value["details"], dict):
        raise Invalid("is not an audit entry (its 'details' is not an object)")
    try:
        canonical_json(value["details"])   # what its hash is computed over
    except (RecursionError, ValueError, TypeError):
        raise Invalid("is not an audit entry (its 'details' are nested too deeply)") from None
    for name in ("prev_hash", "entry_hash"):
        if not is_sha256(value[name]):
            raise Invalid(f"is not an audit entry (its '{name}' is not a SHA-256)")
    return AuditEntry(**value)


# ------------------------------------------------------------------ records and versions

def columns_of(kind: str) -> tuple[str, ...]:
    """The columns a record line of ``kind`` has (empty for a kind osintdesk lacks)."""
    if kind in _OTHER_COLUMNS:
        return _OTHER_COLUMNS[kind]
    known = RECORD_KINDS.get(kind)
    return expected_columns(known.table) if known else ()


def _value_problem(column: str, value: Any) -> str | None:
    if value is None or isinstance(value, (str, float)):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return None
    if (isinstance(value, dict) and set(value) == {"$hex"} and isinstance(value["$hex"], str)
            and _HEX.fullmatch(value["$hex"])):
        return None
    return (f"column {column!r} holds a JSON {_json_type(value)}, not text, a number, null "
            "or {\"$hex\": ...}")


def _json_type(value: Any) -> str:
    return {bool: "true/false", list: "array", dict: "object", int: "number",
            float: "number", type(None): "null"}.get(type(value), "value")


def row_problem(kind: str, row: Any, columns: tuple[str, ...]) -> str | None:
    """What is wrong with ``row`` as a row of ``kind`` with exactly ``columns``, or None."""
    if not isinstance(row, dict):
        return "not a JSON object"
    unknown = sorted(set(row) - set(columns))
    missing = [c for c in columns if c not in row]
    if unknown or missing:
        return "; ".join(part for part in (
            f"unknown {listed('column', unknown)}" if unknown else "",
            f"missing {listed('column', missing)}" if missing else "") if part)
    for column, value in row.items():
        problem = _value_problem(column, value)
        if problem:
            return problem
    return None


def record_problem(kind: str, row: Any) -> str | None:
    """What is wrong with a ``records/KIND.jsonl`` line (every column, local ids too)."""
    return row_problem(kind, row, columns_of(kind))


def version(value: Any) -> versions.Version:
    """A ``versions.jsonl`` line as a version; Invalid unless it is a version of a known
    kind whose state (None for a deletion) is a portable row of that kind, whose key is
    the state's, and whose state hash is a SHA-256 exactly when it has a state."""
    if not isinstance(value, dict):
        raise Invalid("is not a record version (not a JSON object)")
    missing = [c for c in versions.VERSION_COLUMNS + ("state",) if c not in value]
    if missing:
        raise Invalid(f"is not a record version (no {', '.join(missing)})")
    kind = RECORD_KINDS.get(value["kind"]) if isinstance(value["kind"], str) else None
    if kind is None:
        raise Invalid(f"is a version of a record kind osintdesk does not know "
                      f"({shown(value['kind'])})")
    if not isinstance(value["key"], str) or not is_sha256(value["version"]):
        raise Invalid("is not a record version (its 'version' or 'key' is wrong)")
    parents = value["parents"]
    if not isinstance(parents, list) or not all(is_sha256(p) for p in parents):
        raise Invalid("is not a record version (its 'parents' are not version ids)")
    state, state_hash = value["state"], value["state_hash"]
    if state is None:
        if state_hash is not None:
            raise Invalid("is a deletion with a state hash")
    else:
        local = versions.LOCAL_COLUMNS.get(kind.name, ())
        columns = tuple(c for c in expected_columns(kind.table) if c not in local)
        problem = row_problem(kind.name, state, columns)
        if problem:
            raise Invalid(f"has a state that is not a valid {kind.name} record ({problem})")
        if state[kind.key] != value["key"]:
            raise Invalid(f"has a state of another record ({kind.key} "
                          f"{shown(state[kind.key])}, the version is of {shown(value['key'])})")
        if not is_sha256(state_hash):
            raise Invalid("is not a record version (its 'state_hash' is not a SHA-256)")
    for name in ("origin_case", "created_utc", "examiner"):
        if not isinstance(value[name], str):
            raise Invalid(f"is not a record version (its '{name}' is not text)")
    return versions.from_bundle_line(value)


_SCALARS = frozenset({str, int, float, type(None)})


def rows_problem(value: Any, width: int) -> str | None:
    """What is wrong with a bulk line (a JSON array of rows of ``width`` scalars), or None.
    Checked a line at a time in C loops (map, set): a million track points in a fraction
    of a second."""
    if not isinstance(value, list):
        return "neither a header nor rows"
    if not set(map(type, value)) <= {list} or not set(map(len, value)) <= {width}:
        return f"a row that is not an array of {width} values"
    if not set(map(type, itertools.chain.from_iterable(value))) <= _SCALARS:
        return "a row holding a value that is not text, a number or null"
    return None


# ------------------------------------------------------------------ members

def parsed_lines(bundle, name: str, parse: Callable[[Any], Any]) -> Iterator[Any]:
    """``parse`` over a JSON-lines member of ``bundle`` (a BundleArchive); a line it
    refuses is the bundle's BundleError naming the member and the line."""
    for number, value in enumerate(bundle.lines(name), 1):
        try:
            yield parse(value)
        except Invalid as exc:
            raise bundle.fail(f"line {number} {exc}", name) from None
