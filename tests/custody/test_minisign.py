"""Our minisign signatures are checked by the minisign tool, and minisign's own keys and
signatures are read and checked by us: the two agree on the format both ways."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from osintdesk.custody import minisign
from osintdesk.custody.keys import load_examiner_key
from osintdesk.custody.minisign import SignatureError

MINISIGN = shutil.which("minisign")
needs_minisign = pytest.mark.skipif(
    MINISIGN is None, reason="the minisign tool is not installed (Debian package 'minisign'; "
                             ".ci/run installs it)")


def test_sign_and_verify_round_trip():
    key = load_examiner_key()
    text = key.sign(b"the head", trusted_comment="entry 7")
    sig = minisign.verify(key.public, b"the head", text)
    assert sig.trusted_comment == "entry 7" and sig.algorithm == b"ED"
    assert minisign.parse_public_key(key.public.file_text()) == key.public
    assert minisign.parse_public_key(key.public.base64) == key.public


@pytest.mark.parametrize("change", ["message", "trusted comment", "key"])
def test_altered_signature_is_refused(change):
    key = load_examiner_key()
    text = key.sign(b"the head", trusted_comment="entry 7")
    message, public = b"the head", key.public
    if change == "message":
        message = b"the heaD"
    elif change == "trusted comment":
        text = text.replace("entry 7", "entry 8")
    else:
        public = minisign.PublicKey(public.key_id, bytes(32 - 1) + b"\x01")
    with pytest.raises(SignatureError):
        minisign.verify(public, message, text)


def test_malformed_inputs_are_refused():
    for bad in ("", "untrusted comment: x\nnot base64!\n", "RWQ=", "a\nb\nc"):
        with pytest.raises(SignatureError):
            minisign.parse_public_key(bad)
        with pytest.raises(SignatureError):
            minisign.parse_signature(bad)


@needs_minisign
def test_minisign_tool_verifies_our_signature(tmp_path):
    key = load_examiner_key()
    message = tmp_path / "statement.txt"
    message.write_bytes(b"osintdesk checkpoint\nentry: 7\n")
    (tmp_path / "statement.txt.minisig").write_text(
        key.sign(message.read_bytes(), trusted_comment="osintdesk entry 7"))
    (tmp_path / "examiner.pub").write_text(key.public.file_text())
    done = subprocess.run([MINISIGN, "-V", "-m", str(message), "-p",
                           str(tmp_path / "examiner.pub")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Trusted comment: osintdesk entry 7" in done.stdout
    # The bare base64 key works too, and an altered file is refused by the tool.
    message.write_bytes(b"osintdesk checkpoint\nentry: 8\n")
    done = subprocess.run([MINISIGN, "-V", "-m", str(message), "-P", key.public.base64],
                          capture_output=True, text=True)
    assert done.returncode != 0


@needs_minisign
def test_we_verify_the_minisign_tools_signature(tmp_path):
    pub, sec = tmp_path / "m.pub", tmp_path / "m.key"
    subprocess.run([MINISIGN, "-G", "-W", "-p", str(pub), "-s", str(sec)], check=True,
                   capture_output=True)
    data = tmp_path / "file.bin"
    data.write_bytes(bytes(range(256)) * 10)
    subprocess.run([MINISIGN, "-S", "-s", str(sec), "-m", str(data), "-t", "from the tool"],
                   check=True, capture_output=True)
    public = minisign.parse_public_key(pub.read_text())
    assert pub.read_text().splitlines()[0].endswith(public.key_id_hex)
    sig = minisign.verify(public, data.read_bytes(), (tmp_path / "file.bin.minisig").read_text())
    assert sig.trusted_comment == "from the tool"


def test_key_id_is_shown_as_minisign_shows_it():
    assert minisign.key_id_text(bytes.fromhex("c4e82c43251b7f00")) == "7F1B25432CE8C4"
    assert minisign.key_id_text(bytes.fromhex("0102030405060708")) == "807060504030201"
