"""Raw HTTP on /api/v1/vertices and /api/v1/edges: each body field refused with 400 naming
it, nothing changed."""
import pytest
import requests

from mls_mock.store import Store

from rawhttp import AUTH, BASE, assert_envelope

VERTICES, EDGES = BASE + "/api/v1/vertices", BASE + "/api/v1/edges"


@pytest.fixture
def two_vertices(mls_mock):
    for label in ("User", "Item"):
        assert_envelope(requests.post(VERTICES, json={"label": label}, headers=AUTH), 201)
    return mls_mock


@pytest.mark.parametrize("url, body, field", [
    (VERTICES, {}, "label"),
    (VERTICES, {"label": 1}, "label"),
    (VERTICES, {"label": "V", "properties": ["name"]}, "properties"),
    (VERTICES, {"label": "V", "properties": {"name": "Integer(single)"}}, "properties.name"),
    (VERTICES, {"label": "V", "properties": {"name": None}}, "properties.name"),
    (VERTICES, {"label": "V", "properties": {"a\tb": "Float(set)"}}, "properties.a\tb"),
    (EDGES, {"frm": "User", "to": "Item"}, "label"),
    (EDGES, {"label": "e", "to": "Item"}, "frm"),
    (EDGES, {"label": "e", "frm": "User"}, "to"),
    (EDGES, {"label": "e", "frm": "user", "to": "Item"}, "frm"),
    (EDGES, {"label": "e", "frm": "User", "to": ["Item"]}, "to"),
    (EDGES, {"label": "e", "frm": "User", "to": "Item", "properties": {"w": "float"}}, "properties.w"),
])
def test_a_bad_graph_body_is_400_naming_the_field(two_vertices, url, body, field):
    before = two_vertices.store.dump()

    payload = assert_envelope(requests.post(url, json=body, headers=AUTH), 400)

    assert payload["error"].startswith(f"{field}:")
    assert two_vertices.store.dump() == before


def test_null_properties_are_none(two_vertices):
    made = assert_envelope(requests.post(EDGES, json={"label": "e", "frm": "User", "to": "Item", "properties": None},
                                         headers=AUTH), 201)["results"]

    assert set(made) == {"id", "label", "frm", "to", "properties", "created_at", "updated_at"}
    assert made["properties"] == {}


def test_a_vertex_delete_and_its_edges_go_in_one_commit():
    store = Store()
    store.create("vertices", {"label": "User"})
    store.create("edges", {"label": "e", "frm": "User", "to": "User"})
    commits = []
    store.subscribe(commits.append)

    store.delete("vertices", 1)

    assert len(commits) == 1 and store.counts()["edges"] == 0


@pytest.mark.parametrize("url", [VERTICES, EDGES])
def test_no_get_of_one_record(two_vertices, url):
    assert requests.get(url + "/1", headers=AUTH).status_code == 405
