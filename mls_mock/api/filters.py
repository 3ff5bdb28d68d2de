from .. import assumptions
from ..openapi_schemas import array, ref
from ..route import Routes
from ..wire import body, text
from .common import DELETED, LIST_QUERY, NAME_TAKEN

routes = Routes()
FILTERS = "/api/v1/filters"
FILTER = FILTERS + "/<int:filter_id>"


@routes(
    "GET",
    FILTERS,
    query={**LIST_QUERY, "type": text},
    results=array(ref("FilterSummary")),
    summary="List filters: summaries without conditions (`type` is accepted and ignored)",
    link=("filter_id", "/results/0/id"),
)
def list_filters(req, **query):
    # `type` is sent by get_filter (None, so dropped, unless a caller gives one); what it
    # selects on the real server is unknown, so it is accepted and ignored.
    query.pop("type", None)
    return req.store.list_filters(**query)


@routes(
    "POST",
    FILTERS,
    status=201,
    body="FilterBody",
    summary="Create a filter",
    results=ref("Filter"),
    refusals=NAME_TAKEN,
    link=("filter_id", "/results/id"),
)
def create_filter(req):
    return req.store.create_filter(body(req))


@routes("GET", FILTER, summary="Get a filter", results=ref("Filter"))
def get_filter(req, filter_id):
    return req.store.get_filter(filter_id)


@routes("PUT", FILTER, body="FilterBody", summary="Replace a filter", results=ref("Filter"), refusals=NAME_TAKEN)
def update_filter(req, filter_id):
    return req.store.update_filter(filter_id, body(req))


@routes(
    "DELETE",
    FILTER,
    summary="Delete a filter no experiment uses",
    results=DELETED,
    refusals={409: "an experiment still uses the filter"},
)
def delete_filter(req, filter_id):
    req.store.delete_filter(filter_id)
    return assumptions.DELETE_RESULTS
