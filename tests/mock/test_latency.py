"""Added latency (`MLSMock.delay`, `fail(delay=...)`) on the requests path, and the rules
of a fault's delay. The aiohttp path's are in test_aio.py, the served fake's in
tests/server/test_serve_apis.py. Sleeps are recorded, never timed."""
import time

import pytest
import requests

from mls_mock import FieldError, MLSMock, netfaults
from mls_mock.traffic import MAX_FAULT_DELAY, Fault

AB = "https://ab.stg.sktmls.com/api/v1/experiments"
AUTH = ("alice", "pw")


@pytest.fixture
def slept(monkeypatch):
    """The seconds each in-process wait slept, in order (it sleeps for real, briefly)."""
    seconds = []
    real_sleep = netfaults.time.sleep

    def sleep(duration):
        seconds.append(duration)
        real_sleep(min(duration, 0.01))

    monkeypatch.setattr(netfaults.time, "sleep", sleep)
    return seconds


def test_a_delay_answers_as_usual_only_late(slept):
    with MLSMock() as mls:
        mls.delay("POST", "/api/v1/*", seconds=0.3, times=2)
        for name in ("a", "b", "c"):
            assert requests.post(AB, json={"name": name}, auth=AUTH).status_code == 201
    assert slept == [0.3, 0.3]
    assert [c.status for c in mls.calls] == [201, 201, 201]


@pytest.mark.parametrize("timeout, limit", [(0.05, 0.05), ((1, 0.05), 0.05)], ids=["number", "connect-read"])
def test_a_delay_past_the_clients_timeout_raises_requests_read_timeout(slept, timeout, limit):
    with MLSMock() as mls:
        mls.delay("GET", "/api/v1/experiments", seconds=2)
        with pytest.raises(requests.ReadTimeout, match=r"read timeout=0.05") as raised:
            requests.get(AB, auth=AUTH, timeout=timeout)
        assert raised.value.request is not None
        assert len(mls.calls) == 0  # the client gave up before the answer
    assert slept == [limit]


def test_a_delay_within_the_timeout_and_a_status_fault_both_apply(slept):
    with MLSMock() as mls:
        mls.delay("GET", "/api/v1/experiments", seconds=0.02)
        mls.fail("GET", "/api/v1/experiments", status=503)
        answer = requests.get(AB, auth=AUTH, timeout=1)
    assert (answer.status_code, answer.json()["code"]) == (503, 503)
    assert slept == [0.02] and mls.state.faults.describe() == []


def test_a_delay_then_a_network_error(slept):
    with MLSMock() as mls:
        mls.fail("GET", "/api/v1/experiments", raises=requests.ConnectionError, delay=0.02)
        with pytest.raises(requests.ConnectionError):
            requests.get(AB, auth=AUTH)
    assert slept == [0.02] and len(mls.calls) == 0


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"delay": -1}, "delay"),
        ({"delay": MAX_FAULT_DELAY + 1}, "delay"),
        ({"delay": float("nan")}, "delay"),
        ({"delay": True}, "delay"),
        ({"delay": "1"}, "delay"),
        ({"status": None}, "status"),  # no delay: a fault that would do nothing
        ({"status": None, "delay": 0}, "status"),
    ],
    ids=lambda value: str(value),
)
def test_a_bad_delay_is_refused_naming_the_field(kwargs, field):
    mock = MLSMock()
    with pytest.raises(FieldError) as refused:
        mock.fail("GET", "/api/v1/experiments", **kwargs)
    assert refused.value.field == field
    assert mock.state.faults.describe() == []


def test_a_latency_fault_is_described_with_its_delay():
    mock = MLSMock()
    fault = mock.delay(path="/rec/*", seconds=1.5, times=None)
    assert mock.state.faults.describe() == [
        {"id": fault.id, "method": "*", "path": "/rec/*", "status": None, "error": None, "times": None, "raises": None, "delay": 1.5}
    ]


def test_a_served_delay_keeps_one_thread_for_everything_else():
    """Delay faults sleep in server threads: with every thread but one asleep, another delayed
    request is answered at once with 503, and health and the admin API still answer."""
    import concurrent.futures

    from mls_mock import create_app
    from mls_mock.server import LiveServer

    app = create_app()
    app.state.faults.add(Fault("GET", "/api/v1/channels*", None, None, None, delay=5))
    with LiveServer(app, threads=3) as server:
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            calls = [pool.submit(requests.get, f"{server.url}/api/v1/channels", auth=("a", "b"), timeout=30)
                     for _ in range(3)]
            while len(server.journal) < 1:  # the third is answered (503) while the two sleep
                time.sleep(0.05)
            health = requests.get(f"{server.url}/_mock/health", timeout=30)
            assert health.status_code == 200
            assert [call.done() for call in calls].count(False) == 2  # answered while two still sleep
            statuses = sorted(call.result().status_code for call in calls)
    assert statuses == [200, 200, 503]
