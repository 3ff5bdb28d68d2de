"""The JSON Schemas of /openapi.json: what each body, query value and answer may be.

Each schema states the rule the server applies, taken from the code that applies it where
it can be (name characters, limits, enums), so that a request the document calls valid is
accepted and one it calls invalid is refused. What JSON Schema cannot say (a referenced
record must exist, bucket shares must add up to 100, a seeded `updated_at` not before its
`created_at`, seeded ids and names unique) is said in the 400 descriptions (`STATE_RULES`).
"""

from . import assumptions
from .store import schema as s
from .store.buckets import PREDICTION, PREDICTION_BODY
from .store.registry import RESOURCES, SEED_KINDS
from .traffic import MAX_FAULT_DELAY, MAX_FAULT_TEXT
from .wire import page, positive_int, schema_of

# The store's schema pieces are the document's: one statement of each rule.
array, nullable, obj = s.array, s.nullable, s.obj
NAME, TEXT, ANY, STAMP, STAMP_IN = s.NAME, s.TEXT, s.ANY, s.STAMP, s.STAMP_IN
SPACES = s.SPACES  # what a name may not be made of alone (tests check it covers Unicode)
MAX_ID, MAX_JSON_DEPTH = assumptions.MAX_ID, assumptions.MAX_JSON_DEPTH
ID = s.ID
QUERY_ID = schema_of(positive_int)  # what the query converters accept, as they say it
PAGE = schema_of(page)
COUNTS = obj(list(SEED_KINDS), {kind: {"type": "integer", "minimum": 0} for kind in SEED_KINDS})


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def title(resource) -> str:
    """A resource's schema name: `Channel`, and `ChannelBody`, `ChannelSummary` beside it."""
    return resource.kind.title().replace("_", "")


def resource_schemas() -> dict[str, dict]:
    """Every registered resource's record, body and (where it has one) summary schema, as the
    resource declares them next to the validation that enforces them."""
    found: dict[str, dict] = {}
    for resource in RESOURCES:
        name = title(resource)
        found[name], found[f"{name}Body"] = resource.record_schema, resource.body_schema
        summary = getattr(resource, "summary_schema", None)
        if summary is not None:
            found[f"{name}Summary"] = summary
    return found


SCHEMAS = {
    "Envelope": obj(
        ["code", "error", "results"],
        {
            "code": {"type": "integer", "description": "equals the HTTP status"},
            "error": nullable({"type": "string"}),
            "results": ANY,
        },
    ),
    "ErrorEnvelope": obj(
        ["code", "error", "results"],
        {
            "code": {"type": "integer", "minimum": 400, "maximum": 599},
            "error": {"type": "string", "minLength": 1, "description": "`field: problem`"},
            "results": {"type": "null"},
        },
    ),
    **resource_schemas(),
    "Prediction": PREDICTION,
    "PredictionBody": PREDICTION_BODY,
    "BucketRatioBody": obj(
        ["bucket_ratio"],
        {
            "bucket_ratio": {
                "type": "object",
                "description": f"bucket id -> share: every bucket of the experiment, shares adding up to "
                f"{assumptions.BUCKET_SLOTS}",
                "propertyNames": {"pattern": "^0*[1-9][0-9]{0,14}$"},  # ids the server takes
                "additionalProperties": {"type": "integer", "minimum": 0, "maximum": assumptions.BUCKET_SLOTS},
            },
        },
    ),
    "BucketMigrationBody": obj(
        ["model_id", "migration_request"],
        {
            "model_id": {**ID, "description": "an existing model"},
            "migration_request": ref("PredictionBody"),
        },
    ),
    "SeedDocument": {
        "type": "object",
        "description": "The fixtures/ format: records by kind, loaded in this order (a record may refer to "
        "kinds before it); `sequences` = last id per kind so that new ids continue past them",
        "properties": {
            **{r.plural: nullable(array(r.seed_schema)) for r in RESOURCES},
            "sequences": nullable(
                {
                    "type": "object",
                    "propertyNames": {"enum": list(SEED_KINDS)},
                    "additionalProperties": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
                }
            ),
            "format": {"description": "ignored (state files carry it)"},
        },
        "additionalProperties": False,
    },
    "Counts": COUNTS,
    "Health": obj(
        ["status", "records", "persistent"],
        {
            "status": {"const": "ok"},
            "records": COUNTS,
            "persistent": {"type": "boolean"},
        },
    ),
    "Call": obj(
        [
            "seq",
            "method",
            "path",
            "query",
            "query_all",
            "json",
            "body_bytes",
            "body_truncated",
            "status",
            "user",
            "response",
            "response_bytes",
            "response_truncated",
        ],
        {
            "seq": {"type": "integer", "minimum": 1},
            "method": {"type": "string"},
            "path": {"type": "string"},
            "query": {"type": "object"},
            "query_all": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            "json": ANY,
            "body_bytes": {"type": "integer", "minimum": 0},
            "body_truncated": {"type": "boolean"},
            "status": {"type": "integer"},
            "user": nullable({"type": "string"}),
            "response": ANY,
            "response_bytes": {"type": "integer", "minimum": 0},
            "response_truncated": {"type": "boolean"},
            "served": nullable(
                {
                    "type": "array",
                    "items": {"type": "object"},
                    "description": "what the recommendation API served, per channel: "
                    "{channel, experiment, bucket, slot, outcome}",
                }
            ),
        },
    ),
    "FaultBody": obj(
        [],
        {
            "method": {
                "type": "string",
                "minLength": 1,
                "maxLength": 1000,
                "pattern": "^[A-Za-z*?\\[\\]!]+$",
                "default": "*",
                "description": "glob",
            },
            "path": {
                "type": "string",
                "minLength": 1,
                "pattern": "^[/*?\\[]",
                "maxLength": 1000,
                "default": "*",
                "description": "glob, e.g. /api/v1/channels*",
            },
            "status": nullable(
                {"type": "integer", "minimum": 400, "maximum": 599, "default": 500},
            ),
            "error": nullable({"type": "string", "minLength": 1, "maxLength": MAX_FAULT_TEXT}),
            "times": nullable({"type": "integer", "minimum": 1, "maximum": assumptions.MAX_ID, "default": 1}),
            "delay": {
                "type": "number",
                "minimum": 0,
                "maximum": MAX_FAULT_DELAY,
                "default": 0,
                "description": "seconds each matching request waits before it is answered",
            },
        },
        extra=False,
    )
    | {
        # `status: null` is added latency alone: it needs a delay
        "anyOf": [
            {"properties": {"status": {"type": "integer"}}},
            {"required": ["delay"], "properties": {"delay": {"exclusiveMinimum": 0}}},
        ],
    },
    "Fault": obj(
        ["id", "method", "path", "status", "error", "times", "raises", "delay"],
        {
            "id": {"type": "integer", "minimum": 1},
            "method": {"type": "string"},
            "path": {"type": "string"},
            "status": nullable({"type": "integer"}),
            "error": nullable({"type": "string"}),
            "times": nullable({"type": "integer"}),
            "raises": nullable({"type": "string"}),
            "delay": {"type": "number", "minimum": 0},
        },
    ),
    "Cleared": obj(["cleared"], {"cleared": {"type": "integer", "minimum": 0}}),
}

# Refusals that depend on the stored records or on several fields at once: JSON Schema cannot
# state them, so a body valid by its schema may still get one of these 400s (and no other).
MISSING_RECORD = "a record the body refers to (by id) does not exist"
WRONG_MODEL_TYPE = "the model is of the wrong type for the prediction (batch/online: manual, automl: automl)"
BAD_SHARES = f"the shares do not name exactly the experiment's buckets or do not add up to {assumptions.BUCKET_SLOTS}"
STAMPS_OUT_OF_ORDER = "a record's `updated_at` is before its `created_at`"
TAKEN = "a record's id or name is already taken"
IDS_USED_UP = f"the ids of a kind are used up (its sequence was set to {MAX_ID})"
MISSING_VERTEX = "a vertex the body names (by label) does not exist"
MAIN_TABLE_NOT_LISTED = "`main_table` is not one of `tables`"
UNKNOWN_COMPONENT = "a component the body names does not exist"
MODEL_TYPE_FIXED = "a model's `model_type` cannot change"
NOT_PYTHON = "the handler does not parse as Python (or nests too deeply to)"
SCORE_NEEDS_OPTION = "the model's dataset is a score problem and no `score_export_option` is given"
NO_SERVER = "a manual model has no automl model server"
PREDICTION_OF_MANUAL = "a batch prediction's model is a manual model (predictions are automl models')"
ITEM_OUTSIDE_TABLE = "a DynamoDB item names a table that does not exist, or lacks that table's key"
MISSING_GROUP = "an ML feature names a feature group that does not exist"
MAIN_TABLE_NOT_DYNAMODB = "the profile's main table has a name DynamoDB does not allow, so it cannot be made"
GRAPH_NO_SCHEMA = "a graph instance's label names no vertex or edge schema of the AB API"
GRAPH_UNDECLARED = "a graph instance's property is not one its schema declares, or not of the declared type"
GRAPH_ENDS = "an edge's `from` or `to` names no vertex, or a vertex of another label than the edge's schema joins"
CONVERSION_TYPE = "the path's conversion type is not one the client documents"
_SEEDED_RULES = (
    MISSING_RECORD,
    WRONG_MODEL_TYPE,
    STAMPS_OUT_OF_ORDER,
    TAKEN,
    IDS_USED_UP,
    MISSING_VERTEX,
    MAIN_TABLE_NOT_LISTED,
    PREDICTION_OF_MANUAL,
    ITEM_OUTSIDE_TABLE,
    MISSING_GROUP,
    GRAPH_ENDS,
)
STATE_RULES = {  # body schema -> the rules it is subject to
    "ChannelBody": (MISSING_RECORD,),
    "ExperimentBody": (MISSING_RECORD,),
    "BucketBody": (MISSING_RECORD, WRONG_MODEL_TYPE),
    "BucketMigrationBody": (MISSING_RECORD, WRONG_MODEL_TYPE),
    "BucketRatioBody": (BAD_SHARES,),
    "EdgeBody": (MISSING_VERTEX,),
    "ProfileBody": (MAIN_TABLE_NOT_LISTED,),
    "DatasetColumnSpecsBody": (MISSING_RECORD,),  # a column of the dataset
    "DatasetStateBody": (TAKEN,),  # column names
    "ModelBody": (MISSING_RECORD, UNKNOWN_COMPONENT, MODEL_TYPE_FIXED),
    "AutomlHandlerBody": (NOT_PYTHON,),
    "AutomlPredictionBody": (SCORE_NEEDS_OPTION,),
    "ModelStateBody": (NO_SERVER,),
    "DynamoDBRequest": (ITEM_OUTSIDE_TABLE,),
    "DynamodbTableBody": (ITEM_OUTSIDE_TABLE,),
    "DynamodbItemPut": (ITEM_OUTSIDE_TABLE,),
    "MlFeatureGroupChoice": (MISSING_GROUP,),
    "GraphApiVertexBody": (GRAPH_NO_SCHEMA, GRAPH_UNDECLARED),
    "GraphEdgeBody": (GRAPH_NO_SCHEMA, GRAPH_UNDECLARED, GRAPH_ENDS),
    "GraphApiPropertiesBody": (GRAPH_NO_SCHEMA, GRAPH_UNDECLARED),
    "ConversionBody": (CONVERSION_TYPE,),
    "ProfileValuesBody": (MAIN_TABLE_NOT_DYNAMODB,),
    "SeedDocument": _SEEDED_RULES,
    "SeedRequest": _SEEDED_RULES,
}
