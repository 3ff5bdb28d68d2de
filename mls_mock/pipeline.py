"""The request pipeline, written once for every path into the fake (Flask's views and the
in-process `inprocess.Direct`): an injected fault, then Basic auth and the body limit (on
/api/ routes), then the handler; any domain error becomes the envelope; every /api/ answer
is journaled. No Flask here."""
import base64
from typing import Callable, Dict, Optional

from werkzeug.exceptions import HTTPException, MethodNotAllowed as RouteMethodNotAllowed, NotFound as RouteNotFound
from werkzeug.routing import RequestRedirect

from . import assumptions
from .api.common import Reply, Request, envelope
from .errors import MLSMockError, MethodNotAllowed, NotFound, PayloadTooLarge, Unauthorized
from .traffic import Call

API_PREFIX = "/api/"


def serve(req: Request, handler: Callable, status: int = 200, view_args: Optional[dict] = None) -> Reply:
    """Answer `req` with `handler(req, **view_args)`, the whole pipeline included. An
    unexpected exception raises when the app propagates exceptions (in-process use), else
    it is a 500 envelope."""
    api = req.path.startswith(API_PREFIX)
    faulted = None
    try:
        reply = faulted = _before(req) if api else None
        if reply is None:
            results = handler(req, **view_args) if view_args else handler(req)
            reply = results if isinstance(results, Reply) else envelope(results, status)
    except MLSMockError as error:
        reply = error_reply(error)
    except Exception as error:
        if req.app.config["PROPAGATE_EXCEPTIONS"]:
            raise
        req.app.logger.error(f"Exception on {req.path} [{req.method}]", exc_info=True)  # as Flask logs it
        reply = internal_error(error)
    if api:
        _record(req, reply.status, refused=faulted is None and req.user is None)  # Basic auth did not pass
    return reply


def _before(req: Request) -> Optional[Reply]:
    state = req.state
    fault = state.faults.take(req.method, req.path, network=False)
    if fault is not None:
        return envelope(None, fault.status, fault.message)
    req.user = authenticate(req.headers.get("Authorization", ""), state.users)
    if (req.content_length or 0) > assumptions.MAX_BODY_BYTES:  # on every route, read or not
        raise PayloadTooLarge(f"request body is larger than {assumptions.MAX_BODY_BYTES} bytes")
    return None


def _record(req: Request, status: int, refused: bool) -> None:
    """Journal the request. The body is kept as bytes (parsed only when read), and only when
    the request passed Basic auth and fits the journal's per-entry cap: whoever can reach
    the port must not be able to make the fake keep what they send."""
    journal = req.state.journal
    raw = req.data  # None for a body over the app's limit: never read
    size = len(raw) if raw is not None else (req.content_length or 0)
    kept = raw if raw is not None and not refused and size <= journal.body_cap else b""
    args = req.args
    query = {name: values[0] for name, values in args.items()} if args else {}
    journal.record(Call(req.method, req.path, query, status, req.user, kept, size, len(kept) < size,
                        args if args else {}))


def error_reply(error: MLSMockError) -> Reply:
    return envelope(None, error.status, error.message, error.headers.items())


def internal_error(error: Exception) -> Reply:
    return envelope(None, 500, f"internal error in mls-mock: {type(error).__name__}: {error}")


def unrouted(error: HTTPException) -> Callable:
    """A handler for a request routing refused (werkzeug's NotFound, MethodNotAllowed, or
    RequestRedirect for a `//` in the path): it runs the pipeline like any other, so faults,
    auth and the journal apply."""
    def refuse(req: Request):
        if isinstance(error, RequestRedirect):  # werkzeug's 308 to the merged path, in the envelope
            return envelope(None, error.code, f"moved to {error.new_url}", [("Location", error.new_url)])
        if isinstance(error, RouteNotFound):
            raise NotFound(f"no such route: {req.method} {req.path}")
        if isinstance(error, RouteMethodNotAllowed):
            allowed = ", ".join(sorted(error.valid_methods or ()))
            raise MethodNotAllowed(f"{req.method} is not allowed on {req.path}; allowed: {allowed}",
                                   error.valid_methods or ())
        return envelope(None, error.code or 500, error.description or error.name)
    return refuse


# Authorization header -> (username, password): decoding is pure, and a suite sends the
# same header thousands of times. Bounded in count and size; malformed headers are never
# kept (they raise before the cache is written).
_DECODED: Dict[str, tuple] = {}


def authenticate(header: str, users: Optional[Dict[str, str]]) -> str:
    known = _DECODED.get(header)
    if known is not None:
        username, password = known
    else:
        username, password = _decode_basic(header)
        if len(_DECODED) < 1024 and len(header) <= 512:
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
