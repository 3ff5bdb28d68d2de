"""The read side of models: enough for buckets that point at models. Models are created
through the store or a seed, never over HTTP."""
from flask import Blueprint

from .common import positive_int, query, route, text
from ..store import MODEL_TYPES
from ..errors import FieldError

bp = Blueprint("models", __name__, url_prefix="/api/v1/models")


def model_type(value: str, field: str) -> str:
    if value not in MODEL_TYPES:
        raise FieldError(field, f"must be one of {', '.join(MODEL_TYPES)}")
    return value


@route(bp, "GET", "")
def list_models(req):
    args = query(req, id=positive_int, name=text, version=text, model_type=model_type, query=text, page=positive_int)
    return req.store.list_models(**args, viewer=req.user)


@route(bp, "GET", "/<int:model_id>")
def get_model(req, model_id):
    return req.store.get_model(model_id, viewer=req.user)
