"""key show/trust/list, checkpoint -o and verify --receipt, run as a user runs them."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest

from osintdesk.custody.minisign import PublicKey

from tests.support import adversary


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "osintdesk", *map(str, args)],
                          capture_output=True, text=True, env={**os.environ, **(env or {})},
                          timeout=120, stdin=subprocess.DEVNULL)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def case(tmp_path):
    result = run("new", tmp_path / "il62", "--title", "Il-62M flights")
    assert result.returncode == 0, result.stderr
    return tmp_path / "il62.osintcase"


def test_key_show_trust_list(tmp_path):
    shown = json.loads(run("key", "show", "--json").stdout)
    assert shown["created"] and not shown["encrypted"] and "0600" in shown["protection"]
    assert len(shown["fingerprint"]) == 19
    text = run("key", "show").stdout
    assert shown["key_id"] in text and shown["fingerprint"] in text and shown["public_key"] in text
    assert "Made your examiner key" not in text      # only once

    pub = tmp_path / "colleague.pub"
    pub.write_text(PublicKey(b"\x01" * 8, bytes(range(32))).file_text())
    trusted = run("key", "trust", pub, "--name", "Bob", "--json")
    assert trusted.returncode == 0, trusted.stderr
    assert json.loads(trusted.stdout)["name"] == "Bob"
    listed = json.loads(run("key", "list", "--json").stdout)
    assert [(k["name"], k["own"]) for k in listed] == [("you", True), ("Bob", False)]
    bad = run("key", "trust", "not-a-key", "--name", "X")
    assert bad.returncode == 2 and "neither a public key file" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_passphrase_from_the_environment(case):
    env = {"OSINTDESK_KEY_PASSPHRASE": "s3cret"}
    assert json.loads(run("key", "show", "--json", env=env).stdout)["encrypted"]
    # Without it (and no terminal to ask on) verify still verifies, and says why it did
    # not sign; checkpoint refuses with one line.
    result = run("verify", case)
    assert result.returncode == 0 and "no checkpoint was signed" in result.stdout
    result = run("checkpoint", case)
    assert result.returncode == 2 and "OSINTDESK_KEY_PASSPHRASE" in result.stderr
    assert run("checkpoint", case, env=env).returncode == 0


def test_checkpoint_receipt_and_verify(case, tmp_path):
    receipt = tmp_path / "receipt.txt"
    made = run("checkpoint", case, "-o", receipt, "--json")
    assert made.returncode == 0, made.stderr
    data = json.loads(made.stdout)
    assert data["receipt"] == [str(receipt), str(receipt) + ".minisig"]
    assert f"entry: {data['audit_seq']}" in receipt.read_text()

    result = run("verify", case, "--receipt", receipt)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Signed checkpoint of entry" in result.stdout
    report = json.loads(run("verify", case, "--receipt", receipt, "--json").stdout)
    assert report["ok"] and report["checked"]["receipts"] == 1
    assert report["checked"]["checkpoints"] == 2    # the checkpoint, the first verification

    if shutil.which("minisign"):     # tests/custody/test_minisign.py says when it is missing
        public = json.loads(run("key", "show", "--json").stdout)["public_key"]
        tool = subprocess.run(["minisign", "-V", "-m", str(receipt), "-P", public],
                              capture_output=True, text=True)
        assert tool.returncode == 0, tool.stderr

    # Truncate the history back to before the receipt's head, as an adversary would.
    with adversary.opened(case) as conn:
        adversary.remove_entries_from(conn, data["audit_seq"])
        conn.execute("DELETE FROM checkpoints")
    result = run("verify", case, "--receipt", receipt)
    assert result.returncode == 1
    assert f"receipt {receipt} (entry {data['audit_seq']}" in result.stdout
    assert "truncated" in result.stdout


def test_refused_receipt_leaves_case_unchanged(case, tmp_path):
    receipt = tmp_path / "receipt.txt"
    receipt.write_text("something else")
    before = digest(case)
    result = run("checkpoint", case, "-o", receipt)
    assert result.returncode == 2 and "already exists" in result.stderr
    assert digest(case) == before and receipt.read_text() == "something else"


def test_missing_receipt_signature_is_one_line(case, tmp_path):
    (tmp_path / "r.txt").write_text("osintdesk checkpoint\n")
    result = run("verify", case, "--receipt", tmp_path / "r.txt")
    assert result.returncode == 2 and ".minisig beside it" in result.stderr
    assert "Traceback" not in result.stderr


def test_export_is_followed_by_a_signed_checkpoint(case, tmp_path):
    artifact = tmp_path / "a.txt"
    artifact.write_text("RA-86496")
    assert run("add-file", case, artifact).returncode == 0
    sha = hashlib.sha256(b"RA-86496").hexdigest()
    result = run("export-original", case, sha, "-o", tmp_path / "copy.txt")
    assert result.returncode == 0 and "Signed checkpoint" in result.stderr
    log = json.loads(run("log", case, "--json").stdout)
    assert [(e["action"], e["object_type"]) for e in log[-2:]] == [("export", "artifact"),
                                                                   ("create", "checkpoint")]
    assert log[-1]["details"]["reason"] == "export"
    assert log[-1]["details"]["audit_seq"] == log[-2]["seq"]
