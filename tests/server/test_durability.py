"""`--state FILE`: restarts keep everything acknowledged, `kill -9` included; files that
are not ours are refused and left as they were."""
import json
import sqlite3
import threading
import time

import pytest
import requests

from mls_mock import Store
from mls_mock.persistence import APPLICATION_ID, FORMAT, JSON_FORMAT, StateFile

from support import sized

# Acknowledged writes before each kill -9; every round is a server start (a second or two).
# Two kills already restart a killed file and kill that restart; the thorough run kills three times.
KILL_AFTER = sized((12, 27), (12, 27, 41))


def test_restart_with_the_same_state_file(start_server, tmp_path, clients_at, read_state):
    state = tmp_path / "state.db"
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
    state = tmp_path / "state.db"
    acknowledged, lock = {}, threading.Lock()
    for round_, kill_after in enumerate(KILL_AFTER):
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

    document = read_state(state)  # a readable SQLite file, ours, after every kill
    assert document["format"] == FORMAT
    saved = {e["name"]: e["id"] for e in document["experiments"]}
    assert acknowledged.items() <= saved.items()
    final = start_server("--state", state)
    with clients_at(final.url) as c:
        client = c.experiments
        assert acknowledged.items() <= {e.name: e.id for e in client.list_experiments()}.items()
        assert client.create_experiment(name="after-kills").id > max(acknowledged.values())
    assert not list(tmp_path.glob(".state.db.*.tmp*"))  # a killed start's temp file is cleaned up


def _sqlite_file(path, application_id=0, statements=()):
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA application_id = {application_id}")
        for statement in statements:
            db.execute(*statement) if isinstance(statement, tuple) else db.execute(statement)
    db.close()


def _ours(path, *statements):
    """A valid state file, then `statements` run on it as SQL."""
    state = StateFile(path)
    state.attach(Store())
    state.close()
    _sqlite_file(path, APPLICATION_ID, statements)


def _truncated(path):
    _ours(path, *[("INSERT INTO records VALUES ('experiments', ?, ?)", (i, json.dumps({"id": i, "name": f"e{i}"})))
                  for i in range(1, 300)])
    content = path.read_bytes()
    path.write_bytes(content[:len(content) // 2])


CORRUPT = {
    "truncated": (_truncated, "not a readable mls-mock state file"),
    "binary": (lambda p: p.write_bytes(b"\x00\xff\xfe garbage"), "not an SQLite database"),
    "foreign sqlite": (lambda p: _sqlite_file(p, 0, ["CREATE TABLE users (name TEXT)"]), "not an mls-mock state file"),
    "seed without marker": (lambda p: p.write_bytes(b'{"channels": []}'), "not an mls-mock state file"),
    "old json state": (lambda p: p.write_text(json.dumps({"format": JSON_FORMAT, "channels": []})),
                       "--seed {path} --state NEW.db"),
    "newer format": (lambda p: _ours(p, "UPDATE meta SET value = 'mls-mock-state/9' WHERE key = 'format'"),
                     "format 'mls-mock-state/9'"),
    "no tables": (lambda p: _sqlite_file(p, APPLICATION_ID), "not a readable mls-mock state file"),
    "bad record": (lambda p: _ours(p, ("INSERT INTO records VALUES ('channels', 1, ?)",
                                       ('{"screen_id": "x", "experiments": [7]}',))), "channels[0]"),
}


@pytest.mark.parametrize("make, message", CORRUPT.values(), ids=CORRUPT.keys())
def test_a_corrupt_or_foreign_state_file_is_refused_and_untouched(start_server, tmp_path, make, message):
    state = tmp_path / "state.db"
    make(state)
    content = state.read_bytes()
    server = start_server("--state", state, wait=False)
    assert server.wait_exit() == 2
    assert message.format(path=state) in server.log and "refuses to start" in server.log
    assert state.read_bytes() == content
    assert not list(tmp_path.glob("state.db-*"))  # no WAL, shared-memory or journal file left beside it
    assert server.process.stdout.read() == b""  # never said it was listening


def test_an_old_json_state_file_converts_with_seed(start_server, tmp_path, read_state):
    """The command the refusal names: the old file loads as a seed into a new state file."""
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"format": JSON_FORMAT, "experiments": [{"id": 4, "name": "kept", "user": "u"}],
                               "channels": [{"id": 2, "screen_id": "c", "experiments": [4]}],
                               "sequences": {"experiments": 9}}))
    server = start_server("--seed", old, "--state", tmp_path / "new.db")
    assert server.api("POST", "experiments", json={"name": "next"}).json()["results"]["id"] == 10
    saved = read_state(tmp_path / "new.db")
    assert [(e["id"], e["name"]) for e in saved["experiments"]] == [(4, "kept"), (10, "next")]
    assert [(c["id"], c["experiments"]) for c in saved["channels"]] == [(2, [4])]


def test_one_server_per_state_file(start_server, tmp_path):
    state = tmp_path / "state.db"
    start_server("--state", state)
    second = start_server("--state", state, wait=False)
    assert second.wait_exit() == 2
    assert "another mls-mock server is using this state file" in second.log


def test_seed_fills_a_new_state_file_only(start_server, tmp_path, read_state):
    state = tmp_path / "state.db"
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
    state = tmp_path / "state.db"
    server = start_server("--state", state)
    document = {"experiments": [{"id": 7, "name": "seven"}], "sequences": {"experiments": 10}}
    assert server.admin("PUT", "state", json=document).status_code == 200
    saved = read_state(state)
    assert [(e["id"], e["name"]) for e in saved["experiments"]] == [(7, "seven")]
    assert saved["sequences"]["experiments"] == 10
    assert server.admin("POST", "reset").status_code == 200
    assert read_state(state)["experiments"] == []


def test_fsync_flag_serves_and_keeps_writes(start_server, tmp_path, read_state):
    state = tmp_path / "state.db"
    server = start_server("--state", state, "--fsync")
    assert server.api("POST", "experiments", json={"name": "flushed"}).status_code == 201
    server.process.kill()
    server.wait_exit()
    assert [e["name"] for e in read_state(state)["experiments"]] == ["flushed"]
    alone = start_server("--fsync", wait=False)
    assert alone.wait_exit() == 2 and "--fsync needs --state" in alone.log
