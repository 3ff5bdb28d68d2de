"""Reading fields out of request bodies and seed records. Every failure is a FieldError
naming the field, raised before anything is changed."""

import contextlib
import datetime
import functools
import itertools
import json
import math
import re
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from . import assumptions
from .errors import FieldError


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):  # 1e999 would come back as Infinity, which is not JSON
        raise ValueError(f"{text} is out of range")
    return value


# JSON as RFC 8259 has it: no NaN/Infinity in, so none can come out. For bodies, seeds and
# state files alike.
STRICT_JSON = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)

CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")  # what a name may not hold
_MISSING = object()


@contextlib.contextmanager
def within(prefix: str):
    """Field errors raised inside name their field under `prefix` (e.g. "migration_request.")."""
    try:
        yield
    except FieldError as error:
        raise FieldError(prefix + error.field, error.message[len(error.field) + 2 :]) from None


def expect_object(value: Any, field: str) -> dict:
    if not isinstance(value, dict):
        raise FieldError(field, "must be a JSON object")
    return value


def name(body: Mapping, field: str) -> str:
    """A non-empty, single-line name of bounded length."""
    value = body.get(field, _MISSING)
    if value is _MISSING or value is None:
        raise FieldError(field, "is required")
    if not isinstance(value, str):
        raise FieldError(field, "must be a string")
    if not value.strip():
        raise FieldError(field, "must not be empty")
    if len(value) > assumptions.MAX_NAME_LENGTH:
        raise FieldError(field, f"must be at most {assumptions.MAX_NAME_LENGTH} characters")
    if CONTROL_CHARS.search(value):
        raise FieldError(field, "must not contain control characters")
    return value


def text(body: Mapping, field: str, default: Any = None, required: bool = False) -> str | None:
    """Free text that may be empty; null or absent gives `default`."""
    value = body.get(field)
    if value is None:
        if required:
            raise FieldError(field, "is required")
        return default
    if not isinstance(value, str):
        raise FieldError(field, "must be a string")
    return value


def whole_number(value: Any) -> int | None:
    """`value` as an int if it is one, else None. JSON has one number type, so `2.0` is the
    integer 2 (as JSON Schema, and so /openapi.json, says); `true` is not (bool is an int
    subclass in Python)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def record_id(value: Any, field: str) -> int:
    number = whole_number(value)
    if number is None or not 1 <= number <= assumptions.MAX_ID:
        raise FieldError(field, f"must be a positive integer id, at most {assumptions.MAX_ID}")
    return number


_MAX_ID_DIGITS = len(str(assumptions.MAX_ID))


def id_text(text: str) -> int | None:
    """The id an ASCII decimal string spells (1 to MAX_ID; leading zeros allowed), or None.
    Its length is checked before `int()`, which refuses over 4,300 digits with ValueError."""
    if not isinstance(text, str):
        return None
    digits = text.lstrip("0")
    if not (text.isascii() and text.isdigit()) or not digits or len(digits) > _MAX_ID_DIGITS:
        return None
    value = int(digits)
    return value if value <= assumptions.MAX_ID else None


def optional_id(body: Mapping, field: str) -> int | None:
    value = body.get(field)
    return None if value is None else record_id(value, field)


def required_id(body: Mapping, field: str) -> int:
    if body.get(field) is None:
        raise FieldError(field, "is required")
    return record_id(body[field], field)


def id_list(body: Mapping, field: str) -> list[int]:
    value = body.get(field, _MISSING)
    if value is _MISSING or value is None:
        raise FieldError(field, "is required")
    if not isinstance(value, list):
        raise FieldError(field, "must be a list of ids")
    ids = [record_id(item, f"{field}[{i}]") for i, item in enumerate(value)]
    if len(set(ids)) != len(ids):
        raise FieldError(field, "must not repeat an id")
    return ids


# A character that sktmls's runtime URLs, which embed names unquoted (`/v2/{client_id}/items`,
# `/profiles/{profile_id}/users/{user_id}`, `edges/{frm}_{label}_{to}`), would mangle.
URL_UNSAFE = re.compile(r"[/?#%\\]")
_DOT_SEGMENTS = (".", "..")  # removed from a path by requests (urllib3) and aiohttp (yarl)


def url_name(body: Mapping, field: str) -> str:
    """A name that travels as one segment of a runtime API's URL: one that the URL would
    split, cut or rewrite could be stored but never reached, so it is refused."""
    value = name(body, field)
    if URL_UNSAFE.search(value) or value in _DOT_SEGMENTS:
        raise FieldError(field, "must not contain / ? # % or \\, nor be . or .. (sktmls puts it in a URL as it is)")
    return value


def only_keys(body: Mapping, allowed: Iterable[str]) -> None:
    """A body holding only keys the client sends: another is refused naming it."""
    allowed = tuple(allowed)
    for key in body:
        if key not in allowed:
            raise FieldError(str(key), f"is not a field of this body (sktmls sends {', '.join(allowed)})")


def choice(body: Mapping, field: str, choices: Iterable[str]) -> str:
    choices = list(choices)
    value = body.get(field)
    if value is None:
        raise FieldError(field, f"is required, one of {', '.join(choices)}")
    if value not in choices:
        raise FieldError(field, f"must be one of {', '.join(choices)}")
    return value


_YEAR = "(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"  # datetime has no year 0
_HOUR, _MINUTE = "(?:[01][0-9]|2[0-3])", "[0-5][0-9]"
# RFC 3339 date-time (what /openapi.json states) less what datetime cannot hold: a leap
# second, year 0; and with an upper-case Z, as fromisoformat wants. The calendar (no
# February 30) is left to fromisoformat.
TIMESTAMP = re.compile(
    f"{_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[Tt]{_HOUR}:{_MINUTE}:{_MINUTE}"
    f"(?:\\.[0-9]+)?(?:Z|[+-]{_HOUR}:{_MINUTE})"
)
_NOT_A_TIMESTAMP = "must be an ISO-8601 (RFC 3339) timestamp with a UTC offset, e.g. 2025-03-06T09:00:00+00:00"


def timestamp(body: Mapping, field: str) -> str | None:
    """Seeded timestamps are kept as given, after checking they are RFC 3339 with an offset."""
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, str) or not TIMESTAMP.fullmatch(value):
        raise FieldError(field, _NOT_A_TIMESTAMP)
    try:
        datetime.datetime.fromisoformat(value)
    except ValueError:
        raise FieldError(field, _NOT_A_TIMESTAMP) from None
    return value


def bucket_range(value: str, field: str) -> tuple[int, int] | None:
    """`"start-end"` (inclusive, within the slots) as a pair; None for an unset range."""
    if not isinstance(value, str):
        raise FieldError(field, "must be a string")
    if value == assumptions.BUCKET_RANGE_UNSET:
        return None
    span = _parse_range(value)
    if span is None:
        raise FieldError(
            field, f'must be "start-end" with 0 <= start <= end <= {assumptions.BUCKET_SLOTS - 1}, or "" when unset'
        )
    return span


_RANGE = re.compile(r"([0-9]{1,3})-([0-9]{1,3})")


@functools.lru_cache(maxsize=4096)  # a few thousand valid ranges exist; every check of a seed reads them
def _parse_range(value: str) -> tuple[int, int] | None:
    match = _RANGE.fullmatch(value)
    if match is None:
        return None
    start, end = int(match[1]), int(match[2])
    return (start, end) if start <= end < assumptions.BUCKET_SLOTS else None


# ---- JSON values: depth, types, numbers ----------------------------------------------------

# A string, or a bracket outside one. An unterminated string runs to the end, so its
# brackets are never counted; a lone trailing backslash is taken as part of it.
# A JSON string (an unterminated one runs to the end); the bytes that are not brackets.
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.?)*+(?:"|\Z)', re.S)
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def nested_deeper_than(text: str, limit: int) -> bool:
    """Whether JSON `text` nests arrays and objects more than `limit` deep. Scans the text
    without recursion, before a parser would recurse once per level: strings dropped by a
    regular expression, every other byte but a bracket by `bytes.translate`, the running
    depth summed by `itertools.accumulate` (a 63 KB body of `[{},{},...]` in about 6 ms, where
    a Python loop over its tokens took 60: the journal renders many such bodies)."""
    if text.count("[") + text.count("{") <= limit:  # most bodies: a few C-speed counts
        return False
    brackets = _JSON_STRING.sub("", text).encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKETS)
    return max(itertools.accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) > limit


def parse_within_depth(raw: bytes) -> Any:
    """`raw` parsed as strict JSON, or None when it is not JSON or nests past MAX_JSON_DEPTH:
    what the journal keeps of a body, so no refused body can break a later read of it."""
    try:
        text = raw.decode(json.detect_encoding(raw), "surrogatepass")
        if nested_deeper_than(text, assumptions.MAX_JSON_DEPTH):
            return None
        return STRICT_JSON.decode(text)
    except (ValueError, RecursionError):
        return None


_SCALARS = (str, bool, type(None))


def json_value(value: Any, field: str, enclosing: int = 0) -> Any:
    """A copy of `value`, checked to be JSON the fake can always copy, encode and answer:
    objects with string keys, arrays, strings, booleans, null, finite numbers, integers
    short enough to print. `enclosing` is how many levels a state document (GET
    /_mock/state) puts around the value: with them it must fit in MAX_JSON_DEPTH, so every
    state the fake holds is a document PUT /_mock/state accepts. Values from Python (seeds,
    `MLSMock.seed(dict)`) can be anything; HTTP bodies are checked at parse time as well.
    Iterative, so no depth of input can exhaust the stack."""
    if isinstance(value, _SCALARS):  # most model fields are null, most items short strings
        return value
    limit = assumptions.MAX_JSON_DEPTH - enclosing
    root: list = [None]
    # (value, container to put its copy in, key there, depth)
    pending: list[tuple[Any, Any, Any, int]] = [(value, root, 0, 0)]
    while pending:
        item, parent, key, depth = pending.pop()
        if isinstance(item, _SCALARS):
            parent[key] = item
        elif isinstance(item, int):
            if not _printable(item):
                raise FieldError(field, f"holds an integer of over {sys.get_int_max_str_digits()} digits")
            parent[key] = int(item)
        elif isinstance(item, float):
            if item != item or item in (math.inf, -math.inf):
                raise FieldError(field, "holds NaN or Infinity, which are not JSON")
            parent[key] = item
        elif isinstance(item, (dict, list, tuple)):
            if depth == limit:
                raise FieldError(
                    field,
                    f"is nested more than {limit} levels deep (a state document puts "
                    f"{enclosing} more around it, {assumptions.MAX_JSON_DEPTH} at most)",
                )
            if isinstance(item, dict):
                copy: Any = {}
                for child_key, child in item.items():
                    if not isinstance(child_key, str):
                        raise FieldError(field, "holds an object key that is not a string")
                    copy[child_key] = child  # a scalar is its own copy; keeps the keys' order
                    if not isinstance(child, _SCALARS):
                        pending.append((child, copy, child_key, depth + 1))
            else:
                copy = list(item)
                for index, child in enumerate(item):
                    if not isinstance(child, _SCALARS):
                        pending.append((child, copy, index, depth + 1))
            parent[key] = copy
        else:
            raise FieldError(field, f"holds a {type(item).__name__}, which is not JSON")
    return root[0]


def _printable(number: int) -> bool:
    """Whether str(number) works under Python's integer-string limit (JSON parsing already
    refuses longer ones; Python callers can pass any int)."""
    limit = sys.get_int_max_str_digits()
    return not limit or number.bit_length() <= int(limit * 3.32)  # log2(10) > 3.32: fewer digits than the limit
