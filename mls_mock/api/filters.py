from flask import Blueprint

from .common import body, positive_int, query, route, text
from .. import assumptions

bp = Blueprint("filters", __name__, url_prefix="/api/v1/filters")


@route(bp, "GET", "")
def list_filters(req):
    # `type` is sent by get_filter (None, so dropped, unless a caller gives one); what it
    # selects on the real server is unknown, so it is accepted and ignored.
    args = query(req, id=positive_int, name=text, query=text, page=positive_int, type=text)
    args.pop("type", None)
    return req.store.list_filters(**args)


@route(bp, "POST", "", status=201)
def create_filter(req):
    return req.store.create_filter(body(req))


@route(bp, "GET", "/<int:filter_id>")
def get_filter(req, filter_id):
    return req.store.get_filter(filter_id)


@route(bp, "PUT", "/<int:filter_id>")
def update_filter(req, filter_id):
    return req.store.update_filter(filter_id, body(req))


@route(bp, "DELETE", "/<int:filter_id>")
def delete_filter(req, filter_id):
    req.store.delete_filter(filter_id)
    return assumptions.DELETE_RESULTS
