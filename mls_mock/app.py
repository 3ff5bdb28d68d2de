"""The application factory: a fresh Flask app around one store, answering every request,
errors included, with the client's JSON envelope. Flask routes; everything else (faults,
auth, handlers, errors, the journal) is the shared pipeline in `pipeline.py`."""
from dataclasses import dataclass, field
from typing import Dict, Optional

from flask import Flask, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, Map

from . import assumptions, openapi
from .api import admin, buckets, channels, experiments, filters, models, unfaked
from .api.common import envelope
from .api.views import from_flask, to_flask
from .pipeline import internal_error, serve, unrouted
from .store import Store
from .traffic import DEFAULT_JOURNAL_BYTES, DEFAULT_JOURNAL_ENTRIES, Faults, Journal

BLUEPRINTS = (channels.bp, experiments.bp, buckets.bp, filters.bp, models.bp, unfaked.bp, admin.bp, openapi.bp)


@dataclass
class MockState:
    """Everything one app serves from; `app.extensions["mls_mock"]`."""

    store: Store
    users: Optional[Dict[str, str]] = None
    journal: Journal = field(default_factory=Journal)
    faults: Faults = field(default_factory=Faults)

    def reset(self) -> None:
        """Empty the store (IDs restart at 1), the journal and the faults."""
        self.store.reset()
        self.journal.clear()
        self.faults.clear()


def create_app(store: Optional[Store] = None, users: Optional[Dict[str, str]] = None,
               propagate_exceptions: bool = False, journal_limit: int = DEFAULT_JOURNAL_ENTRIES,
               journal_bytes: int = DEFAULT_JOURNAL_BYTES) -> Flask:
    """Build a fake MLS AB API.

    `users` maps username to password; without it any credentials are accepted.
    `propagate_exceptions` lets a bug in the fake raise in the caller (in-process use)
    instead of becoming a 500 envelope (served use). The journal keeps the newest
    `journal_limit` calls within about `journal_bytes` of memory.
    """
    app = MockApp("mls_mock")
    # No automatic OPTIONS: Flask answers it with an empty text/html body; 405 is an envelope.
    app.config.update(MAX_CONTENT_LENGTH=assumptions.MAX_BODY_BYTES, PROPAGATE_EXCEPTIONS=propagate_exceptions,
                      PROVIDE_AUTOMATIC_OPTIONS=False)
    app.url_map.strict_slashes = False
    app.url_map.converters["int"] = AsciiIntConverter  # before any rule is added
    state = MockState(store or Store(), users, Journal(journal_limit, journal_bytes))
    app.extensions["mls_mock"] = state
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.before_request(answer_unrouted)
    # Reached only by what the pipeline does not see (a failure building its request).
    app.register_error_handler(HTTPException, _http_error)
    if not propagate_exceptions:
        app.register_error_handler(Exception, lambda error: to_flask(internal_error(error)))
    return app


class RouteMap(Map):
    """A url_map that counts its changes, so the in-process path may keep its matches."""

    version = 0

    def add(self, rulefactory) -> None:
        super().add(rulefactory)
        self.version += 1


class MockApp(Flask):
    """Flask, with a url_map that counts its changes."""

    url_map_class = RouteMap


def answer_unrouted():
    """A request no route takes (404, 405, a `//` to merge) goes through the pipeline too,
    before Flask would raise its routing error."""
    error = request.routing_exception
    if error is None:
        return None
    return to_flask(serve(from_flask(), unrouted(error)))


def _http_error(error: HTTPException):
    return to_flask(envelope(None, error.code or 500, error.description or error.name))


class AsciiIntConverter(IntegerConverter):
    """`<int:...>` with ASCII digits only: werkzeug's `\\d+` also matches other scripts' digits,
    so `DELETE /api/v1/channels/１` (a fullwidth 1) deleted channel 1. An id with more digits
    than MAX_ID matches no route (404 for every method, where a converter's ValidationError gives
    405 for some); a 16-digit one past it is a record that does not exist (404)."""

    regex = r"[0-9]{1,%d}" % len(str(assumptions.MAX_ID))
