from .. import assumptions
from ..openapi_schemas import array, ref
from ..route import Routes
from ..wire import body, page, positive_int, text
from .common import DELETED, NAME_TAKEN

routes = Routes()
CHANNELS = "/api/v1/channels"
CHANNEL = CHANNELS + "/<int:channel_id>"


@routes(
    "GET",
    CHANNELS,
    query={"id": positive_int, "screen_id": text, "name": text, "query": text, "page": page},
    results=array(ref("ChannelSummary")),
    summary="List channels (exact `screen_id`/`name`, substring `query`)",
    link=("channel_id", "/results/0/id"),
)
def list_channels(req, **query):
    # The client's docs offer `name`; `get_channel` sends `screen_id`. Both mean the same.
    if "name" in query:
        screen_id = query.pop("name")
        query.setdefault("screen_id", screen_id)
    return req.store.list_channels(**query)


@routes(
    "POST",
    CHANNELS,
    status=201,
    body="ChannelBody",
    summary="Create a channel",
    results=ref("Channel"),
    refusals=NAME_TAKEN,
    link=("channel_id", "/results/id"),
)
def create_channel(req):
    return req.store.create_channel(body(req), req.user)


@routes("GET", CHANNEL, summary="Get a channel", results=ref("Channel"))
def get_channel(req, channel_id):
    return req.store.get_channel(channel_id)


@routes("PUT", CHANNEL, body="ChannelBody", summary="Replace a channel", results=ref("Channel"), refusals=NAME_TAKEN)
def update_channel(req, channel_id):
    return req.store.update_channel(channel_id, body(req))


@routes("DELETE", CHANNEL, summary="Delete a channel", results=DELETED)
def delete_channel(req, channel_id):
    req.store.delete_channel(channel_id)
    return assumptions.DELETE_RESULTS
