"""DNS rebinding: a page on evil.example that points its name at 127.0.0.1 is same-origin
with the fake, so the fake must refuse a Host it does not answer to (host_check.py). Raw
http.client, so the Host header is exactly the one written here."""
import http.client
import json
import socket
from urllib.parse import urlsplit

import pytest

from mls_mock.app import create_app
from mls_mock.host_check import AllowedHosts, host_name
from mls_mock.server import LiveServer
from support import check_envelope

EVIL = "evil.example"
# Every kind of route: the dashboard's pages, the admin API, the document, each API.
READS = ["/_mock/ui", "/_mock/ui/controls", "/_mock/ui/static/dashboard.js", "/_mock/state", "/_mock/calls",
         "/_mock/faults", "/_mock/health", "/openapi.json", "/api/v1/channels", "/graph/v1/vertices",
         "/rec/v1/tw/users/u1/items/home", "/nowhere"]


def send(url: str, method: str, path: str, host: str | None, body: bytes | None = None, headers=None):
    """(status, headers, parsed JSON body) of one request with exactly this Host (None: no Host
    header at all, as HTTP/1.0 allows)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            connection.putheader("Host", host)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Type", "application/json")
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        raw = response.read()
        return response.status, response.headers, raw
    finally:
        connection.close()


def assert_refused(answer) -> dict:
    status, headers, raw = answer
    assert status == 403, raw[:300]
    assert headers["Content-Type"] == "application/json", headers
    payload = check_envelope(json.loads(raw), 403)
    assert payload["error"].startswith("Host: "), payload
    return payload


def assert_served(answer) -> bytes:
    status, _, raw = answer
    assert status < 400, raw[:300]
    return raw


def test_a_foreign_host_is_refused_on_every_route_in_the_envelope(server):
    port = server.url.rpartition(":")[2]
    for path in READS:
        for host in (EVIL, f"{EVIL}:{port}", "EVIL.example.", "127.0.0.1.evil.example", "10.0.0.1",
                     "ab.local.sktmls.com.evil.example"):
            payload = assert_refused(send(server.url, "GET", path, host))
            assert host[:100] in payload["error"], payload
        assert send(server.url, "HEAD", path, EVIL)[0] == 403


def test_a_foreign_host_changes_nothing_even_with_its_own_origin(server):
    """The rebound page's Origin equals its Host, so the Origin check alone let it write."""
    origin = {"Origin": f"http://{EVIL}"}
    for path, body in [("/_mock/faults", b'{"path": "/api/*"}'), ("/_mock/reset", b"{}"),
                       ("/_mock/seed", b'{"name": "demo"}'),
                       ("/api/v1/experiments", b'{"name": "rebound", "bucketing_seed": "s"}')]:
        assert_refused(send(server.url, "POST", path, EVIL, body, origin))
    local = server.url.removeprefix("http://")
    assert json.loads(assert_served(send(server.url, "GET", "/_mock/faults", local)))["results"] == []
    records = json.loads(assert_served(send(server.url, "GET", "/_mock/health", local)))["results"]["records"]
    assert not any(records.values()), records


def test_an_api_request_refused_for_its_host_is_journaled(server):
    assert_refused(send(server.url, "POST", "/api/v1/channels?x=1", EVIL, b'{"screen_id": "s"}'))
    assert_refused(send(server.url, "GET", "/_mock/state", EVIL))  # admin routes are never journaled
    calls = json.loads(assert_served(send(server.url, "GET", "/_mock/calls", "localhost")))["results"]
    assert [(c["method"], c["path"], c["status"], c["user"], c["query"], c["json"]) for c in calls] == [
        ("POST", "/api/v1/channels", 403, None, {"x": "1"}, None)]
    assert calls[0]["response"]["error"].startswith("Host: 'evil.example'")


@pytest.mark.parametrize("host", ["ab.local.sktmls.com:8000", "graph.local.sktmls.com:8080",  # MLSENV.LOCAL
                                  "127.0.0.1:{port}", "localhost:{port}", "LocalHost:{port}", "localhost.:{port}",
                                  "127.0.0.1", "localhost", "127.0.0.1:1", "localhost:80", "[::1]:{port}", "[::1]",
                                  "127.0.0.2:{port}", ""])
def test_loopback_names_any_port_are_answered(server, host):
    port = server.url.rpartition(":")[2]
    assert_served(send(server.url, "GET", "/_mock/state", host.format(port=port)))


def test_a_request_without_host_is_answered(server):
    """HTTP/1.0 needs no Host, and a browser always sends one: no page can leave it out."""
    with socket.create_connection((urlsplit(server.url).hostname, urlsplit(server.url).port), timeout=10) as raw:
        raw.sendall(b"GET /_mock/health HTTP/1.0\r\n\r\n")
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.0 200"), answer[:200]


def test_allowed_host_names_are_answered_and_others_still_refused(start_server):
    server = start_server("--allowed-host", "mls.test", "--allowed-host", ".corp.test")
    for host in ("mls.test", "MLS.test:8000", "corp.test", "a.b.corp.test:1", "localhost", "127.0.0.1"):
        assert_served(send(server.url, "GET", "/_mock/ui", host))
    for host in (EVIL, "mls.test.evil.example", "xcorp.test", "192.168.1.5"):
        assert_refused(send(server.url, "GET", "/_mock/ui", host))
    assert ("Host names answered: localhost, loopback addresses, sktmls's LOCAL hosts, mls.test, *.corp.test"
            in server.log)


def test_allowed_host_star_answers_any_name(start_server):
    server = start_server("--allowed-host", "*", "--log-level", "warning")
    assert_served(send(server.url, "GET", "/_mock/state", EVIL))


def test_ipv6_loopback_server(start_server):
    try:
        with socket.create_server(("::1", 0), family=socket.AF_INET6):
            pass
    except OSError:
        pytest.skip("no IPv6 loopback here")
    server = start_server("--host", "::1", "--log-level", "warning")
    port = server.url.rpartition(":")[2]
    for host in (f"[::1]:{port}", "[::1]", f"localhost:{port}", "127.0.0.1"):
        assert_served(send(server.url, "GET", "/_mock/health", host))
    assert_refused(send(server.url, "GET", "/_mock/health", f"{EVIL}:{port}"))


def test_the_plugins_live_server_checks_host_too():
    """`mls_live_server` and the tests' servers are LiveServer on 127.0.0.1."""
    with LiveServer(create_app()) as live:
        assert_refused(send(live.url, "GET", "/_mock/calls", EVIL))
        assert_served(send(live.url, "GET", "/_mock/calls", live.url.removeprefix("http://")))
    with LiveServer(create_app(), allowed_hosts=["svc"]) as live:
        assert_served(send(live.url, "GET", "/_mock/calls", "svc:80"))


def test_a_server_on_every_interface_answers_any_name_unless_narrowed():
    """docker run -p and compose service names reach a fake bound to 0.0.0.0 by names it
    cannot know (decided without binding to every interface here)."""
    for bound in ("0.0.0.0", "::", "192.168.1.5", ""):
        assert AllowedHosts(bound).allows(EVIL)
        narrowed = AllowedHosts(bound, ["mls-mock"])
        assert narrowed.allows("mls-mock:8000") and narrowed.allows("192.168.1.5:8000")
        assert narrowed.allows("localhost") and not narrowed.allows(EVIL)
    assert not AllowedHosts("127.0.0.1").allows("192.168.1.5")
    assert not AllowedHosts("localhost").allows(EVIL) and AllowedHosts("localhost").allows("127.0.0.1")
    assert AllowedHosts("myhost.lan").allows("myhost.lan:80")  # the name it was bound by


@pytest.mark.parametrize("header, name", [("[::1]:80", "::1"), ("LOCALHOST.:1", "localhost"), ("a.b", "a.b"),
                                          ("::1", "::1"), ("[fe80::1%eth0]", "fe80::1%eth0")])
def test_host_name(header, name):
    assert host_name(header) == name


def test_decisions_kept_are_bounded_and_stay_right():
    from mls_mock.host_check import DECISIONS_KEPT

    allowed = AllowedHosts("127.0.0.1")
    for n in range(DECISIONS_KEPT * 3):
        assert not allowed.allows(f"evil{n}.example")
        assert allowed.allows(f"127.0.0.1:{n}")
    assert len(allowed._decided) == DECISIONS_KEPT
    assert not allowed.allows("evil1.example") and allowed.allows("127.0.0.1:1")  # kept ones, asked again


@pytest.mark.parametrize("value", ["", ".", "http://mls.test", "a b", "user@host", "mls.test:8000", "*.mls.test"])
def test_a_value_that_is_not_a_name_is_a_usage_error(value, capsys):
    from mls_mock.cli import main

    assert main(["serve", "--port", "0", "--allowed-host", value]) == 2
    assert "--allowed-host" in capsys.readouterr().err


def test_a_refused_host_with_too_many_query_parameters_is_journaled_unparsed(server):
    from mls_mock.app import MAX_QUERY_PARAMETERS

    query = "&".join(f"k{n}=v" for n in range(MAX_QUERY_PARAMETERS + 1))
    assert_refused(send(server.url, "GET", f"/api/v1/channels?{query}", EVIL))
    calls = json.loads(assert_served(send(server.url, "GET", "/_mock/calls", "localhost")))["results"]
    assert [(c["path"], c["status"], c["query_all"]) for c in calls] == [("/api/v1/channels", 403, {})]
