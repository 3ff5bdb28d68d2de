"""Everything one fake serves from, typed, in one object: `AppState`. The Flask app built by
`create_app` carries it as `app.state`; `MLSMock.state` and a running server's `.state` are
the same object."""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .route import Route
from .store import Store
from .traffic import Faults, Journal


@dataclass
class AppState:
    """`state_file`: None, or the persistence object saving `store` (it has `.path`);
    `admin_token`: what /_mock/ routes (but health) require, when set; `propagate_exceptions`:
    a bug in the fake raises in the caller (in-process use) instead of answering 500."""

    store: Store
    users: dict[str, str] | None = None
    journal: Journal = field(default_factory=Journal)
    faults: Faults = field(default_factory=Faults)
    state_file: Any | None = None
    admin_token: str | None = None
    propagate_exceptions: bool = False
    routes: tuple[Route, ...] = ()
    # model id -> what the recommendation API answers for it, computed per request
    # (`MLSMock.answer(model, fn)`); in memory only, unlike the store's fixed answers.
    model_answers: dict[int, Callable] = field(default_factory=dict)
    # Served: how many requests a delay fault may hold in server threads at once (server.py).
    delay_slots: threading.BoundedSemaphore | None = None
    # /openapi.json for (admin token set, state file set): what it says depends on both.
    openapi_cache: dict[tuple[bool, bool], Any] = field(default_factory=dict, repr=False)

    def reset(self) -> None:
        """Empty the store (IDs restart at 1), the journal and the faults."""
        self.store.reset()
        self.journal.clear()
        self.faults.clear()
        self.model_answers.clear()
