"""What a fault does on each in-process path, in one place. Its `raises`: a test writes
`mls.fail(..., raises=requests.Timeout)` once and code on aiohttp sees the timeout aiohttp
would raise; an aiohttp class (or `asyncio.TimeoutError`) given to `raises` works for
code on `requests` alike; any other class (ValueError...) is raised as it is on both. Its
`delay`: slept on requests, awaited on aiohttp, within the client's own timeout."""

import asyncio
import time

import requests


def _is_aiohttp(cls: type) -> bool:
    return cls.__module__.split(".", 1)[0] == "aiohttp"


def requests_class(cls: type[BaseException]) -> type[BaseException]:
    """The requests exception a `requests` adapter would raise for what `cls` names."""
    if issubclass(cls, requests.RequestException):
        return cls
    if _is_aiohttp(cls):
        import aiohttp

        if issubclass(cls, getattr(aiohttp, "ConnectionTimeoutError", ())):
            return requests.ConnectTimeout
        if issubclass(cls, asyncio.TimeoutError):  # ServerTimeoutError, SocketTimeoutError
            return requests.ReadTimeout
        if issubclass(cls, aiohttp.ClientConnectionError):
            return requests.ConnectionError
        if issubclass(cls, aiohttp.ClientError):
            return requests.RequestException
    elif issubclass(cls, asyncio.TimeoutError):  # asyncio's (the builtin), what aiohttp raises for `total`
        return requests.ReadTimeout
    return cls


def aiohttp_class(cls: type[BaseException]) -> type[BaseException]:
    """The aiohttp exception aiohttp would raise for what `cls` names. A read timeout is
    aiohttp's SocketTimeoutError: both an `asyncio.TimeoutError` and a `ClientError`, so
    code catching either sees it."""
    import aiohttp

    if _is_aiohttp(cls) or not issubclass(cls, requests.RequestException):
        return cls
    if issubclass(cls, requests.ConnectTimeout):
        return getattr(aiohttp, "ConnectionTimeoutError", aiohttp.ServerTimeoutError)
    if issubclass(cls, requests.Timeout):
        return getattr(aiohttp, "SocketTimeoutError", aiohttp.ServerTimeoutError)
    if issubclass(cls, requests.ConnectionError):
        return aiohttp.ClientConnectionError
    return aiohttp.ClientError


def for_requests(cls: type[BaseException], message: str, prepared: requests.PreparedRequest) -> BaseException:
    """requests' exceptions carry the request, as a real adapter's do; any other class gets
    the message alone, as it takes no `request=`."""
    mapped = requests_class(cls)
    if issubclass(mapped, requests.RequestException):
        return mapped(message, request=prepared)
    return mapped(message)


def for_aiohttp(cls: type[BaseException], message: str) -> BaseException:
    mapped = aiohttp_class(cls)
    try:
        return mapped(message)
    except TypeError:  # a class that takes more (ClientConnectorError: a connection key, an OSError)
        import aiohttp

        return aiohttp.ClientConnectionError(message)


# ---- added latency: a fault's `delay`, within the client's own timeout ----------------------


def _read_limit(timeout) -> float | None:
    """The seconds `requests` waits for an answer under `timeout=`: a number, a (connect,
    read) pair, or urllib3's Timeout."""
    if isinstance(timeout, tuple):
        timeout = timeout[1]
    elif hasattr(timeout, "read_timeout"):
        timeout = timeout.read_timeout
    return float(timeout) if isinstance(timeout, (int, float)) else None


def wait_for_requests(delay: float, timeout, prepared: requests.PreparedRequest) -> None:
    """Sleep `delay` seconds, or as long as the client's read timeout and raise requests'
    ReadTimeout, as a server that slow would make it."""
    limit = _read_limit(timeout)
    if limit is not None and delay >= limit:
        time.sleep(limit)
        raise requests.ReadTimeout(_late(delay, f"Read timed out. (read timeout={limit:g})"), request=prepared)
    time.sleep(delay)


async def wait_for_aiohttp(delay: float, timeout) -> None:
    """`await asyncio.sleep(delay)` (never blocking the loop), or as long as the call's
    ClientTimeout allows and raise what aiohttp raises: `total` gives asyncio.TimeoutError,
    `sock_read` aiohttp's SocketTimeoutError."""
    import aiohttp

    if isinstance(timeout, (int, float)):
        timeout = aiohttp.ClientTimeout(total=timeout)
    limits = []
    if isinstance(timeout, aiohttp.ClientTimeout):
        if timeout.total:
            limits.append((timeout.total, TimeoutError(_late(delay, f"total timeout={timeout.total:g}"))))
        if timeout.sock_read:
            error = getattr(aiohttp, "SocketTimeoutError", aiohttp.ServerTimeoutError)
            limits.append((timeout.sock_read, error(_late(delay, "Timeout on reading data from socket"))))
    if limits:
        limit, raised = min(limits, key=lambda pair: pair[0])
        if delay >= limit:
            await asyncio.sleep(limit)
            raise raised
    await asyncio.sleep(delay)


def _late(delay: float, what: str) -> str:
    return f"mls-mock: a fault delays this answer by {delay:g} s: {what}"
