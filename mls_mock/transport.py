"""Routes `requests` calls for MLS hosts into an app in the same process, no socket: any WSGI
app through `call_wsgi`, or the fake's own dispatcher through `inprocess.InProcess`.

`requests.adapters.HTTPAdapter.send` is patched while at least one router is active (the
way `responses` does it), so every Session, including the fresh one sktmls makes per call,
is covered. The innermost active router answers; hosts it does not serve pass through.
"""

import collections
import functools
import io
import sys
import threading
from collections.abc import Callable
from http.client import responses as REASONS
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.cookies import RequestsCookieJar
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

DEFAULT_PORTS = {"http": 80, "https": 443}
Origin = tuple[str, str, int | None]  # (scheme, host, port)
Send = Callable[..., requests.Response]  # HTTPAdapter.send, or what stands in for it


@functools.lru_cache(maxsize=512)
def _origin_of_prefix(prefix: str) -> Origin:
    parts = urlsplit(prefix)
    scheme = parts.scheme.lower()
    # "ab.stg.sktmls.com." is the same host as without the dot: it must not slip past.
    return scheme, (parts.hostname or "").lower().rstrip("."), parts.port or DEFAULT_PORTS.get(scheme)


def origin(url: str) -> Origin:
    """(scheme, host, port) of a URL, the key routers match on. Cached by `scheme://netloc`,
    and by the whole URL for the short ones a suite sends again and again: every router asks
    it of every request."""
    found = _ORIGINS.get(url)
    if found is not None:
        return found
    scheme, sep, rest = url.partition("://")
    if not sep:
        found = _origin_of_prefix(url)
    else:
        found = _origin_of_prefix(scheme + sep + rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0])
    if len(url) <= 256:
        if len(_ORIGINS) >= 1024:
            _ORIGINS.clear()
        _ORIGINS[url] = found
    return found


_ORIGINS: dict[str, Origin] = {}


def sent(prepared: requests.PreparedRequest) -> tuple[str, str]:
    """The URL and method of a request being sent: prepare() has set both (requests types
    them Optional, as a PreparedRequest starts without them)."""
    url, method = prepared.url, prepared.method
    assert url is not None and method is not None, "the request is not prepared"
    return url, method


def body_bytes(prepared: requests.PreparedRequest) -> bytes:
    body = prepared.body or b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if not isinstance(body, bytes):  # a file or generator body
        return body.read() if hasattr(body, "read") else b"".join(body)
    return body


def wsgi_environ(prepared: requests.PreparedRequest) -> dict:
    """The WSGI environ a server would build for this request."""
    url, method = sent(prepared)
    parts = urlsplit(url)
    body = body_bytes(prepared)
    scheme, host, port = origin(url)
    environ = {
        "REQUEST_METHOD": method.upper(),
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(parts.path or "/").decode("latin-1"),
        "QUERY_STRING": parts.query,
        "SERVER_NAME": host,
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,  # read whole already: werkzeug may read a chunked body to its end
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    environ.update(wsgi_headers(prepared))
    return environ


def wsgi_headers(prepared: requests.PreparedRequest) -> dict:
    """The request's headers as WSGI environ entries (`HTTP_X_ADMIN_TOKEN`, `CONTENT_TYPE`);
    Content-Length is the body's own length, set apart."""
    headers = {}
    for name, value in prepared.headers.lower_items():
        key = _ENVIRON_KEYS.get(name)
        if key is None:
            key = _environ_key(name)
            if len(_ENVIRON_KEYS) < 256:
                _ENVIRON_KEYS[name] = key
        if key:
            # requests sends bytes values as they are; a server reads latin-1
            headers[key] = value.decode("latin-1") if isinstance(value, bytes) else value
    return headers


# Lower-case header name -> its environ key ("" for Content-Length): a suite sends the same few names.
_ENVIRON_KEYS: dict[str, str] = {}


def _environ_key(name: str) -> str:
    key = name.upper().replace("-", "_")
    if key == "CONTENT_LENGTH":
        return ""
    return key if key == "CONTENT_TYPE" else "HTTP_" + key


# What requests.Response() sets, copied per response: its constructor also builds a cookie
# jar and policy, a fifth of an in-process request; each response still gets its own jar.
_RESPONSE_FIELDS = vars(requests.Response())
_COOKIE_POLICY = _RESPONSE_FIELDS["cookies"]._policy


def _new_response() -> requests.Response:
    response = requests.Response.__new__(requests.Response)
    fields = response.__dict__
    fields.update(_RESPONSE_FIELDS)
    fields["history"] = []
    fields["cookies"] = RequestsCookieJar(_COOKIE_POLICY)
    return response


@functools.lru_cache(maxsize=64)
def _encoding(content_type: str | None) -> str | None:
    """What requests makes of a Content-Type; the fake sends few distinct ones."""
    return get_encoding_from_headers({"content-type": content_type} if content_type is not None else {})


def to_response(prepared: requests.PreparedRequest, status: int, headers, content: bytes) -> requests.Response:
    """The Response a real adapter would return for this answer."""
    response = _new_response()
    response.status_code = status
    response.reason = REASONS.get(response.status_code, "")
    # What CaseInsensitiveDict(headers) holds ({lower-case name: (name, value)}), filled
    # directly: its constructor's Mapping checks cost more than these few pairs.
    lowered: collections.OrderedDict = collections.OrderedDict()
    content_type = None
    for name, value in headers:
        key = name.lower()
        lowered[key] = (name, value)
        if content_type is None and key == "content-type":
            content_type = value
    fields = response.headers = CaseInsensitiveDict.__new__(CaseInsensitiveDict)
    vars(fields)["_store"] = lowered
    response.encoding = _encoding(content_type)
    response._content = content
    response.url = sent(prepared)[0]
    response.request = prepared
    return response


def _drain(chunks) -> bytes:
    try:
        return b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()


def call_wsgi(app: Callable, prepared: requests.PreparedRequest) -> requests.Response:
    """Answer one prepared request with a WSGI app, as a real adapter would."""
    environ = wsgi_environ(prepared)
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, headers

    content = _drain(app(environ, start_response))
    return to_response(prepared, int(captured["status"].split(" ", 1)[0]), captured["headers"], content)


class Router:
    """What an active fake answers: `handle` returns a Response, raises, or returns None to
    let the request go on to the network. `remote`: the server a router sends MLS calls on
    to instead of answering them (the plugin's --mls-url gate), else None."""

    remote: str | None = None

    def handle(self, adapter: HTTPAdapter, prepared: requests.PreparedRequest, **kwargs) -> requests.Response | None:
        raise NotImplementedError


_routers: list[Router] = []
_lock = threading.Lock()
# A router activated while HTTPAdapter.send was someone else's (a `responses` mock, say)
# keeps that send: what no router answers goes there, and it is put back when the router
# stops. Nesting is expected to be last-in, first-out, as with context managers.
_displaced: dict[Router, Send] = {}
_network_send: Send = HTTPAdapter.send


def _installed() -> Send:
    return HTTPAdapter.send


def _install(send: Send) -> None:
    # Replacing the method is what this module is for; mypy refuses assignments to methods.
    HTTPAdapter.send = send  # type: ignore[method-assign]


def send_onward(adapter: HTTPAdapter, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
    """Send past every router: to the newest displaced send, else to the network."""
    for router in reversed(_routers):
        below = _displaced.get(router)
        if below is not None:
            return below(adapter, request, **kwargs)
    return _network_send(adapter, request, **kwargs)


def _routed_send(adapter: HTTPAdapter, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
    for router in reversed(_routers):
        response = router.handle(adapter, request, **kwargs)
        if response is not None:
            return response
    return send_onward(adapter, request, **kwargs)


def remote_target() -> str | None:
    """The --mls-url server active routers send MLS calls to, if any."""
    return next((router.remote for router in _routers if router.remote), None)


def activate(router: Router) -> None:
    with _lock:
        if router in _routers:
            raise RuntimeError("this MLSMock is already started")
        current = _installed()
        if current is not _routed_send and current is not _network_send:
            _displaced[router] = current
        _routers.append(router)
        _install(_routed_send)


def deactivate(router: Router) -> None:
    with _lock:
        if router not in _routers:
            return
        _routers.remove(router)
        below = _displaced.pop(router, None)
        if _installed() is _routed_send:  # else someone patched on top of us: leave theirs
            if below is not None:
                _install(below)
            elif not _routers:
                _install(_network_send)
