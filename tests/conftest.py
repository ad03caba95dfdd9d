"""Shared test set-up: Qt offscreen, an isolated config folder, a fixed examiner."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

pytest_plugins = ["tests.support.server_fixtures"]


@pytest.fixture(autouse=True)
def _isolated_user(tmp_path_factory, monkeypatch):
    """Every test gets its own settings folder and a known examiner name."""
    cfg = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("OSINTDESK_CONFIG_DIR", str(cfg))
    monkeypatch.setenv("OSINTDESK_EXAMINER", "Test Examiner")
    yield
