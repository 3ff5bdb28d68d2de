"""mls-mock: a fake MLS AB API for testing code that uses the `sktmls` client.

    from mls_mock import MLSMock
    with MLSMock() as mls:
        ...  # every sktmls ChannelClient / ExperimentClient / FilterClient reaches the fake
"""
from .app import create_app
from .errors import BadRequest, Conflict, FieldError, MLSMockError, NotFound, SeedError, Unauthorized
from .lightweight import allow_light_sktmls
from .mock import MLSMock, UnmatchedFaultWarning
from .store import Clock, Store
from .traffic import Call, Fault

__all__ = [
    "MLSMock", "Store", "Clock", "create_app", "allow_light_sktmls", "Call", "Fault", "UnmatchedFaultWarning",
    "MLSMockError", "BadRequest", "FieldError", "NotFound", "Conflict", "Unauthorized", "SeedError",
]
