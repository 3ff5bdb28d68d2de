"""Routes aiohttp calls for the origins an active fake serves into its dispatcher, in the
same process, no socket: what `transport` + `inprocess` do for `requests`.

`aiohttp.ClientSession._request` is patched while at least one fake is active (the way
aioresponses intercepts aiohttp), so every session, including the fresh one sktmls opens
per call, is covered, and `async with session.get(...)` and `await session.get(...)` alike.
aiohttp's own `ClientRequest` is built from the call (so `params` lists, auth, `json=` and
`data=` become what aiohttp would send), and the answer is a real `ClientResponse` fed the
fake's bytes: `json()`, `text()`, `raise_for_status()`, `release()` are aiohttp's own.
The innermost active fake that serves an origin answers; an MLS host it does not serve
fails at once; any other origin goes on to the `_request` that was installed before.
aiohttp is imported when a fake starts, never when mls_mock is imported.
"""

import functools
import http
import inspect
import threading
from typing import Any

from . import assumptions
from .inprocess import decoded_path, query_args
from .traffic import TRANSPORT
from .transport import origin
from .wire import Reply, Request

_fakes: list = []  # the active MLSMocks, innermost last
_lock = threading.Lock()
# The `_request` each fake found installed when it started, if it was not ours (aiohttp's
# own, or an aioresponses mock): what nobody answers goes to the newest, as in `transport`.
_displaced: dict[Any, Any] = {}
_shipped: Any = None  # aiohttp's own `_request`, once seen: for calls that find no fake active
REDIRECTS = (301, 302, 303, 307, 308)


def _aiohttp():
    try:
        import aiohttp
    except ImportError:  # nothing to patch: no aiohttp call can be made
        return None
    return aiohttp


def activate(fake) -> None:
    aiohttp = _aiohttp()
    if aiohttp is None:
        return
    with _lock:
        current = aiohttp.ClientSession._request
        if current is not _routed_request:
            _displaced[fake] = current
            global _shipped
            if _shipped is None and getattr(current, "__module__", "") == "aiohttp.client":
                _shipped = current
        _fakes.append(fake)
        aiohttp.ClientSession._request = _routed_request


def deactivate(fake) -> None:
    aiohttp = _aiohttp()
    with _lock:
        if aiohttp is None or fake not in _fakes:
            return
        _fakes.remove(fake)
        below = _displaced.pop(fake, None)
        # else someone patched on top of us: leave theirs
        if below is not None and aiohttp.ClientSession._request is _routed_request:
            aiohttp.ClientSession._request = below


def _onward(fakes: list):
    """The `_request` past every fake: the newest one displaced, else aiohttp's own (when
    fakes stopped out of order left this function installed, e.g. by a mock that put back
    what it found)."""
    for fake in reversed(fakes):
        below = _displaced.get(fake)
        if below is not None:
            return below
    return _shipped


async def _routed_request(session, method: str, str_or_url, **kwargs):
    fakes = _fakes[:]  # a copy: another thread may start or stop a fake meanwhile
    try:
        url = session._build_url(str_or_url)
    except ValueError:  # aiohttp's own error for it, from its own _request
        url = None
    if url is not None and url.host:
        text = str(url)
        where = origin(text)
        for fake in reversed(fakes):
            prefix = fake.prefix_for(where, text, refuse=_refuse)
            if prefix is not None:
                return await _answer(fake, prefix, session, method, url, kwargs)
    return await _onward(fakes)(session, method, str_or_url, **kwargs)


def _refuse(message: str) -> BaseException:
    aiohttp = _aiohttp()
    assert aiohttp is not None
    return aiohttp.ClientConnectionError(message)


async def _answer(fake, prefix: str, session, method: str, url, kwargs: dict):
    """The fake's answer as the ClientResponse aiohttp would return, redirects followed
    as aiohttp follows them."""
    from . import netfaults

    if session.closed:
        raise RuntimeError("Session is closed")
    request = _client_request(session, method.upper(), url, kwargs)
    body = await _payload_bytes(request.body)
    path = prefix + decoded_path(request.url.raw_path)  # as the requests path decodes it
    fault = fake.state.faults.take(request.method, path, TRANSPORT) if fake.state.faults else None
    if fault is not None:
        if fault.delay:
            timeout = kwargs.get("timeout", session.timeout)  # None: no timeout, as aiohttp reads it
            if timeout is _aiohttp().helpers.sentinel:
                timeout = session.timeout
            await netfaults.wait_for_aiohttp(fault.delay, timeout)
        if fault.raises is not None:
            raise netfaults.for_aiohttp(fault.raises, fault.message)
    wire = _wire_request(fake.state, request, path, body)
    wire.in_process = True
    if fault is not None and fault.status is not None:
        wire.fault = fault
    reply = fake.app.dispatcher.dispatch(wire)
    response = _client_response(session, request, reply)
    if response.status in REDIRECTS and kwargs.get("allow_redirects", True) and "Location" in response.headers:
        return await _redirect(session, request, response, kwargs)
    checker = kwargs.get("raise_for_status")
    if checker is None:
        checker = session._raise_for_status
    if checker is True:
        response.raise_for_status()
    elif callable(checker):
        await checker(response)
    return response


async def _redirect(session, request, response, kwargs: dict):
    """Follow a redirect as aiohttp does: 303 (and 301/302 of a POST) turn into a GET
    without a body; past `max_redirects`, TooManyRedirects."""
    aiohttp = _aiohttp()
    assert aiohttp is not None
    history = (response,)
    remaining = kwargs.get("max_redirects", 10)
    if remaining < 1:
        raise aiohttp.TooManyRedirects(request.request_info, history)
    method = request.method
    onward = {name: value for name, value in kwargs.items() if name != "params"}  # the Location has the query
    onward["max_redirects"] = remaining - 1
    if (response.status == 303 and method != "HEAD") or (response.status in (301, 302) and method == "POST"):
        method = "GET"
        onward.pop("data", None)
        onward.pop("json", None)
    location = request.url.join(type(request.url)(response.headers["Location"]))
    response.release()
    result = await session._request(method, location, **onward)
    result._history = (*history, *result._history)  # not .history: aiohttp caches it once read
    return result


def _client_request(session, method: str, url, kwargs: dict):
    """aiohttp's own ClientRequest for this call: the URL with `params` (a list value gives
    a repeated key), the session's default headers and auth, the auth in the URL, the body
    of `json=` (with the session's serializer) or `data=`, and the headers they imply."""
    aiohttp = _aiohttp()
    assert aiohttp is not None
    data, json = kwargs.get("data"), kwargs.get("json")
    if data is not None and json is not None:
        raise ValueError("data and json parameters can not be used at the same time")
    if json is not None:
        data = aiohttp.payload.JsonPayload(json, dumps=session._json_serialize)
    url, auth = aiohttp.helpers.strip_auth_from_url(url)
    explicit = kwargs.get("auth")
    if explicit is not None and auth is not None:
        raise ValueError("Cannot combine AUTH argument with credentials encoded in URL")
    auth = explicit or auth or session._default_auth
    headers = session._prepare_headers(kwargs.get("headers"))
    if auth is not None and aiohttp.hdrs.AUTHORIZATION in headers:
        raise ValueError("Cannot combine AUTHORIZATION header with AUTH argument or credentials encoded in URL")
    skip = kwargs.get("skip_auto_headers")
    return session._request_class(
        method,
        url,
        params=kwargs.get("params"),
        headers=headers,
        skip_auto_headers=(set(skip) | set(session._skip_auto_headers or ())) if skip else session._skip_auto_headers,
        data=data,
        cookies=kwargs.get("cookies"),
        auth=auth,
        chunked=kwargs.get("chunked"),
        loop=session._loop,
        response_class=session._response_class,
        session=session,
    )


async def _payload_bytes(payload) -> bytes:
    """The body aiohttp would write, read whole."""
    if not payload:
        return b""
    collected = bytearray()

    class Collector:  # the writer interface Payload.write uses
        async def write(self, chunk) -> None:
            collected.extend(chunk)

    await payload.write(Collector())
    return bytes(collected)


def _wire_request(state, request, path: str, body: bytes) -> Request:
    url = request.url
    headers = request.headers
    # a body of unknown length goes chunked: no length to check up front, as werkzeug sees it
    length = None if "chunked" in headers.get("Transfer-Encoding", "").lower() else len(body)
    return Request(
        state,
        request.method,
        path,
        query_args(url.raw_query_string),
        headers,
        length,
        body if len(body) <= assumptions.MAX_BODY_BYTES else None,
        (url.host or "", url.port),
        url.scheme,
        url.raw_query_string,
    )


class _Delivered:
    """The protocol behind a response's stream, fed whole at once: there is no socket to
    pause (aiohttp pauses reading past twice the stream's limit)."""

    _reading_paused = False

    def pause_reading(self, *args, **kwargs) -> None:
        pass

    def resume_reading(self, *args, **kwargs) -> None:
        pass


class _Sent:
    """What a ClientResponse reads of the writer of a request already sent."""

    def __init__(self, size: int):
        self.output_size = size


@functools.cache
def _response_parameters(response_class) -> frozenset:
    return frozenset(inspect.signature(response_class.__init__).parameters)


def _client_response(session, request, reply: Reply):
    """A ClientResponse as aiohttp's `start()` leaves it once the answer arrived whole."""
    aiohttp = _aiohttp()
    assert aiohttp is not None
    from multidict import CIMultiDict, CIMultiDictProxy

    loop = session._loop
    offered = {
        "writer": None,
        "continue100": None,
        "timer": aiohttp.helpers.TimerNoop(),
        "request_info": request.request_info,
        "traces": [],
        "loop": loop,
        "session": session,
        "stream_writer": _Sent(0),
    }
    wanted = _response_parameters(request.response_class)
    response = request.response_class(
        request.method, request.url, **{name: value for name, value in offered.items() if name in wanted}
    )
    response.version = aiohttp.HttpVersion11
    response.status = reply.status
    response.reason = http.HTTPStatus(reply.status).phrase if reply.status in _KNOWN else ""
    response._headers = CIMultiDictProxy(CIMultiDict((str(n), str(v)) for n, v in reply.headers))
    response._raw_headers = tuple((str(n).encode("latin-1"), str(v).encode("latin-1")) for n, v in reply.headers)
    content = aiohttp.StreamReader(_Delivered(), 2**16, loop=loop)
    if request.method != "HEAD" and reply.body:
        content.feed_data(reply.body)
    content.feed_eof()
    response.content = content
    return response


_KNOWN = frozenset(status.value for status in http.HTTPStatus)
