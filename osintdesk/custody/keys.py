"""The examiner's key pair and the keys they trust, in the user's config folder.

``keys/examiner.key`` holds the Ed25519 private key (PKCS#8 PEM, encrypted with the
passphrase when one is given, file mode 0600 in a 0700 folder either way);
``keys/examiner.pub`` the public key in minisign form; ``keys/trusted.json`` the public keys
of colleagues, each with the name it was trusted under. The key is made on first use.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .. import paths
from ..errors import InputError, OsintdeskError
from . import minisign
from .minisign import PublicKey

PASSPHRASE_ENV = "OSINTDESK_KEY_PASSPHRASE"
# Where the passphrase comes from: a callable so the CLI can prompt and tests can pass one.
Passphrase = Callable[[], "str | None"]

PROTECTION_ENCRYPTED = "encrypted with a passphrase (PKCS#8, scrypt or PBKDF2 + AES-256)"
PROTECTION_PLAIN = ("NOT encrypted: protected only by file permissions (0600, readable by you "
                    f"alone); to encrypt it, set {PASSPHRASE_ENV} before the key is made")


class ExaminerKeyError(OsintdeskError):
    """The examiner key cannot be read (wrong or missing passphrase, damaged file)."""


def keys_dir() -> Path:
    return paths.config_dir() / "keys"


def _private_path() -> Path:
    return keys_dir() / "examiner.key"


def _public_path() -> Path:
    return keys_dir() / "examiner.pub"


def _trusted_path() -> Path:
    return keys_dir() / "trusted.json"


def passphrase_from_env() -> str | None:
    return os.environ.get(PASSPHRASE_ENV) or None


@dataclass(frozen=True)
class ExaminerKey:
    """The examiner's own key pair, unlocked: it can sign."""

    public: PublicKey
    encrypted: bool
    _private: Ed25519PrivateKey

    @property
    def protection(self) -> str:
        return PROTECTION_ENCRYPTED if self.encrypted else PROTECTION_PLAIN

    def sign(self, message: bytes, *, trusted_comment: str,
             untrusted_comment: str | None = None) -> str:
        """A minisign signature (``.minisig`` text) over ``message``."""
        return minisign.sign(self._private, self.public.key_id, message,
                             trusted_comment=trusted_comment,
                             untrusted_comment=untrusted_comment
                             or f"signature from osintdesk key {self.public.key_id_hex}")


def _ensure_private_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if sys.platform != "win32":
        os.chmod(folder, 0o700)


def _write_private(path: Path, data: bytes) -> None:
    """Create ``path`` readable and writable by the user only, never wider, not even briefly."""
    tmp = path.with_name(path.name + f".{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def has_examiner_key() -> bool:
    return _private_path().is_file() and _public_path().is_file()


def examiner_key_status() -> dict:
    """Where the key pair is and how the private key is protected, without unlocking it."""
    public = own_public_key()
    encrypted = _private_path().is_file() and b"ENCRYPTED" in \
        _private_path().read_bytes().split(b"\n", 1)[0]
    return {"public": public, "public_path": _public_path(), "private_path": _private_path(),
            "encrypted": encrypted,
            "protection": PROTECTION_ENCRYPTED if encrypted else PROTECTION_PLAIN}


def own_public_key() -> PublicKey | None:
    """The examiner's public key, without unlocking the private one (None before first use)."""
    if not _public_path().is_file():
        return None
    return minisign.parse_public_key(_public_path().read_text("utf-8"))


def create_examiner_key(passphrase: str | None) -> ExaminerKey:
    """Make the key pair (refuses to replace one that exists)."""
    if _private_path().exists():
        raise ExaminerKeyError("an examiner key exists already; nothing was changed",
                        path=_private_path())
    _ensure_private_folder(keys_dir())
    private = Ed25519PrivateKey.generate()
    public = PublicKey(secrets.token_bytes(8), private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    encryption = (serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
                  if passphrase else serialization.NoEncryption())
    _write_private(_private_path(), private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    _public_path().write_text(public.file_text(), "utf-8")
    return ExaminerKey(public, bool(passphrase), private)


def load_examiner_key(passphrase: Passphrase | None = None, *, create: bool = True
                      ) -> ExaminerKey:
    """The examiner's key, unlocked (made on first use when ``create``).

    ``passphrase`` is asked only when the key is encrypted, or when a new key is made."""
    ask = passphrase or passphrase_from_env
    if not has_examiner_key():
        if not create:
            raise ExaminerKeyError("no examiner key yet (it is made on first use: "
                            "'osintdesk key show' makes it)", path=_private_path())
        return create_examiner_key(ask())
    data = _private_path().read_bytes()
    encrypted = b"ENCRYPTED" in data.split(b"\n", 1)[0]
    secret = ask() if encrypted else None
    if encrypted and not secret:
        raise ExaminerKeyError(f"the examiner key is encrypted; set {PASSPHRASE_ENV} or run in a "
                        "terminal to be asked for its passphrase", path=_private_path())
    try:
        private = serialization.load_pem_private_key(
            data, password=secret.encode("utf-8") if secret else None)
    except (ValueError, TypeError):
        raise ExaminerKeyError("cannot unlock the examiner key (wrong passphrase or damaged file)",
                        path=_private_path()) from None
    if not isinstance(private, Ed25519PrivateKey):
        raise ExaminerKeyError("is not an Ed25519 key", path=_private_path())
    public = own_public_key()
    raw = private.public_key().public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw)
    if public is None or public.key != raw:
        raise ExaminerKeyError("the public key beside it does not belong to this private key",
                        path=_public_path())
    return ExaminerKey(public, encrypted, private)


# ------------------------------------------------------------------ trusted keys


@dataclass(frozen=True)
class TrustedKey:
    name: str
    public: PublicKey
    own: bool = False

    def as_dict(self) -> dict:
        return {"name": self.name, "key_id": self.public.key_id_hex,
                "public_key": self.public.base64, "fingerprint": self.public.fingerprint,
                "own": self.own}


def _read_trusted() -> list[dict]:
    path = _trusted_path()
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text("utf-8"))
        return list(data["keys"])
    except (ValueError, KeyError, TypeError):
        raise InputError("the list of trusted keys is damaged", path=path) from None


def trusted_keys() -> list[TrustedKey]:
    result = []
    for item in _read_trusted():
        result.append(TrustedKey(item["name"], minisign.parse_public_key(item["public_key"])))
    return result


def read_key_argument(value: str) -> PublicKey:
    """A public key given as a file (``minisign.pub``) or as its base64 text."""
    path = Path(value)
    try:
        is_file = path.is_file()
    except OSError:
        is_file = False
    if is_file:
        try:
            return minisign.parse_public_key(path.read_text("utf-8"))
        except (UnicodeDecodeError, minisign.SignatureError) as exc:
            raise InputError(f"is not a minisign public key ({exc})", path=path) from None
    try:
        return minisign.parse_public_key(value)
    except minisign.SignatureError:
        raise InputError(f"is neither a public key file nor a minisign public key: {value!r}"
                         ) from None


def trust_key(public: PublicKey, name: str) -> TrustedKey:
    """Add a colleague's key under ``name`` (the same key again renames it)."""
    name = " ".join(name.split())
    if not name:
        raise InputError("a trusted key needs a name")
    own = own_public_key()
    if own is not None and own == public:
        raise InputError("this is your own key; it is always trusted")
    items = [i for i in _read_trusted() if i.get("public_key") != public.base64]
    items.append({"name": name, "public_key": public.base64, "key_id": public.key_id_hex})
    _ensure_private_folder(keys_dir())
    _write_private(_trusted_path(), json.dumps({"keys": items}, indent=2,
                                               ensure_ascii=False).encode("utf-8"))
    return TrustedKey(name, public)


@dataclass(frozen=True)
class Keyring:
    """Whose keys the examiner recognises: their own and the trusted ones."""

    keys: tuple[TrustedKey, ...]

    @classmethod
    def load(cls) -> "Keyring":
        own = own_public_key()
        keys = ([TrustedKey("you", own, own=True)] if own else []) + trusted_keys()
        return cls(tuple(keys))

    def find(self, public: PublicKey) -> TrustedKey | None:
        for key in self.keys:
            if key.public == public:
                return key
        return None


def signing_needs() -> str:
    """What the examiner key needs before it can sign without a terminal: ``"plain"``
    (nothing), ``"encrypted"`` (its passphrase typed), ``"new"`` (made on first use),
    ``"env"`` (its passphrase is in the environment)."""
    if not has_examiner_key():
        return "env" if passphrase_from_env() else "new"
    if not examiner_key_status()["encrypted"]:
        return "plain"
    return "env" if passphrase_from_env() else "encrypted"


def signer_with(passphrase: str | None):
    """The examiner's key, unlocked with the passphrase typed (else the environment's),
    made on first use as Verify makes it: a callable, so the work that signs unlocks it."""
    return lambda: load_examiner_key(lambda: passphrase or passphrase_from_env())
