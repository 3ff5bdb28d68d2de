"""Section 4: `mls-mock serve` under load over loopback (127.0.0.1 only, bounded runs).

The server runs as the real command in a subprocess (waitress, 8 threads) on 1,000 seeded
units (fixtures/large.py's shape); the load comes from N threads of this process, each with
its own keep-alive connection, for a fixed time or request quota, whichever ends first.
Baseline: the same waitress set-up serving a constant JSON body (the server floor), under
the same load. The load generator shares the machine's cores with the server.
"""

import http.client
import itertools
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from timing import percentile, verdict

GET_TARGET = 1500.0
CONCURRENCY = (1, 8, 32)
SEED_UNITS = 1000
AUTH = "Basic YmVuY2g6YmVuY2g="  # bench:bench

FLOOR_SERVER = r"""
import sys
from waitress.server import create_server
BODY = b'{"code": 200, "error": null, "results": {"id": 5, "screen_id": "screen_00005", "experiments": [4, 5]}}'
def app(environ, start_response):
    environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))])
    return [BODY]
server = create_server(app, host="127.0.0.1", port=0, threads=8)
print(f"listening on http://127.0.0.1:{server.effective_port}", flush=True)
server.run()
"""


class Server:
    """A server subprocess whose URL is read from its 'listening on' line."""

    def __init__(self, command: list[str]):
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        deadline = time.monotonic() + 60
        line = ""
        while "listening on" not in line:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"server did not start: {command}")
            line = self.process.stdout.readline()
        url = line.rsplit("listening on", 1)[1].strip()
        self.port = int(url.rsplit(":", 1)[1].strip("/"))

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def _requests_for(mix: str, worker: int):
    """An endless sequence of (method, path, body) for one worker."""
    names = itertools.count()
    for n in itertools.count():
        unit = (worker * 7919 + n * 104729) % SEED_UNITS + 1
        if mix == "GET" or n % 2 == 0:
            if n % 2 == 0:
                yield "GET", f"/api/v1/channels?screen_id=screen_{unit:05d}", None
            else:
                yield "GET", f"/api/v1/channels/{unit}", None
        else:
            body = json.dumps({"screen_id": f"load_{worker}_{next(names)}_{time.time_ns()}", "experiments": [unit]})
            yield "POST", "/api/v1/channels", body.encode()


def load(
    port: int, concurrency: int, mix: str, seconds: float, quota: int, requests_for=_requests_for
) -> tuple[float, list[float], int]:
    """(requests per second, sorted latencies, errors) of `concurrency` keep-alive clients,
    worker i sending `requests_for(mix, i)`."""
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    per_worker = max(1, quota // concurrency)
    start_line = threading.Barrier(concurrency + 1)
    stop_at = [0.0]

    def worker(index: int):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, sequence = latencies[index], requests_for(mix, index)
        start_line.wait()
        for _ in range(per_worker):
            if time.perf_counter() > stop_at[0]:
                break
            method, path, body = next(sequence)
            headers = {"Authorization": AUTH}
            if body is not None:
                headers["Content-Type"] = "application/json"
            began = time.perf_counter()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - began)
            if response.status >= 400:
                errors[index] += 1
        connection.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start_line.wait()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = time.perf_counter() - began
    flat = sorted(itertools.chain.from_iterable(latencies))
    return len(flat) / elapsed, flat, sum(errors)


def _mls_server(seed: Path, state: Path = None) -> Server:
    command = [sys.executable, "-m", "mls_mock", "serve", "--port", "0", "--log-level", "warning", "--seed", str(seed)]
    if state is not None:
        command += ["--state", str(state)]
    return Server(command)


def section(scale: float) -> list[list]:
    seconds = 3.0 if scale >= 1 else 1.0
    quota = 30_000
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from mls_mock.fixtures.large import build

    results: dict[tuple[str, str, int], tuple[float, list[float], int]] = {}
    with tempfile.TemporaryDirectory(prefix="mls-mock-load-") as tmp:
        seed = Path(tmp) / "seed.json"
        seed.write_text(json.dumps(build(SEED_UNITS)))
        floor = Server([sys.executable, "-c", FLOOR_SERVER])
        try:
            for concurrency in CONCURRENCY:
                load(floor.port, concurrency, "GET", 0.3, 2000)  # warm-up
                results["floor", "GET", concurrency] = load(floor.port, concurrency, "GET", seconds, quota)
        finally:
            floor.stop()
        for label, state in (("in memory", None), ("--state", Path(tmp) / "state.db")):
            server = _mls_server(seed, state)
            try:
                for mix in ("GET", "GET+POST"):
                    for concurrency in CONCURRENCY:
                        load(server.port, concurrency, "GET", 0.3, 2000)  # warm-up
                        results[label, mix, concurrency] = load(server.port, concurrency, mix, seconds, quota)
            finally:
                server.stop()

    rows = []
    for (label, mix, concurrency), (rate, latencies, errors) in results.items():
        if label == "floor":
            continue
        floor_rate = results["floor", "GET", concurrency][0]
        is_get = mix == "GET"
        rows.append(
            [
                "4 server",
                f"{mix}, {concurrency} client{'s' if concurrency > 1 else ''}, {label}",
                f"{rate:,.0f} req/s (p50 {percentile(latencies, 0.5) * 1e3:.2f} ms, "
                f"p99 {percentile(latencies, 0.99) * 1e3:.2f} ms" + (f", {errors} errors" if errors else "") + ")",
                f"waitress floor {floor_rate:,.0f} req/s",
                f"{rate / floor_rate:.2f}× floor" + (f" · {rate / GET_TARGET:.2f}× target" if is_get else ""),
                "≥ 1,500 req/s" if is_get else "—",
                verdict(rate >= GET_TARGET) if is_get else "",
            ]
        )
    return rows
