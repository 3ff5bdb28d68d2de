"""Random sequences of channel, experiment, bucket and filter operations, sent through the
real sktmls clients to an MLSMock, and of generic writes to every other resource with a flat
create/update/delete in the store (bodies drawn from its `body_schema`, some broken at one
field), checked step by step against a plain model of what the server should hold: IDs unique and increasing, relations the same seen from both ends,
timestamps in order, bucket ranges as the model lays them out (covering 0-99 exactly once
or all unset), every accepted generic write read back as answered, a broken body refused
with 400, and a refused request, or a write failed by an exception injected into the
store (a write primitive or the clock raising mid-write), changing nothing at all: in
memory, and in the variant with a state file, on disk."""
import contextlib
import datetime
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings, strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, multiple, rule
from dateutil import parser as dates

from mls_mock import Conflict, FieldError, MLSMock, NotFound, Store, assumptions
from mls_mock.persistence import StateFile, read_document
from mls_mock.store.transaction import Transaction

from breaking_support import BREAKING, USER, sized, sktmls_clients, tally
from declared_bodies import breakages, flat_plurals, valid_bodies

NAMES = st.sampled_from(["alpha", "beta", "gamma", "채널"])
KINDS = ("channel", "experiment", "bucket", "filter")
# The kinds the model above follows; the generic rules write every other flat resource.
MODELLED = ("channels", "experiments", "buckets", "filters")
REFUSALS = (FieldError, NotFound, Conflict)
UNSET = assumptions.BUCKET_RANGE_UNSET
# A third of the writes get an injected fault: the k-th write primitive or clock reading of
# the request raises (k past the request's last one: the write succeeds as usual).
FAULTS = st.integers(0, 17).map(lambda n: (("primitive", "clock")[n % 2], n // 2 + 1) if n < 6 else None)


class Injected(Exception):
    """The unexpected error injected into the store."""


class ArmedClock:
    """The store's clock; while armed, its `fail_at`-th reading raises."""

    def __init__(self):
        self.readings, self.fail_at = 0, None

    def now(self):
        self.readings += 1
        if self.readings == self.fail_at:
            raise Injected(f"clock reading {self.readings}")
        return datetime.datetime.now(datetime.timezone.utc)


@contextlib.contextmanager
def failing_primitive(at: int):
    """The `at`-th write primitive run inside raises before it writes."""
    originals = {name: getattr(Transaction, name) for name in Transaction.WRITES}
    count = [0]

    def armed(primitive):
        def wrapper(*args, **kwargs):
            count[0] += 1
            if count[0] == at:
                raise Injected(f"{primitive.__name__}, write {at}")
            return primitive(*args, **kwargs)
        return wrapper

    for name, primitive in originals.items():
        setattr(Transaction, name, armed(primitive))
    try:
        yield
    finally:
        for name, primitive in originals.items():
            setattr(Transaction, name, primitive)


def ranges_keep_the_invariant(ranges) -> bool:
    """Cover the slots exactly once, or all unset."""
    slots = []
    for text in ranges:
        if text != UNSET:
            start, end = map(int, text.split("-"))
            slots.extend(range(start, end + 1))
    return not slots or sorted(slots) == list(range(assumptions.BUCKET_SLOTS))


class GenericWrites:
    """Rules over every resource with a flat create/update/delete in the store, found in the
    registry: bodies drawn from its `body_schema` (some broken at one field), writes through
    `Store.create/update/delete` with the same injected faults. An accepted write reads back
    as answered; a refusal (FieldError, NotFound, Conflict) or an injected fault changes
    nothing. The machine supplies `clock` and `snapshot()`."""

    records = Bundle("records")  # (plural, id) made by the generic rules

    def generic_setup(self, store, leave_out=()):
        self.store = store
        self.flat = flat_plurals(store, leave_out)  # read from the registry: no list here
        self.last_ids = {}  # plural -> last id a generic create got

    @contextlib.contextmanager
    def armed(self, fault):
        kind, at = fault
        if kind == "clock":
            self.clock.fail_at = self.clock.readings + at
            try:
                yield
            finally:
                self.clock.fail_at = None
        else:
            with failing_primitive(at):
                yield

    def write(self, call, fault):
        """(result, None), or (None, the refusal or injected exception) with nothing changed."""
        tally("generic writes to the store")
        before = self.snapshot()
        try:
            if fault is None:
                return call(), None
            with self.armed(fault):
                return call(), None
        except (*REFUSALS, Injected) as refused:
            tally(f"generic writes refused ({type(refused).__name__}), checked to change nothing")
            assert self.snapshot() == before
            return None, refused

    def draw_body(self, data, plural, broken):
        """A body `plural`'s schema calls valid, or (when `broken`, if it can be) one it refuses."""
        schema = self.store.resources[plural].body_schema
        body = data.draw(valid_bodies(schema), label=f"{plural} body")
        broken_ones = breakages(schema, body) if broken else []
        if not broken_ones:
            return body, False
        how, field, body = data.draw(st.sampled_from(broken_ones), label="broken")
        return body, True

    def exists(self, plural, record_id):
        return record_id in self.store.resources[plural].table.rows

    @rule(target=records, data=st.data(), broken=st.booleans(), fault=FAULTS)
    def create_any(self, data, broken, fault):
        if not self.flat:
            return multiple()
        plural = data.draw(st.sampled_from(self.flat), label="plural")
        body, broken = self.draw_body(data, plural, broken)
        made, refused = self.write(lambda: self.store.create(plural, body, USER), fault)
        if broken:
            assert made is None and isinstance(refused, (FieldError, Injected)), (plural, body, made, refused)
        if made is None:
            return multiple()
        assert made["id"] > self.last_ids.get(plural, 0), (plural, made["id"], self.last_ids)
        self.last_ids[plural] = made["id"]
        assert self.store.get(plural, made["id"]) == made
        tally(f"generic creates accepted: {plural}")
        return plural, made["id"]

    @rule(found=records, data=st.data(), broken=st.booleans(), fault=FAULTS)
    def update_any(self, found, data, broken, fault):
        plural, record_id = found
        body, broken = self.draw_body(data, plural, broken)
        existed = self.exists(plural, record_id)
        tally(f"generic updates tried: {plural}")
        updated, refused = self.write(lambda: self.store.update(plural, record_id, body), fault)
        if not existed:
            assert isinstance(refused, (NotFound, Injected)), (plural, record_id, updated, refused)
        elif broken:
            assert isinstance(refused, (FieldError, Injected)), (plural, body, updated, refused)
        if updated is not None:
            assert updated["id"] == record_id and self.store.get(plural, record_id) == updated
            tally(f"generic updates accepted: {plural}")

    @rule(found=records, fault=FAULTS)
    def delete_any(self, found, fault):
        plural, record_id = found
        existed = self.exists(plural, record_id)
        tally(f"generic deletes tried: {plural}")
        done, refused = self.write(lambda: self.store.delete(plural, record_id) or True, fault)
        if not existed:
            assert isinstance(refused, (NotFound, Injected)), (plural, record_id, done, refused)
        if done:
            assert not self.exists(plural, record_id)
            with pytest.raises(NotFound):
                self.store.get(plural, record_id)


class FakeAgainstModel(GenericWrites, RuleBasedStateMachine):
    filters = Bundle("filters")
    experiments = Bundle("experiments")
    channels = Bundle("channels")
    buckets = Bundle("buckets")

    def __init__(self):
        super().__init__()
        self.clock = ArmedClock()
        self.mls = MLSMock(store=Store(clock=self.clock)).start()
        self.cc, self.ec, self.fc = sktmls_clients()
        from sktmls import MLSClientError

        self.client_error = MLSClientError
        self.model_filters = {}      # id -> name
        self.model_experiments = {}  # id -> {"name", "filter"}
        self.model_channels = {}     # id -> {"name", "experiments"}
        self.model_buckets = {}      # id -> {"experiment", "name", "range"}
        self.bucket_objects = {}     # id -> the Bucket the client returned, for ratios
        self.issued = dict.fromkeys(KINDS, 0)
        self.stamps = {}             # (kind, id) -> (created_at, updated_at) last seen
        self.generic_setup(self.mls.store, leave_out=MODELLED)

    def teardown(self):
        self.mls.stop()

    # ---- helpers ----------------------------------------------------------------------------

    def snapshot(self):
        """What a refused or failed request must leave as it was."""
        return self.mls.store.dump()

    def attempt(self, call, refused_with=None, fault=None):
        """Run `call`; when the model says it must be refused, check the status and that the
        store is exactly as before. With a `fault`, the request either fails with the
        injected exception, having changed nothing, or (the fault armed past its last write)
        succeeds."""
        tally("state-machine operations through the real client")
        if refused_with is None and fault is None:
            return call()
        before = self.snapshot()
        if refused_with is not None:
            with pytest.raises(self.client_error) as caught:
                call()
            assert caught.value.code == refused_with, caught.value.msg
            tally("refused operations checked to change nothing")
        else:
            with self.armed(fault):
                try:
                    return call()
                except Injected:
                    tally("writes failed by an injected fault, checked to change nothing")
        assert self.snapshot() == before
        return None

    def new_id(self, kind, record_id):
        assert record_id > self.issued[kind], f"{kind} id {record_id} after {self.issued[kind]}"
        self.issued[kind] = record_id
        return record_id

    def taken(self, names, name, own_id=None):
        return any(n == name and i != own_id for i, n in names.items())

    # ---- filters ----------------------------------------------------------------------------

    @rule(target=filters, name=NAMES, value=st.integers(0, 99), fault=FAULTS)
    def create_filter(self, name, value, fault):
        refused = 409 if self.taken(self.model_filters, name) else None
        made = self.attempt(lambda: self.fc.create_filter(name=name, conditions=[{"key": "age", "operator": ">=", "value": value}]),
                            refused, fault)
        if made is None:
            return multiple()
        self.model_filters[self.new_id("filter", made.id)] = name
        return made

    @rule(found=filters, fault=FAULTS)
    def delete_filter(self, found, fault):
        if found.id not in self.model_filters:
            refused = 404
        elif any(e["filter"] == found.id for e in self.model_experiments.values()):
            refused = 409
        else:
            refused = None
        if self.attempt(lambda: self.fc.delete_filter(found), refused, fault) is not None:
            del self.model_filters[found.id]

    # ---- experiments ------------------------------------------------------------------------

    @rule(target=experiments, name=NAMES, with_filter=st.one_of(st.none(), filters), fault=FAULTS)
    def create_experiment(self, name, with_filter, fault):
        if with_filter is not None and with_filter.id not in self.model_filters:
            refused = 400
        elif self.taken({i: e["name"] for i, e in self.model_experiments.items()}, name):
            refused = 409
        else:
            refused = None
        made = self.attempt(lambda: self.ec.create_experiment(name=name, model_filter=with_filter), refused, fault)
        if made is None:
            return multiple()
        filter_id = with_filter.id if with_filter is not None else None
        assert (made.name, made.model_filter.id if made.model_filter else None, made.channels) == (name, filter_id, [])
        self.model_experiments[self.new_id("experiment", made.id)] = {"name": name, "filter": filter_id}
        return made

    @rule(found=experiments, name=st.one_of(st.none(), NAMES), with_filter=st.one_of(st.none(), filters), fault=FAULTS)
    def update_experiment(self, found, name, with_filter, fault):
        sent_name = name or found.name
        sent_filter = with_filter.id if with_filter is not None else (found.model_filter.id if found.model_filter else None)
        if found.id not in self.model_experiments:
            refused = 404
        elif sent_filter is not None and sent_filter not in self.model_filters:
            refused = 400
        elif self.taken({i: e["name"] for i, e in self.model_experiments.items()}, sent_name, found.id):
            refused = 409
        else:
            refused = None
        updated = self.attempt(lambda: self.ec.update_experiment(found, name=name, model_filter=with_filter), refused, fault)
        if updated is not None:
            self.model_experiments[found.id] = {"name": sent_name, "filter": sent_filter}
            found.__dict__.update(updated.__dict__)  # as a caller would: experiment = update_experiment(...)

    @rule(found=experiments, fault=FAULTS)
    def delete_experiment(self, found, fault):
        refused = None if found.id in self.model_experiments else 404
        if self.attempt(lambda: self.ec.delete_experiment(found), refused, fault) is not None:
            del self.model_experiments[found.id]
            for channel in self.model_channels.values():
                if found.id in channel["experiments"]:
                    channel["experiments"].remove(found.id)
            for bucket_id in [b for b, row in self.model_buckets.items() if row["experiment"] == found.id]:
                del self.model_buckets[bucket_id]

    # ---- channels ---------------------------------------------------------------------------

    def channel_refusal(self, name, experiment_ids, own_id=None):
        if len(set(experiment_ids)) != len(experiment_ids):
            return 400
        if any(i not in self.model_experiments for i in experiment_ids):
            return 400
        if self.taken({i: c["name"] for i, c in self.model_channels.items()}, name, own_id):
            return 409
        return None

    @rule(target=channels, name=NAMES, linked=st.lists(experiments, min_size=1, max_size=3), fault=FAULTS)
    def create_channel(self, name, linked, fault):
        ids = [e.id for e in linked]
        made = self.attempt(lambda: self.cc.create_channel(name=name, experiments=linked), self.channel_refusal(name, ids),
                            fault)
        if made is None:
            return multiple()
        assert (made.screen_id, made.experiments, made.user) == (name, ids, self.cc.get_username())
        self.model_channels[self.new_id("channel", made.id)] = {"name": name, "experiments": ids}
        return made

    @rule(found=channels, name=st.one_of(st.none(), NAMES), linked=st.lists(experiments, min_size=1, max_size=3),
          fault=FAULTS)
    def update_channel(self, found, name, linked, fault):
        sent_name, ids = name or found.screen_id, [e.id for e in linked]
        refused = 404 if found.id not in self.model_channels else self.channel_refusal(sent_name, ids, found.id)
        updated = self.attempt(lambda: self.cc.update_channel(found, name=name, experiments=linked), refused, fault)
        if updated is not None:
            assert (updated.screen_id, updated.experiments) == (sent_name, ids)
            self.model_channels[found.id] = {"name": sent_name, "experiments": ids}

    @rule(found=channels, fault=FAULTS)
    def delete_channel(self, found, fault):
        refused = None if found.id in self.model_channels else 404
        if self.attempt(lambda: self.cc.delete_channel(found), refused, fault) is not None:
            del self.model_channels[found.id]

    # ---- buckets ----------------------------------------------------------------------------

    @rule(target=buckets, owner=experiments, name=NAMES, fault=FAULTS)
    def create_bucket(self, owner, name, fault):
        if owner.id not in self.model_experiments:
            refused = 404
        elif any(b["experiment"] == owner.id and b["name"] == name for b in self.model_buckets.values()):
            refused = 409
        else:
            refused = None
        made = self.attempt(lambda: self.ec.create_bucket(owner, name=name, prediction_type="static",
                                                          static_value={"items": [{"id": name}]}), refused, fault)
        if made is None:
            return multiple()
        assert (made.name, made.prediction.request) == (name, {"type": "static", "items": [{"id": name}]})
        self.unset_ranges(owner.id)
        self.model_buckets[self.new_id("bucket", made.id)] = {"experiment": owner.id, "name": name, "range": UNSET}
        self.bucket_objects[made.id] = made
        return made

    @rule(found=buckets, fault=FAULTS)
    def delete_bucket(self, found, fault):
        refused = None if found.id in self.model_buckets else 404
        if self.attempt(lambda: self.ec.delete_bucket(found), refused, fault) is not None:
            self.unset_ranges(self.model_buckets.pop(found.id)["experiment"])

    def unset_ranges(self, experiment_id):
        """The set of buckets changed: every range of the experiment is unset."""
        for bucket in self.model_buckets.values():
            if bucket["experiment"] == experiment_id:
                bucket["range"] = UNSET

    @rule(owner=experiments, shares=st.lists(st.integers(0, 100), min_size=1, max_size=4), exact=st.booleans(),
          mangle=st.sampled_from([None, None, "drop_one", "add_foreign"]), fault=FAULTS)
    def set_bucket_ratio(self, owner, shares, exact, mangle, fault):
        """Shares for the experiment's buckets (one left out, or one of another experiment
        added, when mangled), adding up to 100 when `exact` unless the others pass it."""
        mine = sorted(i for i, b in self.model_buckets.items() if b["experiment"] == owner.id)
        named = list(mine)
        if mangle == "drop_one" and named:
            named.pop()
        elif mangle == "add_foreign":
            named += [i for i, b in self.model_buckets.items() if b["experiment"] != owner.id][:1]
        ratio = {self.bucket_objects[i]: shares[n % len(shares)] for n, i in enumerate(named)}
        if exact and named:
            ratio[self.bucket_objects[named[-1]]] = 100 - sum(list(ratio.values())[:-1])
        if owner.id not in self.model_experiments:
            refused = 404
        elif named != mine or not all(0 <= v <= 100 for v in ratio.values()) or sum(ratio.values()) != 100:
            refused = 400
        else:
            refused = None
        laid_out = self.attempt(lambda: self.ec.update_bucket_ratio(owner, ratio), refused, fault)
        if laid_out is not None:
            tally("bucket ratios laid out")
            start, by_id = 0, {b.id: share for b, share in ratio.items()}
            for bucket_id in mine:
                self.model_buckets[bucket_id]["range"] = assumptions.bucket_range(start, by_id[bucket_id])
                start += by_id[bucket_id]
            assert [(b.id, b.bucket_range) for b in laid_out] == [(i, self.model_buckets[i]["range"]) for i in mine]

    # ---- what must hold after every step ----------------------------------------------------

    def check_stamps(self, kind, record_id, created_at, updated_at):
        created, updated = dates.parse(created_at), dates.parse(updated_at)
        assert created.utcoffset() is not None and created <= updated
        previous = self.stamps.get((kind, record_id))
        if previous is not None:
            assert created == previous[0] and updated >= previous[1]
        self.stamps[kind, record_id] = (created, updated)

    @invariant()
    def server_matches_model(self):
        # Read through the real client where it gives raw fields, the store for timestamps.
        # A listed channel is a summary: its experiments come with get_channel.
        channels = {c.id: {"name": c.screen_id, "experiments": self.cc.get_channel(id=c.id).experiments}
                    for c in self.cc.list_channels()}
        assert channels == self.model_channels
        experiments = self.ec.list_experiments()
        assert {e.id: {"name": e.name, "filter": e.model_filter.id if e.model_filter else None}
                for e in experiments} == self.model_experiments
        for experiment in experiments:  # the reverse relation, as the server renders it
            expected = sorted(c for c, row in self.model_channels.items() if experiment.id in row["experiments"])
            assert sorted(c.id for c in experiment.channels) == expected
            listed = self.ec.list_buckets(experiment)
            buckets = {b.id: {"experiment": experiment.id, "name": b.name, "range": b.bucket_range} for b in listed}
            assert buckets == {i: b for i, b in self.model_buckets.items() if b["experiment"] == experiment.id}
            assert ranges_keep_the_invariant(b.bucket_range for b in listed)
        assert {f.id: f.name for f in self.fc.list_filters()} == self.model_filters
        dump = self.mls.store.dump()
        for plural in self.store.resources:
            for record in dump[plural]:
                if "created_at" in record:
                    self.check_stamps(plural, record["id"], record["created_at"], record["updated_at"])
        tally("state-machine invariant checks")


# By default 24 and 6 runs (the same ones every time): 12 and 4 lay out a bucket ratio once,
# these 16 times. The thorough profile runs 120 and 25.
FakeAgainstModel.TestCase.settings = settings(BREAKING, max_examples=sized(24, 120), stateful_step_count=30)
test_fake_against_model = FakeAgainstModel.TestCase


class FakeWithStateFile(FakeAgainstModel):
    """The same, every change saved to a state file (as `mls-mock serve --state` does): the
    file holds what memory holds after every step, and is untouched by a refused or failed
    request."""

    def __init__(self):
        super().__init__()
        self.directory = Path(tempfile.mkdtemp(prefix="mls-state-machine-"))
        self.state_file = StateFile(self.directory / "state.db")
        self.state_file.attach(self.mls.store)

    def teardown(self):
        self.state_file.close()
        shutil.rmtree(self.directory, ignore_errors=True)
        super().teardown()

    def snapshot(self):
        return super().snapshot(), read_document(self.state_file.path)

    @invariant()
    def file_matches_memory(self):
        on_disk = read_document(self.state_file.path)
        assert on_disk.pop("format") and on_disk == self.mls.store.dump()
        tally("state-file invariant checks")


FakeWithStateFile.TestCase.settings = settings(BREAKING, max_examples=sized(6, 25), stateful_step_count=30)
test_fake_with_state_file_against_model = FakeWithStateFile.TestCase



class GenericOnly(GenericWrites, RuleBasedStateMachine):
    """The generic rules alone, on a store with no server and no model around it: every flat
    resource (today's modelled kinds too) gets many more writes than the mixed machine gives."""

    def __init__(self):
        super().__init__()
        self.clock = ArmedClock()
        self.generic_setup(Store(clock=self.clock))

    def snapshot(self):
        return self.store.dump()

    @invariant()
    def stamps_in_order(self):
        for plural in self.store.resources:
            for record in self.store.dump()[plural]:
                if "created_at" in record:
                    assert dates.parse(record["created_at"]) <= dates.parse(record["updated_at"]), (plural, record)


GenericOnly.TestCase.settings = settings(BREAKING, max_examples=sized(10, 100), stateful_step_count=30)
test_generic_writes_to_every_flat_resource = GenericOnly.TestCase


def test_the_generic_rules_cover_a_kind_they_were_never_told_of(monkeypatch):
    """A toy kind registered only here is created, updated, deleted and refused by the
    generic rules, with no edit to this module."""
    from hypothesis.stateful import run_state_machine_as_test

    from breaking_support import TALLY
    from toy_resource import with_toy

    with_toy(monkeypatch)
    assert "memos" in flat_plurals(Store())  # found in the registry

    class MemosOnly(GenericOnly):
        def __init__(self):
            super().__init__()
            self.flat = ["memos"]  # every generic step on the toy, so a short run reaches each rule

    counted = [f"generic {what}: memos" for what in ("creates accepted", "updates accepted", "deletes tried")]
    before = {what: TALLY[what] for what in counted}
    run_state_machine_as_test(MemosOnly, settings=settings(BREAKING, max_examples=sized(5, 50), stateful_step_count=30))
    assert all(TALLY[what] > count for what, count in before.items()), dict(TALLY)
