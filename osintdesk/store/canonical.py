"""Canonical serialisation and hashing: the one place that decides which bytes get hashed.

Every hash that the chain of custody relies on (audit entries, record states) is a
SHA-256 over ``canonical_json(...)``: sorted keys, no whitespace, UTF-8, blobs as hex.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$hex": bytes(value).hex()}
    raise TypeError(f"cannot serialise {type(value).__name__} canonically")


def canonical_json(value: Any) -> bytes:
    """Deterministic JSON bytes of ``value`` (dicts with sorted keys, compact, UTF-8)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False, default=_default).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_hash(row: dict) -> str:
    """SHA-256 of a record's canonical form (all its columns)."""
    return sha256_hex(canonical_json(row))


def decoded(row: dict) -> dict:
    """A row read back from its canonical JSON: blobs (``{"$hex": ...}``) to bytes again."""
    return {k: bytes.fromhex(v["$hex"]) if isinstance(v, dict) and set(v) == {"$hex"} else v
            for k, v in row.items()}
