"""Fixtures and settings of the breaking tests: a deterministic Hypothesis profile (CI time
and results do not depend on luck) and a live server."""
import pytest
from hypothesis import HealthCheck, settings

from mls_mock import create_app
from mls_mock.server import ServerThread

from breaking_support import TALLY

# derandomize: the same examples every run, so a CI failure reproduces locally and the run
# time is bounded by max_examples alone; no deadline, since CI machines stall at random.
settings.register_profile("breaking", derandomize=True, deadline=None, database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
BREAKING = settings.get_profile("breaking")


def pytest_terminal_summary(terminalreporter):
    if TALLY:
        terminalreporter.write_sep("-", "breaking tests: what was thrown at the fake")
        for what, count in sorted(TALLY.items()):
            terminalreporter.write_line(f"{count:>8,}  {what}")


@pytest.fixture(scope="module")
def live_server():
    """A fresh app served by waitress on a free loopback port, for this module."""
    app = create_app()
    with ServerThread(app, threads=8) as server:
        server.store = app.extensions["mls_mock"].store
        yield server
