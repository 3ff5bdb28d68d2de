"""Keeping tests off the real MLS servers.

`NetworkGuard` refuses, for as long as it is installed, every connection to an MLS host
(every host named in `sktmls.config`, and any `*.sktmls.com` / `*.sktmls.ai`) at two levels:
`requests` (an in-process router, so the error names the URL) and name lookups, in the socket
module and in c-ares (so aiohttp, with or without aiodns, urllib and anything else that
resolves the name fails too, before a packet is sent; MLS domains are added to NO_PROXY so
that no proxy resolves them instead).
An active `MLSMock` still answers first: the guard only sees what no fake served. Origins in
`allowed` (the URL a suite was pointed at with `--mls-url`) pass.

Installing imports neither `requests` nor `sktmls` (the plugin installs a guard in every
pytest run): the `requests` and c-ares layers are patched when those are first imported.
"""

import os
import socket
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from .importhook import when_imported
from .redirect import MLS_DOMAINS, shipped_config


class RealMLSBlocked(RuntimeError):
    """Code tried to reach a real MLS host while mls-mock's guard was on.

    Deliberately not a ConnectionError: retry or fallback code that catches network errors
    must not swallow it."""


class _BlockedLookup(socket.gaierror, RealMLSBlocked):
    """What `socket.getaddrinfo` raises for an MLS host: a resolution error to libraries,
    a RealMLSBlocked to anyone checking."""


# Every name lookup in the socket module.
LOOKUPS = ("getaddrinfo", "gethostbyname", "gethostbyname_ex")
# And in c-ares, which resolves past the socket module: aiodns uses it, and aiohttp uses
# aiodns whenever it is installed, as it is in every full sktmls install (aiohttp[speedups]).
C_ARES_LOOKUPS = ("getaddrinfo", "gethostbyname", "query", "search")

HINT = (
    "use the `mls_mock` fixture (or another mls_* fixture) so that sktmls reaches the fake, "
    "or run the suite with --mls-url to target a chosen server"
)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")


def mls_hosts() -> set[str]:
    """Every host name in sktmls's configuration (AB API and the other MLS services)."""
    try:
        config = shipped_config()
    except Exception:  # sktmls missing or broken: the *.sktmls.com / *.sktmls.ai rule still holds
        return set()
    return {
        _host(url)
        for runtime in config.values()
        for urls in runtime.values()
        if isinstance(urls, dict)
        for url in urls.values()
        if url
    }


class NetworkGuard:
    """Installed with `install()`, removed with `uninstall()`; refuses MLS hosts.

    `blocked` lists what was refused ("METHOD url" or "resolve host"), so a caller can tell
    a test that swallowed the error."""

    def __init__(self, allowed: Iterable[str] = ()):
        self._allowed = tuple(allowed)
        self._allowed_origins: set[tuple] = set()  # filled when requests is patched
        self._allowed_hosts = {_host(url) for url in self._allowed}
        self._hosts = mls_hosts() - self._allowed_hosts
        self._patched: dict[tuple[object, str], tuple[Callable, Callable]] = {}
        self._saved_environ: dict[str, str | None] = {}
        self._lock = threading.RLock()
        self._installed = False
        self._router: Any = None  # the transport.Router standing for this guard, once requests is here
        self._transport: Any = None  # the mls_mock.transport module it is active in
        self._origin: Callable[[str], tuple] = lambda url: ("", _host(url), None)
        self._cancel_hooks: list[Callable[[], None]] = []
        self.blocked: list[str] = []

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
        key = self._origin(prepared.url)
        if key not in self._allowed_origins and self.is_mls_host(key[1]):
            raise RealMLSBlocked(self._refuse(f"{prepared.method} {prepared.url.split('?')[0]}"))
        return None

    def _on_import(self, name: str) -> None:
        if name == "pycares":
            channel = sys.modules["pycares"].Channel
            with self._lock:
                if self._installed and (channel, C_ARES_LOOKUPS[0]) not in self._patched:
                    self._patch(channel, C_ARES_LOOKUPS, self._channel_lookup)
        # transport imports requests: while it is half-run, wait for its own hook.
        elif name == "mls_mock.transport" or "mls_mock.transport" not in sys.modules:
            self._route_requests()

    def _route_requests(self) -> None:
        # Not `from . import transport`: after pytester put sys.modules back, the package's
        # attribute can be a module no longer imported; this reads sys.modules.
        from .transport import Router, activate, origin

        transport = sys.modules["mls_mock.transport"]
        with self._lock:
            if not self._installed or self._transport is transport:
                return
            guard = self

            class GuardRouter(Router):
                def handle(self, adapter, prepared, **kwargs):
                    return guard.handle(adapter, prepared, **kwargs)

            self._origin = origin
            self._allowed_origins = {origin(url) for url in self._allowed}
            router = self._router = GuardRouter()
            self._transport = transport
            activate(router)

    # ---- sockets ----------------------------------------------------------------------------

    def _check_lookup(self, host) -> None:
        name = host.decode("idna") if isinstance(host, bytes) else host
        if isinstance(name, str) and self.is_mls_host(name):
            raise _BlockedLookup(socket.EAI_NONAME, self._refuse(f"resolving {name}"))

    def _lookup(self, real: Callable) -> Callable:
        def guarded(host, *args, **kwargs):
            self._check_lookup(host)
            return real(host, *args, **kwargs)

        guarded.__wrapped__ = real  # type: ignore[attr-defined]
        return guarded

    def _channel_lookup(self, real: Callable) -> Callable:
        """A pycares.Channel method: raising before c-ares runs reaches aiodns's caller as
        an OSError, which aiohttp reports as a ClientConnectorError naming the host."""

        def guarded(channel, *args, **kwargs):
            self._check_lookup(args[0] if args else kwargs.get("host", kwargs.get("name")))
            return real(channel, *args, **kwargs)

        guarded.__wrapped__ = real  # type: ignore[attr-defined]
        return guarded

    def _patch(self, owner, names: Iterable[str], wrap: Callable[[Callable], Callable]) -> None:
        for name in names:
            real = getattr(owner, name, None)
            if real is not None:
                self._patched[owner, name] = (real, wrap(real))
                setattr(owner, name, self._patched[owner, name][1])

    def install(self) -> "NetworkGuard":
        with self._lock:
            if self._installed:
                raise RuntimeError("this guard is already installed")
            self._installed = True
            self._patch(socket, LOOKUPS, self._lookup)
        # Each at once if already imported, else right after its first import.
        self._cancel_hooks = [
            when_imported(("pycares",), self._on_import),
            when_imported(("requests", "mls_mock.transport"), self._on_import),
        ]
        # A proxy would resolve the name itself, past every lookup above.
        for variable in ("NO_PROXY", "no_proxy"):
            self._saved_environ[variable] = os.environ.get(variable)
            os.environ[variable] = ",".join(filter(None, [os.environ.get(variable), *MLS_DOMAINS]))
        return self

    def uninstall(self) -> None:
        for cancel in self._cancel_hooks:
            cancel()
        self._cancel_hooks = []
        with self._lock:
            if not self._installed:
                return
            self._installed = False
            # Guards nest (pytester runs a session inside a session): undo only our own patches.
            for (owner, name), (real, guarded) in self._patched.items():
                if getattr(owner, name) is guarded:
                    setattr(owner, name, real)
            self._patched = {}
            router, self._router = self._router, None
            transport, self._transport = self._transport, None
        for variable, value in self._saved_environ.items():
            if value is None:
                os.environ.pop(variable, None)
            else:
                os.environ[variable] = value
        self._saved_environ = {}
        if router is not None:
            transport.deactivate(router)

    def __enter__(self) -> "NetworkGuard":
        return self.install()

    def __exit__(self, *exc_info) -> None:
        self.uninstall()
