"""The admin API under /_mock/: what a test or a person driving a standalone fake needs
besides the MLS API itself. Same envelope; no Basic auth (it is not an MLS route); an
optional token (`app.config["MLS_MOCK_ADMIN_TOKEN"]`, set by `serve --admin-token`)
protects every route but health, which probes need."""
import dataclasses
import hmac

from flask import Blueprint, current_app, request

from .common import body, envelope, store
from .. import persistence
from ..errors import BadRequest, NotFound, Unauthorized
from ..seeds import available_seeds, read_seed
from ..store import Store
from ..traffic import Fault

bp = Blueprint("admin", __name__, url_prefix="/_mock")
TOKEN_CONFIG = "MLS_MOCK_ADMIN_TOKEN"
FAULT_FIELDS = ("method", "path", "status", "error", "times")


def _state():
    return current_app.extensions["mls_mock"]


@bp.before_request
def _check_token():
    expected = current_app.config.get(TOKEN_CONFIG)
    if not expected or request.endpoint == "admin.health":
        return
    given = request.headers.get("X-Admin-Token")
    if given is None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        given = token.strip() if scheme.lower() == "bearer" else ""
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise Unauthorized("the admin API needs the admin token: `Authorization: Bearer <token>` or `X-Admin-Token: <token>`")


@bp.get("/health")
def health():
    return envelope({"status": "ok", "records": store().counts(),
                     "persistent": persistence.EXTENSION in current_app.extensions})


@bp.post("/reset")
def reset():
    """Data, journal and faults, like MLSMock.reset: IDs start again at 1."""
    _state().reset()
    return envelope({"records": store().counts()})


@bp.get("/state")
def get_state():
    return envelope(store().dump())


@bp.put("/state")
def put_state():
    """Replace every record with the document's. Checked on a scratch store first, then
    swapped in under the lock as one saved change, so a bad document changes nothing."""
    document = body()
    live = store()
    Store(live.clock, live.timezone).load(document, "PUT /_mock/state")
    with persistence.batch(current_app, live):
        live.reset()
        live.load(document, "PUT /_mock/state")
    return envelope({"records": live.counts()})


@bp.post("/seed")
def seed():
    """Add records: `{"name": "<set in fixtures/>"}`, or a seed document itself."""
    document = body()
    if set(document) == {"name"}:
        name = document["name"]
        if not isinstance(name, str) or name not in available_seeds():
            raise NotFound(f"no seed set named {name!r} in fixtures/; shipped: {', '.join(available_seeds()) or 'none'}")
        document, source = read_seed(name)
    else:
        source = "POST /_mock/seed"
    added = store().load(document, source)
    return envelope({"added": added, "records": store().counts()}, 201)


@bp.get("/calls")
def list_calls():
    """The journal of /api/ requests, oldest first (admin requests are not journaled)."""
    return envelope([dataclasses.asdict(call) for call in _state().journal])


@bp.delete("/calls")
def clear_calls():
    journal = _state().journal
    cleared = len(journal)
    journal.clear()
    return envelope({"cleared": cleared})


@bp.get("/faults")
def list_faults():
    return envelope(_state().faults.describe())


@bp.post("/faults")
def add_fault():
    """Like MLSMock.fail, but status faults only: a network error cannot cross HTTP."""
    spec = body()
    unknown = sorted(set(spec) - set(FAULT_FIELDS))
    if unknown:
        raise BadRequest(f"unknown fault fields {unknown}; known: {', '.join(FAULT_FIELDS)}")
    fault = Fault(spec.get("method", "*"), spec.get("path", "*"), _integer(spec.get("status", 500)),
                  spec.get("error"), _integer(spec.get("times", 1)))
    _state().faults.add(fault)
    return envelope(fault.describe(), 201)


def _integer(value):
    """JSON has one number type: 503.0 is the integer 503 (as JSON Schema says); true stays
    a bool, which Fault refuses."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@bp.delete("/faults")
def clear_faults():
    faults = _state().faults
    cleared = len(faults.describe())
    faults.clear()
    return envelope({"cleared": cleared})
