"""Store: what enters from Python (`Store.load`, `MLSMock.seed(dict)`, state files) is held to
what HTTP bodies are: JSON, at most MAX_JSON_DEPTH deep in a state document, ids and
sequences within MAX_ID, bucket ranges that cover the slots once or not at all. Anything
else is a SeedError naming the field, and nothing accepted can make a later read fail."""
import json
import math

import pytest

from mls_mock import MLSMock, SeedError, Store, assumptions
from mls_mock.persistence import StateFile, StateFileError, StateWriteError

LIMIT = assumptions.MAX_JSON_DEPTH


def nested(levels: int, leaf=1):
    """A list `levels` deep, built without recursion."""
    value = leaf
    for _ in range(levels):
        value = [value]
    return value


def filter_with(value) -> dict:
    return {"filters": [{"name": "f", "body": {"conditions": [{"key": "k", "operator": "==", "value": value}]}}]}


def model_with(**fields) -> dict:
    return {"models": [{"name": "m", "version": "v1", "model_type": "manual", **fields}]}


def bucket_with(items) -> dict:
    return {"experiments": [{"id": 1, "name": "e"}],
            "buckets": [{"experiment": 1, "name": "b", "prediction_type": "static", "static_value": {"items": items}}]}


def reads_all_answer(store: Store) -> None:
    """Every read, including a full encode of the state as the server sends it."""
    json.dumps(store.dump(), allow_nan=False)
    for records in (store.list_channels(), store.list_experiments(), store.list_filters(), store.list_models()):
        json.dumps(records, allow_nan=False)
    for experiment in store.list_experiments():
        json.dumps(store.list_buckets(experiment["id"]), allow_nan=False)


# A condition sits 5 levels down a state document, static items 4, a model field 3.
DEEPEST_ACCEPTED = [
    pytest.param(filter_with(nested(LIMIT - 6)), id="filter_condition_value"),
    pytest.param(bucket_with(nested(LIMIT - 4)), id="static_items"),
    pytest.param(model_with(model_meta=nested(LIMIT - 3)), id="model_field"),
]


@pytest.mark.parametrize("document", DEEPEST_ACCEPTED)
def test_values_as_deep_as_a_state_document_allows_are_kept_and_read_back(document):
    store = Store()
    store.load(document)

    reads_all_answer(store)
    state = json.dumps(store.dump())
    assert max_depth(state) == LIMIT  # so GET /_mock/state's answer is a body PUT /_mock/state accepts
    again = Store()
    again.load(json.loads(state))
    assert again.dump() == store.dump()


def max_depth(text: str) -> int:
    depth = deepest = 0
    for char in text:  # the values here hold no strings with brackets
        depth += char in "[{"
        depth -= char in "]}"
        deepest = max(deepest, depth)
    return deepest


TOO_DEEP = [
    pytest.param(filter_with(nested(LIMIT - 5)), ["filters[0]", "body.conditions[0]", "nested"], id="condition_one_too_deep"),
    pytest.param(filter_with(nested(100_000)), ["filters[0]", "body.conditions[0]", "nested"], id="condition_100k_deep"),
    pytest.param(bucket_with(nested(LIMIT - 3)), ["buckets[0]", "static_value.items", "nested"], id="items_one_too_deep"),
    pytest.param(model_with(features=nested(3000)), ["models[0]", "features", "nested"], id="model_field_3000_deep"),
]

NOT_JSON = [
    pytest.param(model_with(model_meta={1: "x"}), ["models[0]", "model_meta", "key"], id="int_key"),
    pytest.param(model_with(model_meta={("a", "b"): 1}), ["model_meta", "key"], id="tuple_key"),
    pytest.param(model_with(features={1, 2}), ["features", "set"], id="set"),
    pytest.param(model_with(model_data=object()), ["model_data", "object"], id="object"),
    pytest.param(model_with(model_meta={"x": math.nan}), ["model_meta", "NaN"], id="nan"),
    pytest.param(filter_with([math.inf]), ["body.conditions[0]", "Infinity"], id="infinity"),
    pytest.param(bucket_with([10 ** 5000]), ["static_value.items", "digits"], id="int_too_long_to_print"),
    pytest.param(model_with(dataset_id=-(10 ** 5000)), ["dataset_id", "digits"], id="negative_int_too_long"),
]

OUT_OF_RANGE = [
    pytest.param({"experiments": [{"id": assumptions.MAX_ID + 1, "name": "e"}]}, ["experiments[0] (id", "id: ", str(assumptions.MAX_ID)],
                 id="id_past_max"),
    pytest.param({"experiments": [{"id": 10 ** 5000, "name": "e"}]}, ["experiments[0]: id: ", str(assumptions.MAX_ID)],
                 id="id_too_long_to_print"),
    pytest.param({"experiments": [{"name": "e"}], "channels": [{"screen_id": "c", "experiments": [1, 2 ** 53]}]},
                 ["channels[0]", "experiments[1]", str(assumptions.MAX_ID)], id="reference_past_max"),
    pytest.param({"sequences": {"channels": 10 ** 18}}, ["sequences.channels", str(assumptions.MAX_ID)], id="sequence_1e18"),
    pytest.param({"sequences": {"channels": int("9" * 4300)}}, ["sequences.channels"], id="sequence_4300_digits"),
    pytest.param({"sequences": {"channels": 10 ** 5000}}, ["sequences.channels"], id="sequence_too_long_to_print"),
    pytest.param({"sequences": {7: 1}}, ["sequences (a int key)"], id="sequence_int_kind"),
    pytest.param({1: [], "widgets": []}, ["unknown top-level keys", "'widgets'", "a int key"], id="mixed_top_level_keys"),
]

BAD_RANGES = [
    pytest.param(["0-49", ""], ["experiment 1", "bucket_range", "slots 50-99 are in no bucket"], id="half_covered"),
    pytest.param(["0-59", "50-99"], ["experiment 1", "bucket_range", "slots 50-59 are in two buckets"], id="overlapping"),
    pytest.param(["0-99", "0-99"], ["experiment 1", "bucket_range", "slots 0-99 are in two buckets"], id="twice"),
    pytest.param(["abc", ""], ["buckets[0]", "bucket_range", "start-end"], id="not_a_range"),
    pytest.param(["50-20", ""], ["buckets[0]", "bucket_range"], id="backwards"),
    pytest.param(["0-100", ""], ["buckets[0]", "bucket_range"], id="past_the_slots"),
    pytest.param(["-1-99", ""], ["buckets[0]", "bucket_range"], id="negative"),
    pytest.param(["\u0660-99", ""], ["buckets[0]", "bucket_range"], id="non_ascii_digit"),
]


def ranged(ranges) -> dict:
    return {"experiments": [{"id": 1, "name": "e"}],
            "buckets": [{"experiment": 1, "name": f"b{i}", "prediction_type": "empty", "bucket_range": r}
                        for i, r in enumerate(ranges)]}


@pytest.mark.parametrize("document, mentions", TOO_DEEP + NOT_JSON + OUT_OF_RANGE + [
    pytest.param(ranged(r), m, id=f"range_{p.id}") for p in BAD_RANGES for r, m in [p.values]])
def test_a_value_that_could_break_a_later_read_is_refused_naming_its_field(document, mentions):
    store = Store()
    store.load({"experiments": [{"id": 50, "name": "existing"}]})
    before = store.dump()

    with pytest.raises(SeedError) as caught:
        store.load(document, source="mine")

    for part in ["mine: "] + mentions:
        assert part in caught.value.message
    assert store.dump() == before
    reads_all_answer(store)


@pytest.mark.parametrize("ranges", [["0-99"], ["", "", ""], ["0-49", "50-99", ""], ["50-99", "0-49"], ["00-09", "10-99"]],
                         ids=["one", "all_unset", "with_a_zero_share", "not_in_id_order", "leading_zeros"])
def test_seeded_ranges_that_cover_the_slots_once_or_not_at_all_load(ranges):
    store = Store()
    store.load(ranged(ranges))
    assert [b["bucket_range"] for b in store.list_buckets(1)] == [
        "-".join(str(int(n)) for n in r.split("-")) if r else r for r in ranges]


def test_a_seed_adding_an_overlapping_bucket_to_an_experiment_is_refused():
    store = Store()
    store.load(ranged(["0-49", "50-99"]))
    with pytest.raises(SeedError) as caught:
        store.load({"buckets": [{"experiment": 1, "name": "late", "prediction_type": "empty", "bucket_range": "0-9"}]})
    assert "experiment 1" in caught.value.message and "bucket_range" in caught.value.message
    assert [b["name"] for b in store.list_buckets(1)] == ["b0", "b1"]


def test_mlsmock_seed_refuses_a_deep_dict_and_stays_readable():
    mls = MLSMock()
    with pytest.raises(SeedError) as caught:
        mls.seed(filter_with(nested(5000)))
    assert "body.conditions[0]" in caught.value.message
    assert mls.store.counts()["filters"] == 0
    reads_all_answer(mls.store)


def test_a_state_file_with_a_value_too_deep_is_refused_at_start(tmp_path):
    import sqlite3

    path = tmp_path / "state.db"
    first = StateFile(path)
    first.attach(Store())
    first.close()  # a valid, empty state file
    [record] = filter_with(nested(LIMIT - 5))["filters"]
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO records VALUES ('filters', 1, ?)", (json.dumps({"id": 1, **record}),))
    db.close()
    state = StateFile(path)

    with pytest.raises(StateFileError) as caught:
        state.attach(Store())

    assert "body.conditions[0]" in str(caught.value) and "nested" in str(caught.value)


def test_a_save_whose_encoding_fails_is_refused_503_and_undone(tmp_path, monkeypatch):
    """The encode is part of the save: when it fails, the change is undone in memory and
    the file keeps the last saved state."""
    from mls_mock import persistence

    store = Store()
    state = StateFile(tmp_path / "state.db")
    state.attach(store)
    store.create_experiment({"name": "kept"}, "u")
    saved, before = persistence.read_document(state.path), store.dump()

    def failing_encode(document):
        raise ValueError("Exceeds the limit (4300 digits) for integer string conversion")

    monkeypatch.setattr(persistence, "_encode", failing_encode)
    with pytest.raises(StateWriteError) as caught:
        store.create_experiment({"name": "lost"}, "u")

    assert caught.value.status == 503 and "4300 digits" in caught.value.message
    assert store.dump() == before and persistence.read_document(state.path) == saved
    state.close()
