"""The in-process path: a prepared `requests` request turned into a `wire.Request` and
answered by the app's dispatcher, the very one its WSGI adapter calls, without a socket
and without WSGI."""

from urllib.parse import parse_qsl, unquote_to_bytes, urlsplit

import requests
import werkzeug.urls  # noqa: F401  registers the "werkzeug.url_quote" codec error handler used below
from requests.structures import CaseInsensitiveDict

from . import assumptions
from .routing import Dispatcher
from .state import AppState
from .transport import body_bytes, origin, sent, to_response
from .wire import Request

MAX_BODY = assumptions.MAX_BODY_BYTES


class PreparedHeaders:
    """A prepared request's headers, read by name as a server would see them (latin-1
    text), without copying them first."""

    __slots__ = ("_headers", "_lowered")

    def __init__(self, headers):
        self._headers = headers
        # requests keeps them as {lower-case name: (name, value)}: read that store directly, past
        # the Mapping.get -> __getitem__ -> lower() chain (the fake reads several per request).
        self._lowered = vars(headers)["_store"] if type(headers) is CaseInsensitiveDict else None

    def get(self, name: str, default=None):
        if self._lowered is not None:
            pair = self._lowered.get(name.lower())
            value = None if pair is None else pair[1]
        else:
            value = self._headers.get(name)
        if value is None:
            return default
        return value.decode("latin-1") if isinstance(value, bytes) else value


class InProcess:
    """Answers in-process requests with one app's dispatcher."""

    def __init__(self, state: AppState, dispatcher: Dispatcher):
        self.state, self.dispatcher = state, dispatcher

    def __call__(
        self, prepared: requests.PreparedRequest, where=None, prefix: str = "", fault=None
    ) -> requests.Response:
        """`where`: the URL's `transport.origin`, when the caller has it already; `prefix`: the
        path prefix its API is mounted under (`hosts.MOUNTS`); `fault`: the one the transport
        took for this request (`traffic.TRANSPORT`), if any."""
        url, method = sent(prepared)
        parts = urlsplit(url)
        method = method.upper()
        path = decoded_path(parts.path)
        if prefix:
            path = prefix + path
        headers = PreparedHeaders(prepared.headers)
        raw = prepared.body
        body = raw if type(raw) is bytes else body_bytes(prepared)
        length: int | None = len(body)
        # requests streams (chunked) only a body of unknown length: no length to check up front,
        # as werkzeug sees it; it is read whole here.
        if (
            raw is not None
            and not isinstance(raw, (bytes, str))
            and "chunked" in headers.get("Transfer-Encoding", "").lower()
        ):
            length = None
        scheme, host, port = where or origin(url)
        req = Request(
            self.state,
            method,
            path,
            query_args(parts.query),
            headers,
            length,
            body if len(body) <= MAX_BODY else None,
            (host, port),
            scheme,
            parts.query,
        )
        req.in_process = True
        if fault is not None and fault.status is not None:
            req.fault = fault
        reply = self.dispatcher.dispatch(req)
        return to_response(prepared, reply.status, reply.headers, b"" if method == "HEAD" else reply.body)


# Raw URL path -> decoded path: a suite asks for the same few paths again and again.
_PATHS: dict[str, str] = {}


def decoded_path(raw: str) -> str:
    """What werkzeug makes of PATH_INFO: the percent-decoded bytes, read as UTF-8."""
    path = _PATHS.get(raw)
    if path is not None:
        return path
    path = "/" + unquote_to_bytes(raw or "/").decode("utf-8", "replace").lstrip("/")
    if len(_PATHS) < 1024 and len(raw) <= 256:
        _PATHS[raw] = path
    return path


# Query string -> its args: a suite sends the same few queries (sktmls's `mode=test` on
# every recommendation call). Each request gets its own copy: the journal keeps it.
_QUERIES: dict[str, dict[str, list[str]]] = {}


def query_args(query: str) -> dict:
    """What werkzeug's `request.args.to_dict(flat=False)` gives: bytes that are not UTF-8
    stay percent-encoded."""
    if not query:
        return {}
    known = _QUERIES.get(query)
    if known is None:
        known = _parse_query(query)
        if len(_QUERIES) < 1024 and len(query) <= 256:
            _QUERIES[query] = known
    return {name: list(values) for name, values in known.items()}


def _parse_query(query: str) -> dict:
    args: dict = {}
    if query:
        for name, value in parse_qsl(query, keep_blank_values=True, errors="werkzeug.url_quote"):
            values = args.get(name)
            if values is None:
                args[name] = [value]
            else:
                values.append(value)
    return args
