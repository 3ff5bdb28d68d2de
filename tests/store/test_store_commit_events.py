"""Store: the commit event. One per successful outermost transaction, with every record it
changed in the dump format, so a listener can keep a copy of the state (persistence does)
from the events alone; a listener that raises undoes the whole transaction."""
import datetime

import pytest

from mls_mock import Conflict, Store
from mls_mock.store import SEED_KINDS

from test_store_transactions import WRITES, ArmedClock, Injected, busy_store


class Mirror:
    """A copy of the store's dump kept up to date from commit events only."""

    def __init__(self, store: Store):
        document = store.dump()
        self.records = {kind: {r["id"]: r for r in document[kind]} for kind in SEED_KINDS}
        self.sequences = document["sequences"]
        self.events = []
        store.subscribe(self.apply)

    def apply(self, commit):
        self.events.append(commit)
        if commit.replaced:
            self.records = {kind: {} for kind in SEED_KINDS}
        for kind, records in commit.changes.items():
            for record_id, record in records.items():
                if record is None:
                    self.records[kind].pop(record_id, None)
                else:
                    self.records[kind][record_id] = record
        self.sequences = dict(commit.sequences)

    def document(self) -> dict:
        return {**{kind: [self.records[kind][i] for i in sorted(self.records[kind])] for kind in SEED_KINDS},
                "sequences": self.sequences}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_the_events_alone_rebuild_the_state_after_any_write(write):
    store = busy_store(ArmedClock())
    mirror = Mirror(store)

    write(store)

    assert len(mirror.events) == 1
    assert mirror.document() == store.dump()


def test_changes_hold_side_effects_and_deletions():
    store = busy_store(ArmedClock())
    mirror = Mirror(store)

    store.delete_experiment(1)

    changes = mirror.events[0].changes
    assert changes["experiments"] == {1: None}
    assert changes["buckets"] == {1: None, 2: None, 3: None}
    assert set(changes["channels"]) == {1, 2}  # both lost experiment 1
    assert changes["channels"][1]["experiments"] == [2] and changes["channels"][2]["experiments"] == []
    assert "filters" not in changes and "models" not in changes
    assert mirror.events[0].replaced is False
    assert mirror.events[0].sequences == store.dump()["sequences"]


def test_a_transaction_is_one_event_and_a_reset_says_replaced():
    store = busy_store(ArmedClock())
    mirror = Mirror(store)

    with store.transaction():
        store.reset()
        store.create_experiment({"name": "only"}, "u")
        with store.transaction():
            store.create_experiment({"name": "second"}, "u")

    assert len(mirror.events) == 1 and mirror.events[0].replaced is True
    assert mirror.events[0].changes == {"experiments": {1: store.dump()["experiments"][0], 2: store.dump()["experiments"][1]}}
    assert mirror.document() == store.dump()


def test_a_reset_undone_by_a_caught_inner_failure_is_not_a_replace():
    store = busy_store(ArmedClock())
    mirror = Mirror(store)

    with store.transaction():
        with pytest.raises(Injected):
            with store.transaction():
                store.reset()
                raise Injected("inner")
        store.create_experiment({"name": "e3"}, "u")

    assert mirror.events[0].replaced is False
    assert mirror.document() == store.dump() and store.counts()["channels"] == 2


def test_a_listener_that_raises_undoes_the_transaction_and_the_error_propagates():
    store = busy_store(ArmedClock())
    before = store.dump()
    heard = []

    def failing(commit):
        heard.append(dict(commit.changes))
        raise Injected("save failed")

    store.subscribe(failing)
    with pytest.raises(Injected):
        store.create_experiment({"name": "e3"}, "u")
    with pytest.raises(Injected):
        with store.transaction():
            store.delete_experiment(1)
            store.reset()

    assert store.dump() == before
    assert heard[0]["experiments"][3]["name"] == "e3"
    assert store.counts()["experiments"] == 2


def test_a_failed_write_and_a_read_tell_nobody():
    store = busy_store(ArmedClock())
    mirror = Mirror(store)

    with pytest.raises(Conflict):
        store.create_experiment({"name": "e1"}, "u")  # taken
    store.list_channels()
    store.dump()

    assert mirror.events == []


def test_seeded_timestamps_and_ids_come_as_dumped():
    store = Store()
    mirror = Mirror(store)
    stamp = datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc).isoformat()

    store.load({"filters": [{"id": 40, "name": "f", "body": {"conditions": []}, "created_at": stamp}],
                "sequences": {"channels": 9}})

    event = mirror.events[0]
    assert event.changes == {"filters": {40: store.dump()["filters"][0]}}
    assert event.changes["filters"][40]["created_at"] == stamp
    assert event.sequences == {**dict.fromkeys(SEED_KINDS, 0), "filters": 40, "channels": 9}
