"""What `mls-mock serve` holds for a client that is slow, idle, hostile or unauthenticated:
connections, timeouts, the open-files limit, bodies and headers waitress refuses, and the
memory the journal may keep. Real sockets on loopback; every wait is bounded."""
import json
import select
import socket
import sys
import threading
import time
from contextlib import ExitStack

import pytest
import requests

from mls_mock import server as server_module
from mls_mock.server import FDS_PER_CONNECTION, FDS_RESERVED, open_files_for

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc, sets RLIMIT_NOFILE")
PROBE_TIMEOUT = 10.0  # generous: a probe that needs it has failed anyway
SLOW_CONNECTIONS = 500
ACCEPT_MANY_TIMEOUT = 120  # a bound on a hang, not a speed assertion


def _address(server):
    host, _, port = server.url.removeprefix("http://").rpartition(":")
    return host, int(port)


def _raw(server, data: bytes) -> bytes:
    """Send `data` on a fresh connection; everything the server answers before closing."""
    with socket.create_connection(_address(server), timeout=PROBE_TIMEOUT) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _check_envelope(answer: bytes, status: int) -> dict:
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == str(status).encode(), answer[:300]
    assert b"\r\nContent-Type: application/json" in head, head
    payload = json.loads(body)
    assert payload["code"] == status and payload["results"] is None and payload["error"]
    return payload


def _in_thread(call, timeout: float):
    """Run `call` (the real sktmls client has no timeout of its own) with a bound."""
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.update(value=call()), daemon=True)
    worker.start()
    worker.join(timeout)
    assert "value" in outcome, f"no answer within {timeout}s"
    return outcome["value"]


def _lower_open_files():
    import resource

    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))


@linux_only
def test_health_and_the_real_client_answer_while_500_slow_connections_hang_on(start_server, clients_at):
    """waitress's default of 100 connections left health unanswered with 100 idle clients;
    the server starts with 256 open files allowed, so it must raise that limit too."""
    server = start_server(preexec_fn=_lower_open_files)
    address = _address(server)
    with ExitStack() as stack:
        slow = []
        for number in range(SLOW_CONNECTIONS):
            sock = stack.enter_context(socket.create_connection(address, timeout=PROBE_TIMEOUT))
            if number % 3 == 1:  # a request line that never ends
                sock.sendall(b"GET /api/v1/chan")
            elif number % 3 == 2:  # a body that stops half way (past what is held in memory)
                sock.sendall(b"POST /api/v1/channels HTTP/1.1\r\nHost: x\r\nAuthorization: Basic dTpw\r\n"
                             b"Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n" + b" " * 100_000)
            slow.append(sock)  # and a third send nothing at all

        for _ in range(9):
            health = requests.get(f"{server.url}/_mock/health", timeout=PROBE_TIMEOUT)
            assert health.status_code == 200 and health.json()["results"]["status"] == "ok"
        with clients_at(server.url) as clients:
            created = _in_thread(lambda: clients.experiments.create_experiment(name="while-busy"), PROBE_TIMEOUT)
            assert [e.id for e in _in_thread(clients.experiments.list_experiments, PROBE_TIMEOUT)] == [created.id]

        still_open = 0
        for sock in slow:  # hanging on, not dropped to make room
            sock.setblocking(False)
            try:
                sock.recv(1)
            except BlockingIOError:
                still_open += 1
        assert still_open == SLOW_CONNECTIONS
    assert "raised the open-files limit from 256" in server.log


@linux_only
def test_more_than_1024_connections_are_watched(start_server):
    """select() cannot watch a descriptor above 1,023: waitress's loop would die with the
    1,025th; poll() has no such bound."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 1300
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.skip(f"this process may open only {hard} files")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    try:
        server = start_server("--connection-limit", "1200", "--log-level", "warning")
        with ExitStack() as stack:
            for _ in range(1100):
                stack.enter_context(socket.create_connection(_address(server), timeout=ACCEPT_MANY_TIMEOUT))
            for _ in range(3):
                # waitress walks every channel on each turn of its loop, so accepting 1,100 costs it
                # about n²/2 steps: seconds when idle, more on a loaded machine. A dead loop never answers.
                health = requests.get(f"{server.url}/_mock/health", timeout=ACCEPT_MANY_TIMEOUT)
                assert health.status_code == 200
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@linux_only
def test_stalled_uploads_hold_little_memory(start_server):
    """waitress held up to 512 KB of each arriving body in memory: 200 uploads stalled at
    400 KB were 80 MB. Past 64 KiB a body goes to a temp file."""
    server = start_server("--log-level", "warning")
    before = server.rss_bytes
    with ExitStack() as stack:
        for _ in range(200):
            upload = stack.enter_context(socket.create_connection(_address(server), timeout=PROBE_TIMEOUT))
            upload.sendall(b"POST /api/v1/channels HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 1000000\r\n\r\n" + b" " * 400_000)
        assert requests.get(f"{server.url}/_mock/health", timeout=PROBE_TIMEOUT).status_code == 200  # all read
        growth = server.rss_bytes - before
    assert growth < 40 * 1024 * 1024, f"RSS grew by {growth / 2**20:.0f} MiB"


def test_an_idle_connection_is_closed_after_the_channel_timeout(shared_servers):
    server = shared_servers("--channel-timeout", "1", "--log-level", "warning")
    with socket.create_connection(_address(server), timeout=PROBE_TIMEOUT) as idle:
        assert idle.recv(1) == b""  # closed by the server well before waitress's default 120 s


def test_a_request_trickled_a_byte_at_a_time_is_cut_off_after_the_channel_timeout(shared_servers):
    """Each byte resets waitress's idle clock; the request as a whole must still arrive in time."""
    server = shared_servers("--channel-timeout", "1", "--log-level", "warning")  # shared with the test above
    with socket.create_connection(_address(server), timeout=PROBE_TIMEOUT) as trickle:
        trickle.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with pytest.raises(OSError):  # reset or broken pipe once the server has closed it
            for byte in b"GET /api/v1/channels HTTP/1.1\r\nHost: x\r\nX-Trickle: " + b"a" * 200:
                trickle.sendall(bytes([byte]))
                time.sleep(0.2)  # 47 s at most: far past the 1 s allowed
                readable, _, _ = select.select([trickle], [], [], 0)
                if readable and trickle.recv(1) == b"":
                    raise ConnectionResetError("closed by the server")


def test_a_body_over_the_limit_is_refused_from_its_content_length_before_it_is_sent(server):
    """Without a bound waitress would read (and spool to disk) up to 1 GB per connection
    before the app could refuse it, credentials or not."""
    answer = _raw(server, b"POST /api/v1/channels HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          b"Content-Length: 1073741824\r\n\r\n{")
    assert "request body is larger than 1048576 bytes" in _check_envelope(answer, 413)["error"]


def test_a_body_of_exactly_the_limit_is_read_and_answered_by_the_api(server):
    """The attacker's off-by-one: waitress refused a body *at* its limit, the API only past it."""
    body = b'{"screen_id": "' + b"x" * 10 + b'", "experiments": [], "pad": "'
    body += b"p" * (1048576 - len(body) - 2) + b'"}'
    assert len(body) == 1048576
    answer = requests.post(f"{server.url}/api/v1/channels", data=body, auth=("u", "p"), timeout=PROBE_TIMEOUT,
                           headers={"Content-Type": "application/json"})
    assert (answer.status_code, answer.json()["results"]["screen_id"]) == (201, "x" * 10)


def test_requests_waitress_refuses_are_answered_in_the_envelope(server):
    _check_envelope(_raw(server, b"GARBAGE\r\n\r\n"), 400)
    # Exactly the limit (waitress refuses at it) and no more: all of it is read before the
    # refusal (bytes left unread when it closes would reset the connection, losing the answer).
    start = b"GET /api/v1/channels HTTP/1.1\r\nHost: x\r\nX-Padding: "
    _check_envelope(_raw(server, start.ljust(server_module.MAX_HEADER_BYTES, b"a")), 431)
    chunked = _raw(server, b"POST /api/v1/channels HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                           b"zz\r\n")
    _check_envelope(chunked, 400)


@linux_only
def test_unauthenticated_megabyte_bodies_do_not_grow_the_server(start_server, tmp_path):
    """The attack of issue 8: 40 x 1 MiB of `{"x":[{},{},...]}`, no credentials, took the
    server from 39 MB to 1 GB; the journal kept each body parsed (about 25 MB)."""
    users = tmp_path / "users.json"
    users.write_text(json.dumps({"alice": "wonder"}))
    server = start_server("--users", users, "--admin-token", "secret", "--log-level", "warning")
    body = b'{"x":[' + b",".join([b"{}"] * 349_000) + b"]}"
    assert 1_000_000 < len(body) <= 1024 * 1024
    before = server.rss_bytes
    with requests.Session() as session:
        for _ in range(40):
            refused = session.post(f"{server.url}/api/v1/experiments", data=body, timeout=PROBE_TIMEOUT,
                                   headers={"Content-Type": "application/json"})
            assert refused.status_code == 401
    growth = server.rss_bytes - before
    assert growth < 100 * 1024 * 1024, f"RSS grew by {growth / 2**20:.0f} MiB"
    calls = server.admin("GET", "calls", headers={"X-Admin-Token": "secret"}).json()["results"]
    assert len(calls) == 40
    assert {(c["status"], c["json"], c["body_bytes"], c["body_truncated"]) for c in calls} == {
        (401, None, len(body), True)}


def test_the_journal_byte_bound_is_a_flag(start_server):
    server = start_server("--journal-bytes", "100KiB", "--log-level", "warning")
    for number in range(50):
        created = server.api("POST", "experiments", json={"name": f"e{number}", "description": "d" * 10_000})
        assert created.status_code == 201
    calls = server.admin("GET", "calls").json()["results"]
    assert 3 <= len(calls) < 10
    assert [c["json"]["name"] for c in calls] == [f"e{n}" for n in range(50 - len(calls), 50)]


@pytest.mark.parametrize("flag, value, message", [
    ("--journal-bytes", "lots", "'lots' is not a size"),
    ("--journal-bytes", "0", "'0' is not a size"),
    ("--connection-limit", "0", "--connection-limit must be at least 1"),
    ("--channel-timeout", "0", "--channel-timeout must be at least 1 second"),
])
def test_bad_limit_flags_are_usage_errors(start_server, flag, value, message):
    refused = start_server(flag, value, wait=False)
    assert refused.wait_exit() == 2
    assert message in refused.log


def test_the_open_files_limit_is_raised_or_the_connection_limit_lowered(monkeypatch):
    resource = pytest.importorskip("resource")
    limits = {"soft": 256, "hard": 100_000}
    monkeypatch.setattr(resource, "getrlimit", lambda kind: (limits["soft"], limits["hard"]))
    monkeypatch.setattr(resource, "setrlimit", lambda kind, pair: limits.update(soft=pair[0]))
    needed = 1000 * FDS_PER_CONNECTION + FDS_RESERVED

    assert open_files_for(1000) == (1000, f"raised the open-files limit from 256 to {needed} for 1000 connections")
    assert limits["soft"] == needed
    assert open_files_for(1000) == (1000, None)  # enough already: nothing to say

    limits.update(soft=256, hard=1024)
    fitting, note = open_files_for(1000)
    assert fitting == (1024 - FDS_RESERVED) // FDS_PER_CONNECTION and limits["soft"] == 1024
    assert f"serving at most {fitting} connections" in note


def test_a_query_of_too_many_parameters_is_400_naming_query_before_it_is_parsed(server):
    """6,000 parameters fit in 64 KiB of headers and cost werkzeug 0.1-0.2 s of CPU to parse,
    on any route, /_mock/health included: eight clients held the server at 4.5 requests/s."""
    from mls_mock.app import MAX_QUERY_PARAMETERS

    too_many = "&".join(f"k{n}=v" for n in range(MAX_QUERY_PARAMETERS + 1))
    for path in ("/_mock/health", "/api/v1/channels"):
        answer = requests.get(f"{server.url}{path}?{too_many}", auth=("u", "p"), timeout=PROBE_TIMEOUT)
        assert answer.status_code == 400 and answer.json() == {
            "code": 400, "error": f"query: more than {MAX_QUERY_PARAMETERS} parameters", "results": None}
    journaled = server.admin("GET", "calls").json()["results"][-1]
    assert (journaled["path"], journaled["status"], journaled["query"]) == ("/api/v1/channels", 400, {})
    at_the_bound = "&".join(f"screen_id={n}" for n in range(MAX_QUERY_PARAMETERS))
    answer = requests.get(f"{server.url}/api/v1/channels?{at_the_bound}", auth=("u", "p"), timeout=PROBE_TIMEOUT)
    assert answer.json()["error"].startswith("screen_id:"), answer.json()  # parsed: the route names its own field
