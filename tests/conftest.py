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


@pytest.fixture(scope="session")
def sample_case_file(tmp_path_factory):
    """The sample case of ``tests.support.chart_samples``, written once per run: RA-86496
    (two flights, a coverage gap) and N7423C (hex a9c2f1). Tests only read it."""
    from tests.support.chart_samples import write_sample_case
    return write_sample_case(tmp_path_factory.mktemp("case") / "sample.osintcase")


@pytest.fixture
def sample_case(sample_case_file):
    """The sample case opened read-only, as the window and the CLI read it: a write fails loudly."""
    from osintdesk.store import Case
    with Case.open(sample_case_file, examiner="Test Examiner", readonly=True) as opened:
        yield opened


@pytest.fixture(scope="session")
def timeline_case_ids(tmp_path_factory):
    """The timeline's story case of ``tests.support.timeline_samples``, written once per run,
    and its records' ids (``path``: the file). Tests copy it before changing it."""
    from tests.support.timeline_samples import write_timeline_case
    return write_timeline_case(tmp_path_factory.mktemp("timeline") / "timeline.osintcase")
