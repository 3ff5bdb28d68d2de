"""The in-process path: a prepared `requests` request turned into a `wire.Request` and
answered by the app's dispatcher, the very one its WSGI adapter calls, without a socket
and without WSGI."""
from urllib.parse import parse_qsl, unquote_to_bytes, urlsplit

import requests
import werkzeug.urls  # noqa: F401  registers the "werkzeug.url_quote" codec error handler used below

from . import assumptions
from .routing import Dispatcher
from .state import AppState
from .transport import body_bytes, origin, to_response, wsgi_headers
from .wire import Headers, Request

MAX_BODY = assumptions.MAX_BODY_BYTES


class InProcess:
    """Answers in-process requests with one app's dispatcher."""

    def __init__(self, state: AppState, dispatcher: Dispatcher):
        self.state, self.dispatcher = state, dispatcher

    def __call__(self, prepared: requests.PreparedRequest, where=None) -> requests.Response:
        """`where`: the URL's `transport.origin`, when the caller has it already."""
        url = prepared.url
        parts = urlsplit(url)
        method = prepared.method.upper()
        # What werkzeug makes of PATH_INFO: the percent-decoded bytes, read as UTF-8.
        path = "/" + unquote_to_bytes(parts.path or "/").decode("utf-8", "replace").lstrip("/")
        headers = Headers(wsgi_headers(prepared))
        body = body_bytes(prepared)
        # A chunked body has no length to check up front, as werkzeug sees it; it is read whole here.
        length = None if "chunked" in headers.get("Transfer-Encoding", "").lower() else len(body)
        scheme, host, port = where or origin(url)
        req = Request(self.state, method, path, _query(parts.query), headers, length,
                      body if len(body) <= MAX_BODY else None, (host, port), scheme, parts.query)
        reply = self.dispatcher.dispatch(req)
        return to_response(prepared, reply.status, reply.headers, b"" if method == "HEAD" else reply.body)


def _query(query: str) -> dict:
    """What werkzeug's `request.args.to_dict(flat=False)` gives: bytes that are not UTF-8
    stay percent-encoded."""
    args: dict = {}
    if query:
        for name, value in parse_qsl(query, keep_blank_values=True, errors="werkzeug.url_quote"):
            values = args.get(name)
            if values is None:
                args[name] = [value]
            else:
                values.append(value)
    return args
