"""Raw HTTP on the graph API (/graph/v1/...) and the conversion tracking API (/ct/v1/...), as a
non-Python client sends it: the routes sktmls's own add/update methods never reach (they
break in the client) work; bad input is 400 naming the field or parameter, and changes nothing."""
import pytest
import requests

from rawhttp import assert_envelope
from mls_mock.pytest_plugin.helpers import TEST_APIKEY, TEST_CLIENT_ID

GRAPH = "https://graph.stg.sktmls.com/v1"
VERTICES, EDGES = GRAPH + "/vertices", GRAPH + "/edges"
CT = f"https://ct.stg.sktmls.com/v1/{TEST_CLIENT_ID}"
USER = {"id": "USER009", "label": "User", "properties": {"svc_mgmt_num": "7000000009", "age": 40,
                                                        "interests": ["golf"]}}
pytestmark = pytest.mark.mls_seed("demo")


def assert_refused(mls_mock, method, url, field, status=400, **kwargs):
    before = mls_mock.store.dump()
    error = assert_envelope(requests.request(method, url, **kwargs), status)["error"]
    assert error == field or error[len(field):][:1] in (":", ".", "[") and error.startswith(field), error
    assert mls_mock.store.dump() == before
    return error


def test_add_patch_and_drop_a_vertex(mls_mock):
    added = assert_envelope(requests.post(VERTICES, params={"mode": "test"}, json=USER), 201)["results"]
    assert added == {"vertices": [USER]}

    patched = assert_envelope(requests.patch(VERTICES + "/USER009", json={"properties": {
        "age": 41, "interests": ["tennis", "golf"]}}), 200)["results"]
    assert patched["vertices"][0]["properties"] == {"svc_mgmt_num": "7000000009", "age": 41,
                                                    "interests": ["golf", "tennis"]}  # a set accumulates
    assert assert_envelope(requests.get(VERTICES + "/USER009"), 200)["results"] == patched

    assert assert_envelope(requests.delete(VERTICES + "/USER009"), 200)["results"] is None
    assert_envelope(requests.get(VERTICES + "/USER009"), 404)
    assert [c.status for c in mls_mock.calls] == [201, 200, 200, 200, 404] and {c.user for c in mls_mock.calls} == {""}


def test_add_and_patch_an_edge(mls_mock):
    body = {"from": "USER002", "to": "PROD001", "label": "purchased", "properties": {"count": 1}}
    added = assert_envelope(requests.post(EDGES, json=body), 201)["results"]["edges"]
    assert added == [{"id": "USER002_purchased_PROD001", "label": "purchased", "from": "USER002", "to": "PROD001",
                      "properties": {"count": 1}}]

    patched = assert_envelope(requests.patch(EDGES + "/USER002_purchased_PROD001", json={"properties": {
        "count": 2, "channels": ["a", "a", "b"]}}), 200)["results"]["edges"][0]
    assert patched["properties"] == {"count": 2, "channels": ["a", "b"]}
    assert_envelope(requests.post(EDGES, json=body), 409)


def test_limit_caps_a_list_and_a_drop(mls_mock):
    assert [v["id"] for v in assert_envelope(requests.get(VERTICES, params={"limit": 2}), 200)["results"][
        "vertices"]] == ["USER001", "USER002"]
    assert_envelope(requests.delete(VERTICES, params={"limit": 1, "age__gt": 0}), 200)
    assert [v["id"] for v in assert_envelope(requests.get(VERTICES), 200)["results"]["vertices"]] == [
        "USER002", "PROD001", "STORE001"]


@pytest.mark.parametrize("body, field", [
    ({"label": "User"}, "id"),
    ({"id": "", "label": "User"}, "id"),
    ({"id": 7, "label": "User"}, "id"),
    ({"id": "a/b", "label": "User"}, "id"),
    ({"id": "a?b", "label": "User"}, "id"),
    ({"id": "U", "label": "Nobody"}, "label"),
    ({"id": "U"}, "label"),
    ({"id": "U", "label": "User", "properties": []}, "properties"),
    ({"id": "U", "label": "User", "properties": {"height": 1}}, "properties.height"),
    ({"id": "U", "label": "User", "properties": {"age": "34"}}, "properties.age"),
    ({"id": "U", "label": "User", "properties": {"age": True}}, "properties.age"),
    ({"id": "U", "label": "User", "properties": {"age": [34]}}, "properties.age"),
    ({"id": "U", "label": "User", "properties": {"interests": "golf"}}, "properties.interests"),
    ({"id": "U", "label": "User", "properties": {"interests": ["golf", 3]}}, "properties.interests"),
    ({"id": "U", "label": "User", "properties": {"interests": [["nested"]]}}, "properties.interests[0]"),
    ({"id": "U", "label": "User", "properties": {"age": {"n": 1}}}, "properties.age"),
])
def test_a_bad_vertex_is_400_naming_the_field(mls_mock, body, field):
    assert_refused(mls_mock, "POST", VERTICES, field, json=body)


@pytest.mark.parametrize("body, field", [
    ({"to": "PROD001", "label": "purchased"}, "from"),
    ({"from": "USER009", "to": "PROD001", "label": "purchased"}, "from"),
    ({"from": "USER001", "to": 3, "label": "purchased"}, "to"),
    ({"from": "USER001", "to": "PROD001"}, "label"),
    ({"from": "USER001", "to": "PROD001", "label": "liked"}, "label"),
    ({"from": "PROD001", "to": "USER001", "label": "purchased"}, "from"),  # the schema joins User to Product
    ({"from": "USER001", "to": "STORE001", "label": "purchased"}, "to"),
    ({"from": "USER002", "to": "PROD001", "label": "purchased", "properties": {"count": "two"}}, "properties.count"),
])
def test_a_bad_edge_is_400_naming_the_field(mls_mock, body, field):
    assert_refused(mls_mock, "POST", EDGES, field, json=body)


@pytest.mark.parametrize("url, body, field, status", [
    (VERTICES + "/USER001", {}, "properties", 400),
    (VERTICES + "/USER001", {"properties": None}, "properties", 400),
    (VERTICES + "/USER001", {"properties": {"age": "old"}}, "properties.age", 400),
    (VERTICES + "/USER001", {"properties": {"price": 1}}, "properties.price", 400),
    (EDGES + "/USER001_purchased_PROD001", {"properties": {"count": [1]}}, "properties.count", 400),
])
def test_a_bad_patch_is_400_naming_the_field(mls_mock, url, body, field, status):
    assert_refused(mls_mock, "PATCH", url, field, status, json=body)


@pytest.mark.parametrize("method, params, field", [
    ("GET", {"limit": 0}, "limit"),
    ("GET", {"limit": "many"}, "limit"),
    ("GET", {"mode": "prod"}, "mode"),
    ("GET", [("age__gt", "1"), ("age__gt", "2")], "age__gt"),
    ("GET", {"age__gte": "nan"}, "age__gte"),
    ("GET", {"age__bw": "1"}, "age__bw"),
    ("GET", {"age__bw": "1,x"}, "age__bw"),
    ("DELETE", {"age__lt": "young"}, "age__lt"),
    ("DELETE", {"mode": "live"}, "mode"),
])
def test_a_bad_query_is_400_naming_it(mls_mock, method, params, field):
    assert_refused(mls_mock, method, VERTICES, field, params=params)


def test_a_missing_instance_is_404_and_not_a_body_is_refused(mls_mock):
    assert_refused(mls_mock, "PATCH", VERTICES + "/NOPE", "vertex 'NOPE' does not exist", 404, json={"properties": {}})
    assert_refused(mls_mock, "DELETE", EDGES + "/NOPE", "edge 'NOPE' does not exist", 404)
    assert_envelope(requests.post(VERTICES, data=b"[1]", headers={"Content-Type": "application/json"}), 400)
    assert_envelope(requests.post(VERTICES, data=b"id=U", headers={"Content-Type": "text/plain"}), 415)
    assert_envelope(requests.put(VERTICES + "/USER001", json=USER), 405)


# ---- conversion tracking -------------------------------------------------------------------------

CONVERSION = {"user_id": "u1", "channel_id": "c1", "process_id": "p1", "item_id": "i1"}
TEST = {"mode": "test"}  # what the client sends with every conversion


@pytest.mark.parametrize("path, body, field", [
    ("/click", {k: v for k, v in CONVERSION.items() if k != "item_id"}, "item_id"),
    ("/click", {**CONVERSION, "user_id": ["u1"]}, "user_id"),
    ("/click", {**CONVERSION, "channel_id": "a\nb"}, "channel_id"),
    ("/CLICK", CONVERSION, "conversion_type"),
    ("/buy", CONVERSION, "conversion_type"),
])
def test_a_bad_conversion_is_400_naming_the_field(mls_api_key, mls_mock, path, body, field):
    assert_refused(mls_mock, "POST", CT + path, field, json=body, params=TEST, headers={"apikey": TEST_APIKEY})
    assert mls_mock.conversions == []


def test_a_conversion_without_a_key_or_a_json_body(mls_api_key, mls_mock):
    assert_envelope(requests.post(CT + "/click", params=TEST, json=CONVERSION), 401)
    assert_envelope(requests.post(CT + "/click", params=TEST, data=b"", headers={"apikey": TEST_APIKEY}), 400)
    assert_envelope(requests.get(CT + "/click", headers={"apikey": TEST_APIKEY}), 405)
    assert_envelope(requests.post(CT + "/click", params={"mode": "live"}, json=CONVERSION,
                                  headers={"apikey": TEST_APIKEY}), 400)
    assert_envelope(requests.post(CT + "/click", params=TEST, json=CONVERSION, headers={"apikey": TEST_APIKEY}), 200)
    assert len(mls_mock.conversions) == 1
