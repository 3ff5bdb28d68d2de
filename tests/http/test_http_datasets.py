"""Datasets over raw HTTP: each body field refused naming it (the store left as it was), the
routes the client does not call, and steering a dataset through the admin API and seeds."""
import pytest
import requests

from mls_mock.errors import FieldError
from rawhttp import AUTH, BASE, assert_envelope

URL = BASE + "/api/v1/datasets"
GOOD = {
    "name": "churn_train",
    "type": "classification",
    "base_feature_conf": {"enabled": True, "feature_group_id_list": [3], "n_label_ratio": 1.0},
    "label_data_conf": {"source_type": "table", "source_path": "sktaic-datahub.x1234567.labels"},
}
COLUMNS = [{"name": "age", "type_code": "FLOAT64", "include": True}, {"name": "plan", "type_code": "CATEGORY", "include": True}]


@pytest.fixture
def kept(mls_mock):
    """Dataset 1 ("kept") with two columns, age and plan."""
    mls_mock.store.insert("datasets", {**GOOD, "name": "kept"}, columns=COLUMNS)
    return mls_mock


def _with(path: str, value):
    """GOOD with the field at the dotted `path` set to `value` (removed for ...)."""
    body = {**GOOD, "base_feature_conf": dict(GOOD["base_feature_conf"]), "label_data_conf": dict(GOOD["label_data_conf"])}
    *parents, last = path.split(".")
    target = body
    for parent in parents:
        target = target[parent]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return body


@pytest.mark.parametrize(
    "path, value, field",
    [
        ("name", ..., "name"),
        ("name", "", "name"),
        ("type", ..., "type"),
        ("type", "SCORE", "type"),
        ("type", "ranking", "type"),
        ("base_feature_conf", ..., "base_feature_conf"),
        ("base_feature_conf", [], "base_feature_conf"),
        ("base_feature_conf.enabled", ..., "base_feature_conf.enabled"),
        ("base_feature_conf.enabled", "true", "base_feature_conf.enabled"),
        ("base_feature_conf.feature_group_id_list", "3", "base_feature_conf.feature_group_id_list"),
        ("base_feature_conf.feature_group_id_list", [True], "base_feature_conf.feature_group_id_list[0]"),
        ("base_feature_conf.n_label_ratio", None, "base_feature_conf.n_label_ratio"),
        ("base_feature_conf.n_label_ratio", -1, "base_feature_conf.n_label_ratio"),
        ("base_feature_conf.n_label_ratio", True, "base_feature_conf.n_label_ratio"),
        ("label_data_conf", None, "label_data_conf"),
        ("label_data_conf.source_type", ..., "label_data_conf.source_type"),
        ("label_data_conf.source_type", "bigquery", "label_data_conf.source_type"),
        ("label_data_conf.source_path", 5, "label_data_conf.source_path"),
    ],
)
def test_a_bad_body_field_is_400_naming_it(kept, path, value, field):
    before = kept.store.dump()

    response = requests.post(URL, json=_with(path, value), headers=AUTH, timeout=5)

    assert assert_envelope(response, 400)["error"].startswith(field + ":")
    assert kept.store.dump() == before


def test_n_label_ratio_defaults_to_one_and_extra_keys_are_ignored(kept):
    body = _with("base_feature_conf.n_label_ratio", ...)
    body["label_data_conf"]["reverse"] = False

    made = assert_envelope(requests.post(URL, json=body, headers=AUTH, timeout=5), 201)["results"]

    assert made["setup_conf"]["base_feature_conf"]["n_label_ratio"] == 1.0
    assert made["setup_conf"]["label_data_conf"] == GOOD["label_data_conf"]
    assert (made["data_type"], made["setup_conf"]["error"]) == ("classification", None)


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "edit_columns"),
        ({"edit_columns": None}, "edit_columns"),
        ({"edit_columns": [["age", {"include": False}]]}, "edit_columns"),
        ({"edit_columns": {"age": {"include": None}}}, "edit_columns.age.include"),
        ({"edit_columns": {"age": {"type_code": None}}}, "edit_columns.age.type_code"),
        ({"edit_columns": {"plan": {"include": False}, "age": {"type_code": "float64"}}}, "edit_columns.age.type_code"),
    ],
)
def test_a_bad_column_specs_body_is_400_naming_the_field(kept, body, field):
    before = kept.store.dump()

    response = requests.put(URL + "/1/columnspecs", json=body, headers=AUTH, timeout=5)

    assert assert_envelope(response, 400)["error"].startswith(field + ":")
    assert kept.store.dump() == before


def test_column_specs_answer_the_columns(kept):
    response = requests.put(URL + "/1/columnspecs", json={"edit_columns": {"plan": {"include": False}}}, headers=AUTH, timeout=5)

    assert assert_envelope(response, 200)["results"] == {"columns": [COLUMNS[0], {**COLUMNS[1], "include": False}]}


def test_a_missing_dataset_is_404_on_every_route(kept):
    for method, path, body in (
        ("DELETE", "/99", None),
        ("GET", "/99/columns", None),
        ("PUT", "/99/columnspecs", {"edit_columns": {}}),
    ):
        assert "dataset 99" in assert_envelope(requests.request(method, URL + path, json=body, headers=AUTH, timeout=5), 404)["error"]


def test_one_dataset_is_neither_read_nor_replaced_the_client_has_no_such_call(kept):
    for method in ("GET", "PUT"):
        response = requests.request(method, URL + "/1", json=GOOD, headers=AUTH, timeout=5)
        assert assert_envelope(response, 405)["results"] is None


def test_the_admin_api_sets_status_error_and_columns(kept):
    steered = {"status": "failed", "error": "no label table", "columns": [{"name": "age"}]}

    response = requests.put(BASE + "/_mock/datasets/1", json=steered, timeout=5)

    state = assert_envelope(response, 200)["results"]
    assert (state["status"], state["error"], state["columns"]) == ("failed", "no label table", [COLUMNS[0]])
    record = assert_envelope(requests.get(URL, params={"id": 1}, headers=AUTH, timeout=5), 200)["results"][0]
    assert (record["status"], record["setup_conf"]["error"]) == ("failed", "no label table")
    assert record["updated_at"] > record["created_at"]
    assert assert_envelope(requests.get(URL + "/1/columns", headers=AUTH, timeout=5), 200)["results"] == {"columns": [COLUMNS[0]]}


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"columns": [{"name": "a"}, {"name": "a"}]}, 400, "columns[1].name"),
        ({"columns": [{"name": "a", "type_code": "INT"}]}, 400, "columns[0].type_code"),
        ({"columns": [{"name": "a", "include": "yes"}]}, 400, "columns[0].include"),
        ({"columns": [{"name": "a", "type_code": None}]}, 400, "columns[0].type_code"),
        ({"columns": [{"name": "a", "include": None}]}, 400, "columns[0].include"),
        ({"columns": "age"}, 400, "columns"),
        ({"status": ""}, 400, "status"),
        ({"error": 3}, 400, "error"),
        ({"name": "renamed"}, 400, "name"),
    ],
)
def test_the_admin_api_refuses_what_it_cannot_set(kept, body, status, field):
    before = kept.store.dump()

    response = requests.put(BASE + "/_mock/datasets/1", json=body, timeout=5)

    assert assert_envelope(response, status)["error"].startswith(field + ":")
    assert kept.store.dump() == before
    assert "dataset 2" in assert_envelope(requests.put(BASE + "/_mock/datasets/2", json={}, timeout=5), 404)["error"]


def test_seeded_status_error_and_columns_round_trip_through_the_state(kept):
    state = assert_envelope(requests.get(BASE + "/_mock/state", timeout=5), 200)["results"]
    state["datasets"][0].update(status="running", error=None, columns=[{"name": "x", "include": False}])

    assert_envelope(requests.put(BASE + "/_mock/state", json=state, timeout=5), 200)

    again = assert_envelope(requests.get(BASE + "/_mock/state", timeout=5), 200)["results"]["datasets"][0]
    assert (again["status"], again["columns"]) == ("running", [{"name": "x", "type_code": "FLOAT64", "include": False}])


@pytest.mark.parametrize(
    "document, mentions",
    [
        ({"datasets": [{**GOOD, "columns": [{"type_code": "FLOAT64"}]}]}, "datasets[0]: columns[0].name"),
        ({"datasets": [{**GOOD, "type": "rank"}]}, "datasets[0]: type"),
        ({"datasets": [GOOD, GOOD]}, "datasets[1]: name"),
        (
            {"components": [{"name": "c", "info": "v1", "is_latest": True}, {"name": "c", "info": "v2", "is_latest": True}]},
            "components[1]: is_latest",
        ),
        (
            {"components": [{"name": "c", "info": "v1", "is_latest": True}, {"name": "c", "info": "v1", "is_latest": False}]},
            "components[1]: info",
        ),
    ],
)
def test_a_bad_seed_record_is_refused_naming_it(kept, document, mentions):
    before = kept.store.dump()

    response = requests.post(BASE + "/_mock/seed", json=document, timeout=5)

    assert mentions in assert_envelope(response, 400)["error"]
    assert kept.store.dump() == before


def test_a_dataset_a_model_was_made_from_is_409_naming_the_model(kept):
    kept.store.create_model({"name": "churn_automl", "version": "v1", "model_type": "automl", "dataset_id": 1})
    before = kept.store.dump()

    response = requests.delete(URL + "/1", headers=AUTH, timeout=5)

    assert "churn_automl" in assert_envelope(response, 409)["error"]
    assert kept.store.dump() == before


def test_the_store_method_sets_the_state_in_one_line_and_refuses_as_one_write(kept):
    datasets = kept.store.resources["datasets"]

    assert datasets.set_state(1, status="running", columns=[{"name": "age"}])["status"] == "running"
    assert requests.get(URL + "/1/columns", headers=AUTH, timeout=5).json()["results"] == {"columns": [COLUMNS[0]]}
    before = kept.store.dump()
    with pytest.raises(FieldError, match=r"^columns\[0\]\.name:"):
        datasets.set_state(1, status="failed", columns=[{"name": ""}])
    assert kept.store.dump() == before
