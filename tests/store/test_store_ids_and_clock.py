"""Store: ID sequences and timestamps, with an injected clock (no freezegun needed)."""
import datetime

import pytest

from mls_mock import Store

from support import counts_of

UTC = datetime.timezone.utc
KST = datetime.timezone(datetime.timedelta(hours=9))


class StepClock:
    """Starts at `start`, and moves only when told to."""

    def __init__(self, start=datetime.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)):
        self.current = start

    def now(self):
        return self.current

    def advance(self, **delta):
        self.current += datetime.timedelta(**delta)


def _experiment(store, name, **fields):
    return store.create_experiment({"name": name, **fields}, "tester")


MAKERS = {
    "filters": lambda s, n: s.create_filter({"name": n, "body": {"conditions": []}}),
    "models": lambda s, n: s.create_model({"name": n, "version": "v1", "model_type": "manual"}),
    "experiments": lambda s, n: _experiment(s, n),
    "channels": lambda s, n: s.create_channel({"screen_id": n, "experiments": [_experiment(s, "channel_" + n)["id"]]}, "tester"),
    "buckets": lambda s, n: s.create_bucket(_experiment(s, "bucket_" + n)["id"], {"name": n, "prediction_type": "empty"}),
}
DELETERS = {
    "filters": lambda s, r: s.delete_filter(r["id"]),
    "experiments": lambda s, r: s.delete_experiment(r["id"]),
    "channels": lambda s, r: s.delete_channel(r["id"]),
    "buckets": lambda s, r: s.delete_bucket(r["experiment"], r["id"]),
}


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_ids_start_at_one_and_count_up(kind):
    store = Store()

    assert [MAKERS[kind](store, f"n{i}")["id"] for i in range(3)] == [1, 2, 3]


@pytest.mark.parametrize("kind", sorted(DELETERS))
def test_ids_are_never_reused_after_a_delete(kind):
    store = Store()
    MAKERS[kind](store, "a")
    last = MAKERS[kind](store, "b")
    DELETERS[kind](store, last)

    assert MAKERS[kind](store, "c")["id"] == last["id"] + 1


def test_ids_restart_on_reset():
    store = Store()
    for kind in MAKERS:
        MAKERS[kind](store, "x")

    store.reset()

    assert store.counts() == counts_of()
    assert {kind: MAKERS[kind](store, "y")["id"] for kind in ("filters", "models", "experiments")} == {
        "filters": 1, "models": 1, "experiments": 1}


def test_seeded_ids_move_the_sequence_past_them():
    store = Store()
    store.load({"experiments": [{"id": 7, "name": "seven"}, {"id": 3, "name": "three"}]})

    assert _experiment(store, "next")["id"] == 8
    assert [e["id"] for e in store.list_experiments()] == [3, 7, 8]  # kept in id order


def test_a_seed_never_moves_a_sequence_back():
    store = Store()
    for name in "abcde":
        _experiment(store, name)
    store.delete_experiment(5)
    store.load({"experiments": [{"id": 5, "name": "five again"}], "sequences": {"experiments": 2}})

    assert _experiment(store, "next")["id"] == 6


def test_seeded_sequences_reserve_ids():
    store = Store()
    store.load({"sequences": {"filters": 40}})

    assert MAKERS["filters"](store, "f")["id"] == 41


def test_a_seeded_id_already_taken_is_refused():
    store = Store()
    _experiment(store, "one")

    with pytest.raises(Exception) as caught:
        store.load({"experiments": [{"id": 1, "name": "other"}]})

    assert "experiment id 1 already exists" in str(caught.value)


def test_timestamps_follow_the_injected_clock_in_utc_by_default():
    clock = StepClock()
    store = Store(clock=clock)

    made = _experiment(store, "e")

    assert made["created_at"] == made["updated_at"] == "2026-01-02T03:04:05.678901+00:00"
    assert datetime.datetime.fromisoformat(made["created_at"]) == clock.current


def test_timestamps_render_in_the_configured_zone():
    clock = StepClock()
    store = Store(clock=clock, timezone=KST)

    made = _experiment(store, "e")

    assert made["created_at"] == "2026-01-02T12:04:05.678901+09:00"
    assert datetime.datetime.fromisoformat(made["created_at"]) == clock.current


def test_whole_seconds_still_carry_microseconds():
    """One format for every stamp, so string comparisons order them correctly."""
    store = Store(clock=StepClock(datetime.datetime(2026, 1, 1, tzinfo=UTC)))

    assert _experiment(store, "e")["created_at"] == "2026-01-01T00:00:00.000000+00:00"


UPDATES = {
    "channel": lambda s, ids: s.update_channel(ids["channel"], {"screen_id": "c2", "experiments": [ids["experiment"]]}),
    "experiment": lambda s, ids: s.update_experiment(ids["experiment"], {"name": "e2"}),
    "filter": lambda s, ids: s.update_filter(ids["filter"], {"name": "f2", "body": {"conditions": []}}),
    "bucket": lambda s, ids: s.update_bucket(ids["experiment"], ids["bucket"], {"name": "b2", "prediction_type": "empty"}),
}


@pytest.mark.parametrize("kind", sorted(UPDATES))
def test_updated_at_moves_on_update_and_created_at_stays(kind):
    clock = StepClock()
    store = Store(clock=clock)
    ids = {
        "filter": store.create_filter({"name": "f", "body": {"conditions": []}})["id"],
        "experiment": _experiment(store, "e")["id"],
    }
    ids["channel"] = store.create_channel({"screen_id": "c", "experiments": [ids["experiment"]]}, "tester")["id"]
    ids["bucket"] = store.create_bucket(ids["experiment"], {"name": "b", "prediction_type": "empty"})["id"]
    created = clock.current
    clock.advance(minutes=5)

    updated = UPDATES[kind](store, ids)

    assert datetime.datetime.fromisoformat(updated["created_at"]) == created
    assert datetime.datetime.fromisoformat(updated["updated_at"]) == created + datetime.timedelta(minutes=5)


def test_a_failed_update_does_not_touch_updated_at():
    clock = StepClock()
    store = Store(clock=clock)
    made = _experiment(store, "e")
    _experiment(store, "taken")
    clock.advance(hours=1)

    with pytest.raises(Exception):
        store.update_experiment(made["id"], {"name": "taken"})

    assert store.get_experiment(made["id"]) == made


def test_default_clock_follows_freezegun():
    from freezegun import freeze_time

    with freeze_time("2030-05-06 07:08:09"):
        made = _experiment(Store(), "e")

    assert made["created_at"] == "2030-05-06T07:08:09.000000+00:00"


def test_user_is_kept_as_given():
    store = Store()

    assert _experiment(store, "e")["user"] == "tester"
    assert store.create_channel({"screen_id": "c", "experiments": [1]}, "alice")["user"] == "alice"


def test_concurrent_creates_get_distinct_consecutive_ids():
    """The served fake answers on several threads: the lock must keep the sequence whole."""
    import threading

    store = Store()
    ids, lock = [], threading.Lock()

    def create(worker):
        for index in range(50):
            made = store.create_filter({"name": f"w{worker}-{index}", "body": {"conditions": []}})
            with lock:
                ids.append(made["id"])

    threads = [threading.Thread(target=create, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(ids) == list(range(1, 401))
    assert [f["id"] for f in store.list_filters()] == list(range(1, 401))
