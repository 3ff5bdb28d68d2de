"""What a fault's `raises` becomes on each in-process path, in one place: a test writes
`mls.fail(..., raises=requests.Timeout)` once and code on aiohttp sees the timeout aiohttp
would raise; an aiohttp class (or `asyncio.TimeoutError`) given to `raises` works for
code on `requests` alike. Any other class (ValueError...) is raised as it is on both."""

import asyncio

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
