"""DynamoDB tables (MLS's batch-prediction tables) and their items.

MLS's own pipeline makes a table and loads it; the AB API only reads and writes items
(`POST /api/v1/dynamodb`), answers a table's readiness and drops a table. Here a table comes
from a seed, a factory, `Store.create_dynamodb_table` or /_mock/, and its readiness is set
the same ways. A table has one key attribute (`key`); an item is one record, keyed by its
table and the value of that attribute.
"""

import copy
import re
from collections.abc import Hashable
from typing import Any

from .. import assumptions
from .. import validation as v
from ..errors import FieldError, NotFound
from . import schema as s
from .resource import Resource

ITEM_REQUESTS = ("get", "put", "update", "delete")
# DynamoDB's own rule for table names.
TABLE_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")
TABLE_NAME_SCHEMA = {"type": "string", "pattern": "^[A-Za-z0-9_.-]{3,255}$"}
# Levels a state document puts around an item: {"dynamodb_items": [{"item": <item>}]}.
ENCLOSING_ITEM = 3
KEY_VALUE = {"oneOf": [{"type": "string", "minLength": 1}, {"type": "number"}]}
ITEM = {"type": "object", "description": "the table's key attribute (a non-empty string or a number) and any others"}


def default_key(table_name: str) -> str:
    for prefix, key in assumptions.DYNAMODB_KEY_BY_PREFIX.items():
        if table_name.startswith(prefix):
            return key
    return assumptions.DYNAMODB_DEFAULT_KEY


def _flag(body: dict, field: str, default: bool) -> bool:
    value = body.get(field)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise FieldError(field, "must be true or false")
    return value


def key_value(item: dict, attribute: str, field: str) -> str | int | float:
    """The item's key: DynamoDB keys are strings or numbers (a bool is neither)."""
    value = item.get(attribute)
    if value is None:
        raise FieldError(f"{field}.{attribute}", "is required: it is the table's key")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or value == "":
        raise FieldError(f"{field}.{attribute}", "must be a non-empty string or a number (the table's key)")
    return value


class DynamoDBTables(Resource):
    plural, kind = "dynamodb_tables", "dynamodb_table"
    list_query = ("name",)
    body_schema = s.obj(
        ["name"],
        {
            "name": TABLE_NAME_SCHEMA,
            "key": s.nullable({**s.NAME, "description": "its key attribute (null: by the name's prefix)"}),
            "is_active": s.nullable({"type": "boolean", "default": True}),
            "is_loading": s.nullable({"type": "boolean", "default": False}),
        },
    )
    record_schema = s.obj(
        ["id", "name", "key", "is_active", "is_loading", "created_at", "updated_at"],
        {
            "id": s.ID,
            "name": s.STRING,
            "key": s.STRING,
            "is_active": {"type": "boolean"},
            "is_loading": {"type": "boolean"},
            **s.STAMPS,
        },
    )
    seed_schema = s.obj(["name"], {**s.SEEDED, **body_schema["properties"]})

    def fields(self, body: dict, current: dict | None) -> dict:
        name = v.name(body, "name")
        if not TABLE_NAME.fullmatch(name):
            raise FieldError("name", "must be 3 to 255 letters, digits, '_', '-' or '.' (DynamoDB's rule)")
        key = v.name(body, "key") if body.get("key") is not None else default_key(name)
        return {
            "name": name,
            "key": key,
            "is_active": _flag(body, "is_active", True),
            "is_loading": _flag(body, "is_loading", False),
        }

    def named(self, name: str) -> dict:
        found = self.table.ids_by_name.get(name)
        if found is None:
            raise NotFound(f"dynamodb table {name!r} does not exist")
        return self.table.rows[found]

    def readiness(self, name: str, flag: str) -> dict:
        """`{flag: value}` for is_active / is_loading (see assumptions.DYNAMODB_*)."""
        if flag == "is_active" and name not in self.table.ids_by_name:
            return {"is_active": assumptions.DYNAMODB_MISSING_TABLE_IS_ACTIVE}
        return {flag: self.named(name)[flag]}

    def set_readiness(self, name: str, is_active: bool | None, is_loading: bool | None) -> dict:
        row = self.named(name)
        given = {"is_active": is_active, "is_loading": is_loading}
        self.touch(row, {flag: _flag(given, flag, row[flag]) for flag in given})
        return self.render(row)

    def drop(self, name: str) -> None:
        self.delete(self.named(name)["id"])

    def on_delete(self, row: dict) -> None:
        items: DynamoDBItems = self.store.resources["dynamodb_items"]
        for item_id in list(items.ids_by_table.get(row["name"], ())):
            items.remove(items.table.rows[item_id])

    def with_items(self, name: str) -> dict:
        items: DynamoDBItems = self.store.resources["dynamodb_items"]
        rows = items.table.rows
        listed = [copy.deepcopy(rows[i]["item"]) for i in sorted(items.ids_by_table.get(name, ()))]
        return {**self.render(self.named(name)), "items": listed}


class DynamoDBItems(Resource):
    plural, kind = "dynamodb_items", "dynamodb_item"
    name_field = "item"  # unique: (table, key value)
    list_query = ()
    body_schema = s.obj(["table", "item"], {"table": TABLE_NAME_SCHEMA, "item": ITEM})
    record_schema = s.obj(
        ["id", "table", "item", "created_at", "updated_at"],
        {"id": s.ID, "table": s.STRING, "item": ITEM, **s.STAMPS},
    )
    seed_schema = s.obj(["table", "item"], {**s.SEEDED, "table": TABLE_NAME_SCHEMA, "item": ITEM})
    # The AB API's request body (`DynamoDBClient`): which operation, on which table, with what.
    request_schema = s.obj(
        ["type", "table_name", "body"],
        {
            "type": {"enum": list(ITEM_REQUESTS)},
            "table_name": {"type": "string"},
            "body": {"type": "object", "description": "get/delete: exactly the key; put/update: the item"},
        },
    )
    answer_schema = s.nullable(s.obj(["item"], {"item": ITEM}))

    ids_by_table: dict[str, dict[int, None]]

    def fresh(self) -> dict[str, Any]:
        return {**super().fresh(), "ids_by_table": {}}  # table name -> {item id: None}

    @property
    def tables(self) -> DynamoDBTables:
        return self.store.resources["dynamodb_tables"]

    def fields(self, body: dict, current: dict | None) -> dict:
        """The seed path: the table must exist (whatever its readiness)."""
        name = v.name(body, "table")
        if name not in self.tables.table.ids_by_name:
            raise FieldError("table", f"dynamodb table {name!r} does not exist")
        item = v.json_value(v.expect_object(body.get("item"), "item"), "item", ENCLOSING_ITEM)
        key_value(item, self.tables.named(name)["key"], "item")
        return {"table": name, "item": item}

    def name_key(self, fields: dict) -> Hashable:
        return (fields["table"], fields["item"][self.tables.named(fields["table"])["key"]])

    def shown_name(self, fields: dict) -> str:
        return f"{fields['table']}: {self.name_key(fields)[1]!r}"  # type: ignore[index]

    def on_insert(self, row: dict) -> None:
        self.tx.index_add(self.ids_by_table, row["table"], row["id"])

    def remove(self, row: dict) -> None:
        self.tx.index_discard(self.ids_by_table, row["table"], row["id"])
        self.tx.remove(self.table, row["id"], self.name_key(row))

    def delete(self, record_id: int) -> None:
        self.remove(self.table.get(record_id))

    def put(self, table: str, item: dict) -> dict:
        """Insert the item, or replace the whole item of its key (a missing table: 404)."""
        self.tables.named(table)
        fields = self.fields({"table": table, "item": item}, None)
        found = self.table.ids_by_name.get(self.name_key(fields))
        if found is None:
            return self.insert(fields)
        row = self.table.rows[found]
        self.touch(row, {"item": fields["item"]})
        return row

    def answer(self, body: dict) -> dict | None:
        """One `POST /api/v1/dynamodb` request (see the README's assumptions)."""
        request = v.choice(body, "type", ITEM_REQUESTS)
        table_name = v.text(body, "table_name", required=True) or ""
        payload = v.expect_object(body.get("body"), "body")
        table = self.tables.named(table_name)
        if not table["is_active"]:
            raise NotFound(f"dynamodb table {table_name!r} is not active yet")
        key_attribute = table["key"]
        key = key_value(payload, key_attribute, "body")
        if request in ("get", "delete"):
            extra = sorted(set(payload) - {key_attribute})
            if extra:
                raise FieldError(f"body.{extra[0]}", f"is not part of the key: the table's key is {key_attribute!r}")
        if request == "put":
            return {"item": copy.deepcopy(self.put(table_name, payload)["item"])}
        found = self.table.ids_by_name.get((table_name, key))
        if found is None:
            raise NotFound(f"dynamodb table {table_name!r} has no item with {key_attribute} {key!r}")
        row = self.table.rows[found]
        if request == "delete":
            self.remove(row)
            return assumptions.DELETE_RESULTS
        if request == "update":
            merged = v.json_value({**row["item"], **payload}, "body", ENCLOSING_ITEM)
            self.touch(row, {"item": merged})
        return {"item": copy.deepcopy(row["item"])}
