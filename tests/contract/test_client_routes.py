"""Every route the installed sktmls client calls on the AB host is served by the fake: not a
silent 404, which the client reads as "no such record", and not the 501 of a route listed as
not faked (api/unfaked.py). The routes are read from the client's own source, so a new
sktmls release that calls a new route fails here until the fake serves it. The 501
mechanism stays, for a route a future release calls that the fake cannot serve yet: listed
in NOT_FAKED it answers 501 naming itself (and still fails the first test below, on purpose:
the issue is done when the table is empty)."""
import ast
import pathlib

import pytest
import requests
import sktmls

import mls_mock.app
from mls_mock import create_app
from mls_mock.api.unfaked import NOT_FAKED, unfaked_routes

CLIENT_ROOT = pathlib.Path(sktmls.__file__).parent


def _module_strings() -> dict:
    """Module-level string constants of the client (the URL prefixes its calls build on)."""
    found: dict = {}
    for path in CLIENT_ROOT.rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found.setdefault(target.id, set()).add(node.value.value)
    return {name: values.pop() for name, values in found.items() if len(values) == 1}


def client_ab_routes() -> set:
    """(METHOD, path with `1` for every placeholder) of each `self._request(...)` call site
    whose URL is an AB API path; the query string the client sometimes writes into the URL
    is dropped."""
    strings = _module_strings()

    def text(node) -> str:
        if isinstance(node, ast.Constant):
            return str(node.value)
        if isinstance(node, ast.Name) and node.id in strings:
            return strings[node.id]
        if isinstance(node, ast.FormattedValue):
            return text(node.value) if isinstance(node.value, ast.Name) and node.value.id in strings else "1"
        if isinstance(node, ast.JoinedStr):
            return "".join(text(part) for part in node.values)
        raise AssertionError(f"cannot read a URL from {ast.unparse(node)}")

    routes = set()
    for path in CLIENT_ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("_request", "_request_async")):
                continue
            given = dict(zip(("method", "url"), node.args)) | {k.arg: k.value for k in node.keywords}
            if "method" not in given:  # the definition's own forwarding call
                continue
            url = text(given["url"]).split("?")[0]
            if url.lstrip("/").startswith("api/v1/"):
                routes.add((text(given["method"]).upper(), "/" + url.lstrip("/")))
    return routes


CLIENT_ROUTES = sorted(client_ab_routes())


def test_the_walk_finds_the_clients_routes():
    # A walk that found nothing would make every test below pass vacuously.
    assert ("POST", "/api/v1/channels") in CLIENT_ROUTES
    assert ("PUT", "/api/v1/datasets/1/columnspecs") in CLIENT_ROUTES  # a positional call
    assert len(CLIENT_ROUTES) > 60


def test_every_route_the_client_calls_is_served(mls_mock):
    """No route of the installed client answers 501: the fake serves the whole AB API."""
    session = requests.Session()
    unserved = []
    for method, path in CLIENT_ROUTES:
        response = session.request(method, f"https://ab.stg.sktmls.com{path}", auth=("mls-test", "pw"),
                                   json={} if method in ("POST", "PUT") else None)
        if response.status_code == 501:
            unserved.append(f"{method} {path}")
    assert not unserved, f"{len(unserved)} of {len(CLIENT_ROUTES)} client routes answer 501: {unserved}"
    assert NOT_FAKED == (), f"api/unfaked.py lists routes the client no longer calls: {NOT_FAKED}"


def test_a_route_listed_as_not_faked_answers_501_naming_itself(monkeypatch):
    """What a route a future client calls gets while the fake lists it as not faked."""
    served = mls_mock.app.routes_for
    future = unfaked_routes([("GET", "/future_things/<int:id>"), ("POST", "/future_things")])
    monkeypatch.setattr(mls_mock.app, "routes_for", lambda store: [*served(store), *future])
    client = create_app().test_client()
    for method, path in (("GET", "/api/v1/future_things/3"), ("POST", "/api/v1/future_things")):
        response = client.open(path, method=method, json={} if method == "POST" else None,
                               headers={"Authorization": "Basic bWxzLXRlc3Q6cHc="})
        assert response.status_code == 501, response.get_data(as_text=True)
        assert response.get_json() == {"code": 501, "results": None,
                                       "error": f"mls-mock does not fake {method} {path} yet"}


@pytest.mark.parametrize("method, path", CLIENT_ROUTES)
def test_every_route_the_client_calls_is_served_or_says_it_is_not_faked(mls_mock, method, path):
    session = requests.Session()
    response = session.request(method, f"https://ab.stg.sktmls.com{path}", auth=("mls-test", "pw"),
                               json={} if method in ("POST", "PUT") else None)
    document = response.json()
    assert response.status_code not in (404, 405) or "does not exist" in (document["error"] or ""), document
    assert document["code"] == response.status_code
    if response.status_code == 501:
        assert document["error"] == f"mls-mock does not fake {method} {path} yet"


def test_the_not_faked_table_lists_only_routes_the_client_calls():
    app = create_app()
    called = {}
    for method, path in CLIENT_ROUTES:
        route, _ = app.dispatcher.match(path, method)
        called[(method, route.rule)] = path
    listed = {(method, "/api/v1" + rule) for method, rule in NOT_FAKED}
    assert listed <= set(called), f"listed as not faked but not called by the client: {sorted(listed - set(called))}"
