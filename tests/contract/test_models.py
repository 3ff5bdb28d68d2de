"""MLModelClient's write side through the real client only: manual models and their
deployment aliases, deletion, the registry artifact. State only the server decides (a
model's status, its artifact) is steered with `store.steer_model`, as a test would."""
import datetime

import pytest
from sktmls import MLSResponse
from sktmls.components import Component
from sktmls.models import ManualModel

from mls_mock import assumptions

from support import client_error

META = {"name": "ranker", "version": "v1", "model_lib": "lightgbm", "features": ["age", "svc_scrb_period"]}
FULL = dict(
    description="요금제 추천 모델",
    creator="alice",
    model_lib="lightgbm",
    model_data="/models/ranker/v1/model.joblib",
    model_meta=META,
    features="age,svc_scrb_period",
    table="ranker_v1_scores",
)


def test_create_manual_model_returns_every_field(mls_model_client):
    made = mls_model_client.create_manual_model(name="ranker", version="v1", **FULL)

    assert isinstance(made, ManualModel) and isinstance(made.id, int)
    assert (made.name, made.version, made.model_type) == ("ranker", "v1", "manual")
    assert {key: getattr(made, key) for key in FULL} == FULL
    assert made.components is None
    assert (made.status, made.is_enabled) == (assumptions.NEW_MANUAL_MODEL_STATUS, assumptions.NEW_MANUAL_MODEL_ENABLED)
    assert isinstance(made.created_at, datetime.datetime) and made.created_at.utcoffset() is not None
    assert made.updated_at == made.created_at
    assert mls_model_client.get_manual_model(name="ranker", version="v1").get() == made.get()


def test_create_manual_model_with_only_the_required_fields(mls_model_client, mls_settings):
    made = mls_model_client.create_manual_model(name="bare", version="v1")

    left_out = ("description", "model_lib", "model_data", "model_meta", "features", "table", "components")
    assert [getattr(made, key) for key in left_out] == [None] * len(left_out)
    assert made.creator == mls_settings.username  # the caller, when the body names no creator


def test_create_model_deployment_is_create_manual_model(mls_model_client):
    made = mls_model_client.create_model_deployment(name="deployed", version="v2", **FULL)

    assert isinstance(made, ManualModel) and made.model_type == "manual"
    assert mls_model_client.get_model_deployment(id=made.id).get() == made.get()
    assert [m.id for m in mls_model_client.list_model_deployments(name="deployed")] == [made.id]


def test_a_name_and_version_is_taken_once(mls_mock, mls_model_client):
    first = mls_model_client.create_manual_model(name="ranker", version="v1")
    other_version = mls_model_client.create_manual_model(name="ranker", version="v2")
    before = mls_mock.store.dump()

    error = client_error(mls_model_client.create_manual_model, name="ranker", version="v1", description="again")

    assert error.code == 409 and "ranker v1" in error.msg
    assert mls_mock.store.dump() == before
    assert other_version.id == first.id + 1


def test_components_must_name_existing_components(mls_mock, mls_model_client):
    before = mls_mock.store.dump()

    error = client_error(
        mls_model_client.create_manual_model, name="ranker", version="v1", components=[Component(id=1, name="nope")]
    )

    assert error.code == 400 and "components" in error.msg and "nope" in error.msg
    assert mls_mock.store.dump() == before


def test_update_manual_model_replaces_what_it_is_given(mls_model_client):
    made = mls_model_client.create_manual_model(name="ranker", version="v1", **FULL)
    created_at = made.created_at

    returned = mls_model_client.update_manual_model(
        made, name="ranker2", description="새 설명", model_data="/models/ranker2/v1/model.joblib", table="t2"
    )

    assert returned is made
    assert (made.name, made.version, made.description, made.model_data, made.table) == (
        "ranker2", "v1", "새 설명", "/models/ranker2/v1/model.joblib", "t2")
    fetched = mls_model_client.get_manual_model(id=made.id)
    assert fetched.get() == made.get()
    assert (fetched.model_meta, fetched.model_lib, fetched.creator) == (META, "lightgbm", "alice")  # sent back as held
    assert fetched.created_at == created_at and fetched.updated_at > created_at
    assert client_error(mls_model_client.get_manual_model, name="ranker", version="v1").code == 404


def test_update_model_deployment_is_update_manual_model(mls_model_client):
    made = mls_model_client.create_model_deployment(name="deployed", version="v1")

    updated = mls_model_client.update_model_deployment(made, version="v9", features="age")

    assert (updated.version, updated.features) == ("v9", "age")
    assert mls_model_client.get_model_deployment(name="deployed", version="v9").id == made.id


def test_update_to_a_taken_name_changes_nothing(mls_mock, mls_model_client):
    mls_model_client.create_manual_model(name="ranker", version="v1")
    other = mls_model_client.create_manual_model(name="ranker", version="v2")
    before = mls_mock.store.dump()

    error = client_error(mls_model_client.update_manual_model, other, version="v1")

    assert error.code == 409 and "ranker v1" in error.msg
    assert mls_mock.store.dump() == before


def test_update_of_a_deleted_model_is_404(mls_model_client):
    made = mls_model_client.create_manual_model(name="ranker", version="v1")
    mls_model_client.delete_model(made)

    assert client_error(mls_model_client.update_manual_model, made, description="x").code == 404


def test_update_manual_model_meta_replaces_or_merges(mls_model_client):
    made = mls_model_client.create_manual_model(name="ranker", version="v1", model_meta=META)

    merged = mls_model_client.update_manual_model_meta(made, {"model_lib": "xgboost", "extra": 1}, partial_update=True)
    assert merged.model_meta == {**META, "model_lib": "xgboost", "extra": 1}

    replaced = mls_model_client.update_model_deployment_meta(made, {"only": True})
    assert replaced.model_meta == {"only": True}
    assert mls_model_client.update_manual_model_meta(made, {}).model_meta == {}  # the docstring's "without meta"
    assert mls_model_client.get_manual_model(id=made.id).model_meta == {}


def test_partial_meta_update_of_a_model_without_meta_fails_in_the_client(mls_mock, mls_model_client):
    """update_manual_model_meta(partial_update=True) calls `.update` on the model's meta:
    with none (null), the client raises before sending anything."""
    made = mls_model_client.create_manual_model(name="ranker", version="v1")
    sent = len(mls_mock.calls)

    with pytest.raises(AttributeError):
        mls_model_client.update_manual_model_meta(made, {"a": 1}, partial_update=True)
    assert len(mls_mock.calls) == sent


def test_update_components_to_none(mls_model_client):
    made = mls_model_client.create_manual_model(name="ranker", version="v1")

    assert mls_model_client.update_manual_model_components(made, []).components == []
    assert mls_model_client.update_model_deployment_components(made, []).components == []
    assert mls_model_client.get_manual_model(id=made.id).components == []


def test_delete_model(mls_model_client):
    kept = mls_model_client.create_manual_model(name="kept", version="v1")
    made = mls_model_client.create_manual_model(name="ranker", version="v1", table="ranker_scores")

    response = mls_model_client.delete_model(made)

    assert isinstance(response, MLSResponse) and response.code == 200 and response.results is None
    assert client_error(mls_model_client.get_manual_model, id=made.id).code == 404
    assert [m.id for m in mls_model_client.list_manual_models()] == [kept.id]
    assert client_error(mls_model_client.delete_model, made).code == 404


def test_delete_model_deployment_without_a_table_sends_one_request(mls_mock, mls_model_client):
    made = mls_model_client.create_model_deployment(name="ranker", version="v1")
    sent = len(mls_mock.calls)

    mls_model_client.delete_model_deployment(made, delete_table=True)  # no table: nothing more to delete

    assert [(c.method, c.path) for c in mls_mock.calls[sent:]] == [("DELETE", f"/api/v1/models/{made.id}")]


def test_a_model_a_bucket_serves_cannot_be_deleted(mls_mock, mls_model_client, mls_experiment_client, experiment):
    made = mls_model_client.create_manual_model(name="ranker", version="v1")
    bucket = mls_experiment_client.create_bucket(experiment, name="treatment", prediction_type="batch", model=made)
    before = mls_mock.store.dump()

    error = client_error(mls_model_client.delete_model, made)

    assert error.code == 409 and f"buckets {bucket.id} (treatment" in error.msg
    assert mls_mock.store.dump() == before
    mls_experiment_client.delete_bucket(mls_experiment_client.get_bucket(experiment, id=bucket.id))
    mls_model_client.delete_model(made)
    assert client_error(mls_model_client.get_manual_model, id=made.id).code == 404


def test_is_online_prediction_ready_follows_the_registry_artifact(mls_mock, mls_model_client):
    made = mls_model_client.create_manual_model(name="ranker", version="v1")

    assert mls_model_client.is_online_prediction_ready(made) is False  # nothing uploaded yet
    mls_mock.store.steer_model(made.id, online_artifact={"model_data": "/models/ranker/v1/model.joblib"})
    assert mls_model_client.is_online_prediction_ready(made) is True
    mls_mock.store.steer_model(made.id, online_artifact=None)
    assert mls_model_client.is_online_prediction_ready(made) is False


def test_is_online_prediction_ready_of_a_deleted_model_is_false(mls_mock, mls_model_client):
    made = mls_model_client.create_manual_model(name="ranker", version="v1")
    mls_mock.store.steer_model(made.id, online_artifact={"ready": True})
    mls_model_client.delete_model(made)

    assert mls_model_client.is_online_prediction_ready(made) is False


def test_a_steered_status_is_what_the_client_reads(mls_mock, mls_model_client):
    from sktmls.models import MLModelStatus

    made = mls_model_client.create_manual_model(name="ranker", version="v1")
    mls_mock.store.steer_model(made.id, status="IN_USE")

    assert MLModelStatus(mls_model_client.get_manual_model(id=made.id).status) is MLModelStatus.IN_USE
    # a replace keeps what the server owns
    assert mls_model_client.update_manual_model(made, description="d").status == "IN_USE"


def test_factory_models_carry_steered_state(mls_mock, mls_factory, mls_model_client):  # mls_mock: in-process only
    model = mls_factory.model(online_artifact=True, status="NOT_IN_USE")

    assert mls_model_client.is_online_prediction_ready(model) is True
    assert mls_model_client.get_manual_model(id=model.id).status == "NOT_IN_USE"


def test_components_are_read_back_as_component_objects(mls_model_client, mls_component_client):
    old = mls_component_client.create_component(name="ranker_feature", info="v1.0.0", is_latest=True)
    latest = mls_component_client.create_component(name="ranker_feature", info="v1.1.0", is_latest=True)
    other = mls_component_client.create_component(name="reco_postprocess", info="v2.0.0", is_latest=False)

    made = mls_model_client.create_manual_model(name="ranker", version="v1", components=[old, other])

    assert all(isinstance(c, Component) for c in made.components)
    # a name stands for its latest version (else its newest)
    assert [c.get() for c in made.components] == [latest.get(), other.get()]
    assert made.components[0].info == "v1.1.0" and made.components[0].user is not None


def test_update_components_names_them(mls_mock, mls_model_client, mls_component_client):
    component = mls_component_client.create_component(name="ranker_feature", info="v1", is_latest=True)
    made = mls_model_client.create_model_deployment(name="ranker", version="v1")

    updated = mls_model_client.update_manual_model_components(made, [component])

    assert [c.name for c in updated.components] == ["ranker_feature"]
    assert [c.id for c in mls_model_client.get_manual_model(id=made.id).components] == [component.id]


def test_any_update_of_a_model_with_components_fails_in_the_client(mls_mock, mls_model_client, mls_component_client):
    """update_manual_model sends `component.get("name")` for the components the model holds,
    and `Component.get` takes no argument: every update of such a model raises TypeError
    before a request, whatever the server answered before."""
    component = mls_component_client.create_component(name="ranker_feature", info="v1", is_latest=True)
    made = mls_model_client.create_manual_model(name="ranker", version="v1", components=[component])
    sent = len(mls_mock.calls)

    for update in (
        lambda: mls_model_client.update_manual_model(made, description="x"),
        lambda: mls_model_client.update_manual_model_meta(made, {"a": 1}),
        lambda: mls_model_client.update_manual_model_components(made, []),
    ):
        with pytest.raises(TypeError):
            update()
    assert len(mls_mock.calls) == sent
