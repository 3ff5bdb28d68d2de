"""What several resources' route declarations share: the list query, the schemas of
common answers and refusals."""

from .. import assumptions
from ..openapi_schemas import ANY
from ..wire import page, positive_int, text

LIST_QUERY = {"id": positive_int, "name": text, "query": text, "page": page}
DELETED = {"type": "null"} if assumptions.DELETE_RESULTS is None else ANY
NAME_TAKEN = {409: "the name is taken (`error` names the holder)"}
