"""`--state FILE`: restarts keep everything acknowledged, `kill -9` included; files that
are not ours are refused and left as they were."""
import json
import threading
import time

import pytest
import requests

from mls_mock.persistence import FORMAT


def test_restart_with_the_same_state_file(start_server, tmp_path, clients_at, read_state):
    state = tmp_path / "state.json"
    first = start_server("--state", state)
    assert first.admin("GET", "health").json()["results"]["persistent"] is True
    with clients_at(first.url) as c:
        experiment = c.experiments.create_experiment(name="durable", bucketing_seed="s")
        channel = c.channels.create_channel(name="durable-channel", experiments=[experiment])
        gone = c.experiments.create_experiment(name="gone")
        c.experiments.delete_experiment(gone)
    assert first.stop() == 0

    second = start_server("--state", state)
    with clients_at(second.url) as c:
        again = c.channels.get_channel(name="durable-channel")
        assert (again.id, again.experiments, again.created_at) == (channel.id, [experiment.id], channel.created_at)
        assert c.experiments.create_experiment(name="after-restart").id == 3  # ids continue past the deleted 2
    assert read_state(state)["format"] == FORMAT


def _write_until_killed(client, prefix: str, acknowledged: dict, lock: threading.Lock):
    """Create experiments until the server dies; only answered creates count as acknowledged."""
    n = 0
    while True:
        name = f"{prefix}-{n}"
        try:
            experiment = client.create_experiment(name=name)
        except (requests.RequestException, ValueError):
            return
        with lock:
            acknowledged[name] = experiment.id
        n += 1


@pytest.mark.parametrize("writers", [1, 3])
def test_kill_9_in_a_write_loop_loses_nothing_acknowledged(start_server, tmp_path, clients_at, read_state,
                                                           writers):
    state = tmp_path / "state.json"
    acknowledged, lock = {}, threading.Lock()
    for round_, kill_after in enumerate((12, 27, 41)):
        server = start_server("--state", state, "--log-level", "warning")
        with clients_at(server.url) as c:
            client = c.experiments
            present = {e.name: e.id for e in client.list_experiments()}
            assert acknowledged.items() <= present.items()
            target = len(acknowledged) + kill_after
            threads = [threading.Thread(target=_write_until_killed, args=(client, f"r{round_}w{w}", acknowledged, lock))
                       for w in range(writers)]
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + 15
            while len(acknowledged) < target and time.monotonic() < deadline:
                time.sleep(0.001)
            server.process.kill()  # SIGKILL, with writes in flight
            server.wait_exit()
            for thread in threads:
                thread.join(10)
            assert not any(t.is_alive() for t in threads)
        assert len(acknowledged) >= target

    document = read_state(state)  # valid JSON, ours, after three kills
    assert document["format"] == FORMAT
    saved = {e["name"]: e["id"] for e in document["experiments"]}
    assert acknowledged.items() <= saved.items()
    final = start_server("--state", state)
    with clients_at(final.url) as c:
        client = c.experiments
        assert acknowledged.items() <= {e.name: e.id for e in client.list_experiments()}.items()
        assert client.create_experiment(name="after-kills").id > max(acknowledged.values())
    assert not list(tmp_path.glob(".state.json.*.tmp"))  # a killed save's temp file is cleaned up


CORRUPT = {
    "truncated": (b'{"format": "mls-mock-state/1", "experiments": [{"id": 1, "na', "not a valid JSON state file"),
    "binary": (b"\x00\xff\xfe garbage", "not a valid JSON state file"),
    "foreign": (b'{"users": ["someone else\'s data"]}', "not an mls-mock state file"),
    "seed without marker": (b'{"channels": []}', "not an mls-mock state file"),
    "newer format": (b'{"format": "mls-mock-state/9"}', "format 'mls-mock-state/9'"),
    "bad record": (json.dumps({"format": FORMAT, "channels": [{"screen_id": "x", "experiments": [7]}]}).encode(),
                   "channels[0]"),
}


@pytest.mark.parametrize("content, message", CORRUPT.values(), ids=CORRUPT.keys())
def test_a_corrupt_or_foreign_state_file_is_refused_and_untouched(start_server, tmp_path, content, message):
    state = tmp_path / "state.json"
    state.write_bytes(content)
    server = start_server("--state", state, wait=False)
    assert server.wait_exit() == 2
    assert message in server.log and "refuses to start" in server.log
    assert state.read_bytes() == content
    assert server.process.stdout.read() == b""  # never said it was listening


def test_one_server_per_state_file(start_server, tmp_path):
    state = tmp_path / "state.json"
    start_server("--state", state)
    second = start_server("--state", state, wait=False)
    assert second.wait_exit() == 2
    assert "another mls-mock server is using this state file" in second.log


def test_seed_fills_a_new_state_file_only(start_server, tmp_path, read_state):
    state = tmp_path / "state.json"
    first = start_server("--state", state, "--seed", "demo")
    seeded = first.admin("GET", "health").json()["results"]["records"]
    assert seeded["channels"] > 0 and read_state(state)["channels"]
    first.api("DELETE", "channels/{}".format(read_state(state)["channels"][0]["id"]))
    assert first.stop() == 0

    second = start_server("--state", state, "--seed", "demo")  # must not load demo again (ids would clash)
    records = second.admin("GET", "health").json()["results"]["records"]
    assert records == {**seeded, "channels": seeded["channels"] - 1}
    assert "holds saved state" in second.log


def test_admin_state_replace_is_saved(start_server, tmp_path, read_state):
    state = tmp_path / "state.json"
    server = start_server("--state", state)
    document = {"experiments": [{"id": 7, "name": "seven"}], "sequences": {"experiments": 10}}
    assert server.admin("PUT", "state", json=document).status_code == 200
    saved = read_state(state)
    assert [(e["id"], e["name"]) for e in saved["experiments"]] == [(7, "seven")]
    assert saved["sequences"]["experiments"] == 10
    assert server.admin("POST", "reset").status_code == 200
    assert read_state(state)["experiments"] == []
