"""DimensionClient against the AB API, through the real client only (tests that compare the
fake's dump before and after a refusal ask for `mls_mock` and are skipped under --mls-url)."""
import datetime

import pytest
from sktmls import MLSResponse
from sktmls.dimensions import Dimension

from support import client_error

REQUIRED = dict(dimension_type="user", data_type="number", default="0", period="daily")


def make(client, name="age", **fields):
    return client.create_dimension(name=name, **{**REQUIRED, **fields})


def test_create_dimension_returns_every_field(mls_dimension_client):
    made = mls_dimension_client.create_dimension(
        name="age_band", dimension_type="item", data_type="string", default="20s", period="monthly",
        description="연령대", task_id="dim_age_band", tag="demographics", is_derivative=True, is_enabled=False,
    )

    assert isinstance(made, Dimension) and isinstance(made.id, int)
    assert (made.name, made.dimension_type, made.data_type, made.default, made.period) == (
        "age_band", "item", "string", "20s", "monthly")
    assert (made.description, made.task_id, made.tag, made.is_derivative, made.is_enabled) == (
        "연령대", "dim_age_band", "demographics", True, False)
    assert isinstance(made.created_at, datetime.datetime) and made.created_at.utcoffset() is not None
    assert made.updated_at == made.created_at


def test_left_out_fields_take_the_documented_defaults(mls_dimension_client):
    made = make(mls_dimension_client)

    assert (made.description, made.task_id, made.tag) == (None, None, None)
    assert (made.is_derivative, made.is_enabled) == (False, True)  # "(기본값: False)", "(기본값: True)"


@pytest.mark.parametrize("dimension_type", ["user", "item"])
@pytest.mark.parametrize("data_type", ["string", "number", "array", "json"])
@pytest.mark.parametrize("period", ["daily", "monthly"])
def test_every_documented_enum_value_is_accepted(mls_dimension_client, dimension_type, data_type, period):
    made = make(mls_dimension_client, dimension_type=dimension_type, data_type=data_type, period=period)

    assert (made.dimension_type, made.data_type, made.period) == (dimension_type, data_type, period)
    assert mls_dimension_client.get_dimension(dimension_type, id=made.id).get() == made.get()


def test_the_list_holds_only_the_type_asked_for(mls_dimension_client):
    user = make(mls_dimension_client, "age", dimension_type="user")
    item = make(mls_dimension_client, "price", dimension_type="item")

    assert [d.id for d in mls_dimension_client.list_dimensions(dimension_type="user")] == [user.id]
    assert [d.id for d in mls_dimension_client.list_dimensions(dimension_type="item")] == [item.id]
    assert mls_dimension_client.list_dimensions(dimension_type="item", id=user.id) == []
    assert mls_dimension_client.list_dimensions(dimension_type="user")[0].get() == user.get()


def test_list_dimensions_with_every_documented_filter(mls_dimension_client):
    a = make(mls_dimension_client, "age", data_type="number", period="daily", task_id="t_age", tag="demo")
    b = make(mls_dimension_client, "arpu", data_type="number", period="monthly", task_id="t_arpu", is_derivative=True)
    c = make(mls_dimension_client, "segment", data_type="string", period="daily", tag="demo", is_enabled=False)

    def ids(**query):
        return [d.id for d in mls_dimension_client.list_dimensions(dimension_type="user", **query)]

    assert ids() == [a.id, b.id, c.id]
    assert (ids(id=b.id), ids(name="segment"), ids(name="seg")) == ([b.id], [c.id], [])
    assert (ids(data_type="string"), ids(period="monthly"), ids(task_id="t_age")) == ([c.id], [b.id], [a.id])
    assert ids(tag="demo") == [a.id, c.id]
    assert (ids(is_derivative=True), ids(is_derivative=False)) == ([b.id], [a.id, c.id])
    assert (ids(is_enabled=False), ids(is_enabled=True)) == ([c.id], [a.id, b.id])
    assert (ids(query="A"), ids(query="rp")) == ([a.id, b.id], [b.id])
    assert ids(data_type="number", period="daily") == [a.id]
    assert (ids(page=1), ids(page=2)) == ([a.id, b.id, c.id], [])


def test_get_dimension_by_id_and_by_name(mls_dimension_client):
    made = make(mls_dimension_client, "age")
    make(mls_dimension_client, "age", dimension_type="item")

    assert mls_dimension_client.get_dimension("user", id=made.id).get() == made.get()
    assert mls_dimension_client.get_dimension("user", name="age").get() == made.get()
    assert client_error(mls_dimension_client.get_dimension, "user", name="ag").code == 404
    assert client_error(mls_dimension_client.get_dimension, "item", id=made.id).code == 404
    with pytest.raises(AssertionError):  # the client's own check: id or name
        mls_dimension_client.get_dimension("user")


def test_update_dimension_changes_what_is_given(mls_dimension_client):
    made = make(mls_dimension_client, "age", tag="demo", description="나이")
    created_at = made.created_at

    returned = mls_dimension_client.update_dimension(
        made, name="age_years", dimension_type="item", data_type="string", default="unknown", period="monthly",
        description="만 나이", task_id="t2", tag="", is_derivative=True, is_enabled=False,
    )

    assert returned is made
    fetched = mls_dimension_client.get_dimension("item", id=made.id)
    assert (fetched.name, fetched.dimension_type, fetched.data_type, fetched.default, fetched.period) == (
        "age_years", "item", "string", "unknown", "monthly")
    assert (fetched.description, fetched.task_id, fetched.tag, fetched.is_derivative, fetched.is_enabled) == (
        "만 나이", "t2", "", True, False)
    assert fetched.created_at == created_at and fetched.updated_at > fetched.created_at
    assert mls_dimension_client.list_dimensions(dimension_type="user") == []


def test_update_dimension_keeps_what_is_not_given(mls_dimension_client):
    made = make(mls_dimension_client, "age", tag="demo", description="나이", is_derivative=True)
    before = mls_dimension_client.get_dimension("user", id=made.id).get()

    mls_dimension_client.update_dimension(made, default="1")

    after = mls_dimension_client.get_dimension("user", id=made.id).get()
    assert after["default"] == "1"
    assert {k: v for k, v in after.items() if k not in ("default", "updated_at")} == {
        k: v for k, v in before.items() if k not in ("default", "updated_at")}


def test_update_dimension_returns_timestamps_as_strings(mls_dimension_client):
    """A client-side quirk the fake cannot cure: update_dimension hands the raw record to
    Dimension.reset, which does not parse timestamps (the constructor does)."""
    made = make(mls_dimension_client)

    mls_dimension_client.update_dimension(made, default="1")

    assert isinstance(made.updated_at, str)
    assert datetime.datetime.fromisoformat(made.updated_at) == mls_dimension_client.get_dimension(
        "user", id=made.id).updated_at


def test_delete_dimension(mls_dimension_client):
    made = make(mls_dimension_client)

    response = mls_dimension_client.delete_dimension(made)

    assert isinstance(response, MLSResponse) and (response.status, response.error) == (200, None)
    assert mls_dimension_client.list_dimensions(dimension_type="user") == []
    assert client_error(mls_dimension_client.delete_dimension, made).code == 404
    assert client_error(mls_dimension_client.update_dimension, made, default="1").code == 404


def test_dimension_ids_are_never_reused(mls_dimension_client):
    first = make(mls_dimension_client, "a")
    second = make(mls_dimension_client, "b")
    mls_dimension_client.delete_dimension(second)

    assert (second.id, make(mls_dimension_client, "c").id) == (first.id + 1, first.id + 2)


def test_a_name_is_unique_within_its_type(mls_dimension_client):
    make(mls_dimension_client, "age")
    other = make(mls_dimension_client, "gender")
    same_name_other_type = make(mls_dimension_client, "age", dimension_type="item")

    error = client_error(make, mls_dimension_client, "age")
    assert error.code == 409 and "name" in error.msg and "age" in error.msg
    assert client_error(mls_dimension_client.update_dimension, other, name="age").code == 409
    assert client_error(mls_dimension_client.update_dimension, same_name_other_type, dimension_type="user").code == 409
    assert [d.name for d in mls_dimension_client.list_dimensions(dimension_type="user")] == ["age", "gender"]
    assert [d.name for d in mls_dimension_client.list_dimensions(dimension_type="item")] == ["age"]


@pytest.mark.parametrize("field, call", [
    ("name", lambda c: make(c, " ")),
    ("default", lambda c: make(c, default=None)),
    ("is_enabled", lambda c: make(c, is_enabled="yes")),
    ("is_derivative", lambda c: make(c, is_derivative=1)),
    ("description", lambda c: make(c, description=["a"])),
    ("type", lambda c: c.list_dimensions(dimension_type="users")),
    ("data_type", lambda c: c.list_dimensions(dimension_type="user", data_type="text")),
    ("period", lambda c: c.list_dimensions(dimension_type="user", period="weekly")),
    ("is_enabled", lambda c: c.list_dimensions(dimension_type="user", is_enabled="yes")),
])
def test_refused_input_is_400_naming_the_field_and_changes_nothing(mls_mock, mls_dimension_client, field, call):
    kept = make(mls_dimension_client, "kept")
    before = mls_mock.store.dump()

    error = client_error(call, mls_dimension_client)

    assert error.code == 400 and error.msg.startswith(f"{field}:")
    assert mls_mock.store.dump() == before
    assert [d.id for d in mls_dimension_client.list_dimensions(dimension_type="user")] == [kept.id]


def test_a_refused_update_changes_nothing(mls_mock, mls_dimension_client):
    made = make(mls_dimension_client, "age")
    make(mls_dimension_client, "gender")
    before = mls_mock.store.dump()

    assert client_error(mls_dimension_client.update_dimension, made, name="gender", default="9").code == 409
    assert mls_mock.store.dump() == before


def test_the_client_checks_its_own_enums(mls_dimension_client):
    """create_dimension asserts the documented values before sending anything."""
    for wrong in (dict(dimension_type="users"), dict(data_type="text"), dict(period="weekly")):
        with pytest.raises(AssertionError):
            make(mls_dimension_client, **wrong)
    assert mls_dimension_client.list_dimensions(dimension_type="user") == []
