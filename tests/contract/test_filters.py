"""FilterClient against the AB API, through the real client only."""
import datetime

import pytest
from sktmls import MLSResponse
from sktmls.filters import Filter

from support import client_error

CONDITIONS = [{"key": "age", "operator": ">=", "value": 20}, {"key": "segment", "operator": "contains", "value": "vip"}]


def test_create_filter_returns_the_record(mls_filter_client):
    made = mls_filter_client.create_filter(name="adults", conditions=CONDITIONS)

    assert isinstance(made, Filter)
    assert isinstance(made.id, int)
    assert (made.name, made.conditions) == ("adults", CONDITIONS)
    assert isinstance(made.created_at, datetime.datetime) and made.created_at.utcoffset() is not None
    assert made.updated_at == made.created_at


@pytest.mark.parametrize("operator", ["==", "!=", "<=", ">=", "<", ">", "contains"])
def test_every_documented_operator_is_accepted(mls_filter_client, operator):
    condition = {"key": "k", "operator": operator, "value": "1"}

    assert mls_filter_client.create_filter(name=f"f{operator}", conditions=[condition]).conditions == [condition]


def test_list_filters_with_filters(mls_filter_client):
    made = [mls_filter_client.create_filter(name=n, conditions=CONDITIONS) for n in ("vip_a", "vip_b", "other")]

    assert [f.id for f in mls_filter_client.list_filters()] == [f.id for f in made]
    assert [f.name for f in mls_filter_client.list_filters(name="other")] == ["other"]
    assert [f.name for f in mls_filter_client.list_filters(query="VIP")] == ["vip_a", "vip_b"]
    assert [f.id for f in mls_filter_client.list_filters(id=made[2].id)] == [made[2].id]
    assert mls_filter_client.list_filters(name="vip") == []


def test_get_filter_by_id_and_name(mls_filter_client):
    made = mls_filter_client.create_filter(name="adults", conditions=CONDITIONS)

    assert mls_filter_client.get_filter(id=made.id).get() == mls_filter_client.get_filter(name="adults").get() == made.get()
    assert client_error(mls_filter_client.get_filter, name="adult").code == 404
    assert client_error(mls_filter_client.get_filter, id=made.id + 1).code == 404


def test_update_filter_name_and_conditions(mls_filter_client):
    made = mls_filter_client.create_filter(name="adults", conditions=CONDITIONS)
    created_at = made.created_at
    new_conditions = [{"key": "age", "operator": "<", "value": 20}]

    returned = mls_filter_client.update_filter(made, name="minors", conditions=new_conditions)

    assert returned is made and (returned.name, returned.conditions) == ("minors", new_conditions)
    fetched = mls_filter_client.get_filter(id=made.id)
    assert (fetched.name, fetched.conditions, fetched.created_at) == ("minors", new_conditions, created_at)
    assert fetched.updated_at > fetched.created_at


def test_update_filter_keeps_what_is_not_given(mls_filter_client):
    made = mls_filter_client.create_filter(name="adults", conditions=CONDITIONS)

    mls_filter_client.update_filter(made, name="grown_ups")

    assert (mls_filter_client.get_filter(id=made.id).name, mls_filter_client.get_filter(id=made.id).conditions) == ("grown_ups", CONDITIONS)


def test_delete_filter(mls_filter_client):
    made = mls_filter_client.create_filter(name="adults", conditions=CONDITIONS)

    response = mls_filter_client.delete_filter(made)

    assert isinstance(response, MLSResponse) and (response.status, response.error) == (200, None)
    assert mls_filter_client.list_filters() == []
    assert client_error(mls_filter_client.delete_filter, made).code == 404


def test_filter_ids_are_never_reused(mls_filter_client):
    first = mls_filter_client.create_filter(name="a", conditions=CONDITIONS)
    second = mls_filter_client.create_filter(name="b", conditions=CONDITIONS)
    mls_filter_client.delete_filter(second)

    assert (second.id, mls_filter_client.create_filter(name="c", conditions=CONDITIONS).id) == (first.id + 1, first.id + 2)


def test_duplicate_filter_name_is_409(mls_filter_client):
    mls_filter_client.create_filter(name="adults", conditions=CONDITIONS)
    other = mls_filter_client.create_filter(name="minors", conditions=CONDITIONS)

    assert client_error(mls_filter_client.create_filter, name="adults", conditions=CONDITIONS).code == 409
    assert client_error(mls_filter_client.update_filter, other, name="adults").code == 409
    assert [f.name for f in mls_filter_client.list_filters()] == ["adults", "minors"]


def test_unknown_operator_is_400_naming_the_field(mls_filter_client):
    error = client_error(mls_filter_client.create_filter, name="bad", conditions=[{"key": "k", "operator": "~", "value": 1}])

    assert error.code == 400 and "operator" in error.msg
    assert mls_filter_client.list_filters() == []


def test_a_filter_in_use_cannot_be_deleted(mls_filter_client, mls_experiment_client):
    made = mls_filter_client.create_filter(name="adults", conditions=CONDITIONS)
    experiment = mls_experiment_client.create_experiment(name="uses_adults", model_filter=made)

    error = client_error(mls_filter_client.delete_filter, made)

    assert error.code == 409 and "uses_adults" in error.msg
    assert mls_filter_client.get_filter(id=made.id).name == "adults"
    mls_experiment_client.remove_filter(experiment)
    assert mls_filter_client.delete_filter(made).error is None
