"""Raw HTTP on the DynamoDB and data status routes: each body field refused with 400 naming
it, 404s, the answers' exact shapes, and the /_mock/ routes a test steers them with. Every
refusal leaves the store as it was."""
import pytest
import requests

from rawhttp import AUTH, BASE, assert_envelope

ITEMS = BASE + "/api/v1/dynamodb"
TABLES = BASE + "/api/v1/dynamodb/tables"
MOCK_TABLES = BASE + "/_mock/dynamodb/tables"
MOCK_STATUS = BASE + "/_mock/data_status"
ITEM = {"item_id": "PRD-1", "score": 1}


@pytest.fixture
def table(mls_mock):
    mls_mock.store.create_dynamodb_table("mls_scores", items=[ITEM])
    return mls_mock


def request(body):
    return {"type": "get", "table_name": "mls_scores", "body": {"item_id": "PRD-1"}, **body}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"type": None}, "type"),
        ({"type": "scan"}, "type"),
        ({"type": "GET"}, "type"),
        ({"table_name": None}, "table_name"),
        ({"table_name": 5}, "table_name"),
        ({"body": None}, "body"),
        ({"body": ["item_id"]}, "body"),
        ({"body": "PRD-1"}, "body"),
        ({"body": {}}, "body.item_id"),
        ({"body": {"item_id": None}}, "body.item_id"),
        ({"body": {"item_id": False}}, "body.item_id"),
        ({"body": {"item_id": ["PRD-1"]}}, "body.item_id"),
        ({"body": {"item_id": "PRD-1", "extra": 1}}, "body.extra"),
        ({"type": "delete", "body": {"item_id": "PRD-1", "extra": 1}}, "body.extra"),
        ({"type": "put", "body": {"score": 2}}, "body.item_id"),
        ({"type": "update", "body": {"item_id": ""}}, "body.item_id"),
    ],
)
def test_each_request_field_is_checked(table, body, field):
    before = table.store.dump()

    payload = assert_envelope(requests.post(ITEMS, json=request(body), headers=AUTH), 400)

    assert payload["error"].startswith(field + ":"), payload
    assert table.store.dump() == before


def test_a_body_that_is_not_an_object_is_400(table):
    assert_envelope(requests.post(ITEMS, json=["get"], headers=AUTH), 400)


@pytest.mark.parametrize(
    "body, mentions",
    [
        ({"table_name": "mls_other"}, "mls_other"),
        ({"body": {"item_id": "PRD-2"}}, "PRD-2"),
        ({"type": "update", "body": {"item_id": "PRD-2", "a": 1}}, "PRD-2"),
        ({"type": "delete", "body": {"item_id": "PRD-2"}}, "PRD-2"),
        ({"type": "put", "table_name": "mls_other", "body": ITEM}, "mls_other"),
    ],
)
def test_missing_tables_and_items_are_404(table, body, mentions):
    before = table.store.dump()

    assert mentions in assert_envelope(requests.post(ITEMS, json=request(body), headers=AUTH), 404)["error"]
    assert table.store.dump() == before


def test_the_answers(table):
    put = {"item_id": "PRD-2", "nested": {"a": [1, 2.5, None, True]}}
    assert assert_envelope(requests.post(ITEMS, json=request({}), headers=AUTH), 200)["results"] == {"item": ITEM}
    assert assert_envelope(requests.post(ITEMS, json=request({"type": "put", "body": put}), headers=AUTH), 200)[
        "results"
    ] == {"item": put}
    updated = assert_envelope(
        requests.post(ITEMS, json=request({"type": "update", "body": {"item_id": "PRD-2", "x": "y"}}), headers=AUTH),
        200,
    )
    assert updated["results"] == {"item": {**put, "x": "y"}}
    deleted = assert_envelope(requests.post(ITEMS, json=request({"type": "delete"}), headers=AUTH), 200)
    assert deleted["results"] is None


def test_readiness_of_a_table(table):
    active = assert_envelope(requests.get(f"{TABLES}/mls_scores/is_active", headers=AUTH), 200)
    loading = assert_envelope(requests.get(f"{TABLES}/mls_scores/is_loading", headers=AUTH), 200)
    assert (active["results"], loading["results"]) == ({"is_active": True}, {"is_loading": False})


def test_a_missing_table_is_inactive_and_its_loading_is_404(table):
    missing = assert_envelope(requests.get(f"{TABLES}/mls_none/is_active", headers=AUTH), 200)
    assert missing["results"] == {"is_active": False}
    assert "mls_none" in assert_envelope(requests.get(f"{TABLES}/mls_none/is_loading", headers=AUTH), 404)["error"]


def test_delete_table_drops_it_and_its_items(table):
    deleted = assert_envelope(requests.delete(f"{TABLES}/mls_scores", headers=AUTH), 200)

    assert deleted["results"] is None
    assert (table.store.counts()["dynamodb_tables"], table.store.counts()["dynamodb_items"]) == (0, 0)
    before = table.store.dump()
    assert_envelope(requests.delete(f"{TABLES}/mls_scores", headers=AUTH), 404)
    assert table.store.dump() == before


def test_the_routes_need_basic_auth(table):
    assert_envelope(requests.post(ITEMS, json=request({})), 401)
    assert_envelope(requests.get(f"{TABLES}/mls_scores/is_active"), 401)
    assert_envelope(requests.get(BASE + "/api/v1/data_status/s3"), 401)


def test_data_status_shapes_when_nothing_is_set(mls_mock):
    answers = {
        source: assert_envelope(requests.get(f"{BASE}/api/v1/data_status/{source}", headers=AUTH), 200)["results"]
        for source in ("s3", "batch", "dynamodb")
    }
    assert answers == {
        "s3": {"s3": {}},
        "batch": {"batch": {"running": [], "success": [], "fail": []}},
        "dynamodb": {"dynamodb": {}},
    }


# ---- /_mock/ -------------------------------------------------------------------------------


def test_the_table_is_still_loading_in_one_request(table):
    readiness = requests.put(f"{MOCK_TABLES}/mls_scores/readiness", json={"is_loading": True})

    assert assert_envelope(readiness, 200)["results"]["is_loading"] is True
    assert requests.get(f"{TABLES}/mls_scores/is_loading", headers=AUTH).json()["results"] == {"is_loading": True}
    assert requests.get(f"{TABLES}/mls_scores/is_active", headers=AUTH).json()["results"] == {"is_active": True}


def test_mock_tables_and_items(mls_mock):
    made = assert_envelope(requests.post(MOCK_TABLES, json={"name": "user-profile-x", "is_active": False}), 201)
    assert {k: made["results"][k] for k in ("name", "key", "is_active", "is_loading", "items")} == {
        "name": "user-profile-x", "key": "user_id", "is_active": False, "is_loading": False, "items": []
    }
    item = {"user_id": "u1", "age": 30}
    assert assert_envelope(requests.post(f"{MOCK_TABLES}/user-profile-x/items", json=item), 201)["results"] == item
    assert assert_envelope(requests.get(f"{MOCK_TABLES}/user-profile-x"), 200)["results"]["items"] == [item]
    assert_envelope(requests.post(MOCK_TABLES, json={"name": "user-profile-x"}), 409)


@pytest.mark.parametrize(
    "method, path, body, status, field",
    [
        ("POST", "", {"name": "ab"}, 400, "name"),
        ("POST", "", {"name": "has space"}, 400, "name"),
        ("POST", "", {"name": "mls_t", "is_active": "yes"}, 400, "is_active"),
        ("POST", "", {"name": "mls_t", "key": ""}, 400, "key"),
        ("PUT", "/mls_scores/readiness", {"is_loading": 1}, 400, "is_loading"),
        ("PUT", "/mls_none/readiness", {"is_loading": True}, 404, "mls_none"),
        ("POST", "/mls_none/items", ITEM, 404, "mls_none"),
        ("POST", "/mls_scores/items", {"score": 1}, 400, "item.item_id"),
        ("GET", "/mls_none", None, 404, "mls_none"),
    ],
)
def test_mock_table_refusals_change_nothing(table, method, path, body, status, field):
    before = table.store.dump()

    payload = assert_envelope(requests.request(method, MOCK_TABLES + path, json=body), status)

    assert field in payload["error"]
    assert table.store.dump() == before


def test_mock_data_status(mls_mock):
    days = [{"date": "2025-07-20", "status": "success"}]
    entry = {"source": "s3", "name": "mls_scores", "status": days}
    set_one = assert_envelope(requests.put(MOCK_STATUS, json=entry), 200)
    assert {k: set_one["results"][k] for k in ("source", "name", "status")} == entry
    assert requests.get(f"{BASE}/api/v1/data_status/s3", headers=AUTH).json()["results"] == {"s3": {"mls_scores": days}}
    before = mls_mock.store.dump()
    for body, field in [
        ({**entry, "status": "success"}, "status"),
        ({**entry, "source": "gcs"}, "source"),
        ({**entry, "source": "batch", "name": "queued"}, "name"),
        ({"source": "s3", "status": days}, "name"),
    ]:
        assert assert_envelope(requests.put(MOCK_STATUS, json=body), 400)["error"].startswith(field)
    assert assert_envelope(requests.delete(MOCK_STATUS, params={"source": "x"}), 400)["error"].startswith("source")
    assert_envelope(requests.delete(MOCK_STATUS, params={"source": "batch", "name": "mls_scores"}), 404)
    assert mls_mock.store.dump() == before
    removed = assert_envelope(requests.delete(MOCK_STATUS, params={"source": "s3", "name": "mls_scores"}), 200)
    assert removed["results"] == {"removed": 1}
    assert_envelope(requests.delete(MOCK_STATUS, params={"source": "s3", "name": "mls_scores"}), 404)
    assert requests.get(f"{BASE}/api/v1/data_status/s3", headers=AUTH).json()["results"] == {"s3": {}}
    mls_mock.store.set_data_status("batch", "fail", [{"job": 1}])
    mls_mock.store.set_data_status("dynamodb", "t", [])
    assert assert_envelope(requests.delete(MOCK_STATUS), 200)["results"] == {"removed": 2}  # no filter: every entry


def test_the_routes_are_in_the_openapi_document(mls_mock):
    paths = requests.get(BASE + "/openapi.json").json()["paths"]

    for path in [
        "/api/v1/dynamodb",
        "/api/v1/dynamodb/tables/{table_name}",
        "/api/v1/dynamodb/tables/{table_name}/is_active",
        "/api/v1/dynamodb/tables/{table_name}/is_loading",
        "/api/v1/data_status/s3",
        "/api/v1/data_status/batch",
        "/api/v1/data_status/dynamodb",
        "/_mock/dynamodb/tables",
        "/_mock/dynamodb/tables/{table_name}/readiness",
        "/_mock/data_status",
    ]:
        assert path in paths, path
