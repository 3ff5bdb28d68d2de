"""What a probe of `mls-mock verify` is written with: `@probe(id)` registers it, `expect`
and the two outcomes besides "held". Below both the registry and the probe modules, so
that the registry can load the probes without the probes importing the registry."""

from collections.abc import Callable

PROBES: dict[str, Callable] = {}


class Differs(Exception):
    """The server did something else than the fake does; the message says what."""


class NotChecked(Exception):
    """The probe could not decide (no data to look at, a model missing...); the message says why."""


def probe(assumption_id: str) -> Callable[[Callable], Callable]:
    """Register `function(target) -> observed` as the probe of the row `assumption_id`."""

    def register(function: Callable) -> Callable:
        if assumption_id in PROBES:
            raise ValueError(f"two probes for {assumption_id}")
        PROBES[assumption_id] = function
        return function

    return register


def expect(condition: bool, observed: str) -> None:
    """The assumption held only if `condition`; `observed` says what the server did."""
    if not condition:
        raise Differs(observed)
