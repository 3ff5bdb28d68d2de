"""The admin API under /_mock/: what a test or a person driving a standalone fake needs
besides the MLS API itself. Same envelope; no Basic auth (it is not an MLS route); an
optional token (`AppState.admin_token`, set by `serve --admin-token`) protects every route
declared `admin=True`, which is all but health, which probes need."""

import re

from ..assumptions import MAX_ID
from ..errors import BadRequest, FieldError, NotFound
from ..openapi_schemas import COUNTS, array, obj, ref
from ..route import Routes
from ..seeds import available_seeds, read_seed
from ..traffic import DEFAULT_JOURNAL_ENTRIES, MAX_FAULTS, Fault
from ..wire import body, encode, json_reply, positive_int

routes = Routes()
FAULT_FIELDS = ("method", "path", "status", "error", "times", "delay")
RECORDS = obj(["records"], {"records": COUNTS})


@routes(
    "GET", "/_mock/health", summary="Liveness and record counts (never needs the admin token)", results=ref("Health")
)
def health(req):
    return {"status": "ok", "records": req.store.counts(), "persistent": req.state.state_file is not None}


@routes(
    "POST",
    "/_mock/reset",
    admin=True,
    saves=True,
    results=RECORDS,
    summary="Empty the store (IDs restart at 1), the journal and the faults",
)
def reset(req):
    """Data, journal and faults, like MLSMock.reset: IDs start again at 1."""
    req.state.reset()
    return {"records": req.store.counts()}


@routes(
    "GET", "/_mock/state", admin=True, summary="Every record in the fixtures/ seed format", results=ref("SeedDocument")
)
def get_state(req):
    return req.store.dump()


@routes(
    "PUT",
    "/_mock/state",
    admin=True,
    saves=True,
    body="SeedDocument",
    results=RECORDS,
    summary="Replace every record with a seed document",
)
def put_state(req):
    """Replace every record with the document's: one transaction (one save), so a bad
    document changes nothing."""
    document = body(req)
    live = req.store
    with live.transaction():
        live.reset()
        live.load(document, "PUT /_mock/state")
    return {"records": live.counts()}


@routes(
    "POST",
    "/_mock/seed",
    status=201,
    admin=True,
    saves=True,
    body="SeedRequest",
    summary='Add a set from fixtures/ (`{"name": ...}`) or a seed document',
    results=obj(["added", "records"], {"added": COUNTS, "records": COUNTS}),
    refusals={404: "no seed set of that name"},
)
def seed(req):
    """Add records: `{"name": "<set in fixtures/>"}`, or a seed document itself."""
    document = body(req)
    if set(document) == {"name"}:
        name = document["name"]
        if not isinstance(name, str) or name not in available_seeds():
            raise NotFound(
                f"no seed set named {name!r} in fixtures/; shipped: {', '.join(available_seeds()) or 'none'}"
            )
        document, source = read_seed(name)
    else:
        source = "POST /_mock/seed"
    added = req.store.load(document, source)
    return {"added": added, "records": req.store.counts()}


_ZERO = re.compile(r"0+(?:\.0+)?(?:[eE][+-]?[0-9]+)?")


def cursor(text: str, field: str) -> int:
    """`since`: the `seq` of the last call a reader saw, 0 for none."""
    return 0 if _ZERO.fullmatch(text) else positive_int(text, field)


cursor.schema = {"type": "integer", "minimum": 0, "maximum": MAX_ID}  # type: ignore[attr-defined]


def call_limit(text: str, field: str) -> int:
    value = positive_int(text, field)
    if value > DEFAULT_JOURNAL_ENTRIES:
        raise FieldError(field, f"must be at most {DEFAULT_JOURNAL_ENTRIES}")
    return value


call_limit.schema = {"type": "integer", "minimum": 1, "maximum": DEFAULT_JOURNAL_ENTRIES}  # type: ignore[attr-defined]


@routes(
    "GET",
    "/_mock/calls",
    admin=True,
    query={"since": cursor, "limit": call_limit},
    summary="The journal of /api/ requests, oldest first; `since`: only calls after that `seq`, "
    "`limit`: only the newest that many (a poller's cursor). Header X-Journal-Clears counts the times "
    "it was emptied",
    results=array(ref("Call")),
    headers={
        "X-Journal-Clears": {
            "description": "how many times the journal was emptied (DELETE /_mock/calls, reset): a poller that "
            "sees it change drops what it showed and reads from `since=0`",
            "required": True,
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
        }
    },
)
def list_calls(req, since: int = 0, limit: int | None = None):
    """The journal of /api/ requests, oldest first (admin requests are not journaled).
    Encoded an entry at a time, each body parsed only for its own entry and not kept: the
    answer costs about its size, never the whole journal parsed (up to 25 times bigger)."""
    journal = req.state.journal
    calls = journal.since(since, limit or journal.limit) if since or limit else journal
    entries = b", ".join(encode(_render(call)) for call in calls)
    return json_reply(
        b'{"code": 200, "error": null, "results": [' + entries + b"]}",
        headers=[("X-Journal-Clears", str(journal.clears))],
    )


def _render(call) -> dict:
    return {
        "seq": call.seq,
        "method": call.method,
        "path": call.path,
        "query": call.query,
        "query_all": call.query_all,
        "json": call.parse_body(),
        "body_bytes": call.body_bytes,
        "body_truncated": call.body_truncated,
        "status": call.status,
        "user": call.user,
        "response": call.parse_response(),
        "response_bytes": call.response_bytes,
        "response_truncated": call.response_truncated,
        "served": call.served,
    }


@routes("DELETE", "/_mock/calls", admin=True, saves=False, summary="Empty the journal", results=ref("Cleared"))
def clear_calls(req):
    journal = req.state.journal
    cleared = len(journal)
    journal.clear()
    return {"cleared": cleared}


@routes("GET", "/_mock/faults", admin=True, summary="Faults waiting to fire", results=array(ref("Fault")))
def list_faults(req):
    return req.state.faults.describe()


@routes(
    "POST",
    "/_mock/faults",
    status=201,
    admin=True,
    saves=False,
    body="FaultBody",
    results=ref("Fault"),
    link=("fault_id", "/results/id"),
    summary="Make the next matching MLS API requests fail with an error envelope (its status replaces every "
    "status this document lists for them), after `delay` seconds; `status: null` with a delay: added latency alone",
    refusals={409: f"{MAX_FAULTS} faults are waiting already"},
)
def add_fault(req):
    """Like MLSMock.fail, but status and latency faults only: a network error cannot cross
    HTTP (a client's own timeout, past the delay, is real over a socket)."""
    spec = body(req)
    unknown = sorted(set(spec) - set(FAULT_FIELDS))
    if unknown:
        raise BadRequest(f"unknown fault fields {unknown}; known: {', '.join(FAULT_FIELDS)}")
    fault = Fault(
        spec.get("method", "*"),
        spec.get("path", "*"),
        _integer(spec.get("status", 500)),
        spec.get("error"),
        _integer(spec.get("times", 1)),
        delay=spec.get("delay", 0),
    )
    req.state.faults.add(fault)
    return fault.describe()


def _integer(value):
    """JSON has one number type: 503.0 is the integer 503 (as JSON Schema says); true stays
    a bool, which Fault refuses."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@routes(
    "DELETE",
    "/_mock/faults/<int:fault_id>",
    admin=True,
    saves=False,
    summary="Remove one waiting fault, by the `id` POST answered; answers it as it was (`times`: what was left)",
    results=ref("Fault"),
    refusals={404: "no fault with that id waits (never added, used up, or removed)"},
)
def remove_fault(req, fault_id: int):
    removed = req.state.faults.remove(fault_id)
    if removed is None:
        raise NotFound(f"no fault {fault_id} is waiting (never added, used up, or removed already)")
    return removed.describe()


@routes("DELETE", "/_mock/faults", admin=True, saves=False, summary="Remove every fault", results=ref("Cleared"))
def clear_faults(req):
    faults = req.state.faults
    cleared = len(faults)
    faults.clear()
    return {"cleared": cleared}
