"""Raw HTTP checks of the model write routes: each body field the client sends, refused
naming the field and leaving the store's dump as it was; the steering route of /_mock/."""
import pytest
import requests

from rawhttp import AUTH, BASE, assert_envelope

M = BASE + "/api/v1/models"
MANUAL = {"name": "ranker", "version": "v1", "model_type": "manual"}
EMAIL = {"channel": "EMAIL", "email_channel_config": {"email": "me@sktelecom.com"}}


@pytest.fixture
def models(mls_mock):
    """Model 1: manual "ranker v1"; model 2: automl "churn v1" of the caller (mls-test),
    trained (DONE); model 3: automl of bob."""
    store = mls_mock.store
    store.create_model(MANUAL)
    store.create_model({"name": "churn", "version": "v1", "model_type": "automl", "creator": "mls-test",
                        "status": "DONE", "dataset_id": 7})
    store.create_model({"name": "theirs", "version": "v1", "model_type": "automl", "creator": "bob"})
    return mls_mock


def assert_refused(mls_mock, method, url, status, mentions, **request):
    before = mls_mock.store.dump()
    payload = assert_envelope(requests.request(method, url, headers=AUTH, **request), status)
    assert mentions in payload["error"], payload
    assert mls_mock.store.dump() == before
    return payload


@pytest.mark.parametrize("body, field", [
    ({"version": "v2", "model_type": "manual"}, "name"),
    ({**MANUAL, "name": ""}, "name"),
    ({**MANUAL, "version": None}, "version"),
    ({**MANUAL, "model_type": "deployment"}, "model_type"),
    ({**MANUAL, "version": "v2", "model_lib": "keras"}, "model_lib"),
    ({**MANUAL, "version": "v2", "model_meta": ["features"]}, "model_meta"),
    ({**MANUAL, "version": "v2", "description": 3}, "description"),
    ({**MANUAL, "version": "v2", "creator": ["alice"]}, "creator"),
    ({**MANUAL, "version": "v2", "table": {}}, "table"),
    ({**MANUAL, "version": "v2", "features": ["age"]}, "features"),
    ({**MANUAL, "version": "v2", "model_data": 1}, "model_data"),
    ({**MANUAL, "version": "v2", "components": "ranker"}, "components"),
    ({**MANUAL, "version": "v2", "components": [{"name": "c"}]}, "components"),
    ({**MANUAL, "version": "v2", "components": ["missing"]}, "components[0]"),
    ({"name": "a", "version": "v1", "model_type": "automl"}, "dataset_id"),
    ({"name": "a", "version": "v1", "model_type": "automl", "dataset_id": "7"}, "dataset_id"),
    ({"name": "a", "version": "v1", "model_type": "automl", "dataset_id": 99}, "dataset_id"),
], ids=lambda x: x if isinstance(x, str) else None)
def test_create_refuses_naming_the_field(models, body, field):
    assert_refused(models, "POST", M, 400, f"{field}:", json=body)


def test_create_of_a_taken_name_and_version_is_409(models):
    assert_refused(models, "POST", M, 409, "ranker v1", json=MANUAL)


def test_create_answers_201_with_the_record(models):
    payload = assert_envelope(requests.post(M, json={**MANUAL, "version": "v2", "model_lib": "rule"}, headers=AUTH), 201)

    assert payload["results"]["model_lib"] == "rule" and payload["results"]["creator"] == "mls-test"
    assert "online_artifact" not in payload["results"] and "server_status" not in payload["results"]


@pytest.mark.parametrize("body, field", [
    ({**MANUAL, "model_type": "automl", "dataset_id": 7}, "model_type"),
    ({**MANUAL, "model_lib": "keras"}, "model_lib"),
    ({"model_type": "manual", "version": "v1"}, "name"),
])
def test_replace_refuses_naming_the_field(models, body, field):
    assert_refused(models, "PUT", M + "/1", 400, f"{field}:", json=body)


def test_replace_and_delete_of_missing_or_others_models_are_404(models):
    assert_refused(models, "PUT", M + "/99", 404, "model 99", json=MANUAL)
    assert_refused(models, "PUT", M + "/3", 404, "model 3", json={"name": "theirs", "version": "v1", "model_type": "automl"})
    assert_refused(models, "DELETE", M + "/3", 404, "model 3")
    assert_refused(models, "DELETE", M + "/99", 404, "model 99")


def test_artifact_info_of_no_model_is_null(models):
    url = BASE + "/api/v1/model_registry/artifacts/info"
    for query in ("?model_version=v1", "?model_name=ranker", "?model_name=nope&model_version=v1", ""):
        answer = assert_envelope(requests.get(url + query, headers=AUTH), 200)
        assert answer["results"] == {"info": None}, query


@pytest.mark.parametrize("body, field", [
    ({}, "handler"),
    ({"handler": 1}, "handler"),
    ({"handler": "def f(:"}, "handler"),
    ({"handler": "x = (" * 200}, "handler"),
    ({"handler": "a\x00b"}, "handler"),
])
def test_a_handler_must_be_python_text(models, body, field):
    assert_refused(models, "POST", M + "/2/automl_online_prediction", 400, f"{field}:", json=body)


@pytest.mark.parametrize("path", ["/automl_model_server", "/automl_online_prediction"])
def test_a_manual_model_has_no_automl_server(models, path):
    assert_refused(models, "GET", M + "/1" + path, 404, "manual")
    assert_refused(models, "POST", M + "/1/predictions", 404, "manual", json=EMAIL)


@pytest.mark.parametrize("body, field", [
    ({}, "channel"),
    ({"channel": "SMS"}, "channel"),
    ({"channel": "EMAIL"}, "email_channel_config"),
    ({"channel": "EMAIL", "email_channel_config": {"email": "me@gmail.com"}}, "email_channel_config.email"),
    ({"channel": "TOS", "tos_channel_config": {"employee_num": "1"}}, "tos_channel_config.target_group_name"),
    ({"channel": "EDD", "edd_channel_config": {"username": "x", "database": "d", "table": "t"}},
     "edd_channel_config.username"),
    ({"channel": "YE", "ye_channel_config": {"username": "x1234567", "table": "a-b"}}, "ye_channel_config.table"),
    ({**EMAIL, "score_export_option": {"sort": "yes"}}, "score_export_option.sort"),
    ({**EMAIL, "score_export_option": {"sort": True}}, "score_export_option.target_limit"),
    ({**EMAIL, "score_export_option": {"sort": True, "target_limit": 10_000_001}}, "score_export_option.target_limit"),
    ({**EMAIL, "period": "2025-01"}, "period"),
    ({**EMAIL, "period": "202513"}, "period"),
    ({**EMAIL, "custom_feature_source_config": {"source_type": "csv", "source_path": "a.csv"}},
     "custom_feature_source_config.source_type"),
    ({**EMAIL, "custom_feature_source_config": {"source_type": "file"}}, "custom_feature_source_config.source_path"),
], ids=lambda x: x if isinstance(x, str) else None)
def test_a_prediction_body_is_checked_as_the_client_checks_it(models, body, field):
    assert_refused(models, "POST", M + "/2/predictions", 400, f"{field}:", json=body)


def test_a_prediction_needs_the_models_dataset(models):
    assert_refused(models, "POST", M + "/2/predictions", 409, "dataset 7", json=EMAIL)


def test_a_prediction_needs_a_trained_model(models):
    models.store.steer_model(2, status="TRAINING")
    assert_refused(models, "POST", M + "/2/predictions", 409, "TRAINING", json=EMAIL)


STEER = BASE + "/_mock/models/{}/state"


def test_steering_sets_what_only_the_server_decides(models):
    payload = assert_envelope(requests.put(STEER.format(2), json={"server_status": "RUNNING", "server_handler": "x = 1",
                                                                   "online_artifact": {"a": 1}}, headers=AUTH), 200)

    assert payload["results"] == {"id": 2, "status": "DONE", "online_artifact": {"a": 1}, "server_status": "RUNNING",
                                  "server_handler": "x = 1"}
    assert models.store.automl_server_status(2) == {"status": "RUNNING"}


@pytest.mark.parametrize("model_id, body, field", [
    (1, {"status": "READY"}, "status"),
    (1, {"server_status": "RUNNING"}, "server_status"),  # a manual model has no server
    (2, {"server_status": "BOOTING"}, "server_status"),
    (1, {"online_artifact": "yes"}, "online_artifact"),
    (1, {"name": "x"}, "name"),
])
def test_steering_refuses_naming_the_field(models, model_id, body, field):
    assert_refused(models, "PUT", STEER.format(model_id), 400, f"{field}:", json=body)


def test_steering_a_missing_model_is_404(models):
    assert_refused(models, "PUT", STEER.format(99), 404, "model 99", json={"status": "DONE"})
