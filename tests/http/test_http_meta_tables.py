"""Meta tables, meta items and bulk over raw HTTP: each body field refused with 400 naming it,
wrong-table and missing records 404, and every refusal leaving the store's dump unchanged."""
import pytest
import requests

from mls_mock import assumptions

from rawhttp import AUTH, BASE, assert_envelope

T = "/api/v1/meta_tables"
ITEMS, BULK = T + "/1/meta_items", T + "/1/bulk"
GOOD_TABLE = {"name": "new", "schema": {"fee": {"type": "number"}}}
LONG_NAME = "x" * (assumptions.MAX_NAME_LENGTH + 1)


@pytest.fixture
def tables(mls_mock):
    """Meta table 1 "plans" with items 1 "A" and 2 "B", meta table 2 "coupons" with item 3 "C"."""
    mls_mock.store.load(
        {
            "meta_tables": [{"name": "plans", "schema": {"fee": {"type": "number"}}}, {"name": "coupons", "schema": {}}],
            "meta_items": [
                {"meta_table": 1, "name": "A", "values": {"fee": 1}},
                {"meta_table": 1, "name": "B", "values": {"fee": 2}},
                {"meta_table": 2, "name": "C", "values": {}},
            ],
        }
    )
    return mls_mock


def call(method, path, **kwargs):
    return requests.request(method, BASE + path, headers=AUTH, timeout=5, **kwargs)


def case(case_id, method, path, status, mentions, body):
    return pytest.param(method, path, body, status, mentions, id=case_id)


REFUSED = [
    case("table_missing_name", "POST", T, 400, "name", {"schema": {}}),
    case("table_name_number", "POST", T, 400, "name", {"name": 1, "schema": {}}),
    case("table_blank_name", "PUT", T + "/1", 400, "name", {"name": " ", "schema": {}}),
    case("table_long_name", "POST", T, 400, "name", {"name": LONG_NAME, "schema": {}}),
    case("table_name_control_char", "POST", T, 400, "name", {"name": "a\tb", "schema": {}}),
    case("table_taken_name", "POST", T, 409, "name", {"name": "coupons", "schema": {}}),
    case("table_rename_to_taken", "PUT", T + "/1", 409, "coupons", {"name": "coupons", "schema": {}}),
    case("table_missing_schema", "POST", T, 400, "schema", {"name": "new"}),
    case("table_put_without_schema", "PUT", T + "/1", 400, "schema", {"name": "plans"}),
    case("table_schema_string", "POST", T, 400, "schema", {"name": "new", "schema": "fee"}),
    case("table_schema_list", "POST", T, 400, "schema", {"name": "new", "schema": [{"type": "number"}]}),
    case("table_schema_value_string", "POST", T, 400, "schema.fee", {"name": "new", "schema": {"fee": "number"}}),
    case("table_schema_value_null", "POST", T, 400, "schema.fee", {"name": "new", "schema": {"fee": None}}),
    case("table_description_number", "POST", T, 400, "description", {**GOOD_TABLE, "description": 5}),
    case("table_put_missing", "PUT", T + "/9", 404, "9", GOOD_TABLE),
    case("table_delete_missing", "DELETE", T + "/9", 404, "9", None),
    case("item_missing_name", "POST", ITEMS, 400, "name", {"values": {}}),
    case("item_name_list", "POST", ITEMS, 400, "name", {"name": ["A"], "values": {}}),
    case("item_long_name", "POST", ITEMS, 400, "name", {"name": LONG_NAME, "values": {}}),
    case("item_taken_name", "POST", ITEMS, 409, "name", {"name": "A", "values": {}}),
    case("item_rename_to_taken", "PUT", ITEMS + "/2", 409, "'A'", {"name": "A", "values": {}}),
    case("item_missing_values", "POST", ITEMS, 400, "values", {"name": "new"}),
    case("item_values_list", "POST", ITEMS, 400, "values", {"name": "new", "values": [1]}),
    case("item_values_string", "PUT", ITEMS + "/1", 400, "values", {"name": "A", "values": "fee"}),
    case("item_of_missing_table", "POST", T + "/9/meta_items", 404, "9", {"name": "new", "values": {}}),
    case("item_of_another_table_put", "PUT", ITEMS + "/3", 404, "meta_table 1", {"name": "C", "values": {}}),
    case("item_of_another_table_delete", "DELETE", ITEMS + "/3", 404, "meta_table 1", None),
    case("item_missing", "DELETE", ITEMS + "/9", 404, "9", None),
    case("bulk_missing_items", "POST", BULK, 400, "items", {}),
    case("bulk_items_list", "POST", BULK, 400, "items", {"items": [{"name": "A"}]}),
    case("bulk_values_not_object", "POST", BULK, 400, "items.B", {"items": {"A": {"fee": 9}, "B": 5}}),
    case("bulk_values_null", "POST", BULK, 400, "items.new", {"items": {"new": None}}),
    case("bulk_empty_name", "POST", BULK, 400, "items.", {"items": {"A": {}, "": {}}}),
    case("bulk_control_char_name", "POST", BULK, 400, "control", {"items": {"a\nb": {}}}),
    case("bulk_long_name", "POST", BULK, 400, "items (key 1)", {"items": {"A": {}, LONG_NAME: {}}}),
    case(
        "bulk_too_many",
        "POST",
        BULK,
        400,
        f"at most {assumptions.MAX_BULK_META_ITEMS}",
        {"items": {f"i{n}": {} for n in range(assumptions.MAX_BULK_META_ITEMS + 1)}},
    ),
    case("bulk_of_missing_table", "POST", T + "/9/bulk", 404, "9", {"items": {}}),
]


@pytest.mark.parametrize("method, path, body, status, mentions", REFUSED)
def test_refused_request_names_the_problem_and_changes_nothing(tables, method, path, body, status, mentions):
    before = tables.store.dump()

    payload = assert_envelope(call(method, path, json=body), status)

    assert mentions in payload["error"]
    assert tables.store.dump() == before


def test_statuses_and_answers_of_every_route(tables):
    made = assert_envelope(call("POST", T, json=GOOD_TABLE), 201)["results"]
    assert set(made) == {"id", "name", "description", "schema", "items", "user", "created_at", "updated_at"}
    assert (made["id"], made["items"], made["user"], made["description"]) == (3, [], "mls-test", None)
    item = assert_envelope(call("POST", T + "/3/meta_items", json={"name": "X", "values": {"fee": 1}}), 201)
    assert item["results"] == {"id": 4, "name": "X", "values": {"fee": 1}}
    assert assert_envelope(call("GET", T + "/3/meta_items/4"), 200)["results"] == item["results"]
    assert assert_envelope(call("GET", T + "/3"), 200)["results"]["items"] == [item["results"]]
    assert assert_envelope(call("GET", T + "/1/meta_items/3"), 404)["error"]
    put = call("PUT", T + "/3/meta_items/4", json={"id": 99, "name": "Y", "values": {}, "extra": 1})
    assert assert_envelope(put, 200)["results"] == {"id": 4, "name": "Y", "values": {}}  # id and extra ignored
    bulk = assert_envelope(call("POST", T + "/3/bulk", json={"items": {"Z": {"k": [1]}, "Y": {"fee": 2}}}), 200)
    assert bulk["results"] == [{"id": 5, "name": "Z", "values": {"k": [1]}}, {"id": 4, "name": "Y", "values": {"fee": 2}}]
    assert assert_envelope(call("DELETE", T + "/3/meta_items/5"), 200)["results"] is None
    assert assert_envelope(call("DELETE", T + "/3"), 200)["results"] is None
    assert [i["meta_table"] for i in tables.store.dump()["meta_items"]] == [1, 1, 2]


def test_list_queries_are_checked(tables):
    assert assert_envelope(call("GET", ITEMS, params={"id": "x"}), 400)["error"]
    assert assert_envelope(call("GET", ITEMS, params={"page": "0"}), 400)["error"]
    assert [i["name"] for i in assert_envelope(call("GET", ITEMS, params={"query": "a"}), 200)["results"]] == ["A"]
    assert assert_envelope(call("GET", T, params={"name": "coupons"}), 200)["results"][0]["items"] == [
        {"id": 3, "name": "C", "values": {}}
    ]


def test_a_table_seeded_with_items_dumps_and_loads_back(tables):
    dumped = tables.store.dump()
    assert dumped["meta_items"][0] == {
        "id": 1,
        "meta_table": 1,
        "name": "A",
        "values": {"fee": 1},
        "created_at": dumped["meta_items"][0]["created_at"],
        "updated_at": dumped["meta_items"][0]["updated_at"],
    }
    tables.store.reset()
    tables.store.load(dumped)
    assert tables.store.dump() == dumped


@pytest.mark.parametrize(
    "document, mentions",
    [
        ({"meta_items": [{"meta_table": 1, "name": "A", "values": {}}]}, "meta_table"),
        ({"meta_tables": [{"name": "t", "schema": {"a": 1}}]}, "schema.a"),
        ({"meta_tables": [{"name": "t", "schema": {}}], "meta_items": [{"meta_table": 1, "name": "A"}]}, "values"),
    ],
    ids=["item_of_a_missing_table", "bad_schema", "item_without_values"],
)
def test_bad_seed_records_are_refused_naming_the_field(mls_mock, document, mentions):
    from mls_mock import SeedError

    with pytest.raises(SeedError, match=mentions):
        mls_mock.store.load(document)
    assert mls_mock.store.dump()["meta_tables"] == []


def test_the_routes_are_documented_with_their_schemas_and_none_is_left_unfaked():
    from mls_mock import create_app
    from mls_mock.api.unfaked import NOT_FAKED

    document = create_app().test_client().get("/openapi.json").get_json()
    item = "/api/v1/meta_tables/{meta_table_id}/meta_items/{meta_item_id}"
    assert set(document["paths"][item]) == {"get", "put", "delete"}
    assert set(document["paths"]["/api/v1/meta_tables/{meta_table_id}/meta_items"]) == {"get", "post"}
    assert set(document["paths"]["/api/v1/meta_tables/{meta_table_id}"]) == {"get", "put", "delete"}
    bulk = document["paths"]["/api/v1/meta_tables/{meta_table_id}/bulk"]["post"]
    assert bulk["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/MetaItemsBulkBody"}
    assert {"MetaTable", "MetaTableBody", "MetaItem", "MetaItemBody", "MetaItemsBulkBody"} <= set(document["components"]["schemas"])
    assert [rule for _, rule in NOT_FAKED if rule.startswith("/meta_tables")] == []
