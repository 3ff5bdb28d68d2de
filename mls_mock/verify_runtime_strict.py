"""Probes of what the runtime APIs refuse because sktmls never sends it (query parameters and
body keys beyond the client's), and of a graph schema its instances use. The recommendation
and profile calls read (allowed without --allow-writes); the graph probe writes, cleaned up
like every other probe's."""

from .verify_probe import expect, probe
from .verify_runtime_apis import GRAPH, PF, REC, _runtime
from .verify_runtime_graph import TEST, _add, _schema

ITEMS_BODY = {"user_id": "u", "channel_ids": ["c"], "sale_org_id": "admin"}


@probe("runtime-closed-requests")
def runtime_closed_requests(t):
    rt = _runtime(t)
    _, client_id, _ = rt.keyed(REC)
    items = f"/v2/{client_id}/items"
    extra_param = rt.raw(REC, "POST", items, params={**TEST, "mlsmock_verify": "1"}, json=ITEMS_BODY)
    extra_key = rt.raw(REC, "POST", items, params=TEST, json={**ITEMS_BODY, "mlsmock_verify": 1})
    other_org = rt.raw(REC, "POST", items, params=TEST, json={**ITEMS_BODY, "sale_org_id": "mlsmock_verify"})
    answers = [
        (extra_param, "mlsmock_verify"),
        (extra_key, "mlsmock_verify"),
        (other_org, "sale_org_id"),
    ]
    if rt.urls.get(PF):
        profile = f"/v1/{client_id}/profiles/mlsmock-verify/users/u"
        answers.append((rt.raw(PF, "GET", profile, params={**TEST, "mlsmock_verify": "1"}), "mlsmock_verify"))
    shown = "; ".join(str(answer) for answer, _ in answers)
    expect(all(answer.refused(400, field) for answer, field in answers), shown)
    return "each refused with 400 naming it: " + shown


@probe("graph-schema-in-use")
def graph_schema_in_use(t):
    with _schema(t) as (rt, label, added):
        vertex_id = t.name("v")
        expect(200 <= _add(rt, label, added, vertex_id, {}).status < 300, "a vertex of the new schema was not added")
        schema_id = t.results("/api/v1/vertices", label=label)[0]["id"]
        deleted = t.raw("DELETE", f"/api/v1/vertices/{schema_id}")
        renamed = t.raw("PUT", f"/api/v1/vertices/{schema_id}", json={"label": t.name("renamed")})
        shown = f"deleting the schema: {deleted.status} {deleted.error!r}; renaming it: {renamed.status}"
        expect(deleted.status == 409 and renamed.status == 409 and "label" in (deleted.error or ""), shown)
        rt.url(GRAPH)
        return shown
