"""`GET /openapi.json`: the document generated from the app's route declarations."""

import json

from .. import openapi
from ..route import Routes
from ..wire import json_reply

routes = Routes()


@routes(
    "GET",
    "/openapi.json",
    raw=True,
    tag="openapi",
    summary="This document (raw, not in an envelope)",
    results={"type": "object"},
)
def document(req):
    """Compact JSON with sorted keys, as Flask's jsonify writes it; built once per way the
    server runs (its admin token and state file change what it says)."""
    state = req.state
    key = (bool(state.admin_token), state.state_file is not None)
    cached = state.openapi_cache.get(key)
    if cached is None:
        text = json.dumps(openapi.build(state), ensure_ascii=True, sort_keys=True, separators=(",", ":")) + "\n"
        cached = state.openapi_cache[key] = json_reply(text.encode("ascii"))
    return cached
