"""Nothing accepted may make a later read fail. Random hostile values (nested up to past the
depth limit, integers up to thousands of digits, lone surrogates, and from Python tuples,
sets, NaN and integers too long to print) go into every free-form place a write takes:
filter conditions, static items, model fields, seed documents over HTTP and from Python.
After each write the fake accepted, every read answers with strict JSON: the lists, each
experiment's buckets, `GET /_mock/state`, `GET /_mock/calls` and `store.dump()`; after each
it refused (4xx, never 5xx), the store is as it was."""
import json
import math
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from hypothesis import given, settings, strategies as st

from mls_mock import MLSMock, SeedError, assumptions

from breaking_support import AUTH, BREAKING, IN_PROCESS_BASE, sized, tally

DEPTH = assumptions.MAX_JSON_DEPTH


def nested(value, levels: int):
    for _ in range(levels):
        value = [value]
    return value


big_ints = st.integers(1, 4200).map(lambda digits: int("7" * digits)) | st.integers(-(2 ** 70), 2 ** 70)
texts = st.text(st.characters(codec="utf-8"), max_size=5) | st.sampled_from(["\ud800", "a\udfffb", "", "0-99", "[{"])
scalars = st.none() | st.booleans() | big_ints | st.floats(allow_nan=False, allow_infinity=False) | texts
wire_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
                           max_leaves=12)
# Near the limit on either side, and far past it: the old fake took 480 and failed its
# reads; under Hypothesis (which raises the recursion limit while a test runs) 2,000 did.
depths = st.sampled_from([0, 1, DEPTH - 8, DEPTH - 6, DEPTH - 5, DEPTH - 4, DEPTH - 3, DEPTH, DEPTH + 1, 480, 2000])
# (value, levels) pairs, nested inside the test: Hypothesis's printer recurses per level.
deep_values = st.tuples(wire_values, depths)
# Built, not sampled: Hypothesis would repr the choices, and an int this long has no repr.
python_only = (st.sampled_from([(1, 2), {1, 2}, math.nan, -math.inf, {1: "int key"}, {("t",): 1}])
               | st.builds(lambda: 10 ** 5000) | st.builds(object))
python_values = deep_values | st.tuples(st.recursive(python_only | scalars, lambda inner: st.lists(inner, max_size=2),
                                                     max_leaves=4), st.just(0))


DEEP = "<the deep value>"


def strict(response) -> dict:
    def refuse(constant):
        raise AssertionError(f"{constant} in the answer to {response.request.method} {response.url}")
    return json.loads(response.content, parse_constant=refuse)


class Fake:
    """An MLSMock whose requests are sent from a thread of their own, whose stack starts
    as shallow as a server thread's: how deep a value breaks a read depends on the stack."""

    def __init__(self):
        self.mls = MLSMock().start()
        self.thread = ThreadPoolExecutor(max_workers=1)
        self.store = self.mls.store
        self.store.create_model({"name": "m", "version": "v1", "model_type": "manual"})
        self.store.create_experiment({"name": "e"}, "seed")

    def send_and_check(self, method, path, body, deep):
        """Send `body` as JSON, with the `deep` (value, levels) pair where it says DEEP; the
        answer, checked. The nesting is written as text: encoders recurse per level."""
        value, levels = deep
        text = json.dumps(body, allow_nan=False).replace(json.dumps(DEEP), "[" * levels + json.dumps(value) + "]" * levels, 1)
        data = text.encode("utf-8", "surrogatepass")
        before = self.store.dump()
        response = self.thread.submit(requests.request, method, IN_PROCESS_BASE + path, data=data, timeout=30,
                                      headers={**AUTH, "Content-Type": "application/json"}).result()
        payload = strict(response)
        assert payload["code"] == response.status_code < 500, payload
        if response.status_code < 300:
            tally("hostile writes accepted, then every read checked")
            self.reads_all_answer()
        else:
            tally("hostile writes refused, checked to change nothing")
            assert self.store.dump() == before
            self.reads_all_answer()
        return response

    def reads_all_answer(self):
        for path in ("/api/v1/channels", "/api/v1/experiments", "/api/v1/filters", "/api/v1/models", "/_mock/state",
                     "/_mock/calls") + tuple(f"/api/v1/experiments/{e['id']}/buckets" for e in self.store.list_experiments()):
            response = self.thread.submit(requests.get, IN_PROCESS_BASE + path, headers=AUTH, timeout=30).result()
            assert response.status_code == 200, response.text[:300]
            strict(response)
        json.dumps(self.thread.submit(self.store.dump).result(), allow_nan=False)


@pytest.fixture(scope="module")
def fake():
    made = Fake()
    yield made
    made.mls.stop()
    made.thread.shutdown()


@settings(BREAKING, max_examples=sized(20, 80))
@given(value=deep_values, extra=wire_values)
def test_filter_conditions_with_hostile_values(fake, value, extra):
    fake.store.reset()
    condition = {"key": "k", "operator": "==", "value": DEEP, "extra": extra}
    fake.send_and_check("POST", "/api/v1/filters", {"name": "f", "body": {"conditions": [condition]}}, value)


@settings(BREAKING, max_examples=sized(15, 60))
@given(items=deep_values, description=texts)
def test_static_items_with_hostile_values(fake, items, description):
    fake.store.reset()
    fake.store.create_experiment({"name": "e"}, "seed")
    fake.send_and_check("POST", "/api/v1/experiments/1/buckets",
              {"name": "b", "prediction_type": "static", "static_value": {"items": DEEP}, "description": description}, items)


@settings(BREAKING, max_examples=sized(15, 60))
@given(meta=deep_values, features=wire_values, sequence=big_ints)
def test_seed_documents_over_http_with_hostile_values(fake, meta, features, sequence):
    fake.store.reset()
    document = {"models": [{"name": "m", "version": "v1", "model_type": "manual", "model_meta": DEEP, "features": features}],
                "sequences": {"models": sequence}}
    fake.send_and_check("POST", "/_mock/seed", document, meta)
    fake.send_and_check("PUT", "/_mock/state", document, meta)


@settings(BREAKING, max_examples=sized(15, 60))
@given(meta=python_values, items=python_values)
def test_python_seeds_with_values_json_cannot_hold(fake, meta, items):
    fake.store.reset()
    before = fake.store.dump()
    document = {"models": [{"name": "m", "version": "v1", "model_type": "manual", "model_meta": nested(*meta)}],
                "experiments": [{"name": "e"}],
                "buckets": [{"experiment": 1, "name": "b", "prediction_type": "static",
                             "static_value": {"items": nested(*items)}}]}
    try:
        fake.mls.seed(document)
    except SeedError as error:
        assert "models[0]: model_meta" in error.message or "buckets[0]: static_value.items" in error.message, error.message
        assert fake.store.dump() == before
        tally("hostile Python seeds refused, checked to change nothing")
    else:
        tally("hostile Python seeds accepted, then every read checked")
    fake.reads_all_answer()
