"""RFC 3161 timestamps over signed checkpoints: asked of a timestamping authority (TSA) when
the examiner is online and asks, stored write-once beside the checkpoint, checked offline.

What is stamped: the SHA-256 of the checkpoint's signed statement, the exact UTF-8 bytes
kept in the case (``checkpoints.statement``) and written to a receipt. A token proves that
this statement existed at the token's genTime according to that TSA; not who signed it
(the minisign signature says that), not that the case is unchanged since (``verify`` and
later checkpoints say that).

A token is checked offline against the certificate it carries: status granted, imprint and
nonce as asked, the CMS signature over the signed attributes (RSA PKCS#1 v1.5 or ECDSA),
the message-digest attribute against the TSTInfo, the signing-certificate attribute against
the certificate, the timeStamping extended key usage, genTime within the certificate's
validity. Whether that TSA deserves trust is shown, not decided here: its subject and
SHA-256 fingerprint are recorded and printed, and a token is shown as trusted when the
examiner trusted its certificate or the CA that issued it (``tsa_trust``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import requests
from asn1crypto import cms, core, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from ..errors import Cancelled, InputError, NetworkError, OsintdeskError
from ..timefmt import parse_record, record_stamp
from .checkpoints import TOKEN_SUFFIX
from .tsa_trust import TsaTrust

CONTENT_TYPE_QUERY = "application/timestamp-query"
MAX_RESPONSE_BYTES = 1024 * 1024
# The examiner's clock signs the statement, the TSA's clock stamps it: a TSA time earlier
# than the signed time by more than this is said (the examiner's clock was ahead).
CLOCK_SKEW = timedelta(minutes=5)
_DIGESTS = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class TokenError(OsintdeskError):
    """A timestamp token that does not hold (its message says why, without the where)."""


@dataclass(frozen=True)
class TokenInfo:
    """What a token says, once it has been checked."""

    gen_time: str              # record_stamp of the TSA's genTime (UTC)
    serial: str                # the TSA's serial number of the token (decimal)
    tsa_name: str              # the TSTInfo's tsa field, else the certificate subject
    cert_subject: str          # RFC 4514 subject of the certificate that signed
    cert_sha256: str           # SHA-256 of that certificate (DER), hex
    policy: str
    imprint_sha256: str        # hex: what was stamped
    nonce: int | None
    certificate: bytes         # the certificate that signed (DER)


def statement_digest(statement_text: str) -> bytes:
    """SHA-256 of a checkpoint's statement as stored (UTF-8): what a timestamp stamps."""
    return hashlib.sha256(statement_text.encode("utf-8")).digest()


# ------------------------------------------------------------------ asking a TSA


def request_token(statement_text: str, url: str, *, session: requests.Session,
                  timeout_s: float = 30.0, proxy: str | None = None) -> tuple[bytes, TokenInfo]:
    """Ask the TSA at ``url`` for a token over the statement; returns the token (DER
    ContentInfo) and what it says, checked. Errors name the URL and the problem."""
    check_url(url)
    imprint = statement_digest(statement_text)
    nonce = secrets.randbits(63)
    request = tsp.TimeStampReq({
        "version": "v1",
        "message_imprint": {"hash_algorithm": {"algorithm": "sha256"},
                            "hashed_message": imprint},
        "nonce": nonce, "cert_req": True})
    proxies = {"http": proxy, "https": proxy} if proxy else None
    try:
        response = session.post(url, data=request.dump(), timeout=(timeout_s, timeout_s),
                                headers={"Content-Type": CONTENT_TYPE_QUERY}, proxies=proxies,
                                stream=True)
        with response:
            if response.status_code != 200:
                raise NetworkError(f"the TSA answered HTTP {response.status_code} "
                                   f"{response.reason or ''}".rstrip(), path=url)
            received = bytearray()
            for chunk in response.iter_content(65536):
                received += chunk
                if len(received) > MAX_RESPONSE_BYTES:
                    raise NetworkError("the TSA's answer is larger than 1 MB: not a timestamp",
                                       path=url)
    except requests.RequestException as exc:
        raise NetworkError(f"the TSA could not be reached: {_reason(exc)}", path=url) from None
    try:
        token = _token_from_response(bytes(received))
        info = examine(token, imprint)
    except TokenError as exc:
        raise NetworkError(f"the TSA's answer was refused: {exc}", path=url) from None
    if info.nonce != nonce:
        raise NetworkError("the TSA's answer was refused: its nonce is not the one sent "
                           "(a replayed or misdirected answer)", path=url)
    return token, info


def check_url(url: str) -> str:
    """A TSA URL the request can be sent to (checked before the case is opened)."""
    if not url.lower().startswith(("http://", "https://")):
        raise InputError("a TSA URL starts with http:// or https://", path=url)
    return url


def _reason(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.Timeout):
        return "it did not answer in time"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    return type(exc).__name__


class _TimeStampResp(core.Sequence):
    """RFC 3161's TimeStampResp; asn1crypto's makes the token mandatory, but a TSA that
    refuses sends only the status."""

    _fields = [("status", tsp.PKIStatusInfo),
               ("time_stamp_token", cms.ContentInfo, {"optional": True})]


def _token_from_response(body: bytes) -> bytes:
    try:
        response = _TimeStampResp.load(body, strict=True)
        status = response["status"]["status"].native
    except (ValueError, TypeError, KeyError):
        raise TokenError("it is not a timestamp response (RFC 3161)") from None
    if status not in ("granted", "granted_with_mods"):
        texts = response["status"]["status_string"].native or []
        fail = response["status"]["fail_info"].native
        detail = "; ".join([*texts, *sorted(fail or ())])
        raise TokenError(f"status {status}" + (f" ({detail})" if detail else ""))
    token = response["time_stamp_token"]
    if not token or isinstance(token, core.Void):
        raise TokenError("status granted but no token")
    return token.dump()


# ------------------------------------------------------------------ checking a token


def examine(token_der: bytes, imprint: bytes) -> TokenInfo:
    """Check a token (DER ContentInfo) against the SHA-256 ``imprint`` it must stamp;
    raises ``TokenError`` saying what does not hold."""
    try:
        return _examine(token_der, imprint)
    except TokenError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        detail = " ".join(str(exc).split())    # asn1crypto's messages span lines
        raise TokenError(f"it is not a well-formed timestamp token ({detail})") from None


def _examine(token_der: bytes, imprint: bytes) -> TokenInfo:
    info = cms.ContentInfo.load(token_der, strict=True)
    if info["content_type"].native != "signed_data":
        raise TokenError("it is not CMS SignedData")
    signed = info["content"]
    encap = signed["encap_content_info"]
    if encap["content_type"].native != "tst_info":
        raise TokenError("it does not carry a TSTInfo")
    tst_bytes = encap["content"].contents
    tst = tsp.TSTInfo.load(tst_bytes, strict=True)
    stamped = tst["message_imprint"]
    if stamped["hash_algorithm"]["algorithm"].native != "sha256":
        raise TokenError("it stamps another kind of hash than SHA-256")
    if stamped["hashed_message"].native != imprint:
        raise TokenError("it stamps another statement (its imprint is not the SHA-256 of "
                         "this checkpoint's statement)")
    signers = list(signed["signer_infos"])
    if len(signers) != 1:
        raise TokenError(f"it has {len(signers)} signers; a timestamp has one")
    signer = signers[0]
    cert_der = _signer_certificate(signed, signer)
    certificate = x509.load_der_x509_certificate(cert_der)
    _check_signed_attributes(signer, tst_bytes, cert_der)
    _check_signature(signer, certificate)
    _check_usage(certificate)
    gen_time = tst["gen_time"].native
    if not (certificate.not_valid_before_utc <= gen_time <= certificate.not_valid_after_utc):
        raise TokenError(f"its time {record_stamp(gen_time)} is outside its certificate's "
                         "validity")
    subject = certificate.subject.rfc4514_string()
    tsa = tst["tsa"]
    tsa_name = subject
    if tsa and not isinstance(tsa, core.Void) and tsa.name == "directory_name":
        tsa_name = tsa.chosen.human_friendly
    return TokenInfo(gen_time=record_stamp(gen_time), serial=str(tst["serial_number"].native),
                     tsa_name=tsa_name, cert_subject=subject,
                     cert_sha256=hashlib.sha256(cert_der).hexdigest(),
                     policy=tst["policy"].native, imprint_sha256=imprint.hex(),
                     nonce=tst["nonce"].native, certificate=cert_der)


def _signer_certificate(signed: cms.SignedData, signer: cms.SignerInfo) -> bytes:
    sid = signer["sid"]
    for choice in signed["certificates"] or ():
        if choice.name != "certificate":
            continue
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (cert.issuer == wanted["issuer"]
                    and cert.serial_number == wanted["serial_number"].native):
                return cert.dump()
        elif sid.name == "subject_key_identifier":
            if cert.key_identifier == sid.chosen.native:
                return cert.dump()
    raise TokenError("it does not include the TSA's certificate (ask with certReq)")


def _attribute(signer: cms.SignerInfo, name: str):
    for attribute in signer["signed_attrs"]:
        if attribute["type"].native == name:
            values = attribute["values"]
            if len(values) != 1:
                raise TokenError(f"its {name} attribute has {len(values)} values")
            return values[0]
    return None


def _digest_name(signer: cms.SignerInfo) -> str:
    name = signer["digest_algorithm"]["algorithm"].native
    if name not in _DIGESTS:
        raise TokenError(f"it is signed over a {name} digest (osintdesk checks SHA-256, "
                         "SHA-384 and SHA-512)")
    return name


def _check_signed_attributes(signer: cms.SignerInfo, tst_bytes: bytes, cert_der: bytes) -> None:
    if not signer["signed_attrs"] or isinstance(signer["signed_attrs"], core.Void):
        raise TokenError("it has no signed attributes")
    content_type = _attribute(signer, "content_type")
    if content_type is None or content_type.native != "tst_info":
        raise TokenError("its content-type attribute is not TSTInfo")
    digest = _attribute(signer, "message_digest")
    name = _digest_name(signer)
    if digest is None or digest.native != hashlib.new(name, tst_bytes).digest():
        raise TokenError("its message-digest attribute is not the hash of its TSTInfo "
                         "(the token was altered)")
    for attr, default in (("signing_certificate_v2", "sha256"), ("signing_certificate", "sha1")):
        value = _attribute(signer, attr)
        if value is None:
            continue
        first = value["certs"][0]
        algorithm = default
        if attr == "signing_certificate_v2":
            algorithm = first["hash_algorithm"]["algorithm"].native
        if first["cert_hash"].native != hashlib.new(algorithm, cert_der).digest():
            raise TokenError("its signing-certificate attribute names another certificate")


def _check_signature(signer: cms.SignerInfo, certificate: x509.Certificate) -> None:
    # The signature is over the DER of the signed attributes as a SET (RFC 5652 5.4).
    signed_attrs = signer["signed_attrs"].untag().dump()
    signature = signer["signature"].native
    digest = _DIGESTS[_digest_name(signer)]()
    algorithm = signer["signature_algorithm"].signature_algo
    key = certificate.public_key()
    try:
        if algorithm == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed_attrs, padding.PKCS1v15(), digest)
        elif algorithm == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed_attrs, ec.ECDSA(digest))
        else:
            raise TokenError(f"it is signed with {algorithm}, which osintdesk does not check "
                             "(RSA PKCS#1 v1.5 and ECDSA)")
    except InvalidSignature:
        raise TokenError("its signature does not hold (the token was altered or signed by "
                         "another key)") from None


def _check_usage(certificate: x509.Certificate) -> None:
    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        usage = ()
    if ExtendedKeyUsageOID.TIME_STAMPING not in usage:
        raise TokenError(f"its certificate ({certificate.subject.rfc4514_string()}) is not "
                         "for timestamping (no timeStamping extended key usage)")


# ------------------------------------------------------------------ in the case


def add(case, checkpoint: dict, token: bytes, info: TokenInfo, *, tsa_url: str) -> dict:
    """Store a checked token for ``checkpoint`` (write-once, with its audit entry)."""
    return case.insert_record("timestamp", {
        "checkpoint_uuid": checkpoint["uuid"], "tsa_url": tsa_url, "token": token,
        "imprint_sha256": info.imprint_sha256, "gen_time_utc": info.gen_time,
        "serial": info.serial, "tsa_name": info.tsa_name, "cert_subject": info.cert_subject,
        "cert_sha256": info.cert_sha256, "policy": info.policy},
        details={"checkpoint": checkpoint["uuid"], "audit_seq": checkpoint["audit_seq"],
                 "gen_time_utc": info.gen_time, "tsa": info.tsa_name,
                 "cert_sha256": info.cert_sha256})


def timestamp_checkpoint(case, checkpoint: dict, url: str, *, session: requests.Session,
                         timeout_s: float = 30.0, proxy: str | None = None,
                         progress=None, cancelled=None) -> dict:
    """Ask the TSA for a token over a stored checkpoint and store it; the case is written
    only when the token holds (the network is asked outside any transaction). One request
    bounded by ``timeout_s``: ``cancelled`` is asked before storing, ``progress`` is unused."""
    token, info = request_token(checkpoint["statement"], url, session=session,
                                timeout_s=timeout_s, proxy=proxy)
    if cancelled is not None and cancelled():
        raise Cancelled()
    return add(case, checkpoint, token, info, tsa_url=url)


def describe(row: dict) -> str:
    return (f"stamped {row['gen_time_utc']} by {row['tsa_name']} (certificate sha256 "
            f"{row['cert_sha256']})")


def write_token(token: bytes, receipt_text_path: Path) -> Path:
    """The token beside a receipt's statement (``receipt.txt.tsr``); refuses to replace."""
    path = token_path(receipt_text_path)
    if path.exists():
        raise InputError("already exists; choose another name (nothing was written)", path=path)
    with open(path, "xb") as handle:
        handle.write(token)
    return path


def token_path(receipt_text_path: Path) -> Path:
    return receipt_text_path.with_name(receipt_text_path.name + TOKEN_SUFFIX)


def ordering_note(signed_utc: str, gen_time_utc: str) -> str | None:
    """Said when the TSA's time is earlier than the examiner's signed time."""
    if parse_record(gen_time_utc) + CLOCK_SKEW < parse_record(signed_utc):
        return (f"the TSA's time {gen_time_utc} is earlier than the time the statement says "
                f"it was signed ({signed_utc}): the examiner's clock was ahead")
    return None



# ------------------------------------------------------------------ verification

TOKEN_FIELDS = ("imprint_sha256", "gen_time_utc", "serial", "tsa_name", "cert_subject",
                "cert_sha256", "policy")


def timestamp_rows(case) -> list[dict]:
    if case.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = "
                         "'timestamps'").fetchone() is None:
        return []
    return list(case.db.query("SELECT * FROM timestamps ORDER BY gen_time_utc, uuid"))


def check_token(report, check: str, label: str, token: bytes, statement_text: str,
                signed_utc: str, trust: TsaTrust) -> TokenInfo | None:
    """One token against the statement it must stamp: a failure naming ``label``, or a
    note saying what it proves and by whom, trusted or not."""
    try:
        info = examine(token, statement_digest(statement_text))
    except TokenError as exc:
        report.fail(check, label, f"its timestamp does not hold: {exc}")
        return None
    vouching = trust.vouching(info.certificate, parse_record(info.gen_time))
    if vouching is not None:
        whose = f"the TSA {info.cert_subject}, trusted as {vouching.name!r}"
    else:
        whose = (f"the TSA {info.cert_subject}, which you have not trusted (certificate sha256 "
                 f"{info.cert_sha256}: once it matches what the TSA publishes, 'osintdesk tsa "
                 "trust' its certificate or its CA's)")
    report.notes.append(f"{label} is timestamped: it existed at {info.gen_time} according to "
                        f"{whose}")
    note = ordering_note(signed_utc, info.gen_time)
    if note:
        report.notes.append(f"{label}: {note}")
    return info


def check_timestamps(case, report, trust: TsaTrust | None = None) -> None:
    """Every stored token again, offline: it stamps its checkpoint's statement, its
    signature and certificate hold, and its record says what the token says."""
    rows = timestamp_rows(case)
    trust = trust if trust is not None else TsaTrust.load()
    checkpoints = {r["uuid"]: r for r in case.db.query(
        "SELECT uuid, audit_seq, statement, signed_utc FROM checkpoints")} if rows else {}
    for row in rows:
        checkpoint = checkpoints.get(row["checkpoint_uuid"])
        if checkpoint is None:
            report.fail("timestamp", f"timestamp {row['uuid']}",
                        f"its checkpoint {row['checkpoint_uuid']} is missing")
            continue
        label = (f"checkpoint {checkpoint['uuid']} (entry {checkpoint['audit_seq']}, "
                 f"signed {checkpoint['signed_utc']})")
        info = check_token(report, "timestamp", label, row["token"], checkpoint["statement"],
                           checkpoint["signed_utc"], trust)
        if info is None:
            continue
        differs = [f for f in TOKEN_FIELDS if str(getattr(info, _info_attr(f))) != str(row[f])]
        if differs:
            report.fail("timestamp", label, "its timestamp record differs from its token "
                        f"({', '.join(differs)})")
    report.checked["timestamps"] = len(rows)


def _info_attr(field: str) -> str:
    return {"gen_time_utc": "gen_time"}.get(field, field)
