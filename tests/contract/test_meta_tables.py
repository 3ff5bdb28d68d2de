"""MetaTableClient against the AB API, through the real client only: meta tables, their items,
bulk upserts, and the DataFrame helpers (pandas in a full install; in a light one they fail
with the stand-in's error, tested here too: which install runs is detected, nothing skips)."""
import datetime
import importlib.util

import pytest
from sktmls import MLSResponse
from sktmls.meta_tables import MetaItem, MetaTable

from support import client_error

# pandas is a real package only in a full install (the light one stands in for it inside sktmls).
FULL_INSTALL = importlib.util.find_spec("pandas") is not None
SCHEMA = {"plan_name": {"type": "string"}, "monthly_fee": {"type": "number"}}
PRIME = {"plan_name": "5GX 프라임", "monthly_fee": 89000}
REGULAR = {"plan_name": "5GX 레귤러", "monthly_fee": 69000}


@pytest.fixture
def table(mls_meta_table_client):
    return mls_meta_table_client.create_meta_table(name="plans", schema=SCHEMA, description="요금제 정보")


@pytest.fixture
def dump(mls_mock):
    """The fake's whole state now: what a refused request must leave as it was."""
    return mls_mock.store.dump


def _stamp(value):
    assert isinstance(value, datetime.datetime) and value.utcoffset() is not None
    return value


# ---- meta tables ---------------------------------------------------------------------------


def test_create_meta_table_returns_the_record(mls_meta_table_client, mls_settings):
    made = mls_meta_table_client.create_meta_table(name="plans", schema=SCHEMA, description="요금제 정보")

    assert isinstance(made, MetaTable) and isinstance(made.id, int)
    assert (made.name, made.description, made.schema, made.items) == ("plans", "요금제 정보", SCHEMA, [])
    assert made.user == mls_settings.username
    assert _stamp(made.created_at) == _stamp(made.updated_at)


def test_a_meta_table_without_description_has_none(mls_meta_table_client):
    made = mls_meta_table_client.create_meta_table(name="plans", schema={})

    assert (made.description, made.schema) == (None, {})


def test_list_meta_tables_with_filters_and_pages(mls_meta_table_client):
    made = [mls_meta_table_client.create_meta_table(name=n, schema=SCHEMA) for n in ("plan_a", "plan_b", "coupon")]

    assert [t.id for t in mls_meta_table_client.list_meta_tables()] == [t.id for t in made]
    assert [t.name for t in mls_meta_table_client.list_meta_tables(name="coupon")] == ["coupon"]
    assert [t.name for t in mls_meta_table_client.list_meta_tables(query="PLAN")] == ["plan_a", "plan_b"]
    assert [t.id for t in mls_meta_table_client.list_meta_tables(id=made[1].id)] == [made[1].id]
    assert [t.id for t in mls_meta_table_client.list_meta_tables(page=1)] == [t.id for t in made]
    assert mls_meta_table_client.list_meta_tables(page=2) == []
    assert mls_meta_table_client.list_meta_tables(name="plan") == []


def test_get_meta_table_by_id_and_name_with_its_items(mls_meta_table_client, table):
    item = mls_meta_table_client.create_meta_item(table, "PLAN-PRIME", PRIME)

    by_id = mls_meta_table_client.get_meta_table(id=table.id)
    by_name = mls_meta_table_client.get_meta_table(name="plans")

    assert by_id.get() == by_name.get()
    assert by_id.items == [{"id": item.id, "name": "PLAN-PRIME", "values": PRIME}]
    assert (by_id.name, by_id.schema, by_id.user, by_id.created_at) == ("plans", SCHEMA, table.user, table.created_at)
    assert client_error(mls_meta_table_client.get_meta_table, name="plan").code == 404
    assert client_error(mls_meta_table_client.get_meta_table, id=table.id + 1).code == 404
    with pytest.raises(AssertionError):  # the client's own check: an id or a name
        mls_meta_table_client.get_meta_table()


def test_meta_table_exists(mls_meta_table_client, table):
    assert mls_meta_table_client.meta_table_exists(name="plans") is True
    assert mls_meta_table_client.meta_table_exists(id=table.id) is True
    assert mls_meta_table_client.meta_table_exists(name="coupons") is False
    assert mls_meta_table_client.meta_table_exists(id=table.id + 1) is False


def test_update_meta_table_name_schema_and_description(mls_meta_table_client, table):
    new_schema = {"title": {"type": "string"}}
    created_at = table.created_at

    returned = mls_meta_table_client.update_meta_table(table, name="coupons", schema=new_schema, description="쿠폰")

    assert returned is table and (table.name, table.schema, table.description) == ("coupons", new_schema, "쿠폰")
    fetched = mls_meta_table_client.get_meta_table(id=table.id)
    assert (fetched.name, fetched.schema, fetched.description, fetched.items) == ("coupons", new_schema, "쿠폰", [])
    assert fetched.created_at == created_at and fetched.updated_at > fetched.created_at
    assert isinstance(table.updated_at, str)  # the client's reset() keeps the answer's strings


def test_update_meta_table_keeps_what_is_not_given(mls_meta_table_client, table):
    mls_meta_table_client.update_meta_table(table, description="")

    fetched = mls_meta_table_client.get_meta_table(id=table.id)
    assert (fetched.name, fetched.schema, fetched.description) == ("plans", SCHEMA, "")


def test_delete_meta_table_deletes_its_items(mls_meta_table_client, mls_mock, table):
    other = mls_meta_table_client.create_meta_table(name="coupons", schema={})
    kept = mls_meta_table_client.create_meta_item(other, "COUPON", {"rate": 0.2})
    mls_meta_table_client.create_meta_items(table, {"A": PRIME, "B": REGULAR})

    response = mls_meta_table_client.delete_meta_table(table)

    assert isinstance(response, MLSResponse) and (response.status, response.error) == (200, None)
    assert [t.name for t in mls_meta_table_client.list_meta_tables()] == ["coupons"]
    assert [i["id"] for i in mls_mock.store.dump()["meta_items"]] == [kept.id]
    assert client_error(mls_meta_table_client.list_meta_items, table).code == 404
    assert client_error(mls_meta_table_client.delete_meta_table, table).code == 404


def test_meta_table_ids_are_never_reused(mls_meta_table_client, table):
    second = mls_meta_table_client.create_meta_table(name="b", schema={})
    mls_meta_table_client.delete_meta_table(second)

    assert (second.id, mls_meta_table_client.create_meta_table(name="c", schema={}).id) == (table.id + 1, table.id + 2)


def test_duplicate_meta_table_name_is_409_and_changes_nothing(mls_meta_table_client, table, dump):
    other = mls_meta_table_client.create_meta_table(name="coupons", schema={})
    before = dump()

    created = client_error(mls_meta_table_client.create_meta_table, name="plans", schema={})
    renamed = client_error(mls_meta_table_client.update_meta_table, other, name="plans")

    assert (created.code, renamed.code) == (409, 409) and "name" in created.msg and "plans" in renamed.msg
    assert dump() == before


@pytest.mark.parametrize(
    "schema, field",
    [({"plan_name": "string"}, "schema.plan_name"), (["plan_name"], "schema"), (None, "schema")],
    ids=["value_not_an_object", "a_list", "null"],
)
def test_a_bad_schema_is_400_naming_the_field(mls_meta_table_client, dump, schema, field):
    before = dump()

    error = client_error(mls_meta_table_client.create_meta_table, name="plans", schema=schema)

    assert error.code == 400 and field in error.msg
    assert dump() == before


def test_update_of_a_deleted_meta_table_is_404(mls_meta_table_client, table):
    mls_meta_table_client.delete_meta_table(table)

    assert client_error(mls_meta_table_client.update_meta_table, table, name="again").code == 404


# ---- meta items ----------------------------------------------------------------------------


def test_create_meta_item_returns_the_item_and_the_table_lists_it(mls_meta_table_client, table):
    item = mls_meta_table_client.create_meta_item(table, "PLAN-PRIME", PRIME)

    assert isinstance(item, MetaItem) and isinstance(item.id, int)
    assert item.get() == {"id": item.id, "name": "PLAN-PRIME", "values": PRIME}
    assert mls_meta_table_client.get_meta_table(id=table.id).items == [item.get()]


def test_item_values_are_not_checked_against_the_schema(mls_meta_table_client, table):
    values = {"colour": "red", "monthly_fee": "free", "tags": ["a", 1, None], "nested": {"k": [True]}}

    assert mls_meta_table_client.create_meta_item(table, "odd", values).values == values


def test_list_meta_items_with_filters_and_pages(mls_meta_table_client, table):
    other = mls_meta_table_client.create_meta_table(name="coupons", schema={})
    made = [mls_meta_table_client.create_meta_item(table, n, PRIME) for n in ("PLAN-A", "PLAN-B", "EXTRA")]
    mls_meta_table_client.create_meta_item(other, "PLAN-A", {})

    assert [i.id for i in mls_meta_table_client.list_meta_items(table)] == [i.id for i in made]
    assert [i.name for i in mls_meta_table_client.list_meta_items(table, name="EXTRA")] == ["EXTRA"]
    assert [i.name for i in mls_meta_table_client.list_meta_items(table, query="plan")] == ["PLAN-A", "PLAN-B"]
    assert [i.id for i in mls_meta_table_client.list_meta_items(table, id=made[1].id)] == [made[1].id]
    assert [i.id for i in mls_meta_table_client.list_meta_items(table, page=1)] == [i.id for i in made]
    assert mls_meta_table_client.list_meta_items(table, page=2) == []
    assert mls_meta_table_client.list_meta_items(other, name="EXTRA") == []


def test_get_meta_item_by_id_and_name(mls_meta_table_client, table):
    item = mls_meta_table_client.create_meta_item(table, "PLAN-PRIME", PRIME)
    other = mls_meta_table_client.create_meta_table(name="coupons", schema={})

    assert mls_meta_table_client.get_meta_item(table, id=item.id).get() == item.get()
    assert mls_meta_table_client.get_meta_item(table, name="PLAN-PRIME").get() == item.get()
    assert client_error(mls_meta_table_client.get_meta_item, table, name="PLAN").code == 404
    assert client_error(mls_meta_table_client.get_meta_item, other, id=item.id).code == 404


def test_update_meta_item_name_and_values(mls_meta_table_client, table):
    item = mls_meta_table_client.create_meta_item(table, "PLAN-PRIME", PRIME)

    returned = mls_meta_table_client.update_meta_item(table, item, item_name="PLAN-REGULAR", item_dict=REGULAR)

    assert returned is item and item.get() == {"id": item.id, "name": "PLAN-REGULAR", "values": REGULAR}
    assert mls_meta_table_client.get_meta_item(table, id=item.id).get() == item.get()


def test_update_meta_item_keeps_what_is_not_given(mls_meta_table_client, table):
    item = mls_meta_table_client.create_meta_item(table, "PLAN-PRIME", PRIME)

    mls_meta_table_client.update_meta_item(table, item, item_name="PLAN-1")
    mls_meta_table_client.update_meta_item(table, item, item_dict=REGULAR)

    assert mls_meta_table_client.get_meta_item(table, id=item.id).get() == {
        "id": item.id,
        "name": "PLAN-1",
        "values": REGULAR,
    }


def test_item_writes_leave_the_table_updated_at_alone(mls_meta_table_client, table):
    item = mls_meta_table_client.create_meta_item(table, "A", PRIME)
    mls_meta_table_client.update_meta_item(table, item, item_dict=REGULAR)
    mls_meta_table_client.create_meta_items(table, {"B": PRIME})
    mls_meta_table_client.delete_meta_item(table, item)

    assert mls_meta_table_client.get_meta_table(id=table.id).updated_at == table.updated_at


def test_an_item_through_another_table_is_404_and_changes_nothing(mls_meta_table_client, table, dump):
    item = mls_meta_table_client.create_meta_item(table, "PLAN-PRIME", PRIME)
    other = mls_meta_table_client.create_meta_table(name="coupons", schema={})
    before = dump()

    updated = client_error(mls_meta_table_client.update_meta_item, other, item, item_dict=REGULAR)
    deleted = client_error(mls_meta_table_client.delete_meta_item, other, item)

    assert (updated.code, deleted.code) == (404, 404)
    assert dump() == before
    # A client-side bug: update_meta_item writes the new values into the object it was given
    # (it sends `meta_item.get()`, the object's own __dict__) before the server answers, so
    # the refused update still changed the caller's object.
    assert item.values == REGULAR
    assert mls_meta_table_client.get_meta_item(table, id=item.id).values == PRIME


def test_delete_meta_item(mls_meta_table_client, table):
    item = mls_meta_table_client.create_meta_item(table, "PLAN-PRIME", PRIME)
    kept = mls_meta_table_client.create_meta_item(table, "PLAN-REGULAR", REGULAR)

    response = mls_meta_table_client.delete_meta_item(table, item)

    assert isinstance(response, MLSResponse) and (response.status, response.error) == (200, None)
    assert [i.id for i in mls_meta_table_client.list_meta_items(table)] == [kept.id]
    assert client_error(mls_meta_table_client.delete_meta_item, table, item).code == 404


def test_item_names_are_unique_within_their_table_only(mls_meta_table_client, table, dump):
    item = mls_meta_table_client.create_meta_item(table, "PLAN-PRIME", PRIME)
    second = mls_meta_table_client.create_meta_item(table, "PLAN-REGULAR", REGULAR)
    other = mls_meta_table_client.create_meta_table(name="coupons", schema={})
    before = dump()

    created = client_error(mls_meta_table_client.create_meta_item, table, "PLAN-PRIME", REGULAR)
    renamed = client_error(mls_meta_table_client.update_meta_item, table, second, item_name="PLAN-PRIME")

    assert (created.code, renamed.code) == (409, 409) and "name" in created.msg
    assert dump() == before
    assert mls_meta_table_client.create_meta_item(other, "PLAN-PRIME", PRIME).id > item.id


def test_refused_item_bodies_are_400_naming_the_field(mls_meta_table_client, table, dump):
    before = dump()

    no_name = client_error(mls_meta_table_client.create_meta_item, table, "", PRIME)
    no_values = client_error(mls_meta_table_client.create_meta_item, table, "A", None)
    list_values = client_error(mls_meta_table_client.create_meta_item, table, "A", [1, 2])

    assert (no_name.code, no_values.code, list_values.code) == (400, 400, 400)
    assert "name" in no_name.msg and "values" in no_values.msg and "values" in list_values.msg
    assert dump() == before


def test_items_of_a_missing_table_are_404(mls_meta_table_client, table):
    mls_meta_table_client.delete_meta_table(table)

    assert client_error(mls_meta_table_client.create_meta_item, table, "A", PRIME).code == 404
    assert client_error(mls_meta_table_client.get_meta_item, table, name="A").code == 404
    assert client_error(mls_meta_table_client.create_meta_items, table, {"A": PRIME}).code == 404


# ---- bulk ----------------------------------------------------------------------------------


def test_create_meta_items_creates_and_updates_by_name(mls_meta_table_client, table):
    existing = mls_meta_table_client.create_meta_item(table, "PLAN-PRIME", PRIME)

    answered = mls_meta_table_client.create_meta_items(table, {"PLAN-REGULAR": REGULAR, "PLAN-PRIME": REGULAR})

    assert all(isinstance(i, MetaItem) for i in answered)
    assert [(i.name, i.values) for i in answered] == [("PLAN-REGULAR", REGULAR), ("PLAN-PRIME", REGULAR)]
    assert answered[1].id == existing.id and answered[0].id == existing.id + 1
    listed = mls_meta_table_client.list_meta_items(table)
    assert [(i.id, i.name, i.values) for i in listed] == [(existing.id, "PLAN-PRIME", REGULAR), (existing.id + 1, "PLAN-REGULAR", REGULAR)]


def test_create_meta_items_with_nothing_changes_nothing(mls_meta_table_client, table, dump):
    before = dump()

    assert mls_meta_table_client.create_meta_items(table, {}) == []
    assert dump() == before


def test_a_bulk_with_one_bad_item_changes_nothing(mls_meta_table_client, table, dump):
    mls_meta_table_client.create_meta_item(table, "PLAN-PRIME", PRIME)
    before = dump()

    error = client_error(mls_meta_table_client.create_meta_items, table, {"PLAN-PRIME": REGULAR, "NEW": REGULAR, "BAD": 5})

    assert error.code == 400 and "items.BAD" in error.msg
    assert dump() == before


def test_the_client_refuses_more_than_a_thousand_items_itself(mls_meta_table_client, mls_mock, table):
    calls = len(mls_mock.calls)

    with pytest.raises(AssertionError, match="1,000"):
        mls_meta_table_client.create_meta_items(table, {f"i{n}": {} for n in range(1001)})

    assert len(mls_mock.calls) == calls
    assert len(mls_meta_table_client.create_meta_items(table, {f"i{n}": {} for n in range(1000)})) == 1000


# ---- the DataFrame helpers -----------------------------------------------------------------


def test_get_meta_table_dataframe_of_a_table_without_items_is_none(mls_meta_table_client, table):
    """The client returns None, not an empty frame, for a table without items (no pandas used)."""
    assert mls_meta_table_client.get_meta_table_dataframe(id=table.id) is None


def test_get_meta_table_dataframe(mls_meta_table_client, table):
    mls_meta_table_client.create_meta_items(table, {"PLAN-PRIME": PRIME, "PLAN-REGULAR": REGULAR})

    if not FULL_INSTALL:
        with pytest.raises(ModuleNotFoundError, match="pandas is not installed") as missing:
            mls_meta_table_client.get_meta_table_dataframe(name="plans")
        assert missing.value.name == "pandas"
        return
    frame = mls_meta_table_client.get_meta_table_dataframe(name="plans")
    assert list(frame.columns) == ["name", "plan_name", "monthly_fee"]
    assert frame.to_dict(orient="records") == [{"name": "PLAN-PRIME", **PRIME}, {"name": "PLAN-REGULAR", **REGULAR}]


def test_create_meta_items_by_dataframe(mls_meta_table_client, table):
    if not FULL_INSTALL:
        # Without pandas no DataFrame can be built: whatever is passed, the client's type check
        # reaches the stand-in, which says what is missing.
        with pytest.raises(ModuleNotFoundError, match="pandas is not installed") as missing:
            mls_meta_table_client.create_meta_items_by_dataframe(table, [{"name": "A"}], "name")
        assert missing.value.name == "pandas"
        assert mls_meta_table_client.list_meta_items(table) == []
        return
    import pandas

    existing = mls_meta_table_client.create_meta_item(table, "PLAN-PRIME", PRIME)
    frame = pandas.DataFrame(
        {"code": ["PLAN-PRIME", "PLAN-REGULAR"], "plan_name": ["프라임", "레귤러"], "monthly_fee": [99000, 69000]}
    )

    answered = mls_meta_table_client.create_meta_items_by_dataframe(table, frame, "code")

    assert [(i.name, i.values) for i in answered] == [
        ("PLAN-PRIME", {"plan_name": "프라임", "monthly_fee": 99000}),
        ("PLAN-REGULAR", {"plan_name": "레귤러", "monthly_fee": 69000}),
    ]
    assert answered[0].id == existing.id
    assert list(frame.index) == ["PLAN-PRIME", "PLAN-REGULAR"]  # the client set the caller's index in place
    with pytest.raises(KeyError):  # so the same frame cannot be sent twice (a client-side bug)
        mls_meta_table_client.create_meta_items_by_dataframe(table, frame, "code")


def test_a_nan_value_never_leaves_the_client(mls_meta_table_client, mls_mock, table, dump):
    """NaN (what a DataFrame's missing cell becomes) is not JSON: requests refuses to write it."""
    import requests

    before, calls = dump(), len(mls_mock.calls)

    with pytest.raises(requests.exceptions.InvalidJSONError):
        mls_meta_table_client.create_meta_items(table, {"A": {"monthly_fee": float("nan")}})
    assert (dump(), len(mls_mock.calls)) == (before, calls)


# ---- factory and seeds ---------------------------------------------------------------------


def test_the_factory_builds_what_the_client_reads(mls_factory, mls_meta_table_client):
    made = mls_factory.meta_table(items=3)
    extra = mls_factory.meta_item(made, name="EXTRA", values={"k": 1})

    fetched = mls_meta_table_client.get_meta_table(id=made.id)
    assert isinstance(made, MetaTable) and fetched.items == [*made.items, extra.get()]
    assert (fetched.name, fetched.schema, fetched.description) == (made.name, made.schema, made.description)
    assert all(set(i["values"]) == set(made.schema) for i in made.items)
    assert len(made.items) == 3


@pytest.mark.mls_seed("demo")
def test_the_demo_set_holds_meta_tables(mls_meta_table_client):
    plans = mls_meta_table_client.get_meta_table(name="tworld_plan_meta")

    assert [i["name"] for i in plans.items] == ["PLAN-5GX-PRIME", "PLAN-5GX-REGULAR", "PLAN-0-YOUTH"]
    assert mls_meta_table_client.get_meta_item(plans, name="PLAN-0-YOUTH").values["monthly_fee"] == 55000
