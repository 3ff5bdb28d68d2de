"""ML features (AutoML's input columns): `name` is unique within its `source` (get_feature
looks one up by the pair). The client's PUT sends only `status`, `title` and `description`,
so an update changes only those; a feature's `group` is set through the store, seeds,
factories and the admin API, never over the AB API."""

from collections.abc import Hashable
from typing import Any

from .. import assumptions
from .. import validation as v
from ..errors import FieldError
from . import schema as s
from .resource import Resource
from .table import matching, paginate

FEATURE_TYPES = ("category", "number")  # MLFeature.Type
FEATURE_STATUSES = ("created", "in_service", "deprecated")  # MLFeature.Status
NEW_FEATURE_STATUS = assumptions.NEW_FEATURE_STATUS
RECORD_FIELDS = ("id", "name", "source", "type", "status", "title", "description", "group", "created_at", "updated_at")

UPDATE_BODY = s.obj(["status"], {"status": {"enum": list(FEATURE_STATUSES)}, "title": s.TEXT, "description": s.TEXT})


class MLFeatures(Resource):
    plural, kind = "ml_features", "ml_feature"  # its routes are hand-written: api/ml_features.py
    list_query = ("id", "name", "source", "type", "status", "title", "description", "query")
    body_schema = s.obj(
        ["name", "source", "type"],
        {
            "name": s.NAME,
            "source": s.NAME,
            "type": {"enum": list(FEATURE_TYPES)},
            "title": s.TEXT,
            "description": s.TEXT,
        },
    )
    record_schema = s.obj(
        list(RECORD_FIELDS),
        {
            "id": s.ID,
            "name": s.STRING,
            "source": s.STRING,
            "type": {"enum": list(FEATURE_TYPES)},
            "status": {"enum": list(FEATURE_STATUSES)},
            "title": s.TEXT,
            "description": s.TEXT,
            "group": {**s.TEXT, "description": "the name of its ml_feature_group, or null"},
            **s.STAMPS,
        },
    )
    seed_schema = s.obj(
        ["name", "source", "type"],
        {
            **s.SEEDED,
            **body_schema["properties"],
            "status": s.nullable({"enum": list(FEATURE_STATUSES)}),
            "group": {**s.TEXT, "description": "the name of an ml_feature_group seeded before it, or null"},
        },
    )

    def fields(self, body: dict, current: dict | None) -> dict:
        if current is None:
            return {
                "name": v.name(body, "name"),
                "source": v.name(body, "source"),
                "type": v.choice(body, "type", FEATURE_TYPES),
                "status": NEW_FEATURE_STATUS,
                "title": v.text(body, "title"),
                "description": v.text(body, "description"),
                "group_id": None,
            }
        kept = ("name", "source", "type", "group_id")
        return {
            **{key: current[key] for key in kept},
            "status": v.choice(body, "status", FEATURE_STATUSES),
            "title": v.text(body, "title", current["title"]),
            "description": v.text(body, "description", current["description"]),
        }

    def name_key(self, fields: dict) -> Hashable:
        return (fields["source"], fields["name"])

    def shown_name(self, fields: dict) -> str:
        return f"{fields['name']} (source {fields['source']})"

    def render(self, row: dict) -> dict:
        group_id = row["group_id"]
        group = None if group_id is None else self.store.resources["ml_feature_groups"].table.rows[group_id]["name"]
        return {key: group if key == "group" else row[key] for key in RECORD_FIELDS}

    def seed_fields(self, record: dict) -> dict[str, Any]:
        return {"status": record.get("status"), "group": record.get("group")}

    def insert_seeded(self, body, user, record_id, stamps, status=None, group=None, **seed_fields):
        """A seed or factory may also give `status` (default `created`) and `group` (a name)."""
        if seed_fields:
            raise TypeError(f"ml_features take no seed fields {sorted(seed_fields)}")
        fields = self.fields(body, None)
        if status is not None:
            fields["status"] = v.choice({"status": status}, "status", FEATURE_STATUSES)
        fields["group_id"] = self.group_id(group, "group")
        return self.insert(fields, user, record_id, stamps)

    def group_id(self, group: str | None, field: str) -> int | None:
        """The id of the group named `group` (None: no group); a missing one is the caller's fault."""
        if group is None:
            return None
        if not isinstance(group, str):
            raise FieldError(field, "must be the name of an ml_feature_group, or null")
        found = self.store.resources["ml_feature_groups"].table.ids_by_name.get(group)
        if found is None:
            raise FieldError(field, f"no ml_feature_group is named {group!r}")
        return found

    def set_group(self, feature_id: int, group: str | None) -> dict:
        """Move a feature into the group named `group` (None: out of every group)."""
        row = self.table.get(feature_id)
        self.touch(row, {"group_id": self.group_id(group, "group")})
        return self.render(row)

    def list(
        self,
        id: int | None = None,
        name: str | None = None,
        query: str | None = None,
        page: int | None = None,
        **exact,
    ) -> list[dict]:
        """Every parameter matches exactly (`query`: a substring of the name, any case)."""
        rows = matching(self.table.select(id, None, "name"), "name", query)
        wanted = {"name": name, **exact}
        rows = [r for r in rows if all(value is None or r[key] == value for key, value in wanted.items())]
        return [self.render(r) for r in paginate(rows, page)]
