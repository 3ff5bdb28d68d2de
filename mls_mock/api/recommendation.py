"""The recommendation API (`MLSRecommendationAPIClient`), mounted under /rec: `request`
(v1/v2 items) and `predict` (v3), answered from the A/B set-up (mls_mock/recommendation.py);
and the /_mock/ route a test fixes an online/automl model's answer with."""

from .. import assumptions, recommendation
from ..openapi_schemas import obj
from ..route import Routes
from ..store.model_answers import ANSWER
from ..wire import body, choice
from .common import DELETED

routes = Routes()
CHANNEL_ANSWERS = {
    "type": "object",
    "additionalProperties": ANSWER,
    "description": 'each requested channel that exists -> its answer, {"items": [...]}',
}
CHANNELS = {"type": "array", "items": {"type": "string", "minLength": 1}}
SCHEMAS = {
    "RecommendationRequest": obj(
        ["user_id", "channel_ids", "sale_org_id"],
        {
            "user_id": {"type": "string", "minLength": 1},
            "channel_ids": {**CHANNELS, "minItems": 1},
            "sale_org_id": {"enum": list(assumptions.SALE_ORG_IDS)},
        },
        extra=False,
    ),
    "PredictRequest": obj(
        ["type", "id", "channel_ids", "keys"],
        {
            "type": {"enum": ["user", "target"]},
            "id": {"type": "string", "minLength": 1},
            "channel_ids": CHANNELS,
            "keys": {"type": "array"},
        },
        extra=False,
    ),
    "ModelAnswer": ANSWER,
}
UNAUTHORIZED = {401: "no registered client with this `apikey` is the path's client id"}
# What the client sends off the MMS runtime (none on it); nothing else (README: runtime API query parameters).
QUERY = {"mode": choice(*assumptions.RUNTIME_MODES)}


ITEMS = dict(
    body="RecommendationRequest",
    summary="A user's items on each channel: the answer of the bucket the user falls into",
    results=CHANNEL_ANSWERS,
    refusals=UNAUTHORIZED,
    query=QUERY,
    closed_query=True,
)


@routes("POST", "/rec/v1/<client_name>/items", name="request_items_v1", **ITEMS)
@routes("POST", "/rec/v2/<client_name>/items", name="request_items_v2", schemas=SCHEMAS, **ITEMS)
def request_items(req, client_name, mode=None):
    """One route per version (a version path parameter no answer could link to)."""
    user_id, channel_ids = recommendation.read_items_body(body(req))
    results, req.served = recommendation.answer(
        req.store, req.state.model_answers, user_id, channel_ids, api=req.path.split("/")[2], client_id=client_name
    )
    return results


@routes(
    "POST",
    "/rec/v3/<client_name>/predict",
    body="PredictRequest",
    summary="A user's or target's answer on each channel, with `keys` handed to registered answers",
    results=CHANNEL_ANSWERS,
    refusals=UNAUTHORIZED,
    query=QUERY,
    closed_query=True,
)
def predict(req, client_name, mode=None):
    target_type, target_id, channel_ids, keys = recommendation.read_predict_body(body(req))
    results, req.served = recommendation.answer(
        req.store,
        req.state.model_answers,
        target_id,
        channel_ids,
        keys=keys,
        api="v3",
        client_id=client_name,
        target_type=target_type,
    )
    return results


@routes(
    "PUT",
    "/_mock/models/<int:model_id>/answer",
    admin=True,
    saves=True,
    body="ModelAnswer",
    summary="Fix what the recommendation API answers for an online or automl model (the body is the answer)",
    results=obj(["id", "model", "answer"], {"model": {"type": "integer"}, "answer": ANSWER}),
    refusals={404: "no such model"},
)
def put_model_answer(req, model_id):
    return req.store.set_model_answer(model_id, body(req))


@routes(
    "DELETE",
    "/_mock/models/<int:model_id>/answer",
    admin=True,
    saves=True,
    summary="Forget a model's fixed answer (the recommendation API then answers no items for it)",
    results=DELETED,
    refusals={404: "the model has no fixed answer"},
)
def delete_model_answer(req, model_id):
    req.store.delete_model_answer(model_id)
    return assumptions.DELETE_RESULTS
