"""Fixtures for the source tests: a real case file, the capture tests' servers on 127.0.0.1."""

from __future__ import annotations

import pytest
import requests

from osintdesk.store import Case

from .shared import SourceServer, capture_fixtures, servers

raw_server = capture_fixtures.raw_server
tls_server = capture_fixtures.tls_server
closed_port_url = capture_fixtures.closed_port_url
counting_proxy = capture_fixtures.counting_proxy


@pytest.fixture(scope="module")
def page_server():
    server = servers.start(SourceServer())
    yield server
    servers.stop(server)


@pytest.fixture()
def session():
    with requests.Session() as s:
        yield s


@pytest.fixture()
def case(tmp_path):
    with Case.create(tmp_path / "sources", title="Il-62M RA-86496", examiner="Test Examiner") as c:
        yield c
