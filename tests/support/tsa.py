"""A local RFC 3161 timestamping authority made by the tests, served on 127.0.0.1.

A self-signed CA issues a TSA certificate with the timeStamping extended key usage (RSA or
ECDSA); the answer is a TSTInfo built with asn1crypto, wrapped in CMS SignedData with the
content-type, message-digest and signing-certificate-v2 attributes, signed with
cryptography. Each path is one situation a client must handle: ``/tsa`` answers
correctly, ``/ec`` with an ECDSA key, the others misbehave in one way each.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from http.server import BaseHTTPRequestHandler

from asn1crypto import algos, cms, core, tsp, x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.support.servers import QuietServer

GEN_TIME = dt.datetime(2026, 11, 26, 1, 2, 3, 456789, tzinfo=dt.timezone.utc)
POLICY = "1.3.6.1.4.1.99999.1.1"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "osintdesk tests"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(subject: str, public_key, issuer: x509.Name, issuer_key, *, ca: bool,
                 eku: bool = True) -> x509.Certificate:
    start = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer)
               .public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(start + dt.timedelta(days=3650))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca and eku:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


class Authority:
    """A CA and the TSA certificates it issued: RSA, ECDSA, and RSA without the EKU."""

    def __init__(self, name: str = "Test Timestamp Root"):
        self.ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ca_cert = _certificate(name, self.ca_key.public_key(), _name(name), self.ca_key,
                                    ca=True)
        self.signers = {}
        for label, key, eku in (
                ("rsa", rsa.generate_private_key(public_exponent=65537, key_size=2048), True),
                ("ec", ec.generate_private_key(ec.SECP256R1()), True),
                ("no-eku", rsa.generate_private_key(public_exponent=65537, key_size=2048), False)):
            cert = _certificate(f"Test TSA {label}", key.public_key(), self.ca_cert.subject,
                                self.ca_key, ca=False, eku=eku)
            self.signers[label] = (key, cert)
        self.serial = 1000

    def cert_pem(self, label: str = "rsa") -> bytes:
        return self.signers[label][1].public_bytes(serialization.Encoding.PEM)

    def ca_pem(self) -> bytes:
        return self.ca_cert.public_bytes(serialization.Encoding.PEM)

    def token(self, imprint: bytes, nonce: int | None, *, signer: str = "rsa",
              gen_time: dt.datetime = GEN_TIME, tamper_signature: bool = False) -> cms.ContentInfo:
        """A TimeStampToken over ``imprint`` (a SHA-256 digest)."""
        key, cert = self.signers[signer]
        self.serial += 1
        tst = tsp.TSTInfo({
            "version": "v1", "policy": POLICY,
            "message_imprint": {"hash_algorithm": {"algorithm": "sha256"},
                                "hashed_message": imprint},
            "serial_number": self.serial, "gen_time": gen_time, "nonce": nonce,
            "tsa": asn1_x509.GeneralName(
                name="directory_name",
                value=asn1_x509.Certificate.load(cert.public_bytes(
                    serialization.Encoding.DER))["tbs_certificate"]["subject"]),
        })
        tst_der = tst.dump()
        cert_der = cert.public_bytes(serialization.Encoding.DER)
        asn1_cert = asn1_x509.Certificate.load(cert_der)
        signed_attrs = cms.CMSAttributes([
            cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
            cms.CMSAttribute({"type": "message_digest",
                              "values": [hashlib.sha256(tst_der).digest()]}),
            cms.CMSAttribute({"type": "signing_certificate_v2", "values": [{
                "certs": [{"cert_hash": hashlib.sha256(cert_der).digest()}]}]}),
        ])
        to_sign = signed_attrs.dump()
        if isinstance(key, rsa.RSAPrivateKey):
            signature = key.sign(to_sign, padding.PKCS1v15(), hashes.SHA256())
            sig_algo = "sha256_rsa"
        else:
            signature = key.sign(to_sign, ec.ECDSA(hashes.SHA256()))
            sig_algo = "sha256_ecdsa"
        if tamper_signature:
            signature = signature[:-1] + bytes([signature[-1] ^ 1])
        signer_info = cms.SignerInfo({
            "version": "v1",
            "sid": cms.SignerIdentifier(name="issuer_and_serial_number", value={
                "issuer": asn1_cert.issuer, "serial_number": asn1_cert.serial_number}),
            "digest_algorithm": {"algorithm": "sha256"},
            "signed_attrs": signed_attrs,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": sig_algo}),
            "signature": signature,
        })
        signed_data = cms.SignedData({
            "version": "v3",
            "digest_algorithms": [{"algorithm": "sha256"}],
            "encap_content_info": {"content_type": "tst_info",
                                   "content": core.ParsableOctetString(tst_der)},
            "certificates": [asn1_cert],
            "signer_infos": [signer_info],
        })
        return cms.ContentInfo({"content_type": "signed_data", "content": signed_data})


def granted(token: cms.ContentInfo) -> bytes:
    return tsp.TimeStampResp({"status": {"status": "granted"},
                              "time_stamp_token": token}).dump()


class TSAHandler(BaseHTTPRequestHandler):
    """Answers TimeStampReqs; the path picks the behaviour."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: C901 - a routing table
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests_seen.append((self.path, self.headers.get("Content-Type"), body))
        authority: Authority = self.server.authority
        path = self.path
        if path == "/http-error":
            return self._send(503, b"TSA overloaded", "text/plain")
        if path == "/garbage":
            return self._send(200, b"<html>not a timestamp</html>", "application/timestamp-reply")
        if path == "/rejected":
            # A refusal carries the status only (asn1crypto's class insists on a token).
            status = tsp.PKIStatusInfo({
                "status": "rejection", "status_string": ["unaccepted policy"],
                "fail_info": tsp.PKIFailureInfo({"unaccepted_policy"})}).dump()
            return self._send(200, b"\x30" + bytes([len(status)]) + status,
                              "application/timestamp-reply")
        request = tsp.TimeStampReq.load(body)
        imprint = request["message_imprint"]["hashed_message"].native
        nonce = request["nonce"].native
        options = {}
        if path == "/wrong-nonce":
            nonce = (nonce or 0) + 1
        elif path == "/wrong-imprint":
            imprint = hashlib.sha256(b"another statement").digest()
        elif path == "/no-eku":
            options["signer"] = "no-eku"
        elif path == "/ec":
            options["signer"] = "ec"
        elif path == "/bad-signature":
            options["tamper_signature"] = True
        elif path != "/tsa":
            return self._send(404, b"no such TSA", "text/plain")
        token = authority.token(imprint, nonce, **options)
        self._send(200, granted(token), "application/timestamp-reply")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class TSAServer(QuietServer):

    def __init__(self, authority: Authority | None = None):
        super().__init__(("127.0.0.1", 0), TSAHandler)
        self.authority = authority or Authority()
        self.requests_seen: list[tuple[str, str, bytes]] = []

    def url(self, path: str = "tsa") -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{path}"
