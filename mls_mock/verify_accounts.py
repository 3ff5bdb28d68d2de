"""Probes of the rows about API clients, profiles and graph schemas. The writing ones
(--allow-writes) follow verify_writes.py's rules: records of their own, named by `t.name`,
deleted by the gate when the probe ends (edges before vertices); `account-routes` only reads."""

from . import assumptions
from .verify_probe import NotChecked, expect, probe
from .verify_writes import _post

TABLES = ["profile-mlsmock-verify", "profile-mlsmock-verify-daily"]


def _key(t, label: str) -> str:
    """An apikey of the right length that no one else holds."""
    return f"MLSMOCKVERIFY{t.run_id}{label}".upper().ljust(assumptions.APIKEY_LENGTH, "0")[: assumptions.APIKEY_LENGTH]


def _created(t, path: str, body: dict) -> dict:
    reply = _post(t, path, body)
    expect(reply.status == 201 and isinstance(reply.results, dict), f"a valid create: {reply}")
    return reply.results


def _refused(reply, status: int, field: str) -> bool:
    return reply.status == status and (reply.error or "").startswith(field)


@probe("client-apikey")
def client_apikey(t):
    key = _key(t, "A")
    without = _post(t, "/api/v1/clients", {"name": t.name("client-nokey")})
    short = _post(t, "/api/v1/clients", {"name": t.name("client-short"), "apikey": key[:-1]})
    _created(t, "/api/v1/clients", {"name": t.name("client"), "apikey": key})
    taken = _post(t, "/api/v1/clients", {"name": t.name("client-taken"), "apikey": key})
    listed = [c.get("apikey") for c in t.listing("clients", name=t.name("client"))]
    shown = f"without apikey: {without}; 39 characters: {short}; taken: {taken}; listed keys shown: {listed == [key]}"
    expect(
        _refused(without, 400, "apikey") and _refused(short, 400, "apikey") and _refused(taken, 409, "apikey"),
        shown,
    )
    expect(listed == [key], shown)
    return shown


@probe("account-keys")
def account_keys(t):
    vertex = {"label": t.name("Vertex")}
    bodies = {
        "/api/v1/clients": ({"name": t.name("key"), "apikey": _key(t, "B")}, {"apikey": _key(t, "C")}, "name"),
        "/api/v1/profile": ({"profile_id": t.name("key"), "tables": TABLES}, {}, "profile_id"),
        "/api/v1/vertices": (vertex, {}, "label"),
        "/api/v1/edges": ({"label": t.name("edge"), "frm": vertex["label"], "to": vertex["label"]}, {}, "label"),
    }
    seen = {}
    for path, (body, change, field) in bodies.items():
        _created(t, path, body)
        seen[path] = (_post(t, path, {**body, **change}), field)
    same_as_vertex = _post(
        t, "/api/v1/edges", {"label": vertex["label"], "frm": vertex["label"], "to": vertex["label"]}
    )
    shown = "; ".join(f"second {path}: {reply}" for path, (reply, _) in seen.items())
    shown += f"; an edge labelled like a vertex: {same_as_vertex.status}"
    expect(all(_refused(reply, 409, field) for reply, field in seen.values()) and same_as_vertex.status == 201, shown)
    return shown


@probe("profile-tables")
def profile_tables(t):
    mixed = _post(t, "/api/v1/profile", {"profile_id": t.name("mixed"), "tables": ["user-profile", "item-profile"]})
    outside = _post(t, "/api/v1/profile", {"profile_id": t.name("main"), "tables": TABLES, "main_table": "profile-x"})
    made = _created(t, "/api/v1/profile", {"profile_id": t.name("tables"), "tables": TABLES, "main_table": TABLES[1]})
    body = {"profile_id": made["profile_id"], "tables": TABLES}
    replaced = t.raw("PUT", f"/api/v1/profile/{made['id']}", json=body)
    main_after_put = (replaced.results or {}).get("main_table") if isinstance(replaced.results, dict) else None
    shown = f"mixed prefixes: {mixed}; main_table outside tables: {outside}; PUT without main_table: {main_after_put!r}"
    expect(
        _refused(mixed, 400, "tables") and _refused(outside, 400, "main_table") and main_after_put == TABLES[0],
        shown,
    )
    return shown


@probe("account-put")
def account_put(t):
    made = _created(t, "/api/v1/profile", {"profile_id": t.name("put"), "tables": TABLES})
    echoed = {**made, "id": made["id"] + 1, "user": "mls-mock-verify-someone-else"}
    profile_put = t.raw("PUT", f"/api/v1/profile/{made['id']}", json=echoed)
    vertex = _created(t, "/api/v1/vertices", {"label": t.name("Put"), "properties": {"p": "String(single)"}})
    vertex_put = t.raw("PUT", f"/api/v1/vertices/{vertex['id']}", json={"label": vertex["label"]})
    kept = isinstance(profile_put.results, dict) and (
        profile_put.results.get("id"),
        profile_put.results.get("user"),
    ) == (
        made["id"],
        made["user"],
    )
    left = vertex_put.results.get("properties") if isinstance(vertex_put.results, dict) else None
    shown = (
        f"echoing PUT of a profile: {profile_put.status}, id and user kept: {kept}; vertex properties left: {left!r}"
    )
    expect(profile_put.status == 200 and kept and vertex_put.status == 200 and not left, shown)
    return shown


@probe("edge-vertices")
def edge_vertices(t):
    frm = _created(t, "/api/v1/vertices", {"label": t.name("From")})
    to = _created(t, "/api/v1/vertices", {"label": t.name("To")})
    dangling = _post(t, "/api/v1/edges", {"label": t.name("dangling"), "frm": frm["label"], "to": t.name("Nowhere")})
    edge = _created(t, "/api/v1/edges", {"label": t.name("edge"), "frm": frm["label"], "to": to["label"]})
    renamed = t.raw("PUT", f"/api/v1/vertices/{to['id']}", json={"label": t.name("Renamed")})
    after_rename = [e.get("to") for e in t.listing("edges", id=edge["id"])]
    deleted = t.raw("DELETE", f"/api/v1/vertices/{to['id']}")
    after_delete = t.listing("edges", id=edge["id"])
    shown = (
        f"edge to a missing vertex: {dangling}; after renaming its vertex the edge's to is {after_rename}; "
        f"after deleting it ({deleted.status}) the edge is {'gone' if not after_delete else 'still there'}"
    )
    expect(
        _refused(dangling, 400, "to")
        and renamed.status == 200
        and after_rename == [t.name("Renamed")]
        and deleted.status == 200
        and not after_delete,
        shown,
    )
    return shown


ACCOUNT_COLLECTIONS = ("clients", "profile", "vertices", "edges")


@probe("account-routes")
def account_routes(t):
    seen = {}
    for collection in ACCOUNT_COLLECTIONS:
        records = t.listing(collection, page=1)
        if records:
            seen[collection] = t.raw("GET", f"/api/v1/{collection}/{records[0]['id']}").status
    if not seen:
        raise NotChecked("no client, profile, vertex or edge on the server to GET by id")
    shown = ", ".join(f"GET /api/v1/{collection}/<id>: {status}" for collection, status in seen.items())
    expect(set(seen.values()) == {405}, shown)
    return shown


@probe("runtime-url-names")
def runtime_url_names(t):
    vertex = t.name("Vertex")
    _post(t, "/api/v1/vertices", {"label": vertex})
    bodies = {
        "/api/v1/clients": ({"name": t.name("a/b"), "apikey": "MLSMOCKVERIFY".ljust(40, "0")}, "name"),
        "/api/v1/profile": ({"profile_id": t.name("a?b"), "tables": ["profile-mlsmock-verify"]}, "profile_id"),
        "/api/v1/edges": ({"label": t.name("a%2Fb"), "frm": vertex, "to": vertex}, "label"),
    }
    replies = {path: (_post(t, path, body), field) for path, (body, field) in bodies.items()}
    shown = "; ".join(f"{path}: {reply.status} {reply.error!r}" for path, (reply, _) in replies.items())
    expect(all(r.status == 400 and (r.error or "").startswith(f) for r, f in replies.values()), shown)
    return shown
