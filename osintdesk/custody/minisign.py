"""The minisign key and signature formats (Ed25519), so any ``minisign -V`` checks what we sign.

A public key is ``"Ed" || key id (8 bytes) || Ed25519 key (32 bytes)`` in base64 under an
untrusted comment. A signature file has four lines: an untrusted comment, base64 of
``"ED" || key id || Ed25519(BLAKE2b-512(message))``, ``trusted comment: TEXT`` and base64 of
the global signature ``Ed25519(signature || TEXT)``, which makes the trusted comment signed
too. The key id is shown as minisign shows it: the 8 bytes read as a little-endian integer,
in upper-case hex without leading zeros.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import OsintdeskError

KEY_ALG = b"Ed"
PREHASHED_ALG = b"ED"      # the signature covers BLAKE2b-512 of the message
LEGACY_ALG = b"Ed"         # the signature covers the message itself (read, never written)
UNTRUSTED_PREFIX = "untrusted comment: "
TRUSTED_PREFIX = "trusted comment: "


class SignatureError(OsintdeskError):
    """A key or signature is malformed, or a signature does not hold."""


@dataclass(frozen=True)
class PublicKey:
    key_id: bytes     # 8 bytes
    key: bytes        # 32 bytes, Ed25519

    @property
    def key_id_hex(self) -> str:
        return key_id_text(self.key_id)

    @property
    def base64(self) -> str:
        return base64.b64encode(KEY_ALG + self.key_id + self.key).decode("ascii")

    def file_text(self) -> str:
        """The public key as minisign writes it to ``minisign.pub``."""
        return f"{UNTRUSTED_PREFIX}minisign public key {self.key_id_hex}\n{self.base64}\n"

    @property
    def fingerprint(self) -> str:
        """A short fingerprint to read out over the phone: 16 hex digits in groups of four
        (the start of SHA-256 over the encoded key)."""
        digest = hashlib.sha256(KEY_ALG + self.key_id + self.key).hexdigest()[:16].upper()
        return " ".join(digest[i:i + 4] for i in range(0, 16, 4))

    def ed25519(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.key)


def key_id_text(key_id: bytes) -> str:
    """As minisign prints it (``%llX`` of the little-endian number: no leading zeros)."""
    return format(int.from_bytes(key_id, "little"), "X")


def parse_public_key(text: str) -> PublicKey:
    """A public key from a ``minisign.pub`` file's text or the bare base64 line."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if lines and lines[0].startswith(UNTRUSTED_PREFIX.strip()):
        lines = lines[1:]
    if len(lines) != 1:
        raise SignatureError("is not a minisign public key (expected one base64 line)")
    try:
        raw = base64.b64decode(lines[0], validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("is not a minisign public key (not base64)") from None
    if len(raw) != 42 or raw[:2] != KEY_ALG:
        raise SignatureError("is not a minisign Ed25519 public key")
    return PublicKey(raw[2:10], raw[10:])


@dataclass(frozen=True)
class Signature:
    untrusted_comment: str
    algorithm: bytes
    key_id: bytes
    signature: bytes
    trusted_comment: str
    global_signature: bytes

    @property
    def key_id_hex(self) -> str:
        return key_id_text(self.key_id)


def parse_signature(text: str) -> Signature:
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    if len(lines) != 4 or not lines[0].startswith(UNTRUSTED_PREFIX) \
            or not lines[2].startswith(TRUSTED_PREFIX):
        raise SignatureError("is not a minisign signature (four lines: untrusted comment, "
                             "signature, trusted comment, global signature)")
    try:
        raw = base64.b64decode(lines[1], validate=True)
        global_sig = base64.b64decode(lines[3], validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("is not a minisign signature (not base64)") from None
    if len(raw) != 74 or raw[:2] not in (PREHASHED_ALG, LEGACY_ALG) or len(global_sig) != 64:
        raise SignatureError("is not a minisign Ed25519 signature")
    return Signature(lines[0][len(UNTRUSTED_PREFIX):], raw[:2], raw[2:10], raw[10:],
                     lines[2][len(TRUSTED_PREFIX):], global_sig)


def _check_comment(text: str, what: str) -> None:
    if "\n" in text or "\r" in text:
        raise ValueError(f"a minisign {what} is one line")


def sign(private_key: Ed25519PrivateKey, key_id: bytes, message: bytes, *,
         trusted_comment: str, untrusted_comment: str = "signature from osintdesk") -> str:
    """The text of a ``.minisig`` file over ``message`` (prehashed, as minisign 0.10+ signs)."""
    _check_comment(trusted_comment, "trusted comment")
    _check_comment(untrusted_comment, "untrusted comment")
    signature = private_key.sign(hashlib.blake2b(message, digest_size=64).digest())
    global_sig = private_key.sign(signature + trusted_comment.encode("utf-8"))
    return (f"{UNTRUSTED_PREFIX}{untrusted_comment}\n"
            f"{base64.b64encode(PREHASHED_ALG + key_id + signature).decode('ascii')}\n"
            f"{TRUSTED_PREFIX}{trusted_comment}\n"
            f"{base64.b64encode(global_sig).decode('ascii')}\n")


def verify(public_key: PublicKey, message: bytes, signature_text: str) -> Signature:
    """Check a signature over ``message``; returns it (its trusted comment is then genuine).

    Raises :class:`SignatureError` naming what does not hold."""
    sig = parse_signature(signature_text)
    if sig.key_id != public_key.key_id:
        raise SignatureError(f"was made by key {sig.key_id_hex}, not by key "
                             f"{public_key.key_id_hex}")
    signed = hashlib.blake2b(message, digest_size=64).digest() \
        if sig.algorithm == PREHASHED_ALG else message
    try:
        ed = public_key.ed25519()
    except ValueError:
        raise SignatureError("the public key is not a valid Ed25519 key") from None
    try:
        ed.verify(sig.signature, signed)
    except InvalidSignature:
        raise SignatureError("does not match the signed text (it was altered after signing)"
                             ) from None
    try:
        ed.verify(sig.global_signature, sig.signature + sig.trusted_comment.encode("utf-8"))
    except InvalidSignature:
        raise SignatureError("its trusted comment was altered after signing") from None
    return sig
