"""The generous switches in both positions, through the real client: off (the default), the
fake answers what sktmls documents and no more; on, the old, fuller answers.

- `full_lists`: sktmls documents list_channels and list_filters as returning id, name,
  created_at, updated_at "(conditions excluded)" and Experiment.model_filter "(conditions
  excluded)"; get_channel and get_filter fetch the detail with a second GET.
- `shared_automl_models`: ExperimentClient.list_buckets reads an automl model only when the
  bucket's `request.username` is the caller, else builds AutoMLModel(id, name, version).
"""
import pytest
import requests
from sktmls import MLSENV, MLSClientError
from sktmls.channels import ChannelClient
from sktmls.experiments import ExperimentClient
from sktmls.filters import FilterClient
from sktmls.models import MLModelClient

from mls_mock import MLSMock

CONDITIONS = [{"key": "age", "operator": ">=", "value": 20}]
STG = "https://ab.stg.sktmls.com"


@pytest.fixture(autouse=True)
def _needs_the_fake(mls_settings):
    if mls_settings.remote:
        pytest.skip(f"fake-only: this run targets {mls_settings.url}")


@pytest.fixture
def fake(mls_mock):
    """fake(*switches): a fresh MLSMock with those switches, answering inside this test."""
    started = []

    def start(*switches):
        mock = MLSMock(generous=switches).start()
        started.append(mock)
        return mock

    yield start
    for mock in reversed(started):
        mock.stop()


def _clients(username="mls-test"):
    account = {"env": MLSENV.STG, "username": username, "password": "pw"}
    return ChannelClient(**account), ExperimentClient(**account), FilterClient(**account), MLModelClient(**account)


def _workspace():
    """A filter with conditions, an experiment using it, a channel on the experiment."""
    cc, ec, fc, _ = _clients()
    model_filter = fc.create_filter(name="adults", conditions=CONDITIONS)
    experiment = ec.create_experiment(name="exp", model_filter=model_filter)
    channel = cc.create_channel(name="home", experiments=[experiment])
    return model_filter, experiment, channel


# ---- full_lists -------------------------------------------------------------------------

def test_lists_are_the_documented_summaries_by_default(fake):
    fake()
    model_filter, experiment, channel = _workspace()
    cc, ec, fc, _ = _clients()

    [listed_channel] = cc.list_channels()
    [listed_filter] = fc.list_filters()
    got = ec.get_experiment(id=experiment.id)

    assert (listed_channel.id, listed_channel.screen_id, listed_channel.created_at) == (
        channel.id, "home", channel.created_at)
    assert (listed_channel.experiments, listed_channel.user) == (None, None)
    assert (listed_filter.id, listed_filter.name, listed_filter.updated_at) == (model_filter.id, "adults", model_filter.updated_at)
    assert not hasattr(listed_filter, "conditions")
    assert got.model_filter.id == model_filter.id and not hasattr(got.model_filter, "conditions")
    assert [(c.id, c.screen_id, c.experiments) for c in got.channels] == [(channel.id, "home", None)]
    # The detail is one GET away, as get_channel and get_filter fetch it.
    assert cc.get_channel(id=channel.id).experiments == [experiment.id]
    assert fc.get_filter(id=model_filter.id).conditions == CONDITIONS


def test_full_lists_lists_full_records(fake):
    fake("full_lists")
    model_filter, experiment, channel = _workspace()
    cc, ec, fc, _ = _clients()

    [listed_channel] = cc.list_channels()
    [listed_filter] = fc.list_filters()
    got = ec.get_experiment(id=experiment.id)

    assert (listed_channel.experiments, listed_channel.user) == ([experiment.id], "mls-test")
    assert listed_filter.conditions == CONDITIONS
    assert got.model_filter.conditions == CONDITIONS
    assert [(c.id, c.experiments, c.user) for c in got.channels] == [(channel.id, [experiment.id], "mls-test")]


def test_update_filter_of_a_listed_filter_sends_null_conditions_by_default(fake):
    """sktmls's own limit: update_filter builds the body from the Filter it is given
    (`"conditions": filter.get().get("conditions")`), and a listed one has none."""
    mock = fake()
    _workspace()
    _, _, fc, _ = _clients()
    [listed] = fc.list_filters()

    with pytest.raises(MLSClientError) as refused:
        fc.update_filter(listed, name="grown_ups")

    assert mock.calls[-1].json == {"name": "grown_ups", "body": {"conditions": None}}
    assert refused.value.code == 400 and refused.value.msg.startswith("body.conditions:")
    assert fc.get_filter(name="adults").conditions == CONDITIONS  # unchanged


def test_update_filter_of_a_listed_filter_works_with_full_lists(fake):
    fake("full_lists")
    _workspace()
    _, _, fc, _ = _clients()
    [listed] = fc.list_filters()

    fc.update_filter(listed, name="grown_ups")

    assert fc.get_filter(name="grown_ups").conditions == CONDITIONS


def test_update_channel_of_a_listed_channel_works_by_default(fake):
    """The summary keeps `screen_id`, which update_channel sends when no new name is given."""
    fake()
    _, experiment, _ = _workspace()
    cc, ec, _, _ = _clients()
    other = ec.create_experiment(name="other")
    [listed] = cc.list_channels()

    cc.update_channel(listed, experiments=[experiment, other])

    assert (cc.get_channel(id=listed.id).screen_id, cc.get_channel(id=listed.id).experiments) == (
        "home", [experiment.id, other.id])


# ---- shared_automl_models ---------------------------------------------------------------

def _alices_models(mock):
    automl = mock.store.create_model({"name": "churn", "version": "v1", "model_type": "automl", "creator": "alice"})
    manual = mock.store.create_model({"name": "ranker", "version": "v1", "model_type": "manual", "creator": "alice"})
    return automl["id"], manual["id"]


def test_an_automl_model_is_read_by_its_creator_only_by_default(fake):
    mock = fake()
    automl_id, manual_id = _alices_models(mock)
    *_, alice = _clients("alice")
    *_, bob = _clients("bob")

    assert alice.get_automl_model(id=automl_id).creator == "alice"
    with pytest.raises(MLSClientError) as missing:
        bob.get_automl_model(id=automl_id)
    assert missing.value.code == 404
    assert bob.list_automl_models() == [] and [m.id for m in alice.list_automl_models()] == [automl_id]
    assert bob.get_manual_model(id=manual_id).creator == "alice"  # manual models are everyone's
    direct = requests.get(f"{STG}/api/v1/models/{automl_id}", auth=("bob", "pw"), timeout=10)
    assert (direct.status_code, direct.json()["results"]) == (404, None)


def test_list_buckets_builds_another_users_automl_model_from_the_bucket_by_default(fake):
    mock = fake()
    automl_id, _ = _alices_models(mock)
    experiment = mock.store.create_experiment({"name": "exp"}, "bob")
    mock.store.create_bucket(experiment["id"], {"name": "b", "prediction_type": "automl", "automl_model_id": automl_id})
    _, bob, _, _ = _clients("bob")

    [bucket] = bob.list_buckets(bob.get_experiment(id=experiment["id"]))

    model = bucket.prediction.ml_model
    assert (model.id, model.name, model.version, model.creator) == (automl_id, "churn", "v1", None)
    assert not [c for c in mock.calls if c.path.startswith("/api/v1/models")]


def test_shared_automl_models_lets_anyone_read_them(fake):
    mock = fake("shared_automl_models")
    automl_id, _ = _alices_models(mock)
    *_, bob = _clients("bob")

    assert bob.get_automl_model(id=automl_id).creator == "alice"
    assert [m.id for m in bob.list_automl_models()] == [automl_id]
