"""Filters: named lists of conditions an experiment may use as its `model_filter`."""

import copy

from .. import assumptions
from .. import validation as v
from ..errors import Conflict, FieldError
from . import schema as s
from .resource import Resource

FILTER_OPERATORS = ("==", "!=", "<=", ">=", "<", ">", "contains")
# Levels a state document puts around a condition: {"filters": [{"body": {"conditions": [<condition>]}}]}.
ENCLOSING_CONDITION = 5

CONDITION = s.obj(
    ["key", "operator", "value"],
    {
        "key": {"type": "string", "minLength": 1},
        "operator": {"enum": list(FILTER_OPERATORS)},
        "value": {"type": ["string", "number", "boolean", "array", "null"]},
    },
)
CONDITIONS = s.obj(["conditions"], {"conditions": s.array(CONDITION)})


class Filters(Resource):
    plural, kind = "filters", "filter"  # its routes are hand-written: api/filters.py
    # `type`: sent by get_filter (None, so dropped, unless a caller gives one); what it
    # selects on the real server is unknown, so it is accepted and ignored.
    list_query = ("id", "name", "query", "type")
    body_schema = s.obj(["name", "body"], {"name": s.NAME, "body": CONDITIONS})
    record_schema = s.obj(
        ["id", "name", "body", "created_at", "updated_at"],
        {"id": s.ID, "name": s.STRING, "body": CONDITIONS, **s.STAMPS},
    )
    # What lists and experiments hold (a full record when `full_lists` is on).
    summary_fields = assumptions.FILTER_SUMMARY_FIELDS
    summary_schema = s.obj(list(assumptions.FILTER_SUMMARY_FIELDS), {"id": s.ID, "name": s.STRING, **s.STAMPS})
    seed_schema = s.obj(["name", "body"], {**s.SEEDED, "name": s.NAME, "body": CONDITIONS})

    def fields(self, body: dict, current: dict | None) -> dict:
        name = v.name(body, "name")
        filter_body = v.expect_object(body.get("body"), "body")
        conditions = filter_body.get("conditions")
        if not isinstance(conditions, list):
            raise FieldError("body.conditions", "must be a list")
        for index, condition in enumerate(conditions):
            field = f"body.conditions[{index}]"
            v.expect_object(condition, field)
            key = condition.get("key")
            if not isinstance(key, str) or not key:
                raise FieldError(f"{field}.key", "must be a non-empty string")
            if condition.get("operator") not in FILTER_OPERATORS:
                raise FieldError(f"{field}.operator", f"must be one of {', '.join(FILTER_OPERATORS)}")
            if "value" not in condition or isinstance(condition["value"], dict):
                raise FieldError(f"{field}.value", "must be a string, number, boolean or list")
        stored = [v.json_value(c, f"body.conditions[{i}]", ENCLOSING_CONDITION) for i, c in enumerate(conditions)]
        return {"name": name, "body": {"conditions": stored}}

    def render(self, row: dict) -> dict:
        return {**row, "body": {"conditions": copy.deepcopy(row["body"]["conditions"])}}

    def list(
        self,
        id: int | None = None,
        name: str | None = None,
        query: str | None = None,
        page: int | None = None,
        *,
        type: str | None = None,
    ) -> list[dict]:
        return super().list(id, name, query, page)

    def on_delete(self, row: dict) -> None:
        filter_id = row["id"]
        experiments = self.store.resources["experiments"].table.rows.values()
        users = [e for e in experiments if e["model_filter_id"] == filter_id]
        if users:
            named = ", ".join(f"{e['id']} ({e['name']})" for e in users)
            raise Conflict(f"filter {filter_id} is used by experiments {named}; remove it from them first")
