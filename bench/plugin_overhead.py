"""Section 3: what the pytest plugin costs a suite.

A generated suite of 500 tests is run by pytest in a subprocess twice: each test asking for
`mls_channel_client` and making one call (`list_channels()` on an empty fake), and the same
500 tests without the fixture, answered by a canned transport instead (so both do the same
client work). The difference per test is the plugin's share: building or resetting the fake
and the client. Start-up is a one-test suite (no mls_* fixture) with the plugin against
`-p no:mls_mock`.

    .venv/bin/python bench/plugin_overhead.py --startup 15   # start-up alone, 15 rounds
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import interleaved, us, verdict

TESTS = 500
PER_TEST_TARGET = 1e-3
STARTUP_TARGET = 0.1

WITH_FIXTURE = """
def test_{n}(mls_channel_client):
    assert mls_channel_client.list_channels() == []
"""

WITHOUT_FIXTURE = """
def test_{n}(client):
    assert client.list_channels() == []
"""

# The baseline suite's stand-in: the same real client, answered by a prebuilt response.
BASELINE_CONFTEST = """
import pytest
import requests
from requests.adapters import HTTPAdapter

CANNED = requests.Response()
CANNED.status_code, CANNED._content = 200, b'{"code": 200, "error": null, "results": []}'
CANNED.headers["Content-Type"] = "application/json"


@pytest.fixture
def client(monkeypatch):
    from mls_mock.lightweight import allow_light_sktmls
    allow_light_sktmls()
    from sktmls import MLSENV
    from sktmls.channels import ChannelClient
    monkeypatch.setattr(HTTPAdapter, "send", lambda adapter, request, **kwargs: CANNED)
    return ChannelClient(env=MLSENV.STG, username="u", password="p")
"""


def _write_suite(directory: Path, template: str, conftest: str = "") -> Path:
    directory.mkdir()
    (directory / "conftest.py").write_text(conftest)
    for module in range(10):  # 10 modules of 50 tests, like a real suite's spread
        body = "".join(template.format(n=n) for n in range(module * 50, module * 50 + 50))
        (directory / f"test_generated_{module}.py").write_text(body)
    return directory


_cpu = {}  # label -> least CPU time (user + system) of the child, seen by _pytest


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _pytest(directory: Path, *extra: str, label: str = "") -> float:
    """Wall time of one pytest run (subprocess), asserting it passed; its CPU time goes to
    `_cpu[label]` (less disturbed than wall time when the machine is busy)."""
    cpu_before = _children_cpu()
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        *extra,
        str(directory),
    ]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=directory, env=env, capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - start
    _cpu[label] = min(_cpu.get(label, float("inf")), _children_cpu() - cpu_before)
    if done.returncode != 0:
        raise RuntimeError(f"generated suite failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def startup_row(root: Path, rounds: int) -> list:
    single = root / "single"
    single.mkdir()
    (single / "test_one.py").write_text("def test_one():\n    pass\n")
    startup = interleaved(
        {
            "plugin": lambda: _pytest(single, label="plugin"),
            "no plugin": lambda: _pytest(single, "-p", "no:mls_mock", label="no plugin"),
        },
        rounds,
    )
    cost = startup["plugin"] - startup["no plugin"]
    cpu = _cpu["plugin"] - _cpu["no plugin"]
    return [
        "3 plugin",
        "import and start-up (a one-test suite, no mls_* fixture)",
        us(cost),
        f"the same suite with `-p no:mls_mock`: {startup['no plugin']:.2f} s (CPU time: {us(cpu)} over it)",
        f"{startup['plugin'] / startup['no plugin']:.2f}×",
        "≤ 100 ms over `-p no:mls_mock`",
        verdict(cost <= STARTUP_TARGET),
    ]


def section(rounds: int, scale: float) -> list[list]:
    rounds = max(2, rounds // 2)
    with tempfile.TemporaryDirectory(prefix="mls-mock-bench-") as tmp:
        root = Path(tmp)
        with_fixture = _write_suite(root / "with_fixture", WITH_FIXTURE)
        baseline = _write_suite(root / "baseline", WITHOUT_FIXTURE, BASELINE_CONFTEST)
        suites = interleaved({"with": lambda: _pytest(with_fixture), "baseline": lambda: _pytest(baseline)}, rounds)
        # Start-up differs by tens of ms in runs of ~1 s: more rounds, as they are short.
        startup = startup_row(root, rounds * 3)
    per_test = (suites["with"] - suites["baseline"]) / TESTS
    return [
        [
            "3 plugin",
            f"overhead per test ({TESTS} generated tests with `mls_channel_client` and one call)",
            us(per_test),
            (
                "the same tests on a canned transport without the fixture: "
                f"{suites['baseline']:.2f} s vs {suites['with']:.2f} s"
            ),
            f"{per_test / PER_TEST_TARGET:.2f}× the target",
            "≤ 1 ms per test",
            verdict(per_test <= PER_TEST_TARGET),
        ],
        startup,
    ]


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="start-up of the plugin alone")
    parser.add_argument("--startup", type=int, default=15, metavar="ROUNDS")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mls-mock-bench-") as tmp:
        print(" | ".join(startup_row(Path(tmp), args.startup)))
