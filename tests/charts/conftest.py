"""Chart tests draw with the Agg backend, never a GUI; sample data comes from tests.support.chart_samples."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from tests.support import chart_samples as samples  # noqa: E402
from osintdesk.charts.export import new_figure  # noqa: E402


@pytest.fixture
def fig():
    return new_figure(900, 600)


@pytest.fixture(scope="session")
def outbound():
    return samples.moscow_pyongyang()


@pytest.fixture(scope="session")
def inbound():
    return samples.pyongyang_moscow()


@pytest.fixture(scope="session")
def bering():
    return samples.alaska_kamchatka()
