"""mls-mock: a fake MLS AB API for testing code that uses the `sktmls` client.

from mls_mock import MLSMock
with MLSMock() as mls:
    ...  # every sktmls ChannelClient / ExperimentClient / FilterClient reaches the fake
"""

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "MLSMock", "Store", "Clock", "create_app", "allow_light_sktmls", "Call", "Fault", "UnmatchedFaultWarning",
    "MLSMockError", "BadRequest", "FieldError", "NotFound", "Conflict", "Unauthorized", "SeedError",
]  # fmt: skip
# Names are imported on first use: the pytest plugin imports mls_mock.guard in every pytest
# run, and this package must not bring Flask, requests and the store along with it.
_HOMES = {
    "MLSMock": "mock", "UnmatchedFaultWarning": "mock", "Store": "store", "Clock": "store",
    "create_app": "app", "allow_light_sktmls": "lightweight", "Call": "traffic", "Fault": "traffic",
    "MLSMockError": "errors", "BadRequest": "errors", "FieldError": "errors", "NotFound": "errors",
    "Conflict": "errors", "Unauthorized": "errors", "SeedError": "errors",
}  # fmt: skip

if TYPE_CHECKING:
    from .app import create_app
    from .errors import BadRequest, Conflict, FieldError, MLSMockError, NotFound, SeedError, Unauthorized
    from .lightweight import allow_light_sktmls
    from .mock import MLSMock, UnmatchedFaultWarning
    from .store import Clock, Store
    from .traffic import Call, Fault


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'mls_mock' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
