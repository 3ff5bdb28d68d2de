"""`GET /openapi.json`: an OpenAPI 3.1 document of every route the app serves.

Paths, methods and path parameters come from `app.url_map` itself, so a route can never be
missing from the document; what a route takes and returns comes from `OPERATIONS`, keyed
by "METHOD endpoint". `undocumented(app)` lists routes without an entry and `stale(app)`
entries without a route: the test suite requires both to be empty.
"""
import json
import re
from typing import Dict, List, Optional

from flask import Blueprint

from . import assumptions
from .api.common import json_reply, route
from .store import FILTER_OPERATORS, MODEL_FIELDS, MODEL_TYPES, PREDICTION_TYPES, SEED_KINDS

bp = Blueprint("openapi", __name__)
IGNORED_METHODS = {"HEAD", "OPTIONS"}
IGNORED_ENDPOINTS = {"static"}


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


ID = {"type": "integer", "minimum": 1}
NAME = {"type": "string", "minLength": 1, "maxLength": assumptions.MAX_NAME_LENGTH}
TEXT = nullable({"type": "string"})
STAMP = {"type": "string", "format": "date-time"}
ANY = {}
COUNTS = obj(list(SEED_KINDS), {kind: {"type": "integer", "minimum": 0} for kind in SEED_KINDS})
BASIC = [{"basicAuth": []}]
ADMIN = [{}, {"adminBearer": []}, {"adminHeader": []}]  # `{}`: no token unless --admin-token

SEED_RECORDS = {
    "models": obj(["name", "version", "model_type"], {"name": NAME, "version": NAME, "model_type": {"enum": list(MODEL_TYPES)}}),
    "filters": obj(["name", "body"], {"name": NAME, "body": obj(["conditions"], {"conditions": array(ref("Condition"))})}),
    "experiments": obj(["name"], {"name": NAME, "model_filter_id": nullable(ID)}),
    "buckets": obj(["experiment", "name", "prediction_type"], {"experiment": ID, "name": NAME,
                                                              "prediction_type": {"enum": list(PREDICTION_TYPES)}}),
    "channels": obj(["screen_id", "experiments"], {"screen_id": NAME, "experiments": {**array(ID), "uniqueItems": True}}),
}

SCHEMAS = {
    "Envelope": obj(["code", "error", "results"], {
        "code": {"type": "integer", "description": "equals the HTTP status"},
        "error": nullable({"type": "string"}),
        "results": ANY,
    }),
    "ErrorEnvelope": obj(["code", "error", "results"], {
        "code": {"type": "integer", "minimum": 400, "maximum": 599},
        "error": {"type": "string", "minLength": 1},
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
        "screen_id": NAME, "experiments": {**array(ID), "uniqueItems": True},
    }),
    "Condition": obj(["key", "operator", "value"], {
        "key": {"type": "string", "minLength": 1},
        "operator": {"enum": list(FILTER_OPERATORS)},
        "value": {"type": ["string", "number", "boolean", "array", "null"]},
    }),
    "Filter": obj(["id", "name", "body", "created_at", "updated_at"], {
        "id": ID, "name": {"type": "string"},
        "body": obj(["conditions"], {"conditions": array(ref("Condition"))}),
        "created_at": STAMP, "updated_at": STAMP,
    }),
    "FilterSummary": obj(list(assumptions.FILTER_SUMMARY_FIELDS), {
        "id": ID, "name": {"type": "string"}, "created_at": STAMP, "updated_at": STAMP,
    }),
    "FilterBody": obj(["name", "body"], {
        "name": NAME, "body": obj(["conditions"], {"conditions": array(ref("Condition"))}),
    }),
    "Experiment": obj(["id", "name", "description", "bucketing_seed", "model_filter", "channels", "user",
                       "created_at", "updated_at"], {
        "id": ID, "name": {"type": "string"}, "description": TEXT, "bucketing_seed": {"type": "string"},
        "model_filter": nullable(ref("FilterSummary")), "channels": array(ref("ChannelSummary")),
        "user": {"type": "string"}, "created_at": STAMP, "updated_at": STAMP,
    }),
    "ExperimentBody": obj(["name"], {
        "name": NAME, "bucketing_seed": TEXT, "description": TEXT, "model_filter_id": nullable(ID),
    }),
    "Prediction": obj(["id", "request", "ml_model"], {
        "id": ID,
        "request": obj(["type"], {
            "type": {"enum": list(PREDICTION_TYPES)}, "items": array(ANY),
            "model_name": {"type": "string"}, "model_version": {"type": "string"}, "username": TEXT,
        }),
        "ml_model": nullable(ID),
    }),
    "Bucket": obj(["id", "experiment", "name", "description", "bucket_range", "prediction",
                   "created_at", "updated_at"], {
        "id": ID, "experiment": ID, "name": {"type": "string"}, "description": TEXT,
        "bucket_range": {"type": "string", "description": "inclusive slots, e.g. `0-49`; empty when unset"},
        "prediction": ref("Prediction"), "created_at": STAMP, "updated_at": STAMP,
    }),
    "PredictionBody": obj(["prediction_type"], {
        "prediction_type": {"enum": list(PREDICTION_TYPES)},
        "static_value": obj(["items"], {"items": array(ANY)}),
        "batch_model_id": ID, "online_model_id": ID, "automl_model_id": ID,
    }),
    "BucketBody": {"allOf": [ref("PredictionBody"), obj(["name"], {"name": NAME, "description": TEXT})]},
    "BucketRatioBody": obj(["bucket_ratio"], {
        "bucket_ratio": {"type": "object", "description": f"bucket id -> share; shares add up to {assumptions.BUCKET_SLOTS}",
                         "additionalProperties": {"type": "integer", "minimum": 0}},
    }),
    "BucketMigrationBody": obj(["model_id", "migration_request"], {
        "model_id": ID, "migration_request": ref("PredictionBody"),
    }),
    "Model": obj(["id", "name", "version", "model_type", "created_at", "updated_at"], {
        "id": ID, "name": {"type": "string"}, "version": {"type": "string"}, "model_type": {"enum": list(MODEL_TYPES)},
        **{field: ANY for field in MODEL_FIELDS}, "created_at": STAMP, "updated_at": STAMP,
    }),
    "SeedDocument": {
        "type": "object",
        "description": "The fixtures/ format: records by kind (optional `id`, `created_at`, `updated_at` kept), "
                       "`sequences` = last id per kind so that new ids continue past them",
        "properties": {**{kind: nullable(array(SEED_RECORDS[kind])) for kind in SEED_KINDS},
                       "sequences": nullable({"type": "object", "propertyNames": {"enum": list(SEED_KINDS)},
                                              "additionalProperties": {"type": "integer", "minimum": 0}}),
                       "format": {"type": "string"}},
        "additionalProperties": False,
    },
    "SeedRequest": {"oneOf": [obj(["name"], {"name": {"type": "string"}}, extra=False), ref("SeedDocument")]},
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
        "method": {"type": "string", "minLength": 1, "default": "*", "description": "glob"},
        "path": {"type": "string", "minLength": 1, "default": "*", "description": "glob, e.g. /api/v1/channels*"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599, "default": 500},
        "error": nullable({"type": "string", "minLength": 1}),
        "times": nullable({"type": "integer", "minimum": 1, "default": 1}),
    }, extra=False),
    "Fault": obj(["method", "path", "status", "error", "times", "raises"], {
        "method": {"type": "string"}, "path": {"type": "string"}, "status": {"type": "integer"},
        "error": nullable({"type": "string"}), "times": nullable({"type": "integer"}), "raises": nullable({"type": "string"}),
    }),
    "Cleared": obj(["cleared"], {"cleared": {"type": "integer", "minimum": 0}}),
}


def op(summary: str, results: dict, status: int = 200, body: Optional[str] = None,
       query: Optional[Dict[str, dict]] = None, security=BASIC, raw: bool = False) -> dict:
    return {"summary": summary, "results": results, "status": status, "body": body,
            "query": query or {}, "security": security, "raw": raw}


NOT_FAKED = op("Called by the sktmls client, not faked yet: always 501 with the error envelope", {"type": "null"},
               status=501)


LIST_QUERY = {"id": ID, "name": {"type": "string"}, "query": {"type": "string"}, "page": ID}
DELETED = {"type": "null"} if assumptions.DELETE_RESULTS is None else ANY

OPERATIONS = {
    "GET channels.list_channels": op("List channels (exact `screen_id`/`name`, substring `query`)", array(ref("ChannelSummary")),
                                     query={**LIST_QUERY, "screen_id": {"type": "string"}}),
    "POST channels.create_channel": op("Create a channel", ref("Channel"), 201, "ChannelBody"),
    "GET channels.get_channel": op("Get a channel", ref("Channel")),
    "PUT channels.update_channel": op("Replace a channel", ref("Channel"), body="ChannelBody"),
    "DELETE channels.delete_channel": op("Delete a channel", DELETED),
    "GET experiments.list_experiments": op("List experiments", array(ref("Experiment")), query=LIST_QUERY),
    "POST experiments.create_experiment": op("Create an experiment", ref("Experiment"), 201, "ExperimentBody"),
    "GET experiments.get_experiment": op("Get an experiment", ref("Experiment")),
    "PUT experiments.update_experiment": op("Replace an experiment (a key left out is cleared)", ref("Experiment"),
                                            body="ExperimentBody"),
    "DELETE experiments.delete_experiment": op("Delete an experiment, its buckets and its channel links", DELETED),
    "GET buckets.list_buckets": op("List an experiment's buckets", array(ref("Bucket")),
                                   query=LIST_QUERY),
    "POST buckets.create_bucket": op("Create a bucket", ref("Bucket"), 201, "BucketBody"),
    "GET buckets.get_bucket": op("Get a bucket", ref("Bucket")),
    "PUT buckets.update_bucket": op("Replace a bucket", ref("Bucket"), body="BucketBody"),
    "DELETE buckets.delete_bucket": op("Delete a bucket", DELETED),
    "PUT buckets.set_bucket_ratio": op("Set every bucket's share and lay out the ranges", array(ref("Bucket")),
                                       body="BucketRatioBody"),
    "POST buckets.migrate_buckets": op("Point every bucket using a model at a new prediction", array(ref("Bucket")),
                                       body="BucketMigrationBody"),
    "GET filters.list_filters": op("List filters (without conditions)", array(ref("FilterSummary")), query={**LIST_QUERY, "type": {"type": "string"}}),
    "POST filters.create_filter": op("Create a filter", ref("Filter"), 201, "FilterBody"),
    "GET filters.get_filter": op("Get a filter", ref("Filter")),
    "PUT filters.update_filter": op("Replace a filter", ref("Filter"), body="FilterBody"),
    "DELETE filters.delete_filter": op("Delete a filter no experiment uses", DELETED),
    "GET models.list_models": op("List models", array(ref("Model")),
                                 query={**LIST_QUERY, "version": {"type": "string"},
                                        "model_type": {"enum": list(MODEL_TYPES)}}),
    "GET models.get_model": op("Get a model", ref("Model")),
    "GET admin.health": op("Liveness and record counts (never needs the admin token)", ref("Health"), security=[{}]),
    "POST admin.reset": op("Empty the store (IDs restart at 1), the journal and the faults",
                           obj(["records"], {"records": COUNTS}), security=ADMIN),
    "GET admin.get_state": op("Every record in the fixtures/ seed format", ref("SeedDocument"), security=ADMIN),
    "PUT admin.put_state": op("Replace every record with a seed document", obj(["records"], {"records": COUNTS}),
                              body="SeedDocument", security=ADMIN),
    "POST admin.seed": op("Add a set from fixtures/ (`{\"name\": ...}`) or a seed document",
                          obj(["added", "records"], {"added": COUNTS, "records": COUNTS}), 201, "SeedRequest",
                          security=ADMIN),
    "GET admin.list_calls": op("The journal of /api/ requests, oldest first", array(ref("Call")), security=ADMIN),
    "DELETE admin.clear_calls": op("Empty the journal", ref("Cleared"), security=ADMIN),
    "GET admin.list_faults": op("Faults waiting to fire", array(ref("Fault")), security=ADMIN),
    "POST admin.add_fault": op("Make the next matching /api/ requests fail with an error envelope", ref("Fault"), 201,
                               "FaultBody", security=ADMIN),
    "DELETE admin.clear_faults": op("Remove every fault", ref("Cleared"), security=ADMIN),
    "GET openapi.document": op("This document (raw, not in an envelope)", {"type": "object"}, security=[{}], raw=True),
}

_CONVERTER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_PARAM_TYPES = {"int": ID, "default": {"type": "string"}, "string": {"type": "string"}, "path": {"type": "string"}}


def routes(app) -> List[tuple]:
    """(method, endpoint, rule) for everything the app serves."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in IGNORED_ENDPOINTS:
            continue
        for method in sorted(rule.methods - IGNORED_METHODS):
            found.append((method, rule.endpoint, rule))
    return found


def undocumented(app) -> List[str]:
    return [f"{m} {e}" for m, e, _ in routes(app) if f"{m} {e}" not in OPERATIONS and not e.startswith("unfaked.")]


def stale(app) -> List[str]:
    served = {f"{m} {e}" for m, e, _ in routes(app)}
    return sorted(set(OPERATIONS) - served)


# A create's new id feeds every operation on that record (OpenAPI links: stateful testing
# tools such as schemathesis follow them): endpoint -> the path parameter its id fills.
CREATES = {"channels.create_channel": "channel_id", "experiments.create_experiment": "experiment_id",
           "filters.create_filter": "filter_id", "buckets.create_bucket": "bucket_id"}


def _add_links(operations: List[tuple]) -> None:
    """operations: (endpoint, path parameter names, operation object)."""
    for creator, own, created in operations:
        param = CREATES.get(creator)
        if param is None:
            continue
        links = {}
        for endpoint, needs, operation in operations:
            if param in needs and set(needs) <= set(own) | {param}:
                values = {name: f"$request.path.{name}" for name in own if name in needs}
                links[operation["operationId"]] = {"operationId": operation["operationId"],
                                                   "parameters": {**values, param: "$response.body#/results/id"}}
        if links:
            next(iter(created["responses"].values()))["links"] = links


def build(app) -> dict:
    paths: Dict[str, dict] = {}
    operations = []
    for method, endpoint, rule in routes(app):
        path, parameters = _path(rule.rule)
        key = f"{method} {endpoint}"
        spec = NOT_FAKED if endpoint.startswith("unfaked.") else OPERATIONS.get(key) or op(f"{method} {rule.rule} (undocumented)", ANY)
        operation = {"operationId": endpoint.replace(".", "_"), "summary": spec["summary"],
                     "tags": [endpoint.partition(".")[0]], "security": spec["security"]}
        query = [{"name": name, "in": "query", "required": False, "schema": schema}
                 for name, schema in spec["query"].items()]
        if parameters or query:
            operation["parameters"] = parameters + query
        if spec["body"]:
            operation["requestBody"] = {"required": True,
                                        "content": {"application/json": {"schema": ref(spec["body"])}}}
        operation["responses"] = _responses(spec)
        paths.setdefault(path, {})[method.lower()] = operation
        operations.append((endpoint, [p["name"] for p in parameters], operation))
    _add_links(operations)
    return {
        "openapi": "3.1.0",
        "info": {"title": "MLS AB API (mls-mock)", "version": _version(),
                 "description": "The fake MLS AB API as the sktmls client speaks it, plus the mls-mock admin API "
                                "under /_mock/. Every response but this document is an envelope "
                                "`{code, error, results}` whose `code` equals the HTTP status."},
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "basicAuth": {"type": "http", "scheme": "basic",
                              "description": "any username/password unless the server has a users file"},
                "adminBearer": {"type": "http", "scheme": "bearer", "description": "only with --admin-token"},
                "adminHeader": {"type": "apiKey", "in": "header", "name": "X-Admin-Token",
                                "description": "only with --admin-token"},
            },
        },
    }


def _path(rule: str):
    parameters = []

    def convert(match):
        converter, name = match.group(1) or "default", match.group(2)
        parameters.append({"name": name, "in": "path", "required": True,
                           "schema": _PARAM_TYPES.get(converter, {"type": "string"})})
        return "{" + name + "}"

    return _CONVERTER.sub(convert, rule), parameters


def _responses(spec: dict) -> dict:
    if spec is NOT_FAKED:
        return {"501": {"description": spec["summary"], "content": {"application/json": {"schema": ref("ErrorEnvelope")}}}}
    if spec["raw"]:
        ok = spec["results"]
    else:
        ok = {"allOf": [ref("Envelope"), obj(["code", "error", "results"], {
            "code": {"const": spec["status"]}, "error": {"type": "null"}, "results": spec["results"]})]}
    return {
        str(spec["status"]): {"description": spec["summary"], "content": {"application/json": {"schema": ok}}},
        "default": {"description": "An error: `error` says why, `results` is null",
                    "content": {"application/json": {"schema": ref("ErrorEnvelope")}}},
    }


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("mls-mock")
    except Exception:  # not installed (e.g. run from a source tree)
        return "0"


@route(bp, "GET", "/openapi.json")
def document(req):
    """The document itself, not an envelope; compact JSON with sorted keys, as Flask's
    jsonify writes it."""
    cached = req.app.extensions.get("mls_mock.openapi")
    if cached is None:
        text = json.dumps(build(req.app), ensure_ascii=True, sort_keys=True, separators=(",", ":")) + "\n"
        cached = req.app.extensions["mls_mock.openapi"] = json_reply(text.encode("ascii"))
    return cached
