"""The timestamping authorities the examiner trusts, in the user's config folder.

``keys/trusted_tsa.json`` lists certificates, each under a name: the TSA's own certificate
(pinned) or the CA certificate that issued it directly. A token whose certificate is one of
them, or was signed by one of them (valid at the token's time and marked as a CA), is shown
as trusted; any other is shown with its subject and fingerprint as not trusted, not
rejected. Longer chains are not followed: trust the TSA's issuing certificate instead.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from ..errors import InputError
from .keys import _ensure_private_folder, _write_private, keys_dir


def _trusted_path() -> Path:
    return keys_dir() / "trusted_tsa.json"


@dataclass(frozen=True)
class TrustedCertificate:
    name: str
    certificate: x509.Certificate

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.certificate.public_bytes(serialization.Encoding.DER)).hexdigest()

    def as_dict(self) -> dict:
        return {"name": self.name, "subject": self.certificate.subject.rfc4514_string(),
                "sha256": self.sha256,
                "is_ca": _is_ca(self.certificate)}


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def read_certificate(path: str | Path) -> x509.Certificate:
    """A certificate file, PEM or DER."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", path=path) from None
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise InputError("is not an X.509 certificate (PEM or DER)", path=path) from None


def _read() -> list[dict]:
    path = _trusted_path()
    if not path.is_file():
        return []
    try:
        return list(json.loads(path.read_text("utf-8"))["certificates"])
    except (ValueError, KeyError, TypeError):
        raise InputError("the list of trusted timestamping authorities is damaged",
                         path=path) from None


def trust(certificate: x509.Certificate, name: str) -> TrustedCertificate:
    """Trust a TSA certificate or its issuing CA under ``name`` (the same one again renames)."""
    name = " ".join(name.split())
    if not name:
        raise InputError("a trusted timestamping authority needs a name")
    trusted = TrustedCertificate(name, certificate)
    items = [i for i in _read() if i.get("sha256") != trusted.sha256]
    items.append({"name": name, "sha256": trusted.sha256,
                  "pem": certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")})
    _ensure_private_folder(keys_dir())
    _write_private(_trusted_path(), json.dumps({"certificates": items}, indent=2,
                                               ensure_ascii=False).encode("utf-8"))
    return trusted


@dataclass(frozen=True)
class TsaTrust:
    certificates: tuple[TrustedCertificate, ...]

    @classmethod
    def load(cls) -> "TsaTrust":
        return cls(tuple(TrustedCertificate(item["name"], x509.load_pem_x509_certificate(
            item["pem"].encode("ascii"))) for item in _read()))

    def vouching(self, certificate_der: bytes, at: datetime) -> TrustedCertificate | None:
        """The trusted certificate that vouches for a TSA certificate at time ``at``: the
        same certificate, or its direct issuer (a CA valid then whose signature holds)."""
        digest = hashlib.sha256(certificate_der).hexdigest()
        certificate = x509.load_der_x509_certificate(certificate_der)
        for trusted in self.certificates:
            if trusted.sha256 == digest:
                return trusted
        for trusted in self.certificates:
            issuer = trusted.certificate
            if not _is_ca(issuer) or not (
                    issuer.not_valid_before_utc <= at <= issuer.not_valid_after_utc):
                continue
            try:
                certificate.verify_directly_issued_by(issuer)
            except (ValueError, TypeError, InvalidSignature):
                continue
            return trusted
        return None
