from flask import Blueprint

from .common import body, positive_int, query, route, text
from .. import assumptions

bp = Blueprint("channels", __name__, url_prefix="/api/v1/channels")


@route(bp, "GET", "")
def list_channels(req):
    args = query(req, id=positive_int, screen_id=text, name=text, query=text, page=positive_int)
    # The client's docs offer `name`; `get_channel` sends `screen_id`. Both mean the same.
    if "name" in args:
        screen_id = args.pop("name")
        args.setdefault("screen_id", screen_id)
    return req.store.list_channels(**args)


@route(bp, "POST", "", status=201)
def create_channel(req):
    return req.store.create_channel(body(req), req.user)


@route(bp, "GET", "/<int:channel_id>")
def get_channel(req, channel_id):
    return req.store.get_channel(channel_id)


@route(bp, "PUT", "/<int:channel_id>")
def update_channel(req, channel_id):
    return req.store.update_channel(channel_id, body(req))


@route(bp, "DELETE", "/<int:channel_id>")
def delete_channel(req, channel_id):
    req.store.delete_channel(channel_id)
    return assumptions.DELETE_RESULTS
