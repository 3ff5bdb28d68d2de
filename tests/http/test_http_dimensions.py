"""Raw HTTP against the dimension routes: each body field and query parameter refused with
400 naming it, in the envelope, changing nothing; and what the client never sends."""
import pytest
import requests

from mls_mock import assumptions

from rawhttp import AUTH, BASE, assert_envelope

D = BASE + "/api/v1/dimensions"
GOOD = {"name": "age", "dimension_type": "user", "data_type": "number", "default": "0", "period": "daily"}


@pytest.fixture
def dimension(mls_mock):
    """Dimension 1: user "age"; dimension 2: user "gender"."""
    for name in ("age", "gender"):
        mls_mock.store.create("dimensions", {**GOOD, "name": name})
    return mls_mock


def without(field):
    return {k: v for k, v in GOOD.items() if k != field}


BAD_BODIES = [
    *[pytest.param(without(f), f, id=f"missing_{f}") for f in ("name", "dimension_type", "data_type", "default", "period")],
    pytest.param({**GOOD, "name": None}, "name", id="null_name"),
    pytest.param({**GOOD, "name": 7}, "name", id="number_name"),
    pytest.param({**GOOD, "name": "a\tb"}, "name", id="control_char_name"),
    pytest.param({**GOOD, "name": "x" * (assumptions.MAX_NAME_LENGTH + 1)}, "name", id="long_name"),
    pytest.param({**GOOD, "dimension_type": "USER"}, "dimension_type", id="dimension_type_case"),
    pytest.param({**GOOD, "data_type": "boolean"}, "data_type", id="data_type_unknown"),
    pytest.param({**GOOD, "period": "weekly"}, "period", id="period_unknown"),
    pytest.param({**GOOD, "default": 0}, "default", id="default_number"),
    pytest.param({**GOOD, "default": None}, "default", id="default_null"),
    pytest.param({**GOOD, "description": 1}, "description", id="description_number"),
    pytest.param({**GOOD, "task_id": ["t"]}, "task_id", id="task_id_list"),
    pytest.param({**GOOD, "tag": {}}, "tag", id="tag_object"),
    pytest.param({**GOOD, "is_derivative": "false"}, "is_derivative", id="is_derivative_string"),
    pytest.param({**GOOD, "is_enabled": 1}, "is_enabled", id="is_enabled_number"),
]


@pytest.mark.parametrize("body, field", BAD_BODIES)
@pytest.mark.parametrize("method, path", [("POST", ""), ("PUT", "/1")], ids=["create", "update"])
def test_a_bad_body_field_is_400_naming_it_and_changes_nothing(dimension, method, path, body, field):
    before = dimension.store.dump()

    response = requests.request(method, D + path, json=body, headers=AUTH, timeout=5)

    assert assert_envelope(response, 400)["error"].startswith(f"{field}:")
    assert dimension.store.dump() == before


@pytest.mark.parametrize("query, field", [
    ("", "type"),
    ("?type=", "type"),
    ("?type=users", "type"),
    ("?type=user&type=item", "type"),
    ("?type=user&id=0", "id"),
    ("?type=user&data_type=text", "data_type"),
    ("?type=user&period=hourly", "period"),
    ("?type=user&is_derivative=yes", "is_derivative"),
    ("?type=user&is_enabled=1", "is_enabled"),
    ("?type=user&page=0", "page"),
])
def test_a_bad_list_query_is_400_naming_it(dimension, query, field):
    response = requests.get(D + query, headers=AUTH, timeout=5)

    assert assert_envelope(response, 400)["error"].startswith(f"{field}:")


@pytest.mark.parametrize("word, expected", [("True", [1]), ("true", [1]), ("False", [2]), ("false", [2])])
def test_flags_are_read_as_requests_and_json_write_them(dimension, word, expected):
    dimension.store.update("dimensions", 2, {**GOOD, "name": "gender", "is_enabled": False})

    response = requests.get(f"{D}?type=user&is_enabled={word}", headers=AUTH, timeout=5)

    assert [d["id"] for d in assert_envelope(response, 200)["results"]] == expected


def test_a_put_is_a_full_replace(dimension):
    dimension.store.update("dimensions", 1, {**GOOD, "tag": "demo", "description": "나이", "is_derivative": True})

    response = requests.put(D + "/1", json=GOOD, headers=AUTH, timeout=5)

    record = assert_envelope(response, 200)["results"]
    assert (record["tag"], record["description"], record["is_derivative"], record["is_enabled"]) == (
        None, None, False, True)


def test_missing_ids_and_routes_the_client_never_calls(dimension):
    assert_envelope(requests.put(D + "/99", json=GOOD, headers=AUTH, timeout=5), 404)
    assert_envelope(requests.delete(D + "/99", headers=AUTH, timeout=5), 404)
    assert_envelope(requests.get(D + "/1", headers=AUTH, timeout=5), 405)  # no get by id in the client
    assert_envelope(requests.get(D + "?type=user", timeout=5), 401)


def test_a_duplicate_is_409_naming_the_holder(dimension):
    response = requests.post(D, json={**GOOD, "name": "gender"}, headers=AUTH, timeout=5)

    error = assert_envelope(response, 409)["error"]
    assert error.startswith("name:") and "gender" in error and "id 2" in error
    assert_envelope(requests.post(D, json={**GOOD, "name": "gender", "dimension_type": "item"}, headers=AUTH,
                                  timeout=5), 201)
