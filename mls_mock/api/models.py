"""The read side of models: enough for buckets that point at models. Models are created
through the store or a seed, never over HTTP."""

from ..openapi_schemas import array, ref
from ..route import Routes
from ..store import MODEL_TYPES
from ..wire import choice, page, positive_int, text

routes = Routes()


QUERY = {
    "id": positive_int,
    "name": text,
    "version": text,
    "model_type": choice(*MODEL_TYPES),
    "query": text,
    "page": page,
}


@routes(
    "GET",
    "/api/v1/models",
    query=QUERY,
    summary="List models",
    results=array(ref("Model")),
    link=("model_id", "/results/0/id"),
)
def list_models(req, **query):
    return req.store.list_models(**query, viewer=req.user)


@routes("GET", "/api/v1/models/<int:model_id>", summary="Get a model", results=ref("Model"))
def get_model(req, model_id):
    return req.store.get_model(model_id, viewer=req.user)
