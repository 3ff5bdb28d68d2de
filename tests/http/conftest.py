"""Raw HTTP against the fake through `requests` (so the in-process transport is on the path
too), with a small known world to aim bad requests at."""
import pytest

from support import build_world


@pytest.fixture
def world(mls_mock):
    """The fake holding tests/support.py's WORLD: filter 1 "f" (used by experiment 1), models
    1 (manual) and 2 (automl), experiments 1 "exp" and 2 "exp2", buckets 1 "a" (batch on
    model 1) and 2 "b" of experiment 1, bucket 3 "c" of experiment 2, channels 1 "home"
    (experiment 1) and 2 "cart" (experiment 2)."""
    build_world(mls_mock.store)
    return mls_mock
