"""Random seed documents: a load either succeeds or raises SeedError (never another
exception) and then leaves the store exactly as it was."""
from hypothesis import HealthCheck, given, settings, strategies as st

from mls_mock import SeedError, Store
from mls_mock.store import RESOURCES, SEED_KINDS

from support import sized

# The fields of every registered kind's seed records, so a kind added later is fuzzed too.
SEEDED_FIELDS = sorted({field for resource in RESOURCES for field in resource.seed_schema.get("properties", {})})
KEYS = ["id", "name", "screen_id", "experiments", "experiment", "description", "bucketing_seed", "model_filter_id",
        "prediction_type", "static_value", "items", "batch_model_id", "online_model_id", "automl_model_id", "body",
        "conditions", "key", "operator", "value", "version", "model_type", "components", "user", "created_at",
        "updated_at", "bucket_range"]
KEYS += [field for field in SEEDED_FIELDS if field not in KEYS]
scalars = (st.none() | st.booleans() | st.integers(-1, 4) | st.floats(allow_nan=False)
           | st.sampled_from(["", "a", "b", "manual", "automl", "empty", "static", "batch", "==", "2026-01-01T00:00:00+00:00",
                              "2026-01-01T00:00:00", "0-49"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
                      max_leaves=10)
records = st.dictionaries(st.sampled_from(KEYS), values, max_size=7) | values
documents = st.dictionaries(
    st.sampled_from([*SEED_KINDS, "sequences", "format", "extra"]),
    st.lists(records, max_size=3) | values, max_size=4) | values


@settings(max_examples=sized(60, 200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=documents)
def test_any_seed_loads_whole_or_not_at_all(document):
    store = Store()
    store.load({"models": [{"name": "m", "version": "v1", "model_type": "manual"}],
                "experiments": [{"name": "exp"}], "filters": [{"name": "f", "body": {"conditions": []}}]})
    before = store.dump()

    try:
        store.load(document, source="fuzz.json")
    except SeedError as error:
        assert error.message.startswith("fuzz.json")
        assert store.dump() == before
    else:
        again = Store()
        again.load(store.dump())
        assert again.dump() == store.dump()
