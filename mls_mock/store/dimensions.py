"""Dimensions: the user and item attributes filters test. A name is unique within its
`dimension_type` (get_dimension looks one up by type and name); the AB API list always
names one type (`?type=user|item`, required by api/dimensions.py)."""

from collections.abc import Hashable
from typing import Any

from .. import assumptions
from .. import validation as v
from ..errors import FieldError
from . import schema as s
from .resource import Resource
from .table import matching, paginate

DIMENSION_TYPES = ("user", "item")
DATA_TYPES = ("string", "number", "array", "json")  # create_dimension's assert (the class docstring lists two)
PERIODS = ("daily", "monthly")
OPTIONAL_TEXT = ("description", "task_id", "tag")
FLAG_DEFAULTS = assumptions.DIMENSION_FLAG_DEFAULTS
FLAG = {"type": "boolean"}

PROPERTIES: dict[str, dict] = {
    "name": s.NAME,
    "dimension_type": {"enum": list(DIMENSION_TYPES)},
    "data_type": {"enum": list(DATA_TYPES)},
    "default": s.STRING,
    "period": {"enum": list(PERIODS)},
    **dict.fromkeys(OPTIONAL_TEXT, s.TEXT),
    **dict.fromkeys(FLAG_DEFAULTS, s.nullable(FLAG)),
}
REQUIRED = ["name", "dimension_type", "data_type", "default", "period"]


class Dimensions(Resource):
    plural, kind = "dimensions", "dimension"  # its routes are hand-written: api/dimensions.py
    list_query = ("type", "id", "name", "data_type", "period", "task_id", "tag", "is_derivative", "is_enabled", "query")
    body_schema = s.obj(REQUIRED, PROPERTIES)
    record_schema = s.obj(
        ["id", *REQUIRED, *OPTIONAL_TEXT, *FLAG_DEFAULTS, "created_at", "updated_at"],
        {"id": s.ID, **PROPERTIES, "name": s.STRING, **dict.fromkeys(FLAG_DEFAULTS, FLAG), **s.STAMPS},
    )
    seed_schema = s.obj(REQUIRED, {**s.SEEDED, **PROPERTIES})

    def fields(self, body: dict, current: dict | None) -> dict:
        """A create or a full replace (update_dimension sends every field it holds): a flag
        left out takes its documented default, a text left out is null."""
        fields: dict[str, Any] = {
            "name": v.name(body, "name"),
            "dimension_type": v.choice(body, "dimension_type", DIMENSION_TYPES),
            "data_type": v.choice(body, "data_type", DATA_TYPES),
            "default": v.text(body, "default", required=True),
            "period": v.choice(body, "period", PERIODS),
        }
        fields.update({key: v.text(body, key) for key in OPTIONAL_TEXT})
        for flag, default in FLAG_DEFAULTS.items():
            value = body.get(flag)
            if value is not None and not isinstance(value, bool):
                raise FieldError(flag, "must be true or false")
            fields[flag] = default if value is None else value
        return fields

    def name_key(self, fields: dict) -> Hashable:
        return (fields["dimension_type"], fields["name"])

    def shown_name(self, fields: dict) -> str:
        return f"{fields['name']} (type {fields['dimension_type']})"

    def list(  # type: ignore[override]
        self,
        type: str | None = None,
        id: int | None = None,
        name: str | None = None,
        query: str | None = None,
        page: int | None = None,
        **exact,
    ) -> list[dict]:
        """Dimensions of `type` (every type when None: the AB API route requires it), matching
        every other parameter exactly (`query`: a substring of the name, any case)."""
        rows = matching(self.table.select(id, None, "name"), "name", query)
        wanted = {"dimension_type": type, "name": name, **exact}
        rows = [r for r in rows if all(value is None or r[key] == value for key, value in wanted.items())]
        return [self.render(r) for r in paginate(rows, page)]
