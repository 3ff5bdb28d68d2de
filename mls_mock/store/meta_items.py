"""Meta items: named values inside a meta table (nested routes: api/meta_tables.py).

An item belongs to one table: its routes 404 for an item of another table, and it is
deleted with its table. Names are unique within a table, which is what bulk upserts by.
"""

import copy
from collections.abc import Hashable
from typing import Any

from .. import assumptions
from .. import validation as v
from ..errors import FieldError, NotFound
from . import schema as s
from .resource import Resource
from .table import matching, paginate

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


class MetaItems(Resource):
    plural, kind = "meta_items", "meta_item"
    body_schema = s.obj(["name", "values"], {"name": s.NAME, "values": ITEM_VALUES})
    record_schema = META_ITEM
    seed_schema = s.obj(
        ["meta_table", "name", "values"], {**s.SEEDED, "meta_table": s.ID, "name": s.NAME, "values": ITEM_VALUES}
    )

    ids_by_table: dict[int, dict[int, None]]

    def fresh(self) -> dict[str, Any]:
        return {**super().fresh(), "ids_by_table": {}}  # meta table id -> {item id: None}

    def name_key(self, fields: dict) -> Hashable:
        return (fields["meta_table"], fields["name"])

    def shown_name(self, fields: dict) -> str:
        return fields["name"]

    def fields(self, body: dict, current: dict | None) -> dict:
        return {"name": v.name(body, "name"), "values": item_values(body.get("values"), "values")}

    def render(self, row: dict) -> dict:
        return {"id": row["id"], "name": row["name"], "values": copy.deepcopy(row["values"])}

    def dump_record(self, row: dict) -> dict:
        return copy.deepcopy(row)

    # ---- seeds ----------------------------------------------------------------------------

    def seed_fields(self, record: dict) -> dict[str, Any]:
        table_id = v.required_id(record, "meta_table")
        self._tables().referenced(table_id, "meta_table")
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
        self._tables().get(meta_table)
        return self.insert({"meta_table": meta_table, **self.fields(body, None)}, None, record_id, stamps)

    def on_insert(self, row: dict) -> None:
        self.tx.index_add(self.ids_by_table, row["meta_table"], row["id"])

    # ---- within a table -------------------------------------------------------------------

    def _tables(self):
        return self.store.resources["meta_tables"].table

    def of_table(self, table_id: int) -> list[dict]:
        return [self.table.rows[i] for i in sorted(self.ids_by_table.get(table_id, ()))]

    def _of(self, table_id: int, item_id: int) -> dict:
        self._tables().get(table_id)
        row = self.table.get(item_id)
        if row["meta_table"] != table_id:
            raise NotFound(f"meta_item {item_id} does not belong to meta_table {table_id}")
        return row

    def create_in(self, table_id: int, body: dict) -> dict:
        return self.render(self.insert_seeded(body, None, None, None, meta_table=table_id))

    def list_in(
        self,
        table_id: int,
        id: int | None = None,
        name: str | None = None,
        query: str | None = None,
        page: int | None = None,
    ) -> list[dict]:
        self._tables().get(table_id)
        rows = [
            r
            for r in matching(self.of_table(table_id), "name", query)
            if (id is None or r["id"] == id) and (name is None or r["name"] == name)
        ]
        return [self.render(r) for r in paginate(rows, page)]

    def get_in(self, table_id: int, item_id: int) -> dict:
        return self.render(self._of(table_id, item_id))

    def update_in(self, table_id: int, item_id: int, body: dict) -> dict:
        """A full replace of name and values (update_meta_item always sends both)."""
        row = self._of(table_id, item_id)
        fields = self.fields(body, row)
        self.check_name({**fields, "meta_table": table_id}, item_id)
        self.tx.rename(self.table, self.name_key(row), (table_id, fields["name"]), item_id)
        self.touch(row, fields)
        return self.render(row)

    def delete_in(self, table_id: int, item_id: int) -> None:
        row = self._of(table_id, item_id)
        self.tx.index_discard(self.ids_by_table, table_id, item_id)
        self.tx.remove(self.table, item_id, self.name_key(row))

    def drop_table(self, table_id: int) -> None:
        """A table is going: so are its items."""
        for item_id in self.tx.index_pop(self.ids_by_table, table_id):
            self.tx.remove(self.table, item_id, self.name_key(self.table.rows[item_id]))

    def bulk(self, table_id: int, body: dict) -> list[dict]:
        """Upsert by name (create_meta_items: "item_name이 존재 시 수정, 미존재 시 생성"): an
        item of the name gets the new values, a new name is created. Every item is checked
        before the first write; the answer lists them in the body's order."""
        self._tables().get(table_id)
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
