"""ExperimentClient's bucket methods (ratio and migration included) and the model reads
that list_buckets makes, through the real client only (models come from `make_model`)."""
import datetime

import pytest
from sktmls import MLSResponse
from sktmls.experiments import Bucket
from sktmls.models import AutoMLModel, ManualModel

from mls_mock import assumptions

from support import client_error

STATIC = {"items": [{"id": "item_1", "type": "product", "props": {}}]}


def test_create_buckets_of_every_client_type(mls_experiment_client, experiment, make_model):
    model = make_model("ranker")

    empty = mls_experiment_client.create_bucket(experiment, name="control", prediction_type="empty", description="none")
    static = mls_experiment_client.create_bucket(experiment, name="fixed", prediction_type="static", static_value=STATIC)
    batch = mls_experiment_client.create_bucket(experiment, name="batch", prediction_type="batch", model=model)
    online = mls_experiment_client.create_bucket(experiment, name="online", prediction_type="online", model=model)

    assert [b.id for b in (static, batch, online)] == [empty.id + 1, empty.id + 2, empty.id + 3]
    assert all(isinstance(b, Bucket) and b.experiment is experiment for b in (empty, static, batch, online))
    assert (empty.name, empty.description, empty.prediction.request) == ("control", "none", {"type": "empty"})
    assert static.prediction.request == {"type": "static", **STATIC}
    assert (batch.prediction.request["type"], batch.prediction.ml_model) == ("batch", model.id)
    assert (online.prediction.request["type"], online.prediction.ml_model) == ("online", model.id)
    assert empty.prediction.ml_model is None
    assert len({b.prediction.id for b in (empty, static, batch, online)}) == 4
    assert isinstance(empty.created_at, datetime.datetime) and empty.created_at.utcoffset() is not None


def test_list_buckets_reads_each_manual_model(mls_experiment_client, experiment, make_model):
    model = make_model("ranker", version="v2", description="ranks")
    mls_experiment_client.create_bucket(experiment, name="control", prediction_type="empty")
    mls_experiment_client.create_bucket(experiment, name="batch", prediction_type="batch", model=model)

    control, batch = mls_experiment_client.list_buckets(experiment)

    assert control.prediction.ml_model is None
    assert isinstance(batch.prediction.ml_model, ManualModel)
    assert (batch.prediction.ml_model.id, batch.prediction.ml_model.name, batch.prediction.ml_model.version) == (model.id, "ranker", "v2")
    assert batch.prediction.ml_model.description == "ranks"
    assert batch.experiment is experiment


def test_list_buckets_reads_an_automl_model_of_the_caller(mls_experiment_client, experiment, make_model):
    mine = make_model("automl_mine", model_type="automl", creator="mls-test")
    theirs = make_model("automl_theirs", model_type="automl", creator="someone_else")
    for name, model in (("mine", mine), ("theirs", theirs)):
        bucket = mls_experiment_client.create_bucket(experiment, name=name, prediction_type="empty")
        mls_experiment_client.update_bucket(bucket, prediction_type="automl", model=model)

    got_mine, got_theirs = mls_experiment_client.list_buckets(experiment)

    assert all(isinstance(b.prediction.ml_model, AutoMLModel) for b in (got_mine, got_theirs))
    assert (got_mine.prediction.ml_model.id, got_mine.prediction.ml_model.creator) == (mine.id, "mls-test")
    # Someone else's automl model is built from the bucket's request, without a model read.
    assert (got_theirs.prediction.ml_model.id, got_theirs.prediction.ml_model.name,
            got_theirs.prediction.ml_model.version) == (theirs.id, "automl_theirs", "v1")


def test_get_bucket_by_id_and_name(mls_experiment_client, experiment):
    mls_experiment_client.create_bucket(experiment, name="control", prediction_type="empty")
    made = mls_experiment_client.create_bucket(experiment, name="fixed", prediction_type="static", static_value=STATIC)

    by_id = mls_experiment_client.get_bucket(experiment, id=made.id)
    by_name = mls_experiment_client.get_bucket(experiment, name="fixed")

    assert by_id.id == by_name.id == made.id
    assert by_id.prediction.request == by_name.prediction.request == {"type": "static", **STATIC}
    assert client_error(mls_experiment_client.get_bucket, experiment, name="fixe").code == 404
    assert client_error(mls_experiment_client.get_bucket, experiment, id=made.id + 1).code == 404


def test_buckets_belong_to_their_experiment(mls_experiment_client, experiment):
    other = mls_experiment_client.create_experiment(name="other")
    mine = mls_experiment_client.create_bucket(experiment, name="control", prediction_type="empty")
    theirs = mls_experiment_client.create_bucket(other, name="control", prediction_type="empty")  # same name, other experiment

    assert [b.id for b in mls_experiment_client.list_buckets(experiment)] == [mine.id]
    assert [b.id for b in mls_experiment_client.list_buckets(other)] == [theirs.id]
    assert client_error(mls_experiment_client.get_bucket, other, id=mine.id).code == 404


def test_update_bucket(mls_experiment_client, experiment, make_model):
    model = make_model("ranker")
    made = mls_experiment_client.create_bucket(experiment, name="fixed", prediction_type="static", static_value=STATIC)
    created_at = made.created_at

    returned = mls_experiment_client.update_bucket(made, name="ranked", description="now a model",
                                                   prediction_type="batch", model=model)

    # The client resets its object from the raw response: `prediction` becomes the plain dict,
    # with the model object it was given in place of the id.
    assert returned is made
    assert (returned.name, returned.description, returned.prediction["request"]["type"]) == ("ranked", "now a model", "batch")
    assert returned.prediction["ml_model"] is model
    fetched = mls_experiment_client.get_bucket(experiment, id=made.id)
    assert (fetched.name, fetched.prediction.ml_model.id) == ("ranked", model.id)
    assert fetched.created_at == created_at and fetched.updated_at > fetched.created_at


def test_update_a_listed_bucket_keeps_its_model(mls_experiment_client, experiment, make_model):
    model = make_model("ranker")
    mls_experiment_client.create_bucket(experiment, name="online", prediction_type="online", model=model)
    listed = mls_experiment_client.get_bucket(experiment, name="online")

    mls_experiment_client.update_bucket(listed, name="online2")

    fetched = mls_experiment_client.get_bucket(experiment, id=listed.id)
    assert (fetched.name, fetched.prediction.request["type"], fetched.prediction.ml_model.id) == ("online2", "online", model.id)


def test_update_bucket_to_empty_drops_the_static_items(mls_experiment_client, experiment):
    made = mls_experiment_client.create_bucket(experiment, name="fixed", prediction_type="static", static_value=STATIC)

    mls_experiment_client.update_bucket(made, prediction_type="empty")

    assert mls_experiment_client.get_bucket(experiment, id=made.id).prediction.request == {"type": "empty"}


def test_bucket_on_a_model_of_the_wrong_type_is_400(mls_experiment_client, experiment, make_model):
    automl = make_model("automl", model_type="automl", creator="mls-test")

    error = client_error(mls_experiment_client.create_bucket, experiment, name="b", prediction_type="batch", model=automl)

    assert error.code == 400 and "batch_model_id" in error.msg
    assert mls_experiment_client.list_buckets(experiment) == []


def test_delete_bucket(mls_experiment_client, experiment):
    made = mls_experiment_client.create_bucket(experiment, name="control", prediction_type="empty")

    response = mls_experiment_client.delete_bucket(made)

    assert isinstance(response, MLSResponse) and (response.status, response.error) == (200, None)
    assert mls_experiment_client.list_buckets(experiment) == []
    assert client_error(mls_experiment_client.delete_bucket, made).code == 404


def test_bucket_ids_are_never_reused(mls_experiment_client, experiment):
    first = mls_experiment_client.create_bucket(experiment, name="a", prediction_type="empty")
    second = mls_experiment_client.create_bucket(experiment, name="b", prediction_type="empty")
    mls_experiment_client.delete_bucket(second)

    third = mls_experiment_client.create_bucket(experiment, name="c", prediction_type="empty")

    assert (second.id, third.id) == (first.id + 1, first.id + 2)


def test_duplicate_bucket_name_in_an_experiment_is_409(mls_experiment_client, experiment):
    mls_experiment_client.create_bucket(experiment, name="control", prediction_type="empty")
    other = mls_experiment_client.create_bucket(experiment, name="treatment", prediction_type="empty")

    assert client_error(mls_experiment_client.create_bucket, experiment, name="control", prediction_type="empty").code == 409
    assert client_error(mls_experiment_client.update_bucket, other, name="control").code == 409
    assert [b.name for b in mls_experiment_client.list_buckets(experiment)] == ["control", "treatment"]


def test_update_bucket_ratio_lays_out_ranges(mls_experiment_client, experiment):
    control = mls_experiment_client.create_bucket(experiment, name="control", prediction_type="empty")
    treatment = mls_experiment_client.create_bucket(experiment, name="treatment", prediction_type="empty")
    unused = mls_experiment_client.create_bucket(experiment, name="unused", prediction_type="empty")
    assert control.bucket_range == assumptions.BUCKET_RANGE_UNSET

    result = mls_experiment_client.update_bucket_ratio(experiment, {treatment: 70, control: 30, unused: 0})

    expected = [assumptions.bucket_range(0, 30), assumptions.bucket_range(30, 70), assumptions.BUCKET_RANGE_UNSET]
    assert [(b.id, b.bucket_range) for b in result] == list(zip([control.id, treatment.id, unused.id], expected))
    assert [b.bucket_range for b in mls_experiment_client.list_buckets(experiment)] == expected


@pytest.mark.parametrize("shares", [(50, 49), (60, 60), (-10, 110)], ids=["under_100", "over_100", "negative"])
def test_bucket_ratio_must_be_non_negative_and_add_up_to_100(mls_experiment_client, experiment, shares):
    buckets = [mls_experiment_client.create_bucket(experiment, name=n, prediction_type="empty") for n in ("a", "b")]
    mls_experiment_client.update_bucket_ratio(experiment, {buckets[0]: 100, buckets[1]: 0})

    error = client_error(mls_experiment_client.update_bucket_ratio, experiment, dict(zip(buckets, shares)))

    assert error.code == 400 and "bucket_ratio" in error.msg
    assert [b.bucket_range for b in mls_experiment_client.list_buckets(experiment)] == [
        assumptions.bucket_range(0, 100), assumptions.BUCKET_RANGE_UNSET]


def test_bucket_ratio_must_name_every_bucket_of_the_experiment(mls_experiment_client, experiment):
    other = mls_experiment_client.create_experiment(name="other")
    mine = mls_experiment_client.create_bucket(experiment, name="a", prediction_type="empty")
    mls_experiment_client.create_bucket(experiment, name="b", prediction_type="empty")
    foreign = mls_experiment_client.create_bucket(other, name="c", prediction_type="empty")

    assert client_error(mls_experiment_client.update_bucket_ratio, experiment, {mine: 100}).code == 400
    assert client_error(mls_experiment_client.update_bucket_ratio, experiment, {mine: 50, foreign: 50}).code == 400
    assert {b.bucket_range for b in mls_experiment_client.list_buckets(experiment)} == {assumptions.BUCKET_RANGE_UNSET}


def test_migrate_bucket_moves_every_bucket_on_the_model(mls_experiment_client, experiment, make_model):
    old, new = make_model("ranker", "v1"), make_model("ranker", "v2")
    other = mls_experiment_client.create_experiment(name="other")
    a = mls_experiment_client.create_bucket(experiment, name="a", prediction_type="batch", model=old)
    b = mls_experiment_client.create_bucket(other, name="b", prediction_type="online", model=old)
    untouched = mls_experiment_client.create_bucket(experiment, name="c", prediction_type="batch", model=new)

    moved = mls_experiment_client.migrate_bucket(old, "online", next_model=new)

    assert [(m.id, m.prediction.request["type"], m.prediction.ml_model) for m in moved] == [
        (a.id, "online", new.id), (b.id, "online", new.id)]
    assert mls_experiment_client.get_bucket(other, id=b.id).prediction.ml_model.id == new.id
    assert mls_experiment_client.get_bucket(experiment, id=untouched.id).prediction.request["type"] == "batch"
    assert mls_experiment_client.migrate_bucket(old, "empty") == []  # nothing uses it any more


def test_migrate_bucket_to_static(mls_experiment_client, experiment, make_model):
    old = make_model("ranker")
    made = mls_experiment_client.create_bucket(experiment, name="a", prediction_type="batch", model=old)

    [moved] = mls_experiment_client.migrate_bucket(old, "static", next_static_value=STATIC)

    assert (moved.id, moved.prediction.request, moved.prediction.ml_model) == (made.id, {"type": "static", **STATIC}, None)


def test_migrate_from_a_missing_model_is_400(mls_experiment_client, make_model):
    ghost = ManualModel(id=999, name="ghost", version="v1")

    error = client_error(mls_experiment_client.migrate_bucket, ghost, "empty")

    assert error.code == 400 and "model_id" in error.msg


def test_list_buckets_builds_the_model_components(mls_experiment_client, experiment, make_model):
    component = {"id": 7, "name": "feature_store", "info": "v3", "is_latest": True, "user": "mls-test",
                 "created_at": "2026-01-01T00:00:00+00:00", "updated_at": "2026-01-01T00:00:00+00:00"}
    model = make_model("ranker", components=[component])
    mls_experiment_client.create_bucket(experiment, name="batch", prediction_type="batch", model=model)

    [bucket] = mls_experiment_client.list_buckets(experiment)

    [built] = bucket.prediction.ml_model.components
    assert (built.id, built.name, built.is_latest) == (7, "feature_store", True)


def test_list_buckets_filters_by_query_and_pages(mls_experiment_client, experiment):
    """`query` and `page` are documented list arguments of list_buckets, as of every list."""
    names = ["search_a", "search_b", "other"]
    for name in names:
        mls_experiment_client.create_bucket(experiment, name=name, prediction_type="empty")
    found = mls_experiment_client.list_buckets(experiment, query="SEARCH")
    assert [b.name for b in found] == ["search_a", "search_b"]
    assert [b.name for b in mls_experiment_client.list_buckets(experiment, page=1)] == names
