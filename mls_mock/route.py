"""A route as data: what the dispatcher serves and /openapi.json documents, declared once
next to its handler (api/<resource>.py) and listed by the registry (api/__init__.py).

A handler is `handler(req, **path_params, **query)`: the query parameters the route
declares, converted, are handed to it by the dispatcher, so the names it accepts and the
names the document lists are the same object. It returns its results (sent in the
envelope with `status`) or a `Reply`, or raises a domain error."""

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .errors import FieldError
from .wire import Converter

_PARAMETER_NAME = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>")


@dataclass(frozen=True, eq=False)  # identity: a route is its own werkzeug endpoint
class Route:
    method: str
    rule: str  # werkzeug rule syntax, e.g. "/api/v1/channels/<int:channel_id>"
    handler: Callable
    status: int = 200
    query: Mapping[str, Converter] = field(default_factory=dict)
    body: str | None = None  # the name of its body's schema in /openapi.json
    summary: str = ""
    results: Mapping = field(default_factory=dict)  # JSON Schema of `results` (of the document itself if raw)
    admin: bool = False  # behind the admin token, when the server has one
    saves: bool | None = None  # changes the store; default: POST/PUT/DELETE under /api/
    refusals: Mapping[int, str] = field(default_factory=dict)  # statuses beyond what follows from what it reads
    raw: bool = False  # answers something other than an envelope
    link: tuple[str, str] | None = None  # (path parameter its answer's id fills, JSON pointer to that id)
    more_links: tuple[tuple[str, str], ...] = ()  # further (path parameter, JSON pointer) pairs it fills
    tag: str = ""  # group in the document; default: the handler's module
    name: str = ""  # default: the handler's name
    schemas: Mapping[str, Mapping] = field(default_factory=dict)  # components it brings to /openapi.json
    headers: Mapping[str, Mapping] = field(default_factory=dict)  # a success's headers: name -> OpenAPI header
    documented: bool = True  # False: a page for people (the dashboard), served but left out of /openapi.json
    closed_query: bool = False  # a query parameter `query` does not declare is 400 naming it

    def __post_init__(self):
        if not self.tag:
            object.__setattr__(self, "tag", self.handler.__module__.rpartition(".")[2])
        if not self.name:
            object.__setattr__(self, "name", self.handler.__name__)
        if self.closed_query:
            object.__setattr__(self, "handler", _closed(self.handler, frozenset(self.query)))

    @property
    def endpoint(self) -> str:
        return f"{self.tag}.{self.name}"

    @property
    def shape(self) -> tuple[str, str]:
        """(method, rule without its parameter names): two routes of one shape are one route."""
        return self.method, _PARAMETER_NAME.sub(r"<\1>", self.rule)

    @property
    def api(self) -> bool:
        return self.rule.startswith("/api/")

    @property
    def changes_state(self) -> bool:
        return self.saves if self.saves is not None else self.api and self.method in ("POST", "PUT", "DELETE")


def _closed(handler: Callable, declared: frozenset[str]) -> Callable:
    """`handler`, refusing any query parameter but `declared`: for the runtime APIs, whose
    clients send a fixed set (README: runtime API query parameters)."""

    @functools.wraps(handler)
    def refusing_the_undeclared(req, *args, **kwargs):
        for name in req.args or ():
            if name not in declared:
                known = ", ".join(sorted(declared)) or "none"
                raise FieldError(name, f"is not a query parameter of this route (sktmls sends {known})")
        return handler(req, *args, **kwargs)

    return refusing_the_undeclared


class Routes(list):
    """A module's routes, declared next to their handlers:

        routes = Routes()

        @routes("GET", "/api/v1/channels/<int:channel_id>", summary="Get a channel", results=ref("Channel"))
        def get_channel(req, channel_id): ...

    The decorator appends the route and hands the function back unchanged."""

    def __call__(self, method: str, rule: str, **declared) -> Callable[[Callable], Callable]:
        def register(handler: Callable) -> Callable:
            self.append(Route(method, rule, handler, **declared))
            return handler

        return register
