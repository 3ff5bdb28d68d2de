"""Probes of the DynamoDB rows (their rows say `writes=True`: they run only with
--allow-writes): items of their own, put in a table the server already has and deleted."""

from . import assumptions
from .verify_probe import NotChecked, expect, probe
from .verify_writes import _post


def _active_table(t) -> str:
    """The table of a manual model that is active (the probes put, change and delete an item
    of their own in it), or NotChecked."""
    for model in t.models.list_manual_models(page=1):
        if model.table and t.results(f"/api/v1/dynamodb/tables/{model.table}/is_active").get("is_active") is True:
            return model.table
    raise NotChecked("no manual model on the server names an active DynamoDB table")


def _item_request(t, request: str, table: str, body: dict):
    return _post(t, "/api/v1/dynamodb", {"type": request, "table_name": table, "body": body})


def _key_attribute(table: str) -> str:
    for prefix, key in assumptions.DYNAMODB_KEY_BY_PREFIX.items():
        if table.startswith(prefix):
            return key
    return assumptions.DYNAMODB_DEFAULT_KEY


@probe("dynamodb-item-key")
def dynamodb_item_key(t):
    table = _active_table(t)
    key = _key_attribute(table)
    other = "mlsmock_not_the_key"
    extra = _item_request(t, "get", table, {key: t.name("item"), other: 1})
    keyless = _item_request(t, "put", table, {other: t.name("item")})
    shown = f"table {table}: get with {key} and {other}: {extra}; put without {key}: {keyless}"
    expect((extra.status, keyless.status) == (400, 400), shown)
    expect(other in str(extra.body) and key in str(keyless.body), shown + " (the errors do not name the fields)")
    return shown


@probe("dynamodb-item-writes")
def dynamodb_item_writes(t):
    table = _active_table(t)
    key = _key_attribute(table)
    name = t.name("item")
    _item_request(t, "put", table, {key: name, "first": 1})
    _item_request(t, "put", table, {key: name, "second": 2})
    replaced = _item_request(t, "get", table, {key: name}).results
    updated = _item_request(t, "update", table, {key: name, "third": 3}).results
    deleted = _item_request(t, "delete", table, {key: name}).status
    again = _item_request(t, "delete", table, {key: name}).status
    missing_update = _item_request(t, "update", table, {key: name, "third": 3}).status
    shown = (
        f"table {table}: a second put left {replaced}; update gave {updated}; delete {deleted}, again {again}; "
        f"update of the deleted item {missing_update}"
    )
    expect(
        (replaced, updated, deleted, again, missing_update)
        == ({"item": {key: name, "second": 2}}, {"item": {key: name, "second": 2, "third": 3}}, 200, 404, 404),
        shown,
    )
    return shown


@probe("dynamodb-answers")
def dynamodb_answers(t):
    table = _active_table(t)
    key = _key_attribute(table)
    item = {key: t.name("item"), "value": "mls-mock verify"}
    put = _item_request(t, "put", table, item)
    got = _item_request(t, "get", table, {key: item[key]})
    deleted = _item_request(t, "delete", table, {key: item[key]})
    missing = _item_request(t, "get", table, {key: item[key]})
    shown = f"table {table}: put {put}; get {got}; delete {deleted}; get of the deleted item {missing.status}"
    expect(
        (put.results, got.results, deleted.status, deleted.results, missing.status)
        == ({"item": item}, {"item": item}, 200, assumptions.DELETE_RESULTS, 404),
        shown,
    )
    return shown
