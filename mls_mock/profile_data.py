"""Profile data: what MLS's profile API serves for a user, an item or an id, read from the
store (no Flask). A profile (store kind `profiles`, made by ProfileClient) names DynamoDB
tables; a target's values are its items in those tables (kind `dynamodb_items`: written by
DynamoDBClient.put_item, seeds, factories, /_mock/), so there is no second store of values.

The rules sktmls documents (`sktmls/profiles/profile.py: create_profile`):
- the main table decides: no item there, the target is not served, whatever the other
  tables hold; an item there, it is served;
- the tables are merged left to right, the left one winning a key both hold;
- a requested key no table holds is null.
What it does not settle is in `assumptions.py` (PROFILE_*): which form serves which profile,
that a table's key attribute is not a value, that an inactive table holds nothing.
"""

import copy

from . import assumptions
from . import validation as v
from .errors import FieldError, NotFound
from .store.dynamodb import ENCLOSING_ITEM, TABLE_NAME, default_key

KINDS = tuple(assumptions.PROFILE_PREFIX_BY_KIND)  # "user", "item", "id"


def profile_of(store, profile_id: str, kind: str, target_id: str) -> dict | None:
    """The values the profile API serves for `target_id` (kind "user" | "item" | "id": the
    form asked for), every key of them; None when it serves nothing: no such profile, a
    profile of another kind, or no item for the target in the main table. A fresh dict."""
    try:
        return served(store, profile_id, kind, target_id)
    except NotFound:
        return None


def served(store, profile_id: str, kind: str, target_id: str, keys: list[str] | None = None) -> dict:
    """`profile_of`, raising NotFound saying why nothing is served; `keys` selects (each key
    in the given order, null when no table holds it)."""
    with store.lock:
        profile = _profile(store, profile_id, kind)
        rows = [_row(store, table, target_id) for table in profile["tables"]]
        if rows[profile["tables"].index(profile["main_table"])] is None:
            raise NotFound(
                f"profile {profile_id!r} does not serve {kind} {target_id!r}: "
                f"its main table {profile['main_table']!r} has no item for it"
            )
        merged: dict = {}
        for row in reversed(rows):  # the left table wins
            if row is not None:
                merged.update(row)
        values = copy.deepcopy(merged)
    if keys is None:
        return values
    return {key: values.get(key, assumptions.PROFILE_MISSING_KEY_VALUE) for key in keys}


def put_values(store, profile_id: str, kind: str, target_id: str, values: dict) -> dict | None:
    """Make `values` the target's item in the profile's main table (the whole item, replaced;
    the table is made, active, when it does not exist). Returns what is then served (None:
    not served, e.g. the main table is inactive). Call inside a store write
    (`Store.put_profile_values`); bad input raises FieldError before anything is read."""
    given = {"profile_id": profile_id, "kind": kind, "target_id": target_id}
    v.name(given, "profile_id")
    v.choice(given, "kind", KINDS)
    if target_id is None:
        raise FieldError("target_id", "is required")
    if not isinstance(target_id, str) or not target_id:
        raise FieldError("target_id", "must be a non-empty string (the profile API's path or `id`)")
    if kind != "id" and (v.URL_UNSAFE.search(target_id) or target_id in (".", "..")):
        # sktmls puts a user or item id in the path unquoted (`.../users/{user_id}`): never reached
        raise FieldError("target_id", "must not contain / ? # % or \\, nor be . or .. (a user's or item's URL)")
    values = v.json_value(v.expect_object(values, "values"), "values", ENCLOSING_ITEM)
    profile = _profile(store, profile_id, kind)
    table = profile["main_table"]
    tables = store.resources["dynamodb_tables"]
    if table not in tables.table.ids_by_name:
        if not TABLE_NAME.fullmatch(table):
            raise FieldError(
                "profile_id", f"its main table {table!r} cannot be a DynamoDB table (DynamoDB's name rule)"
            )
        tables.create({"name": table, "key": default_key(table)})
    key = tables.named(table)["key"]
    if key in values and values[key] != target_id:
        raise FieldError(f"values.{key}", f"is the main table's key: it must be {target_id!r} or left out")
    store.resources["dynamodb_items"].put(table, {key: target_id, **values})
    return profile_of(store, profile_id, kind, target_id)


def _profile(store, profile_id: str, kind: str) -> dict:
    prefix = assumptions.PROFILE_PREFIX_BY_KIND.get(kind)
    if prefix is None:
        raise FieldError("kind", f"must be one of {', '.join(KINDS)}")
    profiles = store.resources["profiles"]
    found = profiles.table.ids_by_name.get(profile_id)
    if found is None:
        raise NotFound(f"profile {profile_id!r} does not exist")
    profile = profiles.table.rows[found]
    if not all(table.startswith(prefix) for table in profile["tables"]):
        article = "an" if kind in ("item", "id") else "a"
        why = f"its tables do not start with {prefix!r}"
        raise NotFound(f"profile {profile_id!r} is not {article} {kind} profile: {why}")
    return profile


def _row(store, table_name: str, target_id: str) -> dict | None:
    """The target's item in the table, without the table's key attribute; None when the
    table does not exist, is inactive or has no item keyed `target_id` (a string key)."""
    tables = store.resources["dynamodb_tables"]
    found = tables.table.ids_by_name.get(table_name)
    if found is None:
        return None
    table = tables.table.rows[found]
    if not table["is_active"]:
        return None
    items = store.resources["dynamodb_items"]
    item_id = items.table.ids_by_name.get((table_name, target_id))
    if item_id is None:
        return None
    item = items.table.rows[item_id]["item"]
    return {name: value for name, value in item.items() if name != table["key"]}
