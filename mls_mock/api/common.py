"""What several resources' route declarations share: the list query, the schemas of
common answers and refusals."""

from .. import assumptions
from ..openapi_schemas import ANY
from ..wire import page, positive_int, text

LIST_QUERY = {"id": positive_int, "name": text, "query": text, "page": page}
DELETED = {"type": "null"} if assumptions.DELETE_RESULTS is None else ANY
NAME_TAKEN = {409: "the name is taken (`error` names the holder)"}
# A graph schema that graph API instances carry the label of (store/graph.py: refuse_schema_change_in_use).
SCHEMA_IN_USE = "graph API instances carry its label: it cannot be deleted, or changed but for new properties"
SCHEMA_REPLACE_REFUSED = {409: f"the name is taken (`error` names the holder), or {SCHEMA_IN_USE}"}
