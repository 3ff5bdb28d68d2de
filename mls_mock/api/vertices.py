"""Graph vertex schemas: list, create, replace, delete (sktmls's VertexClient never GETs one
vertex: get_vertex lists by `id`/`label`)."""

from .. import assumptions
from ..openapi_schemas import array, ref
from ..route import Routes
from ..wire import body, page, positive_int, text
from .common import DELETED, NAME_TAKEN, SCHEMA_IN_USE, SCHEMA_REPLACE_REFUSED

routes = Routes()
VERTICES = "/api/v1/vertices"
VERTEX = VERTICES + "/<int:vertex_id>"


@routes(
    "GET",
    VERTICES,
    query={"id": positive_int, "label": text, "query": text, "page": page},
    summary="List vertex schemas (exact `label`, substring `query`)",
    results=array(ref("Vertex")),
    link=("vertex_id", "/results/0/id"),
)
def list_vertices(req, **query):
    return req.store.list("vertices", **query)


@routes(
    "POST",
    VERTICES,
    status=201,
    body="VertexBody",
    summary="Create a vertex schema",
    results=ref("Vertex"),
    refusals=NAME_TAKEN,
    link=("vertex_id", "/results/id"),
)
def create_vertex(req):
    return req.store.create("vertices", body(req))


@routes(
    "PUT",
    VERTEX,
    body="VertexBody",
    summary="Replace a vertex schema",
    results=ref("Vertex"),
    refusals=SCHEMA_REPLACE_REFUSED,
)
def update_vertex(req, vertex_id):
    return req.store.update("vertices", vertex_id, body(req))


@routes(
    "DELETE",
    VERTEX,
    summary="Delete a vertex and every edge that names it",
    results=DELETED,
    refusals={409: SCHEMA_IN_USE},
)
def delete_vertex(req, vertex_id):
    req.store.delete("vertices", vertex_id)
    return assumptions.DELETE_RESULTS
