"""What every request goes through once routed, on every path into the fake: an injected
fault, then the caller's credentials (Basic auth on the AB API's /api/ routes, a client's
apikey on the runtime APIs) and the body limit, the admin token (on admin routes), the
declared query, the handler; any domain error becomes the envelope; every MLS API answer
is journaled. No Flask, no routing here."""

import base64
import hmac
import logging
import time
from collections.abc import Callable

from . import assumptions
from .errors import Forbidden, MLSMockError, PayloadTooLarge, ServiceUnavailable, Unauthorized
from .hosts import KEYED_PREFIXES, MMS_CLIENT_ID, MMS_PREFIXES, is_runtime
from .route import Route
from .traffic import APP, SERVED, Call
from .wire import Reply, Request, envelope, parse_query

log = logging.getLogger("mls_mock")  # the logger Flask's app.logger was
API_PREFIX = "/api/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def serve(req: Request, route: Route | None, handler: Callable, view_args: dict | None = None) -> Reply:
    """Answer `req` with `handler(req, **view_args, **query)`. `route` is None for a request
    routing refused (`handler` then says why). An unexpected exception raises when the state
    propagates exceptions (in-process use), else it is a 500 envelope."""
    api = req.path.startswith(API_PREFIX) or is_runtime(req.path)
    faulted = None
    try:
        if req.method not in SAFE_METHODS:
            check_same_origin(req)
        reply = faulted = _before(req) if api else None
        if reply is None:
            if route is None:
                results = handler(req)
            else:
                if route.admin and req.state.admin_token:
                    check_admin_token(req)
                if route.query and req.args:
                    results = handler(req, **(view_args or {}), **parse_query(req.args, route.query))
                else:
                    results = handler(req, **view_args) if view_args else handler(req)
            reply = results if isinstance(results, Reply) else envelope(results, route.status if route else 200)
    except MLSMockError as error:
        reply = error_reply(error)
    except Exception as error:
        if req.state.propagate_exceptions:
            raise
        log.error(f"Exception on {req.path} [{req.method}]", exc_info=True)  # as Flask logs it
        reply = internal_error(error)
    if api:
        _record(req, reply, refused=faulted is None and req.user is None)  # Basic auth did not pass
    return reply


def _before(req: Request) -> Reply | None:
    state = req.state
    fault = req.fault
    if fault is None and state.faults:
        fault = state.faults.take(req.method, req.path, APP if req.in_process else SERVED)
        if fault is not None and fault.delay:  # over a socket; in-process, the transport waited
            _wait(state, fault.delay)
    if fault is not None and fault.status is not None:
        return envelope(None, fault.status, fault.message)
    if req.path.startswith(API_PREFIX):
        req.user = authenticate(req.headers.get("Authorization", ""), state.users)
    elif req.path.startswith(KEYED_PREFIXES):
        req.user = authenticate_client(req)
    else:
        req.user = ""  # the graph API: sktmls sends no credentials
    if (req.content_length or 0) > assumptions.MAX_BODY_BYTES:  # on every route, read or not
        raise PayloadTooLarge(f"request body is larger than {assumptions.MAX_BODY_BYTES} bytes")
    return None


def _wait(state, seconds: float) -> None:
    """A delay fault, slept in this server thread, while one is left for everything else:
    past that, the request is answered at once with 503 rather than queue behind the sleepers."""
    slots = state.delay_slots
    if slots is None:
        time.sleep(seconds)
        return
    if not slots.acquire(blocking=False):
        raise ServiceUnavailable(
            "mls-mock: every server thread but one is already waiting out a delay fault; "
            "this request was answered at once (start the server with more --threads for more)"
        )
    try:
        time.sleep(seconds)
    finally:
        slots.release()


def check_same_origin(req: Request) -> None:
    """A browser sends `Origin` with every cross-site write: a page of another site must not
    change the fake (its faults, its state, the graph) on a developer's machine, nor may a
    page that rebinds a name to 127.0.0.1. Clients that are not browsers send no `Origin`."""
    origin = req.headers.get("Origin")
    if origin is not None and origin.partition("://")[2].rstrip("/").lower() != req.headers.get("Host", "").lower():
        raise Forbidden(f"Origin: {origin[:100]!r} is not this server: a page of another site may not change the fake")


def check_admin_token(req: Request) -> None:
    """`Authorization: Bearer <token>` or `X-Admin-Token: <token>`, compared in constant time."""
    expected = req.state.admin_token
    given = req.headers.get("X-Admin-Token")
    if given is None:
        scheme, _, token = req.headers.get("Authorization", "").partition(" ")
        given = token.strip() if scheme.lower() == "bearer" else ""
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise Unauthorized(
            "the admin API needs the admin token: `Authorization: Bearer <token>` or `X-Admin-Token: <token>`"
        )


def _record(req: Request, reply: Reply, refused: bool) -> None:
    """Journal the request and its answer. The body is kept as bytes (parsed only when read), and only when
    the request passed Basic auth and fits the journal's per-entry cap: whoever can reach
    the port must not be able to make the fake keep what they send. The answer (the fake's
    own bytes, shared, not copied) is kept under the same cap."""
    journal = req.state.journal
    raw = req.data  # None for a body over the limit: never read
    size = len(raw) if raw is not None else (req.content_length or 0)
    kept = raw if raw is not None and not refused and size <= journal.body_cap else b""
    args = req.args
    query = {name: values[0] for name, values in args.items()} if args else {}
    answer = reply.body
    journal.record(
        Call(
            req.method,
            req.path,
            query,
            reply.status,
            req.user,
            kept,
            size,
            len(kept) < size,
            args if args else {},
            answer if len(answer) <= journal.body_cap else b"",
            len(answer),
            served=req.served,
        )
    )


def error_reply(error: MLSMockError) -> Reply:
    return envelope(None, error.status, error.message, error.headers.items())


def internal_error(error: Exception) -> Reply:
    return envelope(None, 500, f"internal error in mls-mock: {type(error).__name__}: {error}")


# Authorization header -> (username, password): decoding is pure, and a suite sends the
# same header thousands of times. Bounded in count and size; malformed headers are never
# kept (they raise before the cache is written).
_DECODED: dict[str, tuple] = {}


def authenticate(header: str, users: dict[str, str] | None) -> str:
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


def authenticate_client(req: Request) -> str:
    """A runtime API call (`/<prefix>/<version>/<client_id>/...`): its `apikey` header must be
    the key of the registered client (ClientClient, or seeded) named `client_id`. From the MMS
    runtime sktmls sends `mls-mms` with neither a key nor `mode`, and only to the APIs whose client
    runs there; sent any other way, `mls-mms` is a client id like another. Returns the client id,
    the journal's user."""
    segments = req.path.split("/", 4)
    client_id = segments[3] if len(segments) > 3 else ""
    apikey = req.headers.get("apikey")
    as_mms_sends_it = apikey is None and "mode" not in (req.args or ()) and req.path.startswith(MMS_PREFIXES)
    if client_id == MMS_CLIENT_ID and as_mms_sends_it:
        return client_id
    if not apikey:
        raise Unauthorized("apikey: the header is required: the apikey of a client registered with ClientClient")
    holder = req.state.store.resources["clients"].name_of_apikey(apikey)
    if holder is None:
        raise Unauthorized("apikey: no registered client has this apikey")
    if holder != client_id:
        raise Unauthorized(f"apikey: not the key of client {client_id!r}")
    return client_id


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
