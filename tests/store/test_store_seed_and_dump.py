"""Store: the fixtures/ seed format in and out. A load is all or nothing and says exactly
which source, record and field is wrong."""
import copy
import datetime

import pytest

from mls_mock import SeedError, Store

from support import counts_of

UTC = datetime.timezone.utc


class FixedClock:
    def __init__(self):
        self.current = datetime.datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)

    def now(self):
        return self.current


def _busy_store() -> Store:
    """Every kind of record, with deletes so that sequences run ahead of the counts."""
    clock = FixedClock()
    store = Store(clock=clock)
    store.create_model({"name": "m", "version": "v1", "model_type": "manual", "description": "d", "model_meta": {"a": [1]}})
    store.create_model({"name": "auto", "version": "v1", "model_type": "automl", "creator": "alice"})
    store.create_filter({"name": "gone", "body": {"conditions": []}})
    store.create_filter({"name": "f", "body": {"conditions": [{"key": "k", "operator": "contains", "value": ["x"]}]}})
    store.delete_filter(1)
    store.create_experiment({"name": "e1", "description": "one", "bucketing_seed": "s", "model_filter_id": 2}, "alice")
    store.create_experiment({"name": "e2"}, "bob")
    store.create_bucket(1, {"name": "dropped", "prediction_type": "empty"})
    store.create_bucket(1, {"name": "static", "prediction_type": "static", "static_value": {"items": [{"id": "i"}]}})
    store.create_bucket(1, {"name": "batch", "prediction_type": "batch", "batch_model_id": 1, "description": "b"})
    store.create_bucket(2, {"name": "automl", "prediction_type": "automl", "automl_model_id": 2})
    store.delete_bucket(1, 1)
    clock.current += datetime.timedelta(days=1)
    store.set_bucket_ratio(1, {"bucket_ratio": {"2": 25, "3": 75}})
    store.create_channel({"screen_id": "home", "experiments": [2, 1]}, "carol")
    return store


def _everything(store: Store) -> dict:
    """What the HTTP layer can see, record by record."""
    experiment_ids = [e["id"] for e in store.list_experiments()]
    return {
        "channels": store.list_channels(),
        "experiments": store.list_experiments(),
        "buckets": {e: store.list_buckets(e) for e in experiment_ids},
        "filters": store.list_filters(),
        "models": store.list_models(),
    }


def test_dump_then_load_gives_back_the_same_state():
    original = _busy_store()
    document = original.dump()

    copy_ = Store()
    copy_.load(copy.deepcopy(document))

    assert copy_.dump() == document
    assert _everything(copy_) == _everything(original)


def test_a_loaded_copy_continues_the_sequences():
    original = _busy_store()
    copy_ = Store()
    copy_.load(original.dump())

    for store in (original, copy_):
        assert store.create_filter({"name": "new", "body": {"conditions": []}})["id"] == 3
        assert store.create_bucket(2, {"name": "new", "prediction_type": "empty"})["id"] == 5
    assert copy_.get_bucket(2, 5)["prediction"]["id"] == original.get_bucket(2, 5)["prediction"]["id"]


def test_load_returns_counts_and_keeps_given_fields():
    store = Store()

    counts = store.load({
        "experiments": [{"id": 4, "name": "e", "user": "dora", "created_at": "2025-01-01T00:00:00+09:00"}],
        "channels": [{"screen_id": "c", "experiments": [4]}],
    }, source="mine.json")

    assert counts == counts_of(experiments=1, channels=1)
    experiment = store.get_experiment(4)
    assert (experiment["user"], experiment["created_at"], experiment["updated_at"]) == (
        "dora", "2025-01-01T00:00:00+09:00", "2025-01-01T00:00:00+09:00")
    assert store.get_channel(1)["user"] == "mls-mock"  # a seed without a user
    assert [c["screen_id"] for c in experiment["channels"]] == ["c"]


GOOD = {
    "models": [{"id": 1, "name": "m", "version": "v1", "model_type": "manual"}],
    "filters": [{"id": 1, "name": "f", "body": {"conditions": []}}],
    "experiments": [{"id": 1, "name": "e", "model_filter_id": 1}],
    "buckets": [{"id": 1, "experiment": 1, "name": "b", "prediction_type": "batch", "batch_model_id": 1}],
    "channels": [{"id": 1, "screen_id": "c", "experiments": [1]}],
}


def _with(kind, record):
    document = copy.deepcopy(GOOD)
    document[kind].append(record)
    return document


BAD_SEEDS = [
    pytest.param(["not", "an", "object"], ["must be a JSON object"], id="document_not_object"),
    pytest.param({**GOOD, "widgets": []}, ["unknown top-level keys", "widgets"], id="unknown_kind"),
    pytest.param({"code": 200, "error": None, "results": GOOD}, ["that is an envelope: send its `results`"],
                 id="a_get_state_answer_put_back_whole"),
    pytest.param({**GOOD, "channels": {"id": 1}}, ["channels must be a list"], id="kind_not_list"),
    pytest.param(_with("channels", "c2"), ["channels[1]", "JSON object"], id="record_not_object"),
    pytest.param(_with("channels", {"id": 2, "screen_id": "c2", "experiments": [9]}),
                 ["channels[1] (id 2)", "experiments[0]", "experiment 9 does not exist"], id="channel_missing_experiment"),
    pytest.param(_with("channels", {"id": 2, "screen_id": "c", "experiments": [1]}),
                 ["channels[1] (id 2)", "screen_id", "already exists"], id="channel_duplicate_name"),
    pytest.param(_with("experiments", {"id": 1, "name": "e2"}), ["experiments[1] (id 1)", "id 1 already exists"],
                 id="duplicate_id"),
    pytest.param(_with("experiments", {"id": "2", "name": "e2"}), ["experiments[1]", "id: must be a positive integer"],
                 id="id_not_int"),
    pytest.param(_with("experiments", {"name": "e2", "model_filter_id": 5}), ["experiments[1]", "model_filter_id"],
                 id="experiment_missing_filter"),
    pytest.param(_with("experiments", {"name": "e2", "created_at": "2026-01-01T00:00:00"}),
                 ["experiments[1]", "created_at", "offset"], id="timestamp_without_offset"),
    pytest.param(_with("experiments", {"name": "e2", "updated_at": "yesterday"}),
                 ["experiments[1]", "updated_at", "ISO-8601"], id="timestamp_not_iso"),
    pytest.param(_with("buckets", {"name": "b2", "prediction_type": "empty"}), ["buckets[1]", "experiment: is required"],
                 id="bucket_without_experiment"),
    pytest.param(_with("buckets", {"experiment": 8, "name": "b2", "prediction_type": "empty"}),
                 ["buckets[1]", "experiment", "8 does not exist"], id="bucket_missing_experiment"),
    pytest.param(_with("buckets", {"experiment": 1, "name": "b2", "prediction_type": "online", "online_model_id": 3}),
                 ["buckets[1]", "online_model_id"], id="bucket_missing_model"),
    pytest.param(_with("buckets", {"experiment": 1, "name": "b2", "prediction_type": "empty", "bucket_range": 5}),
                 ["buckets[1]", "bucket_range"], id="bucket_range_not_text"),
    pytest.param(_with("filters", {"name": "f2", "body": {"conditions": [{"key": "k", "operator": "~", "value": 1}]}}),
                 ["filters[1]", "body.conditions[0].operator"], id="filter_bad_operator"),
    pytest.param(_with("models", {"name": "m2", "version": "v1", "model_type": "other"}),
                 ["models[1]", "model_type"], id="model_bad_type"),
    pytest.param({**GOOD, "sequences": {"channels": -1}}, ["sequences.channels"], id="sequence_negative"),
    pytest.param({**GOOD, "sequences": {"gadgets": 3}}, ["sequences.gadgets"], id="sequence_unknown_kind"),
    pytest.param({**GOOD, "sequences": [1]}, ["sequences must be an object"], id="sequences_not_object"),
]


@pytest.mark.parametrize("document, mentions", BAD_SEEDS)
def test_a_bad_seed_is_refused_whole_naming_source_record_and_field(document, mentions):
    store = Store()
    store.load({"models": [{"id": 50, "name": "existing", "version": "v1", "model_type": "manual"}]})  # must survive
    before = store.dump()

    with pytest.raises(SeedError) as caught:
        store.load(document, source="broken.json")

    message = caught.value.message
    assert message.startswith("broken.json: ")
    for part in mentions:
        assert part in message
    assert store.dump() == before


def test_a_failed_load_tells_no_listener():
    store = Store()
    seen = []
    store.subscribe(lambda s: seen.append(s.counts()))

    with pytest.raises(SeedError):
        store.load(_with("channels", {"screen_id": "c2", "experiments": [9]}))
    store.load(GOOD)

    assert seen == [counts_of(models=1, filters=1, experiments=1, buckets=1, channels=1)]  # one change per load


def test_a_seed_with_only_updated_at_is_not_created_after_it():
    store = Store(clock=FixedClock())

    store.load({"filters": [{"name": "f", "body": {"conditions": []}, "updated_at": "2020-01-01T00:00:00+00:00"}]})

    made = store.get_filter(1)
    assert made["created_at"] == made["updated_at"] == "2020-01-01T00:00:00+00:00"


def test_a_seed_updated_before_it_was_created_is_refused():
    store = Store()

    with pytest.raises(SeedError) as caught:
        store.load({"filters": [{"name": "f", "body": {"conditions": []}, "created_at": "2020-01-02T00:00:00+00:00",
                                 "updated_at": "2020-01-01T23:00:00+02:00"}]}, source="s.json")

    assert "s.json: filters[0]" in caught.value.message and "updated_at" in caught.value.message
    assert store.counts()["filters"] == 0


@pytest.mark.parametrize("components", [["ranker"], "ranker", [{"name": "ok"}, 3]], ids=["names", "string", "mixed"])
def test_model_components_must_be_objects(components):
    """sktmls builds Component(**c) from each: anything else would crash the client's
    list_buckets later instead of the seed now."""
    store = Store()

    with pytest.raises(SeedError) as caught:
        store.load({"models": [{"name": "m", "version": "v1", "model_type": "manual", "components": components}]})

    assert "components" in caught.value.message
    assert store.counts()["models"] == 0
