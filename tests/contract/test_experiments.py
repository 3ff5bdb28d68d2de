"""ExperimentClient's experiment methods against the AB API, through the real client only."""
import datetime

from sktmls import MLSResponse
from sktmls.experiments import Experiment

from support import client_error

CONDITIONS = [{"key": "age", "operator": ">=", "value": 20}]


def test_create_experiment_returns_the_record(mls_experiment_client, mls_settings):
    made = mls_experiment_client.create_experiment(name="exp", description="about", bucketing_seed="seed-1")

    assert isinstance(made, Experiment)
    assert isinstance(made.id, int)
    assert (made.name, made.description, made.bucketing_seed) == ("exp", "about", "seed-1")
    assert (made.model_filter, made.channels, made.user) == (None, [], mls_settings.username)
    assert isinstance(made.created_at, datetime.datetime) and made.created_at.utcoffset() is not None
    assert made.updated_at == made.created_at


def test_create_experiment_with_defaults(mls_experiment_client):
    made = mls_experiment_client.create_experiment(name="bare")

    assert (made.bucketing_seed, made.model_filter) == ("", None)
    assert not made.description


def test_create_experiment_with_a_filter(mls_experiment_client, mls_filter_client):
    model_filter = mls_filter_client.create_filter(name="adults", conditions=CONDITIONS)

    made = mls_experiment_client.create_experiment(name="exp", model_filter=model_filter)

    # Experiment.model_filter is documented "(conditions excluded)": only id and name are promised.
    assert (made.model_filter.id, made.model_filter.name) == (model_filter.id, "adults")


def test_create_experiment_with_a_missing_filter_is_400(mls_experiment_client, mls_filter_client):
    model_filter = mls_filter_client.create_filter(name="adults", conditions=CONDITIONS)
    mls_filter_client.delete_filter(model_filter)

    error = client_error(mls_experiment_client.create_experiment, name="exp", model_filter=model_filter)

    assert error.code == 400 and "model_filter_id" in error.msg
    assert mls_experiment_client.list_experiments() == []


def test_list_experiments_with_filters(mls_experiment_client):
    made = [mls_experiment_client.create_experiment(name=n) for n in ("ab_home", "ab_cart", "other")]

    assert [e.id for e in mls_experiment_client.list_experiments()] == [e.id for e in made]
    assert [e.name for e in mls_experiment_client.list_experiments(name="other")] == ["other"]
    assert [e.name for e in mls_experiment_client.list_experiments(query="AB_")] == ["ab_home", "ab_cart"]
    assert [e.id for e in mls_experiment_client.list_experiments(id=made[1].id)] == [made[1].id]
    assert [e.id for e in mls_experiment_client.list_experiments(page=1)] == [e.id for e in made]
    assert mls_experiment_client.list_experiments(name="ab") == []


def test_get_experiment_by_id_and_name(mls_experiment_client):
    made = mls_experiment_client.create_experiment(name="exp", description="about")

    assert mls_experiment_client.get_experiment(id=made.id).get() == mls_experiment_client.get_experiment(name="exp").get()
    assert mls_experiment_client.get_experiment(name="exp").description == "about"
    assert client_error(mls_experiment_client.get_experiment, name="ex").code == 404
    assert client_error(mls_experiment_client.get_experiment, id=made.id + 1).code == 404


def test_update_experiment_changes_the_given_fields_only(mls_experiment_client, mls_filter_client):
    model_filter = mls_filter_client.create_filter(name="adults", conditions=CONDITIONS)
    made = mls_experiment_client.create_experiment(name="exp", description="about", bucketing_seed="s1")

    updated = mls_experiment_client.update_experiment(made, name="exp2", model_filter=model_filter)

    assert (updated.id, updated.name, updated.description, updated.bucketing_seed) == (made.id, "exp2", "about", "s1")
    assert updated.model_filter.id == model_filter.id
    assert updated.created_at == made.created_at and updated.updated_at > made.updated_at

    again = mls_experiment_client.update_experiment(updated, description="new words", bucketing_seed="s2")
    assert (again.name, again.description, again.bucketing_seed, again.model_filter.id) == ("exp2", "new words", "s2", model_filter.id)


def test_remove_filter_clears_it(mls_experiment_client, mls_filter_client):
    model_filter = mls_filter_client.create_filter(name="adults", conditions=CONDITIONS)
    made = mls_experiment_client.create_experiment(name="exp", description="about", model_filter=model_filter)

    cleared = mls_experiment_client.remove_filter(made)

    assert cleared.model_filter is None
    assert (cleared.name, cleared.description) == ("exp", "about")
    assert mls_experiment_client.get_experiment(id=made.id).model_filter is None


def test_duplicate_experiment_name_is_409(mls_experiment_client):
    mls_experiment_client.create_experiment(name="exp")
    other = mls_experiment_client.create_experiment(name="other")

    assert client_error(mls_experiment_client.create_experiment, name="exp").code == 409
    assert client_error(mls_experiment_client.update_experiment, other, name="exp").code == 409
    assert [e.name for e in mls_experiment_client.list_experiments()] == ["exp", "other"]


def test_experiment_ids_are_never_reused(mls_experiment_client):
    first = mls_experiment_client.create_experiment(name="a")
    second = mls_experiment_client.create_experiment(name="b")
    mls_experiment_client.delete_experiment(second)

    assert (second.id, mls_experiment_client.create_experiment(name="c").id) == (first.id + 1, first.id + 2)


def test_delete_experiment(mls_experiment_client):
    made = mls_experiment_client.create_experiment(name="exp")

    response = mls_experiment_client.delete_experiment(made)

    assert isinstance(response, MLSResponse) and (response.status, response.error) == (200, None)
    assert mls_experiment_client.list_experiments() == []
    assert client_error(mls_experiment_client.delete_experiment, made).code == 404


def test_delete_experiment_leaves_channels_and_deletes_buckets(mls_experiment_client, mls_channel_client):
    kept = mls_experiment_client.create_experiment(name="kept")
    doomed = mls_experiment_client.create_experiment(name="doomed")
    channel = mls_channel_client.create_channel(name="home", experiments=[doomed, kept])
    mls_experiment_client.create_bucket(doomed, name="control", prediction_type="empty")
    kept_bucket = mls_experiment_client.create_bucket(kept, name="control", prediction_type="empty")

    mls_experiment_client.delete_experiment(doomed)

    assert mls_channel_client.get_channel(id=channel.id).experiments == [kept.id]
    assert client_error(mls_experiment_client.list_buckets, doomed).code == 404
    assert [b.id for b in mls_experiment_client.list_buckets(kept)] == [kept_bucket.id]
    assert [c.id for c in mls_experiment_client.get_experiment(id=kept.id).channels] == [channel.id]
