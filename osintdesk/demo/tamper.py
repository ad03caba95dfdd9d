"""The tamper exercise: the il62 demo case, then three changes made behind the app's back
with plain sqlite3, as someone with the file and a SQLite shell would (write-once triggers
dropped and put back exactly as they were): one byte of a stored page flipped, a claim's
text edited, one audit entry removed. ``answer_key`` says what was done, in the words
``verify`` reports it (the object each failure names).
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Callable

from .build import DEFAULT_SEED, DemoResult, Progress, create_demo

KEY_NAME = "tamper-answer-key.json"


def _tampered(conn: sqlite3.Connection, seed: int) -> list[dict]:
    """Make the three changes; returns what was changed (object, what, how)."""
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER [{name}]")
    changes = []
    # 1. One byte of the stored registry page (the artifact behind its evidence record).
    sha256, = conn.execute("SELECT e.sha256 FROM evidence e WHERE e.original_name LIKE 'registry_%' "
                           "ORDER BY e.sha256 LIMIT 1").fetchone()
    data, = conn.execute("SELECT data FROM artifact_chunks WHERE sha256 = ? AND seq = 0",
                         (sha256,)).fetchone()
    offset = 100 + seed % 50
    flipped = bytearray(data)
    flipped[offset] ^= 0x01
    conn.execute("UPDATE artifact_chunks SET data = ? WHERE sha256 = ? AND seq = 0",
                 (bytes(flipped), sha256))
    changes.append({"object": f"artifact {sha256}", "what": "a stored page (the registry page)",
                    "how": f"byte {offset} of its content flipped ({data[offset]:#04x} -> "
                           f"{flipped[offset]:#04x})"})
    # 2. A claim's text rewritten: the refuted rumour now reads as settled fact.
    claim_uuid, text = conn.execute("SELECT uuid, text FROM claims WHERE status = 'refuted' "
                                    "ORDER BY uuid LIMIT 1").fetchone()
    edited = text.replace("stayed", "certainly stayed")
    conn.execute("UPDATE claims SET text = ? WHERE uuid = ?", (edited, claim_uuid))
    changes.append({"object": f"claim {claim_uuid}", "what": "a claim's text",
                    "how": f"changed from '{text}' to '{edited}' without an audit entry"})
    # 3. An audit entry removed from the middle of the chain: the one recording a claim's
    # creation (its later status change still logs its state, so only the chain breaks).
    # verify notices at the entry after it.
    seq, action, kind, object_id = conn.execute(
        "SELECT seq, action, object_type, object_id FROM audit_log WHERE object_id = "
        "(SELECT uuid FROM claims WHERE status = 'supported' ORDER BY created_utc LIMIT 1) "
        "ORDER BY seq LIMIT 1").fetchone()
    conn.execute("DELETE FROM audit_log WHERE seq = ?", (seq,))
    changes.append({"object": f"audit entry {seq + 1}", "what": "an audit log entry",
                    "how": f"entry {seq} ({action} {kind} {object_id}) deleted; the chain "
                           f"breaks at entry {seq + 1}"})
    for _, sql in triggers:
        conn.execute(sql)
    return changes


def create_tamper(dest: str | os.PathLike, *, seed: int = DEFAULT_SEED,
                  progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> DemoResult:
    """The il62 demo at ``dest``, tampered; the answer key is written beside it
    (``<case>.tamper-answer-key.json``) for the trainer."""
    result = create_demo("il62", dest, seed=seed, progress=progress, cancelled=cancelled)
    conn = sqlite3.connect(result.path)
    try:
        with conn:
            changes = _tampered(conn, seed)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    key = answer_key_path(result.path)
    key.write_text(json.dumps({"case": Path(result.path).name, "seed": seed, "changes": changes},
                              indent=2) + "\n", encoding="utf-8")
    result.name = "tamper"
    result.records = {**result.records, "tampered": len(changes), "answer_key": str(key)}
    return result


def answer_key_path(case_path: str | os.PathLike) -> Path:
    path = Path(case_path)
    return path.with_name(path.name + "." + KEY_NAME)


def answer_key(case_path: str | os.PathLike) -> list[dict]:
    """The changes written beside a tamper case."""
    return json.loads(answer_key_path(case_path).read_text(encoding="utf-8"))["changes"]
