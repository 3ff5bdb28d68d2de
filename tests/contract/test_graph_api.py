"""MLSGraphAPIClient through the real client, on the demo's small graph (vertices USER001,
USER002 of schema User, PROD001 a Product, STORE001 a Store; edges USER001_purchased_PROD001
and USER001_visited_STORE001). Every method that works in sktmls is driven in-process and
against `mls_live_server`; each one that breaks in sktmls itself is shown to break the same
way here (README: "Paths that break in sktmls itself"), and would fail this file if sktmls
fixed it. The routes those methods would call are served anyway (tests/http/test_http_graph_api.py)."""
import asyncio
import gc
import warnings

import pytest
from sktmls import MLSENV, MLSRuntimeENV
from sktmls.apis import Edge, MLSGraphAPIClient, Vertex

from support import client_error

pytestmark = pytest.mark.mls_seed("demo")
VERTICES = ["USER001", "USER002", "PROD001", "STORE001"]
EDGES = ["USER001_purchased_PROD001", "USER001_visited_STORE001"]


def ids(instances):
    return [instance.id for instance in instances]


# ---- vertices ---------------------------------------------------------------------------------

def test_list_vertices_sends_limit_and_mode_and_answers_vertex_objects(mls_graph_api_client, mls_mock):
    listed = mls_graph_api_client.list_vertices()

    assert all(isinstance(v, Vertex) for v in listed) and ids(listed) == VERTICES
    assert listed[0].get() == {"id": "USER001", "label": "User", "properties": {
        "svc_mgmt_num": "7000000001", "age": 34, "interests": ["sports", "music"]}}
    call = mls_mock.calls[-1]
    assert (call.method, call.path, call.query, call.user) == ("GET", "/graph/v1/vertices",
                                                               {"limit": "300", "mode": "test"}, "")


@pytest.mark.parametrize("query, expected", [
    ({"age__gte": 30}, ["USER001"]),
    ({"age__lt": 30}, ["USER002"]),
    ({"age__bw": "27,34"}, []),  # strictly between
    ({"age__bw": "26,35"}, ["USER001", "USER002"]),
    ({"price__eq": 55000}, ["PROD001"]),
    ({"interests": "music"}, ["USER001"]),  # a set property: one of its values
    ({"svc_mgmt_num": ["7000000001", "7000000002"]}, ["USER001", "USER002"]),  # a list: any of them
    ({"age": 34}, []),  # `name=value` compares strings: a number property needs age__eq
    ({"interests": "travel", "age__gt": 20}, ["USER002"]),  # every filter holds
    ({"nothing_has_this": "x"}, []),
])
def test_list_vertices_filters_by_property(mls_graph_api_client, query, expected):
    assert ids(mls_graph_api_client.list_vertices(query_params=dict(query))) == expected


def test_list_vertices_writes_limit_and_mode_into_the_callers_dict(mls_graph_api_client):
    query = {"age__gte": 30}
    mls_graph_api_client.list_vertices(query_params=query)

    assert query == {"age__gte": 30, "limit": 300, "mode": "test"}  # sktmls: params = query_params


def test_a_bad_filter_is_refused_naming_it(mls_graph_api_client):
    assert client_error(mls_graph_api_client.list_vertices, query_params={"age__gte": "old"}).msg.startswith(
        "age__gte: must be a number")
    assert client_error(mls_graph_api_client.list_edges, query_params={"count__bw": "1"}).code == 400


def test_get_vertex(mls_graph_api_client, mls_mock):
    vertex = mls_graph_api_client.get_vertex("PROD001")

    assert isinstance(vertex, Vertex)
    assert vertex.get() == {"id": "PROD001", "label": "Product", "properties": {"prod_id": "NA00007790",
                                                                                 "price": 55000}}
    assert (mls_mock.calls[-1].path, mls_mock.calls[-1].query) == ("/graph/v1/vertices/PROD001", {"mode": "test"})
    error = client_error(mls_graph_api_client.get_vertex, "PROD999")
    assert (error.code, error.msg) == (404, "vertex 'PROD999' does not exist")


def test_drop_vertex_drops_its_edges(mls_graph_api_client, mls_mock):
    assert mls_graph_api_client.drop_vertex("USER001") is None

    assert ids(mls_graph_api_client.list_vertices()) == VERTICES[1:]
    assert mls_graph_api_client.list_edges() == []
    assert mls_mock.store.counts()["graph_edges"] == 0
    assert client_error(mls_graph_api_client.drop_vertex, "USER001").code == 404


def test_drop_vertices_by_filter_and_all(mls_graph_api_client, mls_mock):
    mls_graph_api_client.drop_vertices(query_params={"age__lt": 30})
    assert ids(mls_graph_api_client.list_vertices()) == ["USER001", "PROD001", "STORE001"]
    assert mls_mock.calls[-2].query == {"age__lt": "30", "mode": "test"}  # no limit on a drop

    mls_graph_api_client.drop_vertices(query_params={"store_id": "S-0001"})
    assert ids(mls_graph_api_client.list_edges()) == ["USER001_purchased_PROD001"]

    mls_graph_api_client.drop_vertices()  # no filter: every vertex, and so every edge
    assert mls_mock.store.counts()["graph_vertices"] == mls_mock.store.counts()["graph_edges"] == 0


# ---- edges ------------------------------------------------------------------------------------

def test_list_and_get_edges(mls_graph_api_client, mls_mock):
    listed = mls_graph_api_client.list_edges()

    assert all(isinstance(e, Edge) for e in listed) and ids(listed) == EDGES
    assert mls_mock.calls[-1].query == {"limit": "300", "mode": "test"}
    assert ids(mls_graph_api_client.list_edges(query_params={"channels": "tworld_home"})) == EDGES[:1]
    assert ids(mls_graph_api_client.list_edges(query_params={"visit_count__gte": 5})) == EDGES[1:]
    edge = mls_graph_api_client.get_edge("USER001_purchased_PROD001")
    assert edge.get() == {"id": "USER001_purchased_PROD001", "label": "purchased",
                          "properties": {"count": 2, "channels": ["tworld_home"]}}
    assert client_error(mls_graph_api_client.get_edge, "USER002_purchased_PROD001").code == 404


def test_drop_edge_and_drop_edges(mls_graph_api_client, mls_mock):
    mls_graph_api_client.drop_edge("USER001_visited_STORE001")
    assert ids(mls_graph_api_client.list_edges()) == EDGES[:1]
    mls_graph_api_client.drop_edges(query_params={"count__gt": 5})
    assert ids(mls_graph_api_client.list_edges()) == EDGES[:1]
    mls_graph_api_client.drop_edges()
    assert mls_graph_api_client.list_edges() == [] and mls_mock.store.counts()["graph_vertices"] == 4


def test_the_factory_makes_what_the_client_reads(mls_graph_api_client, mls_factory):
    vertex = mls_factory.graph_vertex("Store", vertex_id="STORE002", properties={"store_id": "S-2", "lat": 1.5})
    edge = mls_factory.graph_edge("USER002", vertex, "visited", properties={"visit_count": 1})
    made = mls_factory.graph_edge()  # a new edge schema between two new vertex schemas, and their vertices

    assert mls_graph_api_client.get_vertex("STORE002").get() == vertex.get()
    assert edge.id == "USER002_visited_STORE002"
    assert mls_graph_api_client.get_edge(edge.id).get() == edge.get()
    assert mls_graph_api_client.get_edge(made.id).get() == made.get()
    with pytest.raises(Exception, match="properties.lat: must be a number"):
        mls_factory.graph_vertex("Store", properties={"lat": "north"})


def test_the_mms_runtime_sends_no_mode(mls_mock):
    client = MLSGraphAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.MMS)

    assert ids(client.list_vertices(query_params={"age__gte": 30})) == ["USER001"]
    assert mls_mock.calls[-1].query == {"age__gte": "30", "limit": "300"}


def test_the_client_refuses_the_edd_runtime():
    with pytest.raises(AssertionError, match="EDD"):
        MLSGraphAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.EDD)


def test_faults_apply(mls_graph_api_client, mls_mock):
    mls_mock.fail("GET", "/graph/v1/vertices/*", status=503)

    assert client_error(mls_graph_api_client.get_vertex, "USER001").code == 503
    assert mls_graph_api_client.get_vertex("USER001").id == "USER001"


# ---- what breaks in sktmls itself ----------------------------------------------------------------

SENDS_JSON = [  # _request has no `json` parameter: TypeError before anything is sent
    ("add_vertex", dict(vertex_id="USER009", label="User", properties={"age": 3})),
    ("update_vertex", dict(vertex_id="USER001", properties={"age": 35})),
    ("add_edge", dict(frm="USER002", to="PROD001", label="purchased", properties={"count": 1})),
    ("update_edge", dict(edge_id="USER001_purchased_PROD001", properties={"count": 3})),
]
AWAITS_RESULTS = [  # `await self._request_async(...).results`: .results of a coroutine
    ("list_vertices_async", {}), ("get_vertex_async", dict(vertex_id="USER001")),
    ("list_edges_async", {}), ("get_edge_async", dict(edge_id="USER001_purchased_PROD001")),
]


def _raised(call):
    """The exception `call()` raises, with the coroutine it leaves un-awaited collected (its
    RuntimeWarning is sktmls's, not the test's)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            call()
        except Exception as error:  # noqa: BLE001  (the test asserts which)
            found = (type(error), str(error))
        else:
            found = None
        gc.collect()
    return found


@pytest.mark.parametrize("method, kwargs", SENDS_JSON, ids=[m for m, _ in SENDS_JSON])
def test_writes_raise_type_error_before_sending(mls_graph_api_client, mls_mock, method, kwargs):
    before = mls_mock.store.dump()

    assert _raised(lambda: getattr(mls_graph_api_client, method)(**kwargs)) == (
        TypeError, "MLSGraphAPIClient._request() got an unexpected keyword argument 'json'")
    assert len(mls_mock.calls) == 0 and mls_mock.store.dump() == before


@pytest.mark.parametrize("method, kwargs", SENDS_JSON, ids=[m for m, _ in SENDS_JSON])
def test_async_writes_raise_type_error_before_sending(mls_graph_api_client, mls_mock, method, kwargs):
    coroutine = getattr(mls_graph_api_client, f"{method}_async")(**kwargs)

    assert _raised(lambda: asyncio.run(coroutine)) == (
        TypeError, "MLSGraphAPIClient._request_async() got an unexpected keyword argument 'json'")
    assert len(mls_mock.calls) == 0


@pytest.mark.parametrize("method, kwargs", AWAITS_RESULTS, ids=[m for m, _ in AWAITS_RESULTS])
def test_async_reads_raise_attribute_error_before_sending(mls_graph_api_client, mls_mock, method, kwargs):
    coroutine = getattr(mls_graph_api_client, method)(**kwargs)

    assert _raised(lambda: asyncio.run(coroutine)) == (
        AttributeError, "'coroutine' object has no attribute 'results'")
    assert len(mls_mock.calls) == 0


# ---- over a socket, and the async methods that work ---------------------------------------------

def test_every_working_sync_method_against_the_live_server(mls_live_server, mls_graph_api_client):
    client = mls_graph_api_client

    assert ids(client.list_vertices(query_params={"age__gte": 30})) == ["USER001"]
    assert client.get_vertex("USER002").label == "User"
    assert ids(client.list_edges()) == EDGES
    assert client.get_edge(EDGES[1]).properties == {"visit_count": 5}
    client.drop_edge(EDGES[1])
    client.drop_edges(query_params={"count__eq": 2})
    client.drop_vertex("STORE001")
    client.drop_vertices(query_params={"age__gte": 30})
    assert ids(client.list_vertices()) == ["USER002", "PROD001"] and client.list_edges() == []
    assert client_error(client.get_vertex, "USER001").code == 404
    assert {c.path for c in mls_live_server.mock.calls} >= {"/graph/v1/vertices", "/graph/v1/edges/" + EDGES[1]}


@pytest.mark.parametrize("served", [False, True], ids=["in-process", "live-server"])
def test_the_async_drops(served, request, mls_mock):
    if served:
        request.getfixturevalue("mls_live_server")  # the same fake on a socket, before the client is built
    client = request.getfixturevalue("mls_graph_api_client")

    async def drop_all():
        await client.drop_edge_async(EDGES[1])
        await client.drop_edges_async(query_params={"count__eq": 2})
        await client.drop_vertex_async("STORE001")
        await client.drop_vertices_async(query_params={"age__lt": 30})

    asyncio.run(drop_all())
    assert ids(client.list_vertices()) == ["USER001", "PROD001"] and client.list_edges() == []
    assert [(c.method, c.status, c.query.get("mode")) for c in mls_mock.calls[:4]] == [("DELETE", 200, "test")] * 4


def test_an_async_drop_of_a_missing_vertex_raises_the_404(mls_graph_api_client, mls_mock):
    from sktmls import MLSClientError

    with pytest.raises(MLSClientError) as caught:
        asyncio.run(mls_graph_api_client.drop_vertex_async("NOPE"))
    assert (caught.value.code, mls_mock.calls[-1].status) == (404, 404)
