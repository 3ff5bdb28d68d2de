"""The graph API's instances in the store: checked against the AB API's schemas when written
through `Graph` (the routes' way in), for shape only when seeded, so that a state whose
schemas changed afterwards still dumps and loads; a vertex takes its edges with it; a refused
write changes nothing."""
import pytest

from mls_mock import Store
from mls_mock.errors import Conflict, FieldError, NotFound
from mls_mock.store.graph import Graph

SCHEMAS = {
    "vertices": [{"label": "User", "properties": {"age": "Float(single)", "tags": "String(set)"}},
                 {"label": "Item", "properties": {"price": "Float(single)"}}],
    "edges": [{"label": "bought", "frm": "User", "to": "Item", "properties": {"times": "Float(set)"}}],
}


@pytest.fixture
def graph():
    store = Store()
    store.load(SCHEMAS)
    made = Graph(store)
    made.add("graph_vertices", {"id": "u1", "label": "User", "properties": {"age": 30, "tags": ["a"]}})
    made.add("graph_vertices", {"id": "i1", "label": "Item", "properties": {"price": 9.5}})
    made.add("graph_edges", {"from": "u1", "to": "i1", "label": "bought", "properties": {"times": [1]}})
    return made


def test_a_state_without_its_schemas_still_dumps_and_loads(graph):
    dumped = {kind: records for kind, records in graph.store.dump().items() if kind not in ("vertices", "edges")}

    again = Store()
    again.load(dumped)
    assert {k: r for k, r in again.dump().items() if k not in ("vertices", "edges")} == dumped
    with pytest.raises(FieldError, match="^label: no vertex schema is labelled 'User'"):
        Graph(again).patch("graph_vertices", "u1", {"properties": {"age": 31}})


def test_a_refused_write_changes_nothing(graph):
    before = graph.store.dump()
    for call, error in [
        (lambda: graph.add("graph_vertices", {"id": "u1", "label": "User"}), Conflict),
        (lambda: graph.add("graph_vertices", {"id": "u2", "label": "User", "properties": {"tags": ["a", 1]}}),
         FieldError),
        (lambda: graph.add("graph_edges", {"from": "i1", "to": "u1", "label": "bought"}), FieldError),
        (lambda: graph.patch("graph_vertices", "u1", {"properties": {"age": 1, "nope": 2}}), FieldError),
        (lambda: graph.drop("graph_edges", "u1_bought_u1"), NotFound),
    ]:
        with pytest.raises(error):
            call()
        assert graph.store.dump() == before


def test_patch_replaces_singles_and_accumulates_sets(graph):
    patched = graph.patch("graph_vertices", "u1", {"properties": {"age": 31, "tags": ["b", "a"]}})
    edge = graph.patch("graph_edges", "u1_bought_i1", {"properties": {"times": [2, 1, 2]}})

    assert patched == {"vertices": [{"id": "u1", "label": "User", "properties": {"age": 31, "tags": ["a", "b"]}}]}
    assert edge["edges"][0]["properties"] == {"times": [1, 2]}


def test_dropping_a_vertex_drops_its_edges_in_one_write(graph):
    graph.drop("graph_vertices", "i1")

    assert graph.store.counts()["graph_edges"] == 0
    assert graph.find("graph_vertices", {}, None) == {"vertices": [
        {"id": "u1", "label": "User", "properties": {"age": 30, "tags": ["a"]}}]}


def test_a_huge_integer_value_is_stored_and_compared_without_a_float(graph):
    graph.store.load({"graph_vertices": [{"vertex_id": "big", "label": "Item", "properties": {"price": 10 ** 400}}]})

    assert [v["id"] for v in graph.find("graph_vertices", {"price__gt": ["1e300"]}, None)["vertices"]] == ["big"]
