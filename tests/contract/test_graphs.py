"""VertexClient and EdgeClient (graph schemas) against the AB API, through the real client."""
import pytest
from sktmls import MLSResponse
from sktmls.graphs import EdgeSchema, VertexSchema

from support import client_error

USER_PROPERTIES = {"name": "String(single)", "lat": "Float(single)", "tags": "String(set)", "scores": "Float(set)"}


@pytest.fixture
def user_and_item(mls_vertex_client):
    return (mls_vertex_client.create_vertex(label="User", properties=USER_PROPERTIES),
            mls_vertex_client.create_vertex(label="Item"))


# ---- vertices ---------------------------------------------------------------------------------

def test_create_vertex_returns_the_record(mls_vertex_client):
    made = mls_vertex_client.create_vertex(label="User", properties=USER_PROPERTIES)

    assert isinstance(made, VertexSchema) and isinstance(made.id, int)
    assert made.get() == {"id": made.id, "label": "User", "properties": USER_PROPERTIES}


def test_create_vertex_without_properties_has_none(mls_vertex_client, mls_mock):
    made = mls_vertex_client.create_vertex(label="Item")

    assert mls_mock.calls[-1].json == {"label": "Item"}  # the client leaves empty properties out
    assert made.properties == {}


def test_list_vertices_with_filters(mls_vertex_client):
    made = [mls_vertex_client.create_vertex(label=n) for n in ("UserA", "UserB", "Item")]

    assert [v.get() for v in mls_vertex_client.list_vertices()] == [v.get() for v in made]
    assert [v.label for v in mls_vertex_client.list_vertices(label="Item")] == ["Item"]
    assert [v.label for v in mls_vertex_client.list_vertices(query="user")] == ["UserA", "UserB"]
    assert [v.id for v in mls_vertex_client.list_vertices(id=made[1].id)] == [made[1].id]
    assert mls_vertex_client.list_vertices(label="User") == []
    assert mls_vertex_client.list_vertices(page=2) == []


def test_get_vertex_by_id_and_label(mls_vertex_client, user_and_item):
    user = user_and_item[0]

    assert mls_vertex_client.get_vertex(id=user.id).get() == mls_vertex_client.get_vertex(label="User").get() == user.get()
    assert client_error(mls_vertex_client.get_vertex, label="Use").code == 404
    assert client_error(mls_vertex_client.get_vertex, id=user.id + 10).code == 404


def test_update_vertex_replaces_label_and_properties(mls_vertex_client, mls_mock, mls_clock, user_and_item):
    user = user_and_item[0]
    created_at = mls_mock.store.get("vertices", user.id)["created_at"]
    mls_clock.tick(5)

    returned = mls_vertex_client.update_vertex(user, label="Customer", properties={"name": "String(single)"})

    assert isinstance(returned, VertexSchema) and returned is not user
    assert returned.get() == {"id": user.id, "label": "Customer", "properties": {"name": "String(single)"}}
    assert mls_vertex_client.get_vertex(id=user.id).get() == returned.get()
    stored = mls_mock.store.get("vertices", user.id)
    assert stored["created_at"] == created_at < stored["updated_at"]


def test_update_vertex_without_properties_clears_them(mls_vertex_client, user_and_item):
    # A full replace: the client leaves empty properties out, so none are left.
    returned = mls_vertex_client.update_vertex(user_and_item[0], label="User")

    assert returned.properties == {}


def test_delete_vertex(mls_vertex_client, user_and_item):
    user, item = user_and_item

    response = mls_vertex_client.delete_vertex(user)

    assert isinstance(response, MLSResponse) and (response.status, response.error) == (200, None)
    assert [v.id for v in mls_vertex_client.list_vertices()] == [item.id]
    assert client_error(mls_vertex_client.delete_vertex, user).code == 404
    assert client_error(mls_vertex_client.update_vertex, user, label="Gone").code == 404


def test_duplicate_vertex_label_is_409(mls_vertex_client, mls_mock, user_and_item):
    before = mls_mock.store.dump()

    created = client_error(mls_vertex_client.create_vertex, label="User")
    updated = client_error(mls_vertex_client.update_vertex, user_and_item[1], label="User")

    assert created.code == updated.code == 409 and created.msg.startswith("label:")
    assert mls_mock.store.dump() == before


@pytest.mark.parametrize("fields, field", [
    ({"label": ""}, "label"),
    ({"label": None}, "label"),
    ({"properties": {"": "String(single)"}}, "properties."),
])
def test_refused_vertex_input_is_400_naming_the_field_and_changes_nothing(mls_vertex_client, mls_mock, fields, field):
    mls_vertex_client.create_vertex(label="Kept")
    before = mls_mock.store.dump()

    error = client_error(mls_vertex_client.create_vertex, **{"label": "V", **fields})

    assert error.code == 400 and error.msg.startswith(field)
    assert mls_mock.store.dump() == before


def test_the_client_refuses_an_undocumented_property_type_before_sending(mls_vertex_client, mls_edge_client, mls_mock):
    with pytest.raises(AssertionError):
        mls_vertex_client.create_vertex(label="V", properties={"age": "Integer(single)"})
    with pytest.raises(AssertionError):
        mls_edge_client.create_edge(label="e", frm="V", to="V", properties={"age": "Integer(single)"})
    assert len(mls_mock.calls) == 0


# ---- edges ------------------------------------------------------------------------------------

def test_create_edge_returns_the_record(mls_edge_client, user_and_item):
    made = mls_edge_client.create_edge(label="purchased", frm="User", to="Item", properties={"count": "Float(single)"})

    assert isinstance(made, EdgeSchema) and isinstance(made.id, int)
    assert made.get() == {"id": made.id, "label": "purchased", "frm": "User", "to": "Item",
                          "properties": {"count": "Float(single)"}}
    assert mls_edge_client.create_edge(label="follows", frm="User", to="User").properties == {}  # a loop is fine


def test_list_edges_with_filters(mls_edge_client, user_and_item):
    made = [mls_edge_client.create_edge(label=n, frm="User", to="Item") for n in ("viewed_a", "viewed_b", "liked")]

    assert [e.get() for e in mls_edge_client.list_edges()] == [e.get() for e in made]
    assert [e.label for e in mls_edge_client.list_edges(label="liked")] == ["liked"]
    assert [e.label for e in mls_edge_client.list_edges(query="VIEWED")] == ["viewed_a", "viewed_b"]
    assert [e.id for e in mls_edge_client.list_edges(id=made[2].id)] == [made[2].id]
    assert mls_edge_client.list_edges(label="viewed") == []
    assert mls_edge_client.list_edges(page=2) == []


def test_get_edge_by_id_and_label(mls_edge_client, user_and_item):
    made = mls_edge_client.create_edge(label="purchased", frm="User", to="Item")

    assert mls_edge_client.get_edge(id=made.id).get() == mls_edge_client.get_edge(label="purchased").get() == made.get()
    assert client_error(mls_edge_client.get_edge, label="purchase").code == 404
    assert client_error(mls_edge_client.get_edge, id=made.id + 1).code == 404


def test_update_edge_replaces_it(mls_edge_client, user_and_item):
    made = mls_edge_client.create_edge(label="purchased", frm="User", to="Item", properties={"n": "Float(single)"})

    returned = mls_edge_client.update_edge(made, label="bought", frm="Item", to="User")

    assert returned.get() == {"id": made.id, "label": "bought", "frm": "Item", "to": "User", "properties": {}}
    assert mls_edge_client.get_edge(id=made.id).get() == returned.get()


def test_delete_edge(mls_edge_client, mls_vertex_client, user_and_item):
    made = mls_edge_client.create_edge(label="purchased", frm="User", to="Item")

    response = mls_edge_client.delete_edge(made)

    assert isinstance(response, MLSResponse) and (response.status, response.error) == (200, None)
    assert mls_edge_client.list_edges() == []
    assert len(mls_vertex_client.list_vertices()) == 2  # the vertices stay
    assert client_error(mls_edge_client.delete_edge, made).code == 404


def test_duplicate_edge_label_is_409(mls_edge_client, mls_mock, user_and_item):
    mls_edge_client.create_edge(label="purchased", frm="User", to="Item")
    other = mls_edge_client.create_edge(label="viewed", frm="User", to="Item")
    before = mls_mock.store.dump()

    created = client_error(mls_edge_client.create_edge, label="purchased", frm="Item", to="User")
    updated = client_error(mls_edge_client.update_edge, other, label="purchased", frm="User", to="Item")

    assert created.code == updated.code == 409 and created.msg.startswith("label:")
    assert mls_mock.store.dump() == before


@pytest.mark.parametrize("end", ["frm", "to"])
def test_an_edge_end_that_is_no_vertex_is_400_naming_it(mls_edge_client, mls_mock, user_and_item, end):
    made = mls_edge_client.create_edge(label="purchased", frm="User", to="Item")
    before = mls_mock.store.dump()
    ends = {"frm": "User", "to": "Item", end: "Shop"}

    created = client_error(mls_edge_client.create_edge, label="visited", **ends)
    updated = client_error(mls_edge_client.update_edge, made, label="purchased", **ends)

    assert created.code == updated.code == 400
    assert created.msg.startswith(f"{end}:") and updated.msg.startswith(f"{end}:") and "Shop" in created.msg
    assert mls_mock.store.dump() == before


# ---- the relation -----------------------------------------------------------------------------

def test_deleting_a_vertex_deletes_its_edges(mls_vertex_client, mls_edge_client, user_and_item):
    user, item = user_and_item
    mls_vertex_client.create_vertex(label="Shop")
    mls_edge_client.create_edge(label="purchased", frm="User", to="Item")
    mls_edge_client.create_edge(label="stocked", frm="Shop", to="Item")
    kept = mls_edge_client.create_edge(label="visited", frm="User", to="Shop")

    mls_vertex_client.delete_vertex(item)

    assert [e.get() for e in mls_edge_client.list_edges()] == [kept.get()]


def test_renaming_a_vertex_renames_it_in_its_edges(mls_vertex_client, mls_edge_client, mls_mock, user_and_item):
    made = mls_edge_client.create_edge(label="follows", frm="User", to="User")
    stamps = mls_mock.store.get("edges", made.id)["updated_at"]

    mls_vertex_client.update_vertex(user_and_item[0], label="Customer")

    fetched = mls_edge_client.get_edge(id=made.id)
    assert (fetched.frm, fetched.to) == ("Customer", "Customer")
    assert mls_mock.store.get("edges", made.id)["updated_at"] == stamps
    assert client_error(mls_edge_client.create_edge, label="x", frm="User", to="Item").code == 400


def test_factory_graphs_are_what_the_clients_read(mls_factory, mls_vertex_client, mls_edge_client):
    edge = mls_factory.edge(label="seeded")

    assert mls_edge_client.get_edge(label="seeded").get() == edge.get()
    assert {v.label for v in mls_vertex_client.list_vertices()} == {edge.frm, edge.to}
