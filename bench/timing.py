"""Timing helpers shared by the bench sections: every figure is a best-of-rounds mean, and
rival backends are measured in interleaved rounds so that background load hits them alike."""

import gc
import time
from collections.abc import Callable, Iterable


def per_call(run: Callable[[int], None], calls: int, before: Callable[[], None] = None) -> float:
    """Seconds per call of `run(i)` for i in range(calls), after `before()` (untimed)."""
    if before is not None:
        before()
    gc.collect()
    start = time.perf_counter()
    for i in range(calls):
        run(i)
    return (time.perf_counter() - start) / calls


def interleaved(contenders: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """Best (lowest) result of each contender over `rounds`, contenders taking turns each
    round: the minimum is the run least disturbed by the rest of the machine."""
    best = {name: float("inf") for name in contenders}
    for _ in range(rounds):
        for name, measure in contenders.items():
            best[name] = min(best[name], measure())
    return best


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs" if seconds < 0.01 else f"{seconds * 1e3:,.1f} ms"


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}×"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines
