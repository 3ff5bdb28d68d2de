"""Profile data (mls_mock/profile_data.py): what the profile API serves for a target, read
from the profile's DynamoDB tables: the main table decides, the left table wins, each
table's key is not a value; and the one-line way to set it, `Store.put_profile_values`."""
import pytest

from mls_mock import Store
from mls_mock.errors import FieldError, NotFound
from mls_mock.profile_data import profile_of, served

USER_TABLES = ["user-profile-main", "user-profile-daily"]


@pytest.fixture
def store():
    store = Store()
    store.create("profiles", {"profile_id": "default", "tables": USER_TABLES})
    store.create("profiles", {"profile_id": "daily_first", "tables": USER_TABLES, "main_table": "user-profile-daily"})
    store.create("profiles", {"profile_id": "device", "tables": ["item-profile-device"]})
    store.create("profiles", {"profile_id": "merged", "tables": ["profile-a", "profile-b"]})
    for table in (*USER_TABLES, "item-profile-device", "profile-a", "profile-b"):
        store.create_dynamodb_table(table)
    return store


def test_the_main_tables_item_is_served_merged_with_the_others_left_winning(store):
    store.put_dynamodb_item("user-profile-main", {"user_id": "u1", "age": 31, "gender": "F"})
    store.put_dynamodb_item("user-profile-daily", {"user_id": "u1", "age": 99, "visits": 4})

    assert profile_of(store, "default", "user", "u1") == {"age": 31, "gender": "F", "visits": 4}
    # The same tables with the daily one as main: still merged left to right.
    assert profile_of(store, "daily_first", "user", "u1") == {"age": 31, "gender": "F", "visits": 4}


def test_no_item_in_the_main_table_is_not_served_whatever_the_others_hold(store):
    store.put_dynamodb_item("user-profile-daily", {"user_id": "u1", "visits": 4})

    assert profile_of(store, "default", "user", "u1") is None
    assert profile_of(store, "daily_first", "user", "u1") == {"visits": 4}
    with pytest.raises(NotFound, match="main table 'user-profile-main' has no item"):
        served(store, "default", "user", "u1")


def test_an_item_in_the_main_table_alone_is_served(store):
    store.put_dynamodb_item("user-profile-main", {"user_id": "u1"})

    assert profile_of(store, "default", "user", "u1") == {}


@pytest.mark.parametrize("profile_id, kind, target_id, key", [
    ("default", "user", "u1", "user_id"),
    ("device", "item", "item001", "item_id"),
    ("merged", "id", "001", "id"),
])
def test_each_form_serves_its_own_kind_of_profile(store, profile_id, kind, target_id, key):
    table = store.list("profiles", profile_id=profile_id)[0]["main_table"]
    store.put_dynamodb_item(table, {key: target_id, "price": 1000})

    assert profile_of(store, profile_id, kind, target_id) == {"price": 1000}
    for other in {"user", "item", "id"} - {kind}:
        assert profile_of(store, profile_id, other, target_id) is None
        with pytest.raises(NotFound, match=f"not an? {other} profile"):
            served(store, profile_id, other, target_id)


def test_an_unknown_profile_or_target_is_none(store):
    store.put_dynamodb_item("user-profile-main", {"user_id": "u1", "age": 3})

    assert profile_of(store, "nope", "user", "u1") is None
    assert profile_of(store, "default", "user", "u2") is None
    with pytest.raises(NotFound, match="profile 'nope' does not exist"):
        served(store, "nope", "user", "u1")


def test_a_number_key_is_not_a_string_target(store):
    store.put_dynamodb_item("item-profile-device", {"item_id": 7, "price": 1})

    assert profile_of(store, "device", "item", "7") is None


def test_missing_and_inactive_tables_hold_nothing(store):
    store.create("profiles", {"profile_id": "ghost", "tables": ["user-profile-ghost"]})
    store.put_dynamodb_item("user-profile-main", {"user_id": "u1", "age": 31})
    store.put_dynamodb_item("user-profile-daily", {"user_id": "u1", "visits": 4})

    assert profile_of(store, "ghost", "user", "u1") is None
    store.set_dynamodb_table("user-profile-daily", is_active=False)
    assert profile_of(store, "default", "user", "u1") == {"age": 31}
    store.set_dynamodb_table("user-profile-main", is_active=False)
    assert profile_of(store, "default", "user", "u1") is None
    store.set_dynamodb_table("user-profile-main", is_loading=True, is_active=True)
    assert profile_of(store, "default", "user", "u1") == {"age": 31}  # loading: read as usual


def test_keys_select_in_order_and_a_key_no_table_holds_is_null(store):
    store.put_dynamodb_item("user-profile-main", {"user_id": "u1", "age": 31, "gender": "F"})

    assert served(store, "default", "user", "u1", ["gender", "nope", "user_id"]) == {
        "gender": "F", "nope": None, "user_id": None}
    assert list(served(store, "default", "user", "u1", ["gender", "age"])) == ["gender", "age"]
    assert served(store, "default", "user", "u1", []) == {}


def test_the_answer_is_a_copy(store):
    store.put_dynamodb_item("user-profile-main", {"user_id": "u1", "tags": ["a"]})

    profile_of(store, "default", "user", "u1")["tags"].append("changed")

    assert profile_of(store, "default", "user", "u1") == {"tags": ["a"]}


def test_put_profile_values_writes_the_main_tables_whole_item_making_the_table(store):
    store.create("profiles", {"profile_id": "fresh", "tables": ["user-profile-new", "user-profile-main"]})
    store.put_dynamodb_item("user-profile-main", {"user_id": "u1", "age": 31, "visits": 2})

    assert store.put_profile_values("fresh", "user", "u1", {"age": 40}) == {"age": 40, "visits": 2}
    table = store.get_dynamodb_table("user-profile-new")
    assert (table["key"], table["is_active"], table["items"]) == ("user_id", True, [{"user_id": "u1", "age": 40}])
    assert store.put_profile_values("fresh", "user", "u1", {"gender": "M"}) == {"gender": "M", "age": 31, "visits": 2}
    assert store.get_dynamodb_table("user-profile-new")["items"] == [{"user_id": "u1", "gender": "M"}]


def test_put_profile_values_of_an_inactive_main_table_is_stored_not_served(store):
    store.set_dynamodb_table("item-profile-device", is_active=False)

    assert store.put_profile_values("device", "item", "i1", {"price": 5}) is None
    assert store.get_dynamodb_table("item-profile-device")["items"] == [{"item_id": "i1", "price": 5}]


@pytest.mark.parametrize("args, error, message", [
    (("nope", "user", "u1", {}), NotFound, "profile 'nope' does not exist"),
    (("device", "user", "u1", {}), NotFound, "not a user profile"),
    (("default", "users", "u1", {}), FieldError, "kind: must be one of user, item, id"),
    (("default", "user", "", {}), FieldError, "target_id: must be a non-empty string"),
    (("default", "user", 7, {}), FieldError, "target_id: must be a non-empty string"),
    (("default", "user", "u1", ["age"]), FieldError, "values: must be"),
    (("default", "user", "u1", {"user_id": "u2"}), FieldError, "values.user_id: is the main table's key"),
    (("default", "user", "u1", {"bad": float("nan")}), FieldError, "values: holds NaN"),
])
def test_put_profile_values_refuses_bad_input_changing_nothing(store, args, error, message):
    before = store.dump()

    with pytest.raises(error, match=message):
        store.put_profile_values(*args)

    assert store.dump() == before


def test_put_profile_values_with_the_key_itself_is_accepted(store):
    assert store.put_profile_values("default", "user", "u1", {"user_id": "u1", "age": 1}) == {"age": 1}
