"""Raw HTTP on /api/v1/clients: each body field refused with 400 naming it, nothing changed;
only the routes sktmls calls are served."""
import pytest
import requests

from rawhttp import AUTH, BASE, assert_envelope

CLIENTS = BASE + "/api/v1/clients"
KEY = "A" * 40


@pytest.mark.parametrize("body, field", [
    ({"apikey": KEY}, "name"),
    ({"name": 5, "apikey": KEY}, "name"),
    ({"name": "app"}, "apikey"),
    ({"name": "app", "apikey": None}, "apikey"),
    ({"name": "app", "apikey": "A" * 39}, "apikey"),
    ({"name": "app", "apikey": "A" * 41}, "apikey"),
    ({"name": "app", "apikey": 1234567890}, "apikey"),
    ({"name": "app", "apikey": "A" * 39 + "\n"}, "apikey"),
])
def test_a_bad_client_body_is_400_naming_the_field(mls_mock, body, field):
    before = mls_mock.store.dump()

    payload = assert_envelope(requests.post(CLIENTS, json=body, headers=AUTH), 400)

    assert payload["error"].startswith(f"{field}:")
    assert mls_mock.store.dump() == before


def test_a_created_client_is_listed_with_its_apikey_and_user(mls_mock):
    made = assert_envelope(requests.post(CLIENTS, json={"name": "app", "apikey": KEY, "extra": 1}, headers=AUTH), 201)

    listed = assert_envelope(requests.get(CLIENTS, params={"name": "app"}, headers=AUTH), 200)["results"]
    assert listed == [made["results"]]
    assert set(made["results"]) == {"id", "name", "apikey", "user", "created_at", "updated_at"}
    assert (made["results"]["apikey"], made["results"]["user"]) == (KEY, "mls-test")


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_no_route_beyond_what_sktmls_calls(mls_mock, method):
    assert_envelope(requests.post(CLIENTS, json={"name": "app", "apikey": KEY}, headers=AUTH), 201)

    response = requests.request(method, CLIENTS + "/1", json={"name": "x", "apikey": KEY}, headers=AUTH)

    assert response.status_code == 405 and response.json()["code"] == 405


def test_by_apikey_follows_every_write(mls_mock):
    clients = mls_mock.store.resources["clients"]
    made = mls_mock.store.create("clients", {"name": "app", "apikey": KEY}, "u")
    mls_mock.store.update("clients", made["id"], {"name": "app", "apikey": "B" * 40})  # the store's own path

    assert clients.by_apikey(KEY) is None and clients.by_apikey("B" * 40)["id"] == made["id"]
    with pytest.raises(Exception):
        with mls_mock.store.transaction():
            mls_mock.store.delete("clients", made["id"])
            raise RuntimeError("rolled back")
    assert clients.by_apikey("B" * 40)["id"] == made["id"]
