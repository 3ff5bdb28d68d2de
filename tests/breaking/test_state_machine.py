"""Random sequences of channel, experiment, bucket and filter operations, sent through the
real sktmls clients to an MLSMock, checked step by step against a plain model of what the
server should hold: IDs unique and increasing, relations the same seen from both ends,
timestamps in order, and a refused request changing nothing at all."""
import pytest
from hypothesis import settings, strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, multiple, rule
from dateutil import parser as dates

from mls_mock import MLSMock

from breaking_support import BREAKING, sktmls_clients, tally

NAMES = st.sampled_from(["alpha", "beta", "gamma", "채널"])
KINDS = ("channel", "experiment", "bucket", "filter")


class FakeAgainstModel(RuleBasedStateMachine):
    filters = Bundle("filters")
    experiments = Bundle("experiments")
    channels = Bundle("channels")
    buckets = Bundle("buckets")

    def __init__(self):
        super().__init__()
        self.mls = MLSMock().start()
        self.cc, self.ec, self.fc = sktmls_clients()
        from sktmls import MLSClientError

        self.client_error = MLSClientError
        self.model_filters = {}      # id -> name
        self.model_experiments = {}  # id -> {"name", "filter"}
        self.model_channels = {}     # id -> {"name", "experiments"}
        self.model_buckets = {}      # id -> {"experiment", "name"}
        self.issued = dict.fromkeys(KINDS, 0)
        self.stamps = {}             # (kind, id) -> (created_at, updated_at) last seen

    def teardown(self):
        self.mls.stop()

    # ---- helpers ----------------------------------------------------------------------------

    def attempt(self, call, refused_with=None):
        """Run `call`; when the model says it must be refused, check the status and that the
        store is exactly as before."""
        tally("state-machine operations through the real client")
        if refused_with is None:
            return call()
        before = self.mls.store.dump()
        with pytest.raises(self.client_error) as caught:
            call()
        assert caught.value.code == refused_with, caught.value.msg
        assert self.mls.store.dump() == before
        tally("refused operations checked to change nothing")
        return None

    def new_id(self, kind, record_id):
        assert record_id > self.issued[kind], f"{kind} id {record_id} after {self.issued[kind]}"
        self.issued[kind] = record_id
        return record_id

    def taken(self, names, name, own_id=None):
        return any(n == name and i != own_id for i, n in names.items())

    # ---- filters ----------------------------------------------------------------------------

    @rule(target=filters, name=NAMES, value=st.integers(0, 99))
    def create_filter(self, name, value):
        refused = 409 if self.taken(self.model_filters, name) else None
        made = self.attempt(lambda: self.fc.create_filter(name=name, conditions=[{"key": "age", "operator": ">=", "value": value}]), refused)
        if made is None:
            return multiple()
        self.model_filters[self.new_id("filter", made.id)] = name
        return made

    @rule(found=filters)
    def delete_filter(self, found):
        if found.id not in self.model_filters:
            refused = 404
        elif any(e["filter"] == found.id for e in self.model_experiments.values()):
            refused = 409
        else:
            refused = None
        self.attempt(lambda: self.fc.delete_filter(found), refused)
        if refused is None:
            del self.model_filters[found.id]

    # ---- experiments ------------------------------------------------------------------------

    @rule(target=experiments, name=NAMES, with_filter=st.one_of(st.none(), filters))
    def create_experiment(self, name, with_filter):
        if with_filter is not None and with_filter.id not in self.model_filters:
            refused = 400
        elif self.taken({i: e["name"] for i, e in self.model_experiments.items()}, name):
            refused = 409
        else:
            refused = None
        made = self.attempt(lambda: self.ec.create_experiment(name=name, model_filter=with_filter), refused)
        if made is None:
            return multiple()
        filter_id = with_filter.id if with_filter is not None else None
        assert (made.name, made.model_filter.id if made.model_filter else None, made.channels) == (name, filter_id, [])
        self.model_experiments[self.new_id("experiment", made.id)] = {"name": name, "filter": filter_id}
        return made

    @rule(found=experiments, name=st.one_of(st.none(), NAMES), with_filter=st.one_of(st.none(), filters))
    def update_experiment(self, found, name, with_filter):
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
        updated = self.attempt(lambda: self.ec.update_experiment(found, name=name, model_filter=with_filter), refused)
        if updated is not None:
            self.model_experiments[found.id] = {"name": sent_name, "filter": sent_filter}
            found.__dict__.update(updated.__dict__)  # as a caller would: experiment = update_experiment(...)

    @rule(found=experiments)
    def delete_experiment(self, found):
        refused = None if found.id in self.model_experiments else 404
        self.attempt(lambda: self.ec.delete_experiment(found), refused)
        if refused is None:
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

    @rule(target=channels, name=NAMES, linked=st.lists(experiments, min_size=1, max_size=3))
    def create_channel(self, name, linked):
        ids = [e.id for e in linked]
        made = self.attempt(lambda: self.cc.create_channel(name=name, experiments=linked), self.channel_refusal(name, ids))
        if made is None:
            return multiple()
        assert (made.screen_id, made.experiments, made.user) == (name, ids, self.cc.get_username())
        self.model_channels[self.new_id("channel", made.id)] = {"name": name, "experiments": ids}
        return made

    @rule(found=channels, name=st.one_of(st.none(), NAMES), linked=st.lists(experiments, min_size=1, max_size=3))
    def update_channel(self, found, name, linked):
        sent_name, ids = name or found.screen_id, [e.id for e in linked]
        refused = 404 if found.id not in self.model_channels else self.channel_refusal(sent_name, ids, found.id)
        updated = self.attempt(lambda: self.cc.update_channel(found, name=name, experiments=linked), refused)
        if updated is not None:
            assert (updated.screen_id, updated.experiments) == (sent_name, ids)
            self.model_channels[found.id] = {"name": sent_name, "experiments": ids}

    @rule(found=channels)
    def delete_channel(self, found):
        refused = None if found.id in self.model_channels else 404
        self.attempt(lambda: self.cc.delete_channel(found), refused)
        if refused is None:
            del self.model_channels[found.id]

    # ---- buckets ----------------------------------------------------------------------------

    @rule(target=buckets, owner=experiments, name=NAMES)
    def create_bucket(self, owner, name):
        if owner.id not in self.model_experiments:
            refused = 404
        elif any(b["experiment"] == owner.id and b["name"] == name for b in self.model_buckets.values()):
            refused = 409
        else:
            refused = None
        made = self.attempt(lambda: self.ec.create_bucket(owner, name=name, prediction_type="static",
                                                          static_value={"items": [{"id": name}]}), refused)
        if made is None:
            return multiple()
        assert (made.name, made.prediction.request) == (name, {"type": "static", "items": [{"id": name}]})
        self.model_buckets[self.new_id("bucket", made.id)] = {"experiment": owner.id, "name": name}
        return made

    @rule(found=buckets)
    def delete_bucket(self, found):
        refused = None if found.id in self.model_buckets else 404
        self.attempt(lambda: self.ec.delete_bucket(found), refused)
        if refused is None:
            del self.model_buckets[found.id]

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
            buckets = {b.id: {"experiment": experiment.id, "name": b.name} for b in self.ec.list_buckets(experiment)}
            assert buckets == {i: b for i, b in self.model_buckets.items() if b["experiment"] == experiment.id}
        assert {f.id: f.name for f in self.fc.list_filters()} == self.model_filters
        dump = self.mls.store.dump()
        for kind in KINDS:
            for record in dump[kind + "s"]:
                self.check_stamps(kind, record["id"], record["created_at"], record["updated_at"])
        tally("state-machine invariant checks")


FakeAgainstModel.TestCase.settings = settings(BREAKING, max_examples=120, stateful_step_count=30)
test_fake_against_model = FakeAgainstModel.TestCase
