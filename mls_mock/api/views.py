"""Flask's side of the handlers: a generated view per route turns `flask.request` into a
`Request`, runs the shared pipeline and turns its `Reply` into a Flask response."""
from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from .common import Reply, Request
from ..pipeline import serve


def flask_view(handler, status: int):
    def view(**view_args):
        return to_flask(serve(from_flask(), handler, status, view_args))
    view.mls_handler = (handler, status)  # what the in-process path calls instead
    view.__name__ = view.__qualname__ = handler.__name__
    return view


def from_flask() -> Request:
    try:
        data = request.get_data(cache=True)
    except RequestEntityTooLarge:
        data = None
    return Request(current_app._get_current_object(), request.method, request.path, request.args.to_dict(flat=False),
                   request.headers, request.content_length, data)


def to_flask(reply: Reply):
    return current_app.response_class(reply.body, status=reply.status, headers=reply.headers)
