"""Running a suite against a chosen AB API server (a real one, or a standalone fake) safely.

`RemoteGate` is a `requests` router for that server's origin only. Reads pass. Writes
(POST, PUT, PATCH, DELETE) raise `WritesNotAllowed` unless writes were allowed; when they
are, every response is read on its way back to the caller: each record a POST created is
noted (a journal of the client's own responses, so nothing is listed or diffed), each record
a DELETE removed is forgotten, and `cleanup()` deletes what is left, newest first, children
before parents (`_KINDS`), and the DynamoDB items a test put (with the POST that deletes an item).
"""

import base64
import json
import re
import threading
from typing import Self

import requests

from . import transport

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# What a test may create on the target server, one kind a line, in cleanup order (children
# before parents): kind, the collection a POST creates it in (a bucket's names its
# experiment), and the path that deletes it (None: the AB API has no DELETE for it).
_KINDS = (
    ("channel", r"/api/v1/channels", "/api/v1/channels/{id}"),
    ("bucket", r"/api/v1/experiments/(\d+)/buckets", "/api/v1/experiments/{parent}/buckets/{id}"),
    ("experiment", r"/api/v1/experiments", "/api/v1/experiments/{id}"),
    ("filter", r"/api/v1/filters", "/api/v1/filters/{id}"),
    ("model", r"/api/v1/models", "/api/v1/models/{id}"),  # after its buckets, before its components
    ("dimension", r"/api/v1/dimensions", "/api/v1/dimensions/{id}"),
    ("ml_feature", r"/api/v1/ml_features", "/api/v1/ml_features/{id}"),
    ("client", r"/api/v1/clients", "/api/v1/clients/{id}"),
    ("profile", r"/api/v1/profile", "/api/v1/profile/{id}"),
    ("edge", r"/api/v1/edges", "/api/v1/edges/{id}"),
    ("vertex", r"/api/v1/vertices", "/api/v1/vertices/{id}"),
    ("meta_item", r"/api/v1/meta_tables/(\d+)/meta_items", "/api/v1/meta_tables/{parent}/meta_items/{id}"),
    ("meta_table", r"/api/v1/meta_tables", "/api/v1/meta_tables/{id}"),  # a bulk's items go with their table
    ("component", r"/api/v1/components", "/api/v1/components/{id}"),  # after the models that name them
    ("dataset", r"/api/v1/datasets", "/api/v1/datasets/{id}"),
)
_CREATED = [(re.compile(f"^{collection}/?$"), kind) for kind, collection, _ in _KINDS]
_DELETE_PATHS = {kind: path for kind, _, path in _KINDS if path}
_CLEANUP_ORDER = ("dynamodb_item", *(kind for kind, _, _ in _KINDS))
# A DynamoDB item is put and deleted with POST /api/v1/dynamodb ({"type", "table_name", "body"}).
DYNAMODB_ITEMS = "/api/v1/dynamodb"
# The key of a put item, as sktmls's own update_item finds it (the client cannot know a table's key).
DYNAMODB_KEY_ATTRIBUTES = ("id", "user_id", "item_id")


class WritesNotAllowed(RuntimeError):
    """A test tried to change a server the suite was pointed at without --mls-allow-writes."""


class Created:
    """One record a test created: kind, id, and the experiment id for a bucket; a DynamoDB
    item (id 0) carries instead the body of the POST that deletes it."""

    __slots__ = ("kind", "id", "parent", "undo")

    def __init__(self, kind: str, record_id: int, parent: int | None = None, undo: dict | None = None):
        self.kind, self.id, self.parent, self.undo = kind, record_id, parent, undo

    @property
    def path(self) -> str | None:
        if self.undo is not None:
            return DYNAMODB_ITEMS
        template = _DELETE_PATHS.get(self.kind)
        return template and template.format(id=self.id, parent=self.parent)

    def __repr__(self) -> str:
        if self.undo is not None:
            return f"{self.kind} {self.undo['body']} of {self.undo['table_name']}"
        return f"{self.kind} {self.id}"


class RemoteGate(transport.Router):
    def __init__(self, url: str, username: str, password: str, allow_writes: bool = False):
        self.url = self.remote = url.rstrip("/")
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
        relative = path[len(self._prefix) :] if path.startswith(self._prefix) else path
        self._note(method, relative, response, prepared.body)
        return response

    def refusal(self, method: str, path: str) -> WritesNotAllowed:
        """The error a write gets before it leaves the process, saying how to allow it."""
        return WritesNotAllowed(
            f"mls-mock refused {method} {path} on {self.url}: this suite targets a server given with "
            f"--mls-url, and writing to it needs --mls-allow-writes (the plugin then deletes what each "
            f"test created)"
        )

    def _note(self, method: str, path: str, response: requests.Response, sent: bytes | str | None = None) -> None:
        if not 200 <= response.status_code < 300:
            return
        if path.rstrip("/") == DYNAMODB_ITEMS or path.startswith(DYNAMODB_ITEMS + "/tables/"):
            self._note_dynamodb(method, path, sent)
        elif method == "POST":
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

    def _note_dynamodb(self, method: str, path: str, sent_body: bytes | str | None) -> None:
        """A put item is noted with the delete that undoes it; a deleted item or table forgotten."""
        if method == "DELETE":  # DELETE /api/v1/dynamodb/tables/<table>: its items went with it
            table = path.rstrip("/").rpartition("/")[2]
            with self._lock:
                self._created = [c for c in self._created if c.undo is None or c.undo["table_name"] != table]
            return
        try:
            sent = json.loads(sent_body or b"null")
        except ValueError:
            return
        if not isinstance(sent, dict) or not isinstance(sent.get("body"), dict):
            return
        item, table_name = sent["body"], sent.get("table_name")
        attribute = next((a for a in DYNAMODB_KEY_ATTRIBUTES if a in item), None)
        if attribute is None:
            return
        undo = {"type": "delete", "table_name": table_name, "body": {attribute: item[attribute]}}
        if sent.get("type") not in ("put", "delete"):
            return
        with self._lock:
            self._created = [c for c in self._created if c.undo != undo]
            if sent["type"] == "put":
                self._created.append(Created("dynamodb_item", 0, undo=undo))

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
                method = "DELETE" if record.undo is None else "POST"
                response = requests.request(
                    method, self.url + record.path, json=record.undo, headers=self._auth, timeout=30
                )
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
