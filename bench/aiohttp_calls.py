"""Section 1, aiohttp row: one aiohttp call answered in-process, the way sktmls's `*_async`
methods make it (a fresh `ClientSession` per call, `await response.json()`).

Two backends answer the same GET with the same bytes:
- aioresponses: a static stub registered with the bytes mls-mock gave for the call;
- mls-mock: an `MLSMock` holding the record the call reads.
"""

import asyncio
import base64
import contextlib
import time
from collections.abc import Callable

import aiohttp
from aioresponses import aioresponses

from mls_mock import MLSMock

from timing import interleaved, us, verdict

URL = "https://ab.stg.sktmls.com/api/v1/experiments"
AUTH = {"Authorization": "Basic " + base64.b64encode(b"bench:pw").decode()}
TARGET = 1.0  # at most what the stub costs


async def _call() -> dict:
    async with aiohttp.ClientSession() as session, session.request("GET", URL, headers=AUTH) as response:
        return await response.json()


async def _raw() -> bytes:
    async with aiohttp.ClientSession() as session, session.request("GET", URL, headers=AUTH) as response:
        return await response.read()


def section(rounds: int, scale: float) -> list[list]:
    calls = max(2, int(300 * scale))
    loop = asyncio.new_event_loop()
    mls = MLSMock()
    mls.store.create("experiments", {"name": "bench", "bucketing_seed": "s"}, user="bench")
    with mls:
        answer = loop.run_until_complete(_raw())

    @contextlib.contextmanager
    def stub():
        with aioresponses() as mocked:  # registrations are kept only while it is started
            mocked.get(URL, body=answer, status=200, content_type="application/json", repeat=True)
            yield mocked

    def timed(backend: Callable) -> Callable[[], float]:
        async def run() -> None:
            for _ in range(calls):
                await _call()

        def measure() -> float:
            with backend():
                start = time.perf_counter()
                loop.run_until_complete(run())
                return (time.perf_counter() - start) / calls

        return measure

    try:
        best = interleaved({"aioresponses": timed(stub), "mock": timed(lambda: mls)}, rounds)
    finally:
        loop.close()
    vs = best["mock"] / best["aioresponses"]
    return [
        [
            "1 per call",
            "aiohttp `GET /api/v1/experiments` (a session per call, as sktmls's `*_async`)",
            us(best["mock"]),
            f"aioresponses {us(best['aioresponses'])}",
            f"{vs:.2f}× aioresponses",
            f"< {TARGET:g}× aioresponses",
            verdict(vs < TARGET),
        ]
    ]
