from flask import Blueprint

from .common import body, envelope, positive_int, query, store, text, user
from .. import assumptions

bp = Blueprint("channels", __name__, url_prefix="/api/v1/channels")


@bp.get("")
def list_channels():
    args = query(id=positive_int, screen_id=text, name=text, query=text, page=positive_int)
    # The client's docs offer `name`; `get_channel` sends `screen_id`. Both mean the same.
    if "name" in args:
        screen_id = args.pop("name")
        args.setdefault("screen_id", screen_id)
    return envelope(store().list_channels(**args))


@bp.post("")
def create_channel():
    return envelope(store().create_channel(body(), user()), 201)


@bp.get("/<int:channel_id>")
def get_channel(channel_id):
    return envelope(store().get_channel(channel_id))


@bp.put("/<int:channel_id>")
def update_channel(channel_id):
    return envelope(store().update_channel(channel_id, body()))


@bp.delete("/<int:channel_id>")
def delete_channel(channel_id):
    store().delete_channel(channel_id)
    return envelope(assumptions.DELETE_RESULTS)
