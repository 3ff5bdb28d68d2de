"""ProfileClient against the AB API (`/api/v1/profile`), through the real client."""
import pytest
from sktmls import MLSResponse
from sktmls.profiles import Profile

from support import client_error

TABLES = ["user-profile", "user-profile-daily"]


def test_create_profile_returns_the_record(mls_profile_client, mls_mock, mls_settings):
    made = mls_profile_client.create_profile(profile_id="reco_user", tables=TABLES)

    assert isinstance(made, Profile) and isinstance(made.id, int)
    assert made.get() == {"id": made.id, "profile_id": "reco_user", "tables": TABLES, "user": mls_settings.username}
    # Profile keeps no main_table; the record has one: the first table unless one is given.
    assert "main_table" not in mls_mock.calls[-1].json
    assert mls_mock.store.get("profiles", made.id)["main_table"] == "user-profile"


def test_create_profile_with_a_main_table(mls_profile_client, mls_mock):
    made = mls_profile_client.create_profile(profile_id="items", tables=["item-profile-a", "item-profile-b"],
                                             main_table="item-profile-b")

    assert mls_mock.calls[-1].json == {"profile_id": "items", "tables": ["item-profile-a", "item-profile-b"],
                                       "main_table": "item-profile-b"}
    assert mls_mock.store.get("profiles", made.id)["main_table"] == "item-profile-b"


@pytest.mark.parametrize("tables", [["profile-a"], ["user-profile-x", "user-profile-y"], ["item-profile"]])
def test_every_documented_table_prefix_is_accepted(mls_profile_client, tables):
    assert mls_profile_client.create_profile(profile_id="p", tables=tables).tables == tables


def test_list_profiles_with_filters(mls_profile_client):
    made = [mls_profile_client.create_profile(profile_id=n, tables=TABLES) for n in ("reco_a", "reco_b", "push")]

    assert [p.get() for p in mls_profile_client.list_profiles()] == [p.get() for p in made]
    assert [p.profile_id for p in mls_profile_client.list_profiles(profile_id="push")] == ["push"]
    assert [p.profile_id for p in mls_profile_client.list_profiles(query="RECO")] == ["reco_a", "reco_b"]
    assert [p.id for p in mls_profile_client.list_profiles(id=made[1].id)] == [made[1].id]
    assert [p.id for p in mls_profile_client.list_profiles(api_type="user")] == [p.id for p in made]  # ignored
    assert mls_profile_client.list_profiles(profile_id="reco") == []
    assert mls_profile_client.list_profiles(page=2) == []


def test_get_profile_by_id_and_profile_id(mls_profile_client):
    made = mls_profile_client.create_profile(profile_id="reco_user", tables=TABLES)

    assert mls_profile_client.get_profile(id=made.id).get() == made.get()
    assert mls_profile_client.get_profile(profile_id="reco_user").get() == made.get()
    assert client_error(mls_profile_client.get_profile, profile_id="reco").code == 404
    assert client_error(mls_profile_client.get_profile, id=made.id + 1).code == 404


def test_update_profile_changes_the_object_and_returns_none(mls_profile_client, mls_mock, mls_clock):
    made = mls_profile_client.create_profile(profile_id="reco_user", tables=TABLES)
    created_at = mls_mock.store.get("profiles", made.id)["created_at"]
    mls_clock.tick(5)

    returned = mls_profile_client.update_profile(made, profile_id="reco_user2", tables=["profile-x", "profile-y"],
                                                 main_table="profile-y")

    assert returned is None  # sktmls returns profile.reset(...), which returns None
    assert (made.profile_id, made.tables, made.main_table) == ("reco_user2", ["profile-x", "profile-y"], "profile-y")
    fetched = mls_profile_client.get_profile(id=made.id)
    assert (fetched.profile_id, fetched.tables) == ("reco_user2", ["profile-x", "profile-y"])
    stored = mls_mock.store.get("profiles", made.id)
    assert (stored["main_table"], stored["created_at"]) == ("profile-y", created_at)
    assert stored["updated_at"] > created_at
    assert (made.created_at, made.updated_at) == (created_at, stored["updated_at"])  # reset() takes every key


def test_update_profile_without_main_table_falls_back_to_the_first_table(mls_profile_client, mls_mock):
    # Profile.__init__ keeps no main_table, so the PUT of an object from create/list/get
    # leaves it out: the documented default (the first table) applies again.
    made = mls_profile_client.create_profile(profile_id="reco_user", tables=TABLES, main_table="user-profile-daily")

    mls_profile_client.update_profile(made, profile_id="renamed")

    assert "main_table" not in mls_mock.calls[-1].json
    assert (made.profile_id, made.tables, made.main_table) == ("renamed", TABLES, "user-profile")


def test_a_second_update_sends_back_what_the_first_returned(mls_profile_client, mls_mock):
    made = mls_profile_client.create_profile(profile_id="reco_user", tables=TABLES)
    mls_profile_client.update_profile(made, main_table="user-profile-daily")

    mls_profile_client.update_profile(made, profile_id="renamed")  # the body now carries created_at & co.

    assert {"created_at", "updated_at", "main_table"} <= set(mls_mock.calls[-1].json)
    assert (made.profile_id, made.main_table) == ("renamed", "user-profile-daily")


def test_delete_profile(mls_profile_client):
    made = mls_profile_client.create_profile(profile_id="reco_user", tables=TABLES)

    response = mls_profile_client.delete_profile(made)

    assert isinstance(response, MLSResponse) and (response.status, response.error) == (200, None)
    assert mls_profile_client.list_profiles() == []
    assert client_error(mls_profile_client.delete_profile, made).code == 404
    assert client_error(mls_profile_client.update_profile, made, profile_id="gone").code == 404


def test_duplicate_profile_id_is_409(mls_profile_client, mls_mock):
    mls_profile_client.create_profile(profile_id="reco_user", tables=TABLES)
    other = mls_profile_client.create_profile(profile_id="other", tables=TABLES)
    before = mls_mock.store.dump()

    created = client_error(mls_profile_client.create_profile, profile_id="reco_user", tables=TABLES)
    updated = client_error(mls_profile_client.update_profile, other, profile_id="reco_user")

    assert created.code == updated.code == 409 and created.msg.startswith("profile_id:")
    assert mls_mock.store.dump() == before


@pytest.mark.parametrize("fields, field", [
    ({"main_table": "user-profile-weekly"}, "main_table"),
    ({"profile_id": ""}, "profile_id"),
    ({"tables": ["user-profile", "user-profile\n"]}, "tables[1]"),
])
def test_refused_input_is_400_naming_the_field_and_changes_nothing(mls_profile_client, mls_mock, fields, field):
    mls_profile_client.create_profile(profile_id="kept", tables=TABLES)
    before = mls_mock.store.dump()

    error = client_error(mls_profile_client.create_profile, **{"profile_id": "p", "tables": TABLES, **fields})

    assert error.code == 400 and error.msg.startswith(f"{field}:")
    assert mls_mock.store.dump() == before


def test_the_client_refuses_mixed_table_prefixes_before_sending(mls_profile_client, mls_mock):
    with pytest.raises(AssertionError):
        mls_profile_client.create_profile(profile_id="p", tables=["user-profile", "item-profile"])
    assert len(mls_mock.calls) == 0


def test_factory_profiles_are_what_the_client_reads(mls_factory, mls_profile_client):
    made = mls_factory.profile(profile_id="seeded", tables=["profile-a", "profile-b"], main_table="profile-b")

    assert mls_profile_client.get_profile(profile_id="seeded").get() == made.get()


def test_get_profile_as_its_own_docstring_calls_it_fails_in_the_client(mls_profile_client, mls_mock):
    # The docstring's example passes api_type="user", which get_profile does not take.
    made = mls_profile_client.create_profile(profile_id="reco_user", tables=TABLES)
    calls = len(mls_mock.calls)

    with pytest.raises(TypeError, match="api_type"):
        mls_profile_client.get_profile(api_type="user", id=made.id)
    assert len(mls_mock.calls) == calls
