"""API clients: list, create, delete (all sktmls's ClientClient calls; no get or update)."""

from .. import assumptions
from ..openapi_schemas import array, ref
from ..route import Routes
from ..wire import body
from .common import DELETED, LIST_QUERY

routes = Routes()
CLIENTS = "/api/v1/clients"


@routes(
    "GET",
    CLIENTS,
    query=LIST_QUERY,
    summary="List API clients (exact `name`, substring `query`), their apikeys included",
    results=array(ref("Client")),
    link=("client_id", "/results/0/id"),
    more_links=(("client_name", "/results/0/name"),),  # the runtime APIs name the client in their paths
)
def list_clients(req, **query):
    return req.store.list("clients", **query)


@routes(
    "POST",
    CLIENTS,
    status=201,
    body="ClientBody",
    summary="Create an API client with the apikey given",
    results=ref("Client"),
    refusals={409: "the name or the apikey is taken (`error` names the field)"},
    link=("client_id", "/results/id"),
    more_links=(("client_name", "/results/name"),),
)
def create_client(req):
    return req.store.create("clients", body(req), req.user)


@routes("DELETE", CLIENTS + "/<int:client_id>", summary="Delete an API client", results=DELETED)
def delete_client(req, client_id):
    req.store.delete("clients", client_id)
    return assumptions.DELETE_RESULTS
