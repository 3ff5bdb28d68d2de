"""What passes through the fake besides state: the request journal and injected faults.
Both belong to an app (not the store), so `reset()` of the data leaves them alone."""
import collections
import fnmatch
import threading
from dataclasses import dataclass, field
from typing import Any, Deque, List, Optional, Type

from .errors import FieldError


@dataclass(frozen=True)
class Call:
    """One request the fake answered."""

    method: str
    path: str
    query: dict
    json: Any
    status: int
    user: Optional[str]


class Journal:
    """The newest `limit` calls, oldest first; bounded so a long-running server stays small."""

    def __init__(self, limit: int = 10_000):
        self._calls: Deque[Call] = collections.deque(maxlen=limit)

    def record(self, call: Call) -> None:
        self._calls.append(call)  # deque.append is atomic under the GIL

    def clear(self) -> None:
        self._calls.clear()

    def __iter__(self):
        return iter(list(self._calls))

    def __len__(self) -> int:
        return len(self._calls)

    def __getitem__(self, index):
        # calls[-1] is the common case: a deque indexes its ends in O(1); slices need a copy.
        return list(self._calls)[index] if isinstance(index, slice) else self._calls[index]


@dataclass
class Fault:
    """The next `times` requests matching `method` and `path` (glob patterns allowed, `*`
    for any) fail: with `status` and `error` in the envelope, or, in-process, by raising
    `raises` (e.g. requests.ConnectionError) as if the network had failed. `times=None`
    means every matching request."""

    method: str
    path: str
    status: int = 500
    error: Optional[str] = None
    times: Optional[int] = 1
    raises: Optional[Type[BaseException]] = None
    hits: int = field(default=0, init=False, compare=False)  # requests it failed so far

    def __post_init__(self):
        """One rule for MLSMock.fail and POST /_mock/faults. An answer the client cannot
        parse (204, 304: no body) is not a fault the fake will fake."""
        for field in ("method", "path"):
            value = getattr(self, field)
            if not isinstance(value, str) or not value or len(value) > 1000:
                raise FieldError(field, "must be a non-empty glob pattern, `*` for any")
        if not isinstance(self.status, int) or isinstance(self.status, bool) or not 400 <= self.status <= 599:
            raise FieldError("status", "must be an HTTP error status, 400 to 599")
        if self.error is not None and (not isinstance(self.error, str) or not self.error):
            raise FieldError("error", "must be a non-empty string or null")
        if self.times is not None and (not isinstance(self.times, int) or isinstance(self.times, bool) or self.times < 1):
            raise FieldError("times", "must be a positive integer, or null for every matching request")
        if self.raises is not None and not (isinstance(self.raises, type) and issubclass(self.raises, BaseException)):
            raise FieldError("raises", "must be an exception class, e.g. requests.ConnectionError")

    def matches(self, method: str, path: str) -> bool:
        return fnmatch.fnmatchcase(method.upper(), self.method.upper()) and fnmatch.fnmatchcase(path, self.path)

    @property
    def message(self) -> str:
        return self.error or f"injected fault: {self.status} for {self.method} {self.path}"

    def describe(self) -> dict:
        return {"method": self.method, "path": self.path, "status": self.status, "error": self.error,
                "times": self.times, "raises": self.raises.__name__ if self.raises else None}


class Faults:
    def __init__(self):
        self._faults: List[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def __len__(self) -> int:
        return len(self._faults)

    def take(self, method: str, path: str, network: bool) -> Optional[Fault]:
        """Use up one matching fault of the given kind (network: one that raises)."""
        if not self._faults:  # the common case, without the lock
            return None
        with self._lock:
            for fault in self._faults:
                if (fault.raises is not None) == network and fault.matches(method, path):
                    fault.hits += 1
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times == 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def describe(self) -> List[dict]:
        with self._lock:
            return [f.describe() for f in self._faults]

    def never_matched(self) -> List[Fault]:
        with self._lock:
            return [f for f in self._faults if not f.hits]
