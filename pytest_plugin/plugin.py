"""Fixtures only: every piece of logic lives in `mls_mock`."""
import pytest

from mls_mock import MLSMock

TEST_USERNAME = "mls-test"
TEST_PASSWORD = "mls-test-password"


@pytest.fixture
def mls_mock(monkeypatch):
    """A fresh fake MLS AB API for this test; every sktmls client reaches it in-process.

    MLS_ENV, MLS_USERNAME and MLS_PASSWORD are set so that code building its own client
    with no arguments reaches the fake too.
    """
    monkeypatch.setenv("MLS_ENV", "STG")
    monkeypatch.setenv("MLS_USERNAME", TEST_USERNAME)
    monkeypatch.setenv("MLS_PASSWORD", TEST_PASSWORD)
    with MLSMock() as mock:
        yield mock


def _client(cls_path: str):
    import importlib

    from sktmls import MLSENV

    module, _, name = cls_path.rpartition(".")
    cls = getattr(importlib.import_module(module), name)
    return cls(env=MLSENV.STG, username=TEST_USERNAME, password=TEST_PASSWORD)


@pytest.fixture
def mls_channel_client(mls_mock):
    """The real sktmls ChannelClient, bound to the fake (env STG, account `mls-test`)."""
    return _client("sktmls.channels.ChannelClient")


@pytest.fixture
def mls_experiment_client(mls_mock):
    """The real sktmls ExperimentClient, bound to the fake (env STG, account `mls-test`)."""
    return _client("sktmls.experiments.ExperimentClient")


@pytest.fixture
def mls_filter_client(mls_mock):
    """The real sktmls FilterClient, bound to the fake (env STG, account `mls-test`)."""
    return _client("sktmls.filters.FilterClient")


@pytest.fixture
def mls_model_client(mls_mock):
    """The real sktmls MLModelClient (read side), bound to the fake."""
    return _client("sktmls.models.MLModelClient")
