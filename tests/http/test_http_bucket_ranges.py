"""Bucket ranges when the set of an experiment's buckets changes, through the real client:
adding or deleting a bucket unsets every range of the experiment (the client gives no
evidence of what the real server does; see the README's assumptions), so its ranges always
cover 0-99 exactly once or are all unset."""
import pytest

from mls_mock import assumptions

UNSET = assumptions.BUCKET_RANGE_UNSET


@pytest.fixture
def split(mls_experiment_client, mls_clock):
    """Experiment "e" with buckets a and b at 40/60."""
    client = mls_experiment_client
    experiment = client.create_experiment(name="e")
    a = client.create_bucket(experiment, name="a", prediction_type="empty")
    b = client.create_bucket(experiment, name="b", prediction_type="empty")
    client.update_bucket_ratio(experiment, {a: 40, b: 60})
    assert [x.bucket_range for x in client.list_buckets(experiment)] == ["0-39", "40-99"]
    mls_clock.tick(60)
    return experiment, a, b


def test_deleting_a_bucket_unsets_the_ranges_of_those_left(mls_experiment_client, split):
    experiment, a, b = split
    before = mls_experiment_client.get_bucket(experiment, id=a.id)

    mls_experiment_client.delete_bucket(b)

    (left,) = mls_experiment_client.list_buckets(experiment)
    assert (left.id, left.bucket_range) == (a.id, UNSET)
    assert left.updated_at > before.updated_at and left.created_at == before.created_at


def test_adding_a_bucket_unsets_every_range_until_the_ratio_is_set_again(mls_experiment_client, split):
    experiment, a, b = split

    c = mls_experiment_client.create_bucket(experiment, name="c", prediction_type="empty")

    assert [x.bucket_range for x in mls_experiment_client.list_buckets(experiment)] == [UNSET] * 3
    mls_experiment_client.update_bucket_ratio(experiment, {a: 20, b: 30, c: 50})
    assert [x.bucket_range for x in mls_experiment_client.list_buckets(experiment)] == ["0-19", "20-49", "50-99"]


def test_updating_a_bucket_keeps_every_range(mls_experiment_client, split):
    experiment, a, b = split

    mls_experiment_client.update_bucket(b, name="b2", prediction_type="empty")

    assert [x.bucket_range for x in mls_experiment_client.list_buckets(experiment)] == ["0-39", "40-99"]


def test_other_experiments_keep_their_ranges(mls_experiment_client, split):
    experiment, a, b = split
    other = mls_experiment_client.create_experiment(name="other")
    only = mls_experiment_client.create_bucket(other, name="only", prediction_type="empty")
    mls_experiment_client.update_bucket_ratio(other, {only: 100})

    mls_experiment_client.delete_bucket(b)
    mls_experiment_client.create_bucket(experiment, name="c", prediction_type="empty")

    assert [x.bucket_range for x in mls_experiment_client.list_buckets(other)] == ["0-99"]
