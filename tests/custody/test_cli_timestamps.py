"""checkpoint --tsa, timestamp and verify --receipt with a token, run as a user runs them
against a local TSA; every failure is one line naming the URL, exit 2, the case unchanged."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from tests.custody.test_cli_custody import digest, run


@pytest.fixture
def case(tmp_path):
    result = run("new", tmp_path / "il62", "--title", "Il-62M flights")
    assert result.returncode == 0, result.stderr
    return tmp_path / "il62.osintcase"


def audit_count(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    finally:
        conn.close()


def test_checkpoint_with_a_timestamp_and_its_receipt(case, tmp_path, tsa_server):
    receipt = tmp_path / "receipt.txt"
    made = run("checkpoint", case, "--tsa", tsa_server.url(), "-o", receipt, "--json")
    assert made.returncode == 0, made.stderr
    data = json.loads(made.stdout)
    assert data["receipt"] == [str(receipt), f"{receipt}.minisig", f"{receipt}.tsr"]
    stamped = data["timestamp"]
    assert stamped["checkpoint_uuid"] == data["uuid"]
    assert stamped["imprint_sha256"] == hashlib.sha256(receipt.read_bytes()).hexdigest()
    assert stamped["gen_time_utc"] == "2026-11-26T01:02:03.456789Z"

    text = run("timestamp", case, data["uuid"][:8], "--tsa", tsa_server.url("ec"))
    assert text.returncode == 0, text.stderr
    assert f"Checkpoint {data['uuid']}" in text.stdout
    assert "Timestamped at 2026-11-26 01:02:03 UTC" in text.stdout
    assert "CN=Test TSA ec,O=osintdesk tests, sha256 " in text.stdout

    report = json.loads(run("verify", case, "--receipt", receipt, "--json").stdout)
    assert report["ok"], report["failures"]
    assert report["checked"]["timestamps"] == 2 and report["checked"]["receipts"] == 1
    stamped_notes = [n for n in report["notes"] if "is timestamped" in n]
    assert len(stamped_notes) == 3          # two in the case, one in the receipt
    assert any(n.startswith(f"receipt {receipt}") for n in stamped_notes)


def test_receipt_token_over_another_statement_fails(case, tmp_path, tsa_server):
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    for receipt in (first, second):
        made = run("checkpoint", case, "--tsa", tsa_server.url(), "-o", receipt)
        assert made.returncode == 0, made.stderr
    (first.parent / "first.txt.tsr").write_bytes((tmp_path / "second.txt.tsr").read_bytes())
    result = run("verify", case, "--receipt", first)
    assert result.returncode == 1
    assert f"receipt {first} (entry" in result.stdout
    assert "its timestamp does not hold: it stamps another statement" in result.stdout


@pytest.mark.parametrize("path, message", [
    ("http-error", "the TSA answered HTTP 503 Service Unavailable"),
    ("rejected", "the TSA's answer was refused: status rejection (unaccepted policy"),
    ("garbage", "the TSA's answer was refused: it is not a timestamp response (RFC 3161)"),
    ("wrong-nonce", "the TSA's answer was refused: its nonce is not the one sent"),
    ("wrong-imprint", "the TSA's answer was refused: it stamps another statement"),
    ("no-eku", "no timeStamping extended key usage"),
])
def test_a_failing_tsa_leaves_the_case_unchanged(case, tmp_path, tsa_server, path, message):
    assert run("checkpoint", case).returncode == 0
    before = (digest(case), audit_count(case))
    url = tsa_server.url(path)
    for args in (("timestamp", case, "--tsa", url),
                 ("checkpoint", case, "--tsa", url, "-o", tmp_path / "r.txt")):
        result = run(*args)
        assert result.returncode == 2, result.stdout
        assert result.stderr.startswith(f"osintdesk: error: {url}: ") and message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
        assert (digest(case), audit_count(case)) == before
        assert not list(tmp_path.glob("r.txt*"))


def test_unreachable_tsa(case, closed_port_url):
    before = (digest(case), audit_count(case))
    result = run("checkpoint", case, "--tsa", closed_port_url, "--timeout", "5")
    assert result.returncode == 2
    assert result.stderr.strip() == (f"osintdesk: error: {closed_port_url}: the TSA could not "
                                     "be reached: connection failed")
    assert (digest(case), audit_count(case)) == before


def test_timestamp_needs_a_tsa_and_a_checkpoint(case, tsa_server):
    before = (digest(case), audit_count(case))
    result = run("timestamp", case)
    assert result.returncode == 2 and "no timestamping authority: give --tsa URL" in result.stderr
    result = run("timestamp", case, "--tsa", tsa_server.url())
    assert result.returncode == 2 and "has no checkpoint yet" in result.stderr
    result = run("timestamp", case, "--tsa", "ftp://tsa.example/")
    assert result.returncode == 2 and "a TSA URL starts with http:// or https://" in result.stderr
    assert (digest(case), audit_count(case)) == before


def test_tsa_url_from_the_settings(case, tsa_server, tmp_path):
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(json.dumps({"tsa_url": tsa_server.url()}))
    env = {"OSINTDESK_CONFIG_DIR": str(config)}
    assert run("checkpoint", case, env=env).returncode == 0
    result = run("timestamp", case, "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["tsa_url"] == tsa_server.url()


def test_tsa_trust_and_list(tmp_path, tsa_server):
    from cryptography.hazmat.primitives import serialization
    der = tmp_path / "root.der"
    der.write_bytes(tsa_server.authority.ca_cert.public_bytes(serialization.Encoding.DER))
    result = run("tsa", "trust", der, "--name", "Test root", "--json")
    assert result.returncode == 0, result.stderr
    trusted = json.loads(result.stdout)
    assert trusted["is_ca"] and trusted["subject"] == "CN=Test Timestamp Root,O=osintdesk tests"
    listed = json.loads(run("tsa", "list", "--json").stdout)
    assert [(c["name"], c["sha256"]) for c in listed] == [("Test root", trusted["sha256"])]
    assert f"{trusted['sha256']}  Test root" in run("tsa", "list").stdout
    (tmp_path / "junk.pem").write_text("not a certificate")
    bad = run("tsa", "trust", tmp_path / "junk.pem", "--name", "X")
    assert bad.returncode == 2
    assert bad.stderr.strip() == (f"osintdesk: error: {tmp_path / 'junk.pem'}: is not an X.509 "
                                  "certificate (PEM or DER)")
