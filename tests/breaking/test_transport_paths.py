"""The in-process path (`inprocess.InProcess`, what MLSMock answers with) and the WSGI adapter
(what `create_app` returns, served by waitress) are two front ends of one dispatcher. A
cheap check that both build the same request from what they get: two identical fakes, one
per path, get the same requests and must agree on every status, header and byte, then on
the journal and store."""
import base64
import datetime

import pytest
import requests
from hypothesis import given, settings, strategies as st

from mls_mock import MLSMock, Store, transport

from breaking_support import BREAKING, sized, tally

BASE = "https://ab.stg.sktmls.com"
GOOD_AUTH = "Basic " + base64.b64encode(b"u:p").decode()


class FrozenClock:
    def now(self):
        return datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)


def world() -> MLSMock:
    mls = MLSMock(store=Store(clock=FrozenClock()))
    store = mls.store
    store.create_filter({"name": "f", "body": {"conditions": [{"key": "k", "operator": "==", "value": 1}]}})
    store.create_model({"name": "m", "version": "v1", "model_type": "manual"})
    store.create_experiment({"name": "exp", "model_filter_id": 1}, "seed")
    store.create_experiment({"name": "exp2"}, "seed")
    store.create_bucket(1, {"name": "a", "prediction_type": "empty"})
    store.create_bucket(1, {"name": "b", "prediction_type": "batch", "batch_model_id": 1})
    store.create_channel({"screen_id": "home", "experiments": [1, 2]}, "seed")
    return mls


ids = st.sampled_from(["1", "2", "3", "99", "0", "x", "-1", "%EF%BC%91"])
paths = st.one_of(
    st.builds("/api/v1/{}".format, st.sampled_from(["channels", "experiments", "filters", "models", "bucket_migrations",
                                                    "nothing"])),
    st.builds("/api/v1/{}/{}".format, st.sampled_from(["channels", "experiments", "filters", "models"]), ids),
    st.builds("/api/v1/experiments/{}/buckets".format, ids),
    st.builds("/api/v1/experiments/{}/buckets/{}".format, ids, ids),
    st.builds("/api/v1/experiments/{}/bucket_ratio".format, ids),
    st.sampled_from(["/", "/openapi.json", "/_mock/health", "/_mock/state", "/_mock/calls", "/_mock/faults",
                     "/api/v1/channels/", "/api", "/api//v1/channels", "/api/v1/channels//1", "/api/v1/%FF",
                     "/api/v1/channels/%2F1", "/api/v1/channels?name=%FF"]),
)
names = st.sampled_from(["home", "exp", "exp2", "new", "f", "a", "b", "", " ", "a\nb", "é", 5, None, ["x"]])
id_values = st.sampled_from([1, 2, 3, 99, 0, -1, "1", True, None, 2.5])
bodies = st.one_of(
    st.fixed_dictionaries({"screen_id": names, "experiments": st.lists(id_values, max_size=3)}),
    st.fixed_dictionaries({"name": names}, optional={"bucketing_seed": names, "description": names,
                                                     "model_filter_id": id_values}),
    st.fixed_dictionaries({"name": names, "prediction_type": st.sampled_from(["empty", "static", "batch", "magic"])},
                          optional={"static_value": st.just({"items": [{"id": "i"}]}), "batch_model_id": id_values}),
    st.fixed_dictionaries({"name": names, "body": st.just({"conditions": [{"key": "k", "operator": "==", "value": 2}]})}),
    st.fixed_dictionaries({"bucket_ratio": st.dictionaries(st.sampled_from(["1", "2", "x"]), id_values, max_size=3)}),
    st.fixed_dictionaries({"model_id": id_values, "migration_request": st.just({"prediction_type": "empty"})}),
    st.none(), st.just([]), st.just("text"),
)
queries = st.lists(st.tuples(st.sampled_from(["id", "name", "screen_id", "query", "page", "type", "model_type", "zzz"]),
                            st.sampled_from(["1", "2", "0", "x", "home", "exp", "", "manual", "%FF", "a+b", "é"])),
                  max_size=3)
auths = st.sampled_from([GOOD_AUTH, GOOD_AUTH, GOOD_AUTH, None, "Bearer x", "Basic !!", "Basic " + base64.b64encode(b"nocolon").decode()])
content_types = st.sampled_from([None, None, "application/json", "text/plain"])
requests_ = st.builds(
    lambda method, path, body, query, auth, content_type: (method, path, body, query, auth, content_type),
    st.sampled_from(["GET", "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]), paths, bodies, queries, auths,
    content_types)


def prepare(method, path, body, query, auth, content_type) -> requests.PreparedRequest:
    headers = {}
    if auth is not None:
        headers["Authorization"] = auth
    request = requests.Request(method, BASE + path, params=query, headers=headers,
                               json=body if method in ("POST", "PUT", "PATCH") else None)
    prepared = request.prepare()
    if content_type is not None and prepared.body is not None:
        prepared.headers["Content-Type"] = content_type
    return prepared


def answer(response: requests.Response):
    return response.status_code, sorted(response.headers.items()), response.content


def check_same_answers(sequence):
    fast, full = world(), world()
    for parts in sequence:
        assert answer(fast._direct(prepare(*parts))) == answer(transport.call_wsgi(full.app, prepare(*parts))), parts
    assert list(fast.calls) == list(full.calls)
    assert fast.store.dump() == full.store.dump()
    return len(sequence)


# What each path builds by itself: path decoding, query decoding, headers, the body and its
# limit, the redirect's Location, HEAD, and a refused request of each kind.
HANDFUL = [
    ("GET", "/api/v1/channels", None, [("screen_id", "home")], GOOD_AUTH, None),
    ("GET", "/api/v1/channels", None, [("name", "é"), ("zzz", "1")], GOOD_AUTH, None),
    ("GET", "/api/v1/channels", None, [("id", "1"), ("id", "2")], GOOD_AUTH, None),
    ("GET", "/api/v1/channels?name=%FF", None, [], GOOD_AUTH, None),
    ("GET", "/api/v1/%FF", None, [], GOOD_AUTH, None),
    ("GET", "/api/v1/channels/%EF%BC%91", None, [], GOOD_AUTH, None),
    ("GET", "/api//v1/channels", None, [("page", "1")], GOOD_AUTH, None),
    ("HEAD", "/api/v1/experiments/1/buckets", None, [], GOOD_AUTH, None),
    ("OPTIONS", "/api/v1/channels", None, [], GOOD_AUTH, None),
    ("PATCH", "/api/v1/channels/1", {"screen_id": "x"}, [], GOOD_AUTH, None),
    ("POST", "/api/v1/channels", {"screen_id": "new", "experiments": [1]}, [], GOOD_AUTH, None),
    ("POST", "/api/v1/channels", {"screen_id": "new2", "experiments": []}, [], GOOD_AUTH, "text/plain"),
    ("PUT", "/api/v1/experiments/1/bucket_ratio", {"bucket_ratio": {"1": 50, "2": 50}}, [], GOOD_AUTH, None),
    ("DELETE", "/api/v1/channels/1", None, [], "Basic !!", None),
    ("GET", "/api/v1/clients", None, [], GOOD_AUTH, None),
    ("GET", "/_mock/calls", None, [], None, None),
    ("GET", "/openapi.json", None, [], None, None),
    ("GET", "/nothing", None, [], None, None),
]


def test_direct_path_and_wsgi_path_answer_alike_on_a_handful():
    tally("requests compared between the in-process path and the WSGI adapter", check_same_answers(HANDFUL))


def test_a_body_over_the_limit_and_a_chunked_body_alike():
    big = [("POST", "/api/v1/channels", {"screen_id": "x" * 2_000_000, "experiments": []}, [], GOOD_AUTH, None)]
    check_same_answers(big)
    fast, full = world(), world()
    chunks = lambda: iter([b'{"screen_id": "chunked", ', b'"experiments": []}'])  # noqa: E731
    for mls, send in ((fast, fast._direct), (full, lambda p: transport.call_wsgi(full.app, p))):
        prepared = requests.Request("POST", BASE + "/api/v1/channels", data=chunks(),
                                    headers={"Authorization": GOOD_AUTH, "Content-Type": "application/json"}).prepare()
        assert prepared.headers.get("Transfer-Encoding") == "chunked"
        response = send(prepared)
        assert response.status_code == 201, response.content
    assert fast.store.dump() == full.store.dump() and list(fast.calls) == list(full.calls)


@settings(BREAKING, max_examples=sized(25, 200))
@given(st.lists(requests_, min_size=1, max_size=8))
def test_direct_path_and_wsgi_path_answer_alike(sequence):
    tally("requests compared between the in-process path and the WSGI adapter", check_same_answers(sequence))


def test_the_in_process_path_never_reaches_flask(monkeypatch):
    """Guards the benchmark: sktmls-style calls, refused ones included, are answered by the
    dispatcher without Flask's request machinery or WSGI."""
    mls = world()
    monkeypatch.setattr(mls.app, "wsgi_app", None)  # the WSGI side could not answer
    monkeypatch.setattr(mls.app, "request_class", None)  # Flask could not build a request
    monkeypatch.setattr(transport, "call_wsgi", None)
    with mls:
        response = requests.get(BASE + "/api/v1/channels", params={"screen_id": "home"}, auth=("u", "p"))
        assert response.status_code == 200 and response.json()["results"][0]["id"] == 1
        assert requests.put(BASE + "/api/v1/channels/1", json={"screen_id": "x", "experiments": [9]},
                            auth=("u", "p")).status_code == 400  # no experiment 9
        assert requests.get(BASE + "/api/v1/nothing", auth=("u", "p")).status_code == 404
        assert requests.patch(BASE + "/api/v1/channels/1", auth=("u", "p")).status_code == 405
        assert requests.get(BASE + "/api/v1/channels").status_code == 401
        assert requests.get(BASE + "/api//v1/channels", auth=("u", "p"), allow_redirects=False).status_code == 308
        assert requests.get(BASE + "/openapi.json").status_code == 200


def test_a_bug_in_the_fake_raises_in_the_caller(monkeypatch):
    mls = world()
    monkeypatch.setattr(mls.store, "get_channel", lambda channel_id: 1 / 0)
    with mls, pytest.raises(ZeroDivisionError):
        requests.get(BASE + "/api/v1/channels/1", auth=("u", "p"))
    assert len(mls.calls) == 0
