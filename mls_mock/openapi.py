"""/openapi.json: an OpenAPI 3.1 document generated from the app's route declarations
(`route.Route`, listed by `api.routes_for`): paths, methods, path parameters, query
parameters (their schemas from the very converters the dispatcher runs), body schemas,
statuses. Nothing here restates a route, so a served route cannot be missing from the
document nor a documented one unserved. The statuses an operation can answer follow from
what it reads (credentials, path ids, query, body) and from how the server runs (an admin
token, a state file), so the document of a served app lists exactly its own;
`tests/server/test_openapi_schemathesis.py` holds it to that.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from . import assumptions
from .hosts import KEYED_PREFIXES, MMS_CLIENT_ID, is_runtime
from .openapi_schemas import ID, MAX_JSON_DEPTH, SCHEMAS, STATE_RULES, obj, ref
from .route import Route
from .seeds import available_seeds
from .wire import schema_of

_CONVERTER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_PARAM_TYPES = {"int": ID, "default": {"type": "string"}, "string": {"type": "string"}, "path": {"type": "string"}}


def operation_id(route: Route) -> str:
    return f"{route.tag}_{route.name}"


def _add_links(operations: list[tuple]) -> None:
    """A create's new id, and a list's first one, feed every operation on that record (OpenAPI
    links: stateful testing tools such as schemathesis follow them). operations: (route,
    path parameter names, operation object)."""
    for source, own, answered in operations:
        links = {}
        for param, pointer in [source.link, *source.more_links] if source.link else source.more_links:
            for _, needs, operation in operations:
                if param in needs and set(needs) <= set(own) | {param}:
                    values = {name: f"$request.path.{name}" for name in own if name in needs}
                    links[operation["operationId"]] = {
                        "operationId": operation["operationId"],
                        "parameters": {**values, param: f"$response.body#{pointer}"},
                    }
        if links:
            next(iter(answered["responses"].values()))["links"] = links


def build(state) -> dict:
    """The document for an app's `AppState` (or anything with a `.state`, such as the app)."""
    state = getattr(state, "state", state)
    return document(state.routes, admin_token=bool(state.admin_token), persistent=state.state_file is not None)


def document(routes: Iterable[Route], admin_token: bool = False, persistent: bool = False) -> dict:
    paths: dict[str, dict] = {}
    operations = []
    extra_schemas: dict[str, Mapping] = {}
    for route in routes:
        if not route.documented:  # the dashboard's HTML pages: for people, not API clients
            continue
        path, parameters = path_of(route.rule)
        security: list[dict[str, list[str]]]
        keyed = route.rule.startswith(KEYED_PREFIXES)
        if route.api:
            security = [{"basicAuth": []}]
        elif keyed:
            security = [{"clientApiKey": []}]
        elif route.admin and admin_token:
            security = [{"adminBearer": []}, {"adminHeader": []}]
        else:
            security = []
        operation: dict[str, Any] = {
            "operationId": operation_id(route),
            "summary": route.summary or f"{route.method} {route.rule}",
            "tags": [route.tag],
            "security": security,
        }
        query = [
            {"name": name, "in": "query", "required": getattr(convert, "required", False), "schema": schema_of(convert)}
            for name, convert in route.query.items()
        ]
        if parameters or query:
            operation["parameters"] = parameters + query
        if route.body:
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(route.body)}}}
        refusals = _refusals(
            route,
            token=route.admin and admin_token,
            keyed=keyed,
            path_ids=bool(parameters),
            saves=route.changes_state and persistent,
        )
        operation["responses"] = _responses(route, refusals)
        paths.setdefault(path, {})[route.method.lower()] = operation
        operations.append((route, [p["name"] for p in parameters], operation))
        extra_schemas.update(route.schemas)
    _add_links(operations)
    return {
        "openapi": "3.1.0",
        "info": {"title": "MLS AB API (mls-mock)", "version": _version(), "description": DESCRIPTION},
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": {
                **SCHEMAS,
                **extra_schemas,
                "SeedRequest": {
                    "oneOf": [obj(["name"], {"name": {"enum": available_seeds()}}, extra=False), ref("SeedDocument")]
                },
            },
            "securitySchemes": {
                "basicAuth": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "required; any username/password unless the server has a users file",
                },
                "clientApiKey": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "apikey",
                    "description": "the recommendation, profile and conversion tracking APIs: the apikey of the "
                    "client registered (POST /api/v1/clients, or seeded) under the name the path gives as its client "
                    f"id; the MMS runtime's client `{MMS_CLIENT_ID}` sends none and needs none "
                    "(on /rec and /pf, sent without `mode`)",
                },
                "adminBearer": {"type": "http", "scheme": "bearer", "description": "the --admin-token"},
                "adminHeader": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Admin-Token",
                    "description": "the --admin-token",
                },
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
    "+json type) or without a Content-Type (any other: 415). Query parameters this document does not list are "
    "ignored; a listed one given twice is refused (400), but for an array, which repeats its name. "
    "A method a path does not list answers 405 with `Allow`. "
    "A fault injected through POST /_mock/faults answers matching /api/ requests with its own status instead of "
    "the listed ones. Served, a request whose Host header names neither localhost, a loopback address nor an "
    "--allowed-host name (on a loopback address) is answered 403 on every route, whatever this document lists."
)


def _refusals(route: Route, token: bool, keyed: bool, path_ids: bool, saves: bool) -> dict[int, str]:
    """Status -> why, for every refusal the operation can answer."""
    if route.raw:
        return {}
    api = route.api
    found: dict[int, str] = {}
    if api:
        found[401] = "no or wrong Basic credentials"
    elif keyed:
        found[401] = "no `apikey`, or not the key of the registered client the path names"
    elif token:
        found[401] = "no or wrong admin token"
    if route.query or route.body:
        rules = STATE_RULES.get(route.body) if route.body else None
        found[400] = "a query parameter or body field is not as documented" + (
            "; or, valid as documented: " + "; ".join(rules) if rules else ""
        )
    if path_ids:
        found[404] = "no record with that id (or it belongs to another experiment)"
    found.update(route.refusals)
    if api or is_runtime(route.rule) or route.body:  # the pipeline checks Content-Length on every MLS API route
        found[413] = f"the body is larger than {assumptions.MAX_BODY_BYTES} bytes"
    if route.body:
        found[415] = "a Content-Type other than application/json or another +json type"
    if saves:
        found[503] = "the state file could not be written: nothing changed"
    found[500] = "a bug in mls-mock: nothing changed"
    return dict(sorted(found.items()))


def _responses(route: Route, refusals: dict[int, str]) -> dict:
    responses = {}
    if route.status < 400:  # a route declared with an error status (501: not faked) never succeeds
        if route.raw:
            ok = dict(route.results)
        else:
            ok = {
                "allOf": [
                    ref("Envelope"),
                    obj(
                        ["code", "error", "results"],
                        {"code": {"const": route.status}, "error": {"type": "null"}, "results": dict(route.results)},
                    ),
                ]
            }
        responses[str(route.status)] = {"description": route.summary, "content": {"application/json": {"schema": ok}}}
        if route.headers:
            responses[str(route.status)]["headers"] = {name: dict(header) for name, header in route.headers.items()}
    for status, why in refusals.items():
        error = {"allOf": [ref("ErrorEnvelope"), obj(["code"], {"code": {"const": status}})]}
        response = {"description": why, "content": {"application/json": {"schema": error}}}
        if status == 401:
            response["headers"] = {"WWW-Authenticate": {"required": True, "schema": {"type": "string"}}}
        responses[str(status)] = response
    return responses


def path_of(rule: str):
    """The OpenAPI path of a werkzeug rule, and its path parameters."""
    parameters = []

    def convert(match):
        converter, name = match.group(1) or "default", match.group(2)
        parameters.append(
            {"name": name, "in": "path", "required": True, "schema": _PARAM_TYPES.get(converter, {"type": "string"})}
        )
        return "{" + name + "}"

    return _CONVERTER.sub(convert, rule), parameters


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("mls-mock")
    except Exception:  # not installed (e.g. run from a source tree)
        return "0"
