"""What the runtime APIs refuse because sktmls never sends it, and what the AB API refuses
because no runtime URL could reach it (README: "runtime API query parameters and body keys",
"names a runtime API's URL embeds", "a graph schema its instances use"). Through the real
clients, sync and async; raw `requests`/aiohttp only for what no client method can send."""
import asyncio

import aiohttp
import pytest
import requests
from sktmls import MLSENV, MLSClientError, MLSRuntimeENV
from sktmls.apis import MLSConversionTrackingAPIClient, MLSProfileAPIClient, MLSRecommendationAPIClient

from support import check_envelope, client_error

REC = "https://rec.stg.sktmls.com"
PF = "https://pf.stg.sktmls.com"
CT = "https://ct.stg.sktmls.com"
GRAPH = "https://graph.stg.sktmls.com"
ITEMS = {"user_id": "u1", "channel_ids": ["home"], "sale_org_id": "admin"}
PREDICT = {"type": "user", "id": "u1", "channel_ids": ["home"], "keys": []}
CONVERSION = {"user_id": "u1", "channel_id": "c1", "process_id": "p1", "item_id": "i1"}
TEST = {"mode": "test"}
DEMO = pytest.mark.mls_seed("demo")  # its graph: USER001, USER002 (User), PROD001, STORE001, two edges


def refused_naming(answer: requests.Response, status: int, field: str) -> None:
    check_envelope(answer.json(), status)
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json()["error"].startswith(f"{field}:"), answer.json()


async def aio_post(url: str, apikey: str, params: dict, body: dict) -> tuple[int, dict]:
    """What sktmls's `_async` methods do: `response.json()` (which needs the JSON content type)."""
    async with aiohttp.ClientSession() as session:
        async with session.post(url, headers={"apikey": apikey}, params=params, json=body) as response:
            return response.status, await response.json()


# ---- query parameters and body keys sktmls never sends ---------------------------------------


@pytest.mark.parametrize("url, params, body, field", [
    ("/v2/{client}/items", {**TEST, "debug": "1"}, ITEMS, "debug"),
    ("/v2/{client}/items", {"mode": "live"}, ITEMS, "mode"),
    ("/v1/{client}/items", TEST, {**ITEMS, "extra": 1}, "extra"),
    ("/v2/{client}/items", TEST, {k: v for k, v in ITEMS.items() if k != "sale_org_id"}, "sale_org_id"),
    ("/v2/{client}/items", TEST, {**ITEMS, "sale_org_id": "other"}, "sale_org_id"),
    ("/v3/{client}/predict", {**TEST, "debug": "1"}, PREDICT, "debug"),
    ("/v3/{client}/predict", TEST, {k: v for k, v in PREDICT.items() if k != "keys"}, "keys"),
    ("/v3/{client}/predict", TEST, {**PREDICT, "extra": 1}, "extra"),
])
def test_a_recommendation_request_sktmls_never_sends_is_400_naming_it(mls_mock, mls_api_key, url, params, body,
                                                                       field):
    full = REC + url.format(client=mls_api_key.client_id)
    refused_naming(requests.post(full, params=params, json=body, headers={"apikey": mls_api_key.apikey}), 400, field)
    status, answer = asyncio.run(aio_post(full, mls_api_key.apikey, params, body))
    assert status == 400 and answer["error"].startswith(f"{field}:")
    assert all(call.status == 400 and call.served is None for call in mls_mock.calls[-2:])


def test_what_the_recommendation_client_sends_still_passes_sync_and_async(mls_recommendation_api_client, mls_mock):
    client = mls_recommendation_api_client
    assert client.request(version="v2", user_id="u1", channel_ids=["nowhere"]) == {}
    assert asyncio.run(client.predict_async(api_type="user", target_id="u1", channel_ids=["nowhere"])) == {}
    assert [(c.path.split("/")[2], c.query, c.status) for c in mls_mock.calls[-2:]] == [
        ("v2", TEST, 200), ("v3", TEST, 200)]


def test_a_profile_read_with_a_parameter_sktmls_never_sends_is_400(mls_mock, mls_api_key, mls_factory):
    mls_factory.profile_values("default", "user", "u1", {"age": 31})
    url = f"{PF}/v1/{mls_api_key.client_id}/profiles/default/users/u1"
    headers = {"apikey": mls_api_key.apikey}
    refused_naming(requests.get(url, params={**TEST, "id": "u1"}, headers=headers), 400, "id")
    refused_naming(requests.get(url, params={**TEST, "f": "age", "fields": "age"}, headers=headers), 400, "fields")
    assert requests.get(url, params={**TEST, "f": "age"}, headers=headers).json()["results"] == {"age": 31}


def test_a_conversion_without_mode_or_with_another_key_is_refused(mls_mock, mls_api_key,
                                                                 mls_conversion_tracking_api_client):
    url = f"{CT}/v1/{mls_api_key.client_id}/click"
    headers = {"apikey": mls_api_key.apikey}
    refused_naming(requests.post(url, json=CONVERSION, headers=headers), 400, "mode")
    refused_naming(requests.post(url, params=TEST, json={**CONVERSION, "extra": "x"}, headers=headers), 400, "extra")
    assert mls_mock.conversions == []

    client = mls_conversion_tracking_api_client  # what it sends passes, sync (raw text) and async (parsed)
    fields = dict(user_id="u1", channel_id="c1", conversion_type="click", process_id="p1", item_id="i1")
    assert '"code": 200' in client.request(**fields)
    assert asyncio.run(client.request_async(**fields))["code"] == 200
    assert len(mls_mock.conversions) == 2


@DEMO
def test_one_graph_instance_with_a_parameter_sktmls_never_sends_is_400(mls_mock, mls_graph_api_client):
    refused_naming(requests.get(f"{GRAPH}/v1/vertices/USER001", params={**TEST, "limit": "1"}), 400, "limit")
    refused_naming(requests.delete(f"{GRAPH}/v1/vertices/USER001", params={**TEST, "x": "1"}), 400, "x")
    assert mls_graph_api_client.get_vertex("USER001").id == "USER001"  # not dropped; the client's get passes


# ---- names a runtime URL embeds --------------------------------------------------------------


@pytest.mark.parametrize("name", ["tw/home", "tw?x", "tw#x", "tw%2Fx", "tw\\x", ".", ".."])
def test_a_client_whose_name_no_runtime_url_can_carry_is_refused(mls_client_client, name):
    error = client_error(mls_client_client.create_client, name=name)

    assert error.code == 400 and error.msg.startswith("name:")
    assert mls_client_client.list_clients(name=name) == []


def test_a_client_name_a_url_carries_works_end_to_end_sync_and_async(mls_client_client, mls_mock, mls_factory):
    made = mls_client_client.create_client(name="tw web.2")  # a space is quoted by requests and aiohttp alike
    common = dict(env=MLSENV.STG, runtime_env=MLSRuntimeENV.LOCAL, client_id="tw web.2", apikey=made.apikey)
    mls_factory.profile_values("default", "user", "u1", {"age": 31})
    profiles = MLSProfileAPIClient(**common)

    assert profiles.get_user_profile("default", "u1") == {"age": 31}
    assert asyncio.run(profiles.get_user_profile_async("default", "u1")) == {"age": 31}
    assert mls_mock.calls[-1].user == "tw web.2"
    tracked = MLSConversionTrackingAPIClient(**common).request("u1", "c1", "click", "p1", "i1")
    assert '"code": 200' in tracked


@pytest.mark.parametrize("profile_id", ["tw/user", "tw?user", "..", "50%"])
def test_a_profile_id_no_profile_url_can_carry_is_refused(mls_profile_client, profile_id):
    error = client_error(mls_profile_client.create_profile, profile_id, ["user-profile-x"])

    assert error.code == 400 and error.msg.startswith("profile_id:")
    assert mls_profile_client.list_profiles() == []


@DEMO
def test_an_edge_label_no_edge_id_url_can_carry_is_refused(mls_edge_client):
    before = [e.label for e in mls_edge_client.list_edges()]
    error = client_error(mls_edge_client.create_edge, "likes/loves", "User", "User")

    assert error.code == 400 and error.msg.startswith("label:")
    assert [e.label for e in mls_edge_client.list_edges()] == before


def test_a_user_id_the_profile_path_cannot_carry_is_refused_but_an_id_in_the_query_is_not(
        mls_factory, mls_profile_api_client):
    from mls_mock.errors import FieldError

    with pytest.raises(FieldError, match="^target_id:"):
        mls_factory.profile_values("default", "user", "a/b", {"age": 1})
    mls_factory.profile_values("profile-merged", "id", "a/b?c", {"age": 2})  # sent as ?id=a%2Fb%3Fc

    assert mls_profile_api_client.get_profile("profile-merged", "a/b?c") == {"age": 2}
    assert asyncio.run(mls_profile_api_client.get_profile_async("profile-merged", "a/b?c")) == {"age": 2}


def test_a_user_path_segment_that_is_a_refused_name_is_404_sync_and_async(mls_factory, mls_profile_api_client):
    mls_factory.profile_values("default", "user", "u1", {"age": 1})
    for call in (lambda: mls_profile_api_client.get_user_profile("default", "u1/x"),
                 lambda: asyncio.run(mls_profile_api_client.get_user_profile_async("default", "u1/x"))):
        with pytest.raises(MLSClientError) as caught:
            call()
        assert caught.value.code == 404  # the same kind the sync and the async client raise


# ---- a graph schema its instances use --------------------------------------------------------

@DEMO
def test_a_vertex_schema_with_vertices_cannot_be_deleted_or_renamed(mls_vertex_client, mls_graph_api_client):
    user = mls_vertex_client.get_vertex(label="User")
    for call in (lambda: mls_vertex_client.delete_vertex(user),
                 lambda: mls_vertex_client.update_vertex(user, "Person", user.properties),
                 lambda: mls_vertex_client.update_vertex(user, "User", {})):  # drops its properties
        error = client_error(call)
        assert error.code == 409 and error.msg.startswith("label:") and "'USER001'" in error.msg
    assert mls_vertex_client.get_vertex(label="User").properties == user.properties
    assert mls_graph_api_client.get_vertex("USER001").label == "User"


@DEMO
def test_a_vertex_schema_may_gain_properties_and_goes_once_its_instances_are_dropped(
        mls_vertex_client, mls_edge_client, mls_graph_api_client):
    user = mls_vertex_client.get_vertex(label="User")
    grown = mls_vertex_client.update_vertex(user, "User", {**user.properties, "nickname": "String(single)"})
    assert grown.properties["nickname"] == "String(single)"

    mls_graph_api_client.drop_vertices(query_params={"age__gte": 0})  # the two users and their edges
    mls_vertex_client.delete_vertex(mls_vertex_client.get_vertex(label="User"))
    assert "User" not in [v.label for v in mls_vertex_client.list_vertices()]


@DEMO
def test_an_edge_schema_with_edges_cannot_be_deleted_until_they_are_dropped(mls_vertex_client, mls_edge_client,
                                                                           mls_graph_api_client):
    purchased = mls_edge_client.get_edge(label="purchased")
    error = client_error(mls_edge_client.delete_edge, purchased)
    assert error.code == 409 and "'USER001_purchased_PROD001'" in error.msg

    mls_graph_api_client.drop_edge("USER001_purchased_PROD001")
    mls_edge_client.delete_edge(purchased)
    assert "purchased" not in [e.label for e in mls_edge_client.list_edges()]


@pytest.mark.parametrize("runtime_env", [MLSRuntimeENV.LOCAL, MLSRuntimeENV.YE])
def test_mls_mms_sent_off_the_mms_runtime_needs_a_key_like_any_client(mls_mock, runtime_env):
    """Only the MMS runtime sends `mls-mms`, and with neither a key nor `mode`: sent the way
    a client off MMS sends it (its apikey, `mode=test`), it is a client id like any other."""
    client = MLSRecommendationAPIClient(client_id="mls-mms", apikey="K" * 40, env=MLSENV.STG, runtime_env=runtime_env)

    with pytest.raises(MLSClientError) as refused:
        client.request(version="v2", user_id="u1", channel_ids=["c"])

    assert refused.value.code == 401 and "apikey" in refused.value.msg


def test_mls_mms_without_a_key_passes_only_where_the_mms_runtime_sends_it(mls_mock):
    on_mms = MLSRecommendationAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.MMS)
    assert on_mms.request(version="v2", user_id="u1", channel_ids=["c"]) == {}

    body = {"user_id": "u", "channel_id": "c", "process_id": "p", "item_id": "i"}
    keyless_ct = requests.post("https://ct.stg.sktmls.com/v1/mls-mms/click", json=body)  # no sktmls client can send it
    assert keyless_ct.status_code == 401 and keyless_ct.json()["error"].startswith("apikey:")
    keyless_with_mode = requests.post("https://rec.stg.sktmls.com/v2/mls-mms/items", params={"mode": "test"},
                                      json={"user_id": "u1", "channel_ids": ["c"], "sale_org_id": "admin"})
    assert keyless_with_mode.status_code == 401


# ---- an empty id is not the collection -------------------------------------------------------


@DEMO
@pytest.mark.parametrize("call", ["get_vertex", "drop_vertex", "get_edge", "drop_edge"])
def test_an_empty_graph_id_is_404_and_never_the_whole_collection(mls_mock, mls_graph_api_client, call):
    """sktmls builds `f"vertices/{vertex_id}"`: an empty id (an empty CSV cell) reaches
    `/v1/vertices/`, which tolerant slashes would match to the list (or drop all)."""
    before = mls_mock.store.dump()

    with pytest.raises(MLSClientError) as refused:
        getattr(mls_graph_api_client, call)("")

    assert refused.value.code == 404
    assert mls_mock.store.dump() == before


def test_an_empty_fault_id_is_404_and_clears_no_fault(mls_mock):
    fault = mls_mock.fail("GET", "/api/v1/channels", status=503)

    answer = requests.delete("https://ab.stg.sktmls.com/_mock/faults/")

    check_envelope(answer.json(), 404)
    assert len(requests.get("https://ab.stg.sktmls.com/_mock/faults").json()["results"]) == 1
    assert mls_mock.remove_fault(fault)  # still waiting: the empty id cleared nothing
