"""The admin API under /_mock/: what a test or a person driving a standalone fake needs
besides the MLS API itself. Same envelope; no Basic auth (it is not an MLS route); an
optional token (`app.config["MLS_MOCK_ADMIN_TOKEN"]`, set by `serve --admin-token`)
protects every route but health, which probes need."""
import functools
import hmac
import json

from flask import Blueprint

from .common import body, json_reply, route
from .. import persistence
from ..errors import BadRequest, NotFound, Unauthorized
from ..seeds import available_seeds, read_seed
from ..traffic import Fault

bp = Blueprint("admin", __name__, url_prefix="/_mock")
TOKEN_CONFIG = "MLS_MOCK_ADMIN_TOKEN"
FAULT_FIELDS = ("method", "path", "status", "error", "times")


def token_required(handler):
    """The handler runs only for a request carrying the admin token, when one is set."""
    @functools.wraps(handler)
    def checked(req, **view_args):
        expected = req.app.config.get(TOKEN_CONFIG)
        if expected:
            given = req.headers.get("X-Admin-Token")
            if given is None:
                scheme, _, token = req.headers.get("Authorization", "").partition(" ")
                given = token.strip() if scheme.lower() == "bearer" else ""
            if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
                raise Unauthorized("the admin API needs the admin token: `Authorization: Bearer <token>` or "
                                   "`X-Admin-Token: <token>`")
        return handler(req, **view_args)
    return checked


@route(bp, "GET", "/health")
def health(req):
    return {"status": "ok", "records": req.store.counts(), "persistent": persistence.EXTENSION in req.app.extensions}


@route(bp, "POST", "/reset")
@token_required
def reset(req):
    """Data, journal and faults, like MLSMock.reset: IDs start again at 1."""
    req.state.reset()
    return {"records": req.store.counts()}


@route(bp, "GET", "/state")
@token_required
def get_state(req):
    return req.store.dump()


@route(bp, "PUT", "/state")
@token_required
def put_state(req):
    """Replace every record with the document's: one transaction (one save), so a bad
    document changes nothing."""
    document = body(req)
    live = req.store
    with live.transaction():
        live.reset()
        live.load(document, "PUT /_mock/state")
    return {"records": live.counts()}


@route(bp, "POST", "/seed", status=201)
@token_required
def seed(req):
    """Add records: `{"name": "<set in fixtures/>"}`, or a seed document itself."""
    document = body(req)
    if set(document) == {"name"}:
        name = document["name"]
        if not isinstance(name, str) or name not in available_seeds():
            raise NotFound(f"no seed set named {name!r} in fixtures/; shipped: {', '.join(available_seeds()) or 'none'}")
        document, source = read_seed(name)
    else:
        source = "POST /_mock/seed"
    added = req.store.load(document, source)
    return {"added": added, "records": req.store.counts()}


@route(bp, "GET", "/calls")
@token_required
def list_calls(req):
    """The journal of /api/ requests, oldest first (admin requests are not journaled).
    Encoded an entry at a time, each body parsed only for its own entry and not kept: the
    answer costs about its size, never the whole journal parsed (up to 25 times bigger)."""
    entries = b", ".join(_encode(_render(call)) for call in req.state.journal)
    return json_reply(b'{"code": 200, "error": null, "results": [' + entries + b"]}")


def _render(call) -> dict:
    return {"method": call.method, "path": call.path, "query": call.query, "query_all": call.query_all,
            "json": call.parse_body(), "body_bytes": call.body_bytes, "body_truncated": call.body_truncated,
            "status": call.status, "user": call.user}


_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def _encode(value) -> bytes:
    try:
        return _ENCODER.encode(value).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate in a body only fits escaped
        return json.dumps(value).encode("ascii")


@route(bp, "DELETE", "/calls")
@token_required
def clear_calls(req):
    journal = req.state.journal
    cleared = len(journal)
    journal.clear()
    return {"cleared": cleared}


@route(bp, "GET", "/faults")
@token_required
def list_faults(req):
    return req.state.faults.describe()


@route(bp, "POST", "/faults", status=201)
@token_required
def add_fault(req):
    """Like MLSMock.fail, but status faults only: a network error cannot cross HTTP."""
    spec = body(req)
    unknown = sorted(set(spec) - set(FAULT_FIELDS))
    if unknown:
        raise BadRequest(f"unknown fault fields {unknown}; known: {', '.join(FAULT_FIELDS)}")
    fault = Fault(spec.get("method", "*"), spec.get("path", "*"), _integer(spec.get("status", 500)),
                  spec.get("error"), _integer(spec.get("times", 1)))
    req.state.faults.add(fault)
    return fault.describe()


def _integer(value):
    """JSON has one number type: 503.0 is the integer 503 (as JSON Schema says); true stays
    a bool, which Fault refuses."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@route(bp, "DELETE", "/faults")
@token_required
def clear_faults(req):
    faults = req.state.faults
    cleared = len(faults)
    faults.clear()
    return {"cleared": cleared}
