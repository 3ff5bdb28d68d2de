"""The application factory: a fresh Flask app around one store, answering every request,
errors included, with the client's JSON envelope."""
import base64
import json
from dataclasses import dataclass, field
from typing import Dict, Optional

from flask import Flask, current_app, g, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound as RouteNotFound, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from . import assumptions, openapi
from .api import admin, buckets, channels, experiments, filters, models
from .api.common import envelope
from .errors import MLSMockError, Unauthorized
from .store import Store
from .traffic import Call, Faults, Journal

API_PREFIX = "/api/"
BLUEPRINTS = (channels.bp, experiments.bp, buckets.bp, filters.bp, models.bp, admin.bp, openapi.bp)


@dataclass
class MockState:
    """Everything one app serves from; `app.extensions["mls_mock"]`."""

    store: Store
    users: Optional[Dict[str, str]] = None
    journal: Journal = field(default_factory=Journal)
    faults: Faults = field(default_factory=Faults)

    def reset(self) -> None:
        """Empty the store (IDs restart at 1), the journal and the faults."""
        self.store.reset()
        self.journal.clear()
        self.faults.clear()


def create_app(store: Optional[Store] = None, users: Optional[Dict[str, str]] = None,
               propagate_exceptions: bool = False, journal_limit: int = 10_000) -> Flask:
    """Build a fake MLS AB API.

    `users` maps username to password; without it any credentials are accepted.
    `propagate_exceptions` lets a bug in the fake raise in the caller (in-process use)
    instead of becoming a 500 envelope (served use).
    """
    app = Flask("mls_mock")
    # No automatic OPTIONS: Flask answers it with an empty text/html body; 405 is an envelope.
    app.config.update(MAX_CONTENT_LENGTH=assumptions.MAX_BODY_BYTES, PROPAGATE_EXCEPTIONS=propagate_exceptions,
                      PROVIDE_AUTOMATIC_OPTIONS=False)
    app.url_map.strict_slashes = False
    app.url_map.converters["int"] = AsciiIntConverter  # before any rule is added
    state = MockState(store or Store(), users, Journal(journal_limit))
    app.extensions["mls_mock"] = state
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.before_request(_inject_fault_then_authenticate)
    app.after_request(_record_call)
    app.register_error_handler(MLSMockError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    if not propagate_exceptions:
        app.register_error_handler(Exception, _internal_error)
    return app


class AsciiIntConverter(IntegerConverter):
    """`<int:...>` with ASCII digits only: werkzeug's `\\d+` also matches other scripts' digits,
    so `DELETE /api/v1/channels/１` (a fullwidth 1) deleted channel 1."""

    regex = r"[0-9]+"


def _inject_fault_then_authenticate():
    # Each `request.` / `g.` is a context lookup: on the hot path, look each up once.
    req, ctx_globals = request._get_current_object(), g._get_current_object()
    ctx_globals.mls_user = None
    if not req.path.startswith(API_PREFIX):
        return None
    state = _state()
    fault = state.faults.take(req.method, req.path, network=False)
    if fault is not None:
        return envelope(None, fault.status, fault.message)
    ctx_globals.mls_user = _authenticate(state.users)
    if (req.content_length or 0) > assumptions.MAX_BODY_BYTES:  # on every route, read or not
        raise RequestEntityTooLarge()
    return None


def _state() -> MockState:
    return current_app.extensions["mls_mock"]


# Authorization header -> (username, password): decoding is pure, and a suite sends the
# same header thousands of times. Bounded; refused headers are never kept.
_DECODED: Dict[str, tuple] = {}


def _authenticate(users: Optional[Dict[str, str]]) -> str:
    header = request.headers.get("Authorization", "")
    known = _DECODED.get(header)
    if known is not None:
        username, password = known
    else:
        username, password = _decode_basic(header)
        if len(_DECODED) < 1024:
            _DECODED[header] = (username, password)
    if users is not None and users.get(username) != password:
        raise Unauthorized("Authorization: wrong username or password")
    return username


def _decode_basic(header: str) -> tuple:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic" or not token.strip():
        raise Unauthorized("Authorization: Basic credentials are required")
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except ValueError:  # binascii.Error, UnicodeDecodeError, and non-ASCII text given to b64decode
        raise Unauthorized("Authorization: malformed Basic credentials") from None
    username, colon, password = decoded.partition(":")
    if not colon or not username:
        raise Unauthorized("Authorization: Basic credentials need a username and a password")
    return username, password


def _record_call(response):
    req = request._get_current_object()
    if req.path.startswith(API_PREFIX):
        try:  # an oversized body raises again here: the call is journaled without it
            raw = req.get_data(cache=True) if req.content_length != 0 else b""
            body = json.loads(raw) if raw else None
        except (ValueError, RecursionError, RequestEntityTooLarge):
            body = None
        _state().journal.record(Call(req.method, req.path, req.args.to_dict(), body,
                                     response.status_code, g.get("mls_user")))
    return response


def _domain_error(error: MLSMockError):
    response = envelope(None, error.status, error.message)
    response.headers.update(error.headers)
    return response


def _http_error(error: HTTPException):
    if isinstance(error, RouteNotFound):
        message = f"no such route: {request.method} {request.path}"
    elif isinstance(error, MethodNotAllowed):
        allowed = ", ".join(sorted(error.valid_methods or ()))
        message = f"{request.method} is not allowed on {request.path}; allowed: {allowed}"
    elif isinstance(error, RequestEntityTooLarge):
        message = f"request body is larger than {assumptions.MAX_BODY_BYTES} bytes"
    else:
        message = error.description or error.name
    response = envelope(None, error.code or 500, message)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def _internal_error(error: Exception):
    return envelope(None, 500, f"internal error in mls-mock: {type(error).__name__}: {error}")
