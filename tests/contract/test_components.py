"""ComponentClient against the AB API, through the real client only (the store is read only to
show that a refused call changed nothing, and only on the fake)."""
import datetime

import pytest
from sktmls import MLSClientError, MLSResponse
from sktmls.components import Component

from support import client_error

FIELDS = ("id", "name", "info", "is_latest", "user", "created_at", "updated_at")


@pytest.fixture
def snapshot(mls_settings, mls_component_client, request):
    """What a refused call must leave as it was: the whole fake (`store.dump()`), or against
    --mls-url the component list."""
    if mls_settings.remote:
        return lambda: [c.get() for c in mls_component_client.list_components()]
    store = request.getfixturevalue("mls_mock").store
    return store.dump


def test_create_component_returns_every_documented_field(mls_component_client, mls_settings):
    made = mls_component_client.create_component(name="reco_ranker", info="v1.0.0", is_latest=True)

    assert isinstance(made, Component)
    assert set(FIELDS) <= set(made.get())
    assert isinstance(made.id, int) and made.id > 0
    assert (made.name, made.info, made.is_latest, made.user) == ("reco_ranker", "v1.0.0", True, mls_settings.username)
    assert isinstance(made.created_at, datetime.datetime) and made.created_at.utcoffset() is not None
    assert made.updated_at == made.created_at


def test_get_component_by_name_is_the_latest_version(mls_component_client):
    first = mls_component_client.create_component(name="reco_ranker", info="v1", is_latest=True)
    second = mls_component_client.create_component(name="reco_ranker", info="v2", is_latest=True)

    got = mls_component_client.get_component(name="reco_ranker")

    assert isinstance(got, Component) and got.get() == mls_component_client.get_component(id=second.id).get()
    assert (got.id, got.info, got.is_latest) == (second.id, "v2", True)
    old = mls_component_client.get_component(name="reco_ranker", info="v1", is_latest=False)
    assert (old.id, old.is_latest) == (first.id, False)
    assert old.updated_at > old.created_at  # made not-latest by the second create


def test_get_component_by_info_alone(mls_component_client):
    made = mls_component_client.create_component(name="reco_ranker", info="only-here", is_latest=True)

    assert mls_component_client.get_component(info="only-here").id == made.id


def test_get_component_of_an_old_version_by_id_needs_is_latest_false(mls_component_client):
    """get_component always sends is_latest (default True): an old version is found by id
    only when the caller says is_latest=False."""
    old = mls_component_client.create_component(name="reco_ranker", info="v1", is_latest=False)
    mls_component_client.create_component(name="reco_ranker", info="v2", is_latest=True)

    assert client_error(mls_component_client.get_component, id=old.id).code == 404
    assert mls_component_client.get_component(id=old.id, is_latest=False).info == "v1"


def test_get_component_not_found(mls_component_client):
    made = mls_component_client.create_component(name="reco_ranker", info="v1", is_latest=True)

    assert client_error(mls_component_client.get_component, name="reco").code == 404
    assert client_error(mls_component_client.get_component, id=made.id + 1).code == 404
    assert client_error(mls_component_client.get_component, name="reco_ranker", info="v9").code == 404
    with pytest.raises(AssertionError):
        mls_component_client.get_component()


def test_get_component_with_several_matches_is_the_clients_409(mls_component_client):
    mls_component_client.create_component(name="reco_ranker", info="v1", is_latest=False)
    mls_component_client.create_component(name="reco_ranker", info="v2", is_latest=False)

    assert client_error(mls_component_client.get_component, name="reco_ranker", is_latest=False).code == 409
    assert client_error(mls_component_client.get_component, name="reco_ranker").code == 404  # none is latest


def test_list_components_with_every_documented_filter(mls_component_client):
    a1 = mls_component_client.create_component(name="ranker_a", info="v1", is_latest=True)
    a2 = mls_component_client.create_component(name="ranker_a", info="v2", is_latest=True)
    b1 = mls_component_client.create_component(name="scorer_b", info="v1", is_latest=True)

    def ids(**query):
        return [c.id for c in mls_component_client.list_components(**query)]

    listed = mls_component_client.list_components()
    assert all(isinstance(c, Component) for c in listed)
    assert [c.get() for c in listed] == [mls_component_client.get_component(id=c.id, is_latest=c.is_latest).get() for c in listed]
    assert ids() == [a1.id, a2.id, b1.id]
    assert ids(name="ranker_a") == [a1.id, a2.id]
    assert ids(name="ranker") == []
    assert ids(is_latest=True) == [a2.id, b1.id]
    assert ids(is_latest=False) == [a1.id]
    assert ids(info="v1") == [a1.id, b1.id]
    assert ids(query="RANKER") == [a1.id, a2.id]
    assert ids(id=b1.id) == [b1.id]
    assert ids(id=a1.id, is_latest=True) == []
    assert ids(page=1) == [a1.id, a2.id, b1.id] and ids(page=2) == []


def test_update_component_makes_it_the_latest(mls_component_client):
    first = mls_component_client.create_component(name="reco_ranker", info="v1", is_latest=True)
    second = mls_component_client.create_component(name="reco_ranker", info="v2", is_latest=True)
    created_at = first.created_at

    returned = mls_component_client.update_component(first, is_latest=True)

    assert returned is first and returned.is_latest is True
    assert isinstance(returned.updated_at, str)  # the client resets attributes from the raw record
    assert mls_component_client.get_component(name="reco_ranker").id == first.id
    fetched = mls_component_client.get_component(id=first.id)
    assert (fetched.name, fetched.info, fetched.created_at) == ("reco_ranker", "v1", created_at)
    assert fetched.updated_at > fetched.created_at
    assert mls_component_client.get_component(id=second.id, is_latest=False).is_latest is False


def test_update_component_to_not_latest_leaves_no_latest(mls_component_client):
    made = mls_component_client.create_component(name="reco_ranker", info="v1", is_latest=True)

    assert mls_component_client.update_component(made, is_latest=False).is_latest is False
    assert client_error(mls_component_client.get_component, name="reco_ranker").code == 404


def test_update_component_of_a_deleted_component_is_404(mls_component_client, snapshot):
    made = mls_component_client.create_component(name="reco_ranker", info="v1", is_latest=True)
    mls_component_client.delete_component(mls_component_client.get_component(id=made.id))
    before = snapshot()

    assert client_error(mls_component_client.update_component, made, is_latest=True).code == 404
    assert snapshot() == before


def test_delete_component(mls_component_client):
    made = mls_component_client.create_component(name="reco_ranker", info="v1", is_latest=True)

    response = mls_component_client.delete_component(made)

    assert isinstance(response, MLSResponse) and (response.status, response.error, response.results) == (200, None, None)
    assert mls_component_client.list_components() == []
    assert client_error(mls_component_client.delete_component, made).code == 404


def test_component_ids_are_never_reused(mls_component_client):
    first = mls_component_client.create_component(name="a", info="v1", is_latest=True)
    second = mls_component_client.create_component(name="b", info="v1", is_latest=True)
    mls_component_client.delete_component(second)

    third = mls_component_client.create_component(name="c", info="v1", is_latest=True)

    assert (second.id, third.id) == (first.id + 1, first.id + 2)


def test_the_same_name_and_info_twice_is_409_naming_info(mls_component_client, snapshot):
    mls_component_client.create_component(name="reco_ranker", info="v1", is_latest=True)
    other = mls_component_client.create_component(name="reco_ranker", info="v2", is_latest=False)
    before = snapshot()

    error = client_error(mls_component_client.create_component, name="reco_ranker", info="v1", is_latest=True)
    assert error.code == 409 and "info" in error.msg
    other.info = "v1"  # the update sends the object's name and info back: now a clash
    assert client_error(mls_component_client.update_component, other, is_latest=True).code == 409
    assert snapshot() == before


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"name": "", "info": "v1", "is_latest": True}, "name"),
        ({"name": None, "info": "v1", "is_latest": True}, "name"),
        ({"name": "x", "info": None, "is_latest": True}, "info"),
        ({"name": "x", "info": 1, "is_latest": True}, "info"),
        ({"name": "x", "info": "v1", "is_latest": None}, "is_latest"),
        ({"name": "x", "info": "v1", "is_latest": "True"}, "is_latest"),
    ],
)
def test_refused_create_names_the_field_and_changes_nothing(mls_component_client, snapshot, kwargs, field):
    mls_component_client.create_component(name="kept", info="v1", is_latest=True)
    before = snapshot()

    error = client_error(mls_component_client.create_component, **kwargs)

    assert error.code == 400 and field in error.msg
    assert snapshot() == before


def test_list_components_refuses_an_is_latest_requests_would_not_send(mls_component_client):
    with pytest.raises(MLSClientError) as caught:
        mls_component_client.list_components(is_latest="yes")
    assert caught.value.code == 400 and "is_latest" in caught.value.msg


def test_update_component_needs_a_component_object(mls_component_client):
    with pytest.raises(AssertionError):
        mls_component_client.update_component({"id": 1}, is_latest=True)
    with pytest.raises(AssertionError):
        mls_component_client.delete_component(1)


def test_factory_component_is_what_the_client_reads(mls_factory, mls_component_client):
    made = mls_factory.component(name="reco_ranker", info="v3")

    assert made.get() == mls_component_client.get_component(name="reco_ranker").get()
