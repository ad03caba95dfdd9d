"""RFC 3161 timestamps over checkpoints, against a local TSA made by the tests: the request
sent, the token stored write-once beside its checkpoint, checked again offline by verify;
a tampered token, a token moved to another checkpoint or carrying another certificate fails
naming the checkpoint."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3

import pytest
import requests
from asn1crypto import cms, core, tsp, x509 as asn1_x509

from osintdesk.custody import checkpoints, timestamps
from osintdesk.custody.keys import load_examiner_key
from osintdesk.errors import NetworkError
from osintdesk.store import Case
from osintdesk.verification import verify_case

from tests.support import adversary
from tests.support.tsa import GEN_TIME, Authority


@pytest.fixture
def case_path(sample_case_file, tmp_path):
    path = tmp_path / "case.osintcase"
    shutil.copy(sample_case_file, path)
    return path


def sign(path, **open_options) -> dict:
    with Case.open(path, examiner="Alice", **open_options) as case:
        return checkpoints.create(case, load_examiner_key(), reason="checkpoint")


def stamp(path, checkpoint: dict, url: str) -> dict:
    with Case.open(path, examiner="Alice") as case, requests.Session() as session:
        return timestamps.timestamp_checkpoint(case, checkpoint, url, session=session,
                                               timeout_s=10)


def check(path):
    with Case.open(path, examiner="Bob", readonly=True) as case:
        return verify_case(case)


def timestamp_failures(report) -> list[str]:
    return [str(f) for f in report.failures if f.check == "timestamp"]


@pytest.mark.parametrize("path", ["tsa", "ec"])
def test_round_trip(case_path, tsa_server, path):
    """RSA and ECDSA TSAs: the token is stored beside the checkpoint, which is unchanged,
    and verify checks it again offline."""
    row = sign(case_path)
    stored = stamp(case_path, row, tsa_server.url(path))
    assert stored["checkpoint_uuid"] == row["uuid"]
    assert stored["gen_time_utc"] == "2026-11-26T01:02:03.456789Z"
    assert stored["imprint_sha256"] == hashlib.sha256(row["statement"].encode()).hexdigest()
    _, cert = tsa_server.authority.signers["rsa" if path == "tsa" else "ec"]
    from cryptography.hazmat.primitives import serialization
    assert stored["cert_sha256"] == hashlib.sha256(
        cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    assert stored["cert_subject"] == f"CN=Test TSA {'rsa' if path == 'tsa' else 'ec'},O=osintdesk tests"
    with Case.open(case_path, examiner="Bob", readonly=True) as case:
        assert checkpoints.latest(case) == row
        [entry] = [e for e in case.conn.execute(
            "SELECT action, object_id FROM audit_log WHERE object_type = 'timestamp'")]
        assert entry == ("create", stored["uuid"])
    report = check(case_path)
    assert report.ok, report.failures
    assert report.checked["timestamps"] == 1
    [note] = [n for n in report.notes if "is timestamped" in n]
    assert f"checkpoint {row['uuid']}" in note and stored["cert_sha256"] in note
    assert "2026-11-26T01:02:03.456789Z" in note
    # No "entries covered by no checkpoint" for the timestamp's own entry.
    assert not any("covered by no checkpoint" in n for n in report.notes)


def test_the_request_is_rfc_3161_over_the_statement(case_path, tsa_server):
    row = sign(case_path)
    tsa_server.requests_seen.clear()
    with requests.Session() as session:
        for _ in range(2):
            timestamps.request_token(row["statement"], tsa_server.url(), session=session)
    nonces = []
    for path, content_type, body in tsa_server.requests_seen:
        request = tsp.TimeStampReq.load(body)
        assert (path, content_type) == ("/tsa", "application/timestamp-query")
        assert request["message_imprint"]["hash_algorithm"]["algorithm"].native == "sha256"
        assert request["message_imprint"]["hashed_message"].native == hashlib.sha256(
            row["statement"].encode("utf-8")).digest()
        assert request["cert_req"].native is True
        nonces.append(request["nonce"].native)
    assert len(set(nonces)) == 2 and all(nonces)


def test_the_request_goes_through_the_proxy_asked(case_path, tsa_server, counting_proxy):
    row = sign(case_path)
    with requests.Session() as session:
        _, info = timestamps.request_token(row["statement"], tsa_server.url(), session=session,
                                           proxy=counting_proxy.url)
    assert counting_proxy.seen == [tsa_server.url()]
    assert info.imprint_sha256 == hashlib.sha256(row["statement"].encode()).hexdigest()


def test_cancelled_after_the_answer_stores_nothing(case_path, tsa_server):
    from osintdesk.errors import Cancelled
    row = sign(case_path)
    with Case.open(case_path, examiner="Alice") as case, requests.Session() as session:
        count = case.audit_count()
        with pytest.raises(Cancelled):
            timestamps.timestamp_checkpoint(case, row, tsa_server.url(), session=session,
                                            cancelled=lambda: True)
        assert case.audit_count() == count and timestamps.timestamp_rows(case) == []


def test_timestamps_are_write_once(case_path, tsa_server):
    stored = stamp(case_path, sign(case_path), tsa_server.url())
    conn = sqlite3.connect(case_path)
    try:
        for sql in ("UPDATE timestamps SET gen_time_utc = '2020-01-01T00:00:00.000000Z'",
                    "DELETE FROM timestamps"):
            with pytest.raises(sqlite3.DatabaseError, match="a timestamp is write-once"):
                conn.execute(sql)
        assert conn.execute("SELECT uuid FROM timestamps").fetchall() == [(stored["uuid"],)]
    finally:
        conn.close()


def _tamper(path, sql: str, params=()) -> None:
    """Edit the timestamp rows as an adversary would: triggers dropped, the new state
    logged and the chain re-sealed, so only the token's own checks can tell."""
    with adversary.opened(path) as conn:
        conn.execute(sql, params)
        for (uuid,) in conn.execute("SELECT uuid FROM timestamps").fetchall():
            adversary.relog_record(conn, "timestamp", uuid)
        adversary.reseal(conn)


def _rebuilt(token: bytes, **changes) -> bytes:
    """The token with some SignedData fields replaced, everything else byte for byte."""
    signed = cms.ContentInfo.load(token)["content"]
    fields = {name: signed[name] for name in ("version", "digest_algorithms",
                                               "encap_content_info", "certificates",
                                               "signer_infos")}
    return cms.ContentInfo({"content_type": "signed_data",
                            "content": cms.SignedData({**fields, **changes})}).dump()


def test_tampered_token_fails_naming_the_checkpoint(case_path, tsa_server):
    row = sign(case_path)
    stored = stamp(case_path, row, tsa_server.url())
    token = bytearray(stored["token"])
    token[-5] ^= 0x01                       # in the signature, the last field
    _tamper(case_path, "UPDATE timestamps SET token = ?", (bytes(token),))
    report = check(case_path)
    [failure] = timestamp_failures(report)
    assert failure.startswith(f"checkpoint {row['uuid']} (entry {row['audit_seq']}")
    assert "its timestamp does not hold: its signature does not hold" in failure
    assert [f.check for f in report.failures] == ["timestamp"]   # the rest still holds


@pytest.mark.parametrize("change, problem", [
    (lambda token: b"\x30\x03\x02\x01\x01", "it is not a well-formed timestamp token"),
    (lambda token: token[:200], "it is not a well-formed timestamp token"),
    (lambda token: _rebuilt(token, certificates=None), "it does not include the TSA's certificate"),
])
def test_malformed_stored_token_fails_on_one_line(case_path, tsa_server, change, problem):
    row = sign(case_path)
    stored = stamp(case_path, row, tsa_server.url())
    _tamper(case_path, "UPDATE timestamps SET token = ?", (change(stored["token"]),))
    [failure] = timestamp_failures(check(case_path))
    assert failure.startswith(f"checkpoint {row['uuid']}") and problem in failure
    assert "\n" not in failure


def test_altered_time_in_the_token_fails(case_path, tsa_server):
    """A TSTInfo with another genTime, the signature kept: the message digest gives it away."""
    row = sign(case_path)
    stored = stamp(case_path, row, tsa_server.url())
    info = cms.ContentInfo.load(stored["token"])
    encap = info["content"]["encap_content_info"]
    tst = tsp.TSTInfo.load(encap["content"].contents)
    earlier = tsp.TSTInfo({**{k: tst[k] for k in ("version", "policy", "message_imprint",
                                                  "serial_number", "nonce", "tsa")},
                           "gen_time": GEN_TIME - dt.timedelta(days=30)})
    forged = _rebuilt(stored["token"], encap_content_info={
        "content_type": "tst_info", "content": core.ParsableOctetString(earlier.dump())})
    _tamper(case_path, "UPDATE timestamps SET token = ?, gen_time_utc = "
            "'2026-10-27T01:02:03.456789Z'", (forged,))
    [failure] = timestamp_failures(check(case_path))
    assert f"checkpoint {row['uuid']}" in failure
    assert "message-digest attribute is not the hash of its TSTInfo" in failure


def test_record_that_differs_from_its_token_fails(case_path, tsa_server):
    stamp(case_path, sign(case_path), tsa_server.url())
    _tamper(case_path, "UPDATE timestamps SET gen_time_utc = '2026-01-01T00:00:00.000000Z'")
    [failure] = timestamp_failures(check(case_path))
    assert "its timestamp record differs from its token (gen_time_utc)" in failure


def test_timestamp_row_edited_without_relogging_fails_as_a_record(case_path, tsa_server):
    """The audit log covers timestamps like any record: a careless edit is caught there."""
    stored = stamp(case_path, sign(case_path), tsa_server.url())
    with adversary.opened(case_path) as conn:
        conn.execute("UPDATE timestamps SET tsa_url = 'http://elsewhere.example/'")
    report = check(case_path)
    assert any(f.check == "record" and stored["uuid"] in f.object for f in report.failures)


def test_token_moved_to_another_checkpoint_fails(case_path, tsa_server):
    first = sign(case_path)
    stamp(case_path, first, tsa_server.url())
    second = sign(case_path)
    _tamper(case_path, "UPDATE timestamps SET checkpoint_uuid = ?", (second["uuid"],))
    [failure] = timestamp_failures(check(case_path))
    assert failure.startswith(f"checkpoint {second['uuid']} (entry {second['audit_seq']}")
    assert "stamps another statement" in failure


def test_token_with_another_certificate_fails(case_path, tsa_server):
    """The certificate swapped for one with the same issuer and serial but another key (what
    a forger with their own CA makes): the signature no longer holds."""
    row = sign(case_path)
    stored = stamp(case_path, row, tsa_server.url())
    info = cms.ContentInfo.load(stored["token"])
    original = info["content"]["certificates"][0].chosen
    impostor = Authority("Test Timestamp Root")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    key, cert = impostor.signers["rsa"]
    real = x509.load_der_x509_certificate(original.dump())
    forged_cert = (x509.CertificateBuilder().subject_name(real.subject).issuer_name(real.issuer)
                   .public_key(key.public_key()).serial_number(real.serial_number)
                   .not_valid_before(real.not_valid_before_utc)
                   .not_valid_after(real.not_valid_after_utc)
                   .add_extension(real.extensions.get_extension_for_class(
                       x509.ExtendedKeyUsage).value, critical=True)
                   .sign(impostor.ca_key, hashes.SHA256()))
    forged = _rebuilt(stored["token"], certificates=[asn1_x509.Certificate.load(
        forged_cert.public_bytes(serialization.Encoding.DER))])
    _tamper(case_path, "UPDATE timestamps SET token = ?", (forged,))
    [failure] = timestamp_failures(check(case_path))
    assert f"checkpoint {row['uuid']}" in failure
    assert "signing-certificate attribute names another certificate" in failure


def test_tsa_time_before_the_signed_time_is_said(case_path, tsa_server):
    late_clock = lambda: GEN_TIME + dt.timedelta(hours=1)   # the examiner's clock ahead
    row = sign(case_path, clock=late_clock)
    stamp(case_path, row, tsa_server.url())
    report = check(case_path)
    assert report.ok
    assert any("the examiner's clock was ahead" in n and row["uuid"] in n for n in report.notes)


@pytest.mark.parametrize("path, message", [
    ("http-error", "the TSA answered HTTP 503"),
    ("rejected", "status rejection (unaccepted policy"),
    ("garbage", "it is not a timestamp response (RFC 3161)"),
    ("wrong-nonce", "its nonce is not the one sent"),
    ("wrong-imprint", "it stamps another statement"),
    ("no-eku", "is not for timestamping (no timeStamping extended key usage)"),
    ("bad-signature", "its signature does not hold"),
])
def test_bad_answers_are_refused(case_path, tsa_server, path, message):
    row = sign(case_path)
    with requests.Session() as session, pytest.raises(NetworkError) as error:
        timestamps.request_token(row["statement"], tsa_server.url(path), session=session)
    assert str(error.value).startswith(tsa_server.url(path) + ": ")
    assert message in str(error.value)


def test_trust_is_shown_not_required(case_path, tsa_server, tmp_path):
    """A TSA nobody trusted still verifies, shown with its fingerprint; pinning its
    certificate or trusting the CA that issued it shows it as trusted; another CA does not."""
    from cryptography.hazmat.primitives import serialization
    from osintdesk.custody import tsa_trust
    row = sign(case_path)
    stored = stamp(case_path, row, tsa_server.url("ec"))

    def stamped_note():
        report = check(case_path)
        assert report.ok
        [note] = [n for n in report.notes if "is timestamped" in n]
        return note

    assert "which you have not trusted (certificate sha256 " + stored["cert_sha256"] in stamped_note()
    # A root with the same name but another key (the signature tells them apart).
    tsa_trust.trust(Authority("Test Timestamp Root").ca_cert, "Another root")
    tsa_trust.trust(tsa_server.authority.signers["rsa"][1], "The RSA TSA only")
    assert "which you have not trusted" in stamped_note()
    tsa_trust.trust(tsa_server.authority.ca_cert, "Test root")
    assert "CN=Test TSA ec,O=osintdesk tests, trusted as 'Test root'" in stamped_note()

    ec_cert = tsa_server.authority.signers["ec"][1]
    pem = tmp_path / "ec.pem"
    pem.write_bytes(ec_cert.public_bytes(serialization.Encoding.PEM))
    trusted = tsa_trust.trust(tsa_trust.read_certificate(pem), "EC TSA")
    assert trusted.sha256 == stored["cert_sha256"]
    assert [c.name for c in tsa_trust.TsaTrust.load().certificates] == [
        "Another root", "The RSA TSA only", "Test root", "EC TSA"]
    assert "trusted as 'EC TSA'" in stamped_note()     # the pinned certificate comes first
