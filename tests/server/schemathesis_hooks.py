"""Schemathesis hooks for test_openapi_schemathesis.py (loaded through $SCHEMATHESIS_HOOKS in
the schemathesis process).

One failure is dropped, and only one: a schema-valid request refused with 400 for a rule the
document declares for that operation's body but JSON Schema cannot express (a referenced
record must exist, bucket shares must add up to 100, ...: `openapi_schemas.STATE_RULES`),
recognised by the server's message for exactly that rule. Every drop is written to
$MLS_MOCK_DROPPED, when set, so the test can show them.
"""

import json
import os
import re

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData

from mls_mock import openapi_schemas as schemas

# Each state rule -> the end of the message the server gives when it applies.
MESSAGES = {
    schemas.MISSING_RECORD: r"\b[a-z_]+ \d+ does not exist",
    schemas.WRONG_MODEL_TYPE: r"model \d+ is (?:manual|automl), an? \w+ bucket needs an? (?:manual|automl) model",
    schemas.BAD_SHARES: r"bucket_ratio: (?:must name exactly the experiment's buckets: .*|shares must add up to "
    r"\d+, not \d+)",
    schemas.STAMPS_OUT_OF_ORDER: r"updated_at: must not be before created_at",
    schemas.TAKEN: r"already exists(?: \(id \d+\))?",
    schemas.IDS_USED_UP: r"ids are used up: the sequence is at the largest id, \d+",
    schemas.MISSING_VERTEX: r"\b(?:frm|to): no vertex is labelled .*",
    schemas.MAIN_TABLE_NOT_LISTED: r"\bmain_table: must be one of `tables`",
    schemas.UNKNOWN_COMPONENT: r"components\[\d+\]: no component is named .+",
    schemas.MODEL_TYPE_FIXED: r"model_type: must stay (?:manual|automl): a model's type cannot change",
    schemas.NOT_PYTHON: r"handler: is not valid Python: \w+",
    schemas.SCORE_NEEDS_OPTION: r"score_export_option: is required: the model's dataset is a score problem",
    schemas.NO_SERVER: r"server_status: only an automl model has a model server",
    schemas.PREDICTION_OF_MANUAL: r"model_id: model \d+ is manual; predictions need an automl model",
    schemas.MISSING_GROUP: r"\bgroup: no ml_feature_group is named .*",
    schemas.GRAPH_NO_SCHEMA: r"\blabel: no (?:vertex|edge) schema is labelled .*",
    schemas.GRAPH_UNDECLARED: r"\bproperties\..+: (?:is not a property of (?:vertex|edge) .*|must be an? .+ \((?:String|Float)\((?:single|set)\)\))",
    schemas.GRAPH_ENDS: r"\b(?:from|to): (?:no vertex has id .*|vertex .* is a .*; edge .* joins .* there)",
    schemas.CONVERSION_TYPE: r"\bconversion_type: must be one of .*",
    schemas.ITEM_OUTSIDE_TABLE: r"(?:dynamodb table '.*' does not exist|(?:item|body|items\[\d+\])\.\w+: is required: it is the table's key)",
    schemas.MAIN_TABLE_NOT_DYNAMODB: r"profile_id: its main table '.*' cannot be a DynamoDB table \(DynamoDB's name rule\)",
}
assert set(MESSAGES) == {rule for rules in schemas.STATE_RULES.values() for rule in rules}


def _body_schema(case) -> str:
    operation = case.operation.schema.raw_schema["paths"][case.operation.path][case.operation.method.lower()]
    reference = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    return reference.get("$ref", "").rpartition("/")[2]


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if not isinstance(failure, RejectedPositiveData) or response.status_code != 400:
        return True
    try:
        error = json.loads(response.content)["error"]
    except (ValueError, KeyError, TypeError):
        return True
    for rule in schemas.STATE_RULES.get(_body_schema(case), ()):
        if re.search(MESSAGES[rule] + "$", error):
            if os.environ.get("MLS_MOCK_DROPPED"):
                with open(os.environ["MLS_MOCK_DROPPED"], "a", encoding="utf-8") as log:
                    log.write(json.dumps({"operation": case.operation.label, "rule": rule, "error": error}) + "\n")
            return False
    return True
