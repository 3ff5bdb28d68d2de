"""Section 1, recommendation API rows: `MLSRecommendationAPIClient.request()` and
`request_async()` answered in-process from a 30/70 experiment on one channel, each user a
different one (so each call buckets anew), against baselines answering the same bytes:
- request(): the floor (`HTTPAdapter.send` returning a prebuilt Response), and `responses`
  and `requests-mock` stubs;
- request_async(): an aioresponses stub (aiohttp has no floor short of a stub).
"""

import asyncio
import contextlib
import re
import time
from collections.abc import Callable

import requests_mock
import responses as responses_lib
from aioresponses import aioresponses

from mls_mock import MLSMock
from mls_mock.lightweight import allow_light_sktmls

from inprocess import FLOOR_TARGET, Canned, capture
from timing import interleaved, per_call, us, verdict

CLIENT, APIKEY = "bench", "B" * 40
URL = re.compile(r"https://rec\.stg\.sktmls\.com/v2/bench/items(\?.*)?$")
WORLD = {
    "clients": [{"name": CLIENT, "apikey": APIKEY}],
    "experiments": [{"id": 1, "name": "split", "bucketing_seed": "bench"}],
    "buckets": [
        {
            "experiment": 1,
            "name": "a",
            "prediction_type": "static",
            "static_value": {"items": [{"id": "a"}]},
            "bucket_range": "0-29",
        },
        {
            "experiment": 1,
            "name": "b",
            "prediction_type": "static",
            "static_value": {"items": [{"id": "b"}]},
            "bucket_range": "30-99",
        },
    ],
    "channels": [{"screen_id": "home", "experiments": [1]}],
}


def _client():
    allow_light_sktmls()
    from sktmls import MLSENV, MLSRuntimeENV
    from sktmls.apis import MLSRecommendationAPIClient

    return MLSRecommendationAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.LOCAL, client_id=CLIENT, apikey=APIKEY)


def section(rounds: int, scale: float) -> list[list]:
    calls = max(2, int(300 * scale))
    mls = MLSMock(seed=WORLD)
    client = _client()

    def run(i: int) -> None:
        client.request(version="v2", user_id=f"user-{i}", channel_ids=["home"])

    with mls:
        answers = capture(mls, lambda: run(0))
    (canned,) = answers.values()

    def responses_stub():
        stub = responses_lib.RequestsMock(assert_all_requests_are_fired=False)
        stub.add("POST", URL, body=canned.content, status=200, content_type="application/json")
        return stub

    def requests_mock_stub():
        mocker = requests_mock.Mocker()
        mocker.register_uri("POST", URL, content=canned.content, headers={"Content-Type": "application/json"})
        return mocker

    def timed(backend: Callable) -> Callable[[], float]:
        def measure() -> float:
            with backend():
                return per_call(run, calls)

        return measure

    best = interleaved(
        {
            "floor": timed(lambda: Canned(answers)),
            "responses": timed(responses_stub),
            "requests-mock": timed(requests_mock_stub),
            "mock": timed(lambda: mls),
        },
        rounds,
    )
    vs = {name: best["mock"] / best[name] for name in ("floor", "responses", "requests-mock")}
    rows = [
        [
            "1 per call",
            "`request()` (MLSRecommendationAPIClient, a 30/70 experiment, a new user each call)",
            us(best["mock"]),
            " · ".join(f"{name} {us(best[name])}" for name in vs),
            " · ".join(f"{ratio:.2f}× {name}" for name, ratio in vs.items()),
            f"≤ {FLOOR_TARGET}× floor · < 1× responses · < 1× requests-mock",
            " · ".join(
                verdict(ok) for ok in (vs["floor"] <= FLOOR_TARGET, vs["responses"] < 1, vs["requests-mock"] < 1)
            ),
        ]
    ]
    return rows + [_async_row(mls, client, canned.content, rounds, calls)]


def _async_row(mls: MLSMock, client, body: bytes, rounds: int, calls: int) -> list:
    loop = asyncio.new_event_loop()

    @contextlib.contextmanager
    def stub():
        with aioresponses() as mocked:
            mocked.post(URL, body=body, status=200, content_type="application/json", repeat=True)
            yield mocked

    async def batch() -> None:
        for i in range(calls):
            await client.request_async(version="v2", user_id=f"user-{i}", channel_ids=["home"])

    def timed(backend: Callable) -> Callable[[], float]:
        def measure() -> float:
            with backend():
                start = time.perf_counter()
                loop.run_until_complete(batch())
                return (time.perf_counter() - start) / calls

        return measure

    try:
        best = interleaved({"aioresponses": timed(stub), "mock": timed(lambda: mls)}, rounds)
    finally:
        loop.close()
    vs = best["mock"] / best["aioresponses"]
    return [
        "1 per call",
        "`request_async()` (MLSRecommendationAPIClient, aiohttp, a session per call)",
        us(best["mock"]),
        f"aioresponses {us(best['aioresponses'])}",
        f"{vs:.2f}× aioresponses",
        "< 1× aioresponses",
        verdict(vs < 1),
    ]
