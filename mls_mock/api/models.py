"""The read side of models: enough for buckets that point at models. Models are created
through the store or a seed, never over HTTP."""
from flask import Blueprint

from .common import envelope, positive_int, query, store, text
from ..store import MODEL_TYPES
from ..errors import FieldError

bp = Blueprint("models", __name__, url_prefix="/api/v1/models")


def model_type(value: str, field: str) -> str:
    if value not in MODEL_TYPES:
        raise FieldError(field, f"must be one of {', '.join(MODEL_TYPES)}")
    return value


@bp.get("")
def list_models():
    args = query(id=positive_int, name=text, version=text, model_type=model_type, query=text, page=positive_int)
    return envelope(store().list_models(**args))


@bp.get("/<int:model_id>")
def get_model(model_id):
    return envelope(store().get_model(model_id))
