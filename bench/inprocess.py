"""Sections 1 and 2: real sktmls client calls answered in-process.

Four backends answer the same call:
- floor: `HTTPAdapter.send` returns a prebuilt Response (the bytes mls-mock gave for that
  call, captured once): what `requests` and the client cost on their own;
- responses, requests-mock: a static stub of each library registered with those same bytes;
- mls-mock: an `MLSMock` holding the records the call needs.
"""

import itertools
import re
import time
from collections.abc import Callable

import requests
import requests_mock
import responses as responses_lib
from requests.adapters import HTTPAdapter

from mls_mock import MLSMock
from mls_mock.lightweight import allow_light_sktmls

import ab_clients
from timing import interleaved, per_call, us, verdict

FLOOR_TARGET = 1.15
GROWTH_TARGET = 1.2
Answers = dict[tuple[str, str], requests.Response]


CLIENT_CLASSES = {
    "channel": "sktmls.channels.ChannelClient",
    "experiment": "sktmls.experiments.ExperimentClient",
    "model": "sktmls.models.MLModelClient",
    "batch_prediction": "sktmls.models.automl.automl_prediction.AutoMLBatchPredictionClient",
    "component": "sktmls.components.ComponentClient",
    "dataset": "sktmls.datasets.DatasetClient",
    "dimension": "sktmls.dimensions.DimensionClient",
    "meta_table": "sktmls.meta_tables.MetaTableClient",
    "ml_feature": "sktmls.ml_features.MLFeatureClient",
    "ml_feature_group": "sktmls.ml_features.MLFeatureGroupClient",
    "client": "sktmls.clients.ClientClient",
    "profile": "sktmls.profiles.ProfileClient",
    "vertex": "sktmls.graphs.VertexClient",
    "edge": "sktmls.graphs.EdgeClient",
    "status": "sktmls.data_status.StatusClient",
    "dynamodb": "sktmls.dynamodb.DynamoDBClient",
}


class Clients:
    """The real sktmls clients, each built on first use (`clients.component`), one account."""

    def __getattr__(self, short: str):
        import importlib

        allow_light_sktmls()
        from sktmls import MLSENV

        module, _, name = CLIENT_CLASSES[short].rpartition(".")
        client = getattr(importlib.import_module(module), name)(env=MLSENV.STG, username="bench", password="bench")
        setattr(self, short, client)
        return client


def clients() -> Clients:
    return Clients()


def _path(url: str) -> str:
    """The URL's path with its numeric segments as `*`: one answer per route, as a static
    stub would have it."""
    path = url.split("://", 1)[1].split("/", 1)[1].split("?", 1)[0]
    return "/".join("*" if part.isdigit() else part for part in path.split("/"))


class Canned:
    """The floor: `HTTPAdapter.send` answers each (method, path) with one prebuilt Response."""

    def __init__(self, answers: Answers):
        self.answers = answers

    def __enter__(self):
        self._real = HTTPAdapter.send
        answers = self.answers

        def send(adapter, request, **kwargs):
            return answers[request.method, _path(request.url)]

        HTTPAdapter.send = send
        return self

    def __exit__(self, *exc):
        HTTPAdapter.send = self._real


def capture(mls: MLSMock, call: Callable[[], None]) -> Answers:
    """Run `call` against `mls`, keeping the last response of each (method, path)."""
    seen: Answers = {}
    routed = HTTPAdapter.send

    def recording(adapter, request, **kwargs):
        response = routed(adapter, request, **kwargs)
        canned = requests.Response()
        canned.status_code, canned.reason = response.status_code, response.reason
        canned.headers, canned._content = response.headers, response.content
        canned.encoding, canned.url = response.encoding, response.url
        seen[request.method, _path(request.url)] = canned
        return response

    HTTPAdapter.send = recording
    try:
        call()
    finally:
        HTTPAdapter.send = routed
    return seen


def stub(answers: Answers) -> responses_lib.RequestsMock:
    """The `responses` rival: one static registration per (method, URL without query)."""
    rsps = responses_lib.RequestsMock(assert_all_requests_are_fired=False)
    for (method, path), canned in answers.items():
        pattern = re.escape(f"https://ab.stg.sktmls.com/{path}").replace(r"\*", r"\d+")
        rsps.add(
            method,
            re.compile(pattern + r"(\?.*)?$"),
            body=canned.content,
            status=canned.status_code,
            content_type="application/json",
        )
    return rsps


def stub_requests_mock(answers: Answers) -> requests_mock.Mocker:
    """The `requests-mock` rival: the same registrations as `stub`."""
    mocker = requests_mock.Mocker()
    for (method, path), canned in answers.items():
        pattern = re.escape(f"https://ab.stg.sktmls.com/{path}").replace(r"\*", r"\d+")
        mocker.register_uri(
            method,
            re.compile(pattern + r"(\?.*)?$"),
            content=canned.content,
            status_code=canned.status_code,
            headers={"Content-Type": "application/json"},
        )
    return mocker


# ---- the calls ---------------------------------------------------------------------------


class Op:
    """One client call: `prepare(calls)` (untimed, before each timed batch) then `run(i)`."""

    calls = 300

    def __init__(self, mls: MLSMock, clients: Clients):
        self.mls, self.clients = mls, clients
        self.cc, self.ec = clients.channel, clients.experiment
        self.store = mls.store
        with mls:
            self.setup()

    def setup(self):
        pass

    def prepare(self, calls: int):
        pass

    def run(self, i: int):
        raise NotImplementedError


def _seed_channels(store, count: int, experiment_id: int):
    for n in range(1, count + 1):
        store.create_channel({"screen_id": f"screen_{n:05d}", "experiments": [experiment_id]}, "bench")


class CreateChannel(Op):
    label = "create_channel"
    _names = itertools.count()

    def setup(self):
        self.experiment = self.ec.create_experiment(name="bench_exp")

    def run(self, i):
        self.cc.create_channel(name=f"new_{next(self._names)}", experiments=[self.experiment])


class GetChannelByName(Op):
    label = "get_channel(name=) of 1,000"

    def setup(self):
        experiment = self.ec.create_experiment(name="bench_exp")
        _seed_channels(self.store, 1000, experiment.id)

    def run(self, i):
        self.cc.get_channel(name="screen_00500")


class ListChannels(Op):
    label = "list_channels() of 1,000"
    calls = 3

    def setup(self):
        experiment = self.ec.create_experiment(name="bench_exp")
        _seed_channels(self.store, 1000, experiment.id)

    def run(self, i):
        self.cc.list_channels()


class UpdateChannel(Op):
    label = "update_channel"

    def setup(self):
        self.experiments = [self.ec.create_experiment(name=f"bench_exp{n}") for n in range(2)]
        self.channel = self.cc.create_channel(name="bench_channel", experiments=self.experiments[:1])

    def run(self, i):
        self.cc.update_channel(self.channel, name="bench_channel", experiments=[self.experiments[i % 2]])


class DeleteChannel(Op):
    label = "delete_channel"

    def setup(self):
        self.experiment = self.ec.create_experiment(name="bench_exp")
        self.victims: list = []
        self._names = itertools.count()

    def prepare(self, calls):
        from sktmls.channels import Channel

        rows = [
            self.store.create_channel(
                {"screen_id": f"victim_{next(self._names)}", "experiments": [self.experiment.id]}, "bench"
            )
            for _ in range(calls)
        ]
        self.victims = [Channel(**row) for row in rows]

    def run(self, i):
        self.cc.delete_channel(self.victims[i])


class GetExperiment(Op):
    label = "get_experiment(id=)"

    def setup(self):
        self.experiment = self.ec.create_experiment(name="bench_exp", description="an experiment")
        for n in range(2):
            self.cc.create_channel(name=f"bench_channel{n}", experiments=[self.experiment])

    def run(self, i):
        self.ec.get_experiment(id=self.experiment.id)


class ListBuckets(Op):
    label = "list_buckets (3 static)"

    def setup(self):
        self.experiment = self.ec.create_experiment(name="bench_exp")
        for n in range(3):
            self.ec.create_bucket(
                self.experiment,
                name=f"bucket{n}",
                description="b",
                prediction_type="static",
                static_value={"items": [{"id": f"item{n}"}]},
            )

    def run(self, i):
        self.ec.list_buckets(self.experiment)


# The AB clients' rows: each ABOp class mixed into Op.
AB_CLIENT_OPS = tuple(type(op.__name__, (op, Op), {}) for op in ab_clients.OPS)

OPS = (
    CreateChannel,
    GetChannelByName,
    ListChannels,
    UpdateChannel,
    DeleteChannel,
    GetExperiment,
    ListBuckets,
    *AB_CLIENT_OPS,
)


def section_per_call(rounds: int, scale: float) -> list[list]:
    """Section 1: per-call cost of each client call, mls-mock against the floor and the stubs."""
    shared = clients()
    return [_per_call_row(op_class, shared, rounds, scale) for op_class in OPS]


def _per_call_row(op_class: type, shared: Clients, rounds: int, scale: float) -> list:
    mls = MLSMock()
    op = op_class(mls, shared)
    calls = max(2, int(op.calls * scale))
    with mls:
        op.prepare(1)
        answers = capture(mls, lambda: op.run(0))

    def timed(backend) -> Callable[[], float]:
        def measure() -> float:
            with backend():  # a fresh stub per round: leaving the block empties its registry
                return per_call(op.run, calls, lambda: op.prepare(calls))

        return measure

    best = interleaved(
        {
            "floor": timed(lambda: Canned(answers)),
            "responses": timed(lambda: stub(answers)),
            "requests-mock": timed(lambda: stub_requests_mock(answers)),
            "mock": timed(lambda: mls),
        },
        rounds,
    )
    vs = {name: best["mock"] / best[name] for name in ("floor", "responses", "requests-mock")}
    return [
        "1 per call",
        f"`{op.label}`",
        us(best["mock"]),
        f"floor {us(best['floor'])} · responses {us(best['responses'])} · requests-mock {us(best['requests-mock'])}",
        " · ".join(f"{ratio:.2f}× {name}" for name, ratio in vs.items()),
        f"≤ {FLOOR_TARGET}× floor · < 1× responses · < 1× requests-mock",
        " · ".join(verdict(ok) for ok in (vs["floor"] <= FLOOR_TARGET, vs["responses"] < 1, vs["requests-mock"] < 1)),
    ]


# ---- section 2: growth -------------------------------------------------------------------


def _large_store(size: int) -> MLSMock:
    from mls_mock.fixtures.large import build

    mls = MLSMock()
    mls.store.load(build(size), f"large({size})")
    return mls


def section_growth(rounds: int, scale: float) -> list[list]:
    """Section 2: lookups against store size, list cost per record, reset and seed loading."""
    shared = clients()
    cc, ec = shared.channel, shared.experiment
    calls = max(20, int(200 * scale))
    small, big = _large_store(10), _large_store(10_000)

    def lookup(mls, call):
        def measure():
            with mls:
                return per_call(lambda i: call(), calls)

        return measure

    rows = []
    for label, call in (
        ("get_channel(name=)", lambda: cc.get_channel(name="screen_00005")),
        ("get_experiment(id=)", lambda: ec.get_experiment(id=5)),
    ):
        best = interleaved({"10": lookup(small, call), "10000": lookup(big, call)}, rounds)
        growth = best["10000"] / best["10"]
        rows.append(
            [
                "2 growth",
                f"`{label}` with 10,000 records",
                us(best["10000"]),
                f"same call with 10 records {us(best['10'])}",
                f"{growth:.2f}×",
                f"≤ {GROWTH_TARGET}×",
                verdict(growth <= GROWTH_TARGET),
            ]
        )

    # list_channels(): the slope between 100 and 1,000 records, mls-mock against the floor.
    slopes = {}
    for backend in ("floor", "mock"):
        timings = {}
        for count in (100, 1000):
            mls = MLSMock()
            with mls:
                experiment = ec.create_experiment(name="bench_exp")
            _seed_channels(mls.store, count, experiment.id)
            with mls:
                answers = capture(mls, cc.list_channels)
            runner = mls if backend == "mock" else Canned(answers)

            def measure(runner=runner, count=count):
                with runner:
                    return per_call(lambda i: cc.list_channels(), max(2, int(5 * scale)))

            timings[count] = interleaved({"x": measure}, max(3, rounds // 2))["x"]
        slopes[backend] = (timings[1000] - timings[100]) / 900
    rows.append(
        [
            "2 growth",
            "`list_channels()`: cost per record (100 → 1,000)",
            us(slopes["mock"]),
            f"floor {us(slopes['floor'])} per record",
            f"{slopes['mock'] / slopes['floor']:.2f}×",
            "—",
            "",
        ]
    )

    # reset() and loading the large set, against one floor get_channel call as the unit.
    unit_mls = _large_store(10)
    with unit_mls:
        unit_answers = capture(unit_mls, lambda: cc.get_channel(name="screen_00005"))

    def unit():
        with Canned(unit_answers):
            return per_call(lambda i: cc.get_channel(name="screen_00005"), calls)

    one_call = interleaved({"x": unit}, rounds)["x"]

    from mls_mock.seeds import read_seed

    document, _ = read_seed("large")
    records = sum(len(v) for v in document.values() if isinstance(v, list))
    load_times, reset_times = [], []
    for _ in range(max(2, rounds // 2)):
        mls = MLSMock()
        start = time.perf_counter()
        mls.store.load(document, "large")
        load_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        mls.reset()
        reset_times.append(time.perf_counter() - start)
    load, reset = min(load_times), min(reset_times)
    unit_label = f"one floor `get_channel(name=)` call {us(one_call)}"
    rows.append(
        [
            "2 growth",
            f"`reset()` holding the large seed set ({records:,} records)",
            us(reset),
            unit_label,
            f"{reset / one_call:.1f}×",
            "—",
            "",
        ]
    )
    rows.append(
        [
            "2 growth",
            f"loading the large seed set ({records:,} records, {us(load / records)} each)",
            us(load),
            unit_label,
            f"{load / one_call:.0f}×",
            "—",
            "",
        ]
    )
    return rows
