from flask import Blueprint

from .common import body, envelope, positive_int, query, store, text
from .. import assumptions

bp = Blueprint("filters", __name__, url_prefix="/api/v1/filters")


@bp.get("")
def list_filters():
    # `type` is sent by get_filter (None, so dropped, unless a caller gives one); what it
    # selects on the real server is unknown, so it is accepted and ignored.
    args = query(id=positive_int, name=text, query=text, page=positive_int, type=text)
    args.pop("type", None)
    return envelope(store().list_filters(**args))


@bp.post("")
def create_filter():
    return envelope(store().create_filter(body()), 201)


@bp.get("/<int:filter_id>")
def get_filter(filter_id):
    return envelope(store().get_filter(filter_id))


@bp.put("/<int:filter_id>")
def update_filter(filter_id):
    return envelope(store().update_filter(filter_id, body()))


@bp.delete("/<int:filter_id>")
def delete_filter(filter_id):
    store().delete_filter(filter_id)
    return envelope(assumptions.DELETE_RESULTS)
