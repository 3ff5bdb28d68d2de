"""Reading fields out of request bodies and seed records. Every failure is a FieldError
naming the field, raised before anything is changed."""
import contextlib
import datetime
import json
import math
import re
from typing import Any, Iterable, List, Mapping, Optional

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

_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_MISSING = object()


@contextlib.contextmanager
def within(prefix: str):
    """Field errors raised inside name their field under `prefix` (e.g. "migration_request.")."""
    try:
        yield
    except FieldError as error:
        raise FieldError(prefix + error.field, error.message[len(error.field) + 2:]) from None


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
    if _CONTROL_CHARS.search(value):
        raise FieldError(field, "must not contain control characters")
    return value


def text(body: Mapping, field: str, default: Any = None, required: bool = False) -> Optional[str]:
    """Free text that may be empty; null or absent gives `default`."""
    value = body.get(field)
    if value is None:
        if required:
            raise FieldError(field, "is required")
        return default
    if not isinstance(value, str):
        raise FieldError(field, "must be a string")
    return value


def whole_number(value: Any) -> Optional[int]:
    """`value` as an int if it is one, else None. JSON has one number type, so `2.0` is the
    integer 2 (as JSON Schema, and so /openapi.json, says); `true` is not (bool is an int
    subclass in Python)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def record_id(value: Any, field: str) -> int:
    number = whole_number(value)
    if number is None or number < 1:
        raise FieldError(field, "must be a positive integer id")
    return number


def optional_id(body: Mapping, field: str) -> Optional[int]:
    value = body.get(field)
    return None if value is None else record_id(value, field)


def required_id(body: Mapping, field: str) -> int:
    if body.get(field) is None:
        raise FieldError(field, "is required")
    return record_id(body[field], field)


def id_list(body: Mapping, field: str) -> List[int]:
    value = body.get(field, _MISSING)
    if value is _MISSING or value is None:
        raise FieldError(field, "is required")
    if not isinstance(value, list):
        raise FieldError(field, "must be a list of ids")
    ids = [record_id(item, f"{field}[{i}]") for i, item in enumerate(value)]
    if len(set(ids)) != len(ids):
        raise FieldError(field, "must not repeat an id")
    return ids


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
TIMESTAMP = re.compile(f"{_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[Tt]{_HOUR}:{_MINUTE}:{_MINUTE}"
                       f"(?:\\.[0-9]+)?(?:Z|[+-]{_HOUR}:{_MINUTE})")
_NOT_A_TIMESTAMP = "must be an ISO-8601 (RFC 3339) timestamp with a UTC offset, e.g. 2025-03-06T09:00:00+00:00"


def timestamp(body: Mapping, field: str) -> Optional[str]:
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
