"""Every MLS API over a socket: `mls-mock serve` names each API's base URL, requests and
aiohttp reach the runtime prefixes (a registered client's apikey authenticates, an
unknown route answers the 404 envelope), `mls-mock point` sends the sktmls runtime clients
there, and a fault's delay holds the answer back for real."""
import asyncio
import base64
import queue
import subprocess
import sys
import threading

import aiohttp
import pytest
import requests

from mls_mock.cli import main
from mls_mock.hosts import MOUNTS

USERNAME, PASSWORD = "server-test", "server-test-password"  # what ServerProcess.api sends (conftest.py)

KEY = "s" * 40  # ClientClient's keys are 40 characters
PREFIXES = {"MLS_AB_API_URL": "", "MLS_RECOMMENDATION_API_URL": "/rec", "MLS_PROFILE_API_URL": "/pf",
            "MLS_CONVERSION_TRACKING_API_URL": "/ct", "MLS_GRAPH_API_URL": "/graph"}


def test_serve_names_each_apis_base_url_after_the_listening_line(capsys):
    ready = queue.Queue()
    thread = threading.Thread(target=main, args=(["serve", "--port", "0", "--threads", "2"],),
                              kwargs={"on_ready": ready.put}, daemon=True)
    thread.start()
    service = ready.get(timeout=10)
    try:
        lines = capsys.readouterr().out.splitlines()
    finally:
        service.stop()
        thread.join(10)
    assert lines[0] == f"mls-mock listening on {service.url}"
    assert service.urls == {key: service.url + prefix for key, prefix in PREFIXES.items()}
    assert MOUNTS == PREFIXES
    for key, url in service.urls.items():
        assert any(line.split(": ", 1)[-1] == f"{url}  ({key})" for line in lines[1:]), (key, lines)


def _register_client(server, name="svc"):
    created = server.api("POST", "clients", json={"name": name, "apikey": KEY})
    assert created.status_code == 201, created.text


@pytest.mark.parametrize("prefix", ["/rec", "/pf", "/ct"])
def test_requests_reach_the_keyed_runtime_apis_over_the_socket(server, prefix):
    _register_client(server)
    url = f"{server.url}{prefix}/v1/svc/no-such/route"  # /ct/v1/svc/<type> is a route
    known = requests.post(url, headers={"apikey": KEY}, params={"mode": "test"}, json={}, timeout=10)
    wrong = requests.post(url, headers={"apikey": "x" * 40}, json={}, timeout=10)
    mms = requests.get(f"{server.url}{prefix}/v1/mls-mms/no-such/route", timeout=10)
    mms_status, mms_user = (404, "mls-mms") if prefix != "/ct" else (401, None)  # sktmls's ct client refuses MMS
    assert known.status_code == 404 and known.json() == {
        "code": 404, "error": f"no such route: POST {prefix}/v1/svc/no-such/route", "results": None}
    assert wrong.status_code == 401 and wrong.json()["error"] == "apikey: no registered client has this apikey"
    assert mms.status_code == mms_status  # mls-mms needs no key where sktmls runs on MMS
    calls = server.admin("GET", "calls").json()["results"][-3:]
    assert [(c["path"], c["user"], c["status"]) for c in calls] == [
        (f"{prefix}/v1/svc/no-such/route", "svc", 404),
        (f"{prefix}/v1/svc/no-such/route", None, 401),
        (f"{prefix}/v1/mls-mms/no-such/route", mms_user, mms_status),
    ]
    assert calls[0]["query"] == {"mode": "test"}


def test_aiohttp_reaches_every_api_over_the_socket(server):
    _register_client(server)
    basic = "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()

    async def calls():
        async with aiohttp.ClientSession() as session:
            statuses = []
            for url, headers in (
                (f"{server.url}/api/v1/experiments", {"Authorization": basic}),
                (f"{server.url}/rec/v1/svc/items", {"apikey": KEY}),
                (f"{server.url}/pf/v1/svc/profiles/p", {"apikey": "wrong"}),
                (f"{server.url}/graph/v1/no-such-route", {}),
            ):
                async with session.get(url, headers=headers, params=[("f", "a"), ("f", "b")]) as response:
                    body = await response.json()
                    assert set(body) == {"code", "error", "results"} and body["code"] == response.status
                    statuses.append(response.status)
            return statuses

    statuses = asyncio.run(calls())
    assert statuses[0] == 200 and statuses[2] == 401 and statuses[3] == 404
    assert statuses[1] in (404, 405)  # until the recommendation API is faked: no such route for GET
    calls = server.admin("GET", "calls").json()["results"][-4:]
    assert [c["user"] for c in calls] == [USERNAME, "svc", None, ""]
    assert all(c["query_all"] == {"f": ["a", "b"]} for c in calls)


def test_point_sends_the_sktmls_runtime_clients_sync_and_async_to_the_served_fake(server, tmp_path):
    _register_client(server)
    script = tmp_path / "job.py"
    script.write_text(f"""
import asyncio
from sktmls import MLSENV, MLSRuntimeENV
from sktmls.apis import MLSGraphAPIClient, MLSRecommendationAPIClient

graph = MLSGraphAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.LOCAL)
rec = MLSRecommendationAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.LOCAL, client_id="svc", apikey="{KEY}")
for call in (
    lambda: graph.drop_vertices(query_params={{"label": "sync"}}),
    lambda: asyncio.run(graph.drop_vertices_async(query_params={{"label": "async"}})),
    lambda: rec.request(version="v1", user_id="u1", channel_ids=["c"]),
    lambda: asyncio.run(rec.request_async(version="v2", user_id="u2", channel_ids=["c"])),
):
    try:
        call()
    except Exception:  # what these APIs answer is theirs to settle: the calls arrived
        pass
""")
    done = subprocess.run([sys.executable, "-m", "mls_mock", "point", server.url, "--", str(script)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    calls = server.admin("GET", "calls").json()["results"][-4:]
    assert [(c["method"], c["path"], c["user"]) for c in calls] == [
        ("DELETE", "/graph/v1/vertices", ""),
        ("DELETE", "/graph/v1/vertices", ""),
        ("POST", "/rec/v1/svc/items", "svc"),
        ("POST", "/rec/v2/svc/items", "svc"),
    ]
    assert [c["query_all"].get("label") for c in calls[:2]] == [["sync"], ["async"]]
    assert [c["json"]["user_id"] for c in calls[2:]] == ["u1", "u2"]


def test_a_served_delay_holds_the_answer_back_past_the_clients_timeout(server):
    added = server.admin("POST", "faults", json={"method": "GET", "path": "/graph/*", "status": None,
                                                        "delay": 1, "times": 2})
    assert added.status_code == 201 and added.json()["results"]["delay"] == 1
    url = f"{server.url}/graph/v1/no-such-route"
    with pytest.raises(requests.ReadTimeout):
        requests.get(url, timeout=0.2)

    async def call():
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(sock_read=0.2)) as session:
            await session.get(url)

    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(call())
    assert server.admin("GET", "faults").json()["results"] == []  # both used up: answered as usual again
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 404 and answer.json()["code"] == 404


@pytest.mark.parametrize("body, field", [
    ({"status": None}, "status"),
    ({"delay": -1}, "delay"),
    ({"delay": 61}, "delay"),
    ({"delay": "1"}, "delay"),
    ({"delay": True}, "delay"),
], ids=str)
def test_a_bad_delay_is_refused_over_http(server, body, field):
    refused = server.admin("POST", "faults", json=body)
    assert refused.status_code == 400 and refused.json()["error"].startswith(f"{field}: ")
    assert server.admin("GET", "faults").json()["results"] == []
