"""Meta items: named values inside a meta table (nested routes: api/meta_tables.py).

An item belongs to one table: its routes 404 for an item of another table, and it is
deleted with its table. Names are unique within a table, which is what bulk upserts by.
"""

import copy
from typing import Any

from .. import assumptions
from .. import validation as v
from ..errors import FieldError
from . import schema as s
from .nested import Nested

# Levels a state document puts around an item's values: {"meta_items": [{"values": <values>}]}.
ENCLOSING_VALUES = 3

ITEM_VALUES = {"type": "object", "description": "the item's values by name, any JSON; not checked against the schema"}
META_ITEM = s.obj(
    list(assumptions.META_ITEM_FIELDS), {"id": s.ID, "name": s.STRING, "values": ITEM_VALUES}, extra=False
)
BULK_BODY = s.obj(
    ["items"],
    {
        "items": {
            "type": "object",
            "additionalProperties": ITEM_VALUES,
            "propertyNames": {k: v for k, v in s.NAME.items() if k != "description"},
            "maxProperties": assumptions.MAX_BULK_META_ITEMS,
            "description": "item name -> its values: an item of that name is updated, a new name created",
        }
    },
)


def item_values(value: Any, field: str) -> dict:
    if value is None:
        raise FieldError(field, "is required")
    return v.json_value(v.expect_object(value, field), field, ENCLOSING_VALUES)


class MetaItems(Nested):
    plural, kind = "meta_items", "meta_item"
    parent, parent_field = "meta_tables", "meta_table"
    body_schema = s.obj(["name", "values"], {"name": s.NAME, "values": ITEM_VALUES})
    record_schema = META_ITEM
    seed_schema = s.obj(
        ["meta_table", "name", "values"], {**s.SEEDED, "meta_table": s.ID, "name": s.NAME, "values": ITEM_VALUES}
    )

    def fields(self, body: dict, current: dict | None) -> dict:
        return {"name": v.name(body, "name"), "values": item_values(body.get("values"), "values")}

    def render(self, row: dict) -> dict:
        return {"id": row["id"], "name": row["name"], "values": copy.deepcopy(row["values"])}

    def dump_record(self, row: dict) -> dict:
        return copy.deepcopy(row)

    # ---- seeds ----------------------------------------------------------------------------

    def seed_fields(self, record: dict) -> dict[str, Any]:
        table_id = v.required_id(record, "meta_table")
        self.parents().referenced(table_id, "meta_table")
        return {"meta_table": table_id}

    def insert_seeded(
        self,
        body: dict,
        user: str | None,
        record_id: int | None,
        stamps: dict | None,
        meta_table: int | None = None,
        **others: Any,
    ) -> dict:
        if others or meta_table is None:
            raise TypeError(f"meta items take the seed field meta_table, not {sorted(others)}")
        self.parents().get(meta_table)
        return self.insert({"meta_table": meta_table, **self.fields(body, None)}, None, record_id, stamps)

    # ---- within a table -------------------------------------------------------------------

    of_table = Nested.children_of
    drop_table = Nested.drop_parent  # a table is going: so are its items

    def create_in(self, table_id: int, body: dict) -> dict:
        return self.render(self.insert_seeded(body, None, None, None, meta_table=table_id))

    def bulk(self, table_id: int, body: dict) -> list[dict]:
        """Upsert by name (create_meta_items: "item_name이 존재 시 수정, 미존재 시 생성"): an
        item of the name gets the new values, a new name is created. Every item is checked
        before the first write; the answer lists them in the body's order."""
        self.parents().get(table_id)
        items = body.get("items")
        if items is None:
            raise FieldError("items", "is required")
        v.expect_object(items, "items")
        if len(items) > assumptions.MAX_BULK_META_ITEMS:
            raise FieldError("items", f"must hold at most {assumptions.MAX_BULK_META_ITEMS} items, not {len(items)}")
        checked = []
        for index, (name, values) in enumerate(items.items()):
            field = f"items.{name}" if len(name) <= assumptions.MAX_NAME_LENGTH else f"items (key {index})"
            v.name({field: name}, field)
            checked.append((name, item_values(values, field)))
        answered = []
        for name, values in checked:
            holder = self.table.ids_by_name.get((table_id, name))
            if holder is None:
                row = self.insert({"meta_table": table_id, "name": name, "values": values})
            else:
                row = self.table.rows[holder]
                self.touch(row, {"values": values})
            answered.append(row)
        return [self.render(r) for r in answered]
