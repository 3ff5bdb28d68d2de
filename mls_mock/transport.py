"""Routes `requests` calls for MLS hosts into a WSGI app in the same process, no socket.

`requests.adapters.HTTPAdapter.send` is patched while at least one router is active (the
way `responses` does it), so every Session, including the fresh one sktmls makes per call,
is covered. The innermost active router answers; hosts it does not serve pass through.
"""
import io
import sys
import threading
from http.client import responses as REASONS
from typing import Callable, List, Optional
from urllib.parse import unquote_to_bytes, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str):
    """(scheme, host, port) of a URL, the key routers match on."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS.get(scheme)


def call_wsgi(app: Callable, prepared: requests.PreparedRequest) -> requests.Response:
    """Answer one prepared request with a WSGI app, as a real adapter would."""
    parts = urlsplit(prepared.url)
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, bytes):  # a file or generator body
        body = body.read() if hasattr(body, "read") else b"".join(body)
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
    for name, value in prepared.headers.items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif key != "CONTENT_LENGTH":
            environ["HTTP_" + key] = value
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, headers

    chunks = app(environ, start_response)
    try:
        content = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    response = requests.Response()
    response.status_code = int(captured["status"].split(" ", 1)[0])
    response.reason = REASONS.get(response.status_code, "")
    response.headers = CaseInsensitiveDict(captured["headers"])
    response.encoding = get_encoding_from_headers(response.headers)
    response._content = content
    response.url = prepared.url
    response.request = prepared
    return response


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
