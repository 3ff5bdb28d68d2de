"""Graph edge schemas: list, create, replace, delete (sktmls's EdgeClient never GETs one
edge: get_edge lists by `id`/`label`)."""

from .. import assumptions
from ..openapi_schemas import array, ref
from ..route import Routes
from ..wire import body, page, positive_int, text
from .common import DELETED, NAME_TAKEN, SCHEMA_IN_USE, SCHEMA_REPLACE_REFUSED

routes = Routes()
EDGES = "/api/v1/edges"
EDGE = EDGES + "/<int:edge_id>"


@routes(
    "GET",
    EDGES,
    query={"id": positive_int, "label": text, "query": text, "page": page},
    summary="List edge schemas (exact `label`, substring `query`)",
    results=array(ref("Edge")),
    link=("edge_id", "/results/0/id"),
)
def list_edges(req, **query):
    return req.store.list("edges", **query)


@routes(
    "POST",
    EDGES,
    status=201,
    body="EdgeBody",
    summary="Create a edge schema",
    results=ref("Edge"),
    refusals=NAME_TAKEN,
    link=("edge_id", "/results/id"),
)
def create_edge(req):
    return req.store.create("edges", body(req))


@routes(
    "PUT", EDGE, body="EdgeBody", summary="Replace a edge schema", results=ref("Edge"), refusals=SCHEMA_REPLACE_REFUSED
)
def update_edge(req, edge_id):
    return req.store.update("edges", edge_id, body(req))


@routes("DELETE", EDGE, summary="Delete an edge", results=DELETED, refusals={409: SCHEMA_IN_USE})
def delete_edge(req, edge_id):
    req.store.delete("edges", edge_id)
    return assumptions.DELETE_RESULTS
