"""What `mls-mock verify`'s probes see of the server under test: `Target` (the real sktmls
clients, raw requests, unique names) over a `VerifyGate`, which refuses writes without
--allow-writes, notes what to delete, keeps the last exchanges and bounds every request.
"""

import collections
import dataclasses
import json
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests

from . import transport, verify_runtime_apis
from .remote import WRITE_METHODS, RemoteGate, WritesNotAllowed
from .verify_registry import Differs

REQUEST_TIMEOUT = 60.0  # the client sets none: a server that never answers must not hang the run


@dataclasses.dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    status: int

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


class VerifyGate(RemoteGate):
    """RemoteGate that also keeps the last exchanges, so a probe can read the HTTP status
    behind a client call, and bounds every request in time. `runtime` names the runtime APIs'
    base URLs: their writes are refused without --allow-writes too, except the POSTs under
    `reads`, which change nothing (verify_runtime_apis.read_calls)."""

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        allow_writes: bool,
        reads: tuple[str, ...] = (),
        runtime: tuple[str, ...] = (),
    ):
        super().__init__(url, username, password, allow_writes)
        self.reads = reads
        self.runtime_origins = {transport.origin(u) for u in runtime} - {self._origin}
        self.exchanges: collections.deque[Exchange] = collections.deque(maxlen=64)

    def handle(self, adapter, prepared, **kwargs):
        origin, method = transport.origin(prepared.url), prepared.method.upper()
        if origin != self._origin and origin not in self.runtime_origins:
            return None
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = REQUEST_TIMEOUT
        response = None
        if method == "POST" and prepared.url.startswith(self.reads):
            pass  # a read or a test call: sent as it is
        elif origin != self._origin:
            if method in WRITE_METHODS and not self.allow_writes:
                raise self.refusal(method, urlsplit(prepared.url).path)
        else:
            response = super().handle(adapter, prepared, **kwargs)  # a write: refused, or sent and noted
        if response is None:
            response = transport.send_onward(adapter, prepared, **kwargs)
        self.exchanges.append(Exchange(method, urlsplit(prepared.url).path, response.status_code))
        return response

    def refusal(self, method: str, path: str) -> WritesNotAllowed:
        return WritesNotAllowed(
            f"mls-mock verify refused {method} {path}: it could change data, which needs --allow-writes"
        )


@dataclasses.dataclass
class Reply:
    """A raw answer: status, headers, text, the body parsed when it is JSON, and the
    envelope's fields when it is one (else None)."""

    method: str
    path: str
    status: int
    headers: Any
    text: str
    body: Any
    code: Any = None
    error: Any = None
    results: Any = None

    def __post_init__(self):
        if isinstance(self.body, dict):
            self.code, self.error, self.results = (self.body.get(k) for k in ("code", "error", "results"))

    def __str__(self) -> str:
        shown = f"{self.method} {self.path} -> {self.status}"
        if self.error:
            shown += f" {self.error!r}"
        elif not isinstance(self.body, dict):
            shown += f" (not the JSON envelope: {self.text[:80]!r})"
        return shown


@dataclasses.dataclass
class Outcome:
    """What a client call did: its result, or the error it raised, and the HTTP status."""

    result: Any
    status: int | None
    error: str | None


class Target:
    """The server under test, as probes see it: the real sktmls clients (`.experiments`,
    `.channels`, `.filters`, `.models`, `.dimensions`, `.ml_features`, `.ml_feature_groups`,
    `.meta_tables`, ...), raw requests, and unique names for what they create."""

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        env: str,
        gate: VerifyGate,
        generous: frozenset[str] = frozenset(),
        runtime: "verify_runtime_apis.RuntimeAPIs | None" = None,
    ):
        from sktmls import MLSENV
        from sktmls.channels import ChannelClient
        from sktmls.dimensions import DimensionClient
        from sktmls.experiments import ExperimentClient
        from sktmls.filters import FilterClient
        from sktmls.meta_tables import MetaTableClient
        from sktmls.ml_features import MLFeatureClient, MLFeatureGroupClient
        from sktmls.models import MLModelClient

        account = dict(env=MLSENV[env], username=username, password=password)
        self.channels, self.experiments = ChannelClient(**account), ExperimentClient(**account)
        self.filters, self.models = FilterClient(**account), MLModelClient(**account)
        self.dimensions = DimensionClient(**account)
        self.ml_features, self.ml_feature_groups = MLFeatureClient(**account), MLFeatureGroupClient(**account)
        self.meta_tables = MetaTableClient(**account)
        self.url, self.username, self.gate = url, username, gate
        self.runtime = runtime  # the runtime APIs' URLs and client, when given
        self.generous = generous  # the assumptions.GENEROUS switches the server is expected to behave as
        self._auth = (username, password)
        self.run_id = secrets.token_hex(3)

    def name(self, label: str) -> str:
        """A name no one else uses: records of a shared server are left alone."""
        return f"mlsmock-verify-{self.run_id}-{label}"

    def raw(self, method: str, path: str, auth: Any = True, **kwargs) -> Reply:
        """`requests.request` on URL + path, with the account's Basic auth unless `auth` is
        None (none) or another (username, password)."""
        if auth is not None:
            kwargs["auth"] = self._auth if auth is True else auth
        response = requests.request(method, self.url + path, **kwargs)
        try:
            body = json.loads(response.content) if response.content else None
        except ValueError:
            body = None
        return Reply(method, path, response.status_code, response.headers, response.text, body)

    def results(self, path: str, **params) -> Any:
        """The results of a GET that must succeed."""
        reply = self.raw("GET", path, params=params)
        if reply.status != 200 or not isinstance(reply.body, dict):
            raise Differs(f"{reply} (a GET the probe needs answered)")
        return reply.results

    def listing(self, kind: str, **params) -> list[dict]:
        items = self.results(f"/api/v1/{kind}", **params)
        if not isinstance(items, list) or not all(isinstance(item, dict) and "id" in item for item in items):
            raise Differs(f"GET /api/v1/{kind} gave results that are not a list of records")
        return items

    def missing_id(self, kind: str) -> int:
        """An id no record of `kind` has (well past the highest listed)."""
        return max((item["id"] for item in self.listing(kind) if isinstance(item["id"], int)), default=0) + 1_000_000

    def attempt(self, call: Callable, *args, **kwargs) -> Outcome:
        """Run a client call that the server may refuse."""
        from sktmls import MLSClientError

        try:
            result, error = call(*args, **kwargs), None
        except MLSClientError as refused:
            result, error = None, refused.msg
        return Outcome(result, self.last_status(), error)

    def last_status(self, method: str | None = None) -> int | None:
        for exchange in reversed(self.gate.exchanges):
            if method is None or exchange.method == method:
                return exchange.status
        return None

    def last_exchange(self) -> str:
        return str(self.gate.exchanges[-1]) if self.gate.exchanges else "no request"
