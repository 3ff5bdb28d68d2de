"""Probes of the DynamoDB and data status rows. The item probes (their rows say
`writes=True`: they run only with --allow-writes) put items of their own in a table the
server already has and delete them; `dynamodb-missing-table` and `data-status-shapes` only read."""

from . import assumptions
from .verify_probe import Differs, NotChecked, expect, probe
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


@probe("dynamodb-missing-table")
def dynamodb_missing_table(t):
    from sktmls.models import ManualModel

    table = t.name("table")
    ready = t.models.is_batch_prediction_ready(ManualModel(id=0, name=table, version="v1", table=table))
    active = t.raw("GET", f"/api/v1/dynamodb/tables/{table}/is_active")
    loading = t.raw("GET", f"/api/v1/dynamodb/tables/{table}/is_loading")
    shown = (
        f"a table that does not exist: is_batch_prediction_ready {ready}; is_active {active.status} "
        f"{active.results}; is_loading {loading.status}"
    )
    expected = {"is_active": assumptions.DYNAMODB_MISSING_TABLE_IS_ACTIVE}
    expect((ready, active.status, active.results, loading.status) == (False, 200, expected, 404), shown)
    return shown


@probe("data-status-shapes")
def data_status_shapes(t):
    shown = []
    for source in ("s3", "dynamodb", "batch"):
        results = t.results(f"/api/v1/data_status/{source}")
        statuses = results.get(source) if isinstance(results, dict) else None
        if not isinstance(statuses, dict):
            raise Differs(f"data_status/{source} gave {str(results)[:200]}, not {{{source!r}: {{...}}}}")
        for name, entries in statuses.items():
            expect(
                isinstance(entries, list) and all(isinstance(entry, dict) for entry in entries),
                f"data_status/{source}: {name!r} holds {str(entries)[:200]}, not a list of objects",
            )
            if source != "batch":
                expect(
                    len(entries) <= assumptions.DATA_STATUS_DAYS,
                    f"data_status/{source}: {name!r} holds {len(entries)} statuses",
                )
        if source == "batch":
            expect(
                set(assumptions.BATCH_JOB_STATUSES) <= set(statuses),
                f"data_status/batch holds {sorted(statuses)}, not every one of {assumptions.BATCH_JOB_STATUSES}",
            )
        shown.append(f"{source}: {len(statuses)} entries")
    return "; ".join(shown)
