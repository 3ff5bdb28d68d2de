"""What tests in several directories share: the run's size (default or thorough), the
envelope checks and the one hand-built world, so that none is written twice.

`make test` runs every test at the default size, sized so the whole suite takes about a
minute on two cores; `make test-thorough` (MLS_MOCK_TESTS=thorough, which .ci/run also
runs) runs the same tests with the example counts, step counts and request counts they
had before they were sized, to find what a short run is unlikely to hit."""
import os

import pytest

PROFILE = os.environ.get("MLS_MOCK_TESTS", "default")
if PROFILE not in ("default", "thorough"):
    raise pytest.UsageError(f"MLS_MOCK_TESTS={PROFILE!r}: expected 'default' or 'thorough'")
THOROUGH = PROFILE == "thorough"


def sized(default: int, thorough: int) -> int:
    """A count (examples, steps, requests, rounds) for this run's profile."""
    return thorough if THOROUGH else default


# The world most tests aim at, as one seed document (PUT /_mock/state, MLSMock(seed=...),
# store.load): filter 1 "f" (used by experiment 1), models 1 (manual) and 2 (automl),
# experiments 1 "exp" and 2 "exp2", buckets 1 "a" (batch on model 1) and 2 "b" of
# experiment 1, bucket 3 "c" of experiment 2, channels 1 "home" (experiment 1) and 2 "cart"
# (experiment 2).
WORLD_FILTERS = [{"name": "f", "body": {"conditions": [{"key": "k", "operator": "==", "value": 1}]}}]
WORLD_MODELS = [{"name": "m", "version": "v1", "model_type": "manual"},
                {"name": "auto", "version": "v1", "model_type": "automl"}]


def build_world(store) -> None:
    """Fill an empty store with the world above, through the store's public writes (so ids
    and timestamps come from the store's own sequence and clock, as for a client's writes)."""
    for record in WORLD_FILTERS:
        store.create_filter(record)
    for record in WORLD_MODELS:
        store.create_model(record)
    store.create_experiment({"name": "exp", "model_filter_id": 1}, "seed")
    store.create_experiment({"name": "exp2"}, "seed")
    store.create_bucket(1, {"name": "a", "prediction_type": "batch", "batch_model_id": 1})
    store.create_bucket(1, {"name": "b", "prediction_type": "empty"})
    store.create_bucket(2, {"name": "c", "prediction_type": "empty"})
    store.create_channel({"screen_id": "home", "experiments": [1]}, "seed")
    store.create_channel({"screen_id": "cart", "experiments": [2]}, "seed")


def check_envelope(payload, status: int, *, error: bool = None):
    """`payload` (parsed JSON) is the envelope {code, error, results} with code == status;
    with error=True (the default for status >= 400) a refusal: a message and no results;
    with error=False a success: no message. Returns the payload."""
    assert isinstance(payload, dict) and set(payload) == {"code", "error", "results"}, payload
    assert payload["code"] == status, payload
    if error is None:
        error = status >= 400
    if error:
        assert isinstance(payload["error"], str) and payload["error"] and payload["results"] is None, payload
    else:
        assert payload["error"] is None, payload
    return payload


def client_error(call, *args, **kwargs):
    """The MLSClientError the real client raises for call(*args, **kwargs)."""
    from sktmls import MLSClientError

    with pytest.raises(MLSClientError) as caught:
        call(*args, **kwargs)
    return caught.value
