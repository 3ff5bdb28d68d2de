"""The in-process path (`inprocess.Direct`, what MLSMock answers with) runs the app's own
handlers and pipeline without Flask; the full WSGI call runs them through Flask. Both must
give the same answer to any request: two identical fakes, one per path, get the same random
request sequences and must agree on every status, header and byte, then on the journal and
store."""
import base64
import datetime

import pytest
import requests
from hypothesis import given, settings, strategies as st

from mls_mock import MLSMock, Store, inprocess, transport

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


@settings(BREAKING, max_examples=sized(40, 400))
@given(st.lists(requests_, min_size=1, max_size=12))
def test_direct_path_and_wsgi_path_answer_alike(sequence):
    fast, full = world(), world()
    for parts in sequence:
        assert answer(inprocess.Direct(fast.app)(prepare(*parts))) == answer(
            transport.call_wsgi(full.app, prepare(*parts))), parts
    tally("requests compared between the direct and the WSGI in-process path", len(sequence))
    assert list(fast.calls) == list(full.calls)
    assert fast.store.dump() == full.store.dump()


def test_direct_path_is_taken_for_ordinary_calls(monkeypatch):
    """Guards the benchmark: sktmls-style calls, refused ones included, must not fall back
    to WSGI, nor reach Flask's request machinery at all."""
    fallbacks = []
    real = transport.call_wsgi
    monkeypatch.setattr(inprocess, "call_wsgi", lambda app, prepared: fallbacks.append(prepared.url) or real(app, prepared))
    mls = world()
    mls.app.before_request_funcs.setdefault("never", [])  # a hook for no blueprint changes nothing
    monkeypatch.setattr(mls.app, "request_class", None)  # Flask could not build a request
    with mls:
        response = requests.get(BASE + "/api/v1/channels", params={"screen_id": "home"}, auth=("u", "p"))
        assert response.status_code == 200 and response.json()["results"][0]["id"] == 1
        assert requests.put(BASE + "/api/v1/channels/1", json={"screen_id": "x", "experiments": [9]},
                            auth=("u", "p")).status_code == 400  # no experiment 9
        assert requests.get(BASE + "/api/v1/nothing", auth=("u", "p")).status_code == 404
        assert requests.patch(BASE + "/api/v1/channels/1", auth=("u", "p")).status_code == 405
        assert requests.get(BASE + "/api/v1/channels").status_code == 401
        assert requests.get(BASE + "/openapi.json").status_code == 200
    assert fallbacks == []


def test_an_app_with_hooks_of_its_own_is_answered_through_flask():
    """A hook someone added to MLSMock's app runs: such an app is served by the WSGI call."""
    mls = world()
    seen = []
    mls.app.before_request(lambda: seen.append("before"))
    mls.app.after_request(lambda response: seen.append("after") or response)
    with mls:
        assert requests.get(BASE + "/api/v1/channels/1", auth=("u", "p")).status_code == 200
    assert seen == ["before", "after"]


def test_a_bug_in_the_fake_raises_in_the_caller(monkeypatch):
    mls = world()
    monkeypatch.setattr(mls.store, "get_channel", lambda channel_id: 1 / 0)
    with mls, pytest.raises(ZeroDivisionError):
        requests.get(BASE + "/api/v1/channels/1", auth=("u", "p"))
    assert len(mls.calls) == 0


def test_a_route_added_after_the_first_call_is_served():
    """Matches are kept between calls, but never past a change of the app's rules; a view
    that is not one of the fake's handlers is served by Flask."""
    mls = world()
    with mls:
        assert requests.get(BASE + "/api/v1/widgets/1", auth=("u", "p")).status_code == 404
        mls.app.add_url_rule("/api/v1/widgets/<int:widget_id>", "widgets.get", lambda widget_id: {"widget": widget_id})
        assert requests.get(BASE + "/api/v1/widgets/1", auth=("u", "p")).json() == {"widget": 1}
