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
