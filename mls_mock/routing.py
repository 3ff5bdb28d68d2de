"""The one dispatcher: routes declared as data (`route.Route`), matched with werkzeug's public
routing; 404, 405 (with `Allow`), the 308 that merges a `//` and 501 are decided here, for
the in-process path and the WSGI adapter alike; then the pipeline answers."""

from collections.abc import Iterable

from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed as RouteMethodNotAllowed
from werkzeug.exceptions import NotFound as RouteNotFound
from werkzeug.routing import IntegerConverter, Map, RequestRedirect, Rule
from werkzeug.sansio.utils import get_host

from . import assumptions
from .errors import MethodNotAllowed, NotFound
from .pipeline import serve
from .route import Route
from .wire import Reply, Request, envelope

MATCHES_KEPT = 4096
MATCHED_PATH_MAX = 256


class AsciiIntConverter(IntegerConverter):
    """`<int:...>` with ASCII digits only: werkzeug's `\\d+` also matches other scripts' digits,
    so `DELETE /api/v1/channels/１` (a fullwidth 1) deleted channel 1. An id with more digits
    than MAX_ID matches no route (404 for every method, where a converter's ValidationError gives
    405 for some); a 16-digit one past it is a record that does not exist (404)."""

    regex = rf"[0-9]{{1,{len(str(assumptions.MAX_ID))}}}"


class Dispatcher:
    """Serves `routes`: `dispatch(req)` routes and answers one request. Immutable once
    built, so apps with the same routes share one (`Dispatcher.of`): building werkzeug's
    matcher is most of what creating an app costs."""

    _shared: dict[tuple[int, ...], "Dispatcher"] = {}

    @classmethod
    def of(cls, routes: Iterable[Route]) -> "Dispatcher":
        routes = tuple(routes)
        key = tuple(map(id, routes))  # the dispatcher keeps the routes, so their ids stay theirs
        found = cls._shared.get(key)
        if found is None:
            if len(cls._shared) >= 16:
                cls._shared.clear()
            found = cls._shared[key] = cls(routes)
        return found

    def __init__(self, routes: Iterable[Route]):
        self.routes: tuple[Route, ...] = tuple(routes)
        seen = set()
        for route in self.routes:
            if route.shape in seen:
                raise ValueError(f"{route.method} {route.rule} is declared twice")
            seen.add(route.shape)
        self.map = Map(
            [Rule(route.rule, endpoint=route, methods=[route.method]) for route in self.routes],
            strict_slashes=False,
            converters={"int": AsciiIntConverter},
        )
        self._adapter = self.map.bind("localhost")
        # (method, rule) of each collection route whose record route `rule/<id>` takes the same
        # method: with tolerant slashes `/vertices/` would match the collection, so a client's
        # `f"vertices/{vertex_id}"` with an empty id would read or drop them all.
        self._collections_with_items = {
            (route.method, route.rule.rpartition("/")[0])
            for route in self.routes
            if route.rule.rpartition("/")[2].startswith("<")
        }
        # (path, method) -> (route, view_args), for routed requests only: a refusal is not kept
        # (its exception holds its traceback's frames, and paths are the client's to vary), nor
        # a long path, so whoever reaches the port cannot make this grow past a few hundred KB.
        self._matches: dict[tuple[str, str], tuple] = {}

    def match(self, path: str, method: str) -> tuple:
        """(route, view_args), or (None, the werkzeug routing error). Handlers get the view
        args as keywords: a kept dict is never changed."""
        key = (path, method)
        found = self._matches.get(key)
        if found is None:
            try:
                found = self._adapter.match(path, method)
            except HTTPException as error:  # NotFound, MethodNotAllowed, RequestRedirect
                return None, error
            if path.endswith("/") and (found[0].method, found[0].rule) in self._collections_with_items:
                return None, RouteNotFound()  # an empty record id, not the collection
            if len(path) <= MATCHED_PATH_MAX:
                if len(self._matches) >= MATCHES_KEPT:
                    self._matches.clear()
                self._matches[key] = found
        return found

    def dispatch(self, req: Request) -> Reply:
        route, found = self.match(req.path, req.method)
        if route is not None:
            return serve(req, route, route.handler, found)
        if isinstance(found, RequestRedirect):  # the Location on the host the request named
            try:
                host = get_host(req.scheme, req.headers.get("Host"), req.server) or "localhost"
                adapter = self.map.bind(host, url_scheme=req.scheme, query_args=req.query_string)
            except (HTTPException, ValueError):  # a Host werkzeug cannot encode (`a..b`): the name a client knows
                adapter = self.map.bind("localhost", url_scheme=req.scheme, query_args=req.query_string)
            try:
                adapter.match(req.path, req.method)
            except RequestRedirect as redirect:
                found = redirect
            except HTTPException as error:
                found = error
        return serve(req, None, unrouted(found))


def unrouted(error: HTTPException):
    """A handler for a request routing refused: it runs the pipeline like any other, so
    faults, auth and the journal apply."""

    def refuse(req: Request):
        if isinstance(error, RequestRedirect):  # werkzeug's 308 to the merged path, in the envelope
            return envelope(None, error.code, f"moved to {error.new_url}", [("Location", error.new_url)])
        if isinstance(error, RouteNotFound):
            raise NotFound(f"no such route: {req.method} {req.path}")
        if isinstance(error, RouteMethodNotAllowed):
            allowed = ", ".join(sorted(error.valid_methods or ()))
            raise MethodNotAllowed(
                f"{req.method} is not allowed on {req.path}; allowed: {allowed}", error.valid_methods or ()
            )
        return envelope(None, error.code or 500, error.description or error.name)

    return refuse
