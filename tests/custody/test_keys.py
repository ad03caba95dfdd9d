"""The examiner key: made on first use, private to the user, encrypted when a passphrase is
given; colleagues' keys trusted under a name."""

from __future__ import annotations

import os
import stat

import pytest

from osintdesk.custody import keys
from osintdesk.errors import InputError


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_key_is_made_on_first_use_and_readable_only_by_the_user():
    assert not keys.has_examiner_key() and keys.Keyring.load().keys == ()
    key = keys.load_examiner_key()
    assert keys.has_examiner_key()
    assert mode(keys.keys_dir()) == 0o700
    assert mode(keys.keys_dir() / "examiner.key") == 0o600
    assert not key.encrypted and "NOT encrypted" in key.protection and "0600" in key.protection
    again = keys.load_examiner_key()
    assert again.public == key.public      # the same key, not a new one


def test_passphrase_encrypts_the_private_key(monkeypatch):
    monkeypatch.setenv(keys.PASSPHRASE_ENV, "correct horse")
    key = keys.load_examiner_key()
    data = (keys.keys_dir() / "examiner.key").read_bytes()
    assert data.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert key.encrypted and keys.examiner_key_status()["encrypted"]
    monkeypatch.delenv(keys.PASSPHRASE_ENV)
    with pytest.raises(keys.ExaminerKeyError, match="encrypted; set OSINTDESK_KEY_PASSPHRASE"):
        keys.load_examiner_key()
    with pytest.raises(keys.ExaminerKeyError, match="wrong passphrase"):
        keys.load_examiner_key(lambda: "wrong horse")
    assert keys.load_examiner_key(lambda: "correct horse").public == key.public


def test_trusted_keys(tmp_path):
    own = keys.load_examiner_key().public
    colleague = keys.PublicKey(b"\x01" * 8, bytes(range(32)))
    pub_file = tmp_path / "bob.pub"
    pub_file.write_text(colleague.file_text())
    keys.trust_key(keys.read_key_argument(str(pub_file)), "Bob  Smith")
    ring = keys.Keyring.load()
    assert [(k.name, k.own) for k in ring.keys] == [("you", True), ("Bob Smith", False)]
    assert ring.find(colleague).name == "Bob Smith"
    keys.trust_key(keys.read_key_argument(colleague.base64), "Robert Smith")   # renamed
    assert [k.name for k in keys.trusted_keys()] == ["Robert Smith"]
    assert mode(keys.keys_dir() / "trusted.json") == 0o600
    with pytest.raises(InputError, match="your own key"):
        keys.trust_key(own, "me")
    with pytest.raises(InputError, match="neither a public key file"):
        keys.read_key_argument("not a key")
