"""The served fake answers only the names it is meant to be reached by (the `Host` header):
against DNS rebinding, where a page on evil.example points its own name at 127.0.0.1 and,
being then "same-origin" with the fake, reads the dashboard, the state and the journal, and
writes (its `Origin` equals its `Host`). The model is webpack-dev-server's `allowedHosts:
"auto"`, Vite's `server.allowedHosts` and Jupyter's `allow_remote_access`:

- bound to a loopback address, a request is answered when its Host names `localhost`, a
  loopback address (`127.0.0.1`, `[::1]`, any port), the name bound, sktmls's LOCAL hosts
  (`SKTMLS_LOCAL_NAMES`), or a name given with `--allowed-host` (as Jupyter without remote
  access);
- bound to any other address (0.0.0.0, a LAN address), every Host is answered, as Jupyter does
  with remote access: a container published with `docker run -p` or reached by a compose
  service name is called by names the fake cannot know. `--allowed-host` narrows it to those
  names, `localhost` and IP addresses (an address is safe, as webpack and Vite reason: a
  rebinding attack needs a name of the attacker's, and a browser sends the page's own name);
- a request without Host (HTTP/1.0), or with an empty one, is answered: every browser sends
  the page's name, so no page can leave it out.

The refusal is 403 in the envelope (as webpack and Vite answer 403), naming the header;
an MLS API request refused here is journaled, like other refusals. Served path only: the
in-process path has no Host a page could choose."""

import ipaddress
from collections.abc import Iterable
from urllib.parse import parse_qs

from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wsgi import get_path_info

from .app import MAX_QUERY_PARAMETERS
from .hosts import is_runtime
from .traffic import Call
from .wire import envelope

ANY = "*"
LOCAL_NAMES = ("localhost",)
# sktmls's MLSENV.LOCAL hosts (sktmls/config/__init__.py: the "local" URLs), which a developer
# maps to 127.0.0.1 in /etc/hosts to reach `mls-mock serve` unchanged. Names under sktmls.com:
# no page of another site can be served under them, so they cannot be used to rebind.
SKTMLS_LOCAL_NAMES = ("ab.local.sktmls.com", "graph.local.sktmls.com")
REFUSED = 403
DECISIONS_KEPT = 256


def is_loopback(bound: str) -> bool:
    """The address a server binds: `localhost`, 127.0.0.0/8 or ::1."""
    name = bound.strip("[]").lower()
    if name in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The name part of a Host header, lower case, without port, brackets or a final dot:
    `[::1]:8000` -> `::1`, `LocalHost.:80` -> `localhost`."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    if header.count(":") > 1:  # a bare IPv6 address (not valid in Host, but unambiguous)
        return header
    return header.partition(":")[0].rstrip(".")


def _is_ip(name: str, loopback_only: bool) -> bool:
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or not loopback_only


class AllowedHosts:
    """Which Host names a server bound to `bound` answers. `names`: the `--allowed-host`
    values: a name, `.example.com` (it and every name under it), or `*` (any)."""

    def __init__(self, bound: str, names: Iterable[str] = ()):
        given = [name.strip().lower() for name in names if name.strip()]
        self.loopback = is_loopback(bound)
        self.any = ANY in given or (not given and not self.loopback)
        self.exact = {host_name(name) for name in given if not name.startswith(".")} | set(SKTMLS_LOCAL_NAMES)
        bound_name = host_name(bound)
        if bound_name and not _is_ip(bound_name, False):  # a name it was bound by (an address is covered above)
            self.exact.add(bound_name)
        self.suffixes = tuple(name for name in given if name.startswith(".") and len(name) > 1)
        self._decided: dict[str, bool] = {}

    def describe(self) -> str:
        if self.any:
            return "any"
        named = sorted(self.exact - {"localhost"}) + [f"*{suffix}" for suffix in self.suffixes]
        named = ["sktmls's LOCAL hosts", *(name for name in named if name not in SKTMLS_LOCAL_NAMES)]
        addresses = "loopback addresses" if self.loopback else "IP addresses"
        return ", ".join(["localhost", addresses, *named])

    def allows(self, header: str | None) -> bool:
        if self.any or not header:  # no name: not a browser, which always sends one
            return True
        known = self._decided.get(header)
        if known is None:
            name = host_name(header)
            known = (
                name in self.exact
                or name in LOCAL_NAMES
                or _is_ip(name, self.loopback)
                or any(name == suffix[1:] or name.endswith(suffix) for suffix in self.suffixes)
            )
            # A client sends the same Host every time (parsing an address costs tens of µs);
            # bounded, so whoever reaches the port cannot make it grow.
            if len(self._decided) < DECISIONS_KEPT and len(header) <= 256:
                self._decided[header] = known
        return known


class HostCheck:
    """WSGI middleware in front of the fake: answers 403 to a Host `allowed` does not allow."""

    def __init__(self, app, state, allowed: AllowedHosts):
        self.app, self.state, self.allowed = app, state, allowed

    def __call__(self, environ, start_response):
        header = environ.get("HTTP_HOST")
        if self.allowed.allows(header):
            return self.app(environ, start_response)
        reply = envelope(
            None,
            REFUSED,
            f"Host: {header[:100]!r} is not a name this server answers to (a page whose name was pointed at "
            "this address may not use it); start it with --allowed-host NAME to answer that name",
        )
        path = get_path_info(environ)
        if path.startswith("/api/") or is_runtime(path):
            self._journal(environ, path, reply.body)
        start_response(f"{REFUSED} {HTTP_STATUS_CODES[REFUSED].upper()}", reply.headers)
        return [] if environ.get("REQUEST_METHOD", "").upper() == "HEAD" else [reply.body]

    def _journal(self, environ, path: str, answer: bytes) -> None:
        """As the pipeline journals a refusal: no user, no body kept."""
        query = environ.get("QUERY_STRING", "")
        # unparsed past the served fake's bound, as the pipeline leaves it (app.MAX_QUERY_PARAMETERS)
        query_all = parse_qs(query, keep_blank_values=True) if query.count("&") < MAX_QUERY_PARAMETERS else {}
        length = environ.get("CONTENT_LENGTH", "")
        size = int(length) if length.isdigit() else 0
        journal = self.state.journal
        journal.record(
            Call(
                environ.get("REQUEST_METHOD", ""),
                path,
                {name: values[0] for name, values in query_all.items()},
                REFUSED,
                None,
                b"",
                size,
                size > 0,
                query_all,
                answer if len(answer) <= journal.body_cap else b"",
                len(answer),
            )
        )
