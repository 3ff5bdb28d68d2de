"""What passes through the fake besides state: the request journal and injected faults.
Both belong to an app (not the store), so `reset()` of the data leaves them alone."""

import collections
import fnmatch
import math
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from .assumptions import MAX_ID
from .errors import Conflict, FieldError
from .validation import parse_within_depth

# Per-entry body cap: a body larger than this is journaled as its size only. Keeps a full
# journal of big bodies from evicting every small call, and bounds what one request costs.
JOURNAL_BODY_CAP = 64 * 1024
DEFAULT_JOURNAL_ENTRIES = 10_000
DEFAULT_JOURNAL_BYTES = 64 * 1024 * 1024
# An HTTP method is letters: a pattern of letters and glob characters may match one.
METHOD_GLOB = re.compile(r"[A-Za-z*?\[\]!]+")
# Rough cost of an entry besides its text (the Call object, its dicts and lists), and of
# each query value's str and list slot; only used to count entries against the byte bound.
_ENTRY_OVERHEAD = 800
_VALUE_OVERHEAD = 100
_SERVED_OVERHEAD = 600  # a `served` entry's dict of five keys


_UNPARSED = object()


@dataclass(slots=True)
class Call:
    """One request the fake answered.

    `query` holds the first value of each query parameter (as `request.args[name]` reads
    it), `query_all` every value in order. `body` is the raw body as kept: empty when it
    was not kept (`body_truncated`: over `JOURNAL_BODY_CAP`, over the app's body limit, or
    the request was refused by Basic auth); `body_bytes` is its size as sent. `json` is the
    body parsed (None when it is not strict JSON or was not kept), on first read.
    """

    method: str
    path: str
    query: dict[str, str]
    status: int
    user: str | None
    body: bytes = field(default=b"", repr=False)
    body_bytes: int = 0
    body_truncated: bool = False
    query_all: dict[str, list[str]] = field(default_factory=dict)
    response: bytes = field(default=b"", repr=False)
    response_bytes: int = 0
    seq: int = field(default=0, compare=False)
    # What the recommendation API served, a dict per requested channel: {channel, experiment,
    # bucket, slot, outcome}; None for every other call.
    served: list[dict] | None = None
    _parsed: Any = field(default=_UNPARSED, init=False, repr=False, compare=False)

    @property
    def json(self) -> Any:
        """Parsed once, when first read: kept as bytes, a body costs its size (parsed, a
        1 MiB body of `[{},{},...]` is about 25 MB of objects)."""
        if self._parsed is _UNPARSED:
            self._parsed = self.parse_body()
        return self._parsed

    def parse_body(self) -> Any:
        """The body parsed afresh, without caching it on the entry (for rendering many)."""
        # Strict and within MAX_JSON_DEPTH, or None: a refused NaN or deep body must not break
        # the journal's rendering (GET /_mock/calls).
        return parse_within_depth(self.body) if self.body else None

    def parse_response(self) -> Any:
        """The answer's body parsed, or None when it was not kept."""
        return parse_within_depth(self.response) if self.response else None

    @property
    def response_truncated(self) -> bool:
        return len(self.response) < self.response_bytes

    def cost(self) -> int:
        """Bytes this entry is counted as against the journal's byte bound (an estimate)."""
        size = _ENTRY_OVERHEAD + len(self.body) + len(self.response)
        size += _text_cost(self.path) + _text_cost(self.user or "")
        if self.query_all:
            for name, values in self.query_all.items():
                size += _VALUE_OVERHEAD + _text_cost(name)
                for value in values:
                    size += _VALUE_OVERHEAD + _text_cost(value)
        if self.served:  # a dict per requested channel: a request may name thousands
            for entry in self.served:
                size += _SERVED_OVERHEAD
                for value in entry.values():  # _text_cost inlined: every runtime call counts these
                    if type(value) is str:
                        size += len(value) if value.isascii() else 4 * len(value)
        return size


def _text_cost(text: str) -> int:
    """A str's bytes: one a character for ASCII, at most four otherwise (isascii is O(1))."""
    return len(text) if text.isascii() else 4 * len(text)


class Journal:
    """The newest calls, oldest first, bounded in count (`limit`) and in bytes (`max_bytes`,
    an estimate of what the entries hold) so that no stream of requests can make a
    long-running server grow; the oldest go first. The newest call is always kept."""

    def __init__(self, limit: int = DEFAULT_JOURNAL_ENTRIES, max_bytes: int = DEFAULT_JOURNAL_BYTES):
        for name, value in (("journal_limit", limit), ("journal_bytes", max_bytes)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive int (a count of calls; bytes), not {value!r}")
        self.limit, self.max_bytes = limit, max_bytes
        self.body_cap = min(JOURNAL_BODY_CAP, max_bytes)
        self._calls: collections.deque[tuple[Call, int]] = collections.deque()
        self._bytes = 0
        self._lock = threading.Lock()
        self._next_seq = 1
        self.clears = 0  # how many times it was emptied: a reader's cue to drop what it showed

    def record(self, call: Call) -> None:
        cost = call.cost()
        with self._lock:
            call.seq = self._next_seq
            self._next_seq += 1
            calls = self._calls
            calls.append((call, cost))
            self._bytes += cost
            while len(calls) > 1 and (len(calls) > self.limit or self._bytes > self.max_bytes):
                self._bytes -= calls.popleft()[1]

    @property
    def bytes(self) -> int:
        """What the kept entries are counted as, in bytes."""
        return self._bytes

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()
            self._bytes = 0
            self.clears += 1

    def since(self, seq: int, limit: int) -> list[Call]:
        """The newest `limit` calls recorded after call `seq`, oldest first: read from the
        newest end, so a poller pays for what is new, not for the whole journal."""
        found: list[Call] = []
        with self._lock:
            for call, _ in reversed(self._calls):
                if call.seq <= seq or len(found) >= limit:
                    break
                found.append(call)
        found.reverse()
        return found

    def _snapshot(self) -> list[Call]:
        with self._lock:
            return [call for call, _ in self._calls]

    def __iter__(self):
        return iter(self._snapshot())

    def __len__(self) -> int:
        return len(self._calls)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._snapshot()[index]
        with self._lock:  # calls[-1] is the common case: a deque indexes its ends in O(1)
            return self._calls[index][0]


# Faults live in memory and every request scans them: both bounded.
MAX_FAULTS = 1_000
MAX_FAULT_TEXT = 1_000
MAX_FAULT_DELAY = 60.0  # seconds: a served fake's thread waits that long per request

# Where a fault is taken (`Faults.take`): in-process, the transport (requests' adapter,
# aiohttp's session) takes those that wait or raise, so that a wait never blocks an event
# loop, and the app those that only answer a status; a request that came over a socket
# takes every fault that does not raise (an exception cannot cross HTTP) in the app.
TRANSPORT, APP, SERVED = "transport", "app", "served"


@dataclass
class Fault:
    """The next `times` requests matching `method` and `path` (glob patterns allowed, `*`
    for any) fail: with `status` and `error` in the envelope, or, in-process, by raising
    `raises` (e.g. requests.ConnectionError) as if the network had failed. `delay` seconds
    pass first (the answer is that late; past the client's timeout, the client times out);
    with `status=None` the request is then answered as usual: added latency only.
    `times=None` means every matching request. `id` is given by the registry it is added to
    (`Faults.add`), unique for that registry's life: `Faults.remove(id)` and
    `DELETE /_mock/faults/{id}` name it."""

    method: str
    path: str
    status: int | None = 500
    error: str | None = None
    times: int | None = 1
    raises: type[BaseException] | None = None
    delay: float = 0.0
    hits: int = field(default=0, init=False, compare=False)  # requests it failed so far
    id: int = field(default=0, init=False, compare=False)  # 0 until added
    warned: bool = field(default=False, init=False, compare=False, repr=False)  # named as never matched

    def __post_init__(self):
        """One rule for MLSMock.fail and POST /_mock/faults. An answer the client cannot
        parse (204, 304: no body) is not a fault the fake will fake."""
        for name in ("method", "path"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value or len(value) > 1000:
                raise FieldError(name, "must be a non-empty glob pattern, `*` for any")
        # Patterns no request can match are refused now, not found out as a fault that never fired.
        if not METHOD_GLOB.fullmatch(self.method):
            raise FieldError("method", f"{self.method[:40]!r} can match no HTTP method: e.g. 'GET', 'P*', '*'")
        if self.path[0] not in "/*?[":
            raise FieldError("path", f"must start with '/' (or a wildcard): request paths do, e.g. '/{self.path[:40]}'")
        if (
            not isinstance(self.delay, (int, float))
            or isinstance(self.delay, bool)
            or not math.isfinite(self.delay)
            or not 0 <= self.delay <= MAX_FAULT_DELAY
        ):
            raise FieldError("delay", f"must be a number of seconds from 0 to {MAX_FAULT_DELAY:g}")
        if self.status is None:
            if not self.delay and self.raises is None:
                raise FieldError("status", "may be null only with a delay (added latency alone)")
        elif not isinstance(self.status, int) or isinstance(self.status, bool) or not 400 <= self.status <= 599:
            raise FieldError("status", "must be an HTTP error status, 400 to 599" + (", or null" if self.delay else ""))
        if self.error is not None and (
            not isinstance(self.error, str) or not self.error or len(self.error) > MAX_FAULT_TEXT
        ):
            raise FieldError("error", f"must be a non-empty string of at most {MAX_FAULT_TEXT} characters, or null")
        if self.times is not None and (
            not isinstance(self.times, int) or isinstance(self.times, bool) or not 1 <= self.times <= MAX_ID
        ):
            raise FieldError("times", f"must be an integer from 1 to {MAX_ID}, or null for every matching request")
        if self.raises is not None and not (isinstance(self.raises, type) and issubclass(self.raises, BaseException)):
            raise FieldError("raises", "must be an exception class, e.g. requests.ConnectionError")

    def matches(self, method: str, path: str) -> bool:
        return fnmatch.fnmatchcase(method.upper(), self.method.upper()) and fnmatch.fnmatchcase(path, self.path)

    @property
    def message(self) -> str:
        what = f" {self.status}" if self.status is not None else ""
        return self.error or f"injected fault:{what} for {self.method} {self.path}"

    def describe(self) -> dict:
        return {
            "id": self.id,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "error": self.error,
            "times": self.times,
            "raises": self.raises.__name__ if self.raises else None,
            "delay": self.delay,
        }

    def taken_at(self, stage: str) -> bool:
        if stage == TRANSPORT:
            return self.raises is not None or self.delay > 0
        if stage == APP:
            return self.raises is None and not self.delay
        return self.raises is None


class Faults:
    """The faults waiting to fire, in the order added (the first that matches fires). Ids
    are never reused, not even after `clear()`: a stale id (a test's handle, a dashboard
    page left open) cannot remove a fault added since."""

    def __init__(self):
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._next_id = 1

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            if len(self._faults) >= MAX_FAULTS:  # without an admin token, anyone may add them
                raise Conflict(f"{MAX_FAULTS} faults are waiting already; remove some (DELETE /_mock/faults) first")
            if fault.id:
                raise ValueError(f"fault {fault.id} was added already")
            fault.id, self._next_id = self._next_id, self._next_id + 1
            self._faults.append(fault)
        return fault

    def remove(self, fault_id: int) -> Fault | None:
        """Remove the waiting fault with this id; None when none waits (unknown, used up, removed)."""
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.id == fault_id:
                    return self._faults.pop(index)
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def __len__(self) -> int:
        return len(self._faults)

    def take(self, method: str, path: str, stage: str) -> Fault | None:
        """Use up one matching fault of those taken at `stage` (TRANSPORT, APP or SERVED)."""
        if not self._faults:  # the common case, without the lock
            return None
        with self._lock:
            for fault in self._faults:
                if fault.taken_at(stage) and fault.matches(method, path):
                    fault.hits += 1
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times == 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def describe(self) -> list[dict]:
        with self._lock:
            return [f.describe() for f in self._faults]

    def never_matched(self) -> list[Fault]:
        with self._lock:
            return [f for f in self._faults if not f.hits]
