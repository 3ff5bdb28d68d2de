"""The five standard routes of any store resource that declares an AB API `path`
(`store.resources`), so a plain CRUD resource needs a store module and no api module."""

from .. import assumptions
from ..openapi_schemas import array, ref
from ..route import Route
from ..wire import body, choice, page, positive_int, text
from .common import DELETED, NAME_TAKEN

QUERY_CONVERTERS = {"id": positive_int}  # any other declared list query name is text


def routes_for(store) -> list[Route]:
    found: list[Route] = []
    for resource in getattr(store, "resources", {}).values():
        if getattr(resource, "path", None):
            found.extend(resource_routes(resource))
    return found


_MADE: dict[tuple, list[Route]] = {}  # the same routes for the same declaration: apps can share a dispatcher


def resource_routes(resource) -> list[Route]:
    key = (
        resource.plural,
        resource.kind,
        resource.path,
        tuple(resource.list_query),
        tuple(getattr(resource, "query_choices", {}).items()),
        id(resource.body_schema),
        id(resource.record_schema),
    )
    made = _MADE.get(key)
    if made is None:
        made = _MADE[key] = _make(resource)
    return made


def _make(resource) -> list[Route]:
    plural, kind, collection = resource.plural, resource.kind, resource.path.rstrip("/")
    record_rule = f"{collection}/<int:{kind}_id>"
    title = kind.title().replace("_", "")
    record, body_name = title, f"{title}Body"
    schemas = {record: resource.record_schema, body_name: resource.body_schema}
    # A resource's `query_choices` (name -> the exact values it takes) become enum parameters.
    converters = {**QUERY_CONVERTERS, **{n: choice(*v) for n, v in getattr(resource, "query_choices", {}).items()}}
    query = {name: converters.get(name, text) for name in resource.list_query if name != "page"}
    query["page"] = page
    shared = dict(tag=plural, schemas=schemas)

    def listed(req, **args):
        return req.store.list(plural, **args)

    def created(req):
        return req.store.create(plural, body(req), req.user)

    def got(req, **ids):
        return req.store.get(plural, ids[f"{kind}_id"])

    def updated(req, **ids):
        return req.store.update(plural, ids[f"{kind}_id"], body(req))

    def deleted(req, **ids):
        req.store.delete(plural, ids[f"{kind}_id"])
        return assumptions.DELETE_RESULTS

    return [
        Route(
            "GET",
            collection,
            listed,
            query=query,
            name=f"list_{plural}",
            summary=f"List {plural}",
            results=array(ref(record)),
            link=(f"{kind}_id", "/results/0/id"),
            **shared,
        ),
        Route(
            "POST",
            collection,
            created,
            status=201,
            body=body_name,
            name=f"create_{kind}",
            summary=f"Create a {kind}",
            results=ref(record),
            refusals=NAME_TAKEN,
            link=(f"{kind}_id", "/results/id"),
            **shared,
        ),
        Route("GET", record_rule, got, name=f"get_{kind}", summary=f"Get a {kind}", results=ref(record), **shared),
        Route(
            "PUT",
            record_rule,
            updated,
            body=body_name,
            name=f"update_{kind}",
            summary=f"Replace a {kind}",
            results=ref(record),
            refusals=NAME_TAKEN,
            **shared,
        ),
        Route(
            "DELETE", record_rule, deleted, name=f"delete_{kind}", summary=f"Delete a {kind}", results=DELETED, **shared
        ),
    ]
