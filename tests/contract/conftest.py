"""Shared setup of the contract suite.

Everything here goes through the real sktmls clients except `make_model`, which writes a
model straight into the store: it takes any field as stored (a status, components as
objects, an automl model without training it), which MLModelClient cannot ask for.
tests/contract/test_models*.py create models through the client.
"""
import pytest

from mls_mock import allow_light_sktmls

allow_light_sktmls()  # the test modules import sktmls at module level


@pytest.fixture
def make_model(mls_mock, mls_model_client, mls_settings):
    """make_model(name, version, model_type="manual", **fields) -> the sktmls model object,
    read back through MLModelClient so that the test holds what a user would hold. An automl
    model (creator: the test's account unless given) is read as its creator, the only
    account that may read it."""

    def make(name, version="v1", model_type="manual", **fields):
        if model_type == "automl":
            fields.setdefault("creator", mls_settings.username)
        record = mls_mock.store.create_model({"name": name, "version": version, "model_type": model_type, **fields})
        if model_type == "automl":
            return model_client_of(record["creator"]).get_automl_model(id=record["id"])
        return mls_model_client.get_manual_model(id=record["id"])

    return make


def model_client_of(username: str):
    from sktmls import MLSENV
    from sktmls.models import MLModelClient

    return MLModelClient(env=MLSENV.STG, username=username, password="pw")


@pytest.fixture
def experiment(mls_experiment_client):
    """One experiment for tests that need something to point at."""
    return mls_experiment_client.create_experiment(name="contract_experiment", description="for channels")
