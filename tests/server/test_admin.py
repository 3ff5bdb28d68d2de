"""The admin API under /_mock/ on a served fake, with the real client seeing its effects."""
import json

import pytest
import requests
from sktmls.mls_client import MLSClientError

from support import counts_of


def results(response: requests.Response, status: int = 200):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == status and body["error"] is None
    return body["results"]


def test_health_needs_no_credentials(server):
    assert results(server.admin("GET", "health")) == {
        "status": "ok", "persistent": False,
        "records": counts_of(),
    }


def test_reset_empties_and_restarts_ids(clients, server):
    clients.experiments.create_experiment(name="before")
    server.admin("POST", "faults", json={"path": "/nowhere"})
    assert results(server.admin("POST", "reset"))["records"]["experiments"] == 0
    assert results(server.admin("GET", "calls")) == []
    assert results(server.admin("GET", "faults")) == []
    assert clients.experiments.create_experiment(name="after").id == 1


def test_state_round_trip_keeps_ids_and_sequences(clients, server):
    experiment = clients.experiments.create_experiment(name="kept")
    clients.channels.create_channel(name="kept-channel", experiments=[experiment])
    dropped = clients.experiments.create_experiment(name="dropped")
    clients.experiments.delete_experiment(dropped)
    saved = results(server.admin("GET", "state"))
    assert saved["sequences"]["experiments"] == 2

    results(server.admin("POST", "reset"))
    assert results(server.admin("PUT", "state", json=saved))["records"]["channels"] == 1
    assert clients.channels.get_channel(name="kept-channel").experiments == [experiment.id]
    assert clients.experiments.create_experiment(name="next").id == 3  # not 2: ids continue
    assert results(server.admin("GET", "state"))["experiments"][0]["created_at"] == saved["experiments"][0]["created_at"]


def test_bad_state_document_changes_nothing(clients, server):
    clients.experiments.create_experiment(name="survivor")
    response = server.admin("PUT", "state", json={"channels": [{"screen_id": "x", "experiments": [99]}]})
    assert response.status_code == 400
    assert "channels[0]" in response.json()["error"]
    assert [e.name for e in clients.experiments.list_experiments()] == ["survivor"]


def test_seed_by_name_and_by_document(clients, server):
    added = results(server.admin("POST", "seed", json={"name": "demo"}), 201)["added"]
    assert added["channels"] == len(clients.channels.list_channels()) > 0
    document = {"experiments": [{"name": "inline-exp"}], "channels": [{"screen_id": "inline", "experiments": []}]}
    assert results(server.admin("POST", "seed", json=document), 201)["added"]["channels"] == 1
    assert clients.channels.get_channel(name="inline").screen_id == "inline"
    unknown = server.admin("POST", "seed", json={"name": "no-such-set"})
    assert unknown.status_code == 404 and "demo" in unknown.json()["error"]


def test_calls_journal_and_clear(clients, server):
    clients.experiments.create_experiment(name="journaled")
    calls = results(server.admin("GET", "calls"))
    assert [(c["method"], c["path"], c["status"], c["user"]) for c in calls] == [
        ("POST", "/api/v1/experiments", 201, "server-test")]
    assert calls[0]["json"]["name"] == "journaled"
    assert results(server.admin("DELETE", "calls")) == {"cleared": 1}
    assert results(server.admin("GET", "calls")) == []


def test_calls_journal_is_strict_json_whatever_was_sent(server):
    """A body json.loads accepts but JSON does not (NaN) made GET /_mock/calls emit NaN."""
    refused = server.api("POST", "experiments", data=b'{"name": NaN}', headers={"Content-Type": "application/json"})
    assert refused.status_code == 400
    assert server.api("GET", "channels", params=[("id", "1"), ("id", "2")]).status_code == 400

    def not_json(constant):
        raise AssertionError(f"GET /_mock/calls is not JSON: it holds {constant}")

    calls = json.loads(server.admin("GET", "calls").content, parse_constant=not_json)["results"]
    assert [(c["json"], c["body_bytes"], c["body_truncated"]) for c in calls] == [(None, 13, False), (None, 0, False)]
    assert (calls[1]["query"], calls[1]["query_all"]) == ({"id": "1"}, {"id": ["1", "2"]})


def test_faults_reach_the_real_client(clients, server):
    fault = results(server.admin("POST", "faults", json={"method": "GET", "path": "/api/v1/channels*",
                                                          "status": 503, "error": "maintenance", "times": 2}), 201)
    assert fault["times"] == 2
    for _ in range(2):
        with pytest.raises(MLSClientError) as raised:
            clients.channels.list_channels()
        assert (raised.value.code, raised.value.msg) == (503, "maintenance")
    assert clients.channels.list_channels() == []  # used up

    results(server.admin("POST", "faults", json={"times": None}), 201)
    assert len(results(server.admin("GET", "faults"))) == 1
    assert results(server.admin("DELETE", "faults")) == {"cleared": 1}
    assert clients.channels.list_channels() == []


def test_one_fault_is_removed_by_its_id_and_the_others_stay(clients, server):
    first = results(server.admin("POST", "faults", json={"path": "/api/v1/channels*", "status": 503,
                                                          "error": "channels down", "times": None}), 201)
    second = results(server.admin("POST", "faults", json={"path": "/api/v1/experiments*", "times": None}), 201)
    assert second["id"] > first["id"] >= 1
    assert [f["id"] for f in results(server.admin("GET", "faults"))] == [first["id"], second["id"]]
    with pytest.raises(MLSClientError) as raised:
        clients.channels.list_channels()
    assert raised.value.msg == "channels down"

    removed = results(server.admin("DELETE", f"faults/{first['id']}"))
    assert removed == first  # as it was: every time, so `times` is still null
    assert clients.channels.list_channels() == []  # no longer failed
    with pytest.raises(MLSClientError):
        clients.experiments.list_experiments()  # the other one still waits
    assert [f["id"] for f in results(server.admin("GET", "faults"))] == [second["id"]]

    for gone in (first["id"], 999_999, 0):
        refused = server.admin("DELETE", f"faults/{gone}")
        assert refused.status_code == 404 and refused.json()["results"] is None, refused.text
        assert str(gone) in refused.json()["error"]
    assert server.admin("DELETE", "faults/x").status_code == 404  # no such route
    assert [f["id"] for f in results(server.admin("GET", "faults"))] == [second["id"]]


def test_a_used_up_fault_is_gone_and_ids_are_never_reused(clients, server):
    fault = results(server.admin("POST", "faults", json={"path": "/api/v1/channels*"}), 201)
    with pytest.raises(MLSClientError):
        clients.channels.list_channels()
    assert server.admin("DELETE", f"faults/{fault['id']}").status_code == 404
    results(server.admin("DELETE", "faults"))
    later = results(server.admin("POST", "faults", json={"path": "/nowhere"}), 201)
    assert later["id"] > fault["id"]  # a stale id cannot remove a fault added since


@pytest.mark.parametrize("body, field", [
    ({"status": 200}, "status"), ({"times": 0}, "times"), ({"raises": "ConnectionError"}, "raises"),
    ({"path": ""}, "path"), ({"error": 5}, "error"),
    # patterns no request can match: found out now, not as a fault that never fired
    ({"path": "api/v1/channels*"}, "path"), ({"method": "get x"}, "method"), ({"method": "G3T"}, "method"),
    ({"times": 10**30}, "times"),
])
def test_bad_faults_are_refused(server, body, field):
    response = server.admin("POST", "faults", json=body)
    assert response.status_code == 400 and field in response.json()["error"], response.json()
    assert results(server.admin("GET", "faults")) == []


def test_admin_token(start_server):
    guarded = start_server("--admin-token", "s3cret")
    assert guarded.admin("GET", "health").status_code == 200  # probes need no token
    refused = guarded.admin("GET", "state")
    assert refused.status_code == 401 and "admin token" in refused.json()["error"]
    assert guarded.admin("GET", "state", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert guarded.admin("GET", "state", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert guarded.admin("POST", "reset", headers={"X-Admin-Token": "s3cret"}).status_code == 200
    added = guarded.admin("POST", "faults", json={"path": "/x"}, headers={"X-Admin-Token": "s3cret"}).json()
    assert guarded.admin("DELETE", f"faults/{added['results']['id']}").status_code == 401
    assert guarded.admin("DELETE", f"faults/{added['results']['id']}", headers={"X-Admin-Token": "s3cret"}).ok
    from_env = start_server(env={"MLS_MOCK_ADMIN_TOKEN": "env-token"})
    assert from_env.admin("GET", "calls").status_code == 401
    assert from_env.admin("GET", "calls", headers={"X-Admin-Token": "env-token"}).status_code == 200
