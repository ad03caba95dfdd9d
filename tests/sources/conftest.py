"""Fixtures for the source tests: a real case file, a page server with the source pages (the other servers
come from tests/support/server_fixtures.py)."""

from __future__ import annotations

import pytest
from osintdesk.store import Case

from tests.support import servers

from tests.support.source_server import SourceServer


@pytest.fixture(scope="module")
def page_server():
    server = servers.start(SourceServer())
    yield server
    servers.stop(server)


@pytest.fixture()
def case(tmp_path):
    with Case.create(tmp_path / "sources", title="Il-62M RA-86496", examiner="Test Examiner") as c:
        yield c
