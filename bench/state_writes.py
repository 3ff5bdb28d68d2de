"""Section 5: writes per second with `--state FILE` against in memory, as the data grows.

`mls-mock serve` (waitress, 8 threads) runs as a subprocess seeded with N experiments
(100, 10,000, 100,000), once in memory and once with `--state` (a new SQLite file, default
durability), then with `--state --fsync` at 10,000. The same clients every time: 4 threads
of this process, each on its own keep-alive loopback connection, each sending
`PUT /api/v1/experiments/<id>` (a rename: the record count stays N) for a fixed time.

    .venv/bin/python bench/state_writes.py          # prints the rows
"""
import http.client
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))

from server_load import AUTH, Server  # noqa: E402  (after the path set-up)
from timing import verdict  # noqa: E402

SIZES = (100, 10_000, 100_000)
CLIENTS = 4


def writes_per_second(port: int, records: int, seconds: float) -> float:
    """Answered PUTs per second from CLIENTS keep-alive connections; any error fails the run."""
    counts, failures = [0] * CLIENTS, []
    start_line = threading.Barrier(CLIENTS + 1)
    stop_at = [0.0]

    def client(index: int):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": AUTH, "Content-Type": "application/json"}
        start_line.wait()
        n = 0
        while time.perf_counter() < stop_at[0]:
            record_id = (index * 7919 + n * 104729) % records + 1
            body = json.dumps({"name": f"w{index}-{n}", "bucketing_seed": "s"})
            connection.request("PUT", f"/api/v1/experiments/{record_id}", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(response.status)
                break
            n += 1
        counts[index] = n
        connection.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start_line.wait()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = time.perf_counter() - began
    if failures:
        raise RuntimeError(f"writes answered {failures}")
    return sum(counts) / elapsed


def _serve(seed: Path, *flags: str) -> Server:
    return Server([sys.executable, "-m", "mls_mock", "serve", "--port", "0", "--log-level", "warning",
                   "--seed", str(seed), *flags])


def measure(seconds: float, rounds: int) -> Dict[str, Dict[int, float]]:
    """{"in memory" / "--state" / "--state --fsync": {records: best writes/s of `rounds`}}."""
    results: Dict[str, Dict[int, float]] = {"in memory": {}, "--state": {}, "--state --fsync": {}}
    with tempfile.TemporaryDirectory(prefix="mls-mock-state-writes-") as tmp:
        for records in SIZES:
            seed = Path(tmp) / f"seed-{records}.json"
            seed.write_text(json.dumps({"experiments": [{"name": f"e{i}"} for i in range(1, records + 1)]}))
            setups = [("in memory", ()), ("--state", ("--state", str(Path(tmp) / f"state-{records}.db")))]
            if records == 10_000:
                setups.append(("--state --fsync", ("--state", str(Path(tmp) / "fsync.db"), "--fsync")))
            servers = {label: _serve(seed, *flags) for label, flags in setups}
            try:
                for label, server in servers.items():
                    writes_per_second(server.port, records, 0.3)  # warm-up
                for _ in range(rounds):  # interleaved, so a busy moment hits every set-up alike
                    for label, server in servers.items():
                        rate = writes_per_second(server.port, records, seconds)
                        results[label][records] = max(results[label].get(records, 0.0), rate)
            finally:
                for server in servers.values():
                    server.stop()
    return results


def section(scale: float, rounds: Optional[int] = None) -> List[list]:
    results = measure(2.0 if scale >= 1 else 0.7, rounds or (3 if scale >= 1 else 1))
    memory, state = results["in memory"], results["--state"]
    rows = []
    for records in SIZES:
        ratio = state[records] / memory[records]
        target = records == 10_000
        rows.append(["5 state", f"PUT, {CLIENTS} clients, {records:,} records, --state",
                     f"{state[records]:,.0f} writes/s", f"in memory {memory[records]:,.0f} writes/s",
                     f"{ratio:.2f}× in memory", "≥ 0.5× in memory" if target else "—",
                     verdict(ratio >= 0.5) if target else ""])
    spread = max(state.values()) / min(state.values())
    rows.append(["5 state", f"PUT, {CLIENTS} clients, --state, {SIZES[0]:,} vs {SIZES[-1]:,} records",
                 f"{state[SIZES[-1]]:,.0f} writes/s at {SIZES[-1]:,}", f"{state[SIZES[0]]:,.0f} writes/s at {SIZES[0]:,}",
                 f"{spread:.2f}× apart (fastest / slowest of the three sizes)", "within 1.2×", verdict(spread <= 1.2)])
    fsync = results["--state --fsync"][10_000]
    rows.append(["5 state", f"PUT, {CLIENTS} clients, 10,000 records, --state --fsync", f"{fsync:,.0f} writes/s",
                 f"in memory {memory[10_000]:,.0f} writes/s", f"{fsync / memory[10_000]:.2f}× in memory", "—", ""])
    return rows


if __name__ == "__main__":
    from timing import table

    print("\n".join(table(["section", "measure", "mls-mock", "baseline (same run)", "ratio", "target", "verdict"],
                          section(1.0))))
