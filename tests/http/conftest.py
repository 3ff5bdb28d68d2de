"""Raw HTTP against the fake through `requests` (so the in-process transport is on the path
too), with a small known world to aim bad requests at."""
import pytest


@pytest.fixture
def world(mls_mock):
    """Filter 1 "f" (used by experiment 1), models 1 (manual) and 2 (automl), experiments
    1 "exp" and 2 "exp2", buckets 1 "a" (batch on model 1) and 2 "b" of experiment 1, bucket
    3 "c" of experiment 2, channels 1 "home" (experiment 1) and 2 "cart" (experiment 2)."""
    store = mls_mock.store
    store.create_filter({"name": "f", "body": {"conditions": [{"key": "k", "operator": "==", "value": 1}]}})
    store.create_model({"name": "m", "version": "v1", "model_type": "manual"})
    store.create_model({"name": "auto", "version": "v1", "model_type": "automl"})
    store.create_experiment({"name": "exp", "model_filter_id": 1}, "seed")
    store.create_experiment({"name": "exp2"}, "seed")
    store.create_bucket(1, {"name": "a", "prediction_type": "batch", "batch_model_id": 1})
    store.create_bucket(1, {"name": "b", "prediction_type": "empty"})
    store.create_bucket(2, {"name": "c", "prediction_type": "empty"})
    store.create_channel({"screen_id": "home", "experiments": [1]}, "seed")
    store.create_channel({"screen_id": "cart", "experiments": [2]}, "seed")
    return mls_mock
