"""Accounts (a users table), and the good path of every route: all answered with the
envelope, DELETE included, so the client never meets an empty or HTML body."""
import base64

import pytest
import requests

from mls_mock import MLSMock, create_app

from rawhttp import AUTH, BASE, assert_envelope
from support import counts_of


def _basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.mark.parametrize("user, password, status", [
    ("alice", "right", 200),
    ("alice", "wrong", 401),
    ("alice", "", 401),
    ("mallory", "right", 401),
    ("ALICE", "right", 401),
], ids=["right_password", "wrong_password", "empty_password", "unknown_user", "username_case"])
def test_a_users_table_checks_passwords(user, password, status):
    with MLSMock(users={"alice": "right"}) as mls:
        before = mls.store.dump()
        response = requests.post(BASE + "/api/v1/experiments", json={"name": "e"}, headers=_basic(user, password), timeout=5)
        assert_envelope(response, 201 if status == 200 else status)
        if status != 200:
            assert mls.store.dump() == before


def test_a_users_table_in_create_app():
    app = create_app(users={"alice": "right"})
    client = app.test_client()
    store = app.state.store
    before = store.dump()

    refused = client.post("/api/v1/experiments", json={"name": "e"}, headers=_basic("alice", "wrong"))

    assert (refused.status_code, refused.json["code"], refused.json["results"]) == (401, 401, None)
    assert "password" in refused.json["error"]
    assert store.dump() == before
    allowed = client.get("/api/v1/channels", headers=_basic("alice", "right"))
    assert (allowed.status_code, allowed.json) == (200, {"code": 200, "error": None, "results": []})


def test_without_a_users_table_any_account_is_accepted(mls_mock):
    response = requests.post(BASE + "/api/v1/experiments", json={"name": "e"}, headers=_basic("anyone", "anything"), timeout=5)

    assert assert_envelope(response, 201)["results"]["user"] == "anyone"


def test_paths_outside_the_api_get_a_404_envelope_without_auth(mls_mock):
    for path in ("/", "/favicon.ico", "/api"):
        assert "route" in assert_envelope(requests.get(BASE + path, timeout=5), 404)["error"]


GOOD_PATH = [
    ("POST", "/api/v1/filters", {"name": "f", "body": {"conditions": [{"key": "k", "operator": "<", "value": 3}]}}, 201),
    ("GET", "/api/v1/filters?name=f&type=anything", None, 200),
    ("PUT", "/api/v1/filters/1", {"name": "f1", "body": {"conditions": []}}, 200),
    ("POST", "/api/v1/experiments", {"name": "e", "bucketing_seed": "s", "model_filter_id": 1}, 201),
    ("GET", "/api/v1/experiments?query=E&page=1", None, 200),
    ("GET", "/api/v1/experiments/1", None, 200),
    ("PUT", "/api/v1/experiments/1", {"name": "e1", "bucketing_seed": "s"}, 200),
    ("POST", "/api/v1/experiments/1/buckets", {"name": "b", "prediction_type": "batch", "batch_model_id": 1}, 201),
    ("GET", "/api/v1/experiments/1/buckets?name=b", None, 200),
    ("GET", "/api/v1/experiments/1/buckets/1", None, 200),
    ("PUT", "/api/v1/experiments/1/buckets/1", {"name": "b1", "prediction_type": "static", "static_value": {"items": []}}, 200),
    ("PUT", "/api/v1/experiments/1/bucket_ratio", {"bucket_ratio": {"1": 100}}, 200),
    ("POST", "/api/v1/bucket_migrations", {"model_id": 1, "migration_request": {"prediction_type": "empty"}}, 200),
    ("POST", "/api/v1/channels", {"screen_id": "c", "experiments": [1]}, 201),
    ("GET", "/api/v1/channels?screen_id=c", None, 200),
    ("GET", "/api/v1/channels/1/", None, 200),  # a trailing slash is the same route
    ("PUT", "/api/v1/channels/1", {"screen_id": "c1", "experiments": [1]}, 200),
    ("GET", "/api/v1/models?model_type=manual&name=m&version=v1", None, 200),
    ("GET", "/api/v1/models/1", None, 200),
    ("DELETE", "/api/v1/channels/1", None, 200),
    ("DELETE", "/api/v1/experiments/1/buckets/1", None, 200),
    ("DELETE", "/api/v1/experiments/1", None, 200),
    ("DELETE", "/api/v1/filters/1", None, 200),
    ("POST", "/api/v1/dimensions", {"name": "d", "dimension_type": "user", "data_type": "json", "default": "{}",
                                    "period": "daily"}, 201),
    ("GET", "/api/v1/dimensions?type=user&is_derivative=False", None, 200),
    ("PUT", "/api/v1/dimensions/1", {"name": "d1", "dimension_type": "item", "data_type": "array", "default": "[]",
                                     "period": "monthly"}, 200),
    ("DELETE", "/api/v1/dimensions/1", None, 200),
    ("POST", "/api/v1/ml_features", {"name": "f", "source": "s", "type": "category"}, 201),
    ("GET", "/api/v1/ml_features?type=category&status=created", None, 200),
    ("PUT", "/api/v1/ml_features/1", {"status": "deprecated"}, 200),
    ("GET", "/api/v1/ml_feature_groups", None, 200),
    ("DELETE", "/api/v1/ml_features/1", None, 200),
    ("POST", "/api/v1/dynamodb", {"type": "put", "table_name": "mls_scores", "body": {"item_id": "a", "s": 1}}, 200),
    ("POST", "/api/v1/dynamodb", {"type": "update", "table_name": "mls_scores", "body": {"item_id": "a", "t": 2}}, 200),
    ("POST", "/api/v1/dynamodb", {"type": "get", "table_name": "mls_scores", "body": {"item_id": "a"}}, 200),
    ("POST", "/api/v1/dynamodb", {"type": "delete", "table_name": "mls_scores", "body": {"item_id": "a"}}, 200),
    ("GET", "/api/v1/dynamodb/tables/mls_scores/is_active", None, 200),
    ("GET", "/api/v1/dynamodb/tables/mls_scores/is_loading", None, 200),
    ("DELETE", "/api/v1/dynamodb/tables/mls_scores", None, 200),
    ("GET", "/api/v1/data_status/s3", None, 200),
    ("GET", "/api/v1/data_status/batch", None, 200),
    ("GET", "/api/v1/data_status/dynamodb", None, 200),
]


def test_every_route_answers_the_envelope_on_its_good_path(mls_mock):
    """One scenario in order, so each call has what it needs; every answer is an envelope."""
    mls_mock.store.create_model({"name": "m", "version": "v1", "model_type": "manual"})
    mls_mock.store.create_dynamodb_table("mls_scores")  # MLS's pipeline makes tables, not the AB API
    for method, path, body, status in GOOD_PATH:
        response = requests.request(method, BASE + path, json=body, headers=AUTH, timeout=5)
        payload = assert_envelope(response, status)
        if method == "GET" and "?" in path:
            assert isinstance(payload["results"], list) and payload["results"], path
    assert mls_mock.store.counts() == counts_of(models=1)
    assert {c.path for c in mls_mock.calls} >= {path.partition("?")[0] for _, path, _, _ in GOOD_PATH}


def test_a_page_past_the_end_is_an_empty_list(mls_mock):
    mls_mock.store.create_filter({"name": "f", "body": {"conditions": []}})

    assert assert_envelope(requests.get(BASE + "/api/v1/filters?page=2", headers=AUTH, timeout=5), 200)["results"] == []


def test_a_stored_lone_surrogate_is_still_answered_as_json(mls_mock):
    """The store takes what a seed gives; the answer escapes what UTF-8 cannot carry."""
    mls_mock.store.create_experiment({"name": "odd \ud800"}, "seed")

    payload = assert_envelope(requests.get(BASE + "/api/v1/experiments/1", headers=AUTH, timeout=5), 200)

    assert payload["results"]["name"] == "odd \ud800"


def test_refused_routes_are_not_kept_whatever_their_paths():
    """The dispatcher kept every 404's exception (and its traceback's frames): 4,000 long
    unknown paths took a served fake from 46 MB to 2 GB, before any credentials."""
    import gc
    import tracemalloc

    from mls_mock import create_app

    client = create_app().test_client()

    def refused(batch):
        for n in range(batch * 300, batch * 300 + 300):
            assert client.get(f"/x/{n}{'a' * 20_000}").status_code == 404
            assert client.delete(f"/api/v1/channels/{n}/{'b' * 300}", headers=AUTH).status_code == 404

    refused(0)  # fills the bounded caches of urllib and the test client, and the journal's first entries
    tracemalloc.start()
    try:
        gc.collect()  # the test client's own cycles
        before = tracemalloc.get_traced_memory()[0]
        refused(1)
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before  # 56 MB before the fix; the journal's 2 MB now
    finally:
        tracemalloc.stop()
    assert kept < 8_000_000, f"{kept:,} bytes kept after 600 refused requests"


def test_a_merged_slash_under_a_host_werkzeug_cannot_encode_is_a_redirect_not_a_500():
    from mls_mock import create_app

    client = create_app().test_client()
    for host in ("a..b", "x" * 70 + ".example"):
        response = client.get("/_mock//health", headers={"Host": host})
        assert response.status_code == 308 and response.get_json()["code"] == 308
        assert response.headers["Location"].endswith("/_mock/health")
