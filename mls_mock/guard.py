"""Keeping tests off the real MLS servers.

`NetworkGuard` refuses, for as long as it is installed, every connection to an MLS host
(every host named in `sktmls.config`, and any `*.sktmls.com` / `*.sktmls.ai`) at two levels:
`requests` (an in-process router, so the error names the URL) and name lookups, in the socket
module and in c-ares (so aiohttp, with or without aiodns, urllib and anything else that
resolves the name fails too, before a packet is sent; MLS domains are added to NO_PROXY so
that no proxy resolves them instead).
An active `MLSMock` still answers first: the guard only sees what no fake served. Origins in
`allowed` (the URL a suite was pointed at with `--mls-url`) pass.
"""
import os
import socket
import threading
from typing import Callable, Dict, Iterable, List, Optional, Set, Tuple

from . import transport
from .mock import MLS_DOMAINS, mls_api_origins


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

HINT = ("use the `mls_mock` fixture (or another mls_* fixture) so that sktmls reaches the fake, "
        "or run the suite with --mls-url to target a chosen server")


def mls_hosts() -> Set[str]:
    """Every host name in sktmls's configuration (AB API and the other MLS services)."""
    from .lightweight import allow_light_sktmls

    try:
        allow_light_sktmls()
    except Exception:  # sktmls missing or broken: the *.sktmls.com / *.sktmls.ai rule still holds
        return set()
    ab, other = mls_api_origins()
    return {host for _, host, _ in ab | other}


class NetworkGuard(transport.Router):
    """Installed with `install()`, removed with `uninstall()`; refuses MLS hosts.

    `blocked` lists what was refused ("METHOD url" or "resolve host"), so a caller can tell
    a test that swallowed the error."""

    def __init__(self, allowed: Iterable[str] = ()):
        self._allowed_origins = {transport.origin(url) for url in allowed}
        self._allowed_hosts = {origin[1] for origin in self._allowed_origins}
        self._hosts = mls_hosts() - self._allowed_hosts
        self._patched: Dict[Tuple[object, str], Tuple[Callable, Callable]] = {}
        self._saved_environ: Dict[str, Optional[str]] = {}
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

    def _check_lookup(self, host) -> None:
        name = host.decode("idna") if isinstance(host, bytes) else host
        if isinstance(name, str) and self.is_mls_host(name):
            raise _BlockedLookup(socket.EAI_NONAME, self._refuse(f"resolving {name}"))

    def _lookup(self, real: Callable) -> Callable:
        def guarded(host, *args, **kwargs):
            self._check_lookup(host)
            return real(host, *args, **kwargs)

        guarded.__wrapped__ = real
        return guarded

    def _channel_lookup(self, real: Callable) -> Callable:
        """A pycares.Channel method: raising before c-ares runs reaches aiodns's caller as
        an OSError, which aiohttp reports as a ClientConnectorError naming the host."""
        def guarded(channel, *args, **kwargs):
            self._check_lookup(args[0] if args else kwargs.get("host", kwargs.get("name")))
            return real(channel, *args, **kwargs)

        guarded.__wrapped__ = real
        return guarded

    def _patch(self, owner, names: Iterable[str], wrap: Callable[[Callable], Callable]) -> None:
        for name in names:
            real = getattr(owner, name, None)
            if real is not None:
                self._patched[owner, name] = (real, wrap(real))
                setattr(owner, name, self._patched[owner, name][1])

    def install(self) -> "NetworkGuard":
        if self._patched:
            raise RuntimeError("this guard is already installed")
        transport.activate(self)
        self._patch(socket, LOOKUPS, self._lookup)
        try:
            import pycares
        except ImportError:  # no c-ares here: the socket module is the only resolver
            pass
        else:
            self._patch(pycares.Channel, C_ARES_LOOKUPS, self._channel_lookup)
        # A proxy would resolve the name itself, past every lookup above.
        for variable in ("NO_PROXY", "no_proxy"):
            self._saved_environ[variable] = os.environ.get(variable)
            os.environ[variable] = ",".join(filter(None, [os.environ.get(variable), *MLS_DOMAINS]))
        return self

    def uninstall(self) -> None:
        if not self._patched:
            return
        # Guards nest (pytester runs a session inside a session): undo only our own patches.
        for (owner, name), (real, guarded) in self._patched.items():
            if getattr(owner, name) is guarded:
                setattr(owner, name, real)
        self._patched = {}
        for variable, value in self._saved_environ.items():
            if value is None:
                os.environ.pop(variable, None)
            else:
                os.environ[variable] = value
        self._saved_environ = {}
        transport.deactivate(self)

    def __enter__(self) -> "NetworkGuard":
        return self.install()

    def __exit__(self, *exc_info) -> None:
        self.uninstall()
