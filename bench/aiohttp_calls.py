"""Section 1, aiohttp row: one aiohttp call answered in-process, the way sktmls's `*_async`
methods make it (a fresh `ClientSession` per call, `await response.json()`).

Three backends answer the same GET with the same bytes:
- floor: `ClientSession._request` builds aiohttp's request and a ClientResponse of the
  bytes mls-mock gave for the call (what aiohttp and the call cost on their own);
- aioresponses: a static stub registered with those bytes;
- mls-mock: an `MLSMock` holding the record the call reads.
"""

import asyncio
import base64
import contextlib
import time
from collections.abc import Callable

import aiohttp
from aioresponses import aioresponses

from mls_mock import MLSMock, aio
from mls_mock.wire import Reply

from timing import interleaved, us, verdict

URL = "https://ab.stg.sktmls.com/api/v1/experiments"
AUTH = {"Authorization": "Basic " + base64.b64encode(b"bench:pw").decode()}
# At most what the stub costs. The floor is shown without a target: aiohttp alone costs a
# fraction of what requests does, so the fake's own work (routing, the handler, the
# journal: about 70 µs here) is a larger share of it than the requests rows' 1.15×.
TARGET = 1.0


@contextlib.contextmanager
def canned(reply: Reply):
    """The floor: every call answered with `reply`, built as the fake's path builds it."""

    async def answer(session, method, str_or_url, **kwargs):
        request = aio._client_request(session, method, session._build_url(str_or_url), kwargs)
        await aio._payload_bytes(request.body)
        return aio._client_response(session, request, reply)

    shipped = aiohttp.ClientSession._request
    aiohttp.ClientSession._request = answer
    try:
        yield
    finally:
        aiohttp.ClientSession._request = shipped


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
    reply = Reply(200, [("Content-Type", "application/json"), ("Content-Length", str(len(answer)))], answer)

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
        best = interleaved(
            {"floor": timed(lambda: canned(reply)), "aioresponses": timed(stub), "mock": timed(lambda: mls)}, rounds
        )
    finally:
        loop.close()
    vs = {name: best["mock"] / best[name] for name in ("floor", "aioresponses")}
    return [
        [
            "1 per call",
            "aiohttp `GET /api/v1/experiments` (a session per call, as sktmls's `*_async`)",
            us(best["mock"]),
            f"floor {us(best['floor'])} · aioresponses {us(best['aioresponses'])}",
            " · ".join(f"{ratio:.2f}× {name}" for name, ratio in vs.items()),
            f"< {TARGET:g}× aioresponses (floor: shown, no target yet)",
            verdict(vs["aioresponses"] < TARGET),
        ]
    ]
