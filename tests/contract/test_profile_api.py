"""MLSProfileAPIClient through the real client: a user's, an item's and an id's values in a
profile, sync and async, in-process and against a served fake (`mls_live_server`); `keys`
select, what is not served is 404, a wrong apikey is 401, the MMS runtime sends `mls-mms`.

Profile values are the items of the profile's DynamoDB tables: set here with
`mls_factory.profile_values` or, once, the whole way a user would (ProfileClient,
DynamoDBClient)."""
import asyncio

import pytest
from sktmls import MLSENV, MLSClientError, MLSRuntimeENV
from sktmls.apis import MLSProfileAPIClient

from support import client_error

USER = "8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92"  # a hashed user id, as the docstring has
USER_VALUES = {"age": 31, "gender": "F", "tags": ["5g", "vip"], "score": 0.5, "grade": None}
ITEM_VALUES = {"price": 1000, "resolution": "FHD"}


@pytest.fixture
def profiles(mls_mock, mls_factory):
    """Profile "default" (user) with USER's values, "device" (item) with item001's, "merged"
    (integrated) with id 001's (in the fake's DynamoDB tables: skipped on --mls-url)."""
    mls_factory.profile_values("default", "user", USER, USER_VALUES)
    mls_factory.profile_values("device", "item", "item001", ITEM_VALUES)
    mls_factory.profile_values("merged", "id", "001", {"segment": "A"})


def every_form(client, suffix=""):
    """(name, call) for each method: a user's, an item's and an id's full values."""
    return [
        ("get_user_profile", lambda: getattr(client, "get_user_profile" + suffix)("default", USER)),
        ("get_item_profile", lambda: getattr(client, "get_item_profile" + suffix)("device", "item001")),
        ("get_profile", lambda: getattr(client, "get_profile" + suffix)("merged", "001")),
    ]


EXPECTED = {"get_user_profile": USER_VALUES, "get_item_profile": ITEM_VALUES, "get_profile": {"segment": "A"}}


def test_each_method_returns_the_targets_values(mls_profile_api_client, profiles, mls_mock, mls_api_key):
    for name, call in every_form(mls_profile_api_client):
        assert call() == EXPECTED[name], name

    paths = [(c.method, c.path, c.status, c.user) for c in mls_mock.calls[-3:]]
    client_id = mls_api_key.client_id
    assert paths == [("GET", f"/pf/v1/{client_id}/profiles/default/users/{USER}", 200, client_id),
                     ("GET", f"/pf/v1/{client_id}/profiles/device/items/item001", 200, client_id),
                     ("GET", f"/pf/v1/{client_id}/profiles/merged", 200, client_id)]
    assert mls_mock.calls[-1].query_all == {"id": ["001"], "mode": ["test"]}


def test_keys_select_in_order_and_a_key_no_table_holds_is_none(mls_profile_api_client, profiles, mls_mock):
    client = mls_profile_api_client

    assert client.get_user_profile("default", USER, keys=["gender", "nope", "age"]) == {
        "gender": "F", "nope": None, "age": 31}
    assert list(client.get_user_profile("default", USER, keys=["gender", "age"])) == ["gender", "age"]
    assert mls_mock.calls[-1].query_all["f"] == ["gender", "age"]
    assert client.get_item_profile("device", "item001", keys=["price"]) == {"price": 1000}
    assert client.get_profile("merged", "001", keys=["segment", "x"]) == {"segment": "A", "x": None}
    assert client.get_user_profile("default", USER, keys=[]) == USER_VALUES  # requests sends no `f`


def test_the_whole_way_a_user_sets_values_the_main_table_decides_and_the_left_table_wins(
        mls_mock, mls_profile_client, mls_dynamodb_client, mls_factory, mls_profile_api_client):
    mls_profile_client.create_profile("daily", ["user-profile-base", "user-profile-daily"],
                                      main_table="user-profile-daily")
    for table in ("user-profile-base", "user-profile-daily"):
        mls_factory.dynamodb_table(table, items=[])
    mls_dynamodb_client.put_item("user-profile-base", {"user_id": "u1", "age": 31})
    mls_dynamodb_client.put_item("user-profile-base", {"user_id": "u2", "age": 45})

    # u1 and u2 are in the base table only: the main (daily) table has neither, so neither is served.
    assert client_error(mls_profile_api_client.get_user_profile, "daily", "u1").code == 404

    mls_dynamodb_client.put_item("user-profile-daily", {"user_id": "u1", "age": 99, "visits": 3})
    assert mls_profile_api_client.get_user_profile("daily", "u1") == {"age": 31, "visits": 3}
    mls_dynamodb_client.update_item("user-profile-daily", {"user_id": "u1", "visits": 4})
    assert mls_profile_api_client.get_user_profile("daily", "u1", keys=["visits"]) == {"visits": 4}
    mls_dynamodb_client.delete_item("user-profile-daily", {"user_id": "u1"})
    assert client_error(mls_profile_api_client.get_user_profile, "daily", "u1").code == 404


@pytest.mark.parametrize("call, message", [
    (lambda c: c.get_user_profile("nope", USER), "profile 'nope' does not exist"),
    (lambda c: c.get_user_profile("default", "someone-else"), "does not serve user 'someone-else'"),
    (lambda c: c.get_item_profile("device", "item999"), "does not serve item 'item999'"),
    (lambda c: c.get_profile("merged", "002"), "does not serve id '002'"),
    (lambda c: c.get_item_profile("default", USER), "profile 'default' is not an item profile"),
    (lambda c: c.get_profile("default", USER), "profile 'default' is not an id profile"),
    (lambda c: c.get_user_profile("merged", "001"), "profile 'merged' is not a user profile"),
], ids=["unknown-profile", "no-user", "no-item", "no-id", "user-profile-as-item", "user-profile-as-id",
        "integrated-as-user"])
def test_what_is_not_served_is_404(mls_profile_api_client, profiles, call, message):
    error = client_error(call, mls_profile_api_client)

    assert error.code == 404 and message in error.msg


def test_a_key_that_is_not_the_clients_is_401(mls_profile_api_client, profiles, mls_client_client, mls_mock):
    other = mls_client_client.create_client(name="other_service")
    settings = {"env": MLSENV.STG, "runtime_env": MLSRuntimeENV.LOCAL}

    wrong_key = MLSProfileAPIClient(client_id=mls_profile_api_client._MLSProfileAPIClient__client_id,
                                    apikey="X" * 40, **settings)
    error = client_error(wrong_key.get_user_profile, "default", USER)
    assert (error.code, error.msg) == (401, "apikey: no registered client has this apikey")
    borrowed = MLSProfileAPIClient(client_id="tw", apikey=other.apikey, **settings)
    error = client_error(borrowed.get_user_profile, "default", USER)
    assert (error.code, error.msg) == (401, "apikey: not the key of client 'tw'")  # nor says whose it is
    own = MLSProfileAPIClient(client_id="other_service", apikey=other.apikey, **settings)
    assert own.get_user_profile("default", USER, keys=["age"]) == {"age": 31}
    assert [(c.status, c.user) for c in mls_mock.calls[-3:]] == [(401, None), (401, None), (200, "other_service")]


def test_the_mms_runtime_sends_mls_mms_without_a_key_or_mode(mls_mock, profiles):
    client = MLSProfileAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.MMS)

    for name, call in every_form(client):
        assert call() == EXPECTED[name], name

    assert {c.user for c in mls_mock.calls[-3:]} == {"mls-mms"}
    assert [c.query_all for c in mls_mock.calls[-3:]] == [{}, {}, {"id": ["001"]}]
    assert client.get_user_profile("default", USER, keys=["age"]) == {"age": 31}


def test_faults_apply_to_the_profile_api(mls_profile_api_client, profiles, mls_mock):
    mls_mock.fail("GET", "/pf/v1/*/profiles/default/*", status=503, error="maintenance")

    error = client_error(mls_profile_api_client.get_user_profile, "default", USER)

    assert (error.code, error.msg) == (503, "maintenance")
    assert mls_profile_api_client.get_user_profile("default", USER) == USER_VALUES


def test_values_set_every_way_are_what_is_served(mls_mock, mls_profile_api_client, mls_factory):
    """The store method, the factory, the admin route and a seed set the same thing."""
    mls_mock.store.create("profiles", {"profile_id": "p", "tables": ["user-profile-p"]})
    mls_mock.store.put_profile_values("p", "user", "by_store", {"via": "store"})
    mls_factory.profile_values("p", "user", "by_factory", {"via": "factory"})
    mls_mock.seed({"dynamodb_items": [{"table": "user-profile-p", "item": {"user_id": "by_seed", "via": "seed"}}]})
    answer = mls_mock.app.test_client().put("/_mock/profile_values", json={
        "profile_id": "p", "kind": "user", "target_id": "by_admin", "values": {"via": "admin"}})

    assert answer.get_json()["results"] == {"via": "admin"}
    for way in ("store", "factory", "seed", "admin"):
        assert mls_profile_api_client.get_user_profile("p", f"by_{way}") == {"via": way}


def test_a_factory_profile_value_makes_up_what_is_not_given(mls_mock, mls_factory, mls_profile_api_client):
    profile = mls_factory.profile(tables=["user-profile-made"])

    values = mls_factory.profile_values(profile, "user", "u1")

    assert {"age", "gender"} <= set(values)
    assert mls_profile_api_client.get_user_profile(profile.profile_id, "u1") == values


# ---- async (aiohttp), in-process ------------------------------------------------------------

def test_each_async_method_returns_the_targets_values(mls_profile_api_client, profiles, mls_mock, mls_api_key):
    for name, call in every_form(mls_profile_api_client, "_async"):
        assert asyncio.run(call()) == EXPECTED[name], name

    assert [(c.path, c.status, c.user) for c in mls_mock.calls[-3:]] == [
        (f"/pf/v1/{mls_api_key.client_id}/profiles/default/users/{USER}", 200, mls_api_key.client_id),
        (f"/pf/v1/{mls_api_key.client_id}/profiles/device/items/item001", 200, mls_api_key.client_id),
        (f"/pf/v1/{mls_api_key.client_id}/profiles/merged", 200, mls_api_key.client_id)]


def test_async_keys_404_401_and_the_mms_runtime(mls_profile_api_client, profiles, mls_mock):
    client = mls_profile_api_client

    assert asyncio.run(client.get_user_profile_async("default", USER, keys=["gender", "x"])) == {
        "gender": "F", "x": None}
    assert mls_mock.calls[-1].query_all == {"f": ["gender", "x"], "mode": ["test"]}
    assert asyncio.run(client.get_item_profile_async("device", "item001", keys=["price"])) == {"price": 1000}
    assert asyncio.run(client.get_profile_async("merged", "001", keys=["segment"])) == {"segment": "A"}
    with pytest.raises(MLSClientError) as caught:
        asyncio.run(client.get_profile_async("merged", "002"))
    assert caught.value.code == 404 and "does not serve id '002'" in caught.value.msg
    stranger = MLSProfileAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.LOCAL, client_id="tw", apikey="X" * 40)
    with pytest.raises(MLSClientError) as caught:
        asyncio.run(stranger.get_user_profile_async("default", USER))
    assert caught.value.code == 401
    mms = MLSProfileAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.MMS)
    assert asyncio.run(mms.get_user_profile_async("default", USER, keys=["age"])) == {"age": 31}
    assert (mls_mock.calls[-1].user, mls_mock.calls[-1].query_all) == ("mls-mms", {"f": ["age"]})


def test_faults_apply_to_the_async_methods(mls_profile_api_client, profiles, mls_mock):
    mls_mock.fail("GET", "/pf/*", status=502)

    with pytest.raises(MLSClientError) as caught:
        asyncio.run(mls_profile_api_client.get_profile_async("merged", "001"))

    assert caught.value.code == 502
    assert asyncio.run(mls_profile_api_client.get_profile_async("merged", "001")) == {"segment": "A"}


# ---- over a socket: mls_live_server -----------------------------------------------------------

def test_each_method_against_a_served_fake(mls_live_server, profiles, mls_api_key):
    client = MLSProfileAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.LOCAL,
                                 client_id=mls_api_key.client_id, apikey=mls_api_key.apikey)

    for name, call in every_form(client):
        assert call() == EXPECTED[name], name
    assert client.get_user_profile("default", USER, keys=["age", "nope"]) == {"age": 31, "nope": None}
    assert client_error(client.get_profile, "merged", "002").code == 404
    assert [c.path for c in mls_live_server.mock.calls][-2:] == [
        f"/pf/v1/{mls_api_key.client_id}/profiles/default/users/{USER}", f"/pf/v1/{mls_api_key.client_id}/profiles/merged"]


def test_each_async_method_against_a_served_fake(mls_live_server, profiles, mls_api_key):
    client = MLSProfileAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.LOCAL,
                                 client_id=mls_api_key.client_id, apikey=mls_api_key.apikey)

    for name, call in every_form(client, "_async"):
        assert asyncio.run(call()) == EXPECTED[name], name
    assert asyncio.run(client.get_user_profile_async("default", USER, keys=["gender", "x"])) == {
        "gender": "F", "x": None}
    assert asyncio.run(client.get_profile_async("merged", "001", keys=["segment"])) == {"segment": "A"}
    with pytest.raises(MLSClientError) as caught:
        asyncio.run(client.get_item_profile_async("device", "item999"))
    assert caught.value.code == 404
    mms = MLSProfileAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.MMS)
    assert asyncio.run(mms.get_item_profile_async("device", "item001", keys=["price"])) == {"price": 1000}
    assert mls_live_server.mock.calls[-1].user == "mls-mms"


@pytest.mark.mls_seed("demo")
def test_the_demo_workspace_serves_its_user_profile(mls_mock):
    apikey = mls_mock.store.list("clients", name="tworld_app_reco")[0]["apikey"]
    client = MLSProfileAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.LOCAL, client_id="tworld_app_reco",
                                 apikey=apikey)

    assert client.get_user_profile("tworld_user_profile", "1000012345", keys=["gender", "arpu"]) == {
        "gender": "F", "arpu": 65000}
    # The demo's item profile has no DynamoDB table: nothing is served.
    assert client_error(client.get_item_profile, "product_item_profile", "PRD-1").code == 404
