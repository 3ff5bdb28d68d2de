"""/openapi.json cannot drift from the app: it is generated from the route declarations the
dispatcher serves (every served route is in it, every entry is a served route, with the
query names the dispatcher accepts), real responses of every route validate against its schemas, and the rules it
states (names, timestamps, bounds, statuses) are the ones the server applies."""
import jsonschema_rs
import pytest

from mls_mock import create_app, openapi, openapi_schemas, validation
from mls_mock.api import ROUTES
from mls_mock.errors import FieldError
from mls_mock.hosts import is_runtime
from mls_mock.persistence import StateFile
from mls_mock.route import Route
from mls_mock.routing import Dispatcher
from mls_mock.wire import positive_int


@pytest.fixture
def app():
    return create_app()


def test_every_route_is_documented_and_nothing_else(app):
    """Every route but the dashboard's pages, which are deliberately left out: HTML for people,
    not operations an API client or a generator should see."""
    document = app.test_client().get("/openapi.json").get_json()
    api_routes = [route for route in app.state.routes if route.documented]
    served = {(openapi.path_of(route.rule)[0], route.method.lower()) for route in api_routes}
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert served == documented
    pages = {route.rule for route in app.state.routes if not route.documented}
    assert pages and all(rule.startswith("/_mock/ui") for rule in pages)
    assert not [path for path in document["paths"] if path.startswith("/_mock/ui")]
    assert document["openapi"] == "3.1.0"
    for route in api_routes:  # described, and with the query names the dispatcher parses
        operation = document["paths"][openapi.path_of(route.rule)[0]][route.method.lower()]
        assert route.summary, route.endpoint
        assert [p["name"] for p in operation.get("parameters", ()) if p["in"] == "query"] == list(route.query)


def test_a_new_route_is_caught():
    """A route declared once is both served and documented, its path parameters included."""
    widget = Route("GET", "/api/v1/widgets/<int:widget_id>", lambda req, widget_id: widget_id, tag="widgets",
                   name="get_widget")
    routes = [*ROUTES, widget]
    assert Dispatcher(routes).match("/api/v1/widgets/7", "GET") == (widget, {"widget_id": 7})
    parameters = openapi.document(routes)["paths"]["/api/v1/widgets/{widget_id}"]["get"]["parameters"]
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


AUTH = {"Authorization": "Basic dTpw", "apikey": "R" * 40}  # u:p; the runtime APIs' client key (below)
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
    ("POST", "/api/v1/models", {"name": "m-new", "version": "v1", "model_type": "manual", "model_lib": "rule"}),
    ("PUT", "/api/v1/models/{model}", {"name": "m-new", "version": "v2", "model_type": "manual"}),
    ("PUT", "/_mock/models/{model}/state", {"online_artifact": {"model_data": "/models/m-new/v2/model.joblib"}}),
    ("GET", "/api/v1/model_registry/artifacts/info?model_name=m-new&model_version=v2", None),
    ("DELETE", "/api/v1/models/1", None),  # 409: a bucket serves it
    ("DELETE", "/api/v1/models/{model}", None),
    ("POST", "/api/v1/datasets", {"name": "d-new", "type": "classification", "base_feature_conf": {"enabled": False},
                                  "label_data_conf": {"source_type": "table", "source_path": "a.b.c"}}),
    ("POST", "/api/v1/models", {"name": "a-new", "version": "v1", "model_type": "automl", "dataset_id": "{dataset}"}),
    ("GET", "/api/v1/models/{model}/automl_model_server", None),
    ("POST", "/api/v1/models/{model}/automl_model_server", None),  # 409: still training
    ("PUT", "/_mock/models/{model}/state", {"status": "DONE"}),
    ("POST", "/api/v1/models/{model}/automl_model_server", None),
    ("DELETE", "/api/v1/models/{model}/automl_model_server", None),
    ("POST", "/api/v1/models/{model}/automl_online_prediction", {"handler": "x = 1"}),
    ("GET", "/api/v1/models/{model}/automl_online_prediction", None),
    ("POST", "/api/v1/models/{model}/predictions", {"channel": "EMAIL", "email_channel_config": {"email": "a@sk.com"}}),
    ("DELETE", "/api/v1/experiments/{experiment}/buckets/{bucket}", None),
    ("DELETE", "/api/v1/channels/{channel}", None),
    ("DELETE", "/api/v1/filters/{filter}", None),  # 409: still used
    ("DELETE", "/api/v1/experiments/{experiment}", None),
    ("DELETE", "/api/v1/filters/{filter}", None),
    ("POST", "/api/v1/dimensions", {"name": "d-new", "dimension_type": "user", "data_type": "number", "default": "0",
                                    "period": "daily"}),
    ("GET", "/api/v1/dimensions?type=user&is_enabled=True", None),
    ("PUT", "/api/v1/dimensions/{dimension}", {"name": "d-new2", "dimension_type": "item", "data_type": "string",
                                               "default": "", "period": "monthly", "tag": "t"}),
    ("DELETE", "/api/v1/dimensions/{dimension}", None),
    ("POST", "/api/v1/ml_features", {"name": "age", "source": "mls.profile", "type": "number"}),
    ("GET", "/api/v1/ml_features?status=created", None),
    ("PUT", "/api/v1/ml_features/{ml_feature}", {"status": "in_service", "title": "나이"}),
    ("PUT", "/_mock/ml_features/{ml_feature}/group", {"group": None}),
    ("GET", "/api/v1/ml_feature_groups", None),
    ("DELETE", "/api/v1/ml_features/{ml_feature}", None),
    ("POST", "/api/v1/clients", {"name": "cl-new", "apikey": "K" * 40}),
    ("GET", "/api/v1/clients?name=cl-new", None),
    ("POST", "/api/v1/clients", {"name": "cl-new2", "apikey": "K" * 40}),  # 409: the key is taken
    ("DELETE", "/api/v1/clients/{client}", None),
    ("POST", "/api/v1/profile", {"profile_id": "p-new", "tables": ["profile-a", "profile-b"]}),
    ("GET", "/api/v1/profile?profile_id=p-new", None),
    ("PUT", "/api/v1/profile/{profile}", {"profile_id": "p-new", "tables": ["profile-a"], "main_table": "profile-a"}),
    ("DELETE", "/api/v1/profile/{profile}", None),
    ("POST", "/api/v1/profile", {"profile_id": "pf-users", "tables": ["user-profile-pf"]}),
    ("PUT", "/_mock/profile_values", {"profile_id": "pf-users", "kind": "user", "target_id": "u1", "values": {"a": 1}}),
    ("PUT", "/_mock/profile_values", {"profile_id": "pf-users", "kind": "item", "target_id": "u1", "values": {}}),  # 404
    ("GET", "/pf/v1/mls-mms/profiles/pf-users/users/u1?f=a&f=b", None),
    ("GET", "/pf/v1/mls-mms/profiles/pf-users/items/u1", None),  # 404: a user profile
    ("GET", "/pf/v1/someone/profiles/pf-users/users/u1?mode=test", None),  # 401: no apikey
    ("POST", "/api/v1/profile", {"profile_id": "pf-ids", "tables": ["profile-pf"]}),
    ("PUT", "/_mock/profile_values", {"profile_id": "pf-ids", "kind": "id", "target_id": "001", "values": {}}),
    ("GET", "/pf/v1/mls-mms/profiles/pf-ids?id=001", None),
    ("GET", "/pf/v1/mls-mms/profiles/pf-ids?id=002&f=a", None),  # 404: not served
    ("GET", "/pf/v1/mls-mms/profiles/pf-ids?f=", None),  # 400
    ("POST", "/api/v1/vertices", {"label": "V-new", "properties": {"p": "Float(set)"}}),
    ("GET", "/api/v1/vertices?label=V-new", None),
    ("PUT", "/api/v1/vertices/{vertice}", {"label": "V-new2"}),
    ("POST", "/api/v1/edges", {"label": "E-new", "frm": "V-new2", "to": "V-new2"}),
    ("GET", "/api/v1/edges?label=E-new", None),
    ("PUT", "/api/v1/edges/{edge}", {"label": "E-new", "frm": "V-new2", "to": "V-new2", "properties": None}),
    ("POST", "/api/v1/edges", {"label": "E-bad", "frm": "nope", "to": "V-new2"}),  # 400: no such vertex
    ("DELETE", "/api/v1/edges/{edge}", None),
    ("DELETE", "/api/v1/vertices/{vertice}", None),
    ("POST", "/api/v1/meta_tables", {"name": "mt", "schema": {"fee": {"type": "number"}}, "description": "요금"}),
    ("GET", "/api/v1/meta_tables?name=mt", None),
    ("PUT", "/api/v1/meta_tables/{meta_table}", {"name": "mt2", "schema": {}}),
    ("POST", "/api/v1/meta_tables/{meta_table}/meta_items", {"name": "i1", "values": {"fee": 1}}),
    ("GET", "/api/v1/meta_tables/{meta_table}/meta_items?query=i", None),
    ("GET", "/api/v1/meta_tables/{meta_table}/meta_items/{meta_item}", None),
    ("PUT", "/api/v1/meta_tables/{meta_table}/meta_items/{meta_item}", {"name": "i2", "values": {}}),
    ("POST", "/api/v1/meta_tables/{meta_table}/bulk", {"items": {"i2": {"fee": 2}, "i3": {}}}),
    ("GET", "/api/v1/meta_tables/{meta_table}", None),
    ("DELETE", "/api/v1/meta_tables/{meta_table}/meta_items/{meta_item}", None),
    ("DELETE", "/api/v1/meta_tables/{meta_table}", None),
    ("POST", "/api/v1/components", {"name": "c-new", "info": "v1", "is_latest": True}),
    ("GET", "/api/v1/components?name=c-new&is_latest=True&info=v1", None),
    ("GET", "/api/v1/components/{component}", None),
    ("PUT", "/api/v1/components/{component}", {"name": "c-new", "info": "v2", "is_latest": False}),
    ("DELETE", "/api/v1/components/{component}", None),
    ("POST", "/api/v1/datasets", {"name": "d-new", "type": "score", "base_feature_conf": {"enabled": False},
                                  "label_data_conf": {"source_type": "file", "source_path": "labels.csv"}}),
    ("GET", "/api/v1/datasets?name=d-new", None),
    ("PUT", "/_mock/datasets/{dataset}", {"status": "completed", "columns": [{"name": "age"}]}),
    ("GET", "/api/v1/datasets/{dataset}/columns", None),
    ("PUT", "/api/v1/datasets/{dataset}/columnspecs", {"edit_columns": {"age": {"type_code": "CATEGORY"}}}),
    ("PUT", "/api/v1/datasets/{dataset}/columnspecs", {"edit_columns": {"gender": {}}}),
    ("DELETE", "/api/v1/datasets/{dataset}", None),
    ("GET", "/api/v1/channels/999999", None),
    ("POST", "/api/v1/channels", {"screen_id": ""}),
    ("POST", "/_mock/dynamodb/tables", {"name": "mls_scores", "is_loading": True}),
    ("PUT", "/_mock/dynamodb/tables/mls_scores/readiness", {"is_loading": False}),
    ("POST", "/_mock/dynamodb/tables/mls_scores/items", {"item_id": "PRD-1", "score": 1}),
    ("GET", "/_mock/dynamodb/tables/mls_scores", None),
    ("POST", "/api/v1/dynamodb", {"type": "get", "table_name": "mls_scores", "body": {"item_id": "PRD-1"}}),
    ("POST", "/api/v1/dynamodb", {"type": "delete", "table_name": "mls_scores", "body": {"item_id": "PRD-1"}}),
    ("POST", "/api/v1/dynamodb", {"type": "get", "table_name": "mls_scores", "body": {"item_id": "PRD-1"}}),  # 404
    ("POST", "/api/v1/dynamodb", {"type": "scan", "table_name": "mls_scores", "body": {}}),  # 400
    ("GET", "/api/v1/dynamodb/tables/mls_scores/is_active", None),
    ("GET", "/api/v1/dynamodb/tables/mls_scores/is_loading", None),
    ("GET", "/api/v1/dynamodb/tables/mls_none/is_loading", None),  # 404
    ("DELETE", "/api/v1/dynamodb/tables/mls_scores", None),
    ("PUT", "/_mock/data_status", {"source": "batch", "name": "fail", "status": [{"name": "job"}]}),
    ("GET", "/api/v1/data_status/s3", None),
    ("GET", "/api/v1/data_status/batch", None),
    ("GET", "/api/v1/data_status/dynamodb", None),
    ("DELETE", "/_mock/data_status?source=batch&name=fail", None),
    ("POST", "/ct/v1/mls-mms/click?mode=test", {"user_id": "u", "channel_id": "c", "process_id": "p", "item_id": "i"}),
    ("POST", "/ct/v1/mls-test/click", {"user_id": "u", "channel_id": "c", "process_id": "p", "item_id": "i"}),  # 401: no apikey
    ("POST", "/ct/v1/mls-mms/buy", {"user_id": "u", "channel_id": "c", "process_id": "p", "item_id": "i"}),  # 400
    ("GET", "/graph/v1/vertices?limit=2&age__gte=20", None),
    ("POST", "/graph/v1/vertices?mode=test", {"id": "USER003", "label": "User", "properties": {"age": 3}}),
    ("POST", "/graph/v1/vertices", {"id": "USER003", "label": "User"}),  # 409
    ("POST", "/graph/v1/vertices", {"id": "USER004", "label": "Nobody"}),  # 400
    ("GET", "/graph/v1/vertices/USER003", None),
    ("PATCH", "/graph/v1/vertices/USER003", {"properties": {"interests": ["a"]}}),
    ("POST", "/graph/v1/edges", {"from": "USER003", "to": "PROD001", "label": "purchased", "properties": {"count": 1}}),
    ("GET", "/graph/v1/edges?count__eq=1", None),
    ("GET", "/graph/v1/edges/USER003_purchased_PROD001", None),
    ("PATCH", "/graph/v1/edges/USER003_purchased_PROD001", {"properties": {"count": 2}}),
    ("DELETE", "/graph/v1/edges/USER003_purchased_PROD001", None),
    ("DELETE", "/graph/v1/edges?count__gt=100", None),
    ("DELETE", "/graph/v1/vertices/USER003", None),
    ("GET", "/graph/v1/vertices/USER003", None),  # 404
    ("DELETE", "/graph/v1/vertices?age__lt=0&mode=test", None),
    ("GET", "/_mock/health", None),
    ("GET", "/_mock/state", None),
    ("PUT", "/_mock/state", {"experiments": [{"id": 3, "name": "x"}]}),
    ("GET", "/_mock/calls", None),
    ("GET", "/_mock/calls?since=1&limit=2", None),
    ("DELETE", "/_mock/calls", None),
    ("POST", "/_mock/faults", {"path": "/api/v1/models*", "status": 502}),
    ("GET", "/_mock/faults", None),
    ("GET", "/api/v1/models", None),
    ("POST", "/_mock/faults", {"path": "/nowhere", "times": None}),
    ("DELETE", "/_mock/faults/2", None),
    ("DELETE", "/_mock/faults/2", None),  # 404
    ("DELETE", "/_mock/faults", None),
    ("POST", "/_mock/reset", None),
    ("GET", "/openapi.json", None),
    # the recommendation API, as a registered client
    ("POST", "/_mock/seed", {"name": "demo"}),
    ("POST", "/api/v1/clients", {"name": "rec-client", "apikey": "R" * 40}),
    ("POST", "/rec/v1/rec-client/items", {"user_id": "u1", "channel_ids": ["home"], "sale_org_id": "admin"}),
    ("POST", "/rec/v2/rec-client/items", {"user_id": "u1", "channel_ids": []}),  # 400
    ("POST", "/rec/v3/rec-client/predict", {"type": "user", "id": "u1", "channel_ids": ["home"], "keys": []}),
    ("PUT", "/_mock/models/1/answer", {"items": [{"id": "fixed"}]}),
    ("DELETE", "/_mock/models/1/answer", None),
    ("DELETE", "/_mock/models/1/answer", None),  # 404
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


# What every answer carries and OpenAPI does not list as a header (its content type and length),
# and what only refusals send (a 405's `Allow`, a 308's `Location`: tested in tests/http).
UNDECLARED_HEADERS = {"Content-Type", "Content-Length", "Allow", "Location"}


def test_real_responses_match_the_document(app):
    document = openapi.build(app)
    client, ids, operations = app.test_client(), {}, set()
    for method, template, body in SCRIPT:
        path = template.format(**ids)
        faulted = path.startswith("/api/") and bool(app.state.faults.describe())
        response = client.open(path, method=method, json=_fill(body, ids), headers=AUTH)
        payload = response.get_json()
        assert payload is not None, (method, path, response.data)
        route, _ = app.dispatcher.match(path.partition("?")[0], method)
        endpoint = route.endpoint
        spec = document["paths"][openapi.path_of(route.rule)[0]][method.lower()]["responses"]
        if faulted:
            schema = {"$ref": "#/components/schemas/ErrorEnvelope"}  # a fault's status is its own, as documented
        else:
            assert str(response.status_code) in spec, (method, path, response.status_code, "status not documented")
            schema = spec[str(response.status_code)]["content"]["application/json"]["schema"]
        validator = jsonschema_rs.Draft202012Validator({"allOf": [schema], "components": document["components"]})
        errors = [e.message for e in validator.iter_errors(payload)]
        assert errors == [], (method, path, response.status_code, errors)
        if not faulted:  # every header the answer sends beyond the body's own is declared, and sent
            declared = spec[str(response.status_code)].get("headers", {})
            sent = {name for name in response.headers.keys() if name not in UNDECLARED_HEADERS}
            assert sent == set(declared), (method, path, sent, set(declared))
            for name, header in declared.items():
                assert jsonschema_rs.Draft202012Validator(header["schema"]).is_valid(response.headers[name])
        operations.add(f"{method} {endpoint}")
        results = payload.get("results") if isinstance(payload, dict) else None
        if response.status_code == 201 and isinstance(results, dict) and "id" in results:
            kind = path.rstrip("/").split("/")[-1].rstrip("s")
            if kind == "bucket" and "bucket" in ids:
                kind = "bucket2"
            ids[kind] = results["id"]
    # The script covered every operation (but those not faked, which only answer 501).
    assert operations == {f"{r.method} {r.endpoint}" for r in app.state.routes if r.tag != "unfaked" and r.documented}


def test_every_record_operation_is_reachable_by_a_link(app):
    """Stateful tools (schemathesis) follow links from a create or a list to the record's operations."""
    document = openapi.build(app)
    operations = {op["operationId"]: op for item in document["paths"].values() for op in item.values()}
    linked = {link["operationId"] for op in operations.values() for response in op["responses"].values()
              for link in response.get("links", {}).values()}
    assert linked <= set(operations)
    # A runtime API's path names a client and a user or item, not a record a create answers.
    runtime = {op["operationId"] for path, item in document["paths"].items() if is_runtime(path) for op in item.values()}
    needs_an_id = {op_id for op_id, op in operations.items()
                   if any(p["in"] == "path" for p in op.get("parameters", ())) and not op_id.startswith("unfaked_")
                   and op_id not in runtime}
    assert needs_an_id <= linked


# ---- the document's rules are the server's rules ----------------------------------------------

def _accepts(check, value) -> bool:
    try:
        check(value)
    except FieldError:
        return False
    return True


def test_the_name_schema_is_the_server_rule():
    """A name the document allows is one `validation.name` takes, and only those: each
    character alone, between letters and repeated, below U+3100 (every space and control
    character lies there) and a sample above, and the length bounds."""
    schema = jsonschema_rs.Draft202012Validator(openapi_schemas.NAME)
    characters = [chr(c) for c in [*range(0x3100), *range(0x3100, 0x110000, 251), 0xFEFF] if not 0xD800 <= c < 0xE000]
    names = [n for c in characters for n in (c, f"a{c}b", c * 3)] + ["", "a" * 255, "a" * 256, " " * 3 + "a"]
    disagree = [n for n in names if schema.is_valid(n) != _accepts(lambda n: validation.name({"f": n}, "f"), n)]
    assert disagree == []
    assert {c for c in map(chr, range(0x110000)) if c.isspace()} == set(openapi_schemas.SPACES)


@pytest.mark.parametrize("text", [
    "2025-03-06T09:00:00+00:00", "2025-03-06t09:00:00Z", "2025-03-06T09:00:00.123456789-23:59", "0001-01-01T00:00:00Z",
    "2024-02-29T00:00:00Z", "2025-02-29T00:00:00Z", "2025-03-06T09:00:00z", "2025-03-06T23:59:60Z",
    "0000-01-01T00:00:00Z", "2025-03-06 09:00:00+00:00", "2025-03-06T09:00+00:00", "20250306T090000+0000",
    "2025-03-06T09:00:00", "2025-03-06T24:00:00Z", "2025-03-06T09:00:00+24:00", "2025-03-06T09:00:00.Z", "", "today"])
def test_the_seeded_timestamp_schema_is_the_server_rule(text):
    schema = jsonschema_rs.Draft202012Validator(openapi_schemas.STAMP_IN, validate_formats=True)
    assert schema.is_valid(text) == _accepts(lambda t: validation.timestamp({"at": t}, "at"), text)


def test_query_integers_have_the_bounds_the_server_reads():
    for name, schema in (("page", openapi_schemas.PAGE), ("id", openapi_schemas.QUERY_ID)):
        assert _accepts(lambda t: positive_int(t, name), str(schema["maximum"]))
        assert not _accepts(lambda t: positive_int(t, name), str(schema["maximum"] + 1))
        assert not _accepts(lambda t: positive_int(t, name), str(schema["minimum"] - 1))


def _statuses(app, path, method):
    return set(openapi.build(app)["paths"][path][method]["responses"])


def test_the_statuses_and_security_follow_how_the_server_runs(tmp_path):
    plain = create_app()
    assert _statuses(plain, "/_mock/reset", "post") == {"200", "500"}
    assert openapi.build(plain)["paths"]["/_mock/reset"]["post"]["security"] == []
    assert _statuses(plain, "/api/v1/channels", "post") == {"201", "400", "401", "409", "413", "415", "500"}
    assert _statuses(plain, "/api/v1/channels/{channel_id}", "get") == {"200", "401", "404", "413", "500"}
    assert _statuses(plain, "/openapi.json", "get") == {"200"}

    guarded = create_app(admin_token="secret")
    state_file = StateFile(tmp_path / "state.db")
    state_file.attach(guarded.state.store)
    guarded.state.state_file = state_file
    try:
        reset = openapi.build(guarded)["paths"]["/_mock/reset"]["post"]
        assert reset["security"] == [{"adminBearer": []}, {"adminHeader": []}]
        assert set(reset["responses"]) == {"200", "401", "500", "503"}
        assert reset["responses"]["401"]["headers"]["WWW-Authenticate"]["required"]
        assert "503" in _statuses(guarded, "/api/v1/channels", "post")
        assert "503" not in _statuses(guarded, "/api/v1/channels", "get")
        assert "503" not in _statuses(guarded, "/_mock/faults", "post")  # faults are not saved
    finally:
        state_file.close()


# ---- what the server had to change to be what the document says --------------------------------

def test_an_integer_written_as_a_float_is_that_integer(app):
    """JSON has one number type (JSON Schema: 2.0 is an integer); schemathesis sent
    `"experiments": [1.0]` and `?id=178.0` and got 400 for requests the document calls valid."""
    client = app.test_client()
    assert client.post("/_mock/seed", json={"name": "demo"}).status_code == 201
    made = client.post("/api/v1/channels", headers=AUTH, json={"screen_id": "c", "experiments": [1.0, 2e0]})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["results"]["experiments"] == [1, 2]
    experiment = client.post("/api/v1/experiments", headers=AUTH, json={"name": "e", "model_filter_id": 1.0})
    assert experiment.get_json()["results"]["model_filter"]["id"] == 1
    buckets = [b["id"] for b in client.get("/api/v1/experiments/1/buckets", headers=AUTH).get_json()["results"]]
    shares = {str(bucket): 0.0 for bucket in buckets} | {str(buckets[0]): 100.0}
    assert client.put("/api/v1/experiments/1/bucket_ratio", headers=AUTH, json={"bucket_ratio": shares}).status_code == 200
    assert client.post("/_mock/seed", json={"sequences": {"channels": 100.0}}).status_code == 201
    assert client.post("/api/v1/channels", headers=AUTH, json={"screen_id": "d", "experiments": []}
                       ).get_json()["results"]["id"] == 101
    assert client.post("/api/v1/channels", headers=AUTH, json={"screen_id": "x", "experiments": [1.5]}).status_code == 400
    # In a query too (schemathesis sent `?id=178.0`): any JSON spelling of the integer.
    for spelling in ("1", "01", "1.0", "1e0", "0.1e1"):
        found = client.get(f"/api/v1/experiments?id={spelling}&page={spelling}", headers=AUTH).get_json()
        assert [e["id"] for e in found["results"]] == [1], (spelling, found)
    for spelling in ("1.5", "0", "1e-1", "-1", "1e99999999999999999999", "one"):
        assert client.get(f"/api/v1/experiments?id={spelling}", headers=AUTH).status_code == 400, spelling


@pytest.mark.parametrize("document", [{"sequences": False}, {"sequences": 0}, {"channels": False}, {"models": ""},
                                      {"filters": 0}, {"sequences": {"channels": True}}])
def test_a_seed_document_with_a_falsy_non_null_value_is_refused(app, document):
    """`"sequences": false` was taken as "no sequences" (201) where the document says object or null."""
    client = app.test_client()
    for method, path in (("POST", "/_mock/seed"), ("PUT", "/_mock/state")):
        response = client.open(path, method=method, json=document)
        assert response.status_code == 400, (path, response.get_json())
    assert client.post("/_mock/seed", json={"sequences": None, "channels": None}).status_code == 201
