"""What every handler needs: the store, the caller, the body, the query and the envelope."""
import json
from typing import Any, Callable, Dict

from flask import Response, current_app, g, request

from ..errors import BadRequest, FieldError, UnsupportedMediaType
from ..store import Store


def store() -> Store:
    return current_app.extensions["mls_mock"].store


def user() -> str:
    return g.mls_user


# json.dumps with options builds an encoder per call; one shared encoder gives the same text.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def envelope(results: Any = None, status: int = 200, error: str = None) -> Response:
    document = {"code": status, "error": error, "results": results}
    payload = _ENCODER.encode(document)
    try:
        data = payload.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (e.g. from a seed file) only fits escaped
        data = json.dumps(document).encode("ascii")
    return Response(data, status=status, mimetype="application/json")


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def body() -> dict:
    """The request's JSON object. Any Content-Type but JSON's is refused, none is accepted."""
    mimetype = request.mimetype
    if mimetype and mimetype != "application/json" and not mimetype.endswith("+json"):
        raise UnsupportedMediaType(f"Content-Type must be application/json, not {mimetype}")
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise BadRequest("request body is required: a JSON object")
    try:
        parsed = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise BadRequest("request body is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise BadRequest("request body must be a JSON object")
    try:  # JSON allows "\ud800"; it is not text, and could never be sent back as UTF-8
        _ENCODER.encode(parsed).encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest("request body is not valid JSON: a string holds a lone UTF-16 surrogate") from None
    return parsed


def positive_int(text: str, field: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 18 or int(text) < 1:
        raise FieldError(field, "must be a positive integer")
    return int(text)


def query(**spec: Callable[[str, str], Any]) -> Dict[str, Any]:
    """Known query parameters, converted; unknown ones are ignored like most servers do, a
    repeated known one is refused since it is ambiguous."""
    found = {}
    args = request.args
    if not args:  # the common case; a proxy lookup per field costs more than the rest
        return found
    for field, convert in spec.items():
        values = args.getlist(field)
        if len(values) > 1:
            raise FieldError(field, "must be given once")
        if values:
            found[field] = convert(values[0], field)
    return found


def text(value: str, field: str) -> str:
    return value
