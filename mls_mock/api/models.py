"""Models over the AB API (MLModelClient, AutoMLBatchPredictionClient): hand-written for the
viewer rule (an automl model is its creator's) and the routes under a model."""

from .. import assumptions
from ..openapi_schemas import array, nullable, obj, ref
from ..route import Routes
from ..store import MODEL_TYPES
from ..store.models import MODEL_STATUSES, SERVER_STATUSES, STATE_SCHEMA
from ..wire import body, choice, page, positive_int, text
from .common import DELETED, NAME_TAKEN

routes = Routes()
MODELS = "/api/v1/models"
MODEL = MODELS + "/<int:model_id>"
NOT_YOURS = {404: "no such model, or an automl model of another account"}
NOT_AUTOML = {404: "no such model, a manual model, or an automl model of another account"}

QUERY = {
    "id": positive_int,
    "name": text,
    "version": text,
    "model_type": choice(*MODEL_TYPES),
    "query": text,
    "page": page,
}
SERVER = obj(["status"], {"status": nullable({"enum": list(SERVER_STATUSES)})})
HANDLER = obj(["handler"], {"handler": {"type": ["string", "null"]}})


@routes(
    "GET",
    MODELS,
    query=QUERY,
    summary="List models",
    results=array(ref("Model")),
    link=("model_id", "/results/0/id"),
)
def list_models(req, **query):
    return req.store.list_models(**query, viewer=req.user)


@routes(
    "POST",
    MODELS,
    status=201,
    body="ModelBody",
    summary="Create a manual model (components by name) or an automl model (from a dataset)",
    results=ref("Model"),
    refusals=NAME_TAKEN,
    link=("model_id", "/results/id"),
)
def create_model(req):
    return req.store.post_model(body(req), req.user)


@routes("GET", MODEL, summary="Get a model", results=ref("Model"), refusals=NOT_YOURS)
def get_model(req, model_id):
    return req.store.get_model(model_id, viewer=req.user)


@routes(
    "PUT",
    MODEL,
    body="ModelBody",
    summary="Replace a model (its type stays)",
    results=ref("Model"),
    refusals={**NAME_TAKEN, **NOT_YOURS},
)
def update_model(req, model_id):
    return req.store.put_model(model_id, body(req), viewer=req.user)


@routes(
    "DELETE",
    MODEL,
    summary="Delete a model no bucket serves",
    results=DELETED,
    refusals={409: "a bucket serves the model", **NOT_YOURS},
)
def delete_model(req, model_id):
    req.store.delete_model(model_id, viewer=req.user)
    return assumptions.DELETE_RESULTS


@routes(
    "GET",
    "/api/v1/model_registry/artifacts/info",
    query={"model_name": text, "model_version": text},
    summary="The registry's artifact of a model: `info` null when it has none",
    results=obj(["info"], {"info": nullable({"type": "object"})}),
)
def get_model_artifact(req, model_name=None, model_version=None):
    if model_name is None or model_version is None:  # names no model: nothing registered
        return {"info": None}
    return req.store.model_artifact(model_name, model_version)


@routes(
    "GET",
    MODEL + "/automl_model_server",
    summary="An automl model's server status",
    results=SERVER,
    refusals=NOT_AUTOML,
)
def get_automl_model_server(req, model_id):
    return req.store.automl_server_status(model_id, viewer=req.user)


@routes(
    "POST",
    MODEL + "/automl_model_server",
    summary="Start an automl model's server (RUNNING at once)",
    results=SERVER,
    refusals={409: "the model is not trained (status DONE)", **NOT_AUTOML},
)
def start_automl_model_server(req, model_id):
    return req.store.start_automl_server(model_id, viewer=req.user)


@routes(
    "DELETE",
    MODEL + "/automl_model_server",
    summary="Stop an automl model's server",
    results=SERVER,
    refusals=NOT_AUTOML,
)
def stop_automl_model_server(req, model_id):
    return req.store.stop_automl_server(model_id, viewer=req.user)


@routes(
    "GET",
    MODEL + "/automl_online_prediction",
    summary="An automl model server's handler (null until one is set)",
    results=HANDLER,
    refusals=NOT_AUTOML,
)
def get_automl_online_prediction(req, model_id):
    return req.store.automl_handler(model_id, viewer=req.user)


@routes(
    "POST",
    MODEL + "/automl_online_prediction",
    body="AutomlHandlerBody",
    summary="Set an automl model server's handler (Python that parses)",
    results=HANDLER,
    refusals=NOT_AUTOML,
    schemas={"AutomlHandlerBody": obj(["handler"], {"handler": {"type": "string"}})},
)
def update_automl_online_prediction(req, model_id):
    return req.store.set_automl_handler(model_id, body(req), viewer=req.user)


@routes(
    "POST",
    MODEL + "/predictions",
    status=201,
    body="AutomlPredictionBody",
    summary="Start a batch prediction of a trained automl model; `name` is the channel",
    results=ref("AutomlPrediction"),
    refusals={409: "the model is not trained (DONE) or its dataset is gone", **NOT_AUTOML},
)
def create_automl_prediction(req, model_id):
    return req.store.predict_automl(model_id, body(req), user=req.user)


# ---- steering (/_mock/) -------------------------------------------------------------------


@routes(
    "PUT",
    "/_mock/models/<int:model_id>/state",
    admin=True,
    saves=True,
    body="ModelStateBody",
    summary="Steer a model: status, registry artifact (null: not ready), automl server status and handler",
    results=ref("ModelState"),
    schemas={
        "ModelStateBody": obj([], {"status": {"enum": list(MODEL_STATUSES)}, **STATE_SCHEMA}, extra=False),
        "ModelState": obj(["id", "status", *STATE_SCHEMA], {"id": {"type": "integer"}, "status": {}, **STATE_SCHEMA}),
    },
)
def steer_model(req, model_id):
    return req.store.steer_model(model_id, body(req))
