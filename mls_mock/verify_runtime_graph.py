"""Graph API probes that add instances (run with --allow-writes): each makes a vertex schema
of its own on the AB API (`VertexClient`; the gate deletes it when the probe ends), adds
vertices raw (sktmls's `add_vertex` passes `json=` to a `_request` that has no such parameter),
reads them back with `MLSGraphAPIClient` and drops them, also when it fails."""

import contextlib
import functools
from collections.abc import Iterator
from urllib.parse import quote

from .verify_probe import expect, probe
from .verify_runtime_apis import GRAPH, RuntimeAPIs, _runtime, _unknown, expect_codes, expect_refused

PROPERTIES = {"age": "Float(single)", "tags": "String(set)", "city": "String(single)"}
TEST = {"mode": "test"}


@contextlib.contextmanager
def _schema(t) -> Iterator[tuple[RuntimeAPIs, str, list[str]]]:
    """(runtime APIs, a new vertex label, the ids to drop when done)."""
    from sktmls import MLSENV
    from sktmls.graphs import VertexClient

    rt = _runtime(t)
    rt.url(GRAPH)
    label = t.name("vertex")
    VertexClient(env=MLSENV[rt.env], username=t.username, password=t._auth[1]).create_vertex(label, PROPERTIES)
    added: list[str] = []
    try:
        yield rt, label, added
    finally:
        for vertex_id in added:
            rt.raw(GRAPH, "DELETE", f"/v1/vertices/{quote(vertex_id, safe='')}", params=TEST)


def _add(rt: RuntimeAPIs, label: str, added: list[str], vertex_id: str, properties: dict):
    answer = rt.raw(
        GRAPH, "POST", "/v1/vertices", params=TEST, json={"id": vertex_id, "label": label, "properties": properties}
    )
    if 200 <= answer.status < 300:
        added.append(vertex_id)
    return answer


@probe("graph-answers")
def graph_answers(t):
    from . import assumptions

    with _schema(t) as (rt, label, added):
        client, missing = rt.client(GRAPH), _unknown("id")
        calls = {
            "vertex": functools.partial(client.get_vertex, missing),
            "edge": functools.partial(client.get_edge, missing),
        }
        expect_codes(calls, 404, "a missing id")
        vertex_id = _unknown("v")
        first = _add(rt, label, added, vertex_id, {"age": 30})
        taken = _add(rt, label, added, vertex_id, {"age": 31})
        dropped = rt.raw(GRAPH, "DELETE", f"/v1/vertices/{vertex_id}", params=TEST)
        if dropped.status == 200:
            added.remove(vertex_id)
        results = dropped.body.get("results", "absent") if isinstance(dropped.body, dict) else "no envelope"
        shown = (
            "a missing id: 404; "
            f"add: {first.status}; the same id again: {taken.status}; drop: {dropped.status} results {results!r}"
        )
        expect(first.status == assumptions.GRAPH_ADD_STATUS and taken.status == 409 and results is None, shown)
        return shown


@probe("graph-instance-schema")
def graph_instance_schema(t):
    with _schema(t) as (rt, label, added):
        no_schema = _add(rt, _unknown("label"), added, _unknown("v"), {})
        undeclared = _add(rt, label, added, _unknown("v"), {"height": 1})
        other_type = _add(rt, label, added, _unknown("v"), {"age": "old"})
        return expect_refused(
            {
                "a label without a schema": (no_schema, 400, "label"),
                "undeclared": (undeclared, 400, "height"),
                "a string age": (other_type, 400, "age"),
            }
        )


@probe("graph-filters")
def graph_filters(t):
    with _schema(t) as (rt, label, added):
        city = _unknown("city")
        for n, age in enumerate((20, 30, 40)):
            _add(rt, label, added, f"{city}-{n}", {"age": age, "city": city})
        client = rt.client(GRAPH)

        def ids(query: dict) -> list[str]:
            return sorted(v.id for v in client.list_vertices(query_params=dict(query)))

        found = {
            "equal": ids({"city": city}),
            "gte": ids({"city": city, "age__gte": "30"}),
            "bw": ids({"city": city, "age__bw": "20,40"}),
        }
        limited = rt.raw(GRAPH, "GET", "/v1/vertices", params={"city": city, "limit": 2, **TEST})
        capped = len((limited.body or {}).get("results", {}).get("vertices", [])) if limited.status == 200 else None
        shown = f"{found}; limit 2: {capped}"
        expect(
            found == {"equal": added[:3], "gte": added[1:3], "bw": [added[1]]} and capped == 2,
            shown,
        )
        return shown


@probe("graph-patch")
def graph_patch(t):
    with _schema(t) as (rt, label, added):
        vertex_id = _unknown("v")
        _add(rt, label, added, vertex_id, {"age": 30, "tags": ["a"], "city": "x"})
        patched = rt.raw(
            GRAPH, "PATCH", f"/v1/vertices/{vertex_id}", params=TEST, json={"properties": {"age": 31, "tags": ["b"]}}
        )
        properties = rt.client(GRAPH).get_vertex(vertex_id).properties
        shown = f"{patched.status}; then {properties}"
        expect(
            properties.get("age") == 31
            and sorted(properties.get("tags") or []) == ["a", "b"]
            and properties.get("city") == "x",
            shown,
        )
        return shown


@probe("graph-ids")
def graph_ids(t):
    with _schema(t) as (rt, label, added):
        answers = {bad: _add(rt, label, added, f"v{bad}x", {}) for bad in ("/", "?", "#", "%", "\\")}
        wrong = {bad: str(a) for bad, a in answers.items() if not a.refused(400, "id")}
        expect(not wrong, f"ids refused otherwise: {wrong}")
        return "a vertex id holding / ? # % or a backslash: 400 naming id"
