"""Conversion tracking (sktmls's `MLSConversionTrackingAPIClient`, `POST /ct/v1/{client_id}/
{conversion_type}`): what a conversion must hold, and the conversions the fake accepted, read
from the journal (nothing is stored: the client never reads a conversion back)."""

from collections.abc import Iterable, Mapping

from . import assumptions
from . import validation as v
from .errors import FieldError
from .store import schema as s

FIELDS = ("user_id", "channel_id", "process_id", "item_id")  # what request()/request_async() send
BODY_SCHEMA = s.obj(list(FIELDS), dict.fromkeys(FIELDS, s.NAME), extra=False)
PREFIX = "/ct/v1/"


def check(conversion_type: str, body: Mapping) -> dict:
    """The conversion, or FieldError naming what is wrong: the type first (it is in the path),
    then each body field, a non-empty string (the client documents each as `str`)."""
    if conversion_type not in assumptions.CONVERSION_TYPES:
        raise FieldError("conversion_type", f"must be one of {', '.join(assumptions.CONVERSION_TYPES)}")
    v.only_keys(body, FIELDS)
    return {field: v.name(body, field) for field in FIELDS}


def accepted(calls: Iterable) -> list[dict]:
    """Each conversion the fake accepted, oldest first: `client_id`, `conversion_type` and the
    body's fields (`MLSMock.conversions`)."""
    found = []
    for call in calls:
        if call.method == "POST" and call.path.startswith(PREFIX) and call.status < 300:
            client_id, _, conversion_type = call.path[len(PREFIX) :].partition("/")
            body = call.json if isinstance(call.json, dict) else {}
            found.append(
                {"client_id": client_id, "conversion_type": conversion_type, **{f: body.get(f) for f in FIELDS}}
            )
    return found
