"""MLModelClient's automl side (the model server and its handler, deletion) and
AutoMLBatchPredictionClient, through the real clients. Automl models come from `make_model`
(their creator is the test's account); whether training is done is steered with
`store.steer_model`, as only the server decides it."""
import pytest
from sktmls import MLSClientError, MLSResponse
from sktmls.models import AutoMLModel

from mls_mock import assumptions

from support import client_error

def model_client_of(username):
    from sktmls import MLSENV
    from sktmls.models import MLModelClient

    return MLModelClient(env=MLSENV.STG, username=username, password="pw")


HANDLER = "def handler(prediction):\n    return prediction\n"


@pytest.fixture
def trained(mls_mock, make_model):
    """An automl model whose training is done (status DONE), its server stopped."""
    model = make_model("churn", model_type="automl")
    mls_mock.store.steer_model(model.id, status="DONE")
    return model


def test_a_new_server_is_stopped_and_a_trained_model_starts_it(mls_mock, mls_model_client, trained):
    assert mls_model_client.get_automl_model_server_status(trained) == assumptions.AUTOML_SERVER_STATUS == "STOPPED"

    started = mls_model_client.start_automl_model_server(trained)

    assert isinstance(started, MLSResponse) and started.code == 200
    assert mls_model_client.get_automl_model_server_status(trained) == "RUNNING"
    assert mls_model_client.start_automl_model_server(trained).code == 200  # already running: no change
    stopped = mls_model_client.stop_automl_model_server(trained)
    assert stopped.code == 200 and mls_model_client.get_automl_model_server_status(trained) == "STOPPED"


def test_a_model_still_training_cannot_serve(mls_mock, mls_model_client, make_model):
    model = make_model("churn", model_type="automl", status="TRAINING")
    before = mls_mock.store.dump()

    error = client_error(mls_model_client.start_automl_model_server, model)

    assert error.code == 409 and "TRAINING" in error.msg
    assert mls_mock.store.dump() == before


def test_a_steered_server_status_is_what_the_client_reads(mls_mock, mls_model_client, trained):
    mls_mock.store.steer_model(trained.id, server_status="FAILED")

    assert mls_model_client.get_automl_model_server_status(trained) == "FAILED"


def test_the_handler_is_null_until_set(mls_model_client, trained):
    assert mls_model_client.get_automl_model_server_handler(trained) is None

    response = mls_model_client.update_automl_model_server_handler(trained, HANDLER)

    assert response.code == 200
    assert mls_model_client.get_automl_model_server_handler(trained) == HANDLER


def test_a_handler_that_does_not_parse_is_refused_by_the_client(mls_mock, mls_model_client, trained):
    sent = len(mls_mock.calls)

    with pytest.raises(MLSClientError) as caught:
        mls_model_client.update_automl_model_server_handler(trained, "def handler(:")

    assert caught.value.code == 400 and len(mls_mock.calls) == sent


def test_server_routes_of_another_accounts_model_are_404(mls_mock, make_model, mls_model_client):
    theirs = make_model("churn", model_type="automl", creator="bob")  # read as bob
    before = mls_mock.store.dump()

    for call in (
        mls_model_client.get_automl_model_server_status,
        mls_model_client.start_automl_model_server,
        mls_model_client.stop_automl_model_server,
        mls_model_client.get_automl_model_server_handler,
        mls_model_client.delete_model,
    ):
        assert client_error(call, theirs).code == 404, call
    assert client_error(mls_model_client.update_automl_model_server_handler, theirs, HANDLER).code == 404
    assert mls_mock.store.dump() == before
    assert model_client_of("bob").get_automl_model_server_status(theirs) == "STOPPED"


def test_server_routes_of_a_deleted_model_are_404(mls_model_client, trained):
    mls_model_client.delete_model(trained)

    assert client_error(mls_model_client.get_automl_model_server_status, trained).code == 404
    assert client_error(mls_model_client.start_automl_model_server, trained).code == 404
    assert client_error(mls_model_client.get_automl_model, id=trained.id).code == 404


def test_delete_automl_model_with_delete_table_is_refused_by_the_client_only_when_it_has_a_table(
    mls_mock, mls_model_client, make_model
):
    model = make_model("churn", model_type="automl")

    mls_model_client.delete_model(model, delete_table=True)  # no table: the option does nothing

    assert client_error(mls_model_client.get_automl_model, id=model.id).code == 404
    assert isinstance(model, AutoMLModel)


def test_the_server_of_a_manual_model_is_404_on_the_wire(mls_model_client, make_model):
    """The client asserts an AutoMLModel; an AutoMLModel made up with a manual model's id
    reaches the server, which has no automl server for it."""
    manual = make_model("ranker")
    impostor = AutoMLModel(id=manual.id, name=manual.name, version=manual.version)

    error = client_error(mls_model_client.get_automl_model_server_status, impostor)

    assert error.code == 404 and "manual" in error.msg


def test_create_automl_model_from_a_dataset(mls_model_client, mls_factory, mls_settings):
    dataset = mls_factory.dataset(name="churn_labels")

    made = mls_model_client.create_automl_model(dataset, name="churn", version="v1", description="이탈 예측")

    assert isinstance(made, AutoMLModel) and isinstance(made.id, int)
    assert (made.name, made.version, made.description, made.model_type) == ("churn", "v1", "이탈 예측", "automl")
    assert (made.dataset_id, made.dataset_name) == (dataset.id, "churn_labels")
    assert (made.creator, made.status) == (mls_settings.username, assumptions.NEW_AUTOML_MODEL_STATUS)
    assert made.automl_model_info is None and made.get_error() is None
    assert made.created_at == made.updated_at and made.created_at.utcoffset() is not None
    assert mls_model_client.get_automl_model(name="churn", version="v1").get() == made.get()
    assert mls_model_client.get_automl_model_server_status(made) == "STOPPED"


def test_create_automl_model_needs_an_existing_dataset(mls_mock, mls_model_client):
    from sktmls.datasets import Dataset

    before = mls_mock.store.dump()

    error = client_error(mls_model_client.create_automl_model, Dataset(id=404, name="gone", data_type="score"),
                         name="churn", version="v1", description="d")

    assert error.code == 400 and "dataset_id" in error.msg
    assert mls_mock.store.dump() == before


def test_create_automl_model_of_a_taken_name_is_409(mls_mock, mls_model_client, mls_factory):
    dataset = mls_factory.dataset()
    mls_model_client.create_automl_model(dataset, name="churn", version="v1", description="d")
    before = mls_mock.store.dump()

    assert client_error(mls_model_client.create_automl_model, dataset, name="churn", version="v1",
                        description="d").code == 409
    assert mls_mock.store.dump() == before


@pytest.fixture
def trained_from_dataset(mls_mock, mls_model_client, mls_factory):
    def make(problem_type="classification"):
        dataset = mls_factory.dataset(problem_type=problem_type)
        model = mls_model_client.create_automl_model(dataset, name="churn", version="v1", description="d")
        mls_mock.store.steer_model(model.id, status="DONE")
        return mls_model_client.get_automl_model(id=model.id)

    return make


def test_predict_starts_a_batch_prediction(mls_automl_prediction_client, trained_from_dataset):
    from sktmls.models.automl import AutoMLBatchPrediction, ScoreExportOption, YEChannelConfig

    model = trained_from_dataset("score")

    prediction = mls_automl_prediction_client.predict(
        model, YEChannelConfig(username="x1234567", table="churn_scores"),
        score_export_option=ScoreExportOption(sort=True, target_limit=1000), period="202510",
    )

    assert isinstance(prediction, AutoMLBatchPrediction) and isinstance(prediction.id, int)
    assert (prediction.channel, prediction.status) == ("YE", assumptions.NEW_PREDICTION_STATUS)
    assert prediction.created_at == prediction.updated_at and prediction.created_at.utcoffset() is not None


@pytest.mark.parametrize("config", [
    lambda a: a.EmailChannelConfig("me@sktelecom.com"),
    lambda a: a.TOSChannelConfig("1234567", "이탈 위험군"),
    lambda a: a.EDDChannelConfig("g1234567", "mls_db", "churn"),
], ids=["EMAIL", "TOS", "EDD"])
def test_predict_to_every_channel(mls_mock, mls_automl_prediction_client, trained_from_dataset, config):
    import sktmls.models.automl as automl

    model = trained_from_dataset()
    made = config(automl)
    channel = made.channel

    prediction = mls_automl_prediction_client.predict(
        model, made, custom_feature_source_config=automl.CustomFeatureSourceConfig("ye", "sktaic.x1.features"))

    assert prediction.channel == channel
    stored = mls_mock.store.dump()["automl_predictions"][-1]
    assert stored["custom_feature_source_config"] == {"source_type": "table", "source_path": "sktaic.x1.features"}


def test_a_channel_config_serves_one_predict_only(mls_mock, mls_automl_prediction_client, trained_from_dataset):
    """predict deletes `channel` from the config object it is given: a second predict with
    the same config raises AttributeError in the client."""
    from sktmls.models.automl import EmailChannelConfig

    model = trained_from_dataset()
    config = EmailChannelConfig("me@sk.com")
    mls_automl_prediction_client.predict(model, config)

    with pytest.raises(AttributeError):
        mls_automl_prediction_client.predict(model, config)


def test_a_score_problem_needs_a_score_option_in_the_client(mls_mock, mls_automl_prediction_client, trained_from_dataset):
    from sktmls.models.automl import EmailChannelConfig
    from sktmls.models.automl.automl_prediction import AutoMLPredictionError

    model = trained_from_dataset("score")
    before = mls_mock.store.dump()

    with pytest.raises(AutoMLPredictionError):
        mls_automl_prediction_client.predict(model, EmailChannelConfig("me@sk.com"))
    assert mls_mock.store.dump() == before


def test_predict_needs_a_trained_model(mls_mock, mls_automl_prediction_client, trained_from_dataset):
    from sktmls.models.automl import EmailChannelConfig

    model = trained_from_dataset()
    mls_mock.store.steer_model(model.id, status="FAILED")
    before = mls_mock.store.dump()

    error = client_error(mls_automl_prediction_client.predict, model, EmailChannelConfig("me@sk.com"))

    assert error.code == 409 and "FAILED" in error.msg
    assert mls_mock.store.dump() == before


def test_predict_of_a_deleted_model_is_404(mls_model_client, mls_automl_prediction_client, trained_from_dataset):
    from sktmls.models.automl import EmailChannelConfig

    model = trained_from_dataset()
    mls_model_client.delete_model(model)

    assert client_error(mls_automl_prediction_client.predict, model, EmailChannelConfig("me@sk.com")).code == 404


def test_deleting_a_model_deletes_its_predictions(mls_mock, mls_model_client, mls_automl_prediction_client,
                                                  trained_from_dataset):
    from sktmls.models.automl import EmailChannelConfig

    model = trained_from_dataset()
    mls_automl_prediction_client.predict(model, EmailChannelConfig("me@sk.com"))
    assert mls_mock.store.counts()["automl_predictions"] == 1

    mls_model_client.delete_model(model)

    assert mls_mock.store.counts()["automl_predictions"] == 0


def test_seeded_state_is_what_the_clients_read(mls_mock, mls_model_client, mls_settings):
    mls_mock.seed({"models": [
        {"id": 7, "name": "churn", "version": "v1", "model_type": "automl", "creator": mls_settings.username,
         "status": "DONE", "server_status": "RUNNING", "server_handler": HANDLER},
        {"id": 8, "name": "ranker", "version": "v1", "model_type": "manual", "online_artifact": {"model_lib": "rule"}},
    ]})
    automl = mls_model_client.get_automl_model(id=7)

    assert mls_model_client.get_automl_model_server_status(automl) == "RUNNING"
    assert mls_model_client.get_automl_model_server_handler(automl) == HANDLER
    assert mls_model_client.is_online_prediction_ready(mls_model_client.get_manual_model(id=8)) is True
    assert "server_status" not in mls_mock.store.get_model(7)  # state, not part of the record
    assert mls_mock.store.dump()["models"][0]["server_status"] == "RUNNING"


def test_a_seed_cannot_give_a_manual_model_a_server(mls_mock):
    from mls_mock.errors import SeedError

    with pytest.raises(SeedError, match="server_status"):
        mls_mock.seed({"models": [{"name": "m", "version": "v1", "model_type": "manual", "server_status": "RUNNING"}]})
    assert mls_mock.store.counts()["models"] == 0
