"""ClientClient (API clients and their apikeys) against the AB API, through the real client."""
import string

import pytest
from sktmls import MLSResponse
from sktmls.clients import Client

from support import client_error

KEY = "K" * 39 + "1"


def test_create_client_with_an_apikey_returns_the_record(mls_client_client, mls_settings):
    made = mls_client_client.create_client(name="reco_app", apikey=KEY)

    assert isinstance(made, Client) and isinstance(made.id, int)
    assert made.get() == {"id": made.id, "name": "reco_app", "apikey": KEY, "user": mls_settings.username}


def test_create_client_without_an_apikey_sends_the_one_sktmls_makes(mls_client_client, mls_mock):
    made = mls_client_client.create_client(name="reco_app")

    assert len(made.apikey) == 40 and set(made.apikey) <= set(string.ascii_uppercase + string.digits)
    assert mls_mock.calls[-1].json["apikey"] == made.apikey  # made by the client, kept by the fake
    assert mls_mock.store.resources["clients"].by_apikey(made.apikey)["id"] == made.id


def test_list_clients_with_filters_shows_the_apikeys(mls_client_client):
    made = [mls_client_client.create_client(name=n) for n in ("reco_a", "reco_b", "push")]

    assert [c.get() for c in mls_client_client.list_clients()] == [c.get() for c in made]
    assert [c.name for c in mls_client_client.list_clients(name="push")] == ["push"]
    assert [c.name for c in mls_client_client.list_clients(query="RECO")] == ["reco_a", "reco_b"]
    assert [c.apikey for c in mls_client_client.list_clients(id=made[1].id)] == [made[1].apikey]
    assert mls_client_client.list_clients(name="reco") == []
    assert [c.id for c in mls_client_client.list_clients(page=1)] == [c.id for c in made]
    assert mls_client_client.list_clients(page=2) == []


def test_get_client_by_id_and_name(mls_client_client):
    made = mls_client_client.create_client(name="reco_app")

    assert mls_client_client.get_client(id=made.id).get() == mls_client_client.get_client(name="reco_app").get() == made.get()
    assert client_error(mls_client_client.get_client, name="reco").code == 404
    assert client_error(mls_client_client.get_client, id=made.id + 1).code == 404


def test_delete_client(mls_client_client, mls_mock):
    made = mls_client_client.create_client(name="reco_app", apikey=KEY)

    response = mls_client_client.delete_client(made)

    assert isinstance(response, MLSResponse) and (response.status, response.error) == (200, None)
    assert mls_client_client.list_clients() == []
    assert mls_mock.store.resources["clients"].by_apikey(KEY) is None
    assert client_error(mls_client_client.delete_client, made).code == 404
    assert mls_client_client.create_client(name="reco_app", apikey=KEY).apikey == KEY  # name and key free again


def test_duplicate_name_or_apikey_is_409_naming_the_field(mls_client_client, mls_mock):
    mls_client_client.create_client(name="reco_app", apikey=KEY)
    before = mls_mock.store.dump()

    name_taken = client_error(mls_client_client.create_client, name="reco_app")
    key_taken = client_error(mls_client_client.create_client, name="other", apikey=KEY)

    assert name_taken.code == 409 and name_taken.msg.startswith("name:")
    assert key_taken.code == 409 and key_taken.msg.startswith("apikey:")
    assert mls_mock.store.dump() == before


@pytest.mark.parametrize("name, field", [("", "name"), (None, "name"), ("a" * 256, "name"), ("x\ny", "name")])
def test_a_refused_name_is_400_and_changes_nothing(mls_client_client, mls_mock, name, field):
    before = mls_mock.store.dump()

    error = client_error(mls_client_client.create_client, name=name)

    assert error.code == 400 and error.msg.startswith(f"{field}:")
    assert mls_mock.store.dump() == before


def test_the_client_refuses_an_apikey_that_is_not_40_long_before_sending(mls_client_client, mls_mock):
    with pytest.raises(AssertionError):
        mls_client_client.create_client(name="reco_app", apikey="short")
    assert len(mls_mock.calls) == 0


def test_delete_client_takes_only_a_client_object(mls_client_client, mls_mock):
    with pytest.raises(AssertionError):
        mls_client_client.delete_client(1)
    assert len(mls_mock.calls) == 0


def test_factory_clients_are_what_the_client_reads(mls_factory, mls_client_client):
    made = mls_factory.client(name="seeded_app")

    assert mls_client_client.get_client(name="seeded_app").get() == made.get()
    assert len(made.apikey) == 40
