"""The in-process path: a prepared `requests` request answered by the app's own handlers and
pipeline, without Flask's request machinery (contexts, hooks, signals), which costs more
in-process than the fake's work.

Routing is the app's own `url_map`, matched through Werkzeug's public API; the handler and
the pipeline (`pipeline.serve`) are the very ones Flask's views run, so both paths answer
alike (tests/breaking/test_transport_paths.py compares them byte for byte). What this path
does not model goes through the full WSGI call instead: an app given hooks, teardown
functions or signal receivers besides the fake's own, a route without a shared handler, a
`//` to redirect, a chunked body, a query that is not UTF-8.
"""
from urllib.parse import parse_qsl, unquote_to_bytes, urlsplit

import requests
from flask import Flask
from flask.signals import (appcontext_popped, appcontext_pushed, appcontext_tearing_down, got_request_exception,
                           request_finished, request_started, request_tearing_down)
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from .api.common import Request
from .pipeline import serve, unrouted
from .transport import body_bytes, call_wsgi, to_response, wsgi_headers

_SIGNALS = (request_started, request_finished, got_request_exception, appcontext_pushed, appcontext_popped,
            appcontext_tearing_down, request_tearing_down)
_UNSUPPORTED = object()


class Headers(dict):
    """Headers keyed as a WSGI environ keys them, read as `flask.request.headers` reads them."""

    __slots__ = ()

    def get(self, name: str, default=None):
        key = name.upper().replace("-", "_")
        return dict.get(self, key if key == "CONTENT_TYPE" else "HTTP_" + key, default)


class Direct:
    """Answers in-process requests for one app created by `create_app`."""

    def __init__(self, app: Flask):
        from .app import answer_unrouted

        self.app = app
        self._own_before = {None: [answer_unrouted]}
        self._map = self._adapter = None
        self._matches, self._version = {}, None

    def _match(self, path: str, method: str):
        """(rule, view_args), kept per (path, method) while the app's rules stay the same
        (handlers get the view args as keywords: the kept dict is never changed)."""
        url_map = self.app.url_map
        if url_map is not self._map:
            self._map, self._adapter = url_map, url_map.bind("localhost")  # a name only redirects use
            self._matches = {}
        version = getattr(url_map, "version", None)
        if version is None:  # not a RouteMap: changes cannot be seen
            return self._adapter.match(path, method, return_rule=True)
        if version != self._version or len(self._matches) >= 1024:
            self._matches, self._version = {}, version
        found = self._matches.get((path, method))
        if found is None:
            found = self._matches[path, method] = self._adapter.match(path, method, return_rule=True)
        return found

    def plain(self) -> bool:
        """Whether the app runs nothing Flask would run besides the pipeline."""
        app = self.app
        if any(signal.receivers for signal in _SIGNALS):
            return False
        if (app.before_request_funcs == self._own_before and not app.after_request_funcs
                and not app.teardown_request_funcs and not app.teardown_appcontext_funcs
                and not app.url_value_preprocessors):  # the common case, at a glance
            return True
        return ([funcs for funcs in app.before_request_funcs.values() if funcs] == [self._own_before[None]]
                and not any(app.after_request_funcs.values()) and not any(app.teardown_request_funcs.values())
                and not app.teardown_appcontext_funcs and not any(app.url_value_preprocessors.values()))

    def __call__(self, prepared: requests.PreparedRequest) -> requests.Response:
        if not self.plain():
            return call_wsgi(self.app, prepared)
        answered = self._answer(prepared)
        if answered is _UNSUPPORTED:
            return call_wsgi(self.app, prepared)
        return answered

    def _answer(self, prepared: requests.PreparedRequest):
        parts = urlsplit(prepared.url)
        method = prepared.method.upper()
        # What werkzeug makes of PATH_INFO: the percent-decoded bytes, read as UTF-8.
        path = "/" + unquote_to_bytes(parts.path or "/").decode("utf-8", "replace").lstrip("/")
        status, view_args = 200, None
        try:
            rule, view_args = self._match(path, method)
            handler, status = getattr(self.app.view_functions.get(rule.endpoint), "mls_handler", (None, 0))
            if handler is None:  # a route added to the app by hand
                return _UNSUPPORTED
        except RequestRedirect:
            return _UNSUPPORTED
        except HTTPException as error:
            handler = unrouted(error)
        headers = Headers(wsgi_headers(prepared))
        if "HTTP_TRANSFER_ENCODING" in headers:  # chunked: the WSGI path reads it as werkzeug would
            return _UNSUPPORTED
        try:
            args = _query(parts.query)
        except UnicodeError:
            return _UNSUPPORTED
        body = body_bytes(prepared)
        limit = self.app.config["MAX_CONTENT_LENGTH"]
        data = body if limit is None or len(body) <= limit else None
        req = Request(self.app, method, path, args, headers, len(body), data)
        reply = serve(req, handler, status, view_args)
        return to_response(prepared, reply.status, reply.headers, b"" if method == "HEAD" else reply.body)


def _query(query: str) -> dict:
    """What `request.args.to_dict(flat=False)` gives; raises where werkzeug's decoding
    would differ (bytes that are not UTF-8)."""
    args = {}
    if query:
        for name, value in parse_qsl(query.encode("latin-1").decode(), keep_blank_values=True, errors="strict"):
            values = args.get(name)
            if values is None:
                args[name] = [value]
            else:
                values.append(value)
    return args
