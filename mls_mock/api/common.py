"""What every handler needs, without Flask: the request, the body, the query, the envelope.

A handler is a plain function `handler(req, **path_params)` returning its results (sent in
the envelope with the status its route declares) or a `Reply`, or raising a domain error.
`route` registers one on a blueprint; the same function serves Flask (through a generated
view, see `views`) and the in-process path (`mls_mock.inprocess`).
"""
import decimal
import json
import re
from typing import Any, Callable, Dict, List, NamedTuple, Optional

from werkzeug.http import parse_options_header

from .. import assumptions
from ..errors import BadRequest, FieldError, PayloadTooLarge, UnsupportedMediaType
from ..validation import STRICT_JSON, nested_deeper_than


class Reply(NamedTuple):
    """An answer: status, headers (a list of pairs), body bytes."""

    status: int
    headers: List[tuple]
    body: bytes


class Request:
    """One request, as every path sees it. `args` maps each query name to its values;
    `headers.get(name)` reads a header as a WSGI server passed it; `data` is the body, or
    None when it is larger than the app accepts; `user` is set by Basic auth; `json` is the
    body once `body()` has parsed it, so the journal need not parse it again."""

    __slots__ = ("app", "state", "method", "path", "args", "headers", "content_length", "data", "user", "json")

    def __init__(self, app, method: str, path: str, args: Dict[str, List[str]], headers, content_length: Optional[int],
                 data: Optional[bytes]):
        self.app, self.state = app, app.extensions["mls_mock"]
        self.method, self.path, self.args, self.headers = method, path, args, headers
        self.content_length, self.data, self.user, self.json = content_length, data, None, None

    @property
    def store(self):
        return self.state.store


def route(bp, method: str, rule: str, status: int = 200) -> Callable:
    """Register `handler` on `bp` for `method` and `rule`; its results go out with `status`."""
    def register(handler):
        from .views import flask_view  # the Flask side; handlers themselves never import Flask

        bp.add_url_rule(rule, handler.__name__, flask_view(handler, status), methods=[method])
        return handler
    return register


# json.dumps with options builds an encoder per call; one shared encoder gives the same text.
# Nothing it encodes can be circular (it all comes from JSON), so it need not check: 13% off
# a list of 1,000 channels.
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


JSON = "application/json"


def json_reply(data: bytes, status: int = 200, headers=()) -> Reply:
    pairs = [("Content-Type", JSON), ("Content-Length", str(len(data)))]
    if headers:
        pairs.extend(headers)
    return Reply(status, pairs, data)


def envelope(results: Any = None, status: int = 200, error: str = None, headers=()) -> Reply:
    document = {"code": status, "error": error, "results": results}
    payload = _ENCODER.encode(document)
    try:
        data = payload.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (e.g. from a seed file) only fits escaped
        data = json.dumps(document).encode("ascii")
    return json_reply(data, status, headers)


_DECODER = STRICT_JSON


def body(req: Request) -> dict:
    """The request's JSON object. Any Content-Type but JSON's is refused, none is accepted."""
    content_type = req.headers.get("Content-Type", "")
    mimetype = content_type if content_type == JSON else parse_options_header(content_type)[0].lower()
    if mimetype and mimetype != "application/json" and not mimetype.endswith("+json"):
        raise UnsupportedMediaType(f"Content-Type must be application/json, not {mimetype}")
    raw = req.data
    if raw is None:
        raise PayloadTooLarge(f"request body is larger than {assumptions.MAX_BODY_BYTES} bytes")
    if not raw.strip():
        raise BadRequest("request body is required: a JSON object")
    try:
        text = raw.decode(json.detect_encoding(raw), "surrogatepass")
    except ValueError:
        raise BadRequest("request body is not valid JSON") from None
    # Before parsing: the parser recurses once per level, and deep values would break every
    # later copy or encode of what was stored.
    if nested_deeper_than(text, assumptions.MAX_JSON_DEPTH):
        raise BadRequest(f"request body: JSON nested more than {assumptions.MAX_JSON_DEPTH} levels deep")
    try:  # json.loads(raw, parse_constant=...), without building a decoder per call
        parsed = _DECODER.decode(text)
    except (ValueError, RecursionError):
        raise BadRequest("request body is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise BadRequest("request body must be a JSON object")
    # JSON allows "\ud800"; it is not text, and could never be sent back as UTF-8. An ASCII
    # body without a \u escape or a NUL (UTF-16/32 text has NULs) cannot hold one.
    if not raw.isascii() or b"\\u" in raw or b"\x00" in raw:
        try:
            _ENCODER.encode(parsed).encode("utf-8")
        except UnicodeEncodeError:
            raise BadRequest("request body is not valid JSON: a string holds a lone UTF-16 surrogate") from None
    req.json = parsed
    return parsed


QUERY_INTEGER_MAX = assumptions.MAX_ID  # the one id range; `page` shares it
# A number as JSON writes one (leading zeros allowed): /openapi.json calls `page` and `id` an
# integer, and so is `7.0`, as JSON Schema has it.
_QUERY_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def positive_int(text: str, field: str) -> int:
    """A query id or page: an integer from 1 to MAX_ID (the one id range), spelled as JSON
    may spell it: `7`, `007`, `7.0`, `7e0`."""
    try:  # an exponent past decimal's range (1e99999999999999999999) is out of bounds either way
        value = decimal.Decimal(text) if _QUERY_NUMBER.fullmatch(text) else None
    except decimal.InvalidOperation:
        value = None
    if value is None or not 1 <= value <= QUERY_INTEGER_MAX or value % 1:
        raise FieldError(field, f"must be a positive integer, at most {assumptions.MAX_ID}")
    return int(value)


def query(req: Request, **spec: Callable[[str, str], Any]) -> Dict[str, Any]:
    """Known query parameters, converted; unknown ones are ignored like most servers do, a
    repeated known one is refused since it is ambiguous."""
    found = {}
    args = req.args
    if not args:
        return found
    for field, convert in spec.items():
        values = args.get(field)
        if values:
            if len(values) > 1:
                raise FieldError(field, "must be given once")
            found[field] = convert(values[0], field)
    return found


def text(value: str, field: str) -> str:
    return value
