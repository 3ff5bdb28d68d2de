"""Meta tables: a named `schema` describing item values, and the items (store/meta_items.py)."""

import copy
from typing import cast

from .. import assumptions
from .. import validation as v
from ..errors import FieldError
from . import schema as s
from .meta_items import META_ITEM, MetaItems
from .resource import Resource

# Levels a state document puts around a schema: {"meta_tables": [{"schema": <schema>}]}.
ENCLOSING_SCHEMA = 3

# `schema: Dict[str, Dict]` (create_meta_table): value name -> a description of it. What the
# description holds is not settled ({"type": "string"} in the docstring), so it is kept as given.
TABLE_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "object"},
    "description": 'value name -> an object describing it, e.g. {"type": "string"}; kept as given, '
    "items are not checked against it",
}


def table_schema(body: dict) -> dict:
    value = body.get("schema")
    if value is None:
        raise FieldError("schema", "is required")
    v.expect_object(value, "schema")
    for index, (key, description) in enumerate(value.items()):
        if not isinstance(description, dict):
            field = f"schema.{key}" if len(key) <= assumptions.MAX_NAME_LENGTH else f"schema (key {index})"
            raise FieldError(field, "must be a JSON object describing the value")
    return v.json_value(value, "schema", ENCLOSING_SCHEMA)


class MetaTables(Resource):
    plural, kind, path = "meta_tables", "meta_table", "/api/v1/meta_tables"
    keeps_user = True
    body_schema = s.obj(["name", "schema"], {"name": s.NAME, "schema": TABLE_SCHEMA, "description": s.TEXT})
    record_schema = s.obj(
        ["id", "name", "description", "schema", "items", "user", "created_at", "updated_at"],
        {
            "id": s.ID,
            "name": s.STRING,
            "description": s.TEXT,
            "schema": TABLE_SCHEMA,
            "items": {**s.array(META_ITEM), "description": "every item of the table, in id order"},
            "user": s.STRING,
            **s.STAMPS,
        },
    )
    seed_schema = s.obj(["name", "schema"], {**s.SEEDED, "name": s.NAME, "schema": TABLE_SCHEMA, "description": s.TEXT})

    def fields(self, body: dict, current: dict | None) -> dict:
        return {
            "name": v.name(body, "name"),
            "description": v.text(body, "description", assumptions.MISSING_DESCRIPTION),
            "schema": table_schema(body),
        }

    def render(self, row: dict) -> dict:
        items = self._items()
        return {
            "id": row["id"],
            "name": row["name"],
            "description": row["description"],
            "schema": copy.deepcopy(row["schema"]),
            "items": [items.render(item) for item in items.of_table(row["id"])],
            "user": row["user"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }

    def dump_record(self, row: dict) -> dict:
        return copy.deepcopy(row)

    def on_delete(self, row: dict) -> None:
        """Its items go with it."""
        self._items().drop_table(row["id"])

    def _items(self) -> MetaItems:
        return cast(MetaItems, self.store.resources["meta_items"])
