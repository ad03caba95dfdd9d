"""Fixtures with real servers on 127.0.0.1 (pages, raw sockets, proxies, TLS), started once per
module; loaded for every test by tests/conftest.py."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess

import pytest
import requests

from tests.support import servers


@pytest.fixture(scope="module")
def page_server():
    server = servers.start(servers.PageServer())
    yield server
    servers.stop(server)


@pytest.fixture(scope="module")
def raw_server():
    server = servers.RawServer()
    yield server
    server.close()


@pytest.fixture()
def counting_proxy():
    proxy = servers.start(servers.CountingProxy())
    yield proxy
    servers.stop(proxy)


@pytest.fixture()
def session():
    with requests.Session() as s:
        yield s


@pytest.fixture()
def closed_port_url():
    """A URL on 127.0.0.1 whose port had a listener a moment ago and now has none."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def _self_signed_cert(folder):
    """Write cert.pem/key.pem for 127.0.0.1 with the openssl CLI or the cryptography package."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    if shutil.which("openssl"):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                        "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)
        return cert, key
    try:
        from cryptography import x509  # noqa: F401
    except ImportError:
        pytest.skip("needs the openssl command or the cryptography package to make a test certificate")
    return _cert_with_cryptography(cert, key)


def _cert_with_cryptography(cert_path, key_path):  # pragma: no cover - used where openssl is absent
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    cert, key = _self_signed_cert(tmp_path_factory.mktemp("tls"))
    server = servers.PageServer()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    servers.start(server)
    yield server
    servers.stop(server)


@pytest.fixture()
def socks_proxy():
    proxy = servers.Socks5Proxy()
    yield proxy
    proxy.close()


@pytest.fixture(scope="module")
def tsa_server():
    """A local RFC 3161 timestamping authority (tests/support/tsa.py)."""
    from tests.support.tsa import TSAServer
    server = servers.start(TSAServer())
    yield server
    servers.stop(server)
