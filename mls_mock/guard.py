"""Keeping tests off the real MLS servers.

`NetworkGuard` refuses, for as long as it is installed, every connection to an MLS host
(every host named in `sktmls.config`, and any `*.sktmls.com` / `*.sktmls.ai`) at two levels:
`requests` (an in-process router, so the error names the URL) and `socket.getaddrinfo` (so
aiohttp, urllib and anything else that resolves the name fails too, before a packet is sent).
An active `MLSMock` still answers first: the guard only sees what no fake served. Origins in
`allowed` (the URL a suite was pointed at with `--mls-url`) pass.
"""
import socket
import threading
from typing import Iterable, List, Set

from . import transport
from .mock import MLS_DOMAINS


class RealMLSBlocked(RuntimeError):
    """Code tried to reach a real MLS host while mls-mock's guard was on.

    Deliberately not a ConnectionError: retry or fallback code that catches network errors
    must not swallow it."""


class _BlockedLookup(socket.gaierror, RealMLSBlocked):
    """What `socket.getaddrinfo` raises for an MLS host: a resolution error to libraries,
    a RealMLSBlocked to anyone checking."""


HINT = ("use the `mls_mock` fixture (or another mls_* fixture) so that sktmls reaches the fake, "
        "or run the suite with --mls-url to target a chosen server")


def mls_hosts() -> Set[str]:
    """Every host name in sktmls's configuration (AB API and the other MLS services)."""
    from .lightweight import SktmlsMissing, allow_light_sktmls

    try:
        allow_light_sktmls()
    except SktmlsMissing:  # no sktmls, no config: the *.sktmls.com / *.sktmls.ai rule still holds
        return set()
    from .redirect import shipped_config

    hosts = set()
    for settings in shipped_config().values():
        for urls in settings.values():
            if isinstance(urls, dict):
                hosts.update(transport.origin(url)[1] for url in urls.values() if url)
    return hosts


class NetworkGuard(transport.Router):
    """Installed with `install()`, removed with `uninstall()`; refuses MLS hosts.

    `blocked` lists what was refused ("METHOD url" or "resolve host"), so a caller can tell
    a test that swallowed the error."""

    def __init__(self, allowed: Iterable[str] = ()):
        self._allowed_origins = {transport.origin(url) for url in allowed}
        self._allowed_hosts = {origin[1] for origin in self._allowed_origins}
        self._hosts = mls_hosts() - self._allowed_hosts
        self._real_getaddrinfo = None
        self._lock = threading.Lock()
        self.blocked: List[str] = []

    def is_mls_host(self, host: str) -> bool:
        host = (host or "").lower().rstrip(".")
        if host in self._allowed_hosts:
            return False
        return host in self._hosts or host.endswith(MLS_DOMAINS)

    def _refuse(self, what: str) -> str:
        with self._lock:
            self.blocked.append(what)
        return f"mls-mock blocked {what}: no test may reach a real MLS server; {HINT}"

    # ---- requests ---------------------------------------------------------------------------

    def handle(self, adapter, prepared, **kwargs):
        key = transport.origin(prepared.url)
        if key not in self._allowed_origins and self.is_mls_host(key[1]):
            raise RealMLSBlocked(self._refuse(f"{prepared.method} {prepared.url.split('?')[0]}"))
        return None

    # ---- sockets ----------------------------------------------------------------------------

    def _getaddrinfo(self, host, *args, **kwargs):
        name = host.decode("idna") if isinstance(host, bytes) else host
        if isinstance(name, str) and self.is_mls_host(name):
            raise _BlockedLookup(socket.EAI_NONAME, self._refuse(f"resolving {name}"))
        return self._real_getaddrinfo(host, *args, **kwargs)

    def install(self) -> "NetworkGuard":
        if self._real_getaddrinfo is not None:
            raise RuntimeError("this guard is already installed")
        transport.activate(self)
        self._real_getaddrinfo = socket.getaddrinfo
        socket.getaddrinfo = self._getaddrinfo
        return self

    def uninstall(self) -> None:
        if self._real_getaddrinfo is None:
            return
        # Guards nest (pytester runs a session inside a session): undo only our own patch.
        if socket.getaddrinfo == self._getaddrinfo:
            socket.getaddrinfo = self._real_getaddrinfo
        self._real_getaddrinfo = None
        transport.deactivate(self)

    def __enter__(self) -> "NetworkGuard":
        return self.install()

    def __exit__(self, *exc_info) -> None:
        self.uninstall()
