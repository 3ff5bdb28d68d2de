"""The graph API (`/graph`, sktmls's `MLSGraphAPIClient`): vertices and edges as instances,
listed and dropped by the property filters of the client's docstrings (any query parameter
but `limit` and `mode`), read, added, patched and dropped one by id. No credentials (the
client sends none). Every answer holds the instances as `{"vertices": [...]}` or
`{"edges": [...]}`, one for a single instance, as the client reads them."""

from collections.abc import Callable
from typing import Any

from .. import assumptions
from ..openapi_schemas import array, obj, ref
from ..route import Route, Routes
from ..store import schema as s
from ..store.graph import GRAPH_ID, PROPERTY_VALUES, Graph
from ..wire import body, choice, positive_int

routes = Routes()
MODE = choice(*assumptions.RUNTIME_MODES)
LIST_QUERY = {"limit": positive_int, "mode": MODE}
FILTERS = (
    "; any other query parameter filters on properties: `name=value` (repeated: any of them) a string "
    "property equal to it, `name__eq|gt|gte|lt|lte=number`, `name__bw=low,high` (strictly between) a number"
)
SCHEMAS = {
    "GraphApiVertex": obj(
        ["id", "label", "properties"], {"id": s.STRING, "label": s.STRING, "properties": PROPERTY_VALUES}
    ),
    "GraphApiEdge": obj(
        ["id", "label", "from", "to", "properties"],
        {"id": s.STRING, "label": s.STRING, "from": s.STRING, "to": s.STRING, "properties": PROPERTY_VALUES},
    ),
    "GraphApiVertexBody": obj(
        ["id", "label"], {"id": GRAPH_ID, "label": s.NAME, "properties": s.nullable(PROPERTY_VALUES)}
    ),
    "GraphApiPropertiesBody": obj(["properties"], {"properties": PROPERTY_VALUES}),
}
DROPPED = {"type": "null"}
REFUSED = {409: "an instance with that id already exists"}


def _declare(kind: str, plural: str, key: str, add_body: str) -> None:
    """The six routes of one kind (vertices, edges), declared as data."""
    collection, one = f"/graph/v1/{key}", f"/graph/v1/{key}/<{kind}_id>"
    answer = obj([key], {key: array(ref(f"GraphApi{kind.title()}"))})
    shared: dict[str, Any] = dict(tag="graph_api", schemas=SCHEMAS)
    graph_id = f"{kind}_id"

    def listed(req, limit=None, **query):
        return Graph(req.store).find(plural, req.args, limit)

    def added(req, **query):
        return Graph(req.store).add(plural, body(req))

    def dropped_matching(req, limit=None, **query):
        Graph(req.store).drop_matching(plural, req.args, limit)
        return assumptions.DELETE_RESULTS

    def got(req, **args):
        return Graph(req.store).get(plural, args[graph_id])

    def patched(req, **args):
        return Graph(req.store).patch(plural, args[graph_id], body(req))

    def dropped(req, **args):
        Graph(req.store).drop(plural, args[graph_id])
        return assumptions.DELETE_RESULTS

    link = (graph_id, f"/results/{key}/0/id")
    declared: list[tuple[str, str, Callable, str, dict[str, Any], str]] = [
        (
            "GET",
            collection,
            listed,
            f"list_{key}",
            dict(query=LIST_QUERY, link=link, results=answer),
            f"List {key} (at most `limit`)",
        ),
        (
            "POST",
            collection,
            added,
            f"add_{kind}",
            dict(
                query={"mode": MODE},
                closed_query=True,
                status=assumptions.GRAPH_ADD_STATUS,
                body=add_body,
                saves=True,
                refusals=REFUSED,
                link=link,
                results=answer,
            ),
            f"Add a {kind}: its label names a {kind} schema, its properties are of the types it declares",
        ),
        (
            "DELETE",
            collection,
            dropped_matching,
            f"drop_{key}",
            dict(query=LIST_QUERY, saves=True, results=DROPPED),
            f"Drop every matching {kind} (at most `limit`)",
        ),
        (
            "GET",
            one,
            got,
            f"get_{kind}",
            dict(query={"mode": MODE}, closed_query=True, results=answer),
            f"Get a {kind} by id",
        ),
        (
            "PATCH",
            one,
            patched,
            f"update_{kind}",
            dict(query={"mode": MODE}, closed_query=True, body="GraphApiPropertiesBody", saves=True, results=answer),
            f"Update a {kind}'s properties: a `single` one is replaced, a `set` one accumulates",
        ),
        (
            "DELETE",
            one,
            dropped,
            f"drop_{kind}",
            dict(query={"mode": MODE}, closed_query=True, saves=True, results=DROPPED),
            f"Drop a {kind}",
        ),
    ]
    for method, rule, handler, name, options, summary in declared:
        if handler in (listed, dropped_matching):
            summary += FILTERS
        routes.append(Route(method, rule, handler, name=name, summary=summary, **shared, **options))


_declare("vertex", "graph_vertices", "vertices", "GraphApiVertexBody")
_declare("edge", "graph_edges", "edges", "GraphEdgeBody")
