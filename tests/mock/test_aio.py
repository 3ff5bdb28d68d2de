"""aiohttp reaching the fake in-process (mls_mock/aio.py): the same dispatcher, journal,
faults and hosts as the requests path, with aiohttp's own request and response objects.
Each test runs its coroutine with asyncio.run (no pytest-asyncio)."""
import asyncio
import base64
import threading

import aiohttp
import pytest
import requests
from aiohttp import web

from mls_mock import MLSMock

AB = "https://ab.stg.sktmls.com/api/v1/experiments"
REC = "https://rec.stg.sktmls.com"
GRAPH = "https://graph.stg.sktmls.com"
AUTH = {"Authorization": "Basic " + base64.b64encode(b"alice:pw").decode()}
KEY = "k" * 40
NETWORK_REQUEST = aiohttp.ClientSession._request


def run(coroutine):
    return asyncio.run(coroutine)


async def post_experiment(session, name: str) -> aiohttp.ClientResponse:
    async with session.post(AB, json={"name": name, "bucketing_seed": "s"}, headers=AUTH) as response:
        await response.read()
        return response


async def create_in_a_session(name: str) -> aiohttp.ClientResponse:
    async with aiohttp.ClientSession() as session:
        return await post_experiment(session, name)


def test_both_await_forms_reach_the_fake_with_aiohttps_own_response():
    async def calls():
        async with aiohttp.ClientSession() as session:
            async with session.post(AB, json={"name": "exp", "bucketing_seed": "s"}, headers=AUTH) as created:
                body = await created.json()
            listed = await session.get(AB, headers=AUTH)  # the plain `await` form
            try:
                return created, body, listed, await listed.text(), await listed.read()
            finally:
                listed.release()

    with MLSMock() as mls:
        created, body, listed, text, raw = run(calls())
    assert isinstance(created, aiohttp.ClientResponse)
    assert (created.status, created.reason, created.ok, created.method) == (201, "Created", True, "POST")
    assert created.content_type == "application/json" and created.headers["Content-Length"].isdigit()
    assert str(created.url) == AB
    assert body["results"]["user"] == "alice" and body["results"]["id"] == 1
    assert listed.status == 200 and '"name": "exp"' in text and raw == text.encode()
    assert [(c.method, c.path, c.status, c.user) for c in mls.calls] == [
        ("POST", "/api/v1/experiments", 201, "alice"),
        ("GET", "/api/v1/experiments", 200, "alice"),
    ]
    assert mls.calls[0].json == {"name": "exp", "bucketing_seed": "s"}


def test_query_lists_repeat_their_key_and_the_body_is_what_aiohttp_sends():
    async def calls():
        async with aiohttp.ClientSession() as session:
            await session.get(AB, params=[("name", "a"), ("name", "b")], headers=AUTH)
            await session.get(AB, params={"page": 1, "mode": "test"}, headers=AUTH)
            await session.post(AB, data=b'{"name": "raw", "bucketing_seed": "s"}', headers=AUTH)  # octet-stream
            await session.post(
                AB, data=b'{"name": "raw", "bucketing_seed": "s"}', headers={**AUTH, "Content-Type": "application/json"}
            )
            return await session.post(AB, data={"name": "form"}, headers=AUTH)

    with MLSMock() as mls:
        form = run(calls())
        form_answer = run(_json(form))
    assert mls.calls[0].query_all == {"name": ["a", "b"]} and mls.calls[0].status == 400  # given twice
    assert mls.calls[1].query_all == {"page": ["1"], "mode": ["test"]} and mls.calls[1].status == 200
    assert mls.calls[2].status == 415 and mls.calls[2].json == {"name": "raw", "bucketing_seed": "s"}
    assert mls.calls[3].status == 201 and mls.calls[3].json == {"name": "raw", "bucketing_seed": "s"}
    assert form.status == 415 and "application/x-www-form-urlencoded" in form_answer["error"]
    assert [e["name"] for e in mls.store.list_experiments()] == ["raw"]


async def _json(response):
    return await response.json()


def test_credentials_from_the_session_and_the_url_pass_basic_auth():
    bob = {"Authorization": "Basic " + base64.b64encode(b"bob:pw").decode()}

    async def calls():
        async with aiohttp.ClientSession(headers=bob) as session:
            async with session.post(AB, json={"name": "by-session", "bucketing_seed": "s"}) as response:
                await response.read()
        async with aiohttp.ClientSession() as session:
            await session.get("https://carol:pw@ab.stg.sktmls.com/api/v1/experiments")
            await session.get(AB)

    with MLSMock() as mls:
        run(calls())
    assert [(c.user, c.status) for c in mls.calls] == [("bob", 201), ("carol", 200), (None, 401)]


def test_runtime_prefixes_authenticate_a_registered_clients_apikey():
    async def calls():
        async with aiohttp.ClientSession() as session:
            answers = []
            for headers in ({"apikey": KEY}, {"apikey": "wrong"}, {}):
                async with session.post(
                    f"{REC}/v1/svc/items", json={"user_id": "u"}, headers=headers, params={"mode": "test"}
                ) as response:
                    answers.append((response.status, await response.json()))
            async with session.get(f"{GRAPH}/v1/nowhere") as response:
                answers.append((response.status, await response.json()))
            return answers

    with MLSMock() as mls:
        mls.store.create("clients", {"name": "svc", "apikey": KEY}, user="alice")
        answers = run(calls())
    known, wrong, missing, graph = answers
    assert known[0] == 400 and "channel_ids" in known[1]["error"]  # past the key: the body is read
    assert wrong == (401, {"code": 401, "error": "apikey: no registered client has this apikey", "results": None})
    assert missing[0] == 401 and "apikey" in missing[1]["error"]
    assert graph[0] == 404 and graph[1]["results"] is None
    assert [(c.path, c.user, c.query) for c in mls.calls][:1] == [("/rec/v1/svc/items", "svc", {"mode": "test"})]
    assert mls.calls[-1].path == "/graph/v1/nowhere" and mls.calls[-1].user == ""


def test_aiohttps_own_checks_apply_to_the_answer():
    async def calls():
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{AB}/99", headers=AUTH) as missing:
                with pytest.raises(aiohttp.ClientResponseError) as raised:
                    missing.raise_for_status()
                with pytest.raises(aiohttp.ContentTypeError):
                    await missing.json(content_type="text/html")
                envelope = await missing.json(content_type=None)
            async with aiohttp.ClientSession(raise_for_status=True) as strict:
                with pytest.raises(aiohttp.ClientResponseError) as by_session:
                    await strict.get(f"{AB}/99", headers=AUTH)
            return raised.value, envelope, by_session.value

    with MLSMock():
        raised, envelope, by_session = run(calls())
    assert raised.status == 404 and raised.request_info.method == "GET" and str(raised.request_info.url) == f"{AB}/99"
    assert envelope == {"code": 404, "error": "experiment 99 does not exist", "results": None}
    assert by_session.status == 404


def test_a_path_werkzeug_merges_is_redirected_and_followed_as_aiohttp_follows():
    async def call():
        async with aiohttp.ClientSession() as session:
            async with session.get("https://ab.stg.sktmls.com/api//v1/experiments", headers=AUTH) as response:
                return response, await response.json()

    with MLSMock() as mls:
        response, body = run(call())
    assert response.status == 200 and body["results"] == []
    assert [r.status for r in response.history] == [308]
    assert [c.path for c in mls.calls] == ["/api//v1/experiments", "/api/v1/experiments"]


def test_status_faults_answer_the_envelope_on_aiohttp():
    async def call():
        async with aiohttp.ClientSession() as session:
            async with session.get(AB, headers=AUTH) as response:
                return response.status, await response.json()

    with MLSMock() as mls:
        mls.fail("GET", "/api/v1/experiments", status=503, error="down")
        assert run(call()) == (503, {"code": 503, "error": "down", "results": None})
        assert run(call())[0] == 200


@pytest.mark.parametrize(
    "raises, caught",
    [
        (requests.ConnectionError, aiohttp.ClientConnectionError),
        (requests.Timeout, asyncio.TimeoutError),
        (requests.Timeout, aiohttp.ClientError),  # aiohttp's read timeout is both
        (requests.ConnectTimeout, aiohttp.ClientConnectionError),
        (aiohttp.ServerDisconnectedError, aiohttp.ServerDisconnectedError),
        (asyncio.TimeoutError, asyncio.TimeoutError),
        (ValueError, ValueError),
    ],
    ids=lambda value: value.__name__,
)
def test_network_faults_raise_what_aiohttp_raises(raises, caught):
    async def call():
        async with aiohttp.ClientSession() as session:
            await session.get(AB, headers=AUTH)

    with MLSMock() as mls:
        mls.fail("GET", "/api/v1/experiments", raises=raises)
        with pytest.raises(caught):
            run(call())
        assert len(mls.calls) == 0  # it never reached the fake
        run(call())
        assert [c.status for c in mls.calls] == [200]


@pytest.mark.parametrize(
    "raises, caught",
    [
        (aiohttp.ClientConnectionError, requests.ConnectionError),
        (aiohttp.ServerTimeoutError, requests.Timeout),
        (asyncio.TimeoutError, requests.Timeout),
        (aiohttp.ClientError, requests.RequestException),
    ],
    ids=lambda value: value.__name__,
)
def test_aiohttp_exception_classes_given_to_fail_raise_requests_equivalent(raises, caught):
    with MLSMock() as mls:
        mls.fail("GET", "/api/v1/experiments", raises=raises)
        with pytest.raises(caught) as raised:
            requests.get(AB, auth=("alice", "pw"))
        assert raised.value.request is not None and len(mls.calls) == 0


def test_other_mls_hosts_are_refused_at_once_and_nothing_is_journaled():
    async def call(url):
        async with aiohttp.ClientSession() as session:
            await session.get(url)

    with MLSMock() as mls:
        for url in ("https://ab.unknown.sktmls.com/api/v1/experiments", "http://x.sktmls.ai/"):
            with pytest.raises(aiohttp.ClientConnectionError, match="mls-mock does not serve"):
                run(call(url))
        assert len(mls.calls) == 0


@pytest.fixture
def other_host():
    """A real aiohttp server on 127.0.0.1, the host no fake serves: (url, requests it saw)."""
    seen: list[str] = []
    ready = threading.Event()
    state: dict = {}

    async def answer(request):
        seen.append(request.path_qs)
        return web.json_response({"from": "other host"})

    async def serve():
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", answer)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        state["url"] = f"http://127.0.0.1:{runner.addresses[0][1]}"
        state["stop"] = asyncio.Event()
        ready.set()
        await state["stop"].wait()
        await runner.cleanup()

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    assert ready.wait(10)
    yield state["url"], seen
    loop.call_soon_threadsafe(state["stop"].set)
    thread.join(10)
    loop.close()


def test_hosts_the_fake_does_not_serve_go_to_the_network(other_host):
    url, seen = other_host

    async def call():
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{url}/ping", params=[("a", "1"), ("a", "2")]) as response:
                return response.status, await response.json()

    with MLSMock() as mls:
        assert run(call()) == (200, {"from": "other host"})
        assert len(mls.calls) == 0
    assert seen == ["/ping?a=1&a=2"]


def test_nested_fakes_answer_innermost_first_and_put_aiohttp_back():
    create = create_in_a_session
    assert aiohttp.ClientSession._request is NETWORK_REQUEST
    with MLSMock() as outer:
        run(create("outer"))
        with MLSMock() as inner:
            run(create("inner"))
        run(create("outer-again"))
    assert aiohttp.ClientSession._request is NETWORK_REQUEST
    assert [e["name"] for e in outer.store.list_experiments()] == ["outer", "outer-again"]
    assert [e["name"] for e in inner.store.list_experiments()] == ["inner"]


def test_event_loops_in_several_threads_share_one_fake():
    async def create(prefix: str):
        async with aiohttp.ClientSession() as session:
            for n in range(10):
                await post_experiment(session, f"{prefix}-{n}")

    with MLSMock() as mls:
        threads = [threading.Thread(target=run, args=(create(f"t{i}"),)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert sorted(c.status for c in mls.calls) == [201] * 40
    assert sorted(e["id"] for e in mls.store.list_experiments()) == list(range(1, 41))


def test_a_closed_session_refuses_as_aiohttp_does():
    async def call():
        session = aiohttp.ClientSession()
        await session.close()
        await session.get(AB, headers=AUTH)

    with MLSMock():
        with pytest.raises(RuntimeError, match="Session is closed"):
            run(call())


def test_the_plugins_fake_answers_aiohttp_with_no_set_up(mls_mock, mls_api_key):
    async def call():
        async with aiohttp.ClientSession() as session:
            async with session.post(
                f"{REC}/v1/{mls_api_key.client_id}/items",
                headers={"apikey": mls_api_key.apikey},
                json={"user_id": "u", "channel_ids": ["home"], "sale_org_id": "admin"},  # what sktmls sends
            ) as response:
                return response.status, await response.json()

    assert run(call()) == (200, {"code": 200, "error": None, "results": {}})  # no channel "home" yet
    assert (mls_mock.calls[-1].path, mls_mock.calls[-1].user) == (
        f"/rec/v1/{mls_api_key.client_id}/items",
        mls_api_key.client_id,
    )


def test_sktmls_async_methods_reach_the_fake(mls_mock):
    from sktmls import MLSENV, MLSRuntimeENV
    from sktmls.apis import MLSGraphAPIClient

    client = MLSGraphAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.LOCAL)
    try:
        run(client.drop_vertices_async(query_params={"label": "user"}))
    except Exception:  # the answer's shape is the graph API's to settle; the route was reached
        pass
    call = mls_mock.calls[-1]
    assert (call.method, call.path, call.user) == ("DELETE", "/graph/v1/vertices", "")
    assert call.query_all == {"label": ["user"], "mode": ["test"]}


def test_the_readme_aiohttp_example_runs_as_written():
    import pathlib

    readme = (pathlib.Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### aiohttp in-process\n", 1)[1].split("\n## ", 1)[0]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(example, "README.md", "exec"), namespace)
    assert namespace["mls"].calls[-1].query_all == {"label": ["user"], "mode": ["test"]}


# ---- added latency --------------------------------------------------------------------------


def test_a_delay_is_awaited_without_blocking_the_loop():
    """The loop runs other tasks after the fault was taken and before the fake answered."""
    seen = []

    async def calls(mls, fault):
        async def ticker():
            while not done.is_set():
                seen.append((fault.hits, len(mls.calls)))
                await asyncio.sleep(0.01)

        done = asyncio.Event()
        ticking = asyncio.create_task(ticker())
        async with aiohttp.ClientSession() as session:
            response = await post_experiment(session, "late")
        done.set()
        await ticking
        return response.status

    with MLSMock() as mls:
        fault = mls.delay("POST", "/api/v1/experiments", seconds=0.2)
        assert run(calls(mls, fault)) == 201
    assert (1, 0) in seen  # a tick while the request waited
    assert [c.status for c in mls.calls] == [201]


@pytest.mark.parametrize(
    "timeout, caught",
    [
        (aiohttp.ClientTimeout(total=0.05), asyncio.TimeoutError),
        (aiohttp.ClientTimeout(sock_read=0.05), aiohttp.ServerTimeoutError),
        (0.05, asyncio.TimeoutError),  # a number is a total, as aiohttp reads it
    ],
    ids=["total", "sock_read", "number"],
)
def test_a_delay_past_the_calls_timeout_raises_aiohttps_timeout(timeout, caught):
    async def call():
        async with aiohttp.ClientSession() as session:
            await session.get(AB, headers=AUTH, timeout=timeout)

    with MLSMock() as mls:
        mls.delay("GET", "/api/v1/experiments", seconds=5)
        with pytest.raises(caught, match="a fault delays this answer by 5 s"):
            run(call())
        assert len(mls.calls) == 0  # the client gave up before the answer


def test_the_sessions_timeout_applies_and_none_means_no_timeout():
    async def calls():
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.05)) as session:
            with pytest.raises(asyncio.TimeoutError):
                await session.get(AB, headers=AUTH)
            return (await session.get(AB, headers=AUTH, timeout=None)).status

    with MLSMock() as mls:
        mls.delay("GET", "/api/v1/experiments", seconds=0.1, times=2)
        assert run(calls()) == 200
    assert [c.status for c in mls.calls] == [200]


def test_a_delayed_status_fault_answers_late_with_its_status():
    async def call():
        async with aiohttp.ClientSession() as session:
            async with session.get(AB, headers=AUTH) as response:
                return response.status, await response.json()

    with MLSMock() as mls:
        fault = mls.fail("GET", "/api/v1/experiments", status=504, error="gateway timeout", delay=0.05)
        assert run(call()) == (504, {"code": 504, "error": "gateway timeout", "results": None})
        assert fault.hits == 1 and mls.state.faults.describe() == []
        assert [c.status for c in mls.calls] == [504]


def test_inside_aioresponses_mls_hosts_reach_the_fake_and_other_hosts_its_stubs():
    aioresponses = pytest.importorskip("aioresponses").aioresponses

    async def calls():
        async with aiohttp.ClientSession() as session:
            async with session.get("http://stubbed.example/x") as stubbed:
                stub = await stubbed.json()
            created = await post_experiment(session, "beside-a-stub")
            return stub, created.status

    with aioresponses() as stubs:
        stubs.get("http://stubbed.example/x", payload={"from": "stub"}, repeat=True)
        with MLSMock() as mls:
            assert run(calls()) == ({"from": "stub"}, 201)
        assert aiohttp.ClientSession._request is not NETWORK_REQUEST  # aioresponses's again
        with pytest.raises(aiohttp.ClientConnectionError):  # aioresponses refuses what it has no stub for
            run(create_in_a_session("after"))
    assert aiohttp.ClientSession._request is NETWORK_REQUEST
    assert [c.path for c in mls.calls] == ["/api/v1/experiments"]


def test_large_answers_streamed_bodies_and_the_body_limit():
    async def gen():
        yield b'{"name": "streamed", '
        yield b'"bucketing_seed": "s"}'

    async def calls():
        async with aiohttp.ClientSession() as session:
            async with session.get("https://ab.stg.sktmls.com/openapi.json") as document:  # far past a stream's limit
                openapi = await document.json()
            json_headers = {**AUTH, "Content-Type": "application/json"}
            async with session.post(AB, data=gen(), headers=json_headers) as streamed:
                created = await streamed.json()
            async with session.post(AB, data=b" " * (1024 * 1024 + 1), headers=json_headers) as too_large:
                refused = await too_large.json()
            return openapi, created, (too_large.status, refused)

    with MLSMock() as mls:
        openapi, created, too_large = run(calls())
    assert "/api/v1/experiments" in openapi["paths"]
    assert created["results"]["name"] == "streamed" and mls.calls[-2].body_bytes == 43
    assert too_large == (413, {"code": 413, "error": "request body is larger than 1048576 bytes", "results": None})
    assert mls.calls[-1].body_truncated and mls.store.counts()["experiments"] == 1


def test_paths_and_queries_are_decoded_as_on_the_requests_path():
    url = "https://ab.stg.sktmls.com/api/v1/experiments/%ff%2F?name=%ff&name=%C3%A9"

    async def call():
        async with aiohttp.ClientSession() as session:
            async with session.get(url, headers=AUTH) as response:
                return response.status

    with MLSMock() as mls:
        status = run(call())
        requests.get(url, auth=("alice", "pw"))
    by_aiohttp, by_requests = mls.calls
    assert status == by_requests.status == 404
    assert (by_aiohttp.path, by_aiohttp.query_all) == (by_requests.path, by_requests.query_all)


def test_aiohttp_is_neither_imported_nor_patched_until_a_fake_starts():
    import subprocess
    import sys

    script = """
import sys
import mls_mock
from mls_mock import MLSMock
import pytest_plugin.plugin
fake = MLSMock()
assert "aiohttp" not in sys.modules, "imported before a fake started"
import aiohttp
shipped = aiohttp.ClientSession._request
with fake:
    assert aiohttp.ClientSession._request is not shipped
assert aiohttp.ClientSession._request is shipped
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_a_redirect_past_max_redirects_raises_as_aiohttp_does():
    async def call():
        async with aiohttp.ClientSession() as session:
            await session.get("https://ab.stg.sktmls.com/api//v1/experiments", headers=AUTH, max_redirects=0)

    with MLSMock() as mls:
        with pytest.raises(aiohttp.TooManyRedirects):
            run(call())
        assert [c.status for c in mls.calls] == [308]


def test_fakes_stopped_out_of_order_leave_unserved_hosts_to_the_network(other_host):
    aioresponses = pytest.importorskip("aioresponses").aioresponses
    url, seen = other_host

    async def call():
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{url}/after") as response:
                return response.status

    fake = MLSMock().start()
    stubs = aioresponses()
    stubs.start()
    fake.stop()  # aioresponses was patched on top: left in place
    stubs.stop()  # puts back the fake's function, no fake active any more
    try:
        assert run(call()) == 200 and seen == ["/after"]
    finally:
        aiohttp.ClientSession._request = NETWORK_REQUEST


def test_from_the_mms_runtime_the_async_call_names_mls_mms_and_sends_no_key(mls_mock):
    from sktmls import MLSENV, MLSRuntimeENV
    from sktmls.apis import MLSRecommendationAPIClient

    client = MLSRecommendationAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.MMS)
    try:
        run(client.request_async(version="v2", user_id="u1", channel_ids=["home"]))
    except Exception:  # the answer's shape is the recommendation API's to settle
        pass
    call = mls_mock.calls[-1]
    assert (call.method, call.path, call.user, call.query_all) == ("POST", "/rec/v2/mls-mms/items", "mls-mms", {})
    assert call.status != 401
