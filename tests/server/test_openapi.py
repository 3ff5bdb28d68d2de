"""/openapi.json cannot drift from the app: every served route is in it, every entry is a
served route, and real responses of every route validate against its schemas."""
import jsonschema_rs
import pytest

from mls_mock import create_app, openapi


@pytest.fixture
def app():
    return create_app()


def test_every_route_is_documented_and_nothing_else(app):
    assert openapi.undocumented(app) == []
    assert openapi.stale(app) == []
    document = app.test_client().get("/openapi.json").get_json()
    served = {(openapi._path(rule.rule)[0], method.lower()) for method, _, rule in openapi.routes(app)}
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert served == documented
    assert document["openapi"] == "3.1.0"


def test_a_new_route_is_caught(app):
    app.add_url_rule("/api/v1/widgets/<int:widget_id>", "widgets.get_widget", lambda widget_id: "")
    assert openapi.undocumented(app) == ["GET widgets.get_widget"]
    parameters = openapi.build(app)["paths"]["/api/v1/widgets/{widget_id}"]["get"]["parameters"]
    assert parameters == [{"name": "widget_id", "in": "path", "required": True, "schema": openapi.ID}]


def test_every_schema_is_valid_json_schema(app):
    document = openapi.build(app)
    invalid = {}
    for name in document["components"]["schemas"]:
        try:  # building a validator is what checks the schema itself
            jsonschema_rs.Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": document["components"]})
        except Exception as error:
            invalid[name] = str(error)
    assert document["components"]["schemas"] and invalid == {}


AUTH = {"Authorization": "Basic dTpw"}  # u:p
STATIC = {"prediction_type": "static", "static_value": {"items": [{"id": "a"}]}}
# One request per documented operation (and some errors), in an order where each works.
SCRIPT = [
    ("POST", "/_mock/seed", {"name": "demo"}),
    ("POST", "/api/v1/filters", {"name": "f-new", "body": {"conditions": [{"key": "k", "operator": "==", "value": 1}]}}),
    ("GET", "/api/v1/filters?name=f-new", None),
    ("PUT", "/api/v1/filters/{filter}", {"name": "f-new2", "body": {"conditions": []}}),
    ("GET", "/api/v1/filters/{filter}", None),
    ("POST", "/api/v1/experiments", {"name": "e-new", "bucketing_seed": "s", "model_filter_id": "{filter}"}),
    ("GET", "/api/v1/experiments?name=e-new", None),
    ("GET", "/api/v1/experiments/{experiment}", None),
    ("PUT", "/api/v1/experiments/{experiment}", {"name": "e-new", "bucketing_seed": "s2"}),
    ("POST", "/api/v1/channels", {"screen_id": "c-new", "experiments": ["{experiment}"]}),
    ("GET", "/api/v1/channels?screen_id=c-new", None),
    ("GET", "/api/v1/channels/{channel}", None),
    ("PUT", "/api/v1/channels/{channel}", {"screen_id": "c-new2", "experiments": []}),
    ("POST", "/api/v1/experiments/{experiment}/buckets", {"name": "b1", **STATIC}),
    ("POST", "/api/v1/experiments/{experiment}/buckets", {"name": "b2", "prediction_type": "batch", "batch_model_id": 1}),
    ("GET", "/api/v1/experiments/{experiment}/buckets", None),
    ("GET", "/api/v1/experiments/{experiment}/buckets/{bucket}", None),
    ("PUT", "/api/v1/experiments/{experiment}/buckets/{bucket}", {"name": "b1", "prediction_type": "empty"}),
    ("PUT", "/api/v1/experiments/{experiment}/bucket_ratio", {"bucket_ratio": {"{bucket}": 40, "{bucket2}": 60}}),
    ("POST", "/api/v1/bucket_migrations", {"model_id": 1, "migration_request": STATIC}),
    ("GET", "/api/v1/models?model_type=manual", None),
    ("GET", "/api/v1/models/1", None),
    ("DELETE", "/api/v1/experiments/{experiment}/buckets/{bucket}", None),
    ("DELETE", "/api/v1/channels/{channel}", None),
    ("DELETE", "/api/v1/filters/{filter}", None),  # 409: still used
    ("DELETE", "/api/v1/experiments/{experiment}", None),
    ("DELETE", "/api/v1/filters/{filter}", None),
    ("GET", "/api/v1/channels/999999", None),
    ("POST", "/api/v1/channels", {"screen_id": ""}),
    ("GET", "/_mock/health", None),
    ("GET", "/_mock/state", None),
    ("PUT", "/_mock/state", {"experiments": [{"id": 3, "name": "x"}]}),
    ("GET", "/_mock/calls", None),
    ("DELETE", "/_mock/calls", None),
    ("POST", "/_mock/faults", {"path": "/api/v1/models*", "status": 502}),
    ("GET", "/_mock/faults", None),
    ("GET", "/api/v1/models", None),
    ("DELETE", "/_mock/faults", None),
    ("POST", "/_mock/reset", None),
    ("GET", "/openapi.json", None),
]


def _fill(value, ids):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
        return ids[value[1:-1]]
    if isinstance(value, dict):
        return {_fill_key(k, ids): _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def _fill_key(key, ids):
    return str(ids[key[1:-1]]) if key.startswith("{") and key[1:-1] in ids else key


def test_real_responses_match_the_document(app):
    document = openapi.build(app)
    client, ids, operations = app.test_client(), {}, set()
    adapter = app.url_map.bind("localhost")
    for method, template, body in SCRIPT:
        path = template.format(**ids)
        response = client.open(path, method=method, json=_fill(body, ids), headers=AUTH)
        payload = response.get_json()
        assert payload is not None, (method, path, response.data)
        endpoint, _ = adapter.match(path.partition("?")[0], method=method)
        rule = next(r for r in app.url_map.iter_rules(endpoint))
        spec = document["paths"][openapi._path(rule.rule)[0]][method.lower()]["responses"]
        schema = spec.get(str(response.status_code), spec["default"])["content"]["application/json"]["schema"]
        validator = jsonschema_rs.Draft202012Validator({"allOf": [schema], "components": document["components"]})
        errors = [e.message for e in validator.iter_errors(payload)]
        assert errors == [], (method, path, response.status_code, errors)
        operations.add(f"{method} {endpoint}")
        results = payload.get("results") if isinstance(payload, dict) else None
        if response.status_code == 201 and isinstance(results, dict) and "id" in results:
            kind = path.rstrip("/").split("/")[-1].rstrip("s")
            if kind == "bucket" and "bucket" in ids:
                kind = "bucket2"
            ids[kind] = results["id"]
    assert operations == set(openapi.OPERATIONS)  # the script covered every operation


def test_every_record_operation_is_reachable_by_a_link(app):
    """Stateful tools (schemathesis) follow links from a create to the record's operations."""
    document = openapi.build(app)
    operations = {op["operationId"]: op for item in document["paths"].values() for op in item.values()}
    linked = {link["operationId"] for op in operations.values() for response in op["responses"].values()
              for link in response.get("links", {}).values()}
    assert linked <= set(operations)
    needs_an_id = {op_id for op_id, op in operations.items()
                   if any(p["in"] == "path" for p in op.get("parameters", ())) and not op_id.startswith(("models_", "unfaked_"))}  # nothing to link to
    assert needs_an_id <= linked
