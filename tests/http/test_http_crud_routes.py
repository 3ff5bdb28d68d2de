"""A store resource that declares an AB API `path` is served by the five generated CRUD
routes (api/crud.py) and documented by /openapi.json, with no api module of its own; a
route it takes over leaves the not-faked (501) table."""
from types import SimpleNamespace

from mls_mock import create_app, openapi
from mls_mock.api import unfaked
from mls_mock.errors import NotFound

AUTH = {"Authorization": "Basic dTpw"}  # u:p
COMPONENTS = SimpleNamespace(
    plural="components", kind="component", path="/api/v1/components", list_query=("id", "name", "query"),
    body_schema={"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
    record_schema={"type": "object", "required": ["id", "name"],
                   "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
)


class ToyStore:
    """Just the generic CRUD surface the routes call (the store package provides it)."""

    resources = {"components": COMPONENTS}

    def __init__(self):
        self.records, self.seen = {}, []

    def create(self, plural, body, user=None):
        record = {"id": len(self.records) + 1, "name": body["name"], "user": user}
        self.records[record["id"]] = record
        return record

    def list(self, plural, **query):
        self.seen.append(query)
        return [r for r in self.records.values() if "name" not in query or r["name"] == query["name"]]

    def get(self, plural, record_id):
        if record_id not in self.records:
            raise NotFound.record("component", record_id)
        return self.records[record_id]

    def update(self, plural, record_id, body):
        return {**self.get(plural, record_id), "name": body["name"]}

    def delete(self, plural, record_id):
        self.get(plural, record_id)
        del self.records[record_id]


def test_a_resource_with_a_path_gets_the_five_routes():
    store = ToyStore()
    client = create_app(store).test_client()
    made = client.post("/api/v1/components", json={"name": "c"}, headers=AUTH)
    assert (made.status_code, made.get_json()["results"]) == (201, {"id": 1, "name": "c", "user": "u"})
    listed = client.get("/api/v1/components?name=c&page=1&zzz=1", headers=AUTH)
    assert listed.status_code == 200 and store.seen[-1] == {"name": "c", "page": 1}  # declared names only
    assert client.get("/api/v1/components?id=x", headers=AUTH).status_code == 400  # id is an integer
    assert client.get("/api/v1/components/1", headers=AUTH).get_json()["results"]["name"] == "c"
    assert client.put("/api/v1/components/1", json={"name": "d"}, headers=AUTH).get_json()["results"]["name"] == "d"
    assert client.delete("/api/v1/components/1", headers=AUTH).status_code == 200
    assert client.get("/api/v1/components/1", headers=AUTH).status_code == 404
    assert client.get("/api/v1/components", headers={}).status_code == 401  # the same pipeline


def test_its_routes_are_documented_from_its_schemas_and_leave_the_not_faked_table():
    app = create_app(ToyStore())
    document = openapi.build(app.state)
    collection, record = document["paths"]["/api/v1/components"], document["paths"]["/api/v1/components/{component_id}"]
    assert set(collection) == {"get", "post"} and set(record) == {"get", "put", "delete"}
    assert [p["name"] for p in collection["get"]["parameters"]] == ["id", "name", "query", "page"]
    assert collection["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ComponentBody"}
    assert document["components"]["schemas"]["Component"] == COMPONENTS.record_schema
    assert document["components"]["schemas"]["ComponentBody"] == COMPONENTS.body_schema
    assert {r.tag for r in app.state.routes if r.rule.startswith("/api/v1/components")} == {"components"}
    # The real store's Components is such a resource: the same generated routes, none left to 501.
    assert create_app().test_client().get("/api/v1/components", headers=AUTH).status_code == 200
    assert not [route for route in unfaked.NOT_FAKED if route[1].startswith("/components")]
