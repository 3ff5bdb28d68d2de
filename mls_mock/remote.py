"""Running a suite against a chosen AB API server (a real one, or a standalone fake) safely.

`RemoteGate` is a `requests` router for that server's origin only. Reads pass. Writes
(POST, PUT, PATCH, DELETE) raise `WritesNotAllowed` unless writes were allowed; when they
are, every response is read on its way back to the caller: each record a POST created is
noted (a journal of the client's own responses, so nothing is listed or diffed), each record
a DELETE removed is forgotten, and `cleanup()` deletes what is left, newest first, children
before parents (channels, buckets, experiments, filters, models, components, datasets).
"""

import base64
import json
import re
import threading
from typing import Self

import requests

from . import transport

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_CREATED = [
    (re.compile(r"^/api/v1/channels/?$"), "channel"),
    (re.compile(r"^/api/v1/experiments/?$"), "experiment"),
    (re.compile(r"^/api/v1/experiments/(\d+)/buckets/?$"), "bucket"),
    (re.compile(r"^/api/v1/filters/?$"), "filter"),
    (re.compile(r"^/api/v1/models/?$"), "model"),
    (re.compile(r"^/api/v1/components/?$"), "component"),
    (re.compile(r"^/api/v1/datasets/?$"), "dataset"),
]
_DELETE_PATHS = {
    "channel": "/api/v1/channels/{id}",
    "experiment": "/api/v1/experiments/{id}",
    "bucket": "/api/v1/experiments/{parent}/buckets/{id}",
    "filter": "/api/v1/filters/{id}",
    "model": "/api/v1/models/{id}",
    "component": "/api/v1/components/{id}",
    "dataset": "/api/v1/datasets/{id}",
}
# Buckets go before the models they serve; a model before the components it names and the
# dataset it was made from.
_CLEANUP_ORDER = ("channel", "bucket", "experiment", "filter", "model", "component", "dataset")


class WritesNotAllowed(RuntimeError):
    """A test tried to change a server the suite was pointed at without --mls-allow-writes."""


class Created:
    """One record a test created: kind, id, and the experiment id for a bucket."""

    __slots__ = ("kind", "id", "parent")

    def __init__(self, kind: str, record_id: int, parent: int | None = None):
        self.kind, self.id, self.parent = kind, record_id, parent

    @property
    def path(self) -> str | None:
        template = _DELETE_PATHS.get(self.kind)
        return template and template.format(id=self.id, parent=self.parent)

    def __repr__(self) -> str:
        return f"{self.kind} {self.id}"


class RemoteGate(transport.Router):
    def __init__(self, url: str, username: str, password: str, allow_writes: bool = False):
        self.url = url.rstrip("/")
        self._origin = transport.origin(self.url)
        self._prefix = transport.urlsplit(self.url).path.rstrip("/")
        self.allow_writes = allow_writes
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        self._auth = {"Authorization": f"Basic {token}"}
        self._created: list[Created] = []
        self._lock = threading.Lock()
        self._active = False

    # ---- lifecycle ----------------------------------------------------------------------

    def start(self) -> Self:
        transport.activate(self)
        self._active = True
        return self

    def stop(self) -> None:
        if self._active:
            transport.deactivate(self)
            self._active = False

    @property
    def created(self) -> list[Created]:
        """What the tests created and did not delete, oldest first."""
        with self._lock:
            return list(self._created)

    # ---- transport ----------------------------------------------------------------------

    def handle(self, adapter, prepared, **kwargs):
        if transport.origin(prepared.url) != self._origin:
            return None
        method = prepared.method.upper()
        if method not in WRITE_METHODS:
            return None
        path = transport.urlsplit(prepared.url).path
        if not self.allow_writes:
            raise self.refusal(method, path)
        response = transport.send_onward(adapter, prepared, **kwargs)
        self._note(method, path[len(self._prefix) :] if path.startswith(self._prefix) else path, response)
        return response

    def refusal(self, method: str, path: str) -> WritesNotAllowed:
        """The error a write gets before it leaves the process, saying how to allow it."""
        return WritesNotAllowed(
            f"mls-mock refused {method} {path} on {self.url}: this suite targets a server given with "
            f"--mls-url, and writing to it needs --mls-allow-writes (the plugin then deletes what each "
            f"test created)"
        )

    def _note(self, method: str, path: str, response: requests.Response) -> None:
        if not 200 <= response.status_code < 300:
            return
        if method == "POST":
            for pattern, kind in _CREATED:
                match = pattern.match(path)
                if match:
                    record_id = _results_id(response)
                    if record_id is not None:
                        parent = int(match.group(1)) if match.groups() else None
                        with self._lock:
                            self._created.append(Created(kind, record_id, parent))
                    return
        elif method == "DELETE":
            with self._lock:
                self._created = [c for c in self._created if c.path != path.rstrip("/")]

    # ---- cleanup ------------------------------------------------------------------------

    def cleanup(self) -> tuple[list[Created], list[str]]:
        """Delete what was created since the last cleanup. Returns (deleted, problems); a
        record already gone (404) counts as deleted, a kind without a DELETE in the API as a
        problem to clean up by hand."""
        with self._lock:
            pending, self._created = self._created, []
        rank = {kind: index for index, kind in enumerate(_CLEANUP_ORDER)}
        pending.sort(key=lambda c: (rank.get(c.kind, len(rank)), -c.id))
        deleted, problems = [], []
        for record in pending:
            if record.path is None:
                problems.append(f"{record!r}: the AB API has no DELETE for it; remove it by hand")
                continue
            try:
                response = requests.request("DELETE", self.url + record.path, headers=self._auth, timeout=30)
            except requests.RequestException as error:
                problems.append(f"{record!r}: DELETE failed: {error}")
                continue
            if response.status_code in (200, 202, 204, 404):
                deleted.append(record)
            else:
                problems.append(f"{record!r}: DELETE answered {response.status_code}: {response.text[:200]}")
        return deleted, problems


def _results_id(response: requests.Response) -> int | None:
    try:
        results = json.loads(response.content or b"null").get("results")
    except (ValueError, AttributeError):
        return None
    record_id = results.get("id") if isinstance(results, dict) else None
    return record_id if isinstance(record_id, int) else None
