"""A meta table's items and bulk upsert (nested routes). The tables themselves are the five
generic routes of api/crud.py (`MetaTables.path`). Each write is one store transaction."""

from typing import cast

from .. import assumptions
from ..openapi_schemas import array, ref
from ..route import Routes
from ..store.meta_items import BULK_BODY, MetaItems
from ..wire import body
from .common import DELETED, LIST_QUERY, NAME_TAKEN

routes = Routes()
ITEMS = "/api/v1/meta_tables/<int:meta_table_id>/meta_items"
ITEM = ITEMS + "/<int:meta_item_id>"


def _items(req) -> MetaItems:
    return cast(MetaItems, req.store.resources["meta_items"])


@routes(
    "GET",
    ITEMS,
    query=LIST_QUERY,
    summary="List a meta table's items",
    results=array(ref("MetaItem")),
    link=("meta_item_id", "/results/0/id"),
)
def list_meta_items(req, meta_table_id, **query):
    with req.store.lock:
        return _items(req).list_in(meta_table_id, **query)


@routes(
    "POST",
    ITEMS,
    status=201,
    body="MetaItemBody",
    summary="Create a meta item (names are unique within the table)",
    results=ref("MetaItem"),
    refusals=NAME_TAKEN,
    link=("meta_item_id", "/results/id"),
)
def create_meta_item(req, meta_table_id):
    with req.store.transaction():
        return _items(req).create_in(meta_table_id, body(req))


@routes("GET", ITEM, summary="Get a meta item of the table", results=ref("MetaItem"))
def get_meta_item(req, meta_table_id, meta_item_id):
    with req.store.lock:
        return _items(req).get_in(meta_table_id, meta_item_id)


@routes("PUT", ITEM, body="MetaItemBody", summary="Replace a meta item", results=ref("MetaItem"), refusals=NAME_TAKEN)
def update_meta_item(req, meta_table_id, meta_item_id):
    with req.store.transaction():
        return _items(req).update_in(meta_table_id, meta_item_id, body(req))


@routes("DELETE", ITEM, summary="Delete a meta item", results=DELETED)
def delete_meta_item(req, meta_table_id, meta_item_id):
    with req.store.transaction():
        _items(req).delete_in(meta_table_id, meta_item_id)
    return assumptions.DELETE_RESULTS


@routes(
    "POST",
    "/api/v1/meta_tables/<int:meta_table_id>/bulk",
    status=assumptions.BULK_STATUS,
    body="MetaItemsBulkBody",
    schemas={"MetaItemsBulkBody": BULK_BODY},
    summary=f"Create or update up to {assumptions.MAX_BULK_META_ITEMS} items by name, all or none",
    results=array(ref("MetaItem")),
)
def bulk_meta_items(req, meta_table_id):
    with req.store.transaction():
        return _items(req).bulk(meta_table_id, body(req))
