"""Many threads doing mixed CRUD through the real sktmls clients at once, against the live
server (waitress, 8 threads) and against an in-process MLSMock at the same time. Afterwards:
no thread raised, no ID was handed out twice, every acknowledged write is there (or was
deleted by its own thread), a name raced for by every thread went to exactly one of them,
and the relations read the same from both ends."""
import threading
from collections import Counter
from typing import Dict, List

from mls_mock import MLSMock

from breaking_support import sktmls_clients, tally

THREADS_PER_TARGET = 8
ROUNDS = 25
JOIN_TIMEOUT = 120.0


class Worker(threading.Thread):
    """One thread's share of the work; it keeps what the server acknowledged to it."""

    def __init__(self, tag: str, base_url, shared_experiment, start_line: threading.Barrier):
        super().__init__(name=f"breaker-{tag}", daemon=True)
        self.tag, self.base_url, self.shared_experiment, self.start_line = tag, base_url, shared_experiment, start_line
        self.created: Dict[str, List[int]] = {"channel": [], "experiment": [], "bucket": []}
        self.alive: Dict[int, dict] = {}  # channel id -> last acknowledged {"name", "experiments"}
        self.raced: List[str] = []        # contested names this thread won
        self.requests = 0
        self.error = None

    def run(self):
        try:
            self.work()
        except BaseException as error:  # re-raised in the test thread
            self.error = error

    def work(self):
        from sktmls import MLSClientError

        cc, ec, _ = sktmls_clients(self.base_url)
        self.start_line.wait(timeout=30)
        mine = ec.create_experiment(name=f"{self.tag}-exp")
        self.requests += 1
        self.created["experiment"].append(mine.id)
        for r in range(ROUNDS):
            channel = cc.create_channel(name=f"{self.tag}-ch{r}", experiments=[mine])
            self.created["channel"].append(channel.id)
            cc.update_channel(channel, name=f"{self.tag}-ch{r}-v2", experiments=[mine, self.shared_experiment])
            self.alive[channel.id] = {"name": f"{self.tag}-ch{r}-v2", "experiments": [mine.id, self.shared_experiment.id]}
            bucket = ec.create_bucket(mine, name=f"b{r}", prediction_type="static", static_value={"items": [{"id": r}]})
            self.created["bucket"].append(bucket.id)
            self.requests += 3
            if r % 3 == 0:
                cc.delete_channel(channel)
                del self.alive[channel.id]
                self.requests += 1
            try:  # every thread races for the same name each round
                won = cc.create_channel(name=f"contested-{r}", experiments=[self.shared_experiment])
            except MLSClientError as refused:
                assert refused.code == 409, refused.msg
            else:
                self.created["channel"].append(won.id)
                self.alive[won.id] = {"name": f"contested-{r}", "experiments": [self.shared_experiment.id]}
                self.raced.append(f"contested-{r}")
            self.requests += 1


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
    return sum(w.requests for w in crew)


def test_threads_against_live_server_and_mlsmock_at_once(live_server):
    live_server.store.reset()
    server_clients = sktmls_clients(live_server.url)
    server_shared = server_clients[1].create_experiment(name="shared")

    mls = MLSMock().start()
    try:
        local_clients = sktmls_clients()
        local_shared = local_clients[1].create_experiment(name="shared")
        journal_before = len(mls.calls)
        crews = hammer({"server": (live_server.url, server_shared), "local": (None, local_shared)})
        check(crews["server"], live_server.store, live_server.url, server_shared.id)
        local_requests = sum(w.requests for w in crews["local"])
        assert len(mls.calls) - journal_before == local_requests, "every in-process request journaled once"
        check(crews["local"], mls.store, None, local_shared.id)
    finally:
        mls.stop()
