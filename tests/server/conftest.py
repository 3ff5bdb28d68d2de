"""The real `mls-mock serve` command as a subprocess on a free port, and the real sktmls
clients pointed at it. Every server a test starts is killed by a finalizer, and every wait
is bounded, so a hung server fails one test instead of the suite."""
import contextlib
import os
import select
import signal
import subprocess
import sys
import time
from types import SimpleNamespace
from typing import Iterator

import pytest
import requests

from mls_mock.redirect import sktmls_pointed_at

START_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0
USERNAME, PASSWORD = "server-test", "server-test-password"


class ServerProcess:
    """`python -m mls_mock serve --port 0 ARGS` with its URL read from the 'listening on'
    line on stdout; stderr (the log) goes to a file, so a full pipe can never block it."""

    def __init__(self, args, log_path, env=None, preexec_fn=None):
        self.log_path = log_path
        self._log = open(log_path, "wb")
        command = [sys.executable, "-m", "mls_mock", "serve", "--port", "0", *args]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self._log,
                                        env={**os.environ, **(env or {})}, preexec_fn=preexec_fn)
        self.url = None

    def wait_listening(self) -> "ServerProcess":
        deadline = time.monotonic() + START_TIMEOUT
        line = b""
        while not line.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.process.poll() is not None:
                self.kill()
                raise AssertionError(f"mls-mock serve did not start (exit {self.process.returncode}):\n{self.log}")
            ready, _, _ = select.select([self.process.stdout], [], [], min(remaining, 0.2))
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 1024)
                line += chunk
                if not chunk:  # EOF: the process is ending; poll() catches it next turn
                    time.sleep(0.05)
        first = line.decode().splitlines()[0]
        assert first.startswith("mls-mock listening on "), first
        self.url = first.rpartition(" ")[2]
        return self

    def wait_exit(self, timeout: float = STOP_TIMEOUT) -> int:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"mls-mock serve did not exit within {timeout}s:\n{self.log}") from None

    def stop(self, signum=signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        return self.wait_exit()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(STOP_TIMEOUT)

    def close(self) -> None:
        self.kill()
        self.process.stdout.close()
        self._log.close()

    @property
    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    @property
    def rss_bytes(self) -> int:
        """The server's resident memory now (Linux: /proc)."""
        with open(f"/proc/{self.process.pid}/status") as status:
            kib = next(line for line in status if line.startswith("VmRSS:")).split()[1]
        return int(kib) * 1024

    def admin(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.url}/_mock/{path}", timeout=10, **kwargs)

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.url}/api/v1/{path}", auth=(USERNAME, PASSWORD), timeout=10, **kwargs)


@pytest.fixture
def start_server(tmp_path):
    """start_server(*args, env=None, wait=True, preexec_fn=None): a running `mls-mock serve`,
    killed after the test whatever happens. With wait=False the caller waits (or expects a
    refusal); `preexec_fn` runs in the child before it starts (e.g. to lower a limit)."""
    started = []

    def start(*args, env=None, wait=True, preexec_fn=None):
        server = ServerProcess([str(a) for a in args], tmp_path / f"server-{len(started)}.log", env, preexec_fn)
        started.append(server)
        return server.wait_listening() if wait else server

    yield start
    for server in started:
        server.close()




@pytest.fixture(scope="module")
def shared_servers(tmp_path_factory):
    """shared_servers(*args): a running `mls-mock serve ARGS`, started once per module and
    args (each start costs about a second), emptied (data, journal, faults) on every call."""
    started = {}

    def get(*args):
        args = tuple(str(a) for a in args)
        if args not in started:
            started[args] = ServerProcess(list(args), tmp_path_factory.mktemp("shared") / "server.log")
            started[args].wait_listening()
        response = started[args].admin("POST", "reset")
        assert response.status_code == 200, response.text
        return started[args]

    try:
        yield get
    finally:
        for server in started.values():
            server.close()


@pytest.fixture(scope="module")
def shared_server(shared_servers):
    """One in-memory server for a module's tests; `server` empties it per test."""
    return shared_servers()


@pytest.fixture
def server(shared_server):
    """The module's server, emptied (data, journal, faults) when the test starts."""
    response = shared_server.admin("POST", "reset")
    assert response.status_code == 200, response.text
    return shared_server


def _clients() -> SimpleNamespace:
    from sktmls import MLSENV
    from sktmls.channels import ChannelClient
    from sktmls.experiments import ExperimentClient
    from sktmls.filters import FilterClient

    account = dict(env=MLSENV.STG, username=USERNAME, password=PASSWORD)
    return SimpleNamespace(channels=ChannelClient(**account), experiments=ExperimentClient(**account),
                           filters=FilterClient(**account))


@contextlib.contextmanager
def _clients_at(url: str) -> Iterator[SimpleNamespace]:
    with sktmls_pointed_at(url):
        yield _clients()


@pytest.fixture
def clients_at():
    """clients_at(url): a context manager giving the real sktmls clients (`.channels`,
    `.experiments`, `.filters`; env STG, account `server-test`) with every env pointed at url."""
    return _clients_at


@pytest.fixture
def clients(server):
    """The real sktmls clients, every env pointed at the module's server for this test."""
    with _clients_at(server.url) as clients:
        yield clients


@pytest.fixture
def read_state():
    """read_state(path): the state file's contents as a seed document (with "format")."""
    from mls_mock.persistence import read_document

    return read_document
