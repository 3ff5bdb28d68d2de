"""The application factory: a fresh fake around one store. The routes are data
(`api.routes_for`), served by one `Dispatcher`; the Flask app `create_app` returns is only
an adapter built from them: its WSGI callable turns each request into a `wire.Request` and
hands it to the dispatcher, so Flask's routing, hooks and contexts never run, and what the
in-process path (`inprocess.InProcess`) answers is the same by construction."""

from flask import Flask
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Request as WerkzeugRequest

from . import assumptions
from .api import routes_for
from .errors import FieldError
from .pipeline import internal_error, serve
from .routing import Dispatcher
from .state import AppState
from .store import Store
from .traffic import DEFAULT_JOURNAL_BYTES, DEFAULT_JOURNAL_ENTRIES, Journal
from .wire import Headers, Request


def create_app(
    store: Store | None = None,
    users: dict[str, str] | None = None,
    propagate_exceptions: bool = False,
    journal_limit: int = DEFAULT_JOURNAL_ENTRIES,
    journal_bytes: int = DEFAULT_JOURNAL_BYTES,
    admin_token: str | None = None,
    state_file=None,
) -> "MockApp":
    """Build a fake MLS AB API.

    `users` maps username to password; without it any credentials are accepted.
    `propagate_exceptions` lets a bug in the fake raise in the caller (in-process use)
    instead of becoming a 500 envelope (served use). The journal keeps the newest
    `journal_limit` calls within about `journal_bytes` of memory. `admin_token` guards the
    /_mock/ routes; `state_file` is the persistence object saving `store`, if any.
    """
    store = store if store is not None else Store()
    dispatcher = Dispatcher.of(routes_for(store))
    state = AppState(
        store,
        users,
        Journal(journal_limit, journal_bytes),
        admin_token=admin_token or None,
        state_file=state_file,
        propagate_exceptions=propagate_exceptions,
        routes=dispatcher.routes,
    )
    return MockApp(state, dispatcher)


class MockApp(Flask):
    """The fake as a Flask app (for `test_client()` and any WSGI server). `app.state` is its
    `AppState`, the one accessor of everything it serves from; `app.dispatcher` routes."""

    def __init__(self, state: AppState, dispatcher: Dispatcher):
        super().__init__("mls_mock", static_folder=None)
        self.state, self.dispatcher = state, dispatcher
        # Flask's documented place for middleware, though its annotations make wsgi_app a method
        self.wsgi_app = WSGIAdapter(state, dispatcher)  # type: ignore[method-assign]


# A served request whose query has more parameters than this gets 400 naming `query`, before it
# is parsed: parsing costs about 18 us a parameter, and 64 KiB of headers hold 6,000 of them.
# sktmls sends a handful (a profile's `f` keys, a graph filter's properties). In-process, the
# query is the test's own and is not bounded.
MAX_QUERY_PARAMETERS = 1000


class _LimitedRequest(WerkzeugRequest):
    max_content_length = assumptions.MAX_BODY_BYTES


class WSGIAdapter:
    """A WSGI callable answering with the dispatcher."""

    def __init__(self, state: AppState, dispatcher: Dispatcher):
        self.state, self.dispatcher = state, dispatcher

    def __call__(self, environ, start_response):
        try:
            if environ.get("QUERY_STRING", "").count("&") >= MAX_QUERY_PARAMETERS:
                reply = serve(self.request(environ, parse_query=False), None, _too_many_parameters)
            else:
                reply = self.dispatcher.dispatch(self.request(environ))
        except Exception as error:  # the pipeline answers every error it sees; this is building the request
            if self.state.propagate_exceptions:
                raise
            reply = internal_error(error)
        start_response(f"{reply.status} {HTTP_STATUS_CODES.get(reply.status, 'unknown').upper()}", reply.headers)
        return [] if environ.get("REQUEST_METHOD", "").upper() == "HEAD" else [reply.body]

    def request(self, environ, parse_query: bool = True) -> Request:
        request = _LimitedRequest(environ)
        try:
            data: bytes | None = request.get_data(cache=True)
        except RequestEntityTooLarge:
            data = None
        headers = Headers(
            (key, value) for key, value in environ.items() if key.startswith("HTTP_") or key == "CONTENT_TYPE"
        )
        port = environ.get("SERVER_PORT")
        server = (environ.get("SERVER_NAME", ""), int(port) if port and port.isdigit() else None)
        return Request(
            self.state,
            request.method,
            request.path,
            request.args.to_dict(flat=False) if parse_query else {},
            headers,
            request.content_length,
            data,
            server,
            request.scheme,
            environ.get("QUERY_STRING", ""),
        )


def _too_many_parameters(req: Request):
    """Answered through the pipeline (faults, auth, the journal) like a request no route takes."""
    raise FieldError("query", f"more than {MAX_QUERY_PARAMETERS} parameters")
