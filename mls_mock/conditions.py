"""A filter's conditions (`{key, operator, value}`, store/filters.py) evaluated against one
target's profile values. Pure: the caller hands in the values.

Every condition must hold. A key the profile lacks, or values that do not compare (a string
against a number, though a numeric string compares as its number), make the condition false:
a user the fake knows nothing about passes no filter, the least it can promise."""

import operator
from collections.abc import Callable, Iterable, Mapping
from typing import Any

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}


def holds(condition: Mapping, values: Mapping) -> bool:
    key, op, expected = condition.get("key"), condition.get("operator"), condition.get("value")
    if key not in values:
        return False
    actual = values[key]
    if op == "contains":  # the profile value holds the condition's (a list's item, a substring)
        try:
            return expected in actual
        except TypeError:
            return False
    compare = _COMPARE.get(op)  # type: ignore[arg-type]
    if compare is None:
        return False
    if isinstance(actual, bool) != isinstance(expected, bool) and op not in ("==", "!="):
        return False
    actual, expected = _as_numbers(actual, expected)
    try:
        return bool(compare(actual, expected))
    except TypeError:
        return False


def _as_numbers(actual: Any, expected: Any) -> tuple[Any, Any]:
    """A number and a numeric string compare as numbers: create_filter's own example is
    `{"key": "age", "operator": "<", "value": "19"}`."""
    pair = [actual, expected]
    if any(_is_number(x) for x in pair) and any(isinstance(x, str) for x in pair):
        try:
            return tuple(x if _is_number(x) else float(x) for x in pair)  # type: ignore[return-value]
        except ValueError:
            return actual, expected
    return actual, expected


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def all_hold(conditions: Iterable[Mapping], values: Mapping) -> bool:
    return all(holds(condition, values) for condition in conditions)
