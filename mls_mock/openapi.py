"""`GET /openapi.json`: an OpenAPI 3.1 document of every route the app serves, and of what
each one answers.

Paths, methods and path parameters come from `app.url_map` itself, so a route can never be
missing from the document; what a route takes and returns comes from `OPERATIONS`, keyed
by "METHOD endpoint". `undocumented(app)` lists routes without an entry and `stale(app)`
entries without a route: the test suite requires both to be empty. The statuses an
operation can answer follow from what it reads (credentials, path ids, query, body) and
from how the server runs (an admin token, a state file), so the document of a served app
lists exactly its own; `tests/server/test_openapi_schemathesis.py` holds it to that.
"""
import json
import re
from typing import Dict, List, Optional

from flask import Blueprint

from . import assumptions, persistence
from .api.admin import TOKEN_CONFIG
from .api.common import json_reply, route
from .traffic import MAX_FAULTS
from .openapi_schemas import (ANY, COUNTS, ID, MAX_JSON_DEPTH, PAGE, QUERY_ID, SCHEMAS, STATE_RULES, array, obj,
                              ref)
from .seeds import available_seeds
from .store import MODEL_TYPES

bp = Blueprint("openapi", __name__)
IGNORED_METHODS = {"HEAD", "OPTIONS"}
IGNORED_ENDPOINTS = {"static"}
API_PREFIX = "/api/"


def op(summary: str, results: dict, status: int = 200, body: Optional[str] = None,
       query: Optional[Dict[str, dict]] = None, admin: bool = False, saves: Optional[bool] = None,
       refusals: Optional[Dict[int, str]] = None, raw: bool = False) -> dict:
    """One operation. `admin`: behind the admin token; `saves`: changes the store (so a
    failed --state save can refuse it; default: every POST/PUT/DELETE of the MLS API);
    `refusals`: statuses beyond those that follow from what the route reads."""
    return {"summary": summary, "results": results, "status": status, "body": body, "query": query or {},
            "admin": admin, "saves": saves, "refusals": refusals or {}, "raw": raw}


# A route the client calls that the fake does not serve yet: 501 (see api/unfaked.py).
NOT_FAKED = op("Called by the sktmls client, not faked yet: always 501 with the error envelope", {"type": "null"},
               status=501, saves=False, refusals={501: "mls-mock does not fake this route yet"})
LIST_QUERY = {"id": QUERY_ID, "name": {"type": "string"}, "query": {"type": "string"}, "page": PAGE}
DELETED = {"type": "null"} if assumptions.DELETE_RESULTS is None else ANY
NAME_TAKEN = {409: "the name is taken (`error` names the holder)"}
IN_USE = {409: "an experiment still uses the filter"}
RECORDS = obj(["records"], {"records": COUNTS})

OPERATIONS = {
    "GET channels.list_channels": op("List channels (exact `screen_id`/`name`, substring `query`)", array(ref("ChannelSummary")),
                                     query={**LIST_QUERY, "screen_id": {"type": "string"}}),
    "POST channels.create_channel": op("Create a channel", ref("Channel"), 201, "ChannelBody", refusals=NAME_TAKEN),
    "GET channels.get_channel": op("Get a channel", ref("Channel")),
    "PUT channels.update_channel": op("Replace a channel", ref("Channel"), body="ChannelBody", refusals=NAME_TAKEN),
    "DELETE channels.delete_channel": op("Delete a channel", DELETED),
    "GET experiments.list_experiments": op("List experiments", array(ref("Experiment")), query=LIST_QUERY),
    "POST experiments.create_experiment": op("Create an experiment", ref("Experiment"), 201, "ExperimentBody",
                                             refusals=NAME_TAKEN),
    "GET experiments.get_experiment": op("Get an experiment", ref("Experiment")),
    "PUT experiments.update_experiment": op("Replace an experiment (a key left out is cleared)", ref("Experiment"),
                                            body="ExperimentBody", refusals=NAME_TAKEN),
    "DELETE experiments.delete_experiment": op("Delete an experiment, its buckets and its channel links", DELETED),
    "GET buckets.list_buckets": op("List an experiment's buckets", array(ref("Bucket")), query=LIST_QUERY),
    "POST buckets.create_bucket": op("Create a bucket", ref("Bucket"), 201, "BucketBody", refusals=NAME_TAKEN),
    "GET buckets.get_bucket": op("Get a bucket", ref("Bucket")),
    "PUT buckets.update_bucket": op("Replace a bucket", ref("Bucket"), body="BucketBody", refusals=NAME_TAKEN),
    "DELETE buckets.delete_bucket": op("Delete a bucket", DELETED),
    "PUT buckets.set_bucket_ratio": op("Set every bucket's share and lay out the ranges", array(ref("Bucket")),
                                       body="BucketRatioBody"),
    "POST buckets.migrate_buckets": op("Point every bucket using a model at a new prediction", array(ref("Bucket")),
                                       body="BucketMigrationBody"),
    "GET filters.list_filters": op("List filters: summaries without conditions (`type` is accepted and ignored)",
                                   array(ref("FilterSummary")), query={**LIST_QUERY, "type": {"type": "string"}}),
    "POST filters.create_filter": op("Create a filter", ref("Filter"), 201, "FilterBody", refusals=NAME_TAKEN),
    "GET filters.get_filter": op("Get a filter", ref("Filter")),
    "PUT filters.update_filter": op("Replace a filter", ref("Filter"), body="FilterBody", refusals=NAME_TAKEN),
    "DELETE filters.delete_filter": op("Delete a filter no experiment uses", DELETED, refusals=IN_USE),
    "GET models.list_models": op("List models", array(ref("Model")),
                                 query={**LIST_QUERY, "version": {"type": "string"},
                                        "model_type": {"enum": list(MODEL_TYPES)}}),
    "GET models.get_model": op("Get a model", ref("Model")),
    "GET admin.health": op("Liveness and record counts (never needs the admin token)", ref("Health")),
    "POST admin.reset": op("Empty the store (IDs restart at 1), the journal and the faults", RECORDS, admin=True,
                           saves=True),
    "GET admin.get_state": op("Every record in the fixtures/ seed format", ref("SeedDocument"), admin=True),
    "PUT admin.put_state": op("Replace every record with a seed document", RECORDS, body="SeedDocument", admin=True,
                              saves=True),
    "POST admin.seed": op("Add a set from fixtures/ (`{\"name\": ...}`) or a seed document",
                          obj(["added", "records"], {"added": COUNTS, "records": COUNTS}), 201, "SeedRequest",
                          admin=True, saves=True, refusals={404: "no seed set of that name"}),
    "GET admin.list_calls": op("The journal of /api/ requests, oldest first", array(ref("Call")), admin=True),
    "DELETE admin.clear_calls": op("Empty the journal", ref("Cleared"), admin=True, saves=False),
    "GET admin.list_faults": op("Faults waiting to fire", array(ref("Fault")), admin=True),
    "POST admin.add_fault": op("Make the next matching /api/ requests fail with an error envelope (its status "
                               "replaces every status this document lists for them)", ref("Fault"), 201,
                               "FaultBody", admin=True, saves=False,
                               refusals={409: f"{MAX_FAULTS} faults are waiting already"}),
    "DELETE admin.clear_faults": op("Remove every fault", ref("Cleared"), admin=True, saves=False),
    "GET openapi.document": op("This document (raw, not in an envelope)", {"type": "object"}, raw=True),
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


# A create's new id, and a list's first one, feed every operation on that record (OpenAPI
# links: stateful testing tools such as schemathesis follow them): endpoint -> (the path
# parameter it fills, where the id is in the answer).
LINK_SOURCES = {
    "channels.create_channel": ("channel_id", "/results/id"),
    "experiments.create_experiment": ("experiment_id", "/results/id"),
    "filters.create_filter": ("filter_id", "/results/id"),
    "buckets.create_bucket": ("bucket_id", "/results/id"),
    "channels.list_channels": ("channel_id", "/results/0/id"),
    "experiments.list_experiments": ("experiment_id", "/results/0/id"),
    "filters.list_filters": ("filter_id", "/results/0/id"),
    "buckets.list_buckets": ("bucket_id", "/results/0/id"),
    "models.list_models": ("model_id", "/results/0/id"),
}


def _add_links(operations: List[tuple]) -> None:
    """operations: (endpoint, path parameter names, operation object)."""
    for source, own, answered in operations:
        if source not in LINK_SOURCES:
            continue
        param, pointer = LINK_SOURCES[source]
        links = {}
        for endpoint, needs, operation in operations:
            if param in needs and set(needs) <= set(own) | {param}:
                values = {name: f"$request.path.{name}" for name in own if name in needs}
                links[operation["operationId"]] = {"operationId": operation["operationId"],
                                                   "parameters": {**values, param: f"$response.body#{pointer}"}}
        if links:
            next(iter(answered["responses"].values()))["links"] = links


def build(app) -> dict:
    admin_token = bool(app.config.get(TOKEN_CONFIG))
    persistent = persistence.EXTENSION in app.extensions
    paths: Dict[str, dict] = {}
    operations = []
    for method, endpoint, rule in routes(app):
        path, parameters = _path(rule.rule)
        spec = NOT_FAKED if endpoint.startswith("unfaked.") else OPERATIONS.get(f"{method} {endpoint}") or op(f"{method} {rule.rule} (undocumented)", ANY)
        api = rule.rule.startswith(API_PREFIX)
        if api:
            security = [{"basicAuth": []}]
        elif spec["admin"] and admin_token:
            security = [{"adminBearer": []}, {"adminHeader": []}]
        else:
            security = []
        operation = {"operationId": endpoint.replace(".", "_"), "summary": spec["summary"],
                     "tags": [endpoint.partition(".")[0]], "security": security}
        query = [{"name": name, "in": "query", "required": False, "schema": schema}
                 for name, schema in spec["query"].items()]
        if parameters or query:
            operation["parameters"] = parameters + query
        if spec["body"]:
            operation["requestBody"] = {"required": True,
                                        "content": {"application/json": {"schema": ref(spec["body"])}}}
        saves = spec["saves"] if spec["saves"] is not None else api and method in ("POST", "PUT", "DELETE")
        refusals = _refusals(spec, api=api, token=bool(security) and not api, path_ids=bool(parameters),
                             saves=saves and persistent)
        operation["responses"] = _responses(spec, refusals)
        paths.setdefault(path, {})[method.lower()] = operation
        operations.append((endpoint, [p["name"] for p in parameters], operation))
    _add_links(operations)
    return {
        "openapi": "3.1.0",
        "info": {"title": "MLS AB API (mls-mock)", "version": _version(), "description": DESCRIPTION},
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": {**SCHEMAS, "SeedRequest": {"oneOf": [
                obj(["name"], {"name": {"enum": available_seeds()}}, extra=False), ref("SeedDocument")]}},
            "securitySchemes": {
                "basicAuth": {"type": "http", "scheme": "basic",
                              "description": "required; any username/password unless the server has a users file"},
                "adminBearer": {"type": "http", "scheme": "bearer", "description": "the --admin-token"},
                "adminHeader": {"type": "apiKey", "in": "header", "name": "X-Admin-Token",
                                "description": "the --admin-token"},
            },
        },
    }


_DEPTH = f", nested at most {MAX_JSON_DEPTH} deep" if MAX_JSON_DEPTH else ""
DESCRIPTION = (
    "The fake MLS AB API as the sktmls client speaks it, plus the mls-mock admin API under /_mock/. Every response "
    "but this document is an envelope `{code, error, results}` whose `code` equals the HTTP status; `error` says "
    "`field: problem`. /api/ routes check, in order: Basic credentials (401, before routing), the body size from "
    f"Content-Length ({assumptions.MAX_BODY_BYTES} bytes, 413), then the request itself. A body is a JSON object "
    f"(RFC 8259: no NaN or Infinity, no lone surrogates{_DEPTH}) sent as application/json (or another "
    "+json type) or without a Content-Type (any other: 415). Query parameters this document does not list are ignored; a listed one "
    "given twice is refused (400). A method a path does not list answers 405 with `Allow`. A fault injected "
    "through POST /_mock/faults answers matching /api/ requests with its own status instead of the listed ones."
)


def _refusals(spec: dict, api: bool, token: bool, path_ids: bool, saves: bool) -> Dict[int, str]:
    """Status -> why, for every refusal the operation can answer."""
    if spec["raw"]:
        return {}
    found: Dict[int, str] = {}
    if api or token:
        found[401] = "no or wrong Basic credentials" if api else "no or wrong admin token"
    if spec["query"] or spec["body"]:
        rules = STATE_RULES.get(spec["body"])
        found[400] = "a query parameter or body field is not as documented" + (
            "; or, valid as documented: " + "; ".join(rules) if rules else "")
    if path_ids:
        found[404] = "no record with that id (or it belongs to another experiment)"
    found.update(spec["refusals"])
    if api or spec["body"]:
        found[413] = f"the body is larger than {assumptions.MAX_BODY_BYTES} bytes"
    if spec["body"]:
        found[415] = "a Content-Type other than application/json or another +json type"
    if saves:
        found[503] = "the state file could not be written: nothing changed"
    found[500] = "a bug in mls-mock: nothing changed"
    return dict(sorted(found.items()))


def _responses(spec: dict, refusals: Dict[int, str]) -> dict:
    responses = {}
    if spec is not NOT_FAKED:  # which never succeeds
        if spec["raw"]:
            ok = spec["results"]
        else:
            ok = {"allOf": [ref("Envelope"), obj(["code", "error", "results"], {
                "code": {"const": spec["status"]}, "error": {"type": "null"}, "results": spec["results"]})]}
        responses[str(spec["status"])] = {"description": spec["summary"], "content": {"application/json": {"schema": ok}}}
    for status, why in refusals.items():
        error = {"allOf": [ref("ErrorEnvelope"), obj(["code"], {"code": {"const": status}})]}
        response = {"description": why, "content": {"application/json": {"schema": error}}}
        if status == 401:
            response["headers"] = {"WWW-Authenticate": {"required": True, "schema": {"type": "string"}}}
        responses[str(status)] = response
    return responses


def _path(rule: str):
    parameters = []

    def convert(match):
        converter, name = match.group(1) or "default", match.group(2)
        parameters.append({"name": name, "in": "path", "required": True,
                           "schema": _PARAM_TYPES.get(converter, {"type": "string"})})
        return "{" + name + "}"

    return _CONVERTER.sub(convert, rule), parameters


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
