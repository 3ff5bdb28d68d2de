"""`mls-mock serve` as users run it: the real sktmls clients over a real socket, the access
log, credentials, the seed flag and shutdown by signal."""
import json
import signal
import time

import pytest
import requests
from sktmls.mls_client import MLSClientError



def test_crud_through_the_real_clients(clients, server):
    experiment = clients.experiments.create_experiment(name="exp-a", bucketing_seed="seed")
    other = clients.experiments.create_experiment(name="exp-b")
    flt = clients.filters.create_filter(name="adults", conditions=[{"key": "age", "operator": ">=", "value": 20}])
    channel = clients.channels.create_channel(name="home", experiments=[experiment])
    assert (channel.id, channel.screen_id, channel.experiments, channel.user) == (1, "home", [experiment.id], "server-test")

    assert clients.channels.get_channel(name="home").id == channel.id
    updated = clients.channels.update_channel(channel, name="home-2", experiments=[experiment, other])
    assert (updated.screen_id, updated.experiments) == ("home-2", [experiment.id, other.id])
    assert [c.screen_id for c in clients.experiments.get_experiment(id=other.id).channels] == ["home-2"]
    assert clients.filters.get_filter(name="adults").conditions == [{"key": "age", "operator": ">=", "value": 20}]
    assert flt.id == 1

    clients.channels.delete_channel(updated)
    with pytest.raises(MLSClientError) as raised:
        clients.channels.get_channel(id=channel.id)
    assert raised.value.code == 404
    assert [c.screen_id for c in clients.channels.list_channels()] == []


def test_every_request_gets_one_access_log_line(server):
    marker = "/api/v1/channels/424242"
    server.api("GET", "channels/424242")
    requests.get(f"{server.url}/_mock/health", timeout=10)
    lines = [line for line in server.log.splitlines() if "mls_mock.access" in line and marker in line]
    assert len(lines) == 1
    assert f'"GET {marker} HTTP/1.1" 404' in lines[0]


def test_errors_are_envelopes_never_html(server):
    for method, path in [("GET", "/nowhere"), ("DELETE", "/_mock/health"), ("GET", "/api/v1/channels/x")]:
        response = requests.request(method, server.url + path, auth=("u", "p"), timeout=10)
        assert response.headers["Content-Type"] == "application/json"
        assert response.json()["code"] == response.status_code >= 400
        assert response.json()["error"]


def test_users_file_limits_credentials(start_server, tmp_path):
    users = tmp_path / "users.json"
    users.write_text(json.dumps({"alice": "wonder"}))
    server = start_server("--users", users, "--log-level", "warning")
    ok = requests.get(f"{server.url}/api/v1/channels", auth=("alice", "wonder"), timeout=10)
    wrong = requests.get(f"{server.url}/api/v1/channels", auth=("alice", "nope"), timeout=10)
    assert (ok.status_code, wrong.status_code) == (200, 401)
    assert "mls_mock.access" not in server.log  # warning hides access lines


def test_seed_at_start_and_sigint_stops_cleanly(start_server, clients_at):
    server = start_server("--seed", "demo")
    health = server.admin("GET", "health").json()["results"]
    assert health["records"]["channels"] > 0
    with clients_at(server.url) as c:
        names = [channel.screen_id for channel in c.channels.list_channels()]
    assert len(names) == health["records"]["channels"]
    assert server.stop(signal.SIGINT) == 0
    assert "stopped (SIGINT)" in server.log


def test_sigterm_stops_cleanly(start_server):
    server = start_server()
    assert server.stop(signal.SIGTERM) == 0
    assert "stopped (SIGTERM)" in server.log
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{server.url}/_mock/health", timeout=2)


def test_an_idle_keep_alive_connection_does_not_hold_up_shutdown(start_server):
    server = start_server()
    with requests.Session() as session:  # its pooled connection stays open during the stop
        assert session.get(f"{server.url}/_mock/health", timeout=10).status_code == 200
        started = time.monotonic()
        assert server.stop() == 0
        assert time.monotonic() - started < 3


def test_a_taken_port_is_a_clear_error(start_server, server):
    port = server.url.rpartition(":")[2]
    taken = start_server("--port", port, wait=False)  # the later --port wins over the fixture's 0
    assert taken.wait_exit() == 2
    assert f"cannot listen on 127.0.0.1:{port}" in taken.log


def test_a_control_character_in_the_path_cannot_write_a_log_line_of_its_own(server):
    forged = '2026-11-30 10:40:00,000 INFO mls_mock.access: 127.0.0.1 "DELETE /_mock/state HTTP/1.1" 200'
    requests.get(f"{server.url}/graph/v1/x%0a{requests.utils.quote(forged)}%00", timeout=10)
    requests.get(f"{server.url}/_mock/health", timeout=10)
    lines = [line for line in server.log.splitlines() if "/graph/v1/x" in line]
    assert len(lines) == 1 and "\\x0a2026-11-30" in lines[0] and "\\x00" in lines[0]
    assert not any(line.startswith("2026-11-30 10:40:00,000") for line in server.log.splitlines())
