"""MLSRecommendationAPIClient (request, predict, and their async twins) through the real
client: each channel answers the bucket the user falls into, by prediction type; edge
answers, filters, the journal's `served`, the MMS runtime and refused keys."""
import asyncio
import copy

import pytest
import requests
from sktmls import MLSENV, MLSClientError, MLSRuntimeENV
from sktmls.apis import MLSRecommendationAPIClient

from mls_mock import recommendation
from support import check_envelope

STATIC_A = {"items": [{"id": "A", "name": "coupon", "type": "reco", "props": {}}]}
STATIC_B = {"items": [{"id": "B", "name": "plan", "type": "reco", "props": {}}]}
# Channel "home" runs experiment 1 (static a 30 / static b 70); "cart" runs experiment 2, one
# bucket per prediction type chosen by each test (`serving`); "empty_screen" runs nothing.
WORLD = {
    "models": [
        {"id": 1, "name": "batch_model", "version": "v1", "model_type": "manual", "table": "rec-batch-v1"},
        {"id": 2, "name": "online_model", "version": "v1", "model_type": "manual"},
        {"id": 3, "name": "automl_model", "version": "v1", "model_type": "automl", "creator": "mls-test"},
    ],
    "experiments": [{"id": 1, "name": "split", "bucketing_seed": "s1"}, {"id": 2, "name": "types", "bucketing_seed": "s2"}],
    "buckets": [
        {"experiment": 1, "name": "a", "prediction_type": "static", "static_value": STATIC_A, "bucket_range": "0-29"},
        {"experiment": 1, "name": "b", "prediction_type": "static", "static_value": STATIC_B, "bucket_range": "30-99"},
    ],
    "channels": [
        {"screen_id": "home", "experiments": [1]},
        {"screen_id": "cart", "experiments": [2]},
        {"screen_id": "empty_screen", "experiments": []},
    ],
    "dynamodb_tables": [{"name": "rec-batch-v1", "key": "user_id"}],
    "dynamodb_items": [{"table": "rec-batch-v1", "item": {"user_id": "u1", "items": [{"id": "batch-1"}]}}],
}
PREDICTIONS = {
    "static": {"prediction_type": "static", "static_value": STATIC_A},
    "empty": {"prediction_type": "empty"},
    "batch": {"prediction_type": "batch", "batch_model_id": 1},
    "online": {"prediction_type": "online", "online_model_id": 2},
    "automl": {"prediction_type": "automl", "automl_model_id": 3},
}


@pytest.fixture
def world(mls_mock, mls_api_key):
    mls_mock.seed(copy.deepcopy(WORLD))
    return mls_mock


def serving(mls_mock, kind: str) -> None:
    """Experiment 2 ("types", on channel cart): one bucket of `kind` over every slot."""
    mls_mock.store.insert("buckets", {"name": kind, **PREDICTIONS[kind]}, experiment=2, bucket_range="0-99")


def users_of(mls_mock, experiment, bucket: str, count: int = 3) -> list[str]:
    found = [u for u in (f"user-{i}" for i in range(500)) if mls_mock.bucket_of(experiment, u)["name"] == bucket]
    return found[:count]


def served(mls_mock) -> list[tuple]:
    return [(s["channel"], s["experiment"], s["bucket"], s["outcome"]) for s in mls_mock.calls[-1].served]


# ---- request: buckets and static answers -----------------------------------------------------


def test_request_answers_each_users_bucket_and_journals_it(world, mls_recommendation_api_client):
    for bucket, answer in (("a", STATIC_A), ("b", STATIC_B)):
        for user in users_of(world, "split", bucket):
            assert mls_recommendation_api_client.request(version="v2", user_id=user, channel_ids=["home"]) == {
                "home": answer
            }
            assert served(world) == [("home", "split", bucket, "static")]
            last = world.calls[-1]
            assert (last.method, last.path, last.status, last.user) == ("POST", "/rec/v2/mls-test/items", 200, "mls-test")
            assert last.json == {"user_id": user, "channel_ids": ["home"], "sale_org_id": "admin"}
            assert last.query == {"mode": "test"}


def test_1000_users_split_30_70_and_see_each_buckets_items(world, mls_recommendation_api_client):
    seen = {"A": 0, "B": 0}
    for i in range(1000):
        answer = mls_recommendation_api_client.request(version="v1", user_id=f"hashed-{i}", channel_ids=["home"])
        seen[answer["home"]["items"][0]["id"]] += 1
    assert 250 <= seen["A"] <= 350 and seen["A"] + seen["B"] == 1000
    assert world.calls[-1].path == "/rec/v1/mls-test/items"


def test_bucket_of_takes_an_id_a_name_or_an_sktmls_experiment(world, mls_experiment_client):
    experiment = mls_experiment_client.get_experiment(id=1)
    by_name, by_id, by_object = (world.bucket_of(e, "u1") for e in ("split", 1, experiment))
    assert by_name == by_id == by_object and by_name["name"] in ("a", "b")
    assert mls_experiment_client.get_bucket(experiment, name=by_name["name"]).id == by_name["id"]


def test_bucket_of_is_none_while_the_ranges_are_unset_and_such_a_channel_answers_no_items(
    world, mls_recommendation_api_client
):
    serving(world, "static")
    world.store.create_bucket(2, {"name": "second", "prediction_type": "empty"})  # unsets the ranges

    assert world.bucket_of("types", "u1") is None
    assert mls_recommendation_api_client.request(version="v2", user_id="u1", channel_ids=["cart"]) == {
        "cart": {"items": []}
    }
    assert served(world) == [("cart", None, None, "no_experiment")]


def test_unknown_channels_are_left_out_and_a_channel_without_experiments_answers_no_items(
    world, mls_recommendation_api_client
):
    answer = mls_recommendation_api_client.request(version="v2", user_id="u1", channel_ids=["nowhere", "empty_screen"])

    assert answer == {"empty_screen": {"items": []}}
    assert served(world) == [("nowhere", None, None, "unknown_channel"), ("empty_screen", None, None, "no_experiment")]


def test_several_channels_at_once_each_answered(world, mls_recommendation_api_client):
    serving(world, "empty")

    answer = mls_recommendation_api_client.request(version="v2", user_id="u1", channel_ids=["home", "cart", "home"])

    assert set(answer) == {"home", "cart"} and answer["cart"] == {"items": []}
    assert [s["channel"] for s in world.calls[-1].served] == ["home", "cart"]


def test_the_first_experiment_of_a_channel_with_ranges_decides(world, mls_recommendation_api_client, mls_mock):
    serving(world, "empty")
    world.store.update_channel(2, {"screen_id": "cart", "experiments": [2, 1]})

    assert mls_recommendation_api_client.request(version="v2", user_id="u1", channel_ids=["cart"]) == {
        "cart": {"items": []}
    }
    assert served(world) == [("cart", "types", "empty", "empty")]


# ---- every prediction type ------------------------------------------------------------------


def test_an_empty_bucket_answers_no_items(world, mls_recommendation_api_client):
    serving(world, "empty")

    assert mls_recommendation_api_client.request(version="v2", user_id="u1", channel_ids=["cart"]) == {
        "cart": {"items": []}
    }
    assert served(world) == [("cart", "types", "empty", "empty")]


def test_a_batch_bucket_answers_the_users_row_of_its_models_table(world, mls_recommendation_api_client, mls_dynamodb_client):
    serving(world, "batch")
    mls_dynamodb_client.put_item(table_name="rec-batch-v1", item={"user_id": "u2", "items": [{"id": "put"}]})

    assert mls_recommendation_api_client.request(version="v2", user_id="u1", channel_ids=["cart"]) == {
        "cart": {"items": [{"id": "batch-1"}]}
    }
    assert mls_recommendation_api_client.request(version="v2", user_id="u2", channel_ids=["cart"]) == {
        "cart": {"items": [{"id": "put"}]}
    }
    assert served(world) == [("cart", "types", "batch", "batch")]


@pytest.mark.parametrize(
    "change, outcome",
    [
        ({"user": "nobody"}, "batch_no_row"),
        ({"is_loading": True}, "batch_table_not_ready"),
        ({"is_active": False}, "batch_table_not_ready"),
        ({"drop": True}, "batch_no_table"),
    ],
    ids=["missing-row", "still-loading", "not-active", "no-table"],
)
def test_a_batch_bucket_without_a_ready_row_answers_no_items(world, mls_recommendation_api_client, change, outcome):
    serving(world, "batch")
    if change.get("drop"):
        world.store.delete_dynamodb_table("rec-batch-v1")
    elif "user" not in change:
        world.store.set_dynamodb_table("rec-batch-v1", **change)

    answer = mls_recommendation_api_client.request(version="v2", user_id=change.get("user", "u1"), channel_ids=["cart"])

    assert answer == {"cart": {"items": []}}
    assert served(world)[0][3] == outcome


@pytest.mark.parametrize("kind, model_id", [("online", 2), ("automl", 3)])
def test_online_and_automl_buckets_answer_the_fixed_answer_registered(world, mls_recommendation_api_client, kind, model_id):
    serving(world, kind)
    assert mls_recommendation_api_client.request(version="v2", user_id="u1", channel_ids=["cart"]) == {
        "cart": {"items": []}
    }
    assert served(world)[0][3] == f"{kind}_no_answer"

    world.answer(model_id, {"items": [{"id": f"{kind}-item"}], "extra": 1})

    assert mls_recommendation_api_client.request(version="v2", user_id="u1", channel_ids=["cart"]) == {
        "cart": {"items": [{"id": f"{kind}-item"}], "extra": 1}
    }
    assert served(world)[0][3] == kind
    assert world.store.dump()["model_answers"][0]["answer"] == {"items": [{"id": f"{kind}-item"}], "extra": 1}


def test_a_callable_answer_gets_the_request_and_wins_over_a_fixed_one(world, mls_recommendation_api_client, mls_model_client):
    serving(world, "online")
    world.answer(2, {"items": [{"id": "fixed"}]})
    seen = []

    def answer(request: recommendation.AnswerRequest) -> dict:
        seen.append(request)
        return {"items": [{"id": f"for-{request.user_id}", "keys": request.keys}]}

    world.answer(mls_model_client.get_manual_model(id=2), answer)

    assert mls_recommendation_api_client.request(version="v1", user_id="u7", channel_ids=["cart"]) == {
        "cart": {"items": [{"id": "for-u7", "keys": []}]}
    }
    (request,) = seen
    assert (request.channel, request.experiment, request.bucket["name"], request.model["id"], request.api) == (
        "cart", "types", "online", 2, "v1")
    assert request.client_id == "mls-test" and request.target_type == "user"

    world.answer(2, None)  # forgets both
    assert mls_recommendation_api_client.request(version="v1", user_id="u7", channel_ids=["cart"]) == {
        "cart": {"items": []}
    }


def test_a_callable_returning_no_dict_is_the_tests_bug_raised_in_the_test(world, mls_recommendation_api_client):
    serving(world, "online")
    world.answer(2, lambda request: ["not", "a", "dict"])

    with pytest.raises(TypeError, match="returned list"):
        mls_recommendation_api_client.request(version="v2", user_id="u1", channel_ids=["cart"])


def test_answers_are_seeded_set_by_factory_and_go_with_their_model(mls_mock, mls_factory, mls_api_key,
                                                                   mls_recommendation_api_client):
    model = mls_factory.model(model_type="manual")
    answer = mls_factory.model_answer(model)
    assert len(answer["items"]) == 3
    experiment = mls_factory.experiment()
    bucket = mls_factory.bucket(experiment, prediction_type="online", model=model)
    mls_mock.store.set_bucket_ratio(experiment.id, {"bucket_ratio": {str(bucket.id): 100}})
    channel = mls_factory.channel(experiments=[experiment])

    assert mls_recommendation_api_client.request(version="v2", user_id="u", channel_ids=[channel.screen_id]) == {
        channel.screen_id: answer
    }
    with pytest.raises(Exception, match="model"):
        mls_factory.model_answer(model)  # one answer per model
    mls_mock.store.delete_bucket(experiment.id, bucket.id)
    mls_mock.store.delete("models", model.id)
    assert mls_mock.store.dump()["model_answers"] == []


def test_an_answer_for_a_model_that_does_not_exist_is_refused(mls_mock):
    from mls_mock.errors import NotFound, SeedError

    with pytest.raises(NotFound):
        mls_mock.answer(404, {"items": []})
    with pytest.raises(SeedError, match="model_answers\\[0\\].*model"):
        mls_mock.seed({"model_answers": [{"model": 9, "answer": {"items": []}}]})
    with pytest.raises(SeedError, match="answer"):
        mls_mock.seed({"models": [{"name": "m", "version": "1", "model_type": "manual"}],
                       "model_answers": [{"model": 1, "answer": ["x"]}]})
    assert mls_mock.store.counts()["models"] == 0


# ---- predict (v3) ---------------------------------------------------------------------------


def test_predict_buckets_by_id_and_hands_keys_to_a_callable(world, mls_recommendation_api_client):
    serving(world, "online")
    world.answer(2, lambda request: {"items": [{"id": request.user_id, "keys": request.keys, "type": request.target_type}]})

    answer = mls_recommendation_api_client.predict(api_type="target", target_id="t9", channel_ids=["cart", "home"],
                                                   keys=["k1", 2])

    assert answer["cart"] == {"items": [{"id": "t9", "keys": ["k1", 2], "type": "target"}]}
    assert answer["home"] == (STATIC_A if world.bucket_of("split", "t9")["name"] == "a" else STATIC_B)
    last = world.calls[-1]
    assert (last.path, last.json) == ("/rec/v3/mls-test/predict",
                                      {"type": "target", "id": "t9", "channel_ids": ["cart", "home"], "keys": ["k1", 2]})
    assert world.calls[-1].served[0]["outcome"] == "online"


def test_predict_with_no_channels_answers_nothing(world, mls_recommendation_api_client):
    assert mls_recommendation_api_client.predict(api_type="user", target_id="u1", channel_ids=[]) == {}


# ---- filters --------------------------------------------------------------------------------


FILTER_WORLD = {
    "filters": [{"id": 1, "name": "adults_on_5g", "body": {"conditions": [
        {"key": "age", "operator": ">=", "value": 20}, {"key": "network", "operator": "==", "value": "5G"}]}}],
    "profiles": [{"profile_id": "user", "tables": ["user-profile-main"]}],
    "dynamodb_tables": [{"name": "user-profile-main"}],
    "dynamodb_items": [
        {"table": "user-profile-main", "item": {"user_id": "adult", "age": 31, "network": "5G"}},
        {"table": "user-profile-main", "item": {"user_id": "teen", "age": 15, "network": "5G"}},
    ],
}


def test_a_user_who_fails_the_experiments_filter_gets_no_items(world, mls_recommendation_api_client):
    world.seed(copy.deepcopy(FILTER_WORLD))
    world.store.update_experiment(1, {"name": "split", "bucketing_seed": "s1", "model_filter_id": 1})

    adult = mls_recommendation_api_client.request(version="v2", user_id="adult", channel_ids=["home"])
    assert adult["home"] in (STATIC_A, STATIC_B) and served(world)[0][3] == "static"
    for user in ("teen", "no-profile"):
        assert mls_recommendation_api_client.request(version="v2", user_id=user, channel_ids=["home"]) == {
            "home": {"items": []}
        }
        assert served(world) == [("home", None, None, "filtered")]


def test_a_filtered_out_user_falls_through_to_the_next_experiment(world, mls_recommendation_api_client):
    world.seed(copy.deepcopy(FILTER_WORLD))
    world.store.update_experiment(1, {"name": "split", "bucketing_seed": "s1", "model_filter_id": 1})
    serving(world, "empty")
    world.store.update_channel(1, {"screen_id": "home", "experiments": [1, 2]})

    mls_recommendation_api_client.request(version="v2", user_id="teen", channel_ids=["home"])
    assert served(world) == [("home", "types", "empty", "empty")]
    mls_recommendation_api_client.request(version="v2", user_id="adult", channel_ids=["home"])
    assert served(world)[0][1] == "split"


# ---- runtimes and keys ----------------------------------------------------------------------


def test_the_mms_runtime_sends_mls_mms_without_a_key(world):
    client = MLSRecommendationAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.MMS)

    answer = client.request(version="v2", user_id="u1", channel_ids=["home"])

    assert answer["home"] in (STATIC_A, STATIC_B)
    last = world.calls[-1]
    assert (last.path, last.user, last.query) == ("/rec/v2/mls-mms/items", "mls-mms", {})
    assert client.predict(api_type="user", target_id="u1", channel_ids=["home"]) == answer
    assert world.calls[-1].path == "/rec/v3/mls-mms/predict"


@pytest.mark.parametrize("client_id, apikey, message", [
    ("mls-test", "X" * 40, "no registered client"),
    ("other", "mls-mock-test-apikey-0000000000000000000", "not the key of client 'other'"),
])
def test_a_key_that_is_not_the_clients_is_401(world, client_id, apikey, message):
    client = MLSRecommendationAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.LOCAL, client_id=client_id,
                                        apikey=apikey)
    for call in (lambda: client.request(version="v2", user_id="u1", channel_ids=["home"]),
                 lambda: client.predict(api_type="user", target_id="u1", channel_ids=["home"])):
        with pytest.raises(MLSClientError, match=message) as raised:
            call()
        assert raised.value.code == 401
        assert world.calls[-1].status == 401 and world.calls[-1].served is None


@pytest.mark.parametrize("path, body, field", [
    ("/rec/v2/mls-test/items", {"channel_ids": ["home"]}, "user_id"),
    ("/rec/v2/mls-test/items", {"user_id": "", "channel_ids": ["home"]}, "user_id"),
    ("/rec/v2/mls-test/items", {"user_id": "u", "channel_ids": []}, "channel_ids"),
    ("/rec/v1/mls-test/items", {"user_id": "u", "channel_ids": "home"}, "channel_ids"),
    ("/rec/v1/mls-test/items", {"user_id": "u", "channel_ids": ["home", 3]}, "channel_ids[1]"),
    ("/rec/v3/mls-test/predict", {"type": "device", "id": "u", "channel_ids": []}, "type"),
    ("/rec/v3/mls-test/predict", {"type": "user", "id": 5, "channel_ids": []}, "id"),
    ("/rec/v3/mls-test/predict", {"type": "user", "id": "u", "channel_ids": [], "keys": {}}, "keys"),
])
def test_bad_bodies_are_400_naming_the_field(world, path, body, field):
    answer = requests.post(f"https://rec.stg.sktmls.com{path.removeprefix('/rec')}", json=body,
                           headers={"apikey": "mls-mock-test-apikey-0000000000000000000"}, timeout=30)

    check_envelope(answer.json(), 400)
    assert field in answer.json()["error"]
    assert world.calls[-1].status == 400


@pytest.mark.parametrize("path", ["/v4/mls-test/items", "/v2/mls-test/predict", "/v3/mls-test/items"])
def test_other_versions_are_404_in_the_envelope(world, path):
    answer = requests.post(f"https://rec.stg.sktmls.com{path}", json={}, timeout=30,
                           headers={"apikey": "mls-mock-test-apikey-0000000000000000000"})
    check_envelope(answer.json(), 404)


# ---- async and over a socket ----------------------------------------------------------------


def test_request_async_and_predict_async_in_process(world, mls_recommendation_api_client):
    user = users_of(world, "split", "b", 1)[0]

    async def both():
        return (await mls_recommendation_api_client.request_async(version="v2", user_id=user, channel_ids=["home"]),
                await mls_recommendation_api_client.predict_async(api_type="user", target_id=user,
                                                                  channel_ids=["home"]))

    assert asyncio.run(both()) == ({"home": STATIC_B}, {"home": STATIC_B})
    assert [c.path for c in world.calls][-2:] == ["/rec/v2/mls-test/items", "/rec/v3/mls-test/predict"]


def test_every_method_against_the_served_fake(world, mls_live_server, mls_recommendation_api_client):
    user = users_of(world, "split", "a", 1)[0]
    client = mls_recommendation_api_client

    assert client.request(version="v2", user_id=user, channel_ids=["home"]) == {"home": STATIC_A}
    assert client.predict(api_type="user", target_id=user, channel_ids=["home"]) == {"home": STATIC_A}
    assert asyncio.run(client.request_async(version="v1", user_id=user, channel_ids=["home"])) == {"home": STATIC_A}
    assert asyncio.run(client.predict_async(api_type="user", target_id=user, channel_ids=["home"])) == {
        "home": STATIC_A}
    assert [(c.path, c.served[0]["bucket"]) for c in world.calls] == [
        ("/rec/v2/mls-test/items", "a"), ("/rec/v3/mls-test/predict", "a"),
        ("/rec/v1/mls-test/items", "a"), ("/rec/v3/mls-test/predict", "a")]
    bad = MLSRecommendationAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.LOCAL, client_id="mls-test",
                                     apikey="Y" * 40)
    with pytest.raises(MLSClientError) as raised:
        asyncio.run(bad.request_async(version="v2", user_id=user, channel_ids=["home"]))
    assert raised.value.code == 401


def test_the_admin_route_fixes_and_forgets_a_models_answer(world, mls_live_server, mls_recommendation_api_client):
    serving(world, "automl")
    url = f"{mls_live_server.url}/_mock/models/3/answer"

    put = requests.put(url, json={"items": [{"id": "over-http"}]}, timeout=30)
    check_envelope(put.json(), 200)
    assert mls_recommendation_api_client.request(version="v2", user_id="u1", channel_ids=["cart"]) == {
        "cart": {"items": [{"id": "over-http"}]}}
    check_envelope(requests.put(url, json=["no"], timeout=30).json(), 400)
    check_envelope(requests.put(f"{mls_live_server.url}/_mock/models/99/answer", json={}, timeout=30).json(), 404)
    check_envelope(requests.delete(url, timeout=30).json(), 200)
    check_envelope(requests.delete(url, timeout=30).json(), 404)
    assert world.store.dump()["model_answers"] == []
    served_calls = requests.get(f"{mls_live_server.url}/_mock/calls", timeout=30).json()["results"]
    assert served_calls[-1]["served"][0]["outcome"] == "automl"


def test_predict_for_a_target_reads_the_item_profile(world, mls_recommendation_api_client):
    world.seed({
        "filters": [{"id": 2, "name": "cheap", "body": {"conditions": [{"key": "price", "operator": "<", "value": "50"}]}}],
        "profiles": [{"profile_id": "item", "tables": ["item-profile-main"]}],
        "dynamodb_tables": [{"name": "item-profile-main", "key": "item_id"}],
        "dynamodb_items": [{"table": "item-profile-main", "item": {"item_id": "cheap-1", "price": 10}},
                           {"table": "item-profile-main", "item": {"item_id": "dear-1", "price": 90}}],
    })
    world.store.update_experiment(1, {"name": "split", "bucketing_seed": "s1", "model_filter_id": 2})

    assert mls_recommendation_api_client.predict(api_type="target", target_id="cheap-1", channel_ids=["home"])[
        "home"] in (STATIC_A, STATIC_B)
    assert mls_recommendation_api_client.predict(api_type="target", target_id="dear-1", channel_ids=["home"]) == {
        "home": {"items": []}}
    assert served(world) == [("home", None, None, "filtered")]
    # a user of that id has no user profile: filtered out too
    assert mls_recommendation_api_client.predict(api_type="user", target_id="cheap-1", channel_ids=["home"]) == {
        "home": {"items": []}}


def test_faults_apply_to_the_recommendation_api(world, mls_recommendation_api_client):
    world.fail("POST", "/rec/*", status=503, error="maintenance")

    with pytest.raises(MLSClientError, match="maintenance") as raised:
        mls_recommendation_api_client.request(version="v2", user_id="u1", channel_ids=["home"])
    assert raised.value.code == 503
    world.fail("POST", "/rec/v3/*", raises=requests.ConnectionError)
    with pytest.raises(requests.ConnectionError):
        mls_recommendation_api_client.predict(api_type="user", target_id="u1", channel_ids=["home"])
    assert mls_recommendation_api_client.request(version="v2", user_id="u1", channel_ids=["home"])["home"]


def test_reset_forgets_registered_answers(world):
    world.answer(2, lambda request: {"items": []})
    world.answer(3, {"items": [{"id": "kept until reset"}]})

    world.reset()

    assert world.state.model_answers == {} and world.store.counts()["model_answers"] == 0
