"""Raw HTTP on /api/v1/profile: each body field refused with 400 naming it, nothing changed."""
import pytest
import requests

from rawhttp import AUTH, BASE, assert_envelope

PROFILES = BASE + "/api/v1/profile"
TABLES = ["user-profile", "user-profile-daily"]


@pytest.mark.parametrize("body, field", [
    ({"tables": TABLES}, "profile_id"),
    ({"profile_id": ["p"], "tables": TABLES}, "profile_id"),
    ({"profile_id": "p"}, "tables"),
    ({"profile_id": "p", "tables": []}, "tables"),
    ({"profile_id": "p", "tables": "user-profile"}, "tables"),
    ({"profile_id": "p", "tables": ["user-profile", 3]}, "tables[1]"),
    ({"profile_id": "p", "tables": ["user-profile", "item-profile"]}, "tables"),
    ({"profile_id": "p", "tables": ["profiles"]}, "tables"),
    ({"profile_id": "p", "tables": TABLES, "main_table": "item-profile"}, "main_table"),
    ({"profile_id": "p", "tables": TABLES, "main_table": 1}, "main_table"),
])
def test_a_bad_profile_body_is_400_naming_the_field(mls_mock, body, field):
    before = mls_mock.store.dump()

    created = assert_envelope(requests.post(PROFILES, json=body, headers=AUTH), 400)

    assert created["error"].startswith(f"{field}:")
    assert mls_mock.store.dump() == before


def test_a_bad_put_changes_nothing(mls_mock):
    made = assert_envelope(requests.post(PROFILES, json={"profile_id": "p", "tables": TABLES}, headers=AUTH), 201)
    before = mls_mock.store.dump()

    refused = requests.put(f"{PROFILES}/{made['results']['id']}", json={"profile_id": "p", "tables": ["x"]}, headers=AUTH)

    assert assert_envelope(refused, 400)["error"].startswith("tables:")
    assert mls_mock.store.dump() == before
    assert assert_envelope(requests.put(f"{PROFILES}/999", json={"profile_id": "p", "tables": TABLES},
                                        headers=AUTH), 404)


def test_a_put_is_a_full_replace_that_ignores_the_echoed_fields(mls_mock):
    made = assert_envelope(requests.post(PROFILES, json={"profile_id": "p", "tables": TABLES,
                                                         "main_table": "user-profile-daily"}, headers=AUTH), 201)["results"]

    echoed = {**made, "id": 999, "user": "someone", "created_at": "2000-01-01T00:00:00+00:00"}
    del echoed["main_table"]
    replaced = assert_envelope(requests.put(f"{PROFILES}/{made['id']}", json=echoed, headers=AUTH), 200)["results"]

    assert replaced == {**made, "main_table": "user-profile", "updated_at": replaced["updated_at"]}


def test_no_get_of_one_profile(mls_mock):
    assert_envelope(requests.post(PROFILES, json={"profile_id": "p", "tables": TABLES}, headers=AUTH), 201)

    assert requests.get(PROFILES + "/1", headers=AUTH).status_code == 405
