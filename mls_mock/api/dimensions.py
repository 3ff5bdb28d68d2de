"""Dimensions: hand-written because the list always names a type (`?type=user|item`) and
filters on enums and flags, which the generic list would take as free text."""

from .. import assumptions
from ..errors import FieldError
from ..openapi_schemas import array, ref
from ..route import Routes
from ..store.dimensions import DATA_TYPES, DIMENSION_TYPES, PERIODS
from ..wire import body, choice, page, positive_int, required, text
from .common import DELETED, NAME_TAKEN

routes = Routes()
DIMENSIONS = "/api/v1/dimensions"
DIMENSION = DIMENSIONS + "/<int:dimension_id>"
FLAG_WORDS = {"True": True, "true": True, "False": False, "false": False}


def flag(value: str, field: str) -> bool:
    """A boolean as `requests` writes a Python bool (`True`), or as JSON does (`true`)."""
    if value not in FLAG_WORDS:
        raise FieldError(field, "must be True or False")
    return FLAG_WORDS[value]


flag.schema = {"type": "boolean"}  # type: ignore[attr-defined]

QUERY = {
    "type": required(choice(*DIMENSION_TYPES)),
    "id": positive_int,
    "name": text,
    "data_type": choice(*DATA_TYPES),
    "period": choice(*PERIODS),
    "task_id": text,
    "tag": text,
    "is_derivative": flag,
    "is_enabled": flag,
    "query": text,
    "page": page,
}


@routes(
    "GET",
    DIMENSIONS,
    query=QUERY,
    results=array(ref("Dimension")),
    summary="List the dimensions of one `type` (required: user or item); every other parameter matches exactly, "
    "`query` is a substring of the name",
    link=("dimension_id", "/results/0/id"),
)
def list_dimensions(req, **query):
    # list_dimensions always puts `?type=` in its URL: a list without one is no call of the client's.
    if "type" not in query:
        raise FieldError("type", f"is required, one of {', '.join(DIMENSION_TYPES)}")
    return req.store.list("dimensions", **query)


@routes(
    "POST",
    DIMENSIONS,
    status=201,
    body="DimensionBody",
    summary="Create a dimension (its name is unique within its dimension_type)",
    results=ref("Dimension"),
    refusals=NAME_TAKEN,
    link=("dimension_id", "/results/id"),
)
def create_dimension(req):
    return req.store.create("dimensions", body(req))


@routes(
    "PUT", DIMENSION, body="DimensionBody", summary="Replace a dimension", results=ref("Dimension"), refusals=NAME_TAKEN
)
def update_dimension(req, dimension_id):
    return req.store.update("dimensions", dimension_id, body(req))


@routes("DELETE", DIMENSION, summary="Delete a dimension", results=DELETED)
def delete_dimension(req, dimension_id):
    req.store.delete("dimensions", dimension_id)
    return assumptions.DELETE_RESULTS
