"""Random requests to every route: never a 500 (bugs raise here, the app propagates them),
always the envelope with code == status, and a refused request leaves the store as it was."""
import base64
import json

from hypothesis import HealthCheck, given, settings, strategies as st

from mls_mock import Store, create_app

from support import build_world, sized

AUTH = {"Authorization": "Basic " + base64.b64encode(b"fuzz:pw").decode()}
ROUTES = [
    ("GET", "/api/v1/channels"), ("POST", "/api/v1/channels"), ("GET", "/api/v1/channels/{i}"),
    ("PUT", "/api/v1/channels/{i}"), ("DELETE", "/api/v1/channels/{i}"),
    ("GET", "/api/v1/experiments"), ("POST", "/api/v1/experiments"), ("GET", "/api/v1/experiments/{i}"),
    ("PUT", "/api/v1/experiments/{i}"), ("DELETE", "/api/v1/experiments/{i}"),
    ("GET", "/api/v1/experiments/{i}/buckets"), ("POST", "/api/v1/experiments/{i}/buckets"),
    ("GET", "/api/v1/experiments/{i}/buckets/{j}"), ("PUT", "/api/v1/experiments/{i}/buckets/{j}"),
    ("DELETE", "/api/v1/experiments/{i}/buckets/{j}"), ("PUT", "/api/v1/experiments/{i}/bucket_ratio"),
    ("POST", "/api/v1/bucket_migrations"),
    ("GET", "/api/v1/filters"), ("POST", "/api/v1/filters"), ("GET", "/api/v1/filters/{i}"),
    ("PUT", "/api/v1/filters/{i}"), ("DELETE", "/api/v1/filters/{i}"),
    ("GET", "/api/v1/models"), ("GET", "/api/v1/models/{i}"),
]
FIELDS = ["screen_id", "experiments", "name", "description", "bucketing_seed", "model_filter_id", "prediction_type",
          "static_value", "items", "batch_model_id", "online_model_id", "automl_model_id", "bucket_ratio", "model_id",
          "migration_request", "body", "conditions", "key", "operator", "value", "1", "2", "3"]
QUERY_KEYS = ["id", "name", "screen_id", "query", "page", "type", "version", "model_type"]

scalars = (st.none() | st.booleans() | st.integers(-2, 120) | st.floats(allow_nan=False, allow_infinity=False)
           | st.sampled_from(["", " ", "x", "home", "exp", "f", "m", "v1", "empty", "static", "batch", "online",
                              "automl", "manual", "==", "contains", "1", "a\nb"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.sampled_from(FIELDS), inner, max_size=5), max_leaves=12)
bodies = st.dictionaries(st.sampled_from(FIELDS), values, max_size=6) | values


def _world() -> Store:
    """tests/support.py's WORLD, plus a static bucket (4 "d") and a channel on both
    experiments (3 "both")."""
    store = build_world(Store())
    store.create_bucket(1, {"name": "d", "prediction_type": "static", "static_value": {"items": [1]}})
    store.create_channel({"screen_id": "both", "experiments": [1, 2]}, "seed")
    return store


@settings(max_examples=sized(40, 150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(route=st.sampled_from(ROUTES), i=st.integers(0, 4), j=st.integers(0, 4), body=bodies,
       query=st.dictionaries(st.sampled_from(QUERY_KEYS), st.sampled_from(["1", "0", "x", "home", "", "-1", "2"]), max_size=3))
def test_random_requests_get_an_envelope_and_failures_change_nothing(route, i, j, body, query):
    store = _world()
    client = create_app(store, propagate_exceptions=True).test_client()
    method, template = route
    before = store.dump()

    response = client.open(template.format(i=i, j=j), method=method, headers=AUTH, query_string=query,
                           data=json.dumps(body), content_type="application/json")

    payload = json.loads(response.data)
    assert set(payload) == {"code", "error", "results"} and payload["code"] == response.status_code
    assert response.status_code in (200, 201, 400, 404, 409), payload
    if response.status_code >= 400:
        assert payload["error"] and payload["results"] is None
        assert store.dump() == before
    else:
        assert payload["error"] is None


NAMES = st.sampled_from(["a", "b", "c", "home", "exp", "f"])
IDS = st.integers(1, 5)
PREDICTIONS = st.one_of(
    st.just({"prediction_type": "empty"}),
    st.builds(lambda items: {"prediction_type": "static", "static_value": {"items": items}}, st.lists(NAMES, max_size=2)),
    st.builds(lambda m: {"prediction_type": "batch", "batch_model_id": m}, IDS),
    st.builds(lambda m: {"prediction_type": "online", "online_model_id": m}, IDS),
    st.builds(lambda m: {"prediction_type": "automl", "automl_model_id": m}, IDS),
)
MUTATIONS = st.one_of(
    st.tuples(st.sampled_from(["POST /api/v1/channels", "PUT /api/v1/channels/{i}"]), IDS, IDS,
              st.builds(lambda n, e: {"screen_id": n, "experiments": e}, NAMES, st.lists(IDS, max_size=3, unique=True))),
    st.tuples(st.sampled_from(["POST /api/v1/experiments", "PUT /api/v1/experiments/{i}"]), IDS, IDS,
              st.builds(lambda n, f: {"name": n, "model_filter_id": f}, NAMES, st.none() | IDS)),
    st.tuples(st.sampled_from(["POST /api/v1/experiments/{i}/buckets", "PUT /api/v1/experiments/{i}/buckets/{j}"]),
              IDS, IDS, st.builds(lambda n, p: {"name": n, **p}, NAMES, PREDICTIONS)),
    st.tuples(st.sampled_from(["POST /api/v1/filters", "PUT /api/v1/filters/{i}"]), IDS, IDS,
              st.builds(lambda n: {"name": n, "body": {"conditions": []}}, NAMES)),
    st.tuples(st.just("PUT /api/v1/experiments/{i}/bucket_ratio"), IDS, IDS,
              st.builds(lambda r: {"bucket_ratio": r}, st.dictionaries(st.sampled_from("12345"), st.sampled_from([0, 25, 50, 75, 100]), max_size=3))),
    st.tuples(st.just("POST /api/v1/bucket_migrations"), IDS, IDS,
              st.builds(lambda m, p: {"model_id": m, "migration_request": p}, IDS, PREDICTIONS)),
    st.tuples(st.sampled_from(["DELETE /api/v1/channels/{i}", "DELETE /api/v1/experiments/{i}",
                               "DELETE /api/v1/filters/{i}", "DELETE /api/v1/experiments/{i}/buckets/{j}"]),
              IDS, IDS, st.none()),
)


def _check_relations(store: Store):
    """What must hold after any sequence of requests, read back over the store's public reads."""
    experiments = {e["id"]: e for e in store.list_experiments()}
    channels = [store.get_channel(c["id"]) for c in store.list_channels()]
    filters = {f["id"] for f in store.list_filters()}
    models = {m["id"]: m for m in store.list_models()}
    for experiment in experiments.values():
        assert [c["id"] for c in experiment["channels"]] == [c["id"] for c in channels if experiment["id"] in c["experiments"]]
        assert experiment["model_filter"] is None or experiment["model_filter"]["id"] in filters
        buckets = store.list_buckets(experiment["id"])
        assert len({b["name"] for b in buckets}) == len(buckets)
        for bucket in buckets:
            assert bucket["experiment"] == experiment["id"]
            assert bucket["prediction"]["ml_model"] is None or bucket["prediction"]["ml_model"] in models
    for channel in channels:
        assert set(channel["experiments"]) <= set(experiments)
    for listed in (channels, list(experiments.values()), store.list_filters()):
        names = [r.get("screen_id", r.get("name")) for r in listed]
        assert len(set(names)) == len(names)
    assert store.counts()["buckets"] == sum(len(store.list_buckets(e)) for e in experiments)
    copy = Store()
    copy.load(store.dump())
    assert copy.dump() == store.dump()


@settings(max_examples=sized(15, 60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(MUTATIONS, min_size=1, max_size=25))
def test_relations_hold_after_any_sequence_of_requests(steps):
    store = _world()
    client = create_app(store, propagate_exceptions=True).test_client()
    for route, i, j, body in steps:
        method, _, template = route.partition(" ")
        before = store.dump()
        response = client.open(template.format(i=i, j=j), method=method, headers=AUTH,
                               data=None if body is None else json.dumps(body), content_type="application/json")
        assert response.status_code in (200, 201, 400, 404, 409), response.data
        if response.status_code >= 400:
            assert store.dump() == before
        _check_relations(store)
