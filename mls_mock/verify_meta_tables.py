"""Writing probes of the meta table rows (run only with --allow-writes): each makes tables of
its own, named by `t.name`; the gate deletes them, and their items with them, when it ends."""

from . import assumptions
from .verify_probe import expect, probe

SCHEMA = {"price": {"type": "number"}}


def _table(t, label: str):
    return t.meta_tables.create_meta_table(name=t.name(label), schema=SCHEMA, description="mls-mock verify")


@probe("meta-table-schema")
def meta_table_schema(t):
    table = _table(t, "schema")
    item = t.attempt(t.meta_tables.create_meta_item, table, "off-schema", {"colour": "red", "price": "free"})
    expect(item.status == 201, f"an item whose values the schema does not describe: {item.status} {item.error}")
    bad = t.raw("POST", "/api/v1/meta_tables", json={"name": t.name("schema-bad"), "schema": {"price": "number"}})
    expect(bad.status == 400, f"a schema whose value is not an object: {bad}")
    return f"values outside the schema: {item.status}; a schema value that is not an object: {bad.status}"


@probe("meta-item-fields")
def meta_item_fields(t):
    table = _table(t, "fields")
    item = t.meta_tables.create_meta_item(table, "item", {"price": 1})
    shown = sorted(item.get())
    expect(shown == sorted(assumptions.META_ITEM_FIELDS), f"a created meta item has the fields {shown}")
    items = t.meta_tables.get_meta_table(id=table.id).items
    expect(items == [item.get()], f"the table's items are {items}, not the item as created")
    return f"{', '.join(shown)}, also in the table's items"


@probe("meta-unique-names")
def meta_unique_names(t):
    table, other = _table(t, "unique"), _table(t, "unique-other")
    t.meta_tables.create_meta_item(table, "item", {"price": 1})
    statuses = {
        "meta table": t.attempt(_table, t, "unique").status,
        "meta item in the table": t.attempt(t.meta_tables.create_meta_item, table, "item", {"price": 2}).status,
        "meta item in another table": t.attempt(t.meta_tables.create_meta_item, other, "item", {"price": 3}).status,
    }
    shown = "; ".join(f"second {kind} of the same name: {status}" for kind, status in statuses.items())
    expect(list(statuses.values()) == [409, 409, 201], shown)
    return shown


@probe("meta-item-table")
def meta_item_table(t):
    table, other = _table(t, "owner"), _table(t, "stranger")
    item = t.meta_tables.create_meta_item(table, "item", {"price": 1})
    elsewhere = t.raw(
        "PUT", f"/api/v1/meta_tables/{other.id}/meta_items/{item.id}", json={"name": "item", "values": {"price": 2}}
    )
    expect(elsewhere.status == 404, f"the item through another table's URL: {elsewhere}")
    t.meta_tables.delete_meta_table(table)
    gone = t.raw("DELETE", f"/api/v1/meta_tables/{table.id}/meta_items/{item.id}")
    expect(gone.status == 404, f"an item of a deleted table: {gone}")
    return f"through another table: {elsewhere.status}; after its table was deleted: {gone.status}"


@probe("meta-bulk")
def meta_bulk(t):
    table = _table(t, "bulk")
    first = t.meta_tables.create_meta_item(table, "b", {"price": 1})
    bulk = t.meta_tables.create_meta_items(table, {"b": {"price": 2}, "a": {"price": 3}})
    status = t.last_status("POST")
    answered = [(i.name, i.values) for i in bulk]
    expect(status == assumptions.BULK_STATUS, f"bulk answered {status}")
    expect(answered == [("b", {"price": 2}), ("a", {"price": 3})], f"bulk answered the items {answered}")
    expect(bulk[0].id == first.id, f"the existing item came back with id {bulk[0].id}, not {first.id}")
    before = [i.get() for i in t.meta_tables.list_meta_items(table)]
    refused = t.raw("POST", f"/api/v1/meta_tables/{table.id}/bulk", json={"items": {"c": {"price": 4}, "d": 5}})
    after = [i.get() for i in t.meta_tables.list_meta_items(table)]
    changed = "changed the items" if after != before else "changed nothing"
    expect(refused.status == 400 and after == before, f"a bulk with one bad item: {refused}, {changed}")
    too_many: dict[str, dict] = {f"i{n}": {} for n in range(assumptions.MAX_BULK_META_ITEMS + 1)}
    over = t.raw("POST", f"/api/v1/meta_tables/{table.id}/bulk", json={"items": too_many})
    expect(over.status == 400, f"{len(too_many)} items at once: {over}")
    return f"upsert by name in body order ({status}); one bad item: {refused.status}, nothing changed; too many: 400"
