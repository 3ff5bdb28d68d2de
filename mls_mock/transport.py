"""Routes `requests` calls for MLS hosts into a WSGI app in the same process, no socket.

`requests.adapters.HTTPAdapter.send` is patched while at least one router is active (the
way `responses` does it), so every Session, including the fresh one sktmls makes per call,
is covered. The innermost active router answers; hosts it does not serve pass through.
"""
import functools
import io
import sys
import threading
from http.client import responses as REASONS
from typing import Callable, List, Optional
from urllib.parse import unquote_to_bytes, urlsplit

import requests
from flask import Flask
from flask.globals import _cv_app, _cv_request
from flask.signals import (appcontext_popped, appcontext_pushed, appcontext_tearing_down, got_request_exception,
                           request_finished, request_started, request_tearing_down)
from requests.adapters import HTTPAdapter
from requests.cookies import RequestsCookieJar
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from werkzeug.exceptions import HTTPException

from .errors import MLSMockError

DEFAULT_PORTS = {"http": 80, "https": 443}


@functools.lru_cache(maxsize=512)
def _origin_of_prefix(prefix: str):
    parts = urlsplit(prefix)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS.get(scheme)


def origin(url: str):
    """(scheme, host, port) of a URL, the key routers match on. Cached by `scheme://netloc`:
    every router asks it of every request."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return _origin_of_prefix(url)
    return _origin_of_prefix(scheme + sep + rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0])


def _body_bytes(prepared: requests.PreparedRequest) -> bytes:
    body = prepared.body or b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if not isinstance(body, bytes):  # a file or generator body
        return body.read() if hasattr(body, "read") else b"".join(body)
    return body


def wsgi_environ(prepared: requests.PreparedRequest) -> dict:
    """The WSGI environ a server would build for this request."""
    parts = urlsplit(prepared.url)
    body = _body_bytes(prepared)
    scheme, host, port = origin(prepared.url)
    environ = {
        "REQUEST_METHOD": prepared.method.upper(),
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
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in prepared.headers.lower_items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif key != "CONTENT_LENGTH":
            environ["HTTP_" + key] = value
    return environ


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


def _to_response(prepared: requests.PreparedRequest, status: str, headers, content: bytes) -> requests.Response:
    response = _new_response()
    response.status_code = int(status.split(" ", 1)[0])
    response.reason = REASONS.get(response.status_code, "")
    response.headers = CaseInsensitiveDict(headers)
    response.encoding = get_encoding_from_headers(response.headers)
    response._content = content
    response.url = prepared.url
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
    return _to_response(prepared, captured["status"], captured["headers"], content)


class _AppContext:
    """What flask.current_app and flask.g read from an app context."""

    __slots__ = ("app", "g")

    def __init__(self, app: Flask):
        self.app, self.g = app, app.app_ctx_globals_class()


class _RequestContext:
    """What flask.request reads from a request context."""

    __slots__ = ("request",)

    def __init__(self, request):
        self.request = request


_SIGNALS = (request_started, request_finished, got_request_exception, appcontext_pushed, appcontext_popped,
            appcontext_tearing_down, request_tearing_down)


def _direct_ok(app: Flask) -> bool:
    """Whether dispatching without Flask's contexts loses nothing: no session, no teardown,
    no URL value preprocessor, no signal receivers, and exceptions propagate (an unexpected
    error raises in the caller either way)."""
    return (app.config["PROPAGATE_EXCEPTIONS"] is True and not app.secret_key
            and not any(app.url_value_preprocessors.values()) and not app.teardown_request_funcs
            and not app.teardown_appcontext_funcs and not any(signal.receivers for signal in _SIGNALS))


def _blueprint_hooks(app: Flask, blueprints) -> bool:
    return any(name in app.before_request_funcs or name in app.after_request_funcs for name in blueprints)


def _wsgi_parts(response, environ):
    """(status, headers, body) as Flask's WSGI call would send them. get_wsgi_response fixes
    up Location headers, HEAD and 1xx/204/304 answers: when none applies, its result is the
    response's own headers and data, had without copying them."""
    code = response.status_code
    headers = response.headers.to_wsgi_list()
    names = {name.lower() for name, _ in headers}  # one pass: Headers' `in` scans per lookup
    if (environ["REQUEST_METHOD"] == "HEAD" or code < 200 or code in (204, 304) or not response.is_sequence
            or "location" in names or "content-location" in names or "content-length" not in names):
        chunks, status, headers = response.get_wsgi_response(environ)
        return status, headers, _drain(chunks)
    content = response.get_data()
    response.close()
    return response.status, headers, content


class _Matches:
    """Per app: URL adapters per (host, scheme), and the routing of recent (method, path)
    pairs, dropped whenever the app's rules change. Binding and matching cost a seventh of
    an in-process request; a suite calls the same few paths over and over."""

    LIMIT = 4096

    def __init__(self):
        self.adapters, self.found = {}, {}


def _match(app: Flask, host: str, scheme: str, path: str, method: str):
    """(rule, view_args) as Flask's routing gives them, or None where Flask would raise."""
    matches = app.extensions.get("mls_mock.matches")
    if matches is None:
        matches = app.extensions["mls_mock.matches"] = _Matches()
    if app.url_map._remap or len(matches.found) >= _Matches.LIMIT:  # _remap: a rule was added since
        matches.adapters.clear()
        matches.found.clear()
    key = (host, scheme, method, path)
    found = matches.found.get(key)
    if found is None:
        adapter = matches.adapters.get((host, scheme))
        if adapter is None:
            adapter = matches.adapters[host, scheme] = app.url_map.bind(host, url_scheme=scheme)
        try:
            found = matches.found[key] = adapter.match(path, method, return_rule=True)
        except HTTPException:
            return None
    rule, view_args = found
    return rule, dict(view_args)  # a view may change its arguments; the cache must not see it


def call_flask(app: Flask, prepared: requests.PreparedRequest) -> requests.Response:
    """`call_wsgi` for a Flask app, cheaper on the happy path.

    Flask's own request machinery (contexts, session, signals, teardown, error lookup) cost
    more in-process than the fake's work. For an app where it does nothing (`_direct_ok`)
    a request whose route matches runs the app's own before-request hooks, view and
    after-request hooks in Flask's order, with `flask.request`, `g` and `current_app`
    pointing where Flask would point them. Anything else (no route, a hook or view
    raising a domain or HTTP error) is answered by the ordinary WSGI call instead: the
    store changes nothing on a refused request, so running it again is safe.
    tests/breaking/test_transport_paths.py checks both paths answer alike.
    """
    if not _direct_ok(app):
        return call_wsgi(app, prepared)
    environ = wsgi_environ(prepared)
    path = environ["PATH_INFO"]
    if not path.isascii():
        return call_wsgi(app, prepared)
    matched = _match(app, environ["SERVER_NAME"], environ["wsgi.url_scheme"], path, environ["REQUEST_METHOD"])
    if matched is None:
        return call_wsgi(app, prepared)
    rule, view_args = matched
    request = app.request_class(environ)
    request.json_module = app.json
    body = environ["wsgi.input"].getvalue()
    limit = app.config["MAX_CONTENT_LENGTH"]
    if limit is None or len(body) <= limit:  # what get_data() would read, without its stream set-up
        request._cached_data = body
    request.url_rule, request.view_args = rule, view_args
    if _blueprint_hooks(app, request.blueprints):  # only app-wide hooks are run here
        return call_wsgi(app, prepared)
    app_token = _cv_app.set(_AppContext(app))
    request_token = _cv_request.set(_RequestContext(request))
    try:
        result = None
        for hook in app.before_request_funcs.get(None, ()):
            result = hook()
            if result is not None:
                break
        if result is None:
            result = app.view_functions[rule.endpoint](**view_args)
        response = app.make_response(result)
        for hook in reversed(app.after_request_funcs.get(None, ())):
            response = hook(response)
        status, headers, content = _wsgi_parts(response, environ)
    except (MLSMockError, HTTPException):
        response = None
    finally:
        request.close()
        _cv_request.reset(request_token)
        _cv_app.reset(app_token)
    if response is None:
        return call_wsgi(app, prepared)
    return _to_response(prepared, status, headers, content)


class Router:
    """What an active fake answers: `handle` returns a Response, raises, or returns None to
    let the request go on to the network."""

    def handle(self, adapter: HTTPAdapter, prepared: requests.PreparedRequest, **kwargs) -> Optional[requests.Response]:
        raise NotImplementedError


_routers: List[Router] = []
_lock = threading.Lock()
_real_send = HTTPAdapter.send


def _routed_send(adapter, request, **kwargs):
    for router in reversed(_routers):
        response = router.handle(adapter, request, **kwargs)
        if response is not None:
            return response
    return _real_send(adapter, request, **kwargs)


def activate(router: Router) -> None:
    with _lock:
        if router in _routers:
            raise RuntimeError("this MLSMock is already started")
        _routers.append(router)
        HTTPAdapter.send = _routed_send


def deactivate(router: Router) -> None:
    with _lock:
        if router in _routers:
            _routers.remove(router)
        if not _routers:
            HTTPAdapter.send = _real_send
