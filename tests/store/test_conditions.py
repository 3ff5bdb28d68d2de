"""Filter conditions at serving time (mls_mock/conditions.py): every operator sktmls's
create_filter documents, a missing key, values that do not compare."""
import pytest

from mls_mock.conditions import all_hold, holds

PROFILE = {"age": 31, "gender": "F", "plans": ["5G", "family"], "nickname": "kim", "vip": True}


@pytest.mark.parametrize("key, operator, value, expected", [
    ("age", "==", 31, True), ("age", "!=", 31, False), ("age", "<=", 31, True), ("age", ">=", 32, False),
    ("age", "<", 40, True), ("age", ">", 40, False),
    ("age", "<", "19", False), ("age", ">", "19", True),  # create_filter's own example compares age to "19"
    ("gender", "==", "F", True), ("gender", "<", 3, False),
    ("plans", "contains", "5G", True), ("plans", "contains", "LTE", False), ("nickname", "contains", "im", True),
    ("age", "contains", 3, False),  # a number holds nothing
    ("vip", "==", True, True), ("vip", ">", 0, False),  # a bool is not a number
    ("missing", "!=", "x", False),  # a key the profile lacks fails every operator
    ("age", "~", 1, False),
])
def test_each_operator(key, operator, value, expected):
    assert holds({"key": key, "operator": operator, "value": value}, PROFILE) is expected


def test_every_condition_must_hold():
    assert all_hold([{"key": "age", "operator": ">=", "value": 20}, {"key": "gender", "operator": "==", "value": "F"}],
                    PROFILE)
    assert not all_hold([{"key": "age", "operator": ">=", "value": 20}, {"key": "gender", "operator": "==", "value": "M"}],
                        PROFILE)
    assert all_hold([], {})
