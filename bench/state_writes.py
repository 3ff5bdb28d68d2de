"""Section 5: what `--state` costs a write, and whether that cost grows with the data.

`mls-mock serve` (the real command, as in section 4) seeded with about 100, 10,000 and
100,000 records (fixtures/large.py's shape: 4.1 records a unit), in memory and with
`--state FILE`; N keep-alive loopback clients (section 4's) send only `create_channel`
(POST /api/v1/channels linking one seeded experiment) for a fixed time. The --state
figure is whatever mls_mock/persistence.py does in this tree (the JSON state file before the
SQLite one rewrote the whole file on every write: 0.05x in memory at 10,000 records).
"""

import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

from server_load import _mls_server, load
from timing import verdict

RECORDS = (100, 10_000, 100_000)
RECORDS_PER_UNIT = 4.1  # an experiment, two buckets, a channel and a tenth of a filter
CONCURRENCY = (1, 8)
AT_SIZE_TARGET = 0.5  # --state writes/s at 10,000 records, as a share of in memory
FLAT_TARGET = 1.2  # --state writes/s at 100 against 100,000 records


def _creates(units: int):
    def requests_for(mix: str, worker: int):
        for n in itertools.count():
            experiment = (worker * 7919 + n * 104729) % units + 1
            body = json.dumps({"screen_id": f"write_{worker}_{n}_{time.time_ns()}", "experiments": [experiment]})
            yield "POST", "/api/v1/channels", body.encode()

    return requests_for


def _rate(rate: float) -> str:
    return f"{rate:,.0f}" if rate >= 10 else f"{rate:.2f}"


def _count(document: dict) -> int:
    return sum(len(value) for value in document.values() if isinstance(value, list))


def section(scale: float) -> list[list]:
    seconds = 3.0 if scale >= 1 else 1.0
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from mls_mock.fixtures.large import build

    rates: dict[tuple[int, str, int], tuple[float, int]] = {}  # (records, mode, clients) -> (writes/s, errors)
    sizes = {}
    with tempfile.TemporaryDirectory(prefix="mls-mock-state-") as tmp:
        for records in RECORDS:
            units = max(1, round(records / RECORDS_PER_UNIT))
            document = build(units)
            sizes[records] = _count(document)
            seed = Path(tmp) / f"seed-{records}.json"
            seed.write_text(json.dumps(document))
            for mode in ("in memory", "--state"):
                state = Path(tmp) / f"state-{records}" if mode == "--state" else None
                server = _mls_server(seed, state)
                try:
                    load(server.port, 1, "POST", 0.3, 200, _creates(units))  # warm-up
                    for clients in CONCURRENCY:
                        rate, _, errors = load(server.port, clients, "POST", seconds, 30_000, _creates(units))
                        rates[records, mode, clients] = (rate, errors)
                finally:
                    server.stop()

    rows = []
    for clients in CONCURRENCY:
        plural = "s" if clients > 1 else ""
        for records in RECORDS:
            memory, memory_errors = rates[records, "in memory", clients]
            state, state_errors = rates[records, "--state", clients]
            errors = memory_errors + state_errors
            judged = records == 10_000
            rows.append(
                [
                    "5 --state",
                    f"writes, {clients} client{plural}, {sizes[records]:,} records",
                    f"{_rate(state)} writes/s" + (f" ({errors} errors)" if errors else ""),
                    f"in memory {_rate(memory)} writes/s",
                    f"{state / memory:.2f}× in memory",
                    f"≥ {AT_SIZE_TARGET}× in memory" if judged else "—",
                    verdict(state >= AT_SIZE_TARGET * memory and not errors) if judged else "",
                ]
            )
        small, large = rates[RECORDS[0], "--state", clients][0], rates[RECORDS[-1], "--state", clients][0]
        spread = max(small, large) / max(min(small, large), 1e-9)
        rows.append(
            [
                "5 --state",
                f"writes, {clients} client{plural}: {sizes[RECORDS[0]]:,} against {sizes[RECORDS[-1]]:,} records",
                f"{_rate(small)} vs {_rate(large)} writes/s",
                "the same server, 1,000× the records",
                f"{spread:.2f}× apart",
                f"within {FLAT_TARGET}×",
                verdict(spread <= FLAT_TARGET),
            ]
        )
    return rows
