"""DynamoDB over the AB API: items (`DynamoDBClient`, one POST for four operations), a
table's readiness and its deletion (`MLModelClient`), and the /_mock/ routes a test steers
tables with (MLS's pipeline makes and loads them; the AB API cannot)."""

from .. import assumptions
from ..openapi_schemas import nullable, obj, ref
from ..route import Routes
from ..store.dynamodb import DynamoDBItems, DynamoDBTables
from ..wire import body
from .common import DELETED

routes = Routes()
TABLE = "/api/v1/dynamodb/tables/<table_name>"
MOCK_TABLES = "/_mock/dynamodb/tables"
MOCK_TABLE = MOCK_TABLES + "/<table_name>"
NO_TABLE = {404: "no such table"}
TABLE_WITH_ITEMS = obj(
    [*DynamoDBTables.record_schema["required"], "items"],
    {**DynamoDBTables.record_schema["properties"], "items": {"type": "array", "items": {"type": "object"}}},
)
SCHEMAS = {
    "DynamoDBRequest": DynamoDBItems.request_schema,
    "DynamoDBTableWithItems": TABLE_WITH_ITEMS,
    "DynamoDBReadiness": obj(
        [], {"is_active": nullable({"type": "boolean"}), "is_loading": nullable({"type": "boolean"})}
    ),
}


@routes(
    "POST",
    "/api/v1/dynamodb",
    body="DynamoDBRequest",
    summary="Get, put, update or delete one item of a table (`type`); delete answers null",
    results=DynamoDBItems.answer_schema,
    refusals={404: "no such table, the table is not active, or (get/update/delete) no item with that key"},
    schemas=SCHEMAS,
)
def dynamodb_item(req):
    return req.store.dynamodb_request(body(req))


@routes(
    "GET",
    TABLE + "/is_active",
    summary="Whether the table exists and is active (a table that does not exist: false)",
    results=obj(["is_active"], {"is_active": {"type": "boolean"}}),
)
def table_is_active(req, table_name):
    return req.store.dynamodb_table_readiness(table_name, "is_active")


@routes(
    "GET",
    TABLE + "/is_loading",
    summary="Whether the table is still being loaded",
    results=obj(["is_loading"], {"is_loading": {"type": "boolean"}}),
    refusals=NO_TABLE,
)
def table_is_loading(req, table_name):
    return req.store.dynamodb_table_readiness(table_name, "is_loading")


@routes("DELETE", TABLE, summary="Drop a table and its items", results=DELETED, refusals=NO_TABLE)
def delete_table(req, table_name):
    req.store.delete_dynamodb_table(table_name)
    return assumptions.DELETE_RESULTS


# ---- /_mock/: what MLS's pipeline does -------------------------------------------------------


@routes(
    "POST",
    MOCK_TABLES,
    status=201,
    admin=True,
    saves=True,
    body="DynamodbTableBody",
    summary="Make a table (as MLS's batch pipeline does)",
    results=ref("DynamoDBTableWithItems"),
    refusals={409: "a table of that name exists"},
    link=("table_name", "/results/name"),
)
def mock_create_table(req):
    fields = body(req)
    return req.store.create_dynamodb_table(**{k: fields.get(k) for k in ("name", "key")}, **_readiness(fields))


@routes(
    "GET",
    MOCK_TABLE,
    admin=True,
    summary="A table with its items",
    results=ref("DynamoDBTableWithItems"),
    refusals=NO_TABLE,
)
def mock_get_table(req, table_name):
    return req.store.get_dynamodb_table(table_name)


@routes(
    "PUT",
    MOCK_TABLE + "/readiness",
    admin=True,
    saves=True,
    body="DynamoDBReadiness",
    summary='Set a table\'s readiness (`{"is_loading": true}`: still loading); a flag left out is kept',
    results=ref("DynamodbTable"),
    refusals=NO_TABLE,
)
def mock_set_readiness(req, table_name):
    return req.store.set_dynamodb_table(table_name, **_readiness(body(req)))


@routes(
    "POST",
    MOCK_TABLE + "/items",
    status=201,
    admin=True,
    saves=True,
    body="DynamodbItemPut",
    summary="Put an item whatever the table's readiness (replaces the item of its key)",
    results={"type": "object"},
    refusals=NO_TABLE,
    schemas={"DynamodbItemPut": {"type": "object", "description": "the item, its key attribute included"}},
)
def mock_put_item(req, table_name):
    return req.store.put_dynamodb_item(table_name, body(req))


def _readiness(fields: dict) -> dict:
    return {flag: fields[flag] for flag in ("is_active", "is_loading") if fields.get(flag) is not None}
