"""Store: every write is one transaction, all or nothing for any exception, not only for the
domain errors its validation raises. Each write below is made to fail at every point it can
fail (each write primitive in turn, each reading of the clock) and must leave the store
exactly as it was, indexes and row order included, and fit to take the same write again."""
import copy
import datetime

import pytest

from mls_mock import FieldError, Store, assumptions
from mls_mock.store import SEED_KINDS
from mls_mock.store.transaction import Transaction

UTC = datetime.timezone.utc


class Injected(Exception):
    """The unexpected error a test injects into the store."""


class ArmedClock:
    """Advances a second per reading; once armed, its `fail_at`-th reading raises."""

    def __init__(self):
        self.current = datetime.datetime(2026, 3, 1, tzinfo=UTC)
        self.readings = 0
        self.fail_at = None

    def now(self):
        self.readings += 1
        if self.fail_at is not None and self.readings == self.fail_at:
            raise Injected(f"clock reading {self.readings}")
        self.current += datetime.timedelta(seconds=1)
        return self.current


class ArmedPrimitives:
    """Counts the write primitives run; once armed, the `fail_at`-th raises before writing."""

    def __init__(self, monkeypatch):
        self.calls = 0
        self.fail_at = None
        for name in Transaction.WRITES:
            monkeypatch.setattr(Transaction, name, self._wrap(getattr(Transaction, name)))

    def _wrap(self, primitive):
        def counted(tx, *args, **kwargs):
            self.calls += 1
            if self.fail_at is not None and self.calls == self.fail_at:
                raise Injected(f"{primitive.__name__}, write {self.calls}")
            return primitive(tx, *args, **kwargs)
        return counted


def busy_store(clock) -> Store:
    """Every kind of record and relation: experiment 1 has channels 1-2, buckets 1-3 with a
    ratio set and filter 1; filter 2 is unused; bucket 2 is a batch bucket on model 1."""
    store = Store(clock=clock)
    store.create_model({"name": "m", "version": "v1", "model_type": "manual"})
    store.create_model({"name": "m", "version": "v2", "model_type": "manual"})
    store.create_filter({"name": "used", "body": {"conditions": [{"key": "k", "operator": "==", "value": [1, {"a": 2}]}]}})
    store.create_filter({"name": "free", "body": {"conditions": []}})
    store.create_experiment({"name": "e1", "model_filter_id": 1}, "u")
    store.create_experiment({"name": "e2"}, "u")
    store.create_bucket(1, {"name": "a", "prediction_type": "static", "static_value": {"items": [{"id": "x"}]}})
    store.create_bucket(1, {"name": "b", "prediction_type": "batch", "batch_model_id": 1})
    store.create_bucket(1, {"name": "c", "prediction_type": "empty"})
    store.create_bucket(2, {"name": "a", "prediction_type": "batch", "batch_model_id": 1})
    store.set_bucket_ratio(1, {"bucket_ratio": {"1": 20, "2": 30, "3": 50}})
    store.create_channel({"screen_id": "home", "experiments": [1, 2]}, "u")
    store.create_channel({"screen_id": "cart", "experiments": [1]}, "u")
    store.delete_channel(store.create_channel({"screen_id": "gone", "experiments": [2]}, "u")["id"])
    return store


def internals(store: Store):
    """Everything the store holds, indexes and row order included."""
    tables = {kind: (list(store.resources[kind].table.rows.items()), dict(store.resources[kind].table.ids_by_name),
                     store.resources[kind].table.last_id) for kind in SEED_KINDS}
    indexes = {kind: {name: getattr(resource, name) for name in resource.fresh() if name != "table"}
               for kind, resource in store.resources.items()}  # channels' ids_by_experiment, buckets' and meta items' ids_by_parent
    return copy.deepcopy((tables, indexes))


def _replace_state(store):
    """PUT /_mock/state: a reset and a load as one transaction."""
    with store.transaction():
        store.reset()
        store.load({"experiments": [{"id": 7, "name": "x"}], "buckets": [{"experiment": 7, "name": "b", "prediction_type": "empty"}]})


WRITES = {
    "create_channel": lambda s: s.create_channel({"screen_id": "new", "experiments": [2, 1]}, "u"),
    "update_channel": lambda s: s.update_channel(1, {"screen_id": "renamed", "experiments": [2]}),
    "delete_channel": lambda s: s.delete_channel(1),
    "create_experiment": lambda s: s.create_experiment({"name": "e3", "model_filter_id": 2}, "u"),
    "update_experiment": lambda s: s.update_experiment(1, {"name": "e1b", "model_filter_id": 2}),
    "delete_experiment": lambda s: s.delete_experiment(1),
    "create_bucket": lambda s: s.create_bucket(1, {"name": "d", "prediction_type": "static", "static_value": {"items": [1]}}),
    "update_bucket": lambda s: s.update_bucket(1, 2, {"name": "b2", "prediction_type": "empty"}),
    "delete_bucket": lambda s: s.delete_bucket(1, 2),
    "set_bucket_ratio": lambda s: s.set_bucket_ratio(1, {"bucket_ratio": {"1": 50, "2": 0, "3": 50}}),
    "migrate_buckets": lambda s: s.migrate_buckets({"model_id": 1, "migration_request": {"prediction_type": "batch",
                                                                                          "batch_model_id": 2}}),
    "create_filter": lambda s: s.create_filter({"name": "f3", "body": {"conditions": [{"key": "k", "operator": "<", "value": 3}]}}),
    "update_filter": lambda s: s.update_filter(1, {"name": "used2", "body": {"conditions": []}}),
    "delete_filter": lambda s: s.delete_filter(2),
    "load": lambda s: s.load({"models": [{"name": "n", "version": "v1", "model_type": "automl"}],
                              "experiments": [{"id": 9, "name": "e9"}],
                              "buckets": [{"experiment": 9, "name": "x", "prediction_type": "empty", "bucket_range": "0-99"}],
                              "channels": [{"screen_id": "seeded", "experiments": [9, 1]}],
                              "sequences": {"channels": 400, "filters": 12}}),
    "reset": lambda s: s.reset(),
    "reset_and_load": _replace_state,
}


def _points_of_failure(write, counter) -> int:
    """How many chances `write` gives to fail: it is run once on a fresh store, counted."""
    clock = ArmedClock()
    store = busy_store(clock)
    start = counter(clock)
    write(store)
    return counter(clock) - start


def _fail_everywhere(write, counter, arm, disarm):
    points = _points_of_failure(write, counter)
    for point in range(1, points + 1):
        clock = ArmedClock()
        store = busy_store(clock)
        before, dump_before = internals(store), store.dump()
        seen = []
        store.subscribe(lambda s: seen.append(1))
        arm(clock, counter(clock) + point)
        with pytest.raises(Injected):
            write(store)
        disarm(clock)
        assert internals(store) == before, f"failure at point {point} of {points} left a change"
        assert store.dump() == dump_before and seen == []
        write(store)  # the store is fit to take the same write again
        assert seen == [1]
    return points


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_write_failing_at_any_primitive_changes_nothing(write, monkeypatch):
    primitives = ArmedPrimitives(monkeypatch)

    def arm(clock, at):
        primitives.fail_at = at

    def disarm(clock):
        primitives.fail_at = None

    points = _fail_everywhere(write, lambda clock: primitives.calls, arm, disarm)
    assert points >= 1


TIMESTAMPED = {name: write for name, write in WRITES.items() if name not in ("delete_channel", "delete_filter", "reset")}


@pytest.mark.parametrize("write", TIMESTAMPED.values(), ids=TIMESTAMPED.keys())
def test_a_write_failing_at_any_clock_reading_changes_nothing(write):
    def arm(clock, at):
        clock.fail_at = at

    def disarm(clock):
        clock.fail_at = None

    points = _fail_everywhere(write, lambda clock: clock.readings, arm, disarm)
    assert points >= 1


def test_a_write_logs_only_the_rows_it_changes(monkeypatch):
    """The undo log costs O(changed rows): the same write on a store 100 times larger runs
    the same write primitives (no snapshot, no scan that writes)."""
    primitives = ArmedPrimitives(monkeypatch)
    counts = []
    for extra in (0, 300):
        store = busy_store(ArmedClock())
        for n in range(extra):
            store.create_channel({"screen_id": f"c{n}", "experiments": [2]}, "u")
        for write in ("update_channel", "set_bucket_ratio", "load", "delete_channel", "delete_experiment"):
            start = primitives.calls
            WRITES[write](store)
            counts.append((extra, write, primitives.calls - start))
    small, large = counts[:len(counts) // 2], counts[len(counts) // 2:]
    assert [c[1:] for c in small] == [c[1:] for c in large]


def test_a_failure_inside_a_nested_write_undoes_only_that_write_when_caught():
    store = Store()
    with store.transaction():
        store.create_experiment({"name": "kept"}, "u")
        with pytest.raises(Injected):
            with store.transaction():
                store.create_experiment({"name": "undone"}, "u")
                raise Injected("inner")
    assert [e["name"] for e in store.list_experiments()] == ["kept"]


def test_a_transaction_is_one_change_for_listeners_or_none():
    store = Store()
    seen = []
    store.subscribe(lambda s: seen.append(s.counts()["experiments"]))

    with pytest.raises(Injected):
        with store.transaction():
            store.create_experiment({"name": "a"}, "u")
            store.create_experiment({"name": "b"}, "u")
            raise Injected("after two writes")
    with store.transaction():
        store.create_experiment({"name": "a"}, "u")
        store.create_experiment({"name": "b"}, "u")

    assert seen == [2] and store.counts()["experiments"] == 2
    assert store.create_experiment({"name": "c"}, "u")["id"] == 3  # the failed ids were handed back


def test_seeded_ranges_may_be_given_one_bucket_at_a_time_inside_a_transaction():
    """The ranges invariant is checked when the transaction commits, not per bucket."""
    store = Store()
    store.create_experiment({"name": "e"}, "u")
    with store.transaction():
        store.create_bucket(1, {"name": "a", "prediction_type": "empty"}, bucket_range="0-39")
        store.create_bucket(1, {"name": "b", "prediction_type": "empty"}, bucket_range="40-99")
    assert [b["bucket_range"] for b in store.list_buckets(1)] == ["0-39", "40-99"]

    with pytest.raises(FieldError) as caught:
        store.create_bucket(1, {"name": "c", "prediction_type": "empty"}, bucket_range="10-19")
    assert caught.value.field == "bucket_range" and "experiment 1" in caught.value.message
    assert [b["name"] for b in store.list_buckets(1)] == ["a", "b"]


def test_a_sequence_at_the_largest_id_refuses_creates_naming_the_kind():
    store = Store()
    store.load({"sequences": {"experiments": assumptions.MAX_ID - 1}})
    assert store.create_experiment({"name": "last"}, "u")["id"] == assumptions.MAX_ID

    with pytest.raises(Exception) as caught:
        store.create_experiment({"name": "one too many"}, "u")

    assert caught.value.status == 409 and "experiment ids" in caught.value.message
    assert [e["name"] for e in store.list_experiments()] == ["last"]
