"""Hostile requests, each sent twice: in-process (through `requests` and MLSMock's direct
path, which bypasses Flask) and over loopback to the waitress server (through Flask). Every
one must get the JSON envelope with code == status and leave the store exactly as it was.

tests/http covers body fields one by one (and test_bad_bodies.py every declared body, generated);
this table is about what arrives around them:
credentials, content types, ids in paths, query strings, sizes, nesting and characters.
"""
import base64
import json

import pytest
import requests

from mls_mock import MLSMock, assumptions

from breaking_support import AUTH, IN_PROCESS_BASE, tally
from support import build_world, check_response

C, E, F = "/api/v1/channels", "/api/v1/experiments", "/api/v1/filters"
GOOD_CHANNEL = {"screen_id": "brand_new", "experiments": [1]}
JSON_TYPE = {"Content-Type": "application/json"}


def basic(raw: bytes) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def row(case_id, method, path, status, *, query="", headers=None, body=None, raw=None, auth=True):
    """One hostile request: `body` is sent as JSON, `raw` as bytes; `headers` replace AUTH
    when `auth` is False."""
    return pytest.param(method, path, query, headers, body, raw, auth, status, id=case_id)


AUTH_ROWS = [
    row("no_authorization", "GET", C, 401, auth=False),
    row("bearer_scheme", "GET", C, 401, auth=False, headers={"Authorization": "Bearer abc"}),
    row("basic_without_token", "GET", C, 401, auth=False, headers={"Authorization": "Basic "}),
    row("basic_not_base64", "GET", C, 401, auth=False, headers={"Authorization": "Basic !!!"}),
    row("basic_without_colon", "GET", C, 401, auth=False, headers=basic(b"user")),
    row("basic_empty_username", "GET", C, 401, auth=False, headers=basic(b":password")),
    row("basic_not_utf8", "GET", C, 401, auth=False, headers=basic(b"\xff\xfe:pw")),
    row("basic_non_ascii_token", "GET", C, 401, auth=False, headers={"Authorization": "Basic \u00e9t\u00e9"}),
    row("basic_huge_token", "GET", C, 401, auth=False, headers={"Authorization": "Basic " + "QUFB" * 4000}),
    row("basic_latin1_token", "GET", C, 401, auth=False, headers={"Authorization": "Basic caf\u00e9=="}),
    row("scheme_only", "GET", C, 401, auth=False, headers={"Authorization": "Basic"}),
    row("create_without_authorization", "POST", C, 401, auth=False, body=GOOD_CHANNEL),
    row("delete_with_bearer", "DELETE", f"{C}/1", 401, auth=False, headers={"Authorization": "Bearer x"}),
]

CONTENT_TYPE_ROWS = [
    row("text_plain", "POST", C, 415, headers={"Content-Type": "text/plain"}, raw=json.dumps(GOOD_CHANNEL).encode()),
    row("form_urlencoded", "POST", C, 415, headers={"Content-Type": "application/x-www-form-urlencoded"},
        raw=b"screen_id=brand_new&experiments=1"),
    row("multipart", "PUT", f"{C}/1", 415, headers={"Content-Type": "multipart/form-data; boundary=x"},
        raw=b"--x\r\nContent-Disposition: form-data; name=\"screen_id\"\r\n\r\nhome\r\n--x--\r\n"),
    row("xml", "POST", E, 415, headers={"Content-Type": "application/xml"}, raw=b"<name>x</name>"),
    row("octet_stream", "POST", F, 415, headers={"Content-Type": "application/octet-stream"}, raw=b"\x00\x01"),
]

SIZE_AND_SHAPE_ROWS = [
    row("body_over_limit", "POST", C, 413, headers=JSON_TYPE,
        raw=b'{"screen_id": "' + b"x" * (assumptions.MAX_BODY_BYTES + 10) + b'", "experiments": [1]}'),
    row("nested_50k_arrays", "POST", C, 400, headers=JSON_TYPE, raw=b'{"screen_id": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"),
    row("nested_20k_objects", "POST", E, 400, headers=JSON_TYPE, raw=b'{"a":' * 20_000 + b"1" + b"}" * 20_000),
    row("100k_missing_experiment_ids", "POST", C, 400, body={"screen_id": "n", "experiments": list(range(10**6, 10**6 + 100_000))}),
    row("10k_unknown_keys", "POST", C, 400, body={f"k{i}": i for i in range(10_000)}),
    row("id_list_of_dicts", "POST", C, 400, body={"screen_id": "n", "experiments": [{"id": 1}]}),
    row("id_beyond_int64", "POST", C, 400, body={"screen_id": "n", "experiments": [2**70]}),
    row("id_huge_negative", "PUT", f"{C}/1", 400, body={"screen_id": "home", "experiments": [-(2**70)]}),
    row("name_object", "POST", E, 400, body={"name": {"$ne": None}}),
    row("name_bool", "POST", E, 400, body={"name": True}),
    row("name_float", "POST", F, 400, body={"name": 1.5, "body": {"conditions": []}}),
    row("name_256_chars", "POST", F, 400, body={"name": "é" * (assumptions.MAX_NAME_LENGTH + 1), "body": {"conditions": []}}),
]

CHARACTER_ROWS = [
    row(f"name_with_{label}", "POST", C, 400, body={"screen_id": f"a{char}b", "experiments": [1]})
    for label, char in (("nul", "\x00"), ("unit_separator", "\x1f"), ("delete", "\x7f"), ("newline", "\n"),
                        ("carriage_return", "\r"), ("tab", "\t"), ("escape", "\x1b"))
] + [
    row("name_only_spaces", "PUT", f"{C}/1", 400, body={"screen_id": "   ", "experiments": [1]}),
    row("escaped_nul_in_raw_json", "POST", E, 400, headers=JSON_TYPE, raw=b'{"name": "x\\u0000y"}'),
    row("latin1_bytes_as_json", "POST", E, 400, headers=JSON_TYPE, raw='{"name": "caf\u00e9"}'.encode("latin-1")),
]

PATH_ID_ROWS = [
    row("channel_id_zero", "GET", f"{C}/0", 404),
    row("channel_id_negative", "GET", f"{C}/-1", 404),
    row("channel_id_huge", "DELETE", f"{C}/{10**30}", 404),
    row("channel_id_word", "PUT", f"{C}/abc", 404, body={"screen_id": "home", "experiments": [1]}),
    row("channel_id_decimal", "DELETE", f"{C}/1.0", 404),
    row("channel_id_exponent", "DELETE", f"{C}/1e0", 404),
    row("channel_id_hex", "DELETE", f"{C}/0x1", 404),
    row("channel_id_fullwidth_digit", "DELETE", f"{C}/%EF%BC%91", 404),
    row("channel_id_arabic_digit", "DELETE", f"{C}/%D9%A1", 404),
    row("channel_id_encoded_nul", "DELETE", f"{C}/1%00", 404),
    row("channel_id_encoded_slash", "DELETE", f"{C}/1%2F2", 404),
    row("experiment_id_negative_zero", "DELETE", f"{E}/-0", 404),
    row("bucket_of_other_experiment", "DELETE", f"{E}/2/buckets/1", 404),
    row("bucket_of_missing_experiment", "GET", f"{E}/99/buckets", 404),
    row("extra_segment", "DELETE", f"{C}/1/extra", 404),
    row("unknown_version", "GET", "/api/v2/channels", 404),
]

QUERY_ROWS = [
    row("id_word", "GET", C, 400, query="id=abc"),
    row("id_zero", "GET", E, 400, query="id=0"),
    row("id_negative", "GET", F, 400, query="id=-1"),
    row("id_empty", "GET", C, 400, query="id="),
    row("id_huge", "GET", C, 400, query="id=" + "9" * 40),
    row("id_fullwidth", "GET", C, 400, query="id=%EF%BC%91"),
    row("id_repeated", "GET", C, 400, query="id=1&id=2"),
    row("name_repeated", "GET", E, 400, query="name=exp&name=exp2"),
    row("page_zero", "GET", C, 400, query="page=0"),
    row("page_float", "GET", F, 400, query="page=1.5"),
    row("model_type_unknown", "GET", "/api/v1/models", 400, query="model_type=magic"),
    row("bucket_id_word", "GET", f"{E}/1/buckets", 400, query="id=x"),
    # Unknown parameters are ignored (documented): answered, and nothing changes.
    row("unknown_params", "GET", C, 200, query="foo=bar&__proto__=1&constructor=2&id[]=1"),
    # (past 1,000 parameters the served fake answers 400 naming query: tests/server/test_limits.py)
    row("999_unknown_params", "GET", E, 200, query="&".join(f"p{i}={i}" for i in range(999))),
    row("encoded_nul_in_name", "GET", C, 200, query="screen_id=%00"),
    row("query_on_delete_ignored_but_id_checked", "DELETE", f"{C}/99", 404, query="id=1"),
]

METHOD_ROWS = [
    row("patch_channel", "PATCH", f"{C}/1", 405, body={"screen_id": "x"}),
    row("options_channels", "OPTIONS", C, 405),
    row("post_to_channel_id", "POST", f"{C}/1", 405, body=GOOD_CHANNEL),
    row("delete_collection", "DELETE", E, 405),
    row("put_model_without_type", "PUT", "/api/v1/models/1", 400, body={"name": "m"}),
]

ROWS = AUTH_ROWS + CONTENT_TYPE_ROWS + SIZE_AND_SHAPE_ROWS + CHARACTER_ROWS + PATH_ID_ROWS + QUERY_ROWS + METHOD_ROWS


@pytest.fixture(scope="module")
def in_process():
    mls = MLSMock()
    build_world(mls.store)
    with mls:
        yield IN_PROCESS_BASE, mls.store


@pytest.fixture(scope="module")
def over_loopback(live_server):
    live_server.store.reset()
    build_world(live_server.store)
    return live_server.url, live_server.store


@pytest.fixture(params=["in_process", "over_loopback"])
def target(request):
    return request.getfixturevalue(request.param)


def send(base, method, path, query, headers, body, raw, auth):
    sent_headers = {**(AUTH if auth else {}), **(headers or {})}
    url = base + path + (f"?{query}" if query else "")
    if raw is not None:
        return requests.request(method, url, headers=sent_headers, data=raw, timeout=30)
    return requests.request(method, url, headers=sent_headers, json=body, timeout=30)


@pytest.mark.parametrize("method, path, query, headers, body, raw, auth, status", ROWS)
def test_hostile_request_is_answered_and_changes_nothing(target, method, path, query, headers, body, raw, auth, status):
    base, store = target
    store.reset()
    build_world(store)
    before = store.dump()
    response = send(base, method, path, query, headers, body, raw, auth)
    tally("hostile requests sent (bad-input matrix)")
    check_response(response, status)
    assert store.dump() == before


UNICODE_NAMES = [
    "채널_홈", "канал", "قناة", "频道", "🚀 launch", "e\u0301", "a\u200db", "\u202eevil", "\U0001f468\u200d\U0001f469",
    "'; DROP TABLE channels; --", "<script>alert(1)</script>", "%00", "..\\..", "x" * assumptions.MAX_NAME_LENGTH,
]


@pytest.mark.parametrize("name", UNICODE_NAMES, ids=range(len(UNICODE_NAMES)))
def test_printable_unicode_names_round_trip_exactly(target, name):
    """Names the fake accepts must come back byte for byte, and be found by exact match."""
    base, store = target
    response = requests.post(f"{base}{C}", json={"screen_id": name, "experiments": [2]}, headers=AUTH, timeout=30)
    tally("hostile requests sent (bad-input matrix)")
    assert response.status_code == 201, response.text
    created = response.json()["results"]
    try:
        assert created["screen_id"] == name
        found = requests.get(f"{base}{C}", params={"screen_id": name}, headers=AUTH, timeout=30).json()["results"]
        assert [c["id"] for c in found] == [created["id"]]
    finally:
        store.delete_channel(created["id"])
