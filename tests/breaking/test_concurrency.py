"""Many threads doing mixed CRUD through the real sktmls clients at once, against a live
server (waitress, 8 threads, every change saved to a state file) and against an in-process
MLSMock at the same time, while faults are injected into both stores (every so many write
primitives and clock readings raise). Afterwards: no thread raised, no ID was handed out
twice, every acknowledged write is there (or was deleted by its own thread) and no failed
one is, a name raced for by every thread went to exactly one of them, the relations read
the same from both ends, and the state file holds what memory holds. Each refused or failed
write is also checked, under the store's lock, to have changed nothing in memory and saved
nothing to the file."""
import datetime
import threading
from collections import Counter
from typing import Dict, List

from mls_mock import MLSMock, Store, create_app, persistence
from mls_mock.persistence import StateFile
from mls_mock.server import LiveServer
from mls_mock.store.transaction import Transaction

from breaking_support import sized, sktmls_clients, tally

THREADS_PER_TARGET = 8
# Per thread; each round contests one name between all threads. 16 still injects well over
# the 100 faults the test requires of itself (8 rounds injected 81).
ROUNDS = sized(16, 25)
JOIN_TIMEOUT = 300.0
# Every so many write primitives and clock readings raise, across both stores.
PRIMITIVE_FAULT_EVERY, CLOCK_FAULT_EVERY = 23, 29
RETRIES = 20
WRITE_METHODS = ("create_channel", "update_channel", "delete_channel", "create_experiment", "update_experiment",
                 "delete_experiment", "create_bucket", "update_bucket", "delete_bucket", "set_bucket_ratio",
                 "migrate_buckets", "create_filter", "update_filter", "delete_filter", "load", "reset")


class Injected(Exception):
    """The unexpected error injected into a store."""


class Faults:
    """Counts write primitives and clock readings while armed; every so many raise."""

    def __init__(self):
        self.lock = threading.Lock()
        self.armed = False
        self.counts = Counter()
        self.injected = 0

    def tick(self, what: str, every: int) -> None:
        if not self.armed:
            return
        with self.lock:
            self.counts[what] += 1
            fire = self.counts[what] % every == 0
            self.injected += fire
        if fire:
            raise Injected(f"{what} {self.counts[what]}")

    def patch_primitives(self, monkeypatch) -> None:
        for name in Transaction.WRITES:
            monkeypatch.setattr(Transaction, name, self._failing(getattr(Transaction, name)))

    def _failing(self, primitive):
        def wrapper(*args, **kwargs):
            self.tick("write primitive", PRIMITIVE_FAULT_EVERY)
            return primitive(*args, **kwargs)
        return wrapper

    def clock(self):
        faults = self

        class FailingClock:
            def now(self):
                faults.tick("clock reading", CLOCK_FAULT_EVERY)
                return datetime.datetime.now(datetime.timezone.utc)
        return FailingClock()


class Audit:
    """Wraps a store's write methods: one that raises (refused or failed) must leave the
    store as it was and save nothing, checked under the store's lock so no other write
    comes in between."""

    def __init__(self, store: Store, state_file: StateFile = None):
        self.store, self.state_file = store, state_file
        self.checked = 0
        self.violations: List[str] = []
        for name in WRITE_METHODS:
            setattr(store, name, self._audited(name, getattr(store, name)))

    def _audited(self, name, method):
        def audited(*args, **kwargs):
            with self.store.lock:
                before = self.store.dump()
                saves = self.state_file.writes if self.state_file else 0
                try:
                    return method(*args, **kwargs)
                except BaseException as error:
                    self.checked += 1
                    if self.store.dump() != before:
                        self.violations.append(f"{name} failed ({error!r}) and changed the store")
                    if self.state_file and self.state_file.writes != saves:
                        self.violations.append(f"{name} failed ({error!r}) and saved the state file")
                    raise
        return audited


class Worker(threading.Thread):
    """One thread's share of the work; it keeps what the server acknowledged to it."""

    def __init__(self, tag: str, base_url, shared_experiment, start_line: threading.Barrier):
        super().__init__(name=f"breaker-{tag}", daemon=True)
        self.tag, self.base_url, self.shared_experiment, self.start_line = tag, base_url, shared_experiment, start_line
        self.created: Dict[str, List[int]] = {"channel": [], "experiment": [], "bucket": []}
        self.alive: Dict[int, dict] = {}  # channel id -> last acknowledged {"name", "experiments"}
        self.raced: List[str] = []        # contested names this thread won
        self.requests = 0  # answered, refusals included; failed attempts are counted apart
        self.failed = 0
        self.error = None

    def run(self):
        try:
            self.work()
        except BaseException as error:  # re-raised in the test thread
            self.error = error

    def call(self, method, *args, **kwargs):
        """The call, again after an injected failure (which changed nothing, so a retry is
        what a client would do)."""
        from sktmls import MLSClientError

        for _ in range(RETRIES):
            try:
                result = method(*args, **kwargs)
            except Injected:  # in-process, the store's exception reaches the caller
                self.failed += 1
            except MLSClientError as error:  # served, it is a 500
                if error.code != 500:
                    raise
                self.failed += 1
            else:
                self.requests += 1
                return result
        raise AssertionError(f"{RETRIES} injected failures in a row for {method.__name__}")

    def work(self):
        from sktmls import MLSClientError

        cc, ec, _ = sktmls_clients(self.base_url)
        self.start_line.wait(timeout=30)
        mine = self.call(ec.create_experiment, name=f"{self.tag}-exp")
        self.created["experiment"].append(mine.id)
        for r in range(ROUNDS):
            channel = self.call(cc.create_channel, name=f"{self.tag}-ch{r}", experiments=[mine])
            self.created["channel"].append(channel.id)
            self.call(cc.update_channel, channel, name=f"{self.tag}-ch{r}-v2", experiments=[mine, self.shared_experiment])
            self.alive[channel.id] = {"name": f"{self.tag}-ch{r}-v2", "experiments": [mine.id, self.shared_experiment.id]}
            bucket = self.call(ec.create_bucket, mine, name=f"b{r}", prediction_type="static",
                               static_value={"items": [{"id": r}]})
            self.created["bucket"].append(bucket.id)
            if r % 3 == 0:
                self.call(cc.delete_channel, channel)
                del self.alive[channel.id]
            try:  # every thread races for the same name each round
                won = self.call(cc.create_channel, name=f"contested-{r}", experiments=[self.shared_experiment])
            except MLSClientError as refused:
                assert refused.code == 409, refused.msg
                self.requests += 1
            else:
                self.created["channel"].append(won.id)
                self.alive[won.id] = {"name": f"contested-{r}", "experiments": [self.shared_experiment.id]}
                self.raced.append(f"contested-{r}")


def hammer(targets):
    """Start every worker of every target at once; wait for all; return them per target."""
    start_line = threading.Barrier(THREADS_PER_TARGET * len(targets))
    crews = {}
    for label, (base_url, shared_experiment) in targets.items():
        crews[label] = [Worker(f"{label}{n}", base_url, shared_experiment, start_line) for n in range(THREADS_PER_TARGET)]
    for crew in crews.values():
        for worker in crew:
            worker.start()
    for crew in crews.values():
        for worker in crew:
            worker.join(JOIN_TIMEOUT)
            assert not worker.is_alive(), f"{worker.name} still running after {JOIN_TIMEOUT}s"
    return crews


def check(crew, store, base_url, shared_experiment_id):
    for worker in crew:
        if worker.error is not None:
            raise worker.error
    for kind in ("channel", "experiment", "bucket"):
        handed_out = Counter(i for w in crew for i in w.created[kind])
        assert [i for i, n in handed_out.items() if n > 1] == [], f"{kind} ids handed out twice"
    winners = Counter(name for w in crew for name in w.raced)
    assert winners == Counter(f"contested-{r}" for r in range(ROUNDS)), "each contested name won exactly once"

    dump = store.dump()
    for kind in ("channels", "experiments", "buckets"):
        ids = [record["id"] for record in dump[kind]]
        assert len(ids) == len(set(ids)) and dump["sequences"][kind] >= max(ids, default=0), kind
    cc, ec, _ = sktmls_clients(base_url)
    # A listed channel is a summary: its experiments come with get_channel.
    channels = {c.id: {"name": c.screen_id, "experiments": cc.get_channel(id=c.id).experiments} for c in cc.list_channels()}
    acknowledged = {i: row for w in crew for i, row in w.alive.items()}
    assert channels == acknowledged, "a lost, a resurrected or a stray channel"
    experiments = {e.id: e for e in ec.list_experiments()}
    assert set(experiments) == {shared_experiment_id} | {i for w in crew for i in w.created["experiment"]}
    for experiment in experiments.values():
        expected = sorted(i for i, row in channels.items() if experiment.id in row["experiments"])
        assert sorted(c.id for c in experiment.channels) == expected
    for worker in crew:
        (mine,) = worker.created["experiment"]
        buckets = ec.list_buckets(experiments[mine])
        assert sorted(b.id for b in buckets) == sorted(worker.created["bucket"])
    tally("concurrent client requests (2 × 8 threads)", sum(w.requests for w in crew))
    tally("concurrent requests failed by an injected fault, then retried", sum(w.failed for w in crew))
    return sum(w.requests for w in crew)


def test_threads_against_live_server_and_mlsmock_at_once(tmp_path, monkeypatch):
    faults = Faults()
    faults.patch_primitives(monkeypatch)
    app = create_app(Store(clock=faults.clock()))
    server_store = app.state.store
    state_file = StateFile(tmp_path / "state.db")
    state_file.attach(server_store)
    app.state.state_file = state_file
    audits = [Audit(server_store, state_file)]

    mls = MLSMock(store=Store(clock=faults.clock())).start()
    try:
        with LiveServer(app, threads=8) as server:
            server_shared = sktmls_clients(server.url)[1].create_experiment(name="shared")
            local_shared = sktmls_clients()[1].create_experiment(name="shared")
            audits.append(Audit(mls.store))
            journal_before = len(mls.calls)
            faults.armed = True
            crews = hammer({"server": (server.url, server_shared), "local": (None, local_shared)})
            faults.armed = False
            check(crews["server"], server_store, server.url, server_shared.id)
            local_requests = sum(w.requests for w in crews["local"])
            assert len(mls.calls) - journal_before == local_requests, "every answered in-process request journaled once"
            check(crews["local"], mls.store, None, local_shared.id)
        on_disk = persistence.read_document(state_file.path)
        assert on_disk.pop("format") == persistence.FORMAT and on_disk == server_store.dump()
    finally:
        mls.stop()
        state_file.close()
    assert [v for audit in audits for v in audit.violations] == []
    assert faults.injected >= 100 and sum(w.failed for crew in crews.values() for w in crew) >= 100
    refusals = sum(audit.checked for audit in audits)
    assert refusals >= faults.injected  # every injected failure went through an audited write
    tally("refused or failed concurrent writes checked to change nothing", refusals)
