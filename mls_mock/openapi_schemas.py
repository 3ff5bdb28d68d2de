"""The JSON Schemas of /openapi.json: what each body, query value and answer may be.

Each schema states the rule the server applies, taken from the code that applies it where
it can be (name characters, limits, enums), so that a request the document calls valid is
accepted and one it calls invalid is refused. What JSON Schema cannot say (a referenced
record must exist, bucket shares must add up to 100, a seeded `updated_at` not before its
`created_at`, seeded ids and names unique) is said in the 400 descriptions (`STATE_RULES`).
"""
from typing import Dict, List

from . import assumptions
from .traffic import MAX_FAULT_TEXT
from .store import FILTER_OPERATORS, MODEL_FIELDS, MODEL_TYPES, PREDICTION_TYPES, SEED_KINDS
from .validation import _CONTROL_CHARS, TIMESTAMP  # the very rules the server applies
from .wire import page, positive_int, schema_of

# Limits another branch of work adds to `assumptions`; until they exist the server does not
# enforce them, so the document does not claim them.
MAX_ID = getattr(assumptions, "MAX_ID", None)
MAX_JSON_DEPTH = getattr(assumptions, "MAX_JSON_DEPTH", None)


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def nullable(schema: dict) -> dict:
    return {"oneOf": [schema, {"type": "null"}]}


def obj(required: List[str], properties: Dict[str, dict], extra: bool = True) -> dict:
    schema = {"type": "object", "required": required, "properties": properties}
    if not extra:
        schema["additionalProperties"] = False
    return schema


def _bounded(schema: dict, maximum) -> dict:
    return {**schema, "maximum": maximum} if maximum is not None else schema


# The characters `str.strip()` removes; none lies above U+3000 (a test checks all of Unicode).
_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_CONTROL = _CONTROL_CHARS.pattern[1:-1]  # the class validation.name refuses, e.g. \x00-\x1f\x7f
_SPACE_CLASS = "".join(f"\\u{ord(c):04x}" for c in _SPACES if not _CONTROL_CHARS.match(c))
# validation.name: no control character, and not only spaces.
NAME_PATTERN = f"^[^{_CONTROL}]*[^{_CONTROL}{_SPACE_CLASS}][^{_CONTROL}]*$"

ID = _bounded({"type": "integer", "minimum": 1}, MAX_ID)
QUERY_ID = schema_of(positive_int)  # what the query converters accept, as they say it
PAGE = schema_of(page)
NAME = {"type": "string", "minLength": 1, "maxLength": assumptions.MAX_NAME_LENGTH, "pattern": NAME_PATTERN,
        "description": f"1 to {assumptions.MAX_NAME_LENGTH} characters, no control characters, not only spaces"}
TEXT = nullable({"type": "string"})
ANY = {}
STAMP = {"type": "string", "format": "date-time"}
STAMP_IN = {"type": "string", "format": "date-time", "pattern": f"^{TIMESTAMP.pattern}$",
            "description": "RFC 3339 with an offset (upper-case Z), kept as written"}
COUNTS = obj(list(SEED_KINDS), {kind: {"type": "integer", "minimum": 0} for kind in SEED_KINDS})
CONDITIONS = obj(["conditions"], {"conditions": array(ref("Condition"))})

# A prediction's fields depend on its type: exactly one branch applies, by `prediction_type`.
_PREDICTION_NEEDS = {
    "empty": {},
    "static": {"static_value": obj(["items"], {"items": array(ANY)})},
    "batch": {"batch_model_id": ID}, "online": {"online_model_id": ID}, "automl": {"automl_model_id": ID},
}
assert set(_PREDICTION_NEEDS) == set(PREDICTION_TYPES)
PREDICTION_BODY = {"oneOf": [obj(["prediction_type", *needs], {"prediction_type": {"const": kind}, **needs})
                             for kind, needs in _PREDICTION_NEEDS.items()],
                   "description": "batch/online need a manual model, automl an automl one; the other fields are ignored"}

# Fields every seed record may carry (Store._load_record reads them whatever the kind).
_SEEDED = {"id": nullable(ID), "created_at": nullable(STAMP_IN), "updated_at": nullable(STAMP_IN), "user": TEXT}
SEED_RECORDS = {
    "models": obj(["name", "version", "model_type"], {
        **_SEEDED, "name": NAME, "version": NAME, "model_type": {"enum": list(MODEL_TYPES)},
        "components": nullable(array({"type": "object"})),
    }),
    "filters": obj(["name", "body"], {**_SEEDED, "name": NAME, "body": CONDITIONS}),
    "experiments": obj(["name"], {**_SEEDED, "name": NAME, "description": TEXT, "bucketing_seed": TEXT,
                                  "model_filter_id": nullable(ID)}),
    "buckets": {"allOf": [PREDICTION_BODY, obj(["experiment", "name"], {
        **_SEEDED, "experiment": ID, "name": NAME, "description": TEXT, "bucket_range": TEXT})]},
    "channels": obj(["screen_id", "experiments"], {**_SEEDED, "screen_id": NAME,
                                                   "experiments": {**array(ID), "uniqueItems": True}}),
}

SCHEMAS = {
    "Envelope": obj(["code", "error", "results"], {
        "code": {"type": "integer", "description": "equals the HTTP status"},
        "error": nullable({"type": "string"}),
        "results": ANY,
    }),
    "ErrorEnvelope": obj(["code", "error", "results"], {
        "code": {"type": "integer", "minimum": 400, "maximum": 599},
        "error": {"type": "string", "minLength": 1, "description": "`field: problem`"},
        "results": {"type": "null"},
    }),
    "Channel": obj(["id", "screen_id", "experiments", "user", "created_at", "updated_at"], {
        "id": ID, "screen_id": {"type": "string"}, "experiments": array(ID),
        "user": {"type": "string"}, "created_at": STAMP, "updated_at": STAMP,
    }),
    # What lists and experiments hold; a full record (generous `full_lists`) is one too.
    "ChannelSummary": obj(list(assumptions.CHANNEL_SUMMARY_FIELDS), {
        "id": ID, "screen_id": {"type": "string"}, "created_at": STAMP, "updated_at": STAMP,
    }),
    "ChannelBody": obj(["screen_id", "experiments"], {
        "screen_id": NAME, "experiments": {**array(ID), "uniqueItems": True, "description": "existing experiments"},
    }),
    "Condition": obj(["key", "operator", "value"], {
        "key": {"type": "string", "minLength": 1},
        "operator": {"enum": list(FILTER_OPERATORS)},
        "value": {"type": ["string", "number", "boolean", "array", "null"]},
    }),
    "Filter": obj(["id", "name", "body", "created_at", "updated_at"], {
        "id": ID, "name": {"type": "string"}, "body": CONDITIONS, "created_at": STAMP, "updated_at": STAMP,
    }),
    "FilterSummary": obj(list(assumptions.FILTER_SUMMARY_FIELDS), {
        "id": ID, "name": {"type": "string"}, "created_at": STAMP, "updated_at": STAMP,
    }),
    "FilterBody": obj(["name", "body"], {"name": NAME, "body": CONDITIONS}),
    "Experiment": obj(["id", "name", "description", "bucketing_seed", "model_filter", "channels", "user",
                       "created_at", "updated_at"], {
        "id": ID, "name": {"type": "string"}, "description": TEXT, "bucketing_seed": {"type": "string"},
        "model_filter": nullable(ref("FilterSummary")), "channels": array(ref("ChannelSummary")),
        "user": {"type": "string"}, "created_at": STAMP, "updated_at": STAMP,
    }),
    "ExperimentBody": obj(["name"], {
        "name": NAME, "bucketing_seed": TEXT, "description": TEXT,
        "model_filter_id": {**nullable(ID), "description": "an existing filter"},
    }),
    "Prediction": obj(["id", "request", "ml_model"], {
        "id": ID,
        "request": obj(["type"], {
            "type": {"enum": list(PREDICTION_TYPES)}, "items": array(ANY),
            "model_name": {"type": "string"}, "model_version": {"type": "string"},
            "username": {"description": "the automl model's `creator`, as seeded"},
        }),
        "ml_model": nullable(ID),
    }),
    "Bucket": obj(["id", "experiment", "name", "description", "bucket_range", "prediction",
                   "created_at", "updated_at"], {
        "id": ID, "experiment": ID, "name": {"type": "string"}, "description": TEXT,
        "bucket_range": {"type": "string", "description": "inclusive slots, e.g. `0-49`; empty when unset"},
        "prediction": ref("Prediction"), "created_at": STAMP, "updated_at": STAMP,
    }),
    "PredictionBody": PREDICTION_BODY,
    "BucketBody": {"allOf": [ref("PredictionBody"), obj(["name"], {"name": NAME, "description": TEXT})]},
    "BucketRatioBody": obj(["bucket_ratio"], {
        "bucket_ratio": {"type": "object",
                         "description": f"bucket id -> share: every bucket of the experiment, shares adding up to "
                                        f"{assumptions.BUCKET_SLOTS}",
                         "propertyNames": {"pattern": "^0*[1-9][0-9]{0,14}$"},  # ids the server takes
                         "additionalProperties": {"type": "integer", "minimum": 0,
                                                  "maximum": assumptions.BUCKET_SLOTS}},
    }),
    "BucketMigrationBody": obj(["model_id", "migration_request"], {
        "model_id": {**ID, "description": "an existing model"}, "migration_request": ref("PredictionBody"),
    }),
    "Model": obj(["id", "name", "version", "model_type", "created_at", "updated_at"], {
        "id": ID, "name": {"type": "string"}, "version": {"type": "string"}, "model_type": {"enum": list(MODEL_TYPES)},
        **{field: ANY for field in MODEL_FIELDS}, "created_at": STAMP, "updated_at": STAMP,
    }),
    "SeedDocument": {
        "type": "object",
        "description": "The fixtures/ format: records by kind, loaded in this order (a record may refer to "
                       "kinds before it); `sequences` = last id per kind so that new ids continue past them",
        "properties": {**{kind: nullable(array(SEED_RECORDS[kind])) for kind in SEED_KINDS},
                       "sequences": nullable({"type": "object", "propertyNames": {"enum": list(SEED_KINDS)},
                                              "additionalProperties": _bounded({"type": "integer", "minimum": 0},
                                                                               MAX_ID)}),
                       "format": {"description": "ignored (state files carry it)"}},
        "additionalProperties": False,
    },
    "Counts": COUNTS,
    "Health": obj(["status", "records", "persistent"], {
        "status": {"const": "ok"}, "records": COUNTS, "persistent": {"type": "boolean"},
    }),
    "Call": obj(["method", "path", "query", "query_all", "json", "body_bytes", "body_truncated", "status", "user"], {
        "method": {"type": "string"}, "path": {"type": "string"}, "query": {"type": "object"},
        "query_all": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "json": ANY, "body_bytes": {"type": "integer", "minimum": 0}, "body_truncated": {"type": "boolean"},
        "status": {"type": "integer"}, "user": nullable({"type": "string"}),
    }),
    "FaultBody": obj([], {
        "method": {"type": "string", "minLength": 1, "maxLength": 1000, "default": "*", "description": "glob"},
        "path": {"type": "string", "minLength": 1, "maxLength": 1000, "default": "*",
                 "description": "glob, e.g. /api/v1/channels*"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599, "default": 500},
        "error": nullable({"type": "string", "minLength": 1, "maxLength": MAX_FAULT_TEXT}),
        "times": nullable({"type": "integer", "minimum": 1, "default": 1}),
    }, extra=False),
    "Fault": obj(["method", "path", "status", "error", "times", "raises"], {
        "method": {"type": "string"}, "path": {"type": "string"}, "status": {"type": "integer"},
        "error": nullable({"type": "string"}), "times": nullable({"type": "integer"}), "raises": nullable({"type": "string"}),
    }),
    "Cleared": obj(["cleared"], {"cleared": {"type": "integer", "minimum": 0}}),
}

# Refusals that depend on the stored records or on several fields at once: JSON Schema cannot
# state them, so a body valid by its schema may still get one of these 400s (and no other).
MISSING_RECORD = "a record the body refers to (by id) does not exist"
WRONG_MODEL_TYPE = "the model is of the wrong type for the prediction (batch/online: manual, automl: automl)"
BAD_SHARES = (f"the shares do not name exactly the experiment's buckets or do not add up to "
              f"{assumptions.BUCKET_SLOTS}")
STAMPS_OUT_OF_ORDER = "a record's `updated_at` is before its `created_at`"
TAKEN = "a record's id or name is already taken"
IDS_USED_UP = f"the ids of a kind are used up (its sequence was set to {MAX_ID})"
_SEEDED_RULES = (MISSING_RECORD, WRONG_MODEL_TYPE, STAMPS_OUT_OF_ORDER, TAKEN, IDS_USED_UP)
STATE_RULES = {  # body schema -> the rules it is subject to
    "ChannelBody": (MISSING_RECORD,), "ExperimentBody": (MISSING_RECORD,),
    "BucketBody": (MISSING_RECORD, WRONG_MODEL_TYPE), "BucketMigrationBody": (MISSING_RECORD, WRONG_MODEL_TYPE),
    "BucketRatioBody": (BAD_SHARES,), "SeedDocument": _SEEDED_RULES, "SeedRequest": _SEEDED_RULES,
}
