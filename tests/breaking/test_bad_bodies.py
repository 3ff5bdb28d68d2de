"""The bad-input matrix of bodies, generated from the declarations: for every served POST/PUT
route whose body is a resource's `body_schema`, a good request built from that kind's
records in fixtures/demo.json, then that body broken at one field at a time (each required
field missing, each field of the wrong JSON type, null, a huge string, where the schema
refuses the result). Each broken body must get 400 naming the field, in the envelope, and
leave the store as it was: in-process and over loopback. A kind registered later is covered
with no edit here (shown on a toy kind at the end).

Hand-written rows for bodies no resource declares (ratios, migrations, admin documents)
stay in tests/http/test_http_bad_input.py."""
import copy
import json
from pathlib import Path

import pytest
import requests

from mls_mock import MLSMock, Store

from breaking_support import IN_PROCESS_BASE, tally
from declared_bodies import body_routes, breakages, good_request
from support import check_response
from toy_resource import TOY_SEED, with_toy

DEMO = json.loads((Path(__file__).parents[2] / "fixtures" / "demo.json").read_text(encoding="utf-8"))
ROUTES = body_routes(Store())


def broken_requests(store, document: dict) -> list:
    """pytest params (world, method, path, field, body) for every route of `store` taking a
    resource body, broken every way its schema refuses (none for a kind the document lacks:
    the test below fails for it)."""
    found = []
    for route, resource in body_routes(store):
        good = good_request(route, resource, document, store.resources)
        if good is None:
            continue
        path, body, world, user = good
        for how, field, broken in breakages(resource.body_schema, body):
            case_id = f"{route.method} {route.rule} {field} {how}"
            found.append(pytest.param(world, user, route.method, path, field, broken, id=case_id))
    return found


ROWS = broken_requests(Store(), DEMO)


def seeded(store, world: dict):
    store.reset()
    store.load(copy.deepcopy(world), "fixtures/demo.json")
    return store


@pytest.fixture(scope="module")
def in_process():
    with MLSMock() as mls:
        yield IN_PROCESS_BASE, mls.store


@pytest.fixture(scope="module")
def over_loopback(live_server):
    return live_server.url, live_server.store


@pytest.fixture(params=["in_process", "over_loopback"])
def target(request):
    return request.getfixturevalue(request.param)


def auth(user: str) -> tuple[str, str]:
    return user, "any password"  # the fake is made without accounts: any password goes


def assert_refused_naming(base, store, user, method, path, field, body):
    before = store.dump()
    response = requests.request(method, base + path, auth=auth(user), json=body, timeout=30)
    tally("broken bodies sent (generated from the declarations)")
    error = check_response(response, 400)["error"]
    assert error.startswith(field) and error[len(field)] in ":.[", (field, error)
    assert store.dump() == before


@pytest.mark.parametrize(("route", "resource"), ROUTES, ids=[f"{r.method} {r.rule}" for r, _ in ROUTES])
def test_every_resource_body_route_has_a_good_request_in_the_demo(route, resource):
    """The demo holds a record of every kind a body route takes, and the request built from
    it is accepted: so a refusal below is the broken field's doing."""
    assert DEMO.get(resource.plural), f"fixtures/demo.json has no {resource.plural}: no good body to break"
    with MLSMock() as mls:
        path, body, world, user = good_request(route, resource, DEMO, mls.store.resources)
        seeded(mls.store, world)
        response = requests.request(route.method, IN_PROCESS_BASE + path, auth=auth(user), json=body, timeout=30)
        assert response.status_code == route.status, (path, body, response.text)


@pytest.mark.parametrize(("world", "user", "method", "path", "field", "body"), ROWS)
def test_a_body_broken_at_one_field_is_refused_naming_it(target, world, user, method, path, field, body):
    base, store = target
    seeded(store, world)
    assert_refused_naming(base, store, user, method, path, field, body)


def test_the_matrix_covers_a_kind_it_was_never_told_of(monkeypatch):
    with_toy(monkeypatch)
    with MLSMock(store=Store()) as mls:
        document = {**DEMO, **TOY_SEED}
        rows = [p.values for p in broken_requests(mls.store, document) if p.values[3].startswith("/api/v1/memos")]
        assert {(method, field) for _, _, method, _, field, _ in rows} >= {
            ("POST", "name"), ("PUT", "name"), ("POST", "text"), ("PUT", "filter_id")}
        for world, user, method, path, field, body in rows:
            seeded(mls.store, world)
            assert_refused_naming(IN_PROCESS_BASE, mls.store, user, method, path, field, body)
