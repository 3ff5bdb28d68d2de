"""Helpers for the plugin's own tests: each runs small test files with `pytester`, in-process
(fast) unless it needs separate processes (xdist)."""
import pytest

from mls_mock import create_app
from mls_mock.server import LiveServer

from support import QUIET_PLUGINS


@pytest.fixture
def run(pytester):
    """run(source, *args, **files) -> RunResult: write `source` as the test module (plus any
    extra files by name), run pytest on it in-process."""

    def run_(source, *args, **files):
        pytester.makepyfile(test_it=source)
        for name, text in files.items():
            pytester.path.joinpath(name).write_text(text, encoding="utf-8")
        return pytester.runpytest_inprocess(*QUIET_PLUGINS, *args)

    return run_


@pytest.fixture
def standalone():
    """A separate fake on a port (its own app and store), standing in for the server a
    suite targets with --mls-url."""
    app = create_app()
    server = LiveServer(app).start()
    yield server
    server.stop()
