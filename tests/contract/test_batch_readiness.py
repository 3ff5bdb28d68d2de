"""The table side of MLModelClient: `is_batch_prediction_ready` (GET
/api/v1/dynamodb/tables/{table}/is_active and /is_loading) and the table DELETE that
`delete_model(delete_table=True)` sends. A manual model's `table` names a DynamoDB table;
models are made through the store or mls_factory (the model write side is another branch)."""
import pytest

from support import client_error


@pytest.fixture
def model(mls_factory, mls_model_client):
    """A manual model as the client reads it; its `table` is not made yet."""
    made = mls_factory.model(table="mls_home_reco_v100")
    return mls_model_client.get_manual_model(id=made.id)


def test_an_active_loaded_table_is_ready(mls_mock, mls_model_client, mls_factory, model):
    mls_factory.dynamodb_table(model.table)

    assert mls_model_client.is_batch_prediction_ready(manual_model=model) is True


def test_a_table_still_loading_is_not_ready(mls_model_client, mls_factory, mls_mock, model):
    mls_factory.dynamodb_table(model.table, is_loading=True)

    assert mls_model_client.is_batch_prediction_ready(model) is False
    mls_mock.store.set_dynamodb_table(model.table, is_loading=False)  # the upload finished
    assert mls_model_client.is_batch_prediction_ready(model) is True


def test_an_inactive_table_is_not_ready_and_loading_is_not_asked(mls_model_client, mls_factory, mls_mock, model):
    mls_factory.dynamodb_table(model.table, is_active=False, is_loading=True)
    mls_mock.calls.clear()

    assert mls_model_client.is_batch_prediction_ready(model) is False
    assert [call.path for call in mls_mock.calls] == [f"/api/v1/dynamodb/tables/{model.table}/is_active"]


def test_a_table_that_does_not_exist_is_not_ready(mls_model_client, model):
    assert mls_model_client.is_batch_prediction_ready(model) is False


def test_a_model_without_a_table_is_the_clients_404_before_any_request(mls_model_client, mls_factory, mls_mock):
    made = mls_factory.model(table=None)
    model = mls_model_client.get_manual_model(id=made.id)
    mls_mock.calls.clear()

    error = client_error(mls_model_client.is_batch_prediction_ready, model)

    assert error.code == 404 and len(mls_mock.calls) == 0


def test_only_manual_models_are_asked(mls_model_client, mls_factory):
    automl = mls_factory.model(model_type="automl")

    with pytest.raises(AssertionError):
        mls_model_client.is_batch_prediction_ready(automl)


@pytest.mark.mls_seed({"dynamodb_tables": [{"name": "mls_home_reco_v100", "is_loading": True}]})
def test_a_seeded_loading_table(mls_model_client, model):
    assert mls_model_client.is_batch_prediction_ready(model) is False


def test_delete_model_with_delete_table_drops_the_table_and_its_items(mls_model_client, mls_factory, mls_mock, model):
    mls_factory.dynamodb_table(model.table)
    before = mls_mock.store.counts()
    _delete_model(mls_model_client, model, delete_table=True)
    assert mls_mock.store.counts()["dynamodb_tables"] == before["dynamodb_tables"] - 1
    assert mls_mock.store.counts()["dynamodb_items"] == 0
    assert mls_model_client.is_batch_prediction_ready(model) is False


def test_delete_model_keeps_the_table_without_delete_table(mls_model_client, mls_factory, mls_mock, model):
    mls_factory.dynamodb_table(model.table)
    _delete_model(mls_model_client, model)
    assert mls_mock.store.get_dynamodb_table(model.table)["items"]


def _delete_model(client, model, **options):
    from sktmls import MLSClientError

    try:
        client.delete_model(model, **options)
    except MLSClientError as refused:  # DELETE /models/{id} is served by the `models` branch
        if refused.code == 501:
            pytest.skip("DELETE /api/v1/models/{id} is not faked on this branch yet")
        raise


def test_delete_table_of_an_automl_model_fails_after_the_model_is_deleted(mls_model_client, mls_factory, mls_mock):
    """A client-side bug: delete_model sends DELETE /models/{id} first and only then asserts the
    model is manual, so an AutoMLModel with a `table` is deleted and the call still fails."""
    automl = mls_factory.model(model_type="automl", table="mls_automl_scores")
    mls_factory.dynamodb_table("mls_automl_scores")

    with pytest.raises(AssertionError):
        _delete_model(mls_model_client, automl, delete_table=True)

    assert [(c.method, c.path) for c in mls_mock.calls] == [("DELETE", f"/api/v1/models/{automl.id}")]
    assert mls_mock.store.get_dynamodb_table("mls_automl_scores")["is_active"] is True  # the table stays
