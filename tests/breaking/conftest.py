"""Fixtures of the breaking tests: a live server, and the closing tally."""
import pytest

from mls_mock import create_app
from mls_mock.server import LiveServer

from breaking_support import TALLY


def pytest_terminal_summary(terminalreporter):
    if TALLY:
        terminalreporter.write_sep("-", "breaking tests: what was thrown at the fake")
        for what, count in sorted(TALLY.items()):
            terminalreporter.write_line(f"{count:>8,}  {what}")


@pytest.fixture(scope="module")
def live_server():
    """A fresh app served by waitress on a free loopback port, for this module."""
    app = create_app()
    with LiveServer(app, threads=8) as server:
        yield server
