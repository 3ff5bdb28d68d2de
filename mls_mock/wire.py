"""The wire, at the bottom of the HTTP side: a request as every path sees it, the answer,
the JSON envelope, the body parser and the query converters. Imports nothing above it
(only assumptions, errors and validation), so routes, the dispatcher, the Flask adapter
and the in-process path can all build on it."""

import decimal
import json
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any, NamedTuple, Protocol

from werkzeug.http import parse_options_header

from . import assumptions
from .errors import BadRequest, FieldError, PayloadTooLarge, UnsupportedMediaType
from .validation import STRICT_JSON, nested_deeper_than

JSON = "application/json"


class Reply(NamedTuple):
    """An answer: status, headers (a list of pairs), body bytes."""

    status: int
    headers: list[tuple]
    body: bytes


class HeaderReader(Protocol):
    """What the fake reads headers with: by HTTP name, text or None."""

    def get(self, name: str, default: Any = None) -> Any: ...


class Headers(dict):
    """Headers keyed as a WSGI environ keys them (`HTTP_X_ADMIN_TOKEN`, `CONTENT_TYPE`), read
    by their HTTP names: both paths build it from what they have without copying twice."""

    __slots__ = ()

    def get(self, name: str, default=None):
        key = _KEYS.get(name)
        if key is None:
            key = name.upper().replace("-", "_")
            key = _KEYS[name] = key if key == "CONTENT_TYPE" else "HTTP_" + key  # the fake reads few names
        return dict.get(self, key, default)


_KEYS: dict[str, str] = {}


class Request:
    """One request. `args` maps each query name to its values; `data` is the body, or None
    when it is larger than the fake accepts; `user` is set by Basic auth; `json` is the body
    once `body()` parsed it, so the journal need not parse it again. `server` (the
    address the request was sent to: host, port), `scheme` and `query_string` are only read
    to build a redirect's Location. `in_process`: it came from an in-process path, whose
    transport took the faults that wait or raise (`traffic.TRANSPORT`); `fault`: the one it
    took, when that fault also answers a status."""

    __slots__ = (
        "state",
        "method",
        "path",
        "args",
        "headers",
        "content_length",
        "data",
        "user",
        "json",
        "server",
        "scheme",
        "query_string",
        "served",
        "in_process",
        "fault",
    )

    def __init__(
        self,
        state,
        method: str,
        path: str,
        args: dict[str, list[str]],
        headers: HeaderReader,
        content_length: int | None,
        data: bytes | None,
        server: tuple[str, int | None] = ("localhost", None),
        scheme: str = "http",
        query_string: str = "",
    ):
        self.state, self.method, self.path, self.args, self.headers = state, method, path, args, headers
        self.content_length, self.data = content_length, data
        self.user: str | None = None
        self.json: dict | None = None
        self.server, self.scheme, self.query_string = server, scheme, query_string
        self.served: list | None = None  # what a runtime API answered from (the journal's `Call.served`)
        self.in_process = False
        self.fault: Any = None  # a traffic.Fault; typed loosely: wire imports nothing above it

    @property
    def store(self):
        return self.state.store


# json.dumps with options builds an encoder per call; one shared encoder gives the same text.
# Nothing it encodes can be circular (it all comes from JSON), so it need not check: 13% off
# a list of 1,000 channels.
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


# What `_ENCODER.encode` runs for a dict or list, built once instead of per call (every
# envelope is a dict); None where json has no C speedups.
_C_MAKE_ENCODER = getattr(json.encoder, "c_make_encoder", None)  # untyped: json's C speedups
_ITERENCODE = (
    _C_MAKE_ENCODER(None, _ENCODER.default, json.encoder.encode_basestring, None, ": ", ", ", False, False, True)
    if _C_MAKE_ENCODER is not None
    else None
)


def encode(value: Any) -> bytes:
    """UTF-8 JSON; escaped ASCII when a lone surrogate (e.g. from a seed file) cannot be UTF-8."""
    try:
        if _ITERENCODE is not None and type(value) is dict:
            return "".join(_ITERENCODE(value, 0)).encode("utf-8")
        return _ENCODER.encode(value).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value).encode("ascii")


def json_reply(data: bytes, status: int = 200, headers: Collection[tuple[str, str]] = ()) -> Reply:
    pairs = [("Content-Type", JSON), ("Content-Length", str(len(data)))]
    if headers:
        pairs.extend(headers)
    return Reply(status, pairs, data)


def envelope(
    results: Any = None, status: int = 200, error: str | None = None, headers: Collection[tuple[str, str]] = ()
) -> Reply:
    return json_reply(encode({"code": status, "error": error, "results": results}), status, headers)


def body(req: Request) -> dict:
    """The request's JSON object. Any Content-Type but JSON's is refused, none is accepted."""
    content_type = req.headers.get("Content-Type", "")
    mimetype = content_type if content_type == JSON else parse_options_header(content_type)[0].lower()
    if mimetype and mimetype != JSON and not mimetype.endswith("+json"):
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
        parsed = STRICT_JSON.decode(text)
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


# ---- query converters: `convert(text, name) -> value`, each with the JSON Schema it accepts --

Converter = Callable[[str, str], Any]
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


_POSITIVE_INT = {"type": "integer", "minimum": 1, "maximum": QUERY_INTEGER_MAX}
positive_int.schema = _POSITIVE_INT  # type: ignore[attr-defined]


def page(text: str, field: str) -> int:
    return positive_int(text, field)


_PAGE_DESCRIPTION = f"the N-th slice of {assumptions.PAGE_SIZE} in id order; past the end: []"
page.schema = {**_POSITIVE_INT, "description": _PAGE_DESCRIPTION}  # type: ignore[attr-defined]


def text(value: str, field: str) -> str:
    return value


text.schema = {"type": "string"}  # type: ignore[attr-defined]


def choice(*values: str) -> Converter:
    """One of `values`, exactly."""

    def convert(value: str, field: str) -> str:
        if value not in values:
            raise FieldError(field, f"must be one of {', '.join(values)}")
        return value

    convert.schema = {"enum": list(values)}  # type: ignore[attr-defined]
    return convert


def schema_of(convert: Converter) -> dict:
    return getattr(convert, "schema", {"type": "string"})


def required(convert: Converter) -> Converter:
    """`convert` for a query parameter the route cannot do without (the handler refuses its
    absence, naming it); /openapi.json marks it required."""

    def convert_required(value: str, field: str) -> Any:
        return convert(value, field)

    convert_required.schema = schema_of(convert)  # type: ignore[attr-defined]
    convert_required.required = True  # type: ignore[attr-defined]
    return convert_required


def repeated(convert: Converter) -> Converter:
    """`convert` for a query parameter given any number of times (`?f=a&f=b`, how `requests`
    sends a list): the handler gets the list of converted values. /openapi.json calls it an
    array (OpenAPI's default form style repeats the name)."""

    def convert_each(value: str, field: str) -> Any:
        return convert(value, field)

    convert_each.schema = {"type": "array", "items": schema_of(convert)}  # type: ignore[attr-defined]
    convert_each.repeated = True  # type: ignore[attr-defined]
    return convert_each


def parse_query(args: Mapping[str, list[str]], spec: Mapping[str, Converter]) -> dict[str, Any]:
    """Known query parameters, converted; unknown ones are ignored like most servers do, a
    repeated known one is refused since it is ambiguous (unless declared `repeated`)."""
    found: dict[str, Any] = {}
    for field, convert in spec.items():
        values = args.get(field)
        if values:
            if getattr(convert, "repeated", False):
                found[field] = [convert(value, field) for value in values]
                continue
            if len(values) > 1:
                raise FieldError(field, "must be given once")
            found[field] = convert(values[0], field)
    return found
