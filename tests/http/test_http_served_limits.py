"""Deep JSON and out-of-range numbers sent over loopback to the fake served by waitress with
a state file, as `mls-mock serve --state` runs it: refused with a 400 naming the limit or
field, memory and file unchanged, and every read still answering afterwards."""
import json
from types import SimpleNamespace

import pytest
import requests

from mls_mock import assumptions, create_app, persistence
from mls_mock.persistence import StateFile
from mls_mock.server import LiveServer

from rawhttp import AUTH, assert_envelope

DEPTH, MAX_ID = assumptions.MAX_JSON_DEPTH, assumptions.MAX_ID


@pytest.fixture
def served(tmp_path):
    """A fresh app on a free loopback port, every change saved to a state file."""
    app = create_app()
    store = app.state.store
    state = StateFile(tmp_path / "state.db")
    state.attach(store)
    app.state.state_file = state
    with LiveServer(app, threads=4) as server:
        yield SimpleNamespace(url=server.url, store=store, path=state.path)
    state.close()


def call(served, method, path, **kwargs):
    headers = {**AUTH, **kwargs.pop("headers", {})}
    return requests.request(method, served.url + path, headers=headers, timeout=30, **kwargs)


def strict_json(response):
    """The body as RFC 8259 JSON: NaN or Infinity in an answer is as broken as a 500."""
    def refuse(constant):
        raise AssertionError(f"{constant} in {response.url}")
    return json.loads(response.content, parse_constant=refuse)


def everything_reads_and_the_file_agrees(served):
    """Lists, the admin state and the journal answer; the file holds what memory holds."""
    for path in ("/api/v1/channels", "/api/v1/experiments", "/api/v1/filters", "/api/v1/models", "/_mock/calls"):
        response = call(served, "GET", path)
        assert_envelope(response, 200)
        strict_json(response)
    state = assert_envelope(call(served, "GET", "/_mock/state"), 200)["results"]
    on_disk = persistence.read_document(served.path)
    assert on_disk.pop("format") == persistence.FORMAT
    assert on_disk == state == served.store.dump()
    return state


def filter_body(value_levels: int) -> bytes:
    value = "[" * value_levels + "1" + "]" * value_levels
    return b'{"name": "deep", "body": {"conditions": [{"key": "k", "operator": "==", "value": %s}]}}' % value.encode()


@pytest.mark.parametrize("levels", [DEPTH + 1, 480, 500, 100_000])
def test_a_body_nested_too_deep_is_refused_and_reads_still_answer(served, levels):
    before = everything_reads_and_the_file_agrees(served)

    response = call(served, "POST", "/api/v1/filters", data=filter_body(levels - 4),
                    headers={"Content-Type": "application/json"})

    assert f"nested more than {DEPTH} levels" in assert_envelope(response, 400)["error"]
    assert everything_reads_and_the_file_agrees(served) == before


@pytest.mark.parametrize("body", [b'{"name": NaN}', b'{"name": "e", "x": [Infinity]}', b'[' * 900 + b']' * 900],
                         ids=["nan", "infinity", "array_900_deep"])
def test_a_refused_body_is_journaled_only_as_json_the_journal_can_answer(served, body):
    response = call(served, "POST", "/api/v1/experiments", data=body, headers={"Content-Type": "application/json"})

    assert_envelope(response, 400)
    everything_reads_and_the_file_agrees(served)
    journaled = strict_json(call(served, "GET", "/_mock/calls"))["results"][0]  # then the reads' own
    assert (journaled["method"], journaled["status"], journaled["json"]) == ("POST", 400, None)


def test_the_deepest_value_stored_reads_back_and_its_state_can_be_put_back(served):
    """A condition value 58 deep is 64 deep in the state document: GET /_mock/state's answer
    is a body PUT /_mock/state accepts. One level more is refused naming the field."""
    refused = call(served, "POST", "/api/v1/filters", data=filter_body(DEPTH - 5), headers={"Content-Type": "application/json"})
    assert "body.conditions[0]: is nested more than" in assert_envelope(refused, 400)["error"]

    made = call(served, "POST", "/api/v1/filters", data=filter_body(DEPTH - 6), headers={"Content-Type": "application/json"})

    assert_envelope(made, 201)
    state = everything_reads_and_the_file_agrees(served)
    assert_envelope(call(served, "PUT", "/_mock/state", json=state), 200)
    assert everything_reads_and_the_file_agrees(served) == state


@pytest.mark.parametrize("last_id", [10 ** 18, MAX_ID + 1, int("9" * 4300), -1, 1.5, True],
                         ids=["1e18", "max_plus_1", "4300_digits", "negative", "float", "bool"])
def test_a_seeded_sequence_out_of_the_id_range_is_refused_and_creates_still_work(served, last_id):
    before = everything_reads_and_the_file_agrees(served)

    response = call(served, "POST", "/_mock/seed", json={"sequences": {"channels": last_id}})

    assert f"sequences.channels: must be an integer from 0 to {MAX_ID}" in assert_envelope(response, 400)["error"]
    assert everything_reads_and_the_file_agrees(served) == before
    assert_envelope(call(served, "POST", "/api/v1/experiments", json={"name": "e"}), 201)
    channel = assert_envelope(call(served, "POST", "/api/v1/channels", json={"screen_id": "c", "experiments": [1]}), 201)
    assert channel["results"]["id"] == 1
    everything_reads_and_the_file_agrees(served)


def test_ids_up_to_the_largest_are_reachable_everywhere_and_then_used_up(served):
    """A sequence at MAX_ID - 1 gives one id that `?id=` and the path both find, then 409."""
    assert_envelope(call(served, "POST", "/_mock/seed", json={"sequences": {"experiments": MAX_ID - 1}}), 201)

    made = assert_envelope(call(served, "POST", "/api/v1/experiments", json={"name": "last"}), 201)["results"]

    assert made["id"] == MAX_ID
    assert assert_envelope(call(served, "GET", f"/api/v1/experiments?id={MAX_ID}"), 200)["results"] == [made]
    assert assert_envelope(call(served, "GET", f"/api/v1/experiments/{MAX_ID}"), 200)["results"] == made
    before = everything_reads_and_the_file_agrees(served)
    refused = call(served, "POST", "/api/v1/experiments", json={"name": "one more"})
    assert "experiment ids are used up" in assert_envelope(refused, 409)["error"]
    assert everything_reads_and_the_file_agrees(served) == before


@pytest.mark.parametrize("document, mentions", [
    ({"experiments": [{"id": MAX_ID + 1, "name": "e"}]}, "experiments[0] (id 9007199254740992): id: must be a positive integer id"),
    ({"experiments": [{"id": 5, "name": "e"}],
      "buckets": [{"experiment": 5, "name": "b", "prediction_type": "empty", "bucket_range": "0-49"}]},
     "experiment 5: bucket_range"),
    ({"models": [{"name": "m", "version": "v1", "model_type": "manual", "model_meta": json.loads("[" * 62 + "]" * 62)}]},
     f"nested more than {DEPTH} levels"),
], ids=["id_past_max", "ranges_not_covering", "model_field_too_deep"])
@pytest.mark.parametrize("method, path", [("PUT", "/_mock/state"), ("POST", "/_mock/seed")])
def test_an_admin_document_out_of_range_is_refused_whole(served, method, path, document, mentions):
    call(served, "POST", "/api/v1/experiments", json={"name": "existing"})
    before = everything_reads_and_the_file_agrees(served)

    response = call(served, method, path, json=document)

    assert mentions in assert_envelope(response, 400)["error"]
    assert everything_reads_and_the_file_agrees(served) == before
