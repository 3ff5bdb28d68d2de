"""Every kind of bad request gets the JSON envelope with code == HTTP status, an error that
names what is wrong, and changes nothing (the store's dump is the same before and after)."""
import base64

import pytest
import requests

from mls_mock import assumptions

from rawhttp import AUTH, BASE, assert_envelope

JSON = {"Content-Type": "application/json"}
C, E, F = "/api/v1/channels", "/api/v1/experiments", "/api/v1/filters"
B = "/api/v1/experiments/1/buckets"
RATIO, MIGRATE, M = "/api/v1/experiments/1/bucket_ratio", "/api/v1/bucket_migrations", "/api/v1/models"
GOOD_CONDITION = {"key": "k", "operator": "==", "value": 1}


def case(case_id, method, path, status, mentions, **request):
    return pytest.param(method, path, request, status, mentions, id=case_id)


BODY_SYNTAX = [
    case("malformed_json", "POST", C, 400, "JSON", data=b'{"screen_id": ', headers=JSON),
    case("trailing_garbage", "POST", C, 400, "JSON", data=b'{"screen_id": "x", "experiments": [1]} x', headers=JSON),
    case("nan_constant", "POST", E, 400, "JSON", data=b'{"name": NaN}', headers=JSON),
    case("float_overflowing_to_infinity", "POST", "/api/v1/filters", 400, "JSON", headers=JSON,
         data=b'{"name": "f", "body": {"conditions": [{"key": "a", "operator": "<", "value": 1e999}]}}'),
    case("invalid_utf8", "POST", C, 400, "JSON", data=b'{"screen_id": "\xff"}', headers=JSON),
    case("deeply_nested", "POST", C, 400, "JSON", data=b"[" * 100_000, headers=JSON),
    case("lone_surrogate", "POST", C, 400, "surrogate", data=b'{"screen_id": "\\ud800", "experiments": [1]}', headers=JSON),
    case("nested_lone_surrogate", "PUT", "/api/v1/experiments/1/buckets/2", 400, "surrogate",
         data=b'{"name": "b", "prediction_type": "static", "static_value": {"items": ["\\udfff"]}}', headers=JSON),
    case("empty_body", "POST", C, 400, "body", data=b"", headers=JSON),
    case("whitespace_body", "PUT", "/api/v1/channels/1", 400, "body", data=b"  \n", headers=JSON),
    case("array_body", "POST", C, 400, "object", json=[{"screen_id": "x"}]),
    case("string_body", "POST", F, 400, "object", json="name"),
    case("number_body", "PUT", "/api/v1/filters/1", 400, "object", json=1),
    case("null_body", "POST", E, 400, "object", json=None, data=b"null", headers=JSON),
]

CHANNEL_FIELDS = [
    case("channel_missing_screen_id", "POST", C, 400, "screen_id", json={"experiments": [1]}),
    case("channel_null_screen_id", "POST", C, 400, "screen_id", json={"screen_id": None, "experiments": [1]}),
    case("channel_screen_id_number", "POST", C, 400, "screen_id", json={"screen_id": 5, "experiments": [1]}),
    case("channel_empty_screen_id", "POST", C, 400, "screen_id", json={"screen_id": "", "experiments": [1]}),
    case("channel_blank_screen_id", "PUT", "/api/v1/channels/1", 400, "screen_id", json={"screen_id": "  ", "experiments": [1]}),
    case("channel_long_screen_id", "POST", C, 400, "screen_id",
         json={"screen_id": "x" * (assumptions.MAX_NAME_LENGTH + 1), "experiments": [1]}),
    case("channel_control_char", "POST", C, 400, "screen_id", json={"screen_id": "a\nb", "experiments": [1]}),
    case("channel_missing_experiments", "POST", C, 400, "experiments", json={"screen_id": "new"}),
    case("channel_experiments_string", "POST", C, 400, "experiments", json={"screen_id": "new", "experiments": "1"}),
    case("channel_experiment_bool", "POST", C, 400, "experiments[0]", json={"screen_id": "new", "experiments": [True]}),
    case("channel_experiment_float", "POST", C, 400, "experiments[1]", json={"screen_id": "new", "experiments": [1, 2.5]}),
    case("channel_experiment_zero", "POST", C, 400, "experiments[0]", json={"screen_id": "new", "experiments": [0]}),
    case("channel_experiment_repeated", "POST", C, 400, "experiments", json={"screen_id": "new", "experiments": [1, 1]}),
    case("channel_experiment_missing", "POST", C, 400, "experiments[1]", json={"screen_id": "new", "experiments": [1, 99]}),
    case("channel_update_to_missing_experiment", "PUT", "/api/v1/channels/1", 400, "experiments[0]",
         json={"screen_id": "home", "experiments": [99]}),
]

EXPERIMENT_FIELDS = [
    case("experiment_missing_name", "POST", E, 400, "name", json={"bucketing_seed": ""}),
    case("experiment_name_list", "POST", E, 400, "name", json={"name": ["x"]}),
    case("experiment_empty_name", "PUT", "/api/v1/experiments/1", 400, "name", json={"name": ""}),
    case("experiment_description_number", "POST", E, 400, "description", json={"name": "n", "description": 5}),
    case("experiment_seed_number", "POST", E, 400, "bucketing_seed", json={"name": "n", "bucketing_seed": 5}),
    case("experiment_filter_string", "POST", E, 400, "model_filter_id", json={"name": "n", "model_filter_id": "1"}),
    case("experiment_filter_missing", "PUT", "/api/v1/experiments/2", 400, "model_filter_id",
         json={"name": "exp2", "model_filter_id": 99}),
]

BUCKET_FIELDS = [
    case("bucket_missing_name", "POST", B, 400, "name", json={"prediction_type": "empty"}),
    case("bucket_missing_type", "POST", B, 400, "prediction_type", json={"name": "n"}),
    case("bucket_unknown_type", "POST", B, 400, "prediction_type", json={"name": "n", "prediction_type": "magic"}),
    case("bucket_static_without_value", "POST", B, 400, "static_value", json={"name": "n", "prediction_type": "static"}),
    case("bucket_static_items_not_list", "POST", B, 400, "static_value.items",
         json={"name": "n", "prediction_type": "static", "static_value": {"items": "x"}}),
    case("bucket_batch_without_model", "POST", B, 400, "batch_model_id", json={"name": "n", "prediction_type": "batch"}),
    case("bucket_online_missing_model", "POST", B, 400, "online_model_id",
         json={"name": "n", "prediction_type": "online", "online_model_id": 99}),
    case("bucket_automl_on_manual_model", "PUT", "/api/v1/experiments/1/buckets/2", 400, "automl_model_id",
         json={"name": "b", "prediction_type": "automl", "automl_model_id": 1}),
    case("bucket_description_object", "POST", B, 400, "description",
         json={"name": "n", "prediction_type": "empty", "description": {}}),
]

RATIO_AND_MIGRATION = [
    case("ratio_missing", "PUT", RATIO, 400, "bucket_ratio", json={}),
    case("ratio_not_object", "PUT", RATIO, 400, "bucket_ratio", json={"bucket_ratio": [50, 50]}),
    case("ratio_key_not_id", "PUT", RATIO, 400, "bucket_ratio.x", json={"bucket_ratio": {"x": 50, "2": 50}}),
    case("ratio_key_padded", "PUT", RATIO, 400, "bucket_ratio. 1", json={"bucket_ratio": {" 1": 50, "2": 50}}),
    case("ratio_key_non_ascii_digit", "PUT", RATIO, 400, "bucket_ratio.\u0661", json={"bucket_ratio": {"\u0661": 50, "2": 50}}),
    case("ratio_share_string", "PUT", RATIO, 400, "bucket_ratio.1", json={"bucket_ratio": {"1": "50", "2": 50}}),
    case("ratio_share_bool", "PUT", RATIO, 400, "bucket_ratio.1", json={"bucket_ratio": {"1": True, "2": 99}}),
    case("ratio_share_fraction", "PUT", RATIO, 400, "bucket_ratio.2", json={"bucket_ratio": {"1": 50, "2": 50.5}}),
    case("ratio_negative", "PUT", RATIO, 400, "bucket_ratio.1", json={"bucket_ratio": {"1": -1, "2": 101}}),
    case("ratio_sum_not_100", "PUT", RATIO, 400, "bucket_ratio", json={"bucket_ratio": {"1": 50, "2": 40}}),
    case("ratio_missing_bucket", "PUT", RATIO, 400, "bucket_ratio", json={"bucket_ratio": {"1": 100}}),
    case("ratio_foreign_bucket", "PUT", RATIO, 400, "bucket_ratio", json={"bucket_ratio": {"1": 50, "2": 25, "3": 25}}),
    case("migration_missing_model", "POST", MIGRATE, 400, "model_id", json={"migration_request": {"prediction_type": "empty"}}),
    case("migration_unknown_model", "POST", MIGRATE, 400, "model_id",
         json={"model_id": 99, "migration_request": {"prediction_type": "empty"}}),
    case("migration_request_missing", "POST", MIGRATE, 400, "migration_request", json={"model_id": 1}),
    case("migration_request_bad_type", "POST", MIGRATE, 400, "migration_request.prediction_type",
         json={"model_id": 1, "migration_request": {"prediction_type": "magic"}}),
    case("migration_target_not_given", "POST", MIGRATE, 400, "migration_request.batch_model_id",
         json={"model_id": 1, "migration_request": {"prediction_type": "batch"}}),
    case("migration_static_items_not_list", "POST", MIGRATE, 400, "migration_request.static_value.items",
         json={"model_id": 1, "migration_request": {"prediction_type": "static", "static_value": {"items": {}}}}),
    case("migration_target_missing", "POST", MIGRATE, 400, "migration_request.online_model_id",
         json={"model_id": 1, "migration_request": {"prediction_type": "online", "online_model_id": 99}}),
]

FILTER_FIELDS = [
    case("filter_missing_name", "POST", F, 400, "name", json={"body": {"conditions": []}}),
    case("filter_missing_body", "POST", F, 400, "body", json={"name": "n"}),
    case("filter_body_list", "POST", F, 400, "body", json={"name": "n", "body": []}),
    case("filter_conditions_missing", "POST", F, 400, "body.conditions", json={"name": "n", "body": {}}),
    case("filter_condition_not_object", "POST", F, 400, "body.conditions[0]", json={"name": "n", "body": {"conditions": [1]}}),
    case("filter_condition_empty_key", "POST", F, 400, "body.conditions[0].key",
         json={"name": "n", "body": {"conditions": [{**GOOD_CONDITION, "key": ""}]}}),
    case("filter_condition_bad_operator", "PUT", "/api/v1/filters/1", 400, "body.conditions[1].operator",
         json={"name": "f", "body": {"conditions": [GOOD_CONDITION, {**GOOD_CONDITION, "operator": "=~"}]}}),
    case("filter_condition_no_value", "POST", F, 400, "body.conditions[0].value",
         json={"name": "n", "body": {"conditions": [{"key": "k", "operator": "=="}]}}),
]

QUERY = [
    case("query_id_not_number", "GET", C + "?id=abc", 400, "id"),
    case("query_id_zero", "GET", E + "?id=0", 400, "id"),
    case("query_id_negative", "GET", F + "?id=-1", 400, "id"),
    case("query_id_repeated", "GET", C + "?id=1&id=2", 400, "id"),
    case("query_page_zero", "GET", E + "?page=0", 400, "page"),
    case("query_page_text", "GET", C + "?page=two", 400, "page"),
    case("query_page_huge", "GET", F + "?page=" + "9" * 40, 400, "page"),
    case("query_bucket_id", "GET", B + "?id=1.5", 400, "id"),
    case("query_model_type", "GET", M + "?model_type=magic", 400, "model_type"),
    case("query_model_id", "GET", M + "?id=x", 400, "id"),
]


def _basic(raw: bytes) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


AUTHENTICATION = [
    case("auth_missing", "GET", C, 401, "Authorization", headers={"Authorization": None}),
    case("auth_bearer", "GET", C, 401, "Authorization", headers={"Authorization": "Bearer token"}),
    case("auth_basic_empty", "GET", C, 401, "Authorization", headers={"Authorization": "Basic "}),
    case("auth_not_base64", "POST", C, 401, "Authorization", headers={"Authorization": "Basic %%%"},
         json={"screen_id": "new", "experiments": [1]}),
    case("auth_non_ascii_token", "GET", C, 401, "Authorization", headers={"Authorization": "Basic \u00e9t\u00e9"}),
    case("auth_no_colon", "DELETE", "/api/v1/channels/1", 401, "Authorization", headers=_basic(b"useronly")),
    case("auth_empty_username", "DELETE", "/api/v1/filters/1", 401, "Authorization", headers=_basic(b":pw")),
    case("auth_not_utf8", "PUT", "/api/v1/channels/1", 401, "Authorization", headers=_basic(b"\xff:pw"),
         json={"screen_id": "renamed", "experiments": [1]}),
    case("auth_before_route", "GET", "/api/v1/nowhere", 401, "Authorization", headers={"Authorization": None}),
]

NOT_FOUND = [
    case("channel_get", "GET", "/api/v1/channels/99", 404, "channel 99"),
    case("channel_put", "PUT", "/api/v1/channels/99", 404, "channel 99", json={"screen_id": "x", "experiments": [1]}),
    case("channel_delete", "DELETE", "/api/v1/channels/99", 404, "channel 99"),
    case("experiment_get", "GET", "/api/v1/experiments/99", 404, "experiment 99"),
    case("experiment_put", "PUT", "/api/v1/experiments/99", 404, "experiment 99", json={"name": "x"}),
    case("experiment_delete", "DELETE", "/api/v1/experiments/99", 404, "experiment 99"),
    case("buckets_of_missing_experiment", "GET", "/api/v1/experiments/99/buckets", 404, "experiment 99"),
    case("bucket_create_in_missing_experiment", "POST", "/api/v1/experiments/99/buckets", 404, "experiment 99",
         json={"name": "n", "prediction_type": "empty"}),
    case("bucket_get", "GET", "/api/v1/experiments/1/buckets/99", 404, "bucket 99"),
    case("bucket_of_other_experiment", "GET", "/api/v1/experiments/1/buckets/3", 404, "bucket 3"),
    case("bucket_put_other_experiment", "PUT", "/api/v1/experiments/2/buckets/1", 404, "bucket 1",
         json={"name": "a", "prediction_type": "empty"}),
    case("bucket_delete", "DELETE", "/api/v1/experiments/1/buckets/99", 404, "bucket 99"),
    case("ratio_missing_experiment", "PUT", "/api/v1/experiments/99/bucket_ratio", 404, "experiment 99",
         json={"bucket_ratio": {}}),
    case("filter_get", "GET", "/api/v1/filters/99", 404, "filter 99"),
    case("filter_put", "PUT", "/api/v1/filters/99", 404, "filter 99", json={"name": "x", "body": {"conditions": []}}),
    case("filter_delete", "DELETE", "/api/v1/filters/99", 404, "filter 99"),
    case("model_get", "GET", "/api/v1/models/99", 404, "model 99"),
    case("huge_id", "GET", "/api/v1/channels/" + "9" * 30, 404, "channel"),
    case("route_unknown_resource", "GET", "/api/v1/things", 404, "route"),
    case("route_unknown_version", "GET", "/api/v2/channels", 404, "route"),
    case("route_root", "GET", "/", 404, "route"),
    case("route_non_numeric_id", "GET", "/api/v1/channels/abc", 404, "route"),
    case("route_negative_id", "DELETE", "/api/v1/filters/-1", 404, "route"),
]

METHOD = [
    case("patch_channel", "PATCH", "/api/v1/channels/1", 405, "PATCH", json={"screen_id": "x"}),
    case("delete_collection", "DELETE", C, 405, "DELETE"),
    case("put_collection", "PUT", E, 405, "PUT", json={"name": "x"}),
    case("post_to_record", "POST", "/api/v1/filters/1", 405, "POST", json={"name": "x", "body": {"conditions": []}}),
    # Model writes are client routes the fake does not serve yet: 501, never a 404/405 the client misreads.
    case("post_model_without_version", "POST", M, 400, "version", json={"name": "m2", "model_type": "manual"}),
    case("put_model_changing_its_type", "PUT", "/api/v1/models/1", 400, "model_type",
         json={"name": "m", "version": "v2", "model_type": "automl"}),
    case("delete_model_a_bucket_serves", "DELETE", "/api/v1/models/1", 409, "served by buckets"),
    case("get_migrations", "GET", MIGRATE, 405, "GET"),
    case("get_ratio", "GET", RATIO, 405, "GET"),
    case("options", "OPTIONS", C, 405, "OPTIONS"),
]

CONFLICT = [
    case("channel_duplicate", "POST", C, 409, "home", json={"screen_id": "home", "experiments": [2]}),
    case("channel_rename_to_taken", "PUT", "/api/v1/channels/2", 409, "home", json={"screen_id": "home", "experiments": [2]}),
    case("experiment_duplicate", "POST", E, 409, "exp", json={"name": "exp"}),
    case("experiment_rename_to_taken", "PUT", "/api/v1/experiments/2", 409, "exp", json={"name": "exp"}),
    case("filter_duplicate", "POST", F, 409, "'f'", json={"name": "f", "body": {"conditions": []}}),
    case("filter_in_use", "DELETE", "/api/v1/filters/1", 409, "exp"),
    case("bucket_duplicate", "POST", B, 409, "'a'", json={"name": "a", "prediction_type": "empty"}),
    case("bucket_rename_to_taken", "PUT", "/api/v1/experiments/1/buckets/2", 409, "'a'",
         json={"name": "a", "prediction_type": "empty"}),
]

TOO_LARGE = b'{"name": "' + b"x" * assumptions.MAX_BODY_BYTES + b'"}'
SIZE_AND_TYPE = [
    case("oversized_post", "POST", E, 413, str(assumptions.MAX_BODY_BYTES), data=TOO_LARGE, headers=JSON),
    case("oversized_put", "PUT", "/api/v1/filters/1", 413, "larger", data=TOO_LARGE, headers=JSON),
    case("oversized_on_a_get", "GET", C, 413, "larger", data=TOO_LARGE, headers=JSON),
    case("oversized_delete", "DELETE", "/api/v1/channels/1", 413, "larger", data=TOO_LARGE, headers=JSON),
    case("text_plain", "POST", C, 415, "text/plain", data=b'{"screen_id": "x", "experiments": [1]}',
         headers={"Content-Type": "text/plain"}),
    case("form_encoded", "PUT", "/api/v1/experiments/1", 415, "application/x-www-form-urlencoded", data={"name": "x"}),
    case("xml", "POST", F, 415, "application/xml", data=b"<filter/>", headers={"Content-Type": "application/xml"}),
]


DEPTH = assumptions.MAX_JSON_DEPTH
MAX_ID = assumptions.MAX_ID


def _filter_nested(levels: int) -> bytes:
    """A filter body nested `levels` deep in all (its condition value makes up the rest)."""
    value = "[" * (levels - 4) + "1" + "]" * (levels - 4)
    return b'{"name": "deep", "body": {"conditions": [{"key": "k", "operator": "==", "value": %s}]}}' % value.encode()


FOUR_THOUSAND_THREE_HUNDRED_NINES = int("9" * 4300)
NESTING = [
    case("nested_one_past_the_limit", "POST", F, 400, f"nested more than {DEPTH} levels", data=_filter_nested(DEPTH + 1),
         headers=JSON),
    case("nested_480", "POST", F, 400, f"nested more than {DEPTH} levels", data=_filter_nested(480), headers=JSON),
    case("nested_500", "PUT", "/api/v1/filters/1", 400, f"nested more than {DEPTH} levels", data=_filter_nested(500),
         headers=JSON),
    case("nested_objects", "POST", C, 400, f"nested more than {DEPTH} levels", data=b'{"a":' * 70_000, headers=JSON),
    case("nested_utf16", "POST", C, 400, f"nested more than {DEPTH} levels", data=("[" * 65).encode("utf-16-le"),
         headers=JSON),
    case("brackets_in_strings_are_not_nesting_but_the_value_is_too_deep_to_store", "POST", F, 400, "body.conditions[0]",
         data=_filter_nested(DEPTH).replace(b'"deep"', b'"' + b"[" * 100 + b'"'), headers=JSON),
    case("static_items_too_deep_to_store", "POST", B, 400, "static_value.items", headers=JSON,
         data=b'{"name": "n", "prediction_type": "static", "static_value": {"items": %s}}' % (b"[" * 61 + b"]" * 61)),
]

NUMBERS = [
    case("query_id_past_max", "GET", C + f"?id={MAX_ID + 1}", 400, f"id: must be a positive integer, at most {MAX_ID}"),
    case("query_bucket_id_past_max", "GET", B + f"?id={MAX_ID + 1}", 400, "id"),
    case("query_page_past_max", "GET", E + f"?page={MAX_ID + 1}", 400, f"page: must be a positive integer, at most {MAX_ID}"),
    case("path_id_past_max", "GET", f"/api/v1/channels/{MAX_ID + 1}", 404, f"channel {MAX_ID + 1} does not exist"),
    case("path_id_17_digits_put", "PUT", "/api/v1/channels/" + "1" * 17, 404, "no such route",
         json={"screen_id": "x", "experiments": [1]}),
    case("path_id_5000_digits_delete", "DELETE", "/api/v1/channels/" + "9" * 5000, 404, "no such route"),
    case("path_id_5000_digits_put_bucket", "PUT", "/api/v1/experiments/1/buckets/" + "9" * 5000, 404, "no such route",
         json={"name": "a", "prediction_type": "empty"}),
    case("body_id_past_max", "POST", C, 400, f"experiments[0]: must be a positive integer id, at most {MAX_ID}",
         json={"screen_id": "new", "experiments": [MAX_ID + 1]}),
    case("body_filter_id_4300_digits", "PUT", "/api/v1/experiments/2", 400, "model_filter_id",
         json={"name": "exp2", "model_filter_id": FOUR_THOUSAND_THREE_HUNDRED_NINES}),
    case("body_model_id_past_max", "POST", B, 400, "batch_model_id",
         json={"name": "n", "prediction_type": "batch", "batch_model_id": MAX_ID + 1}),
    case("migration_model_id_past_max", "POST", MIGRATE, 400, "model_id",
         json={"model_id": MAX_ID + 1, "migration_request": {"prediction_type": "empty"}}),
    case("ratio_shares_whose_sum_is_too_long_to_print", "PUT", RATIO, 400, "bucket_ratio.1: must be an integer from 0 to 100",
         json={"bucket_ratio": {"1": FOUR_THOUSAND_THREE_HUNDRED_NINES, "2": FOUR_THOUSAND_THREE_HUNDRED_NINES}}),
    case("ratio_share_over_100", "PUT", RATIO, 400, "bucket_ratio.2", json={"bucket_ratio": {"1": 0, "2": 101}}),
    case("ratio_key_past_max", "PUT", RATIO, 400, f"bucket_ratio.{MAX_ID + 1}", json={"bucket_ratio": {str(MAX_ID + 1): 100}}),
]


@pytest.mark.parametrize(
    "method, path, request_kwargs, status, mentions",
    BODY_SYNTAX + CHANNEL_FIELDS + EXPERIMENT_FIELDS + BUCKET_FIELDS + RATIO_AND_MIGRATION + FILTER_FIELDS
    + QUERY + AUTHENTICATION + NOT_FOUND + METHOD + CONFLICT + SIZE_AND_TYPE + NESTING + NUMBERS,
)
def test_bad_request_is_refused_and_changes_nothing(world, method, path, request_kwargs, status, mentions):
    before = world.store.dump()
    request_kwargs = dict(request_kwargs)  # the table is shared: never mutate a row
    headers = {**AUTH, **request_kwargs.pop("headers", {})}  # a None value drops the header

    response = requests.request(method, BASE + path, headers=headers, timeout=5, **request_kwargs)

    payload = assert_envelope(response, status)
    assert mentions in payload["error"]
    assert world.store.dump() == before
